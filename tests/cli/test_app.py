"""The commands are part of the `goals` console script."""

from __future__ import annotations

from typer.testing import CliRunner

from cli.app import app


def test_the_goals_app_has_the_authoring_commands() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for command in ("explore", "events", "validate", "status", "preview"):
        assert f" {command} " in result.output
    assert " list " in result.output


def test_help_wraps_to_the_terminal_not_at_the_docstring_line_breaks() -> None:
    wide = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "240"}).output
    # publish's help is two sentences on one line at 240 columns (its docstring has three)
    assert "each swapped in atomically. Readers that have the old file open keep" in wide
    build = CliRunner().invoke(app, ["build", "--help"], env={"COLUMNS": "240"}).output
    assert (
        "process only the events loaded since the last build and what changed goals or seeds"
        in build
    )


def test_preview_json_help_says_what_it_prints() -> None:
    result = CliRunner().invoke(app, ["preview", "--help"], env={"COLUMNS": "200"})
    assert "one JSON object" in result.output
    assert "one object per line" not in result.output


def test_the_build_output_modes() -> None:
    from cli._progress import NodeCounter, dbt_output_args

    assert dbt_output_args(compact=True, terminal=True) == ["--quiet"]
    assert dbt_output_args(compact=False, terminal=False) == ["--no-use-colors"]

    class Info:
        def __init__(self, name: str) -> None:
            self.name = name

    class Event:
        def __init__(self, name: str, **data: object) -> None:
            self.info = Info(name)
            self.data = type("Data", (), data)()

    class RunResult:
        status = "error"

    class NodeInfo:
        unique_id = "model.p.m"

    counter = NodeCounter()
    counter(Event("LogStartLine", total=47, description="model m"))
    counter(Event("NodeFinished", run_result=RunResult(), node_info=NodeInfo()))
    assert (counter.total, counter.done, counter.failed) == (47, 1, ["model.p.m"])
