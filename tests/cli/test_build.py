"""`goals build`: a second build with nothing changed leaves the configuration out, and
says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from tests.cli.helpers import create_warehouse

pytestmark = pytest.mark.slow


def test_goals_build_leaves_an_unchanged_configuration_out(tmp_path: Path) -> None:
    db = create_warehouse(tmp_path / "goals.duckdb")
    env = {
        # dbt's artifacts away from the project's target/ (other tests use it)
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
        "COLUMNS": "200",
    }
    runner = CliRunner()

    first = runner.invoke(app, ["build", "--db", str(db)], env=env)
    assert first.exit_code == 0, first.output
    assert "left out" not in first.output

    second = runner.invoke(app, ["build", "--db", str(db)], env=env)
    assert second.exit_code == 0, second.output
    assert "since its last successful build: left out" in " ".join(second.output.split())

    full = runner.invoke(app, ["build", "--db", str(db), "--full-refresh"], env=env)
    assert full.exit_code == 0, full.output
    assert "left out" not in full.output
