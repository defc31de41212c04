"""The published copy cannot be written: a read-write client (even one that opened the file
before a publish) never breaks the readers of the new copy, and a failed publish leaves no
folder behind."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from serving.paths import resolve_targets
from serving.publishing import NoMartsError, publish
from tests.serving.helpers import (
    add_outcomes,
    mart_rows,
    old_duckdb_env,
    require_old_duckdb,
)

_READ = (
    "import duckdb, sys\n"
    "con = duckdb.connect(sys.argv[1], read_only=True)\n"
    "print(con.execute('select count(*) from marts.fct_goal_outcomes').fetchone()[0])\n"
)


def _count_in_new_reader(database: Path, *, old_client: bool = False) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _READ, str(database)],
        env=old_duckdb_env() if old_client else None,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip())


def test_the_published_file_is_read_only(warehouse: Path) -> None:
    result = publish(warehouse)
    assert stat.S_IMODE(result.database.stat().st_mode) == 0o444


@pytest.mark.parametrize("old_client", [False, True], ids=["duckdb-2", "duckdb-1.4"])
def test_a_read_write_client_opened_before_a_publish_does_not_break_new_readers(
    warehouse: Path, old_client: bool
) -> None:
    if old_client:
        require_old_duckdb()
    first = publish(warehouse)
    # A client opens the copy read-write (as root, the file mode does not stop it) ...
    writer = duckdb.connect(str(first.database))
    try:
        add_outcomes(warehouse, 3)
        second = publish(warehouse)
        # ... and writes after the publish: DuckDB would write <file>.wal beside the new file.
        with pytest.raises(duckdb.Error):
            writer.execute("create table marts.scratch as select 1 as x")
    finally:
        writer.close()

    expected = len(mart_rows(warehouse)["fct_goal_outcomes"])
    assert _count_in_new_reader(second.database, old_client=old_client) == expected


def test_a_read_write_client_cannot_write_the_copy(warehouse: Path) -> None:
    result = publish(warehouse)
    writer = duckdb.connect(str(result.database))
    try:
        with pytest.raises(duckdb.Error, match=r"\.wal"):
            writer.execute("insert into marts.dim_workspaces values ('ws_x', null, 'EUR', 'UTC')")
    finally:
        writer.close()
    assert _count_in_new_reader(result.database) == len(mart_rows(warehouse)["fct_goal_outcomes"])


def test_a_failed_publish_leaves_no_folder_behind(tmp_path: Path) -> None:
    db = tmp_path / "goals.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema raw; create table raw.events as select 1 as x")
    con.close()
    with pytest.raises(NoMartsError):
        publish(db)
    assert sorted(os.listdir(tmp_path)) == ["goals.duckdb"]


def test_a_failed_publish_keeps_folders_that_were_there(warehouse: Path) -> None:
    published = publish(warehouse)
    targets = resolve_targets(warehouse)
    con = duckdb.connect(str(warehouse))
    con.execute("drop table marts.dim_goals")
    con.close()
    with pytest.raises(NoMartsError):
        publish(warehouse, marts=["dim_goals"])
    assert published.database.is_file()
    assert targets.current.is_symlink()
