"""Root of the `goals` command line: each subcommand lives in its own module."""

from __future__ import annotations

import typer

from cli import (
    build_cmd,
    dagster_cmd,
    demo_cmd,
    events_cmd,
    explore_cmd,
    hub_cmd,
    ingest_cmd,
    list_cmd,
    preview_cmd,
    publish_cmd,
    rejects_cmd,
    status_cmd,
    validate_cmd,
)
from cli._help import reflow_help

app = typer.Typer(
    name="goals",
    help="Goals analytics: turn chat telemetry into goal outcomes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ingest_cmd.register(app)
build_cmd.register(app)
demo_cmd.register(app)
dagster_cmd.register(app)
explore_cmd.register(app)
events_cmd.register(app)
validate_cmd.register(app)
status_cmd.register(app)
preview_cmd.register(app)
publish_cmd.register(app)
rejects_cmd.register(app)
list_cmd.register(app)
hub_cmd.register(app)
reflow_help(app)  # help wraps to the terminal, not at the docstrings' line breaks


def main() -> None:
    app()


if __name__ == "__main__":
    main()
