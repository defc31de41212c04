"""`goals demo`: generate demo telemetry, run the main Dagster job on it, print a summary.

The demo data ends at the current hour (UTC; `--end` pins another instant): its 90 days
lead up to now, so `goals explore --range 7d` and the catalog's 7/30/90-day counts show
recent events on whatever day the demo runs, and goal statuses are evaluated as of now
like any build. The generator is deterministic given `--events` and the end: the same
pair always writes the same files under ``data/demo/``, and the loader skips file
contents it has already loaded, so running the demo again within the hour changes
nothing in the warehouse.

What a later run resets (docs/cli.md, "goals demo"):

* the warehouse, only when every file it ever loaded is a demo file of another end: it
  is replaced by a new one (the events of two demo runs would overlap); a warehouse that
  also holds other files is refused, with the way out (`--db`);
* seeds/goal_status_changes.csv, only while it holds exactly the demo's own three changes
  (demo/status_changes.py): they move with the data. Once a change was recorded with
  `goals status` (or the file was edited), the file is left as it is, so the demo never
  undoes a status someone set.
"""

from __future__ import annotations

import io
import re
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from cli._progress import is_terminal
from cli.console import console_width, fail
from cli.formatting import display_path
from cli.options import DbOption, iso8601_option
from cli.warehouse import check_warehouse_path, one_line, table_exists
from goals_core import timestamps
from goals_core.dbt_runner import PROJECT_DIR
from goals_core.paths import PROJECT_SEEDS_DIR, resolve_db_path
from goals_core.target import LAKE_ENV, current_target, lake_path
from goals_core.timestamps import format_utc

if TYPE_CHECKING:
    import duckdb

DEMO_DIR = PROJECT_DIR / "data" / "demo"
DEFAULT_EVENTS = 20_000
DEMO_DAYS = 90
#: dbt's lines that end a node ("12 of 47 OK created ...", "3 of 47 PASS ...").
NODE_DONE = re.compile(r"^(?:\d\d:\d\d:\d\d\s+)?(\d+) of (\d+) (?:OK|PASS|WARN|ERROR|FAIL|SKIP)")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def console() -> Console:
    """The demo's console: the terminal's width, or wide when piped (nothing cut)."""
    return Console(highlight=False, width=console_width(), file=sys.stdout)


def demo_files(events: int) -> int:
    """How many files the demo writes: a few daily-export-like parts, more for big runs."""
    return max(3, min(16, events // 250_000))


def default_end(now: datetime) -> datetime:
    """The demo data's default end: the start of the current hour (UTC)."""
    return now.replace(minute=0, second=0, microsecond=0)


def demo_data_dir(events: int, seed: int, end: datetime) -> Path:
    return DEMO_DIR / f"events-{events}-seed{seed}-end{end:%Y%m%dT%H%M%SZ}"


def ensure_demo_data(events: int, seed: int, end: datetime) -> list[Path]:
    """The demo files for `events`/`seed`/`end`, generating them unless all are already
    there. Files are written to a temporary name and renamed, so an existing file is
    complete."""
    from demo.generate import file_names, generate_events

    out = console()
    out_dir = demo_data_dir(events, seed, end)
    files = demo_files(events)
    expected = [out_dir / name for name in file_names(files)]
    if all(path.is_file() for path in expected):
        size = sum(path.stat().st_size for path in expected)
        out.print(
            f"[green]✓[/] Reusing {len(expected)} demo file(s) in {display_path(out_dir)} "
            f"({size / 1e6:,.1f} MB)"
        )
        return expected
    began = time.perf_counter()
    with out.status(f"Generating {events:,} demo events into {display_path(out_dir)} …"):
        paths = generate_events(
            events,
            out_dir,
            seed=seed,
            files=files,
            start=end.replace(tzinfo=UTC) - timedelta(days=DEMO_DAYS),
            days=DEMO_DAYS,
        )
    seconds = time.perf_counter() - began
    size = sum(path.stat().st_size for path in paths)
    out.print(
        f"[green]✓[/] Generated {events:,} events in {len(paths)} file(s), {size / 1e6:,.1f} MB "
        f"({seconds:.1f} s) in {display_path(out_dir)}"
    )
    return paths


def replace_earlier_demo(db_path: Path, data_dir: Path) -> str | None:
    """Make way for this demo in the warehouse: None when it is new or holds only this
    demo's files (or none); a note when it held only other demo runs' files and was
    removed; a refusal (`fail`) when it also holds files that are not the demo's."""
    import duckdb

    lake = db_path.is_dir()  # the Spark target's lake
    if not (db_path.is_file() or lake):
        return None
    if not lake:
        check_warehouse_path(db_path)
    try:
        with _read_only(db_path) as con:
            if not table_exists(con, "raw", "loaded_files"):
                return None
            rows = con.execute("select file_path from raw.loaded_files").fetchall()
            loaded = [Path(r[0]) for r in rows]
    except duckdb.Error as exc:
        fail(f"Cannot read the warehouse {display_path(db_path)}: {one_line(exc)}")
    demo_root = DEMO_DIR.resolve()
    earlier = [p for p in loaded if p.parent.resolve() != data_dir.resolve()]
    if not earlier:
        return None
    if any(demo_root not in p.resolve().parents for p in loaded):
        fail(
            f"{display_path(db_path)} holds an earlier demo's events and files of your own: "
            "the new demo data (ending now) would overlap the earlier one. Run the demo on "
            "another warehouse, e.g. `goals demo --db warehouse/demo.duckdb`."
        )
    if lake:
        shutil.rmtree(db_path)
    for suffix in ("", ".wal"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    return (
        f"Replaced {display_path(db_path)}: it held only an earlier demo's files "
        f"({len(earlier)}), whose events would overlap this run's."
    )


@contextmanager
def _read_only(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse file read-only, or the Spark target's lake read through DuckDB."""
    import duckdb

    if path.is_dir():
        from goals_core.lake import connect_lake

        con = connect_lake(path, ("raw",))
    else:
        con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


class _DbtLines(io.TextIOBase):
    """Stands in for stdout while the Dagster job runs: dbt's log lines (re-emitted by
    dagster-dbt) are kept, and a node count drives `on_node` instead of printing them."""

    def __init__(self, on_node: object) -> None:
        self.lines: list[str] = []
        self._partial = ""
        self._on_node = on_node

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._partial += text
        *complete, self._partial = self._partial.split("\n")
        for line in complete:
            plain = ANSI.sub("", line).rstrip()
            self.lines.append(plain)
            match = NODE_DONE.match(plain)
            if match and callable(self._on_node):
                self._on_node(int(match[1]), int(match[2]))
        return len(text)

    def failure_lines(self) -> list[str]:
        """dbt's account of what failed: from its "Completed with ..." line on (else the
        last lines it printed)."""
        for index, line in enumerate(self.lines):
            if "Completed with" in line:
                return self.lines[index:]
        return self.lines[-40:]

    def done_line(self) -> str | None:
        return next((line for line in reversed(self.lines) if "Done. PASS=" in line), None)


@contextmanager
def quiet_dbt(out: Console) -> Iterator[_DbtLines]:
    """dbt's lines captured; on a terminal a one-line bar of nodes done instead."""
    if not is_terminal(out.file):
        lines = _DbtLines(None)
        with redirect_stdout(lines):  # type: ignore[type-var]
            yield lines
        return
    progress = Progress(
        TextColumn("dbt build"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("nodes"),
        TimeElapsedColumn(),
        console=out,
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    )
    task = progress.add_task("dbt", total=None)

    def on_node(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    lines = _DbtLines(on_node)
    with progress, redirect_stdout(lines):  # type: ignore[type-var]
        yield lines


def next_steps(db_path: Path) -> Text:
    from serving.paths import default_parquet_dir, default_serving_path

    serving = default_serving_path(db_path)
    steps = [
        ("goals explore --range 7d", "the latest raw events, with their properties"),
        ("goals events", "the event catalog: names, counts, property keys and types"),
        ("goals list", "the goals by status, with their last outcome"),
        ("goals hub", "the Analytics Hub in the browser (where installed)"),
        ("make dev", "the Dagster UI on http://localhost:3000 (schedule, sensor, runs)"),
    ]
    text = Text("Next steps\n", style="bold")
    width = max(len(command) for command, _ in steps)
    for command, what in steps:
        text.append(f"  {command.ljust(width)}  ", style="cyan")
        text.append(f"{what}\n")
    text.append("  BI tools: open ")
    text.append(display_path(serving), style="cyan")
    text.append(" read-only (DuckDB 1.4+), or the Parquet files in ")
    text.append(f"{display_path(default_parquet_dir(serving))}/current/", style="cyan")
    return text


def demo(
    events: Annotated[
        int,
        typer.Option("--events", "-n", min=1, help="Number of telemetry lines to generate."),
    ] = DEFAULT_EVENTS,
    end: Annotated[
        str | None,
        typer.Option(
            "--end",
            help="When the demo data ends, ISO 8601 (no offset = UTC). Default: the start of "
            "the current hour. The same --events and --end always give the same data.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Generate demo telemetry ending now and run the main Dagster job on it (ingest, then
    dbt build with every data test as an asset check), headless; print a summary of the
    marts and the next steps."""
    from demo.generate import DEFAULT_SEED
    from demo.status_changes import Sync, sync_demo_status_changes
    from demo.summary import summarize
    from orchestration.run import execute_main_job, failure_messages

    end_at = iso8601_option(end, "--end") or default_end(timestamps.utc_now())
    out = console()
    spark = current_target() == "spark"
    if spark and db is not None:
        fail(f"--db names a DuckDB warehouse; on Spark the data lives in ${LAKE_ENV}.")
    db_path = lake_path() if spark else resolve_db_path(db)
    out.rule("[bold]1/3 Demo data")
    paths = ensure_demo_data(events, DEFAULT_SEED, end_at)
    replaced = replace_earlier_demo(db_path, paths[0].parent)
    if replaced:
        out.print(Text.assemble(("! ", "yellow"), replaced))
    changes = PROJECT_SEEDS_DIR / "goal_status_changes.csv"
    synced = sync_demo_status_changes(changes, end_at)
    if synced is Sync.WRITTEN:
        out.print(
            f"[green]✓[/] The demo's status changes in {display_path(changes)} moved with the "
            "data (they fall inside it)"
        )
    elif synced is Sync.KEPT:
        out.print(
            f"[yellow]![/] {display_path(changes)} holds status changes besides the demo's: "
            "left as it is"
        )

    out.rule("[bold]2/3 Dagster run: ingest, then dbt build")
    out.print(
        f"Main job on {display_path(db_path)} with landing folder "
        f"{display_path(paths[0].parent)}; data up to {format_utc(end_at)}, statuses "
        "and the catalog's windows as of now."
    )
    began = time.perf_counter()
    with quiet_dbt(out) as dbt_lines:
        result = execute_main_job(
            db_path, paths[0].parent, log_level="WARNING", lake=db_path if spark else None
        )
    if not result.success:
        for line in dbt_lines.failure_lines():
            out.print(Text(line))
        for message in failure_messages(result) or ["the run failed"]:
            out.print(Text.assemble(("✗ ", "red"), message))
        raise typer.Exit(code=1)
    done = dbt_lines.done_line()
    detail = f": dbt {done.split('Done. ', 1)[1]}" if done else ""
    out.print(
        f"[green]✓[/] Dagster run succeeded ({time.perf_counter() - began:.1f} s){detail}",
        soft_wrap=True,
    )

    out.rule("[bold]3/3 Summary")
    out.print(summarize(db_path))
    where = (
        f"are Spark tables in schema [bold]marts[/] (Parquet in {display_path(db_path)})"
        if spark
        else f"are in schema [bold]marts[/] of {display_path(db_path)}"
    )
    out.print(
        f"\nThe marts {where}; running `goals demo` again within the hour skips the files "
        "already loaded."
    )
    out.print(next_steps(db_path), soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
