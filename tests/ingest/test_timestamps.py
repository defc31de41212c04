"""occurred_at: the accepted ISO 8601 forms, stored as naive UTC whatever the machine's or
the DuckDB session's time zone; everything else rejected."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from tests.ingest.helpers import events, line, load, rejects, write

ACCEPTED: list[tuple[str, datetime]] = [
    ("2026-03-01T10:00:00Z", datetime(2026, 3, 1, 10, 0, 0)),
    ("2026-03-01t10:00:00z", datetime(2026, 3, 1, 10, 0, 0)),
    ("2026-03-01 10:00:00Z", datetime(2026, 3, 1, 10, 0, 0)),
    ("2026-03-01T10:00Z", datetime(2026, 3, 1, 10, 0, 0)),
    ("2026-03-01T10:00:00", datetime(2026, 3, 1, 10, 0, 0)),  # naive = UTC
    ("2026-07-01T10:00", datetime(2026, 7, 1, 10, 0, 0)),  # naive, in LA's summer time
    ("2026-03-01", datetime(2026, 3, 1, 0, 0, 0)),  # date only = midnight UTC
    ("2026-03-01T10:00:00+02:00", datetime(2026, 3, 1, 8, 0, 0)),
    ("2026-03-01T10:00:00+0200", datetime(2026, 3, 1, 8, 0, 0)),
    ("2026-03-01T10:00:00+02", datetime(2026, 3, 1, 8, 0, 0)),
    ("2026-03-01T01:30:00-05:30", datetime(2026, 3, 1, 7, 0, 0)),
    ("2026-03-01T00:30:00+01:00", datetime(2026, 2, 28, 23, 30, 0)),
    ("2026-03-01T10:00:00.5Z", datetime(2026, 3, 1, 10, 0, 0, 500000)),
    ("2026-03-01T10:00:00.123456789Z", datetime(2026, 3, 1, 10, 0, 0, 123456)),  # truncated
    ("2026-03-01T10:00:00.9999999+00:00", datetime(2026, 3, 1, 10, 0, 0, 999999)),
    ("2028-02-29T23:59:59Z", datetime(2028, 2, 29, 23, 59, 59)),
    ("0001-01-01T00:00:00Z", datetime(1, 1, 1)),
    ("9999-12-31T23:59:59.999999Z", datetime(9999, 12, 31, 23, 59, 59, 999999)),
]

REJECTED = [
    "2026-02-30T10:00:00Z",  # impossible date
    "2027-02-29",  # not a leap year
    "2026-13-01",
    "2026-03-01T24:00:00Z",  # no 24:00
    "2026-03-01T23:60:00Z",
    "2026-03-01T23:59:60Z",  # no leap second
    "2026-03-01T10:00:00.Z",
    "2026-03-01T10:00:00.1234567890Z",  # 10 fraction digits
    "2026-03-01+02:00",  # offset without a time
    "2026-03-01T10",
    "2026-03-01T10:00:00 Z",
    "2026-03-01T10:00:00+2:00",
    "2026-03-01T10:00:00+24:00",
    "2026-03-01T10:00:00 America/New_York",
    "2026-03-01T10:00:00 UTC",
    "0000-01-01",
    "26-03-01",
    "2026-3-1",
    "20260301T100000Z",
    "infinity",
    "epoch",
    "now",
    "2026-03-01T10:00:00Z ",
    " 2026-03-01",
]


@pytest.mark.parametrize("session_zone", ["UTC", "Asia/Kolkata"])
def test_accepted_timestamps_are_utc_whatever_the_zone(
    los_angeles: None,
    con: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    session_zone: str,
) -> None:
    con.execute(f"SET TimeZone = '{session_zone}'")
    lines = [line(event_id=f"e{i}", occurred_at=text) for i, (text, _) in enumerate(ACCEPTED)]
    load(con, write(tmp_path / "ts.ndjson", lines))
    assert rejects(con) == []
    assert [r[0] for r in events(con, "occurred_at")] == [expected for _, expected in ACCEPTED]
    stored = con.execute(
        "select data_type from information_schema.columns "
        "where table_schema = 'raw' and table_name = 'events' and column_name = 'occurred_at'"
    ).fetchone()
    assert stored == ("TIMESTAMP",)


@pytest.mark.parametrize("text", REJECTED)
def test_rejected_timestamps(con: duckdb.DuckDBPyConnection, tmp_path: Path, text: str) -> None:
    load(con, write(tmp_path / "ts.ndjson", [line(occurred_at=text)]))
    [(_, reason, _)] = rejects(con)
    assert reason == f"occurred_at {json.dumps(text)} is not a valid ISO 8601 timestamp"


def test_long_timestamp_value_is_cut_in_reason(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    load(con, write(tmp_path / "ts.ndjson", [line(occurred_at="x" * 500)]))
    [(_, reason, _)] = rejects(con)
    assert reason == 'occurred_at "' + "x" * 76 + "... is not a valid ISO 8601 timestamp"
