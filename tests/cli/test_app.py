"""The commands are part of the `goals` console script."""

from __future__ import annotations

from typer.testing import CliRunner

from cli.app import app


def test_the_goals_app_has_the_authoring_commands() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for command in ("explore", "events", "validate", "status", "preview"):
        assert f" {command} " in result.output
