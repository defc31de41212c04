"""`goals list`: the goals grouped by status, with kind, trigger and last outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import (
    GOAL_COLUMNS,
    NOW,
    Goals,
    ago,
    create_warehouse,
    json_lines,
    marts_schema,
)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "goals.csv").write_text(
        GOAL_COLUMNS
        + "\nws_t,buy,Purchase,,conversion,true,purchase,,none,,,,,,,,\n"
        + "ws_t,reply,Replied,,engagement,false,message_sent,,none,,,,,,,,\n"
        + "ws_t,old,Old goal,,custom,false,page_view,,none,,,,,,,,\n"
        + "ws_u,later,Later,,custom,false,page_view,,none,,,,,,,,\n",
        encoding="utf-8",
    )
    future = NOW.replace(year=NOW.year + 1).strftime("%Y-%m-%dT%H:%M:%SZ")
    (folder / "goal_status_changes.csv").write_text(
        "workspace_id,goal_code,status,changed_at\n"
        "ws_t,reply,paused,2026-01-10T08:00:00Z\n"
        "ws_t,old,paused,2026-01-10T08:00:00Z\n"
        "ws_t,old,archived,2026-02-01T00:00:00Z\n"
        f"ws_u,later,paused,{future}\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    db = create_warehouse(tmp_path / "w.duckdb")
    with marts_schema(db) as con:
        con.execute(
            "create table marts.fct_goal_outcomes "
            "(workspace_id varchar, goal_code varchar, occurred_at timestamp)"
        )
        con.executemany(
            "insert into marts.fct_goal_outcomes values (?, ?, ?)",
            [
                ("ws_t", "buy", ago(days=3)),
                ("ws_t", "buy", ago(days=1)),
                ("ws_t", "old", ago(days=90)),
            ],
        )
    return db


def test_json_grouped_by_status_with_last_outcomes(
    goals: Goals, seeds: Path, warehouse: Path
) -> None:
    rows = json_lines(goals("list", "--seeds", str(seeds), "--db", str(warehouse), "--json").stdout)
    assert [(r["code"], r["status"]) for r in rows] == [
        ("buy", "active"),
        ("later", "active"),  # its change is dated in the future: not yet
        ("reply", "paused"),
        ("old", "archived"),
    ]
    buy = rows[0]
    assert buy["kind"] == "conversion" and buy["trigger_event"] == "purchase"
    assert buy["is_primary"] is True
    assert buy["outcomes"] == 2
    assert buy["last_outcome_at"] == ago(days=1).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert rows[2]["outcomes"] == 0 and rows[2]["last_outcome_at"] is None
    assert rows[3]["status_since"] == "2026-02-01T00:00:00Z"


def test_table_groups_and_never(goals: Goals, seeds: Path, warehouse: Path) -> None:
    out = goals("list", "--seeds", str(seeds), "--db", str(warehouse)).stdout
    assert out.index("Active (2)") < out.index("Paused (1)") < out.index("Archived (1)")
    assert "never" in out
    assert ago(days=1).strftime("%Y-%m-%d %H:%M") in out


def test_without_marts_the_last_outcome_is_a_dash(
    goals: Goals, seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "none" / "goals.duckdb"))
    result = goals("list", "--seeds", str(seeds), "-w", "ws_t")
    assert "—" in result.stdout and "never" not in result.stdout
    assert "run `goals build`" in result.stderr
    assert not (tmp_path / "none").exists()


def test_an_unknown_workspace_suggests_one(goals: Goals, seeds: Path, warehouse: Path) -> None:
    result = goals("list", "--seeds", str(seeds), "--db", str(warehouse), "-w", "ws_tt", expect=1)
    assert "(did you mean 'ws_t'?)" in result.stderr
