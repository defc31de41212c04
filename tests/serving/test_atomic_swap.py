"""The swap: a reader holding the serving file open never blocks a publish and keeps its
consistent snapshot, a new connection sees the new copy, and a publish that fails midway
leaves the published file and Parquet export exactly as they were, with no temporary
files. Synchronisation with the reader process is by handshakes over pipes, no sleeping."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

import serving.publishing as publish_module
from serving.paths import ServingTargets
from serving.publishing import PublishError, publish
from tests.serving.helpers import (
    MARTS,
    Reader,
    add_outcomes,
    counts,
    mart_rows,
    require_old_duckdb,
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("client", ["current", "duckdb-1.4"])
def test_a_reader_keeps_its_snapshot_and_never_blocks_a_publish(
    warehouse: Path, reader: type[Reader], client: str
) -> None:
    if client == "duckdb-1.4":
        require_old_duckdb()
    first = publish(warehouse)
    before = counts(warehouse)

    held = reader(first.database, old_client=client == "duckdb-1.4")
    assert held.version.startswith("1.4.") if client == "duckdb-1.4" else True
    assert {mart: n for mart, (n, _) in held.first.items()} == before

    add_outcomes(warehouse, 25)  # the next build
    second = publish(warehouse)  # completes while the reader holds the old file open

    # The reader, on the connection it opened before, still reads the old copy, unchanged.
    assert held.snapshot() == held.first
    # A new connection opens the new copy.
    after = counts(second.database)
    assert after == counts(warehouse)
    assert after["fct_goal_outcomes"] == before["fct_goal_outcomes"] + 25
    # A new reader (a fresh connection in another process) too.
    fresh = reader(second.database, old_client=client == "duckdb-1.4")
    assert {mart: n for mart, (n, _) in fresh.first.items()} == after
    fresh.close()
    held.close()


def test_a_publish_with_a_reader_on_each_of_two_generations(
    warehouse: Path, reader: type[Reader]
) -> None:
    """Readers of two different generations at once, then a third publish: each keeps the
    copy it opened."""
    first = publish(warehouse)
    old = reader(first.database)
    add_outcomes(warehouse, 1)
    second = publish(warehouse)
    newer = reader(second.database)
    add_outcomes(warehouse, 1)
    publish(warehouse)

    assert old.snapshot() == old.first
    assert newer.snapshot() == newer.first
    assert newer.first["fct_goal_outcomes"][0] == old.first["fct_goal_outcomes"][0] + 1
    old.close()
    newer.close()


class Boom(Exception):
    """The failure injected midway."""


def _fail_on_call(real: Callable[..., Any], call: int, exc: BaseException) -> Callable[..., Any]:
    calls = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == call:
            raise exc
        return real(*args, **kwargs)

    return wrapper


FAILURES = {
    # while copying the third mart
    "copy": ("_copy_mart", 3, Boom("disk full")),
    # interrupted (Ctrl-C) while copying
    "interrupt": ("_copy_mart", 2, KeyboardInterrupt()),
    # the new file is complete, fsync fails
    "fsync": ("fsync_file", 1, Boom("fsync failed")),
    # the new `current` link cannot be made
    "symlink": ("os.symlink", 1, OSError("symlinks not supported")),
    # the rename of the new file over the published one fails
    "replace": ("os.replace", 1, OSError("rename failed")),
}


def _inject(monkeypatch: pytest.MonkeyPatch, failure: str) -> None:
    name, call, exc = FAILURES[failure]
    if name.startswith("os."):
        attr = name.removeprefix("os.")
        monkeypatch.setattr(publish_module.os, attr, _fail_on_call(getattr(os, attr), call, exc))
    else:
        real = getattr(publish_module, name)
        monkeypatch.setattr(publish_module, name, _fail_on_call(real, call, exc))


def _state(targets: ServingTargets) -> dict[str, Any]:
    """Everything a reader could see, and every file in the serving folders."""
    return {
        "database": _digest(targets.database),
        "inode": targets.database.stat().st_ino,
        "current": os.readlink(targets.current),
        "parquet": {p.name: _digest(p) for p in sorted(targets.current.iterdir())},
        "serving_dir": sorted(p.name for p in targets.database.parent.iterdir()),
        "parquet_dir": sorted(p.name for p in targets.parquet_dir.iterdir()),
        "versions": sorted(p.name for p in targets.versions.iterdir()),
    }


@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_a_failure_midway_leaves_the_published_copy_intact(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch, reader: type[Reader], failure: str
) -> None:
    first = publish(warehouse)
    published = _state(first.targets)
    rows = mart_rows(first.database)
    held = reader(first.database)
    add_outcomes(warehouse, 5)

    _inject(monkeypatch, failure)
    expected = KeyboardInterrupt if failure == "interrupt" else (Boom, OSError)
    with pytest.raises(expected):
        publish(warehouse)
    monkeypatch.undo()

    assert _state(first.targets) == published  # same file, same link, no temporary left
    assert mart_rows(first.database) == rows
    assert held.snapshot() == held.first
    held.close()

    # and the next publish goes through
    again = publish(warehouse)
    assert mart_rows(again.database) == mart_rows(warehouse)


def test_a_failure_to_switch_the_parquet_link_is_reported(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The serving file was swapped in, then repointing `current` failed: the error says
    so, the previous Parquet version stays current and nothing temporary is left."""
    first = publish(warehouse)
    published = _state(first.targets)
    add_outcomes(warehouse, 5)
    monkeypatch.setattr(
        publish_module.os, "replace", _fail_on_call(os.replace, 2, OSError("rename failed"))
    )

    with pytest.raises(PublishError, match="was published, but the Parquet export"):
        publish(warehouse)
    monkeypatch.undo()

    now = _state(first.targets)
    assert now["database"] != published["database"]  # the new copy is in
    assert mart_rows(first.database) == mart_rows(warehouse)
    for key in ("current", "parquet", "serving_dir", "parquet_dir", "versions"):
        assert now[key] == published[key], key


def test_the_published_names_only_ever_hold_complete_files(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At the moment of each rename, the file about to appear under the published name is
    complete: it opens read-only and holds every mart (checked from inside the rename)."""
    seen: list[str] = []
    real_replace = os.replace

    def checking_replace(src: Any, dst: Any) -> None:
        src, dst = Path(src), Path(dst)
        if dst.name == "goals_serving.duckdb":
            assert not src.with_name(src.name + ".wal").exists()
            con = duckdb.connect(str(src), read_only=True)
            try:
                tables = con.execute("select table_name from duckdb_tables() order by 1")
                assert [row[0] for row in tables.fetchall()] == sorted(MARTS)
            finally:
                con.close()
            seen.append("database")
        elif dst.name == "current":
            target = src.parent / os.readlink(src)
            assert sorted(p.name for p in target.iterdir()) == sorted(f"{m}.parquet" for m in MARTS)
            seen.append("current")
        real_replace(src, dst)

    monkeypatch.setattr(publish_module.os, "replace", checking_replace)
    publish(warehouse)
    add_outcomes(warehouse, 2)
    publish(warehouse)
    assert seen == ["database", "current", "database", "current"]
