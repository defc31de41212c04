"""`goals ingest PATH... [--db FILE]`: load event files into the warehouse's raw tables.

One line per file (loaded or skipped, with its counts and speed) and a total line. Rejected
and duplicate lines are data, not failures: the exit status is 0. A missing path, an
unreadable or corrupt file or a locked warehouse end the command with a message and
status 1 (files loaded before a corrupt one stay loaded).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import duckdb
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

if TYPE_CHECKING:
    from ingest.loader import FileResult

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)

_MB = 1_000_000


def _fail(message: str, code: int = 1) -> NoReturn:
    stderr.print(Text.assemble(("Error: ", "bold red"), message))
    raise typer.Exit(code=code)


class _WarningsToConsole(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        stderr.print(Text.assemble(("Warning: ", "yellow"), record.getMessage()))


@contextmanager
def _ingest_warnings() -> Iterator[None]:
    """Warnings of the loader (e.g. skipped unknown files) printed on stderr."""
    logger = logging.getLogger("ingest")
    handler = _WarningsToConsole(level=logging.WARNING)
    saved = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved


def _mb_per_s(size_bytes: int, seconds: float) -> float:
    return size_bytes / _MB / seconds if seconds > 0 else 0.0


def file_line(result: FileResult, *, already_from: str | None = None) -> Text:
    """The summary line of one file."""
    status_style = "green" if result.status == "loaded" else "yellow"
    line = Text.assemble(
        (f"{result.status:<8}", status_style),
        f"{result.path}  ",
        f"read {result.read:,}  accepted {result.accepted:,}  ",
        (f"rejected {result.rejected:,}", "red" if result.rejected else ""),
        "  ",
        (f"duplicate {result.duplicate:,}", "magenta" if result.duplicate else ""),
        f"  {result.size_bytes / _MB:,.1f} MB in {result.seconds:.2f} s "
        f"({_mb_per_s(result.size_bytes, result.seconds):,.1f} MB/s)",
    )
    if result.status == "skipped":
        origin = f" from {already_from}" if already_from else ""
        line.append(f"  (same content already loaded{origin})", style="dim")
    return line


def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Event files (.ndjson, .jsonl, optionally .gz, or .parquet) or folders "
            "(loaded recursively, in lexicographic order of their paths).",
            show_default=False,
        ),
    ],
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="DuckDB warehouse file (default: $DUCKDB_PATH or warehouse/goals.duckdb).",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Load event files into the warehouse; a file whose content is already loaded is skipped."""
    from cli._common import resolve_db_path
    from ingest.loader import IngestError, discover_files, ingest_paths
    from ingest.schema import ensure_raw_schema
    from ingest.warehouse import WarehouseLockedError, connect

    db_path = resolve_db_path(db)
    with _ingest_warnings():
        try:
            files = discover_files(paths)
        except IngestError as exc:
            _fail(str(exc))
        if not files:
            _fail("no event files found (expected .ndjson, .jsonl, optionally .gz, or .parquet)")
        try:
            con = connect(db_path)
        except WarehouseLockedError as exc:
            _fail(str(exc))
        except duckdb.Error as exc:
            _fail(f"cannot open the warehouse {db_path}: {exc}")
        started = time.perf_counter()
        results: list[FileResult] = []
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files"),
            TimeElapsedColumn(),
            console=stdout,
            transient=True,
            disable=len(files) < 2 or not stdout.is_terminal,
        )
        try:
            ensure_raw_schema(con)
            with progress:
                task = progress.add_task(f"loading {files[0].name}", total=len(files))

                def on_file(result: FileResult) -> None:
                    results.append(result)
                    origin = None
                    if result.status == "skipped":
                        row = con.execute(
                            "select file_path from raw.loaded_files where file_sha256 = ?",
                            [result.sha256],
                        ).fetchone()
                        origin = str(row[0]) if row else None
                    progress.console.print(file_line(result, already_from=origin))
                    done = len(results)
                    following = f"loading {files[done].name}" if done < len(files) else "done"
                    progress.update(task, advance=1, description=following)

                ingest_paths(con, files, on_file=on_file)
        except IngestError as exc:
            _print_total(results, time.perf_counter() - started)
            _fail(str(exc))
        except duckdb.Error as exc:
            _print_total(results, time.perf_counter() - started)
            _fail(f"the warehouse {db_path} failed while loading: {exc}")
        except KeyboardInterrupt:
            _print_total(results, time.perf_counter() - started)
            _fail("interrupted: the file being loaded was rolled back", code=130)
        finally:
            con.close()
    _print_total(results, time.perf_counter() - started)


def _print_total(done: list[FileResult], seconds: float) -> None:
    loaded = sum(1 for r in done if r.status == "loaded")
    skipped = len(done) - loaded
    size = sum(r.size_bytes for r in done if r.status == "loaded")
    stdout.print(
        Text.assemble(
            ("total   ", "bold"),
            f"{len(done)} file{'s' if len(done) != 1 else ''} ({loaded} loaded, "
            f"{skipped} skipped)  ",
            f"read {sum(r.read for r in done):,}  accepted {sum(r.accepted for r in done):,}  "
            f"rejected {sum(r.rejected for r in done):,}  "
            f"duplicate {sum(r.duplicate for r in done):,}  ",
            f"{size / _MB:,.1f} MB in {seconds:.2f} s ({_mb_per_s(size, seconds):,.1f} MB/s)",
        )
    )


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
