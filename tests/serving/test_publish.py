"""What a publish writes: the marts and nothing else, row for row, with their types,
constraints and descriptions; the Parquet export; where it goes; what it refuses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from ingest.warehouse import WarehouseLockedError
from serving.descriptions import load_mart_descriptions, mart_descriptions
from serving.paths import resolve_targets
from serving.publishing import (
    STORAGE_VERSION,
    NoMartsError,
    PublishError,
    WarehouseMissingError,
    publish,
    served_type,
    wal_guard_target,
)
from tests.serving.helpers import (
    DESCRIPTIONS,
    MARTS,
    RAW_MARKER,
    add_outcomes,
    make_warehouse,
    mart_rows,
    served_columns,
)
from tests.support import LockHolder


def _columns(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, ...]]:
    return con.execute(
        "select schema_name, table_name, column_name, data_type, is_nullable::varchar "
        "from duckdb_columns() where database_name = ? and not internal order by all",
        [database],
    ).fetchall()


def test_only_the_marts_are_published(warehouse: Path) -> None:
    result = publish(warehouse)

    con = duckdb.connect(str(result.database), read_only=True)
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() order by all"
        ).fetchall()
        views = con.execute("select view_name from duckdb_views() where not internal").fetchall()
        schemas = {
            row[0]
            for row in con.execute(
                "select schema_name from duckdb_schemas() "
                "where database_name = current_database() and not internal"
            ).fetchall()
        }
        assert tables == [("marts", mart) for mart in MARTS]
        assert views == []
        assert schemas <= {"main", "marts"}  # `main` exists in every DuckDB file, empty here
        # not a single value of the raw, staging, intermediate or seed tables
        for mart in MARTS:
            hits = con.execute(
                f"select count(*) from marts.{mart} as t "
                f"where cast(t as varchar) like '%{RAW_MARKER}%'"
            ).fetchone()
            assert hits == (0,), mart
    finally:
        con.close()
    assert RAW_MARKER.encode() not in result.database.read_bytes()
    assert sorted(result.rows) == sorted(MARTS)


def test_marts_are_copied_row_for_row_with_their_types(warehouse: Path) -> None:
    result = publish(warehouse)

    assert mart_rows(result.database) == mart_rows(warehouse)
    assert result.rows == {mart: len(rows) for mart, rows in mart_rows(warehouse).items()}
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach '{warehouse}' as wh (read_only)")
        con.execute(f"attach '{result.database}' as sv (read_only)")
        source = [
            (schema, table, column, served_type(data_type), nullable)
            for schema, table, column, data_type, nullable in _columns(con, "wh")
            if schema == "marts"
        ]
        # same columns, types (money at 4 places) and NOT NULLs
        assert _columns(con, "sv") == source
        for mart in MARTS:  # in the same order too
            differing = con.execute(
                f"select count(*) from (select row_number() over () as n, "
                f"{served_columns(con, mart, 'wh')} from wh.marts.{mart} "
                f"except select row_number() over () as n, * from sv.marts.{mart})"
            ).fetchone()
            assert differing == (0,), mart
    finally:
        con.close()


def test_parquet_export_equals_the_marts(warehouse: Path) -> None:
    result = publish(warehouse)

    current = result.targets.current
    assert current.is_symlink()
    assert os.readlink(current) == f"versions/{result.parquet_version}"
    assert sorted(p.name for p in current.iterdir()) == sorted(f"{m}.parquet" for m in MARTS)
    expected = mart_rows(warehouse)
    con = duckdb.connect(":memory:")
    try:
        for mart in MARTS:
            path = result.parquet_file(mart)
            assert path == current / f"{mart}.parquet"
            rows = con.execute(f"select * from read_parquet('{path}') order by all").fetchall()
            assert rows == expected[mart], mart
            assert pq.read_metadata(path).num_rows == len(expected[mart])  # pyarrow reads it
            assert result.rows[mart] == len(expected[mart])
    finally:
        con.close()
    assert result.parquet_bytes == sum((current / f"{m}.parquet").stat().st_size for m in MARTS)


def test_descriptions_become_comments_and_warehouse_comments_are_kept(warehouse: Path) -> None:
    result = publish(warehouse, descriptions=DESCRIPTIONS)

    con = duckdb.connect(str(result.database), read_only=True)
    try:
        tables = dict(con.execute("select table_name, comment from duckdb_tables()").fetchall())
        columns = {
            (t, c): comment
            for t, c, comment in con.execute(
                "select table_name, column_name, comment from duckdb_columns() "
                "where comment is not null"
            ).fetchall()
        }
    finally:
        con.close()
    assert tables["fct_goal_outcomes"] == "One row per goal outcome."
    assert tables["dim_goals"] == "Every goal, with it's configuration."
    assert tables["dim_conversations"] == "One row per conversation."  # from the warehouse
    assert tables["event_catalog"] is None
    assert columns == {
        ("fct_goal_outcomes", "outcome_id"): "Stable id of the outcome.",
        ("fct_goal_outcomes", "value"): "Value, display currency.",
        ("dim_conversations", "event_count"): "Events in the chat.",
    }


def test_descriptions_come_from_the_dbt_manifest(tmp_path: Path) -> None:
    manifest = {
        "nodes": {
            "model.p.fct": {
                "resource_type": "model",
                "name": "fct",
                "alias": "fct_goal_outcomes",
                "schema": "marts",
                "description": " Outcomes. ",
                "columns": {"a": {"name": "a", "description": "A."}, "b": {"name": "b"}},
            },
            "model.p.stg": {
                "resource_type": "model",
                "name": "stg",
                "schema": "staging",
                "description": "not a mart",
            },
            "seed.p.goals": {"resource_type": "seed", "name": "goals", "schema": "marts"},
            "model.p.event_catalog": {
                "resource_type": "model",
                "name": "event_catalog",
                "schema": "marts",
                "config": {"meta": {"serving": False}},
            },
        }
    }
    found = mart_descriptions(manifest)
    assert list(found) == ["fct_goal_outcomes"]
    assert found["fct_goal_outcomes"].description == "Outcomes."
    assert dict(found["fct_goal_outcomes"].columns) == {"a": "A."}

    assert load_mart_descriptions(tmp_path) == {}  # no target/ folder
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "manifest.json").write_text("{not json", encoding="utf-8")
    assert load_mart_descriptions(tmp_path) == {}  # unreadable: no comments, no failure


def test_exactly_the_dbt_marts_when_they_are_known(warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse))
    con.execute("create table marts.fct_goal_outcomes_state as select 1 as watermark")
    con.execute("create view marts.v_helper as select 1 as x")
    con.close()

    result = publish(warehouse, marts=MARTS)
    assert sorted(result.rows) == sorted(MARTS)
    assert any("fct_goal_outcomes_state" in note for note in result.notes)
    assert any("v_helper" in note for note in result.notes)

    with pytest.raises(NoMartsError, match=r"lacks marts\.brand_new_mart.*goals build"):
        publish(warehouse, marts=[*MARTS, "brand_new_mart"])

    with pytest.raises(NoMartsError, match="nothing to publish"):
        publish(warehouse, marts=[])

    everything = publish(warehouse)  # without the dbt list: every table of schema marts
    assert "fct_goal_outcomes_state" in everything.rows
    assert any("v_helper" in note and "view" in note for note in everything.notes)


def test_a_later_publish_replaces_the_copy_and_keeps_two_parquet_versions(
    warehouse: Path,
) -> None:
    first = publish(warehouse)
    add_outcomes(warehouse, 7)
    second = publish(warehouse)
    third = publish(warehouse)

    assert second.rows["fct_goal_outcomes"] == first.rows["fct_goal_outcomes"] + 7
    assert mart_rows(third.database) == mart_rows(warehouse)
    versions = sorted(p.name for p in third.targets.versions.iterdir())
    assert versions == sorted([second.parquet_version, third.parquet_version])
    assert os.readlink(third.targets.current) == f"versions/{third.parquet_version}"
    assert first.parquet_version < second.parquet_version < third.parquet_version


def test_default_targets_sit_beside_the_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wh = tmp_path / "wh" / "goals.duckdb"
    targets = resolve_targets(wh)
    assert targets.database == tmp_path / "wh" / "serving" / "goals_serving.duckdb"
    assert targets.parquet_dir == tmp_path / "wh" / "serving" / "parquet"
    assert targets.current == tmp_path / "wh" / "serving" / "parquet" / "current"

    monkeypatch.setenv("GOALS_SERVING_PATH", str(tmp_path / "bi" / "goals.duckdb"))
    assert resolve_targets(wh).parquet_dir == tmp_path / "bi" / "parquet"
    monkeypatch.setenv("GOALS_PARQUET_DIR", str(tmp_path / "lake"))
    assert resolve_targets(wh) == resolve_targets(
        wh, tmp_path / "bi" / "goals.duckdb", tmp_path / "lake"
    )
    # explicit values win over the environment
    explicit = resolve_targets(wh, tmp_path / "x.duckdb", tmp_path / "pq")
    assert (explicit.database, explicit.parquet_dir) == (tmp_path / "x.duckdb", tmp_path / "pq")


def test_the_file_records_the_compatibility_storage_version(warehouse: Path) -> None:
    result = publish(warehouse)
    assert result.storage_version == STORAGE_VERSION == "v1.4.0"
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach '{result.database}' as sv (read_only)")
        tags = con.execute(
            "select tags['storage_version'] from duckdb_databases() where database_name = 'sv'"
        ).fetchone()
    finally:
        con.close()
    assert tags is not None and str(tags[0]).startswith("v1.4.0")


def test_missing_warehouse_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "goals.duckdb"
    with pytest.raises(WarehouseMissingError, match="goals build"):
        publish(missing)
    assert not missing.exists()


def test_warehouse_without_marts(tmp_path: Path) -> None:
    db = tmp_path / "goals.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema raw; create table raw.events as select 1 as x")
    con.close()
    with pytest.raises(NoMartsError, match=r"run `goals build` first"):
        publish(db)
    assert not (tmp_path / "serving").exists()  # no folder, no file, no temporary


def test_serving_path_cannot_be_the_warehouse(warehouse: Path) -> None:
    with pytest.raises(PublishError, match="is the warehouse itself"):
        publish(warehouse, serving_path=warehouse)
    with pytest.raises(PublishError, match="is a folder"):
        publish(warehouse, serving_path=warehouse.parent)


def test_current_must_be_a_symlink(warehouse: Path, tmp_path: Path) -> None:
    (tmp_path / "pq" / "current").mkdir(parents=True)
    with pytest.raises(PublishError, match="not a symlink"):
        publish(warehouse, parquet_dir=tmp_path / "pq")


def test_the_warehouse_is_only_read(warehouse: Path) -> None:
    """Publishing works while another process reads the warehouse (read-only, shared), and
    leaves the warehouse byte for byte as it was."""
    before = warehouse.read_bytes()
    with LockHolder(warehouse, read_only=True):
        result = publish(warehouse)
    assert sorted(result.rows) == sorted(MARTS)
    assert warehouse.read_bytes() == before
    assert not Path(str(warehouse) + ".wal").exists()


def test_a_writer_holding_the_warehouse_is_named(warehouse: Path) -> None:
    with (
        LockHolder(warehouse) as holder,
        pytest.raises(WarehouseLockedError, match=f"PID {holder.pid}"),
    ):
        publish(warehouse, lock_timeout=0)
    serving = warehouse.parent / "serving"
    assert not (serving / "goals_serving.duckdb").exists()
    assert [p.name for p in serving.glob(".goals_serving.duckdb.tmp-*")] == []


def test_leftovers_of_a_killed_publish_are_removed(warehouse: Path) -> None:
    targets = resolve_targets(warehouse)
    targets.versions.mkdir(parents=True)
    crashed = [
        targets.database.with_name(".goals_serving.duckdb.tmp-20260101T000000.000000Z"),
        targets.database.with_name(".goals_serving.duckdb.tmp-20260101T000000.000000Z.wal"),
        targets.parquet_dir / ".current-20260101T000000.000000Z",
    ]
    for path in crashed:
        path.write_bytes(b"half a file")
    (targets.versions / ".staging-20260101T000000.000000Z").mkdir()
    (targets.versions / ".staging-20260101T000000.000000Z" / "dim_goals.parquet").touch()

    publish(warehouse)

    assert not any(path.exists() for path in crashed)
    assert [p.name for p in targets.versions.iterdir() if p.name.startswith(".")] == []


def test_a_wal_left_by_a_read_write_client_is_removed(warehouse: Path) -> None:
    first = publish(warehouse)
    wal = first.database.with_name(first.database.name + ".wal")
    # as a copy published before the WAL guard existed would have it
    wal.unlink()
    wal.write_bytes(b"changes to the file being replaced")
    add_outcomes(warehouse, 3)

    second = publish(warehouse)

    assert not wal.exists()
    assert os.readlink(wal) == wal_guard_target(second.database)
    assert any("read-write" in note for note in second.notes)
    assert mart_rows(second.database) == mart_rows(warehouse)


@pytest.mark.parametrize("tz", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"])
def test_publish_does_not_depend_on_the_time_zone(tmp_path: Path, tz: str) -> None:
    """In a process whose TZ is not UTC, timestamps and dates are copied as stored."""
    db = make_warehouse(tmp_path / "goals.duckdb", rows=50)
    code = (
        "import sys, time; time.tzset()\n"
        "from serving.publishing import publish\n"
        "r = publish(sys.argv[1])\n"
        "print(r.database)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(db)],
        env={**os.environ, "TZ": tz},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    published = Path(done.stdout.strip())
    assert mart_rows(published) == mart_rows(db)
    parquet = published.parent / "parquet" / "current" / "fct_goal_outcomes.parquet"
    con = duckdb.connect(":memory:")
    try:
        first = con.execute(f"select min(occurred_at) from read_parquet('{parquet}')").fetchone()
    finally:
        con.close()
    assert first is not None and str(first[0]) == "2026-03-08 02:59:59.123456"
