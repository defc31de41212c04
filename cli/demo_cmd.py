"""`goals demo`: generate demo telemetry, run the main Dagster job on it, print a summary.

Everything is deterministic: the same ``--events`` always writes the same files under
``data/demo/`` and the loader skips file contents it has already loaded, so running the
demo again changes nothing in the warehouse (dbt rebuilds the same marts).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cli._common import resolve_db_path
from cli.dbt_runner import PROJECT_DIR

DEMO_DIR = PROJECT_DIR / "data" / "demo"
DEFAULT_EVENTS = 20_000
# Read by the reference_time macro when the dbt var is not set.
REFERENCE_TIME_ENV = "GOALS_REFERENCE_TIME"

console = Console()


def demo_files(events: int) -> int:
    """How many files the demo writes: a few daily-export-like parts, more for big runs."""
    return max(3, min(16, events // 250_000))


def demo_data_dir(events: int, seed: int) -> Path:
    return DEMO_DIR / f"events-{events}-seed{seed}"


def ensure_demo_data(events: int, seed: int) -> list[Path]:
    """The demo files for `events`/`seed`, generating them unless all are already there.

    Files are written to a temporary name and renamed, so an existing file is complete.
    """
    from demo.generate import file_names, generate_events

    out_dir = demo_data_dir(events, seed)
    files = demo_files(events)
    expected = [out_dir / name for name in file_names(files)]
    if all(path.is_file() for path in expected):
        size = sum(path.stat().st_size for path in expected)
        console.print(
            f"[green]✓[/] Reusing {len(expected)} demo file(s) in {_rel(out_dir)} "
            f"({size / 1e6:,.1f} MB)"
        )
        return expected
    began = time.perf_counter()
    with console.status(f"Generating {events:,} demo events into {_rel(out_dir)} …"):
        paths = generate_events(events, out_dir, seed=seed, files=files)
    seconds = time.perf_counter() - began
    size = sum(path.stat().st_size for path in paths)
    console.print(
        f"[green]✓[/] Generated {events:,} events in {len(paths)} file(s), {size / 1e6:,.1f} MB "
        f"({seconds:.1f} s) in {_rel(out_dir)}"
    )
    return paths


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def demo(
    events: Annotated[
        int,
        typer.Option("--events", "-n", min=1, help="Number of telemetry lines to generate."),
    ] = DEFAULT_EVENTS,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", help="DuckDB warehouse file (default: $DUCKDB_PATH or warehouse/goals.duckdb)."
        ),
    ] = None,
) -> None:
    """Generate demo telemetry and run the main Dagster job on it (ingest, then dbt build
    with every data test as an asset check), headless; print a summary of the marts."""
    from demo.generate import DEFAULT_SEED, data_end
    from demo.summary import summarize
    from orchestration.run import execute_main_job, failure_messages

    db_path = resolve_db_path(db)
    console.rule("[bold]1/3 Demo data")
    paths = ensure_demo_data(events, DEFAULT_SEED)

    console.rule("[bold]2/3 Dagster run: ingest, then dbt build")
    end = data_end().strftime("%Y-%m-%dT%H:%M:%SZ")
    console.print(
        f"Main job on {_rel(db_path)} with landing folder {_rel(paths[0].parent)}. Reference "
        f"time {end}, the end of the demo data: goal statuses and the event catalog's "
        "7/30/90-day windows are as of then."
    )
    began = time.perf_counter()
    os.environ[REFERENCE_TIME_ENV] = end
    result = execute_main_job(db_path, paths[0].parent, log_level="WARNING")
    if not result.success:
        for message in failure_messages(result) or ["the run failed"]:
            console.print(f"[red]✗[/] {message}")
        raise typer.Exit(code=1)
    console.print(f"[green]✓[/] Dagster run succeeded ({time.perf_counter() - began:.1f} s)")

    console.rule("[bold]3/3 Summary")
    console.print(summarize(db_path))
    console.print(
        f"\nThe marts are in schema [bold]marts[/] of {_rel(db_path)}; running `goals demo` again "
        "skips the files already loaded."
    )


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
