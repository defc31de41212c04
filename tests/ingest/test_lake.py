"""The Spark target's raw tables: the loader publishes every committed file into the lake
as one committed Parquet folder per table (ingest/lake.py, docs/spark.md "Raw events on
Spark").

The lake is read back the way Spark reads it (committed folders only, `_`/`.` names
skipped) with DuckDB's read_parquet; no Spark is needed. Crashes are real `kill -9`s of
`goals ingest` at the loader's kill points (ingest/_killpoints.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from goals_core.raw_load import ingest_for_target, raw_db_path
from goals_core.target import LAKE_ENV, RAW_TABLES, TARGET_ENV
from ingest._killpoints import KILL_AT_ENV
from ingest.lake import (
    FILE_TABLES,
    PART_NAME,
    TMP_PREFIX,
    Lake,
    committed_files,
    folder_name,
    folder_sha,
    ingest_paths_to_lake,
    loader_db_path,
    sync_lake,
)
from ingest.lake import RAW_TABLES as LAKE_TABLES
from ingest.loader import GROUP_BYTES_ENV, FileResult, ingest_paths
from ingest.schema import ensure_raw_schema
from ingest.warehouse import connect
from tests.ingest.helpers import check_invariants, line, write
from tests.support import PROJECT_DIR as ROOT

# Load order (lexicographic): 04 is a copy of 01 (skipped), 05 cannot be read (set aside).
NAMES = ("01-a.ndjson", "02-b.ndjson", "03-c.parquet", "04-copy-of-a.ndjson", "05-bad.ndjson.gz")
LOADED = 3
STAMP = {"file_rejects": "rejected_at"}  # the column a rerun changes; loaded_at elsewhere


# ---------------------------------------------------------------------------- data


def build_landing(folder: Path) -> Path:
    """Three loadable files with rejects and duplicates (within a file and across files),
    a copy of the first, and a file that is not gzip."""
    write(
        folder / NAMES[0],
        [
            line(event_id="a1", occurred_at="2026-03-01T10:00:00+02:00", properties={"x": 1}),
            line(event_id="a2", customer_id="c1", source="server", properties={"v": "1.50"}),
            line(event_id="a1", name="other"),  # a duplicate within the file
            '{"event_id": "a3", "workspace_id": ',  # a reject
            line(event_id="a4", occurred_at="2026-02-30"),  # a reject
        ],
    )
    write(
        folder / NAMES[1],
        [
            line(event_id="a2", name="later"),  # a duplicate of file 01
            line(event_id="b1", conversation_id="conv", flow_id="f"),
            line(event_id="b2", workspace_id="ws2", occurred_at="2026-03-08T09:30:00-08:00"),
            "",
            "not json",
        ],
        newline=b"\r\n",
    )
    table = pa.table(
        {
            "event_id": ["c1", "b1", "c2"],  # b1: a duplicate of file 02
            "workspace_id": ["ws", "ws", "ws"],
            "name": ["purchase", "purchase", "page_view"],
            "occurred_at": ["2026-03-02T00:00:00Z", "2026-03-02T00:00:00Z", "2026-13-01"],
            "properties": ['{"amount": 2}', "{}", None],
        }
    )
    pq.write_table(table, folder / NAMES[2])
    shutil.copyfile(folder / NAMES[0], folder / NAMES[3])
    (folder / NAMES[4]).write_bytes(b"not gzip at all")
    return folder


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_landing(tmp_path_factory.mktemp("lake") / "landing")


def load_lake(lake: Path, *paths: Path) -> list[FileResult]:
    with connect(loader_db_path(lake)) as con:
        results = ingest_paths_to_lake(con, list(paths), lake=lake)
        check_invariants(con)
    return results


@pytest.fixture(scope="module")
def clean(landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lake after one uninterrupted load of the landing folder."""
    lake = tmp_path_factory.mktemp("clean") / "lake"
    results = load_lake(lake, landing)
    statuses = [r.status for r in results]
    assert statuses == ["loaded"] * LOADED + ["skipped", "rejected"]
    return lake


# ---------------------------------------------------------------------------- reading


def _reader() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con


def lake_rows(lake: Path, table: str, *, stamp: bool = False) -> list[tuple[Any, ...]]:
    """A raw table as Spark sees it (committed folders only), sorted; without its stamp
    column (loaded_at / rejected_at: a rerun's clock) unless `stamp`."""
    files = [str(f) for f in committed_files(table, lake)]
    if not files:
        return []
    exclude = "" if stamp else f" exclude ({STAMP.get(table, 'loaded_at')})"
    with _reader() as con:
        return con.execute(
            f"select *{exclude} from read_parquet(?) order by all", [files]
        ).fetchall()


def db_rows(db: Path, table: str) -> list[tuple[Any, ...]]:
    with connect(db, read_only=True) as con:
        exclude = STAMP.get(table, "loaded_at")
        return con.execute(f"select * exclude ({exclude}) from raw.{table} order by all").fetchall()


def lake_snapshot(lake: Path) -> dict[str, list[tuple[Any, ...]]]:
    return {table: lake_rows(lake, table) for table in RAW_TABLES}


def folders(lake: Path, table: str) -> list[str]:
    root = lake / "raw" / table
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


def check_lake(lake: Path) -> None:
    """The lake's own invariants: no uncommitted folder; every table has exactly one
    folder per ledger row, named by the file's loaded_at and sha256, holding one Parquet
    file whose rows all carry that sha256 and loaded_at; the loader-side database holds
    what the lake holds."""
    ledger = lake_rows(lake, "loaded_files", stamp=True)
    with _reader() as con:
        names = set()
        for row in ledger:
            sha, loaded_at = row[0], row[-1]
            names.add(folder_name(loaded_at, sha))
        for table in FILE_TABLES:
            assert set(folders(lake, table)) == names, table
            for name in names:
                parts = list((lake / "raw" / table / name).iterdir())
                assert [p.name for p in parts] == [PART_NAME]
                stamps = con.execute(
                    "select distinct file_sha256, loaded_at from read_parquet(?)", [str(parts[0])]
                ).fetchall()
                assert all(folder_name(s[1], s[0]) == name for s in stamps), (table, stamps)
    for table in RAW_TABLES:
        assert not any(n.startswith(("_", ".")) for n in folders(lake, table)), table
        assert lake_rows(lake, table, stamp=True) == db_rows_with_stamp(lake, table), table


def db_rows_with_stamp(lake: Path, table: str) -> list[tuple[Any, ...]]:
    with connect(loader_db_path(lake), read_only=True) as con:
        return con.execute(f"select * from raw.{table} order by all").fetchall()


def load_order(lake: Path) -> list[str]:
    """The ledger's file names in loaded_at order (the incremental watermark)."""
    rows = lake_rows(lake, "loaded_files", stamp=True)
    return [Path(row[1]).name for row in sorted(rows, key=lambda row: row[-1])]


# ---------------------------------------------------------------------------- one load


def test_one_committed_folder_per_file_and_table(clean: Path) -> None:
    check_lake(clean)
    assert load_order(clean) == list(NAMES[:LOADED])
    ledger = lake_rows(clean, "loaded_files", stamp=True)
    loaded_at = sorted(row[-1] for row in ledger)
    assert len(set(loaded_at)) == LOADED  # one value per file, strictly increasing
    for table in FILE_TABLES:
        assert len(folders(clean, table)) == LOADED
        # sorted folder names follow the load order
        assert [folder_sha(n) for n in folders(clean, table)] == [
            row[0] for row in sorted(ledger, key=lambda row: row[-1])
        ]
    (set_aside,) = lake_rows(clean, "file_rejects")
    assert Path(set_aside[1]).name == NAMES[4] and set_aside[3] == "invalid_gzip"


def test_rows_and_types(clean: Path, landing: Path) -> None:
    events = {(r[0], r[1]): r for r in lake_rows(clean, "events")}
    assert sorted(events) == [
        ("ws", "a1"), ("ws", "a2"), ("ws", "b1"), ("ws", "c1"), ("ws2", "b2"),
    ]  # fmt: skip
    a1 = events["ws", "a1"]
    assert str(a1[3]) == "2026-03-01 08:00:00"  # occurred_at in UTC
    assert a1[8] == '{"x":1}'  # properties as JSON text
    assert str(events["ws2", "b2"][3]) == "2026-03-08 17:30:00"
    rejects = [(Path(r[1]).name, r[2], r[5]) for r in lake_rows(clean, "event_rejects")]
    assert sorted(rejects) == [
        (NAMES[0], 4, "invalid_json"),
        (NAMES[0], 5, "invalid_timestamp"),
        (NAMES[1], 5, "invalid_json"),
        (NAMES[2], 3, "invalid_timestamp"),
    ]
    # the types of the DuckDB raw tables, as DuckDB's COPY writes them
    part = next(iter(committed_files("events", clean)))
    schema = pq.read_schema(part)
    assert schema.field("occurred_at").type == pa.timestamp("us")  # no time zone
    assert schema.field("loaded_at").type == pa.timestamp("us")
    assert schema.field("line_number").type == pa.int64()
    assert schema.field("event_id").type == pa.string()
    assert pq.ParquetFile(part).schema.column(8).logical_type.type == "JSON"


def test_duplicates_across_files_in_the_lake(clean: Path) -> None:
    dups = lake_rows(clean, "event_duplicates", stamp=True)
    ledger = {row[0]: Path(row[1]).name for row in lake_rows(clean, "loaded_files")}
    found = sorted((r[1], ledger[r[2]], r[4]) for r in dups)
    assert found == [("a1", NAMES[0], 3), ("a2", NAMES[1], 1), ("b1", NAMES[2], 2)]
    # first loaded wins: the events keep the earlier file's line
    events = {r[1]: (ledger[r[9]], r[10]) for r in lake_rows(clean, "events")}
    assert events["a1"] == (NAMES[0], 1)
    assert events["a2"] == (NAMES[0], 2)
    assert events["b1"] == (NAMES[1], 2)


def test_reload_adds_nothing(clean: Path, landing: Path, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    shutil.copytree(clean, lake)
    before = {t: folders(lake, t) for t in RAW_TABLES}
    stats = {p: p.stat().st_mtime_ns for p in (lake / "raw").rglob("*.parquet")}
    results = load_lake(lake, landing)
    assert [r.status for r in results] == ["skipped"] * (LOADED + 1) + ["rejected"]
    assert results[-1].earlier
    assert {t: folders(lake, t) for t in RAW_TABLES} == before
    assert {p: p.stat().st_mtime_ns for p in (lake / "raw").rglob("*.parquet")} == stats
    check_lake(lake)


def test_the_lake_equals_the_duckdb_targets_raw_tables(
    clean: Path, landing: Path, tmp_path: Path, los_angeles: None
) -> None:
    """Both targets on the same files, the DuckDB one in America/Los_Angeles."""
    db = tmp_path / "goals.duckdb"
    with connect(db) as con:
        ingest_paths(con, [landing])
    for table in RAW_TABLES:
        assert lake_rows(clean, table) == db_rows(db, table), table
    with connect(db, read_only=True) as con, _reader() as lake_con:
        for table in RAW_TABLES:
            files = [str(f) for f in committed_files(table, clean)]
            lake_types = lake_con.execute(
                "select column_name, column_type from (describe select * from read_parquet(?))",
                [files],
            ).fetchall()
            db_types = con.execute(
                f"select column_name, column_type from (describe raw.{table})"
            ).fetchall()
            assert lake_types == db_types, table


# ---------------------------------------------------------------------------- the CLI


def run_cli(lake: Path, landing: Path, *extra: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.app", "ingest", str(landing), *extra],
        cwd=ROOT,
        env={
            **os.environ,
            TARGET_ENV: "spark",
            LAKE_ENV: str(lake),
            "PYTHONUNBUFFERED": "1",
            "TZ": "America/Los_Angeles",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_goals_ingest_on_spark_writes_the_lake(clean: Path, landing: Path, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    proc = run_cli(lake, landing)
    assert proc.returncode == 1, proc.stderr  # the bad gzip is set aside
    assert "set aside" in proc.stdout and "Traceback" not in proc.stderr
    assert f"goals rejects --db {loader_db_path(lake)} --lines" in proc.stdout
    assert f"goals rejects --db {loader_db_path(lake)} --files" in proc.stderr
    check_lake(lake)
    assert lake_snapshot(lake) == lake_snapshot(clean)
    assert not (tmp_path / "warehouse").exists()


def test_goals_ingest_on_spark_refuses_db(tmp_path: Path, landing: Path) -> None:
    lake = tmp_path / "lake"
    proc = run_cli(lake, landing, "--db", str(tmp_path / "x.duckdb"))
    assert proc.returncode == 1
    assert "GOALS_TARGET=spark" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not lake.exists() and not (tmp_path / "x.duckdb").exists()


def test_goals_ingest_with_an_unknown_target(tmp_path: Path, landing: Path) -> None:
    proc = run_cli(tmp_path / "lake", landing, **{TARGET_ENV: "oracle"})
    assert proc.returncode == 1
    assert "GOALS_TARGET='oracle' is not a target" in proc.stderr
    assert "Traceback" not in proc.stderr


# ---------------------------------------------------------------------------- crashes


def converge(lake: Path, landing: Path, clean: Path) -> None:
    """The next load repairs the lake and ends where an uninterrupted load does."""
    load_lake(lake, landing)
    check_lake(lake)
    assert lake_snapshot(lake) == lake_snapshot(clean)
    assert load_order(lake) == list(NAMES[:LOADED])


def killed(lake: Path, landing: Path, point: str) -> None:
    # one file per transaction, so that the kill points count files (test_groups.py
    # kills a load of small files that share one)
    proc = run_cli(lake, landing, **{KILL_AT_ENV: point, GROUP_BYTES_ENV: "0"})
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stdout, proc.stderr)


def test_crash_between_commit_and_publish_is_repaired(
    tmp_path: Path, landing: Path, clean: Path
) -> None:
    lake = tmp_path / "lake"
    killed(lake, landing, "after-commit:2")
    # files 01 and 02 are committed in the loader-side database; 02 is not in the lake
    assert load_order(lake) == [NAMES[0]]
    with connect(loader_db_path(lake), read_only=True) as con:
        assert con.execute("select count(*) from raw.loaded_files").fetchone() == (2,)
    with connect(loader_db_path(lake)) as con:
        report = sync_lake(con, Lake(lake))
    assert len(report.published) == 1 and not report.imported
    check_lake(lake)
    assert load_order(lake) == list(NAMES[:2])
    converge(lake, landing, clean)


@pytest.mark.parametrize("lose_database", [False, True])
def test_a_half_written_folder_is_ignored_then_removed(
    tmp_path: Path, landing: Path, clean: Path, lose_database: bool
) -> None:
    lake = tmp_path / "lake"
    killed(lake, landing, "lake-folder-written:1")  # file 01's events, not renamed yet
    (tmp,) = folders(lake, "events")
    assert tmp.startswith(TMP_PREFIX) and (lake / "raw" / "events" / tmp / PART_NAME).is_file()
    assert committed_files("events", lake) == []  # what Spark reads: nothing
    if lose_database:  # file 01 loads again, at another loaded_at: the name is not reused
        for leftover in lake.glob(loader_db_path(lake).name + "*"):
            leftover.unlink()
    converge(lake, landing, clean)
    assert not any(n.startswith(TMP_PREFIX) for t in RAW_TABLES for n in folders(lake, t))


def test_a_file_half_published_is_completed(tmp_path: Path, landing: Path, clean: Path) -> None:
    lake = tmp_path / "lake"
    killed(lake, landing, "lake-folder-committed:6")  # file 02: events and rejects only
    assert len(folders(lake, "events")) == 2 and len(folders(lake, "loaded_files")) == 1
    proc = run_cli(lake, landing)
    assert proc.returncode == 1, proc.stderr  # the bad gzip, set aside by this load
    assert "lake    published 1 file(s) an earlier load committed" in proc.stdout
    check_lake(lake)
    assert lake_snapshot(lake) == lake_snapshot(clean)
    assert load_order(lake) == list(NAMES[:LOADED])


def test_lost_lake_folders_are_published_again(tmp_path: Path, landing: Path, clean: Path) -> None:
    lake = tmp_path / "lake"
    shutil.copytree(clean, lake)
    second = folders(lake, "events")[1]  # file 02
    shutil.rmtree(lake / "raw" / "events" / second)
    shutil.rmtree(lake / "raw" / "loaded_files" / second)
    (set_aside,) = folders(lake, "file_rejects")
    shutil.rmtree(lake / "raw" / "file_rejects" / set_aside)
    with connect(loader_db_path(lake)) as con:
        report = sync_lake(con, Lake(lake))
    assert len(report.published) == 2 and not report.imported and not report.removed_orphans
    check_lake(lake)
    assert lake_snapshot(lake) == lake_snapshot(clean)


def test_a_lost_loader_database_is_rebuilt_from_the_lake(
    tmp_path: Path, landing: Path, clean: Path
) -> None:
    """The lake holds files the loader-side database does not (it was lost): they are
    taken back, not loaded again, and the watermark goes on after them."""
    lake = tmp_path / "lake"
    shutil.copytree(clean, lake)
    for leftover in lake.glob(loader_db_path(lake).name + "*"):
        leftover.unlink()
    results = load_lake(lake, landing)
    assert [r.status for r in results] == ["skipped"] * (LOADED + 1) + ["rejected"]
    assert results[-1].earlier  # the set-aside file is known again too
    check_lake(lake)
    assert lake_snapshot(lake) == lake_snapshot(clean)
    newer = write(tmp_path / "new" / "06-f.ndjson", [line(event_id="a1"), line(event_id="f1")])
    (result,) = load_lake(lake, newer)
    assert (result.status, result.accepted, result.duplicate) == ("loaded", 1, 1)
    check_lake(lake)
    assert load_order(lake) == [*NAMES[:LOADED], "06-f.ndjson"]


def test_an_unfinished_publish_of_a_lost_database_is_redone(
    tmp_path: Path, landing: Path, clean: Path
) -> None:
    """Folders without their ledger folder, of a file the database does not know: that
    file was never loaded; the folders go and the file loads again."""
    lake = tmp_path / "lake"
    killed(lake, landing, "lake-folder-committed:2")  # file 01: events and rejects
    for leftover in lake.glob(loader_db_path(lake).name + "*"):
        leftover.unlink()
    with connect(loader_db_path(lake)) as con:
        ensure_raw_schema(con)
        report = sync_lake(con, Lake(lake))
    assert len(report.removed_orphans) == 2 and not report.imported
    assert all(folders(lake, t) == [] for t in RAW_TABLES)
    converge(lake, landing, clean)


# ---------------------------------------------------------------------------- the target


@pytest.fixture
def target(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.delenv(TARGET_ENV, raising=False)
    yield monkeypatch


def test_the_duckdb_target_writes_no_lake(
    target: pytest.MonkeyPatch, landing: Path, tmp_path: Path
) -> None:
    lake = tmp_path / "lake"
    target.setenv(LAKE_ENV, str(lake))
    db = tmp_path / "goals.duckdb"
    assert raw_db_path(db) == db
    with connect(db) as con:
        results = ingest_for_target(con, [landing])
    assert [r.status for r in results] == ["loaded"] * LOADED + ["skipped", "rejected"]
    assert not lake.exists()


def test_the_spark_target_loads_into_the_lake(
    target: pytest.MonkeyPatch, landing: Path, tmp_path: Path, clean: Path
) -> None:
    lake = tmp_path / "lake"
    target.setenv(TARGET_ENV, "spark")
    target.setenv(LAKE_ENV, str(lake))
    assert raw_db_path() == loader_db_path(lake) == lake.resolve() / "loader.duckdb"
    with connect(raw_db_path()) as con:
        ingest_for_target(con, [landing])
    check_lake(lake)
    assert lake_snapshot(lake) == lake_snapshot(clean)


def test_the_lake_knows_every_raw_table() -> None:
    assert sorted(LAKE_TABLES) == sorted(RAW_TABLES)


def test_folder_names() -> None:
    sha = "ab" * 32
    name = folder_name(datetime(2026, 3, 1, 10, 0, 0, 12), sha)
    assert name == f"20260301T100000000012Z-{sha}"
    assert folder_sha(name) == sha
    assert folder_sha(f"{TMP_PREFIX}{name}") is None
    assert folder_sha("part-0.parquet") is None
    with pytest.raises(ValueError, match="sha256"):
        folder_name(datetime(2026, 3, 1), "../x")
