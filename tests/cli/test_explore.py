"""`goals explore`: recent raw events, newest first, read-only."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from tests.cli.helpers import NOW, Event, Goals, ago, create_warehouse, json_lines
from tests.support import PROJECT_DIR, LockHolder

EVENTS = [
    Event("e1", "purchase", ago(days=1), '{"order_id": "A-1", "total": 49.90}'),
    Event("e2", "page_view", ago(days=2), '{"url": "/shop", "n": [1, 2]}', customer_id="u1"),
    Event("e3", "purchase", ago(days=10), '{"order_id": "A-2", "total": 2.0}'),
    Event("e4", "form_submit", ago(days=45), '{"form": "newsletter"}'),
    Event("e5", "purchase", ago(days=3), '{"order_id": "B-1"}', workspace_id="ws_other"),
    Event("e6", "purchase", ago(days=100), "{}"),
    Event("e7", "signup", ago(days=8), "{}"),
    # a clock-skewed event after now is not "recent"
    Event("e9", "purchase", NOW.replace(year=NOW.year + 1), "{}"),
]


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return create_warehouse(tmp_path / "w.duckdb", EVENTS)


def test_json_lines_newest_first_with_full_properties(goals: Goals, warehouse: Path) -> None:
    result = goals("explore", "--db", str(warehouse), "--json")
    rows = json_lines(result.stdout)
    assert [r["event_id"] for r in rows] == ["e1", "e2", "e5", "e7", "e3"]
    first = rows[0]
    assert first["occurred_at"].endswith("Z")
    assert first["name"] == "purchase"
    assert first["workspace_id"] == "ws_t"
    assert first["properties"] == {"order_id": "A-1", "total": 49.90}
    assert '"total": 49.90' in result.stdout.splitlines()[0]  # properties exactly as stored
    assert rows[1]["customer_id"] == "u1"
    assert rows[1]["properties"] == {"url": "/shop", "n": [1, 2]}


def test_timestamps_are_utc_with_z(goals: Goals, warehouse: Path) -> None:
    rows = json_lines(goals("explore", "--db", str(warehouse), "--json").stdout)
    assert rows[0]["occurred_at"] == ago(days=1).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_ranges(goals: Goals, warehouse: Path) -> None:
    def ids(*extra: str) -> list[str]:
        out = goals("explore", "--db", str(warehouse), "--json", *extra).stdout
        return [r["event_id"] for r in json_lines(out)]

    assert ids("--range", "7d") == ["e1", "e2", "e5"]
    assert ids("--range", "90d") == ["e1", "e2", "e5", "e7", "e3", "e4"]
    assert ids() == ids("--range", "30d")


def test_window_boundary(goals: Goals, tmp_path: Path) -> None:
    db = create_warehouse(
        tmp_path / "b.duckdb",
        [
            Event("at_start", "signup", ago(days=7)),
            Event("just_after_start", "signup", ago(days=7) + timedelta(seconds=1)),
            Event("at_now", "signup", NOW),
        ],
    )
    rows = json_lines(goals("explore", "--db", str(db), "--json", "--range", "7d").stdout)
    assert [r["event_id"] for r in rows] == ["at_now", "just_after_start"]


def test_filters_name_workspace_limit(goals: Goals, warehouse: Path) -> None:
    rows = json_lines(
        goals("explore", "--db", str(warehouse), "--json", "--name", "purchase").stdout
    )
    assert [r["event_id"] for r in rows] == ["e1", "e5", "e3"]
    rows = json_lines(
        goals("explore", "--db", str(warehouse), "--json", "--workspace", "ws_other").stdout
    )
    assert [r["event_id"] for r in rows] == ["e5"]
    rows = json_lines(goals("explore", "--db", str(warehouse), "--json", "--limit", "2").stdout)
    assert [r["event_id"] for r in rows] == ["e1", "e2"]


def test_at_most_100_events(goals: Goals, tmp_path: Path) -> None:
    db = create_warehouse(
        tmp_path / "many.duckdb",
        [Event(f"m{i:03d}", "tick", ago(minutes=i + 1)) for i in range(150)],
    )
    rows = json_lines(goals("explore", "--db", str(db), "--json").stdout)
    assert len(rows) == 100
    assert rows[0]["event_id"] == "m000"
    assert rows[-1]["event_id"] == "m099"


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten"])
def test_bad_limit(goals: Goals, warehouse: Path, limit: str) -> None:
    result = goals("explore", "--db", str(warehouse), "--limit", limit, expect=2)
    assert "--limit" in result.output


@pytest.mark.parametrize("value", ["5d", "1y", "30", ""])
def test_bad_range(goals: Goals, warehouse: Path, value: str) -> None:
    result = goals("explore", "--db", str(warehouse), "--range", value, expect=2)
    assert "--range" in result.output
    assert "7d" in result.output and "90d" in result.output


def test_range_is_case_insensitive(goals: Goals, warehouse: Path) -> None:
    goals("explore", "--db", str(warehouse), "--range", "7D", "--json")


def test_table_output(goals: Goals, warehouse: Path) -> None:
    result = goals("explore", "--db", str(warehouse), "--range", "7d")
    out = result.stdout
    assert ago(days=1).strftime("%Y-%m-%dT%H:%M:%S.000Z") in out
    assert "purchase" in out and "page_view" in out
    assert '"order_id": "A-1"' in out
    assert "3 event(s)" in out


def test_properties_are_not_rich_markup(goals: Goals, tmp_path: Path) -> None:
    db = create_warehouse(
        tmp_path / "m.duckdb", [Event("x", "chat", ago(hours=1), '{"text": "[bold]hi[/bold]"}')]
    )
    assert "[bold]hi[/bold]" in goals("explore", "--db", str(db)).stdout


def test_unknown_name(goals: Goals, warehouse: Path) -> None:
    result = goals("explore", "--db", str(warehouse), "--name", "purchse", expect=1)
    assert (
        "no events named 'purchse' in the last 30d (did you mean 'purchase'?); known names: "
        "page_view, purchase, signup" in result.stderr
    )
    result = goals(
        "explore", "--db", str(warehouse), "--name", "form_submit", "--range", "7d", expect=1
    )
    assert "no events named 'form_submit' in the last 7d" in result.stderr


def test_unknown_workspace(goals: Goals, warehouse: Path) -> None:
    result = goals("explore", "--db", str(warehouse), "--workspace", "ws_nope", expect=1)
    assert "no events of workspace 'ws_nope' in the last 30d" in result.stderr
    assert "ws_other, ws_t" in result.stderr


def test_nothing_in_range_is_not_an_error(goals: Goals, tmp_path: Path) -> None:
    db = create_warehouse(tmp_path / "old.duckdb", [Event("old", "purchase", ago(days=60))])
    result = goals("explore", "--db", str(db), "--json", "--range", "7d")
    assert result.stdout == ""
    assert "No events in the last 7d" in result.stderr


def test_no_warehouse_file(goals: Goals, tmp_path: Path) -> None:
    missing = tmp_path / "nothing" / "here.duckdb"
    result = goals("explore", "--db", str(missing), expect=1)
    assert "No warehouse at" in result.stderr and "goals ingest" in result.stderr
    assert not missing.parent.exists()  # reading never creates anything


def test_default_warehouse_is_duckdb_path(
    goals: Goals, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUCKDB_PATH", str(warehouse))
    assert json_lines(goals("explore", "--json", "--range", "7d").stdout)


def test_no_raw_tables(goals: Goals, tmp_path: Path) -> None:
    db = create_warehouse(tmp_path / "bare.duckdb", raw_tables=False)
    result = goals("explore", "--db", str(db), expect=1)
    assert "has no raw tables yet" in result.stderr


def test_no_events_loaded(goals: Goals, tmp_path: Path) -> None:
    db = create_warehouse(tmp_path / "empty.duckdb")
    result = goals("explore", "--db", str(db), expect=1)
    assert "holds no events yet" in result.stderr


def test_not_a_duckdb_file(goals: Goals, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.duckdb"
    bogus.write_text("not a database", encoding="utf-8")
    result = goals("explore", "--db", str(bogus), expect=1)
    assert "is not a DuckDB database file" in result.stderr


def test_reads_while_another_process_reads(goals: Goals, warehouse: Path) -> None:
    """A read-only open shares the file with other readers; a writer could not open it."""
    with LockHolder(warehouse, read_only=True):
        rows = json_lines(goals("explore", "--db", str(warehouse), "--json").stdout)
        assert len(rows) == 5
        import duckdb

        with pytest.raises(duckdb.IOException, match="lock"):
            duckdb.connect(str(warehouse))  # proof that the holder blocks writers


RUN_GOALS = "from tests.cli.helpers import goals_app; goals_app()()"


def test_subprocess_in_another_time_zone(warehouse: Path) -> None:
    env = {**os.environ, "TZ": "America/Los_Angeles", "PYTHONPATH": str(Path.cwd())}
    completed = subprocess.run(
        [sys.executable, "-c", RUN_GOALS, "explore", "--db", str(warehouse), "--json", "-r", "7d"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_DIR,
    )
    assert completed.returncode == 0, completed.stderr
    rows = json_lines(completed.stdout)
    # 1 day before the fixed test clock: the real clock ran a little since, never a day
    assert rows[0]["event_id"] == "e1"
    assert all(r["occurred_at"].endswith("Z") for r in rows)
    assert rows[0]["occurred_at"] == ago(days=1).strftime("%Y-%m-%dT%H:%M:%SZ")


HUGE = "x" * 5_000_000


def test_a_huge_value_is_cut_in_the_table_and_whole_in_json(goals: Goals, tmp_path: Path) -> None:
    db = create_warehouse(
        tmp_path / "huge.duckdb",
        [
            Event(
                "h1", "chat", ago(hours=1), '{"text": "' + HUGE + '", "n": 12345678901234567890}'
            ),
            Event("h2", "chat", ago(hours=2), '{"text": "short"}'),
        ],
    )
    table = goals("explore", "--db", str(db), "--range", "7d", "--limit", "3").stdout
    assert len(table.splitlines()) < 40
    assert "4,999,880 more characters]" in table
    assert "12345678901234567890" in table
    assert "--json prints every value whole" in table
    rows = json_lines(goals("explore", "--db", str(db), "--json").stdout)
    assert rows[0]["properties"]["text"] == HUGE


def test_timestamps_have_a_fixed_width_and_json_wraps_between_members(
    goals: Goals, tmp_path: Path
) -> None:
    base = ago(hours=1).replace(microsecond=0)
    db = create_warehouse(
        tmp_path / "w.duckdb",
        [
            Event("a", "chat", base, '{"order_id":"A-1","total":49.9,"lines":[1,2,3]}'),
            Event("b", "chat", base - timedelta(seconds=1, microseconds=500_000), "{}"),
            Event("c", "chat", base - timedelta(seconds=2, microseconds=123_000), "{}"),
        ],
    )
    result = goals("explore", "--db", str(db))
    stamps = [
        token
        for line in result.stdout.splitlines()
        for token in line.split()
        if token.endswith("Z") and token[:4].isdigit()
    ]
    assert len(stamps) == 3 and len({len(s) for s in stamps}) == 1, stamps
    assert stamps[1].endswith(".500Z") and stamps[2].endswith(".877Z")
    assert '"order_id": "A-1", "total": 49.9, "lines": [1, 2, 3]' in result.stdout


def test_json_in_a_narrow_table_wraps_between_tokens(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cli.app import app

    props = '{"order_id":"A-1234567","grand_total":12345.678,"currency":"EUR","qty":2}'
    db = create_warehouse(tmp_path / "w.duckdb", [Event("a", "purchase", ago(hours=1), props)])
    out = CliRunner().invoke(app, ["explore", "--db", str(db)], env={"COLUMNS": "100"}).stdout
    for token in ('"A-1234567"', "12345.678", '"grand_total":', '"currency":'):
        assert token in out, out
