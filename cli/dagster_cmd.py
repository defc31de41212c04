"""`goals dagster run|dev`: the pipeline through Dagster.

* `goals dagster run [--db FILE] [--landing DIR]` runs the main job (ingest the landing
  folder, then dbt build with data tests as asset checks) in-process, headless; exit status
  1 with each failed step's message when it does not succeed.
* `goals dagster dev [ARGS...]` starts the Dagster UI and daemon (`dg dev`) with the
  instance in .dagster_home/ (see docs/orchestration.md).

Register with `dagster_cmd.register(app)` in cli/app.py.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

stderr = Console(stderr=True, highlight=False, soft_wrap=True)

dagster_app = typer.Typer(
    name="dagster",
    help="Run the pipeline through Dagster (headless run, or the dev UI and daemon).",
    no_args_is_help=True,
)


@dagster_app.command("run")
def run(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", help="DuckDB warehouse file (default: $DUCKDB_PATH or warehouse/goals.duckdb)."
        ),
    ] = None,
    landing: Annotated[
        Path | None,
        typer.Option("--landing", help="Landing folder (default: $LANDING_DIR or data/landing)."),
    ] = None,
) -> None:
    """Ingest the landing folder and build every model, as one Dagster run, in-process."""
    from cli._common import resolve_db_path
    from cli._progress import is_terminal
    from orchestration.run import execute_main_job, failure_messages

    if not is_terminal():
        # dbt runs in a subprocess: no colour codes in piped output (dbt_project.yml has them on)
        os.environ.setdefault("DBT_USE_COLORS", "false")
    db_path = resolve_db_path(db)
    landing_dir = landing or Path(os.environ.get("LANDING_DIR") or "data/landing")
    result = execute_main_job(db_path, landing_dir)
    if not result.success:
        for message in failure_messages(result) or ["the run failed"]:
            stderr.print(Text.assemble(("Error: ", "bold red"), message))
        raise typer.Exit(code=1)


@dagster_app.command(
    "dev", context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)
def dev(ctx: typer.Context) -> None:
    """Start the Dagster UI and daemon (`dg dev`); extra arguments go to `dg dev`."""
    from orchestration.dev import main

    main(list(ctx.args))


def register(app: typer.Typer) -> None:
    app.add_typer(dagster_app)
