"""goals_core.lake: DuckDB reads the Spark target's lake as the DuckDB target's schemas."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from goals_core.lake import attach_lake, connect_lake


def _write(folder: Path, sql: str, name: str = "part-00000.parquet") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"copy ({sql}) to '{folder / name}' (format parquet)")
    finally:
        con.close()


def test_an_empty_lake_has_empty_typed_raw_tables_and_no_marts(tmp_path: Path) -> None:
    con = connect_lake(tmp_path)
    assert con.execute("select count(*) from raw.events").fetchone() == (0,)
    types = dict(
        con.execute("select column_name, column_type from (describe raw.loaded_files)").fetchall()
    )
    assert types["loaded_at"] == "TIMESTAMP" and types["size_bytes"] == "BIGINT"
    tables = con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts'"
    )
    assert tables.fetchall() == []


def test_raw_tables_read_committed_folders_only(tmp_path: Path) -> None:
    events = tmp_path / "raw" / "events"
    row = "select 'ws' as workspace_id, '{id}' as event_id"
    _write(events / "aaa", row.format(id="e1"))
    _write(events / "bbb", row.format(id="e2"))
    _write(events / "_tmp-ccc", row.format(id="uncommitted"))
    _write(events / ".hidden", row.format(id="hidden"))
    con = connect_lake(tmp_path, ("raw",))
    ids = con.execute("select event_id from raw.events order by 1").fetchall()
    assert ids == [("e1",), ("e2",)]


def test_spark_instants_read_as_utc_wall_clock_whatever_the_zone(tmp_path: Path) -> None:
    # Spark writes its timestamps as instants (isAdjustedToUTC): DuckDB reads them with a
    # zone; the reader gives them back as the UTC wall-clock times the DuckDB target holds.
    _write(
        tmp_path / "tables" / "marts.db" / "fct_goal_outcomes",
        "select timestamptz '2026-03-01 23:30:00+00' as occurred_at, 1.5::decimal(38,10) as value",
    )
    _write(tmp_path / "tables" / "marts.db" / "fct_goal_outcomes", "select 1", "_SUCCESS.parquet")
    con = duckdb.connect()
    con.execute("set TimeZone = 'America/Los_Angeles'")
    made = attach_lake(con, lake=tmp_path, schemas=("marts",))
    assert made == {"marts": ["fct_goal_outcomes"]}
    row = con.execute("select occurred_at, typeof(occurred_at), value from marts.fct_goal_outcomes")
    occurred_at, kind, value = row.fetchone()
    assert occurred_at == datetime(2026, 3, 1, 23, 30) and kind == "TIMESTAMP"
    assert str(value) == "1.5000000000"


@pytest.mark.parametrize("materialize", [False, True])
def test_marts_attach_to_another_database_as_views_or_copies(
    tmp_path: Path, materialize: bool
) -> None:
    _write(tmp_path / "tables" / "marts.db" / "dim_goals", "select 'g1' as goal_code")
    con = duckdb.connect()
    con.execute("attach ':memory:' as wh")
    attach_lake(con, lake=tmp_path, schemas=("marts",), database="wh", materialize=materialize)
    kinds = con.execute(
        "select table_type from information_schema.tables "
        "where table_catalog = 'wh' and table_schema = 'marts' and table_name = 'dim_goals'"
    ).fetchall()
    assert kinds == [("BASE TABLE" if materialize else "VIEW",)]
    assert con.execute("select * from wh.marts.dim_goals").fetchall() == [("g1",)]
