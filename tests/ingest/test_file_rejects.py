"""A file that cannot be read (truncated or damaged gzip, not Parquet, an I/O error) never
blocks the others: it is set aside with its reason, every good file loads, the same bytes
are not tried again, a fixed file (new bytes) loads."""

from __future__ import annotations

import errno
import gzip
from pathlib import Path

import duckdb
import pytest

from ingest import loader
from tests.ingest.helpers import check_invariants, events, line, load, write


def truncated_gz(path: Path, *event_ids: str) -> Path:
    payload = "".join(line(event_id=e) + "\n" for e in event_ids).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(payload * 20)[:-12])
    return path


def test_bad_file_first_does_not_block_the_folder(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    bad = truncated_gz(tmp_path / "in" / "a-bad.ndjson.gz", "x")
    write(tmp_path / "in" / "b-good.ndjson", [line(event_id="b")])
    not_parquet = tmp_path / "in" / "c.parquet"
    not_parquet.write_bytes(b"PAR1 nope")
    write(tmp_path / "in" / "d-good.ndjson", [line(event_id="d")])
    results = load(con, tmp_path / "in")
    assert [(r.status, r.reason_code) for r in results] == [
        ("rejected", "invalid_gzip"),
        ("loaded", None),
        ("rejected", "invalid_parquet"),
        ("loaded", None),
    ]
    assert events(con) == [("b",), ("d",)]
    rows = con.execute(
        "select file_path, size_bytes, reason_code from raw.file_rejects order by file_path"
    ).fetchall()
    assert rows == [
        (str(bad), bad.stat().st_size, "invalid_gzip"),
        (str(not_parquet), not_parquet.stat().st_size, "invalid_parquet"),
    ]
    # a set-aside file is not in the ledger
    ledger = con.execute("select count(*) from raw.loaded_files").fetchone()
    assert ledger == (2,)


def test_same_bytes_are_not_retried_and_a_fixed_file_loads(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    bad = truncated_gz(tmp_path / "a.ndjson.gz", "x")
    [first] = load(con, bad)
    copy = tmp_path / "copy.ndjson.gz"
    copy.write_bytes(bad.read_bytes())
    again, renamed = load(con, bad, copy)
    assert (first.status, first.earlier) == ("rejected", False)
    assert (again.status, again.earlier, again.reason) == ("rejected", True, first.reason)
    assert (renamed.status, renamed.earlier) == ("rejected", True)
    assert con.execute("select count(*) from raw.file_rejects").fetchone() == (1,)
    bad.write_bytes(gzip.compress((line(event_id="fixed") + "\n").encode()))
    [fixed] = load(con, bad)
    assert fixed.status == "loaded"
    assert events(con) == [("fixed",)]


def test_io_error_is_reported_but_not_recorded(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(loader.GROUP_BYTES_ENV, "0")  # the one-file path (test_groups.py: a group)
    flaky = write(tmp_path / "a.ndjson", [line(event_id="a")])
    good = write(tmp_path / "b.ndjson", [line(event_id="b")])
    original = loader.file_sha256

    def failing(path: Path) -> str:
        if path == flaky:
            raise OSError(errno.EIO, "Input/output error")
        return original(path)

    monkeypatch.setattr(loader, "file_sha256", failing)
    results = load(con, flaky, good)
    assert [(r.status, r.reason_code) for r in results] == [
        ("rejected", "unreadable"),
        ("loaded", None),
    ]
    assert "Input/output error" in (results[0].reason or "")
    # about the disk, not the bytes: nothing recorded, tried again next time
    assert con.execute("select count(*) from raw.file_rejects").fetchone() == (0,)
    monkeypatch.setattr(loader, "file_sha256", original)
    [retried, _] = load(con, flaky, good)
    assert retried.status == "loaded"
    check_invariants(con)
    assert events(con) == [("b",), ("a",)]


def test_a_warehouse_error_still_stops_the_load(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(loader.GROUP_BYTES_ENV, "0")  # the one-file path (test_groups.py: a group)
    first = write(tmp_path / "a.ndjson", [line(event_id="a")])
    second = write(tmp_path / "b.ndjson", [line(event_id="b")])

    def broken(self: loader._FileLoad) -> None:
        raise duckdb.IOException("disk full")

    monkeypatch.setattr(loader._FileLoad, "_insert_duplicates", broken)
    with pytest.raises(duckdb.IOException):
        loader.ingest_paths(con, [first, second])
    assert con.execute("select count(*) from raw.file_rejects").fetchone() == (0,)
    assert con.execute("select count(*) from raw.loaded_files").fetchone() == (0,)


def test_progress_reaches_each_file_size(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(loader.CHUNK_BYTES_ENV, "0.0625")  # 64 KiB chunks: several per file
    lines = [line(event_id=f"e{i}", properties={"pad": "x" * 200}) for i in range(2000)]
    plain = write(tmp_path / "a.ndjson", lines)
    packed = tmp_path / "b.ndjson.gz"
    others = [line(event_id=f"g{i}", properties={"pad": "x" * 200}) for i in range(2000)]
    packed.write_bytes(gzip.compress("".join(text + "\n" for text in others).encode()))
    seen: dict[Path, list[int]] = {}
    loader.ingest_paths(
        con, [plain, packed], on_progress=lambda path, done: seen.setdefault(path, []).append(done)
    )
    for path in (plain, packed):
        steps = seen[path]
        assert len(steps) > 1
        assert steps == sorted(steps)
        assert steps[-1] == path.stat().st_size


def test_the_next_file_is_read_while_one_finishes(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file is opened once; the next one as soon as the current one is read, before
    its duplicates, inserts and commit. Results are those of file after file."""
    a = write(tmp_path / "a.ndjson", [line(event_id="1"), line(event_id="2")])
    truncated_gz(tmp_path / "b.ndjson.gz", "3")
    write(tmp_path / "c.ndjson", [line(event_id="2"), line(event_id="4")])
    d = tmp_path / "d.ndjson"
    d.write_bytes(a.read_bytes())
    log: list[str] = []
    opened = loader._Readers.open.__func__  # type: ignore[attr-defined]
    finish = loader._FileLoad._finish

    def logged_open(cls: type[loader._Readers], path: Path) -> loader._Readers:
        log.append(f"open {path.name}")
        return opened(cls, path)

    def logged_finish(self: loader._FileLoad) -> tuple[int, int, int, int]:
        log.append(f"finish {self.path.name}")
        return finish(self)

    monkeypatch.setattr(loader._Readers, "open", classmethod(logged_open))
    monkeypatch.setattr(loader._FileLoad, "_finish", logged_finish)
    results = load(con, tmp_path)
    assert [r.status for r in results] == ["loaded", "rejected", "loaded", "skipped"]
    assert [(r.accepted, r.duplicate) for r in results] == [(2, 0), (0, 0), (1, 1), (0, 0)]
    assert log.index("open b.ndjson.gz") < log.index("finish a.ndjson")
    for name in ("a.ndjson", "b.ndjson.gz", "c.ndjson", "d.ndjson"):
        assert log.count(f"open {name}") == 1, log
