"""`goals dagster run|dev`: the pipeline through Dagster.

* `goals dagster run [--db FILE] [--landing DIR] [--verbose]` runs the main job (ingest the
  landing folder, then dbt build with data tests as asset checks) in-process, headless.
  Quiet by default (Dagster's warnings and errors only), it ends with one result line:
  success or failure, files loaded, lines, marts built, checks, duration; exit status 1
  with each failed step's message when it does not succeed. `--verbose` shows the whole
  Dagster log (DEBUG).
* `goals dagster dev [ARGS...]` starts the Dagster UI and daemon (`dg dev`) with the
  instance in .dagster_home/ (see docs/orchestration.md).

Register with `dagster_cmd.register(app)` in cli/app.py.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

stdout = Console(highlight=False, soft_wrap=True)
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
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Show Dagster's whole log (DEBUG), not only its warnings."
        ),
    ] = False,
) -> None:
    """Ingest the landing folder and build every model, as one Dagster run, in-process;
    ends with a one-line result."""
    from cli._progress import is_terminal
    from goals_core.paths import resolve_db_path
    from orchestration.run import execute_main_job, failure_messages, run_summary

    if not is_terminal():
        # dbt runs in a subprocess: no colour codes in piped output (dbt_project.yml has them on)
        os.environ.setdefault("DBT_USE_COLORS", "false")
    db_path = resolve_db_path(db)
    landing_dir = landing or Path(os.environ.get("LANDING_DIR") or "data/landing")
    started = time.perf_counter()
    # dagster-dbt echoes every dbt log line on stdout: kept only with --verbose
    quiet = contextlib.nullcontext() if verbose else contextlib.redirect_stdout(io.StringIO())
    with quiet:
        result = execute_main_job(db_path, landing_dir, log_level="DEBUG" if verbose else "WARNING")
    summary = run_summary(result, time.perf_counter() - started, landing_dir)
    if not result.success:
        for message in failure_messages(result) or ["the run failed"]:
            stderr.print(Text.assemble(("Error: ", "bold red"), message))
        stdout.print(Text(summary, style="bold red"))
        raise typer.Exit(code=1)
    stdout.print(Text(summary, style="bold green"))


@dagster_app.command(
    "dev", context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)
def dev(ctx: typer.Context) -> None:
    """Start the Dagster UI and daemon (`dg dev`); extra arguments go to `dg dev`."""
    from orchestration.dev import main

    main(list(ctx.args))


def register(app: typer.Typer) -> None:
    app.add_typer(dagster_app)
