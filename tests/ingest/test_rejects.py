"""Every kind of bad line is rejected (never dropped) with its line number, raw text and a
reason a person can act on; good lines around it load."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.ingest.helpers import events, line, load, rejects, write

GOOD = line(event_id="good")

# (raw line, expected reason); a reason ending in "..." is a prefix.
CASES: list[tuple[str, str]] = [
    # JSON syntax and strictness
    (
        '{"event_id":"e1","workspace_id":"ws","name":"n","occurred_at":"2026-01-01","x":NaN}',
        "not strict JSON: NaN is not allowed (use null or a string)",
    ),
    (
        '{"event_id":"e1","workspace_id":"ws","name":"n","occurred_at":"2026-01-01","x":nan}',
        "not strict JSON: nan is not allowed (use null or a string)",
    ),
    (
        line(properties={"a": 1})[:-2] + ',"b":Infinity}}',
        "not strict JSON: Infinity is not allowed (use null or a string)",
    ),
    (
        line(properties={"a": 1})[:-2] + ',"b":-Infinity}}',
        "not strict JSON: -Infinity is not allowed (use null or a string)",
    ),
    (
        line(properties={"a": 1})[:-2] + ',"b":[1, inf]}}',
        "not strict JSON: inf is not allowed (use null or a string)",
    ),
    (line()[:-1] + ",}", "not strict JSON: trailing comma before '}' is not allowed"),
    (
        line(properties={"a": [1, 2]})[:-3] + ",]}}",
        "not strict JSON: trailing comma before ']' is not allowed",
    ),
    (line()[:40], "not valid JSON: Unterminated string starting at column ..."),
    (line() + "}", "not valid JSON: unexpected data after the JSON value at column ..."),
    (line() + " garbage", "not valid JSON: unexpected data after the JSON value at column ..."),
    ("NaN", "not strict JSON: NaN is not allowed (use null or a string)"),
    ("{event_id: 1}", "not valid JSON: Expecting property name enclosed in double quotes ..."),
    ("// comment", "not valid JSON: Expecting value at column 1"),
    # not an object
    ('[{"event_id":"e1"}]', "line is not a JSON object (got array)"),
    ('"just a string"', "line is not a JSON object (got string)"),
    ("42", "line is not a JSON object (got number)"),
    ("null", "line is not a JSON object (got null)"),
    ("true", "line is not a JSON object (got boolean)"),
    # duplicate keys
    (line()[:-1] + ',"event_id":"e2"}', 'duplicate key "event_id" in the event object'),
    (
        line(properties={"plan": "a"})[:-2] + ',"plan":"b"}}',
        'duplicate key "plan" in properties',
    ),
    # required fields
    (line(workspace_id=...), "missing required field workspace_id"),
    (line(event_id=None), "required field event_id is null"),
    (line(name=""), "required field name is empty"),
    (line(occurred_at=...), "missing required field occurred_at"),
    # wrong JSON types
    (line(event_id=123), "event_id must be a string, got number"),
    (line(workspace_id=["ws"]), "workspace_id must be a string, got array"),
    (line(name={"n": 1}), "name must be a string, got object"),
    (line(occurred_at=1767225600), "occurred_at must be a string, got number"),
    (line(source=True), "source must be a string, got boolean"),
    (line(conversation_id=7), "conversation_id must be a string, got number"),
    (line(customer_id=False), "customer_id must be a string, got boolean"),
    (line(flow_id=[]), "flow_id must be a string, got array"),
    (line(properties="plan=premium"), "properties must be an object, got string"),
    (line(properties=[1, 2]), "properties must be an object, got array"),
    (line(properties=3.5), "properties must be an object, got number"),
    # values
    (line(source="mobile_app"), 'source must be "widget" or "server", got "mobile_app"'),
    (line(source="Widget"), 'source must be "widget" or "server", got "Widget"'),
    (
        line(occurred_at="2026-02-30T10:00:00Z"),
        'occurred_at "2026-02-30T10:00:00Z" is not a valid ISO 8601 timestamp',
    ),
    (
        line(occurred_at="yesterday 10:15"),
        'occurred_at "yesterday 10:15" is not a valid ISO 8601 timestamp',
    ),
]


def _matches(reason: str, expected: str) -> bool:
    if expected.endswith("..."):
        return reason.startswith(expected[:-3])
    return reason == expected


@pytest.mark.parametrize(("raw", "expected"), CASES, ids=[c[1][:60] for c in CASES])
def test_bad_line_is_rejected_with_reason(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, raw: str, expected: str
) -> None:
    path = write(tmp_path / "in.ndjson", [GOOD, raw, line(event_id="after")])
    [result] = load(con, path)
    assert (result.read, result.accepted, result.rejected, result.duplicate) == (3, 2, 1, 0)
    [(number, reason, raw_text)] = rejects(con)
    assert number == 2
    assert _matches(reason, expected), reason
    assert raw_text == raw
    assert events(con) == [("good",), ("after",)]


def test_reject_rows_name_file_and_load(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write(tmp_path / "in.ndjson", ["nope"])
    [result] = load(con, path)
    row = con.execute(
        "select file_sha256, file_path, line_number, loaded_at is not null from raw.event_rejects"
    ).fetchone()
    assert row == (result.sha256, str(path), 1, True)


def test_first_problem_in_spec_order_is_reported(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    lines = [
        # every field wrong: event_id comes first
        '{"event_id":1,"workspace_id":2,"name":3,"occurred_at":4,"source":5}',
        # fields are checked in the order event_id, workspace_id, name, occurred_at, source...
        line(workspace_id=..., name="", occurred_at="bad"),
        line(occurred_at="bad", source="x", properties=[]),
        line(source="x", conversation_id=1, properties=[]),
        line(flow_id=1, properties=[]),
        # JSON strictness before anything about fields
        '{"event_id":1,"x":NaN}',
        # duplicate keys before field types
        '{"event_id":1,"event_id":2}',
    ]
    load(con, write(tmp_path / "in.ndjson", lines))
    assert [r[1] for r in rejects(con)] == [
        "event_id must be a string, got number",
        "missing required field workspace_id",
        'occurred_at "bad" is not a valid ISO 8601 timestamp',
        'source must be "widget" or "server", got "x"',
        "flow_id must be a string, got number",
        "not strict JSON: NaN is not allowed (use null or a string)",
        'duplicate key "event_id" in the event object',
    ]


def test_invalid_utf8_line_is_rejected_and_raw_text_replaces_bytes(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    bad = line(name="caf\u00e9").encode("utf-8").replace(b"\xc3\xa9", b"\xe9")
    path = write(tmp_path / "in.ndjson", [GOOD, bad, line(event_id="e3", name="café")])
    [result] = load(con, path)
    assert (result.read, result.accepted, result.rejected) == (3, 2, 1)
    [(number, reason, raw_text)] = rejects(con)
    assert number == 2
    assert reason.startswith("line is not valid UTF-8: byte 0xe9 at position ")
    assert raw_text == bad.decode("utf-8", errors="replace")
    assert "\ufffd" in raw_text
    assert events(con, "event_id", "name") == [("good", "purchase"), ("e3", "café")]


def test_lone_surrogate_escape_is_rejected(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    raw = line()[:-1] + ',"properties":{"a":"\\ud800"}}'
    load(con, write(tmp_path / "in.ndjson", [raw]))
    assert rejects(con) == [
        (1, "not valid JSON: a string holds an unpaired UTF-16 surrogate escape", raw)
    ]


def test_unknown_fields_are_ignored_and_optional_blanks_are_null(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    lines = [
        line(extra={"deep": [1, False]}, source=None),
        line(event_id="e2", source="", conversation_id="", customer_id=None, flow_id=""),
        line(event_id="e3", source="server", conversation_id="c", customer_id="u", flow_id="f"),
        line(event_id="e4", properties=None),
    ]
    load(con, write(tmp_path / "in.ndjson", lines))
    assert rejects(con) == []
    assert events(
        con, "event_id", "source", "conversation_id", "customer_id", "flow_id", "properties"
    ) == [
        ("e1", "widget", None, None, None, "{}"),
        ("e2", "widget", None, None, None, "{}"),
        ("e3", "server", "c", "u", "f", "{}"),
        ("e4", "widget", None, None, None, "{}"),
    ]


def test_properties_are_kept_as_json(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    props = {"plan": "premium", "total": 49.9, "items": [1, {"sku": "a"}], "ok": True, "n": None}
    load(con, write(tmp_path / "in.ndjson", [line(properties=props)]))
    [(stored,)] = events(con, "properties")
    assert json.loads(stored) == props


def test_event_fields_are_stored(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    raw = line(event_id="e\u00e9\\", name='say "hi"', workspace_id="ws/1")
    [result] = load(con, write(tmp_path / "in.ndjson", [raw]))
    assert events(con, "workspace_id", "event_id", "name", "file_sha256", "line_number") == [
        ("ws/1", "e\u00e9\\", 'say "hi"', result.sha256, 1)
    ]
