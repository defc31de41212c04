"""Parquet files: same fields, properties as JSON text, row numbers as line numbers."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest.loader import ingest_paths
from tests.ingest.helpers import events, load, rejects


def write_parquet(path: Path, columns: dict[str, Any], schema: pa.Schema | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns, schema=schema), path)
    return path


def test_string_columns(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_parquet(
        tmp_path / "e.parquet",
        {
            "event_id": ["a", "b", "c"],
            "workspace_id": ["ws", "ws", "ws"],
            "name": ["purchase", "page_view", "x"],
            "occurred_at": ["2026-03-01T10:00:00+02:00", "2026-03-01", "2026-03-01T10:00:00"],
            "source": ["server", None, ""],
            "conversation_id": ["c1", None, ""],
            "properties": ['{"total": 12.5, "currency": "EUR"}', None, " {} "],
            "unknown": [1, 2, 3],
        },
    )
    [result] = load(con, path)
    assert (result.file_format, result.read, result.accepted, result.rejected) == (
        "parquet",
        3,
        3,
        0,
    )
    assert events(
        con, "event_id", "occurred_at", "source", "conversation_id", "properties", "line_number"
    ) == [
        ("a", datetime(2026, 3, 1, 8), "server", "c1", '{"total":12.5,"currency":"EUR"}', 1),
        ("b", datetime(2026, 3, 1), "widget", None, "{}", 2),
        ("c", datetime(2026, 3, 1, 10), "widget", None, "{}", 3),
    ]


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_naive_timestamp_column_is_utc(
    los_angeles: None, con: duckdb.DuckDBPyConnection, tmp_path: Path, unit: str
) -> None:
    con.execute("SET TimeZone = 'Asia/Tokyo'")
    moment = datetime(2026, 7, 1, 10, 30, 15)
    path = write_parquet(
        tmp_path / "e.parquet",
        {
            "event_id": ["a"],
            "workspace_id": ["ws"],
            "name": ["n"],
            "occurred_at": pa.array([moment], pa.timestamp(unit)),
        },
    )
    load(con, path)
    assert rejects(con) == []
    assert events(con, "occurred_at") == [(moment,)]


def test_zoned_timestamp_and_date_columns(
    los_angeles: None, con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    berlin = timezone(timedelta(hours=2))
    zoned = write_parquet(
        tmp_path / "a.parquet",
        {
            "event_id": ["a"],
            "workspace_id": ["ws"],
            "name": ["n"],
            "occurred_at": pa.array(
                [datetime(2026, 7, 1, 10, 0, 0, 250000, tzinfo=berlin)],
                pa.timestamp("us", tz="Europe/Berlin"),
            ),
        },
    )
    dated = write_parquet(
        tmp_path / "b.parquet",
        {
            "event_id": ["b"],
            "workspace_id": ["ws"],
            "name": ["n"],
            "occurred_at": pa.array([date(2026, 7, 2)], pa.date32()),
        },
    )
    load(con, zoned, dated)
    assert events(con, "event_id", "occurred_at") == [
        ("a", datetime(2026, 7, 1, 8, 0, 0, 250000)),
        ("b", datetime(2026, 7, 2)),
    ]


def test_rejects_carry_the_row_rendered_as_json(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = write_parquet(
        tmp_path / "e.parquet",
        {
            "event_id": ["ok", "a", "b", "c", "d", "e", "f"],
            "workspace_id": ["ws"] * 7,
            "name": ["n"] * 7,
            "occurred_at": ["2026-03-01"] * 6 + ["2026-02-30"],
            "properties": [
                '{"a": 1}',
                '{"a": 1,}',
                "not json",
                '{"x": NaN}',
                '{"k": 1, "k": 2}',
                "[1, 2]",
                "{}",
            ],
        },
    )
    [result] = load(con, path)
    assert (result.read, result.accepted, result.rejected) == (7, 1, 6)
    got = rejects(con)
    assert [(n, r) for n, r, _ in got] == [
        (2, "not strict JSON: trailing comma before '}' is not allowed"),
        (3, "properties is not valid JSON: Expecting value at column 1"),
        (4, "not strict JSON: NaN is not allowed (use null or a string)"),
        (5, 'duplicate key "k" in properties'),
        (6, "properties must be an object, got array"),
        (7, 'occurred_at "2026-02-30" is not a valid ISO 8601 timestamp'),
    ]
    raw_by_line = {n: t for n, _, t in got}
    assert json.loads(raw_by_line[3]) == {
        "event_id": "b",
        "workspace_id": "ws",
        "name": "n",
        "occurred_at": "2026-03-01",
        "properties": "not json",
    }
    assert json.loads(raw_by_line[7])["properties"] == {}
    assert raw_by_line[2].endswith('"properties":{"a": 1,}}')


def test_wrong_column_types_and_missing_columns(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = write_parquet(
        tmp_path / "e.parquet",
        {"event_id": [1, 2], "name": ["n", "n"], "occurred_at": ["2026-03-01", "2026-03-01"]},
    )
    load(con, path)
    assert [r[1] for r in rejects(con)] == ["event_id must be a string, got number"] * 2


def test_parquet_duplicates(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_parquet(
        tmp_path / "e.parquet",
        {
            "event_id": ["a", "a"],
            "workspace_id": ["ws", "ws"],
            "name": ["first", "second"],
            "occurred_at": ["2026-03-01", "2026-03-01"],
        },
    )
    [result] = load(con, path)
    assert (result.accepted, result.duplicate) == (1, 1)
    [(number, text)] = con.execute(
        "select line_number, raw_text from raw.event_duplicates"
    ).fetchall()
    assert number == 2
    assert json.loads(text)["name"] == "second"


def test_corrupt_parquet_is_set_aside(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1 this is not parquet")
    [result] = ingest_paths(con, [path])
    assert (result.status, result.reason_code) == ("rejected", "invalid_parquet")
    assert "not a readable Parquet file" in (result.reason or "")
    assert con.execute("select count(*) from raw.loaded_files").fetchone() == (0,)
    assert con.execute("select reason_code from raw.file_rejects").fetchall() == [
        ("invalid_parquet",)
    ]
