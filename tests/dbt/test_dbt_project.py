"""The dbt project builds, its unit and data tests pass, and a bad configuration
fails the build with messages that name the workspace, the goal and the problem."""

from __future__ import annotations

import textwrap
from pathlib import Path

import duckdb

from demo.edge_cases import GOAL_COLUMNS as EDGE_CASE_GOAL_COLUMNS
from tests.support import MARTS, PROJECT_DIR, copy_project, create_raw_tables, run_dbt


def test_build_runs_every_unit_and_data_test(warehouse: Path) -> None:
    run = run_dbt(PROJECT_DIR, warehouse, "build")
    assert run.returncode == 0, run.output
    assert "unit_test" in run.output
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        goals = con.execute("select count(*) from marts.dim_goals").fetchone()
    finally:
        con.close()
    assert set(MARTS) <= tables
    assert goals is not None and goals[0] > 0


def test_currencies_seed_matches_the_iso4217_package() -> None:
    from scripts.generate_currencies_seed import SEED_PATH, render

    assert SEED_PATH.read_text(encoding="utf-8") == render()


GOAL_COLUMNS = ",".join(EDGE_CASE_GOAL_COLUMNS)

BAD_GOALS = textwrap.dedent(
    """\
    w1,ok_goal,OK,,conversion,true,purchase,"{""plan"": ""premium""}",fixed,5,,EUR,,,,,
    w1,bad_kind,Bad kind,,conversoin,false,purchase,,none,,,,,,,,
    w1,bad_mode,Bad mode,,conversion,false,purchase,,from_props,,,,,,,,
    w1,fixed_no_amount,Fixed,,conversion,false,purchase,,fixed,,,,,,,,
    w1,prop_no_path,Prop,,conversion,false,purchase,,from_property,,,,,,,,
    w1,nested_cond,Nested,,custom,false,purchase,"{""a"": {""b"": 1}}",none,,,,,,,,
    w1,not_json_cond,Not JSON,,custom,false,purchase,{plan: premium},none,,,,,,,,
    w1,nan_cond,NaN,,custom,false,purchase,"{""a"": NaN}",none,,,,,,,,
    w1,comma_cond,Comma,,custom,false,purchase,"{""a"": 1,}",none,,,,,,,,
    w1,array_cond,Array,,custom,false,purchase,"[1, 2]",none,,,,,,,,
    w1,bad_currency,Currency,,conversion,false,purchase,,fixed,1,,EURO,,,,,
    w1,zero_window,Zero,,conversion,false,purchase,,none,,,,,,,0,
    w1,fraction_window,Fraction,,conversion,false,purchase,,none,,,,,,,1.5,
    w1,dup_code,Dup 1,,conversion,false,purchase,,none,,,,,,,,
    w1,dup_code,Dup 2,,conversion,false,purchase,,none,,,,,,,,
    w1,Bad-Code,Malformed,,conversion,false,purchase,,none,,,,,,,,
    w1,bad_primary,Primary,,conversion,maybe,purchase,,none,,,,,,,,
    """
)

EXPECTED_PROBLEMS = (
    "goal 'bad_kind': kind 'conversoin' is not one of conversion, engagement, custom",
    "goal 'bad_mode': value_mode 'from_props' is not one of none, fixed, from_property",
    "goal 'fixed_no_amount': value_mode fixed needs a fixed_value",
    "goal 'prop_no_path': value_mode from_property needs a value_property",
    "goal 'nested_cond': match_conditions is not flat",
    "goal 'not_json_cond': match_conditions is not valid JSON",
    "goal 'nan_cond': match_conditions is not strict JSON (NaN or Infinity)",
    "goal 'comma_cond': match_conditions is not strict JSON (trailing comma)",
    "goal 'array_cond': match_conditions is not a JSON object",
    "goal 'bad_currency': currency 'EURO' is not an ISO 4217 code",
    "goal 'zero_window': attribution_window_hours '0' is not a positive whole number",
    "goal 'fraction_window': attribution_window_hours '1.5' is not a positive whole number",
    "goal 'dup_code': code 'dup_code' is used by 2 goals of this workspace",
    "goal 'Bad-Code': code 'Bad-Code' may hold only lowercase letters, digits and _",
    "goal 'bad_primary': is_primary 'maybe' is not true or false",
    "goal_status_changes.csv: workspace 'w1', goal 'ghost': status change names an unknown goal",
    "goal 'ok_goal': status 'deleted' is not one of active, paused, archived",
    "workspaces.csv: workspace 'w2': base_currency 'XYZ' is not an ISO 4217 code",
    "workspaces.csv: workspace 'w3': timezone 'Mars/Olympus' is not an IANA time zone",
)


def test_invalid_configuration_fails_the_build_naming_goal_and_problem(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    seeds = project / "seeds"
    (seeds / "goals.csv").write_text(GOAL_COLUMNS + "\n" + BAD_GOALS, encoding="utf-8")
    (seeds / "goal_status_changes.csv").write_text(
        "workspace_id,goal_code,status,changed_at\n"
        "w1,ghost,paused,2026-03-01T00:00:00Z\n"
        "w1,ok_goal,deleted,2026-03-01T00:00:00Z\n",
        encoding="utf-8",
    )
    (seeds / "workspaces.csv").write_text(
        "workspace_id,base_currency,timezone\nw1,EUR,Europe/Berlin\nw2,XYZ,\nw3,USD,Mars/Olympus\n",
        encoding="utf-8",
    )
    db_path = tmp_path / "warehouse.duckdb"
    create_raw_tables(db_path)

    run = run_dbt(project, db_path, "build", "--select", "+int_config_validated")

    assert run.returncode != 0
    assert "Invalid goals configuration (19 problem(s))" in run.output, run.output
    for problem in EXPECTED_PROBLEMS:
        assert problem in run.output, f"missing: {problem}\n{run.output}"
    assert "goal 'ok_goal': kind" not in run.output
