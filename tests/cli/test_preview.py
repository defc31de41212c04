"""`goals preview`: a dry run of a goal on recent events, agreeing with the dbt build.

The agreement tests build the marts with dbt on a copy of the project whose seeds hold
the goals of tests/cli/built.py, then compare every goal's preview with fct_goal_outcomes
on the same events: outcomes, valued outcomes, value issues and sums per currency."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import Result

from tests.cli.built import EVENTS, GOALS, PROPERTIES, WORKSPACES, Built
from tests.cli.helpers import (
    GOAL_COLUMNS,
    Event,
    Goals,
    ago,
    create_warehouse,
    json_lines,
)


def preview(
    goals: Goals, code: str, goals_file: Path, db: Path, *args: str, expect: int | None = 0
) -> Result:
    """`goals preview CODE --goals-file GOALS_FILE --db DB ARGS`."""
    return goals(
        "preview", code, "--goals-file", str(goals_file), "--db", str(db), *args, expect=expect
    )


def preview_json(goals: Goals, built: Built, code: str, *args: str) -> dict[str, Any]:
    result = preview(goals, code, built.goals_file, built.warehouse, "--json", *args)
    (report,) = json_lines(result.stdout)
    return report


def mart(built: Built, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(built.warehouse), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("code", list(GOALS))
def test_outcomes_agree_with_the_dbt_build(goals: Goals, built: Built, code: str) -> None:
    report = preview_json(goals, built, code, "--range", "7d")
    ((outcomes, valued),) = mart(
        built,
        "select count(*), count(value) from marts.fct_goal_outcomes "
        "where workspace_id = 'ws_t' and goal_code = ?",
        [code],
    )
    assert report["outcomes"] == outcomes
    assert report["valued"] == valued
    issues = dict(
        mart(
            built,
            "select value_issue, count(*) from marts.fct_goal_outcomes where goal_code = ? "
            "and value_issue is not null group by 1",
            [code],
        )
    )
    assert report["value_issues"] == issues
    revenue = {
        currency: (n, Decimal(str(total)))
        for currency, n, total in mart(
            built,
            "select currency, count(*), sum(value) from marts.fct_goal_outcomes "
            "where goal_code = ? and value is not null group by 1",
            [code],
        )
    }
    assert {
        r["currency"]: (r["outcomes"], Decimal(str(r["value"]))) for r in report["revenue"]
    } == revenue
    base = {
        currency: Decimal(str(total))
        for currency, total in mart(
            built,
            "select base_currency, sum(base_value) from marts.fct_goal_outcomes "
            "where goal_code = ? and base_value is not null group by 1",
            [code],
        )
    }
    assert {
        r["base_currency"]: Decimal(str(r["base_value"])) for r in report["base_revenue"]
    } == base


def test_the_fixture_exercises_the_tricky_cases(built: Built) -> None:
    counts = dict(
        mart(built, "select goal_code, count(*) from marts.fct_goal_outcomes group by 1", [])
    )
    # 2 = 2.0 = 2e0, not "2": p00, p01, p03, p07 (qty 2); 2 ≠ true
    assert counts["qty_two"] == 4
    assert counts["code_one_string"] == 2  # p01, p05; not the number 1 of p00
    assert counts["code_one_number"] == 1
    assert counts["coupon_null"] == 2  # present null only: p00, p05; not "null", not missing
    assert counts["dotted_key"] == 2  # the literal key a.b (p00, p07), never the path a -> b
    assert counts["vip_true"] == 2  # not "true"
    assert counts["plan_premium"] == 4  # case-sensitive
    assert counts["big_number"] >= 1  # 2^53 vs 2^53 + 1: docs/decisions.md's precision
    assert counts["unicode_key"] == 2  # escapes and raw UTF-8 are the same key and value
    # dedupe: 7 = 7.0 merged, "7" twice merged, 8 alone, null/missing never merged (5 events)
    assert counts["dedupe_order"] == 3 + 5
    # order.id: 5 = 5.0 = 5 merged; {"id": null} and "order": 5 (no path) never merged
    assert counts["dedupe_nested"] == 1 + 7
    assert "never_seen" not in counts


def test_counts_per_condition(goals: Goals, built: Built) -> None:
    report = preview_json(goals, built, "plan_and_qty")
    assert report["trigger_events"] == len(PROPERTIES)
    conditions = {c["key"]: c for c in report["conditions"]}
    assert conditions["plan"]["passing"] == 4
    assert conditions["plan"]["failing"] == 6
    assert conditions["qty"]["passing"] == 4
    assert conditions["qty"]["value"] == 2.0
    assert report["passing_all_conditions"] == 3  # p00, p03, p07
    assert report["outcomes"] == 3


def test_near_miss_other_json_type(goals: Goals, built: Built) -> None:
    qty = next(c for c in preview_json(goals, built, "qty_two")["conditions"])
    other = qty["near_misses"]["other_json_type"]
    assert other["events"] == 2  # "2" and true
    assert {e["value"] for e in other["examples"]} == {"2", True}
    code = next(c for c in preview_json(goals, built, "code_one_number")["conditions"])
    assert code["near_misses"]["other_json_type"]["examples"] == [{"value": "1", "events": 2}]


def test_near_miss_case(goals: Goals, built: Built) -> None:
    (plan,) = preview_json(goals, built, "plan_premium")["conditions"]
    case = plan["near_misses"]["case_only"]
    assert case["events"] == 2
    assert {e["value"] for e in case["examples"]} == {"premium", "PREMIUM"}
    assert plan["missing_key"] == 4


def test_near_miss_nested_path(goals: Goals, built: Built) -> None:
    (dotted,) = preview_json(goals, built, "dotted_key")["conditions"]
    nested = dotted["near_misses"]["nested_path"]
    assert nested["events"] == 2  # {"a": {"b": 1}} and {"a": {"b": "1"}}
    assert nested["would_match"] == 1
    assert dotted["passing"] == 2


def test_null_condition_is_not_missing(goals: Goals, built: Built) -> None:
    (coupon,) = preview_json(goals, built, "coupon_null")["conditions"]
    assert coupon["passing"] == 2
    assert coupon["near_misses"]["other_json_type"]["examples"] == [{"value": "null", "events": 1}]
    assert coupon["missing_key"] == 7


def test_dedupe_and_values(goals: Goals, built: Built) -> None:
    report = preview_json(goals, built, "dedupe_order")
    assert report["passing_all_conditions"] == 10
    assert report["outcomes"] == 8
    assert report["merged_by_dedupe"] == 2
    assert report["value_issues"] == {
        "value_missing": 2,  # null, missing
        "value_not_numeric": 1,  # "12,50" ("1e3" is on an event merged into an earlier "7")
        "currency_invalid": 1,  # 978
    }


def test_table_output(goals: Goals, built: Built) -> None:
    out = preview(goals, "plan_and_qty", built.goals_file, built.warehouse).stdout
    assert "Preview of goal plan_and_qty" in out
    assert "Status history is ignored" in out
    assert "differing only in case" in out
    assert "with another JSON type" in out
    assert "Outcomes it would produce: 3" in out
    out = preview(goals, "dedupe_order", built.goals_file, built.warehouse).stdout
    assert "Value per display currency" in out
    assert "merged by dedupe_property order_id" in out
    out = preview(goals, "dotted_key", built.goals_file, built.warehouse).stdout
    assert "nested path a → b" in out


def test_trigger_without_events(goals: Goals, built: Built) -> None:
    report = preview_json(goals, built, "never_seen")
    assert report["trigger_events"] == 0
    assert report["outcomes"] == 0
    assert report["trigger_note"].startswith(
        "no events named 'never_seen' of workspace 'ws_t' in the last 30d; known names: "
        "Signup, purchase, signup"
    )


def test_range_limits_the_events(goals: Goals, tmp_path: Path, built: Built) -> None:
    db = create_warehouse(
        tmp_path / "w.duckdb",
        [
            Event("new", "signup", ago(days=1)),
            Event("old", "signup", ago(days=20)),
            Event("older", "signup", ago(days=80)),
        ],
    )
    for range_, expected in (("7d", 1), ("30d", 2), ("90d", 3)):
        result = preview(goals, "signup_any", built.goals_file, db, "--json", "--range", range_)
        assert json_lines(result.stdout)[0]["outcomes"] == expected


# --------------------------------------------------------------------------- drafts, errors


def plain_goal(workspace: str = "ws_t", code: str = "g", name: str = "G") -> str:
    """A row of a draft goals.csv: a goal of every purchase, with no value."""
    return f"{workspace},{code},{name},,engagement,false,purchase,,none,,,,,,,,"


def write_draft(folder: Path, *rows: str, workspaces: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    draft = folder / "draft.csv"
    draft.write_text(GOAL_COLUMNS + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    if workspaces:
        (folder / "workspaces.csv").write_text(WORKSPACES, encoding="utf-8")
    return draft


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return create_warehouse(tmp_path / "w.duckdb", EVENTS)


def test_a_draft_goal(goals: Goals, tmp_path: Path, warehouse: Path) -> None:
    draft = write_draft(
        tmp_path / "d",
        'ws_t,draft,Draft,,engagement,false,purchase,"{""plan"": ""premium""}",none,,,,,,,,',
    )
    result = preview(goals, "draft", draft, warehouse, "--json")
    report = json_lines(result.stdout)[0]
    assert report["outcomes"] == 1
    assert report["goals_file_line"] == 2
    assert "Status history is ignored" in report["status_note"]


def test_the_status_note_names_recorded_changes(
    goals: Goals, tmp_path: Path, warehouse: Path
) -> None:
    draft = write_draft(tmp_path / "d", plain_goal())
    (draft.parent / "goal_status_changes.csv").write_text(
        "workspace_id,goal_code,status,changed_at\nws_t,g,paused,2026-01-01T00:00:00Z\n",
        encoding="utf-8",
    )
    report = json_lines(preview(goals, "g", draft, warehouse, "--json").stdout)[0]
    assert report["outcomes"] == len(PROPERTIES)  # the pause is ignored
    assert "1 change(s) are recorded" in report["status_note"]
    assert "paused since 2026-01-01T00:00:00Z" in report["status_note"]


def test_an_invalid_draft_shows_the_build_problems(
    goals: Goals, tmp_path: Path, warehouse: Path
) -> None:
    draft = write_draft(
        tmp_path / "d",
        plain_goal(code="fine", name="Fine"),
        'ws_t,bad,Bad,,engagment,false,purchase,"{""a"": [1]}",fixed,,,,,,,,',
    )
    result = preview(goals, "bad", draft, warehouse, expect=1)
    assert "line 3: workspace 'ws_t', goal 'bad': kind 'engagment' is not one of" in result.stdout
    assert "match_conditions is not flat" in result.stdout
    assert "value_mode fixed needs a fixed_value" in result.stdout
    assert "3 configuration problem(s)" in result.stderr


def test_a_draft_in_an_unknown_workspace(goals: Goals, tmp_path: Path, warehouse: Path) -> None:
    draft = write_draft(tmp_path / "d", plain_goal("ws_x"))
    result = preview(goals, "g", draft, warehouse, expect=1)
    assert "workspace is not listed in workspaces.csv" in result.stdout


def test_a_code_in_several_workspaces(goals: Goals, tmp_path: Path, warehouse: Path) -> None:
    draft = write_draft(
        tmp_path / "d",
        plain_goal(),
        plain_goal("ws_o"),
    )
    result = preview(goals, "g", draft, warehouse, expect=1)
    assert "several workspaces (ws_o, ws_t)" in result.stderr
    report = json_lines(preview(goals, "g", draft, warehouse, "-w", "ws_o", "--json").stdout)[0]
    assert report["outcomes"] == 1


def test_no_warehouse(goals: Goals, tmp_path: Path) -> None:
    draft = write_draft(tmp_path / "d", plain_goal())
    result = preview(goals, "g", draft, tmp_path / "no.duckdb", expect=1)
    assert "No warehouse at" in result.stderr


def test_no_raw_tables(goals: Goals, tmp_path: Path) -> None:
    draft = write_draft(tmp_path / "d", plain_goal())
    db = create_warehouse(tmp_path / "bare.duckdb", raw_tables=False)
    result = preview(goals, "g", draft, db, expect=1)
    assert "no raw tables yet" in result.stderr


def test_no_goals_file(goals: Goals, tmp_path: Path, warehouse: Path) -> None:
    result = preview(goals, "g", tmp_path / "none.csv", warehouse, expect=1)
    assert "No goals file" in result.stderr


def test_bad_range(goals: Goals, warehouse: Path) -> None:
    result = goals("preview", "g", "--db", str(warehouse), "--range", "2w", expect=2)
    assert "--range" in result.output


def test_the_project_goals_file_is_the_default(goals: Goals, tmp_path: Path) -> None:
    db = create_warehouse(
        tmp_path / "w.duckdb",
        [
            Event("a", "add_to_cart", ago(days=1), '{"sku": "X"}', workspace_id="ws_nordwind"),
            Event("b", "add_to_cart", ago(days=2), "{}", workspace_id="ws_nordwind"),
        ],
    )
    report = json_lines(
        goals("preview", "add_to_cart", "-w", "ws_nordwind", "--db", str(db), "--json").stdout
    )[0]
    assert report["goals_file"].endswith("seeds/goals.csv")
    assert report["outcomes"] == 2


def test_reading_the_warehouse_leaves_it_unchanged(
    goals: Goals, warehouse: Path, tmp_path: Path
) -> None:
    draft = write_draft(tmp_path / "d", plain_goal())
    before = warehouse.read_bytes()
    preview(goals, "g", draft, warehouse, "--json")
    assert warehouse.read_bytes() == before


@pytest.mark.parametrize(
    ("rows", "code", "messages"),
    [
        pytest.param(
            [plain_goal()], "nope", ["No goal 'nope'", "known codes: g"], id="unknown-goal"
        ),
        pytest.param(
            [plain_goal(), plain_goal(name="G2")],
            "g",
            ["defined 2 times", "lines 2, 3"],
            id="a-code-defined-twice",
        ),
        pytest.param(
            [plain_goal(code="premium_upgrade")],
            "premium_upgrad",
            ["(did you mean 'premium_upgrade'?)"],
            id="an-unknown-code-suggests-the-closest",
        ),
    ],
)
def test_a_code_that_names_no_single_goal(
    goals: Goals, tmp_path: Path, warehouse: Path, rows: list[str], code: str, messages: list[str]
) -> None:
    draft = write_draft(tmp_path / "d", *rows)
    result = preview(goals, code, draft, warehouse, expect=1)
    for message in messages:
        assert message in result.stderr
