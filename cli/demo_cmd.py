"""`goals demo`: generate demo telemetry, load it, build the marts and print a summary.

Everything is deterministic: the same ``--events`` always writes the same files under
``data/demo/`` and the loader skips file contents it has already loaded, so running the
demo again changes nothing in the warehouse (dbt rebuilds the same marts).
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from cli.dbt_runner import PROJECT_DIR, build_args, run_dbt

if TYPE_CHECKING:
    from ingest.loader import FileResult

DEMO_DIR = PROJECT_DIR / "data" / "demo"
DEFAULT_EVENTS = 20_000

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


def _report_file(result: FileResult) -> None:
    name = Path(result.path).name
    if result.status == "skipped":
        console.print(f"  [dim]- {name}: already loaded (same content), skipped[/]")
        return
    console.print(
        f"  [green]✓[/] {name}: {result.read:,} read, {result.accepted:,} accepted, "
        f"{result.rejected:,} rejected, {result.duplicate:,} duplicate ({result.seconds:.1f} s)"
    )


def load_demo_data(db_path: Path, paths: list[Path]) -> list[FileResult]:
    from ingest.loader import ingest_paths
    from ingest.schema import ensure_raw_schema
    from ingest.warehouse import connect

    with connect(db_path) as con:
        ensure_raw_schema(con)
        return ingest_paths(con, paths, on_file=_report_file)


def _default_db_path() -> Path:
    from ingest.warehouse import default_db_path

    return default_db_path()


def _release_dbt_connections() -> None:
    """Close the DuckDB instance dbt-duckdb may keep in this process before we reopen it."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    env = getattr(DuckDBConnectionManager, "_ENV", None)
    if env is not None:
        with contextlib.suppress(Exception):  # best effort: the summary reports real problems
            env.close()
    DuckDBConnectionManager.close_all_connections()


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
    """Generate demo telemetry, load it, build the marts with dbt and print a summary."""
    from demo.generate import DEFAULT_SEED, data_end
    from demo.summary import summarize

    db_path = Path(db) if db is not None else _default_db_path()
    console.rule("[bold]1/4 Demo data")
    paths = ensure_demo_data(events, DEFAULT_SEED)

    console.rule("[bold]2/4 Load")
    console.print(f"Loading into {_rel(db_path)}")
    began = time.perf_counter()
    try:
        results = load_demo_data(db_path, paths)
    except Exception as exc:
        if type(exc).__name__ == "WarehouseLockedError":
            console.print(f"[red]✗[/] {exc}")
            raise typer.Exit(code=1) from exc
        raise
    loaded = [r for r in results if r.status == "loaded"]
    console.print(
        f"[green]✓[/] {len(loaded)} file(s) loaded, {len(results) - len(loaded)} already there "
        f"({time.perf_counter() - began:.1f} s)"
    )

    console.rule("[bold]3/4 dbt build")
    end = data_end().strftime("%Y-%m-%dT%H:%M:%SZ")
    console.print(
        f"Reference time {end} (dbt var reference_time), the end of the demo data: goal "
        "statuses and the event catalog's 7/30/90-day windows are as of then."
    )
    began = time.perf_counter()
    outcome = run_dbt(
        "build", *build_args(), "--vars", json.dumps({"reference_time": end}), db_path=db_path
    )
    _release_dbt_connections()
    if not outcome.success:
        detail = f": {outcome.exception}" if outcome.exception else ""
        console.print(f"[red]✗[/] dbt build failed{detail}. See the dbt output above.")
        raise typer.Exit(code=1)
    console.print(f"[green]✓[/] dbt build finished ({time.perf_counter() - began:.1f} s)")

    console.rule("[bold]4/4 Summary")
    console.print(summarize(db_path))
    console.print(
        f"\nThe marts are in schema [bold]marts[/] of {_rel(db_path)}; running `goals demo` again "
        "skips the files already loaded."
    )


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
