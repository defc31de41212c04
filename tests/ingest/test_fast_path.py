"""The vectorized fast path never accepts what the strict reading rejects, and a line
stores the same values whichever path it takes."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingest.loader import PROBE_ROWS
from tests.ingest.helpers import line, load, rejects, write

HEAD = '{"event_id":"a","workspace_id":"ws","name":"n","occurred_at":"2026-03-01T10:00:00Z"'


def test_exponents_cannot_hide_a_trailing_comma(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # DuckDB writes 1e2 back as 100.0 (two bytes longer) and drops trailing commas: the
    # lengths balance, so the line must not be vouched for by its length alone.
    lines = [
        HEAD + ',"properties":{"a":1e2,"b":[1,2,],"c":{"d":3,}}}',
        HEAD + ',"properties":{"a":2.5e3,"b":1e-2},}',
    ]
    load(con, write(tmp_path / "in.ndjson", lines))
    assert [r[1] for r in rejects(con)] == [
        "not strict JSON: trailing comma before ']' is not allowed",
        "not strict JSON: trailing comma before '}' is not allowed",
    ]


def test_exponents_cannot_hide_a_repeated_key(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    grow = ",".join(f'"g{i}":1E2' for i in range(7))  # 7 x 2 bytes longer when rewritten
    raw = HEAD + ',"properties":{' + grow + '},"event_id":"b"}'
    load(con, write(tmp_path / "in.ndjson", [raw]))
    assert [r[1] for r in rejects(con)] == ['duplicate key "event_id" in the event object']


def test_nan_in_an_unknown_field(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    load(con, write(tmp_path / "in.ndjson", [HEAD + ',"extra":{"deep":[-nan]}}']))
    assert [r[1] for r in rejects(con)] == [
        "not strict JSON: -nan is not allowed (use null or a string)"
    ]


def test_look_alikes_inside_strings_are_fine(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    lines = [
        line(event_id="1", properties={"note": "a,]b, nan:inf", "x": "[, NaN", "y": "12e5"}),
        line(event_id="2", name="x:1e5,}"),
    ]
    [result] = load(con, write(tmp_path / "in.ndjson", lines))
    assert (result.accepted, result.rejected) == (2, 0)


def test_both_paths_store_the_same(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    variants = [
        line(
            event_id=f"e{i}",
            source="server",
            conversation_id="c",
            customer_id=None,
            flow_id="",
            properties={"n": 1.5, "big": 12345678901234567890, "s": 'caf\u00e9 \\ "q"', "l": []},
        )
        for i in range(2)
    ]
    fast, slow = variants[0], " " + variants[1]  # leading space: not vouched for by DuckDB
    load(con, write(tmp_path / "in.ndjson", [fast, slow]))
    rows = con.execute(
        "select workspace_id, name, occurred_at, source, conversation_id, customer_id, "
        "flow_id, properties from raw.events order by line_number"
    ).fetchall()
    assert len(rows) == 2
    assert rows[0] == rows[1]


def test_malformed_objects_that_are_not_rare(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # Lines shaped like one object but not JSON: one in ten. The loader parses each line
    # once until its probe (the first PROBE_ROWS lines) shows they are not rare, then
    # checks the rest with json_valid first; lines on both sides of the switch count.
    lines = [
        (HEAD + ',"properties":{"n":tru}}') if i % 10 == 0 else line(event_id=f"e{i}")
        for i in range(PROBE_ROWS + 5_000)
    ]
    [result] = load(con, write(tmp_path / "in.ndjson", lines))
    bad = len(range(0, len(lines), 10))
    assert (result.read, result.accepted, result.rejected) == (len(lines), len(lines) - bad, bad)
    reasons = {r[1] for r in rejects(con)}
    assert len(reasons) == 1 and reasons.pop().startswith("not valid JSON")
    (last,) = con.execute("select max(line_number) from raw.event_rejects").fetchone() or (0,)
    assert last == (len(lines) - 1) // 10 * 10 + 1  # the last malformed line, 1-based
