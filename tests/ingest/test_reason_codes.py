"""Every rejected line carries a stable reason_code beside its reason (no values inside,
so `group by reason_code` counts kinds of problems), and a warehouse written before the
column existed gets it, with codes derived from its reasons, on the next ingest."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ingest.loader import ingest_paths
from ingest.reasons import LINE_CODES, OTHER_CODE, line_codes, reason_code_sql
from ingest.schema import ensure_raw_schema
from tests.ingest.helpers import line, load, write
from tests.ingest.test_rejects import CASES


def test_every_reject_has_a_known_code(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    load(con, write(tmp_path / "a.ndjson", [raw for raw, _ in CASES]))
    rows = con.execute("select reason_code, reason from raw.event_rejects").fetchall()
    assert len(rows) == len(CASES)
    unknown = [reason for code, reason in rows if code not in line_codes() or code == OTHER_CODE]
    assert unknown == []


def test_values_do_not_make_new_codes(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    bad_times = [line(event_id=f"t{i}", occurred_at=f"2026-02-{30 + i}") for i in range(2)]
    bad_sources = [line(event_id=f"s{i}", source=f"robot{i}") for i in range(3)]
    types = [line(event_id=f"n{i}", flow_id=i) for i in range(2)]
    load(con, write(tmp_path / "a.ndjson", [*bad_times, *bad_sources, *types, "x", "[1]"]))
    reasons = con.execute("select count(distinct reason) from raw.event_rejects").fetchone()
    assert reasons == (8,)  # values inside the reasons: 8 different texts
    groups = con.execute(
        "select reason_code, count(*) from raw.event_rejects group by 1 order by 1"
    ).fetchall()
    assert groups == [
        ("invalid_json", 1),
        ("invalid_source", 3),
        ("invalid_timestamp", 2),
        ("not_an_object", 1),
        ("wrong_type", 2),
    ]


def test_parquet_rejects_have_codes(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    columns = {
        "event_id": ["a", "b", "c"],
        "workspace_id": ["ws", "ws", None],
        "name": ["n", "n", "n"],
        "occurred_at": ["2026-01-01", "2026-01-01", "2026-01-01"],
        "properties": ['{"a":1}', '{"a":', None],
    }
    pq.write_table(pa.table(columns), path)
    load(con, path)
    codes = con.execute("select reason_code from raw.event_rejects order by line_number")
    assert codes.fetchall() == [("invalid_properties",), ("null_field",)]


def test_gz_file_rejects_have_codes(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "a.ndjson.gz"
    path.write_bytes(gzip.compress(b"{}\n" + line(event_id="ok").encode() + b"\n"))
    load(con, path)
    assert con.execute("select reason_code from raw.event_rejects").fetchall() == [
        ("missing_field",)
    ]


OLD_REJECTS_DDL = """
create schema raw;
create table raw.event_rejects (
    file_sha256 varchar not null, file_path varchar not null, line_number bigint not null,
    raw_text varchar not null, reason varchar not null, loaded_at timestamp not null
);
insert into raw.event_rejects values
    ('s', 'a.ndjson', 1, 'x', 'not valid JSON: Expecting value at column 1', '2026-01-01'),
    ('s', 'a.ndjson', 2, 'y', 'occurred_at "2026-02-30" is not a valid ISO 8601 timestamp',
        '2026-01-01'),
    ('s', 'a.ndjson', 3, 'z', 'a reason of a long gone version', '2026-01-01');
"""


def test_an_old_warehouse_gets_the_column_with_derived_codes(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    try:
        con.execute(OLD_REJECTS_DDL)
        ensure_raw_schema(con)
        ensure_raw_schema(con)  # idempotent
        rows = con.execute(
            "select line_number, reason_code from raw.event_rejects order by line_number"
        ).fetchall()
        assert rows == [(1, "invalid_json"), (2, "invalid_timestamp"), (3, OTHER_CODE)]
        nullable = con.execute(
            "select is_nullable from information_schema.columns where table_schema = 'raw' "
            "and table_name = 'event_rejects' and column_name = 'reason_code'"
        ).fetchone()
        assert nullable == ("NO",)
        # and the next load writes codes beside the old rows
        ingest_paths(con, [write(tmp_path / "b.ndjson", ["[]"])])
        assert con.execute(
            "select reason_code from raw.event_rejects where line_number = 1 and file_sha256 <> 's'"
        ).fetchall() == [("not_an_object",)]
    finally:
        con.close()


def test_reason_code_sql_matches_the_table() -> None:
    con = duckdb.connect()
    for code, pattern, _ in LINE_CODES:
        example = pattern.replace("%", "x")
        got = con.execute(f"select {reason_code_sql('r')} from (select ? as r)", [example])
        got = got.fetchone()
        assert got is not None and got[0] == code, (pattern, got)
