"""`goals events`: the event catalog mart as a table or JSON lines."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.built import PROPERTIES, Built
from tests.cli.helpers import Event, Goals, ago, create_warehouse, json_lines, marts_schema


def test_json_lines(goals: Goals, built: Built) -> None:
    rows = json_lines(goals("events", "--db", str(built.warehouse), "--json").stdout)
    assert [(r["workspace_id"], r["event_name"]) for r in rows] == [
        ("ws_o", "purchase"),
        ("ws_t", "Signup"),
        ("ws_t", "purchase"),
        ("ws_t", "signup"),
    ]
    purchase = rows[2]
    assert purchase["events_last_7_days"] == len(PROPERTIES)
    assert purchase["events_last_30_days"] == len(PROPERTIES)
    assert purchase["events_last_90_days"] == len(PROPERTIES)
    assert purchase["first_seen_at"] == ago(days=1, hours=9).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert purchase["last_seen_at"] == ago(days=1).strftime("%Y-%m-%dT%H:%M:%SZ")
    keys = {k["key"]: k for k in purchase["property_keys"]}
    assert keys["qty"]["types"] == ["boolean", "number", "string"]
    assert keys["qty"]["example"] == 2  # the most recent non-null value (p00)
    assert keys["order"]["types"] == ["number", "object"]
    assert keys["coupon"]["types"] == ["null", "string"]
    assert "a.b" in keys and "café" in keys


def test_one_workspace(goals: Goals, built: Built) -> None:
    rows = json_lines(
        goals("events", "--db", str(built.warehouse), "--json", "--workspace", "ws_o").stdout
    )
    assert len(rows) == 1
    assert rows[0]["property_keys"] == [{"key": "qty", "types": ["number"], "example": 2}]


def test_table(goals: Goals, built: Built) -> None:
    out = goals("events", "--db", str(built.warehouse), "-w", "ws_t").stdout
    assert "Event catalog" in out
    assert "purchase" in out and "Signup" in out
    assert "qty  boolean|number|string  e.g. 2" in out
    assert ago(days=1).strftime("%Y-%m-%dT%H:%M:%S.000Z") in out
    assert "ws_o" not in out


def test_unknown_workspace(goals: Goals, built: Built) -> None:
    result = goals("events", "--db", str(built.warehouse), "-w", "ws_nope", expect=1)
    assert "No events of workspace 'ws_nope'" in result.stderr
    assert "workspaces: ws_o, ws_t" in result.stderr


def test_no_marts_yet(goals: Goals, tmp_path: Path) -> None:
    db = create_warehouse(tmp_path / "w.duckdb", [Event("e", "purchase", ago(days=1))])
    result = goals("events", "--db", str(db), expect=1)
    assert "has no marts yet" in result.stderr and "goals build" in result.stderr


def test_no_warehouse(goals: Goals, tmp_path: Path) -> None:
    result = goals("events", "--db", str(tmp_path / "none.duckdb"), expect=1)
    assert "No warehouse at" in result.stderr


def test_an_empty_catalog(goals: Goals, tmp_path: Path) -> None:
    db = create_warehouse(tmp_path / "w.duckdb")
    with marts_schema(db) as con:
        con.execute(
            "create table marts.event_catalog (workspace_id varchar, event_name varchar, "
            "events_last_7_days bigint, events_last_30_days bigint, events_last_90_days bigint, "
            "events_total bigint, first_seen_at timestamp, last_seen_at timestamp, "
            "property_keys json)"
        )
    result = goals("events", "--db", str(db), expect=1)
    assert "The event catalog is empty" in result.stderr


def test_a_long_example_is_cut_in_the_table(goals: Goals, tmp_path: Path) -> None:
    """A catalog example (already bounded by the mart to 200 characters) is shown shorter
    still in the table; --json gives the mart's value."""
    db = create_warehouse(tmp_path / "w.duckdb")
    example = "x" * 199 + "…"
    keys = json.dumps([{"key": "text", "types": ["string"], "example": example}])
    with marts_schema(db) as con:
        con.execute(
            "create table marts.event_catalog as select 'w1' as workspace_id, 'chat' as "
            "event_name, 1::bigint as events_last_7_days, 1::bigint as events_last_30_days, "
            "1::bigint as events_last_90_days, 1::bigint as events_total, "
            "timestamp '2026-03-19 10:00:00.5' as first_seen_at, "
            "timestamp '2026-03-19 10:00:00' as last_seen_at, ?::json as property_keys",
            [keys],
        )
    out = goals("events", "--db", str(db)).stdout
    assert "x" * 200 not in out
    assert "more characters]" in " ".join(out.split())
    assert "2026-03-19T10:00:00.500Z" in out and "2026-03-19T10:00:00.000Z" in out
    row = json_lines(goals("events", "--db", str(db), "--json").stdout)[0]
    assert row["property_keys"][0]["example"] == example
