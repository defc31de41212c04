"""The read commands on the Spark target read the lake's Parquet (no JVM involved)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.cli.helpers import Goals, create_warehouse, json_lines
from tests.cli.test_explore import EVENTS


@pytest.fixture
def lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A lake whose raw events are those of tests/cli/test_explore.py, as the loader
    commits them (one folder per loaded file), selected with GOALS_TARGET=spark."""
    warehouse = create_warehouse(tmp_path / "w.duckdb", EVENTS)
    lake = tmp_path / "lake"
    folder = lake / "raw" / "events" / "20260101T000000000000Z-file"
    folder.mkdir(parents=True)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.execute(f"copy raw.events to '{folder / 'part-00000.parquet'}' (format parquet)")
    finally:
        con.close()
    monkeypatch.setenv("GOALS_TARGET", "spark")
    monkeypatch.setenv("GOALS_LAKE_PATH", str(lake))
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "no-such-warehouse.duckdb"))
    return lake


def test_explore_reads_the_lake_as_it_reads_the_warehouse(lake: Path) -> None:
    goals = Goals()
    on_spark = json_lines(goals("explore", "--json").stdout)
    on_duckdb = json_lines(goals("explore", "--json", "--db", str(lake.parent / "w.duckdb")).stdout)
    assert [r["event_id"] for r in on_spark] == ["e1", "e2", "e5", "e7", "e3"]
    assert on_spark == on_duckdb


def test_a_missing_lake_is_one_line_that_says_what_to_do(
    lake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOALS_LAKE_PATH", str(lake / "elsewhere"))
    result = Goals()("explore", expect=1)
    assert "No lake at" in result.output and "GOALS_LAKE_PATH" in result.output
