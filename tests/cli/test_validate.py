"""`goals validate`: the seeds checked with the build's own rules, with CSV lines."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.cli.helpers import GOAL_COLUMNS, Goals, create_warehouse, json_lines
from tests.support import PROJECT_DIR, copy_project, run_dbt

# line 1 is the header; line 6-7 is one record (a quoted line break); line 9 is blank
BAD_GOALS = (
    GOAL_COLUMNS + "\r\n"
    'w1,ok_goal,OK,,conversion,true,purchase,"{""plan"": ""premium""}",fixed,5,,EUR,,,,,\r\n'  # 2
    "w1,bad_kind,Bad kind,,conversoin,false,purchase,,none,,,,,,,,\r\n"  # 3
    "w1,dup_code,Dup 1,,conversion,false,purchase,,none,,,,,,,,\r\n"  # 4
    "w1,bad_mode,Bad mode,,conversion,false,purchase,,from_props,,,,,,,,\r\n"  # 5
    'w1,nested_cond,Nested,"two\r\nlines",custom,false,purchase,'  # 6
    '"{""a"": {""b"": 1}}",none,,,,,,,,\r\n'
    "w1,fixed_no_amount,Fixed,,conversion,false,purchase,,fixed,,,,,,,,\r\n"  # 8
    "\r\n"  # 9
    "w1,dup_code,Dup 2,,engagement,maybe,purchase,,none,,,,,,,,\r\n"  # 10
    "w1,Bad-Code,Malformed,,conversion,false,purchase,,none,,,,,,,,\r\n"  # 11
    'w1,nan_cond,NaN,,custom,false,purchase,"{""a"": NaN}",none,,,,,,,,\r\n'  # 12
    "w1,bad_currency,Currency,,conversion,false,purchase,,fixed,1.5.0,,EURO,,,,0,\r\n"  # 13
    "w1,bad_path,Path,,conversion,false,purchase,,from_property,,order..total,,,,,,x.\r\n"  # 14
    "w9,orphan,Orphan,,conversion,false,purchase,,none,,,,,,,,\r\n"  # 15
    ",no_workspace,Nobody,,conversion,false,purchase,,none,,,,,,,,\r\n"  # 16
)
BAD_CHANGES = (
    "workspace_id,goal_code,status,changed_at\n"
    "w1,ghost,paused,2026-03-01T00:00:00Z\n"  # 2
    "w1,ok_goal,deleted,2026-03-01T00:00:00Z\n"  # 3
    "w1,ok_goal,paused,2026-03-01T00:00:00Z\n"  # 4
    "w1,ok_goal,paused,yesterday\n"  # 5
    "w1,ghost,active,2026-03-02\n"  # 6
)
BAD_WORKSPACES = (
    "workspace_id,base_currency,timezone\n"
    "w1,EUR,Europe/Berlin\n"  # 2
    "w2,XYZ,\n"  # 3
    "w3,USD,Mars/Olympus\n"  # 4
    "w4,usd,\n"  # 5 (upper-cased: valid)
    "w5,GBP,UTC\n"  # 6
    "w5,GBP,\n"  # 7
)

EXPECTED = {
    # message (as int_config_problems_listed words it) -> CSV lines
    "goals.csv: workspace 'w1', goal 'bad_kind': kind 'conversoin' is not one of conversion, "
    "engagement, custom": [3],
    "goals.csv: workspace 'w1', goal 'dup_code': code 'dup_code' is used by 2 goals of this "
    "workspace": [4, 10],
    "goals.csv: workspace 'w1', goal 'bad_mode': value_mode 'from_props' is not one of none, "
    "fixed, from_property": [5],
    "goals.csv: workspace 'w1', goal 'nested_cond': match_conditions is not flat: values must "
    "be strings, numbers, booleans or null": [6],
    "goals.csv: workspace 'w1', goal 'fixed_no_amount': value_mode fixed needs a fixed_value": [8],
    "goals.csv: workspace 'w1', goal 'dup_code': is_primary 'maybe' is not true or false": [10],
    "goals.csv: workspace 'w1', goal 'Bad-Code': code 'Bad-Code' may hold only lowercase "
    "letters, digits and _": [11],
    "goals.csv: workspace 'w1', goal 'nan_cond': match_conditions is not strict JSON (NaN or "
    "Infinity)": [12],
    "goals.csv: workspace 'w1', goal 'bad_currency': fixed_value '1.5.0' is not a decimal number": [
        13
    ],
    "goals.csv: workspace 'w1', goal 'bad_currency': currency 'EURO' is not an ISO 4217 code": [13],
    "goals.csv: workspace 'w1', goal 'bad_currency': attribution_window_hours '0' is not a "
    "positive whole number of hours": [13],
    "goals.csv: workspace 'w1', goal 'bad_path': value_property 'order..total' is not a "
    "property path (empty segment)": [14],
    "goals.csv: workspace 'w1', goal 'bad_path': dedupe_property 'x.' is not a property path "
    "(empty segment)": [14],
    "goals.csv: workspace 'w9', goal 'orphan': workspace is not listed in workspaces.csv": [15],
    "goals.csv: workspace '', goal 'no_workspace': workspace_id is empty": [16],
    "goal_status_changes.csv: workspace 'w1', goal 'ghost': status change names an unknown goal": [
        2,
        6,
    ],
    "goal_status_changes.csv: workspace 'w1', goal 'ok_goal': status 'deleted' is not one of "
    "active, paused, archived": [3],
    "goal_status_changes.csv: workspace 'w1', goal 'ok_goal': changed_at 'yesterday' is not an "
    "ISO 8601 timestamp": [5],
    "workspaces.csv: workspace 'w2': base_currency 'XYZ' is not an ISO 4217 code": [3],
    "workspaces.csv: workspace 'w3': timezone 'Mars/Olympus' is not an IANA time zone": [4],
    "workspaces.csv: workspace 'w5': workspace is listed more than once": [6, 7],
}


def write_bad_seeds(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "goals.csv").write_bytes(BAD_GOALS.encode())
    (folder / "goal_status_changes.csv").write_text(BAD_CHANGES, encoding="utf-8")
    (folder / "workspaces.csv").write_text(BAD_WORKSPACES, encoding="utf-8")
    return folder


@pytest.fixture
def bad_seeds(tmp_path: Path) -> Path:
    return write_bad_seeds(tmp_path / "seeds")


def test_the_project_seeds_are_valid(goals: Goals) -> None:
    result = goals("validate")
    assert "are valid" in result.stdout
    assert result.stdout.count("\n") == 1


def test_every_problem_with_its_lines(goals: Goals, bad_seeds: Path) -> None:
    result = goals("validate", "--seeds", str(bad_seeds), "--json", expect=1)
    found = {row["message"]: row["lines"] for row in json_lines(result.stdout)}
    assert found == EXPECTED
    assert f"{len(EXPECTED)} problem(s)" in result.stderr


def test_json_fields(goals: Goals, bad_seeds: Path) -> None:
    rows = json_lines(goals("validate", "--seeds", str(bad_seeds), "--json", expect=1).stdout)
    ghost = next(r for r in rows if r["goal_code"] == "ghost")
    assert ghost == {
        "file": "goal_status_changes.csv",
        "lines": [2, 6],
        "workspace_id": "w1",
        "goal_code": "ghost",
        "problem": "status change names an unknown goal",
        "message": "goal_status_changes.csv: workspace 'w1', goal 'ghost': status change names "
        "an unknown goal",
        "did_you_mean": None,
    }
    bad_kind = next(r for r in rows if r["goal_code"] == "bad_kind")
    assert bad_kind["did_you_mean"] == "conversion"


def test_text_output_names_file_line_workspace_and_goal(goals: Goals, bad_seeds: Path) -> None:
    out = goals("validate", "--seeds", str(bad_seeds), expect=1).stdout
    assert (
        "goals.csv line 3: workspace 'w1', goal 'bad_kind': kind 'conversoin' is not one of "
        "conversion, engagement, custom (did you mean 'conversion'?)"
    ) in out
    assert "goals.csv lines 4, 10: workspace 'w1', goal 'dup_code': code 'dup_code'" in out
    assert "workspaces.csv lines 6, 7: workspace 'w5': workspace is listed more than once" in out
    assert len(out.splitlines()) == len(EXPECTED)


def _dbt_build_problems(project: Path, tmp_path: Path) -> tuple[int, set[str]]:
    db_path = create_warehouse(tmp_path / "dbt.duckdb")
    run = run_dbt(project, db_path, "build", "--select", "+int_config_validated")
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    # one problem per line after the count (dbt indents the lines of an error message)
    match = re.search(
        r"Invalid goals configuration \((\d+) problem\(s\)\):\n((?:\s*- .*\n)+)", output
    )
    assert match, output
    return int(match[1]), {line.strip().removeprefix("- ") for line in match[2].splitlines()}


def test_same_problems_as_a_failing_dbt_build(goals: Goals, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    write_bad_seeds(project / "seeds")
    count, dbt_messages = _dbt_build_problems(project, tmp_path)

    result = goals("validate", "--seeds", str(project / "seeds"), "--json", expect=1)
    messages = {row["message"] for row in json_lines(result.stdout)}
    assert messages == dbt_messages
    assert count == len(messages)


def test_valid_seeds_are_valid_for_dbt_too(goals: Goals, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    db_path = create_warehouse(tmp_path / "dbt.duckdb")
    run = run_dbt(project, db_path, "build", "--select", "+int_config_validated")
    assert run.returncode == 0, run.stdout
    goals("validate", "--seeds", str(project / "seeds"))


def test_currencies_come_from_the_project_when_the_folder_has_none(
    goals: Goals, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("goals.csv", "goal_status_changes.csv", "workspaces.csv"):
        shutil.copy(PROJECT_DIR / "seeds" / name, seeds / name)
    assert "are valid" in goals("validate", "--seeds", str(seeds)).stdout


def test_a_missing_seed_file(goals: Goals, bad_seeds: Path) -> None:
    (bad_seeds / "workspaces.csv").unlink()
    result = goals("validate", "--seeds", str(bad_seeds), expect=1)
    assert "workspaces.csv: no such file" in result.stdout
    assert "cannot be loaded" in result.stderr


def test_a_missing_column(goals: Goals, bad_seeds: Path) -> None:
    (bad_seeds / "goal_status_changes.csv").write_text(
        "workspace_id,goal_code,changed_at\nw1,ok_goal,2026-01-01\n", encoding="utf-8"
    )
    result = goals("validate", "--seeds", str(bad_seeds), expect=1)
    assert "goal_status_changes.csv: missing column(s) status" in result.stdout


def test_a_row_with_too_many_fields(goals: Goals, bad_seeds: Path) -> None:
    (bad_seeds / "workspaces.csv").write_text(
        "workspace_id,base_currency,timezone\nw1,EUR,UTC,extra\n", encoding="utf-8"
    )
    result = goals("validate", "--seeds", str(bad_seeds), expect=1)
    assert "workspaces.csv: dbt could not load it" in result.stdout


def test_an_empty_file(goals: Goals, bad_seeds: Path) -> None:
    (bad_seeds / "goals.csv").write_text("", encoding="utf-8")
    result = goals("validate", "--seeds", str(bad_seeds), expect=1)
    assert "goals.csv: the file is empty" in result.stdout


def test_no_such_folder(goals: Goals, tmp_path: Path) -> None:
    result = goals("validate", "--seeds", str(tmp_path / "nope"), expect=1)
    assert "No seeds folder" in result.stderr
