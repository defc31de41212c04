"""`goals build`: a second build with nothing changed builds every node again (the
configuration included); a successful build publishes the serving copy; piped output has
no colour codes; a reference time is validated before it reaches SQL."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from tests.cli.helpers import create_warehouse
from tests.support import PROJECT_DIR, copy_project, run_dbt

pytestmark = pytest.mark.slow


def build_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a `goals build` under test: dbt's artifacts away from the
    project's target/ (other tests use it), output 200 columns wide."""
    return {
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
        "COLUMNS": "200",
    }


def node_counts(output: str) -> str:
    """The node counts of the build's last line (`13 passed, 15 built, 1 warned`)."""
    match = re.search(r"dbt build succeeded on .*?: (.*?) \(\d", " ".join(output.split()))
    assert match is not None, output
    return match[1]


def test_goals_build_builds_every_node_each_time(tmp_path: Path) -> None:
    db = create_warehouse(tmp_path / "goals.duckdb")
    env = build_env(tmp_path)
    runner = CliRunner()

    first = runner.invoke(app, ["build", "--db", str(db)], env=env)
    assert first.exit_code == 0, first.output
    assert "left out" not in first.output
    # not a terminal: dbt's own lines, without colour codes
    assert "\x1b[" not in first.output
    assert "dbt build succeeded" in first.output
    # the serving copy is published after a successful build, and the output says so
    assert "Published" in first.output
    assert (tmp_path / "serving" / "goals_serving.duckdb").is_file()

    second = runner.invoke(app, ["build", "--db", str(db), "--no-publish"], env=env)
    assert second.exit_code == 0, second.output
    assert "left out" not in second.output
    assert node_counts(second.output) == node_counts(first.output)
    assert "was not published (--no-publish)" in " ".join(second.output.split())
    assert "Published" not in second.output

    full = runner.invoke(app, ["build", "--db", str(db), "--full-refresh", "--no-publish"], env=env)
    assert full.exit_code == 0, full.output
    assert "left out" not in full.output


def test_goals_build_creates_a_missing_warehouse_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "new" / "goals.duckdb"
    env = build_env(tmp_path)
    result = CliRunner().invoke(
        app, ["build", "--db", str(db), "--no-publish", "-s", "+stg_seeds__goals"], env=env
    )
    assert result.exit_code == 0, result.output
    assert "Created a new, empty warehouse" in " ".join(result.output.split())
    assert db.is_file()


@pytest.mark.parametrize("value", ["2026-11-15'", "yesterday"])
def test_a_reference_time_var_that_is_not_iso_8601_stops_dbt_clearly(
    tmp_path: Path, value: str
) -> None:
    """Set directly as a dbt var (as the Dagster job or a person at dbt can), the value is
    refused by the reference_time macro, never pasted into SQL."""
    db = create_warehouse(tmp_path / "goals.duckdb")
    run = run_dbt(
        PROJECT_DIR,
        db,
        "compile",
        "--select",
        "dim_goals",
        "--vars",
        json.dumps({"reference_time": value}),
    )
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert "is not an ISO 8601 timestamp" in output, output
    assert "Parser Error" not in output


def test_a_failing_build_lists_configuration_problems_one_per_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from goals_core import dbt_runner

    project = copy_project(tmp_path / "project")
    goals_csv = project / "seeds" / "goals.csv"
    text = goals_csv.read_text(encoding="utf-8")
    text = text.replace("cart,engagement,", "cart,engagment,", 1)
    text = text.replace(",EUR,currency,base_grand_total", ",EU,currency,base_grand_total", 1)
    goals_csv.write_text(text, encoding="utf-8")
    monkeypatch.setattr(dbt_runner, "PROJECT_DIR", project)
    db = create_warehouse(tmp_path / "goals.duckdb")
    env = build_env(tmp_path)
    result = CliRunner().invoke(app, ["build", "--db", str(db)], env=env)
    assert result.exit_code == 1, result.output
    assert "\x1b[" not in result.output
    lines = result.output.splitlines()
    start = next(i for i, line in enumerate(lines) if "Invalid goals configuration (2" in line)
    assert "kind 'engagment' is not one of" in lines[start + 1]
    assert "currency 'EU' is not an ISO 4217 code" in lines[start + 2]
    assert all(len(line) < 200 for line in lines[start : start + 3])
    assert "`goals validate`" in lines[-1] and "not published" in lines[-1]
