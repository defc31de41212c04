"""`goals ingest PATH... [--db FILE]`: load event files into the warehouse's raw tables.

On the Spark target (`GOALS_TARGET=spark`) the raw tables are the lake's
(`$GOALS_LAKE_PATH`): the files load into its loader-side database `<lake>/loader.duckdb`
and each is published into `<lake>/raw/` as it commits (goals_core/raw_load.py,
ingest/lake.py); `--db` is refused.

One line per file (loaded, skipped or set aside, with its counts and speed), a total line,
then the rejected lines grouped by reason (a count and one example each) and the files set
aside. On a terminal a progress display (the current file and the whole load) runs while
it works; in a pipe only the plain lines are written, without colour.

Exit status: 0 when every file was loaded or skipped (rejected and duplicate lines are data,
not failures). 1 when a file was set aside by this load (bad gzip, bad Parquet, an I/O
error: every other file is loaded all the same), and for a missing path, a locked
warehouse or a warehouse error. A file set aside by an earlier load is listed again but
does not change the exit status: the same bytes are never tried again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import duckdb
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.text import Text

if TYPE_CHECKING:
    from ingest.lake import LakeSync
    from ingest.loader import FileResult
    from ingest.rejects import RejectGroup

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)

_MB = 1_000_000
_DEMO_DIR = Path("data") / "demo"


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


def missing_path_message(path: Path, demo_dir: Path = _DEMO_DIR) -> str:
    """One line for a path that does not exist, saying where the demo's files are."""
    kind = "folder" if path.suffix == "" or str(path).endswith("/") else "file"
    message = f"{path} does not exist (no such {kind})."
    demo_folders = sorted(p for p in demo_dir.glob("*") if p.is_dir()) if demo_dir.is_dir() else []
    if demo_folders:
        shown = ", ".join(f"{p}/" for p in demo_folders[:3])
        message += f" The demo's event files (written by `make demo`) are in {shown}."
    else:
        message += f" `make demo` writes demo event files under {demo_dir}/."
    return message


def file_line(result: FileResult, *, already_from: str | None = None) -> Text:
    """The summary line of one file."""
    if result.status == "rejected":
        line = Text.assemble(
            ("set aside ", "bold red"),
            f"{result.path}  not loaded: ",
            (f"[{result.reason_code}] ", "red"),
            result.reason or "",
        )
        if result.earlier:
            line.append("  (set aside by an earlier load)", style="dim")
        return line
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


class _Progress:
    """The whole load (bytes of every file) and the current file, on a terminal only."""

    def __init__(self, console: Console, files: Sequence[Path]) -> None:
        self.sizes = {path: _size(path) for path in files}
        self.done_bytes = 0
        self.files = len(files)
        self.finished = 0
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self.overall: TaskID | None = None
        self.current: TaskID | None = None

    def __enter__(self) -> _Progress:
        self.progress.__enter__()
        self.overall = self.progress.add_task(
            self._overall_text(), total=sum(self.sizes.values()) or 1
        )
        self.current = self.progress.add_task("", total=1, visible=False)
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def _overall_text(self) -> str:
        return f"all files  {self.finished}/{self.files}"

    @property
    def console(self) -> Console:
        return self.progress.console

    def start(self, path: Path) -> None:
        assert self.current is not None
        self.progress.reset(
            self.current, total=self.sizes.get(path) or 1, description=path.name, visible=True
        )

    def advance(self, path: Path, stored_bytes: int) -> None:
        assert self.current is not None and self.overall is not None
        self.progress.update(self.current, completed=stored_bytes)
        self.progress.update(self.overall, completed=self.done_bytes + stored_bytes)

    def end(self, path: Path) -> None:
        assert self.current is not None and self.overall is not None
        self.done_bytes += self.sizes.get(path, 0)
        self.finished += 1
        self.progress.update(
            self.overall, completed=self.done_bytes, description=self._overall_text()
        )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


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
            help="DuckDB warehouse file (default: $DUCKDB_PATH or warehouse/goals.duckdb). "
            "Not on the Spark target: it loads into the lake ($GOALS_LAKE_PATH).",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Load event files into the warehouse; a file whose content is already loaded is
    skipped, a file that cannot be read is set aside (the others load); exit status 1 when
    a file was set aside."""
    from goals_core.raw_load import ingest_for_target
    from ingest.loader import IngestError, discover_files
    from ingest.schema import ensure_raw_schema
    from ingest.warehouse import WarehouseLockedError, connect

    db_path, lake = _raw_db(db)
    for path in paths:
        if not path.exists():
            _fail(missing_path_message(path))
    with _ingest_warnings():
        try:
            files = discover_files(paths)
        except IngestError as exc:
            _fail(str(exc))
        if not files:
            _fail(
                f"no event files in {', '.join(map(str, paths))} (expected .ndjson, .jsonl, "
                "optionally .gz, or .parquet)"
            )
        try:
            con = connect(db_path)
        except WarehouseLockedError as exc:
            _fail(str(exc))
        except duckdb.Error as exc:
            _fail(f"cannot open the warehouse {db_path}: {exc}")
        started = time.perf_counter()
        results: list[FileResult] = []
        progress = _Progress(stdout, files)
        try:
            ensure_raw_schema(con)
            with progress:

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
                    progress.end(Path(result.path))

                ingest_for_target(
                    con,
                    files,
                    lake=lake,
                    on_file=on_file,
                    on_start=progress.start,
                    on_progress=progress.advance,
                    on_sync=lambda report: _print_sync(progress.console, report),
                )
            _print_summary(con, results, time.perf_counter() - started, db_path if lake else db)
        except IngestError as exc:
            _print_total(results, time.perf_counter() - started)
            _fail(str(exc))
        except duckdb.Error as exc:
            _print_total(results, time.perf_counter() - started)
            _fail(f"the warehouse {db_path} failed while loading: {exc}")
        except OSError as exc:
            if lake is None:
                raise
            _print_total(results, time.perf_counter() - started)
            _fail(
                f"cannot write the lake {lake}: {exc.strerror or exc} ({exc.filename}); fix "
                "it and run the same command again: what was loaded is published then"
            )
        except KeyboardInterrupt:
            _print_total(results, time.perf_counter() - started)
            _fail("interrupted: the file being loaded was rolled back", code=130)
        finally:
            con.close()
    new_set_aside = [r for r in results if r.status == "rejected" and not r.earlier]
    if new_set_aside:
        where = f" --db {db_path}" if lake is not None else ""  # the lake's loader database
        _fail(
            f"{len(new_set_aside)} file(s) could not be read and were set aside (listed "
            "above); every other file is loaded. Replace a bad file by a fixed export (new "
            f"content loads); `goals rejects{where} --files` lists the files set aside."
        )


def _raw_db(db: Path | None) -> tuple[Path, Path | None]:
    """(the DuckDB file the loader writes, the lake on the Spark target else None)."""
    from goals_core.paths import resolve_db_path
    from goals_core.target import LAKE_ENV, UnknownTargetError, current_target, lake_path
    from ingest.lake import loader_db_path

    try:
        target = current_target()
    except UnknownTargetError as exc:
        _fail(str(exc))
    if target != "spark":
        return resolve_db_path(db), None
    lake = lake_path()
    if db is not None:
        _fail(
            f"--db names a DuckDB warehouse, but GOALS_TARGET=spark loads into the lake "
            f"{lake}: drop --db (set {LAKE_ENV} to choose the lake)"
        )
    return loader_db_path(lake), lake


def _print_sync(console: Console, report: LakeSync) -> None:
    """What the lake's start-up check repaired, if anything."""
    if report.published:
        console.print(
            f"lake    published {len(report.published)} file(s) an earlier load committed "
            "but did not finish publishing"
        )
    if report.imported:
        console.print(
            f"lake    {len(report.imported)} file(s) in the lake were missing from its "
            "loader-side database: taken back from the lake (they are not loaded again)"
        )
    if report.removed_tmp or report.removed_orphans:
        count = len(report.removed_tmp) + len(report.removed_orphans)
        console.print(
            f"lake    removed {count} unfinished folder(s) an interrupted load left behind"
        )


def _print_summary(
    con: duckdb.DuckDBPyConnection, results: list[FileResult], seconds: float, db: Path | None
) -> None:
    from cli.rejects_cmd import set_aside_line
    from ingest.rejects import reject_groups

    _print_total(results, seconds)
    shas = [r.sha256 for r in results if r.status == "loaded" and r.rejected]
    groups = reject_groups(con, shas=shas) if shas else []
    if groups:
        _print_groups(groups, db)
    set_aside = [r for r in results if r.status == "rejected"]
    if set_aside:
        stdout.print(Text(f"files set aside ({len(set_aside)}), not loaded:", style="bold"))
        for result in set_aside:
            when = "  (set aside by an earlier load)" if result.earlier else ""
            stdout.print(set_aside_line(result.path, result.reason_code, result.reason, when))


def _print_groups(groups: list[RejectGroup], db: Path | None) -> None:
    from cli.rejects_cmd import print_reject_groups

    where = f" --db {db}" if db is not None else ""
    total = sum(g.lines for g in groups)
    stdout.print(
        Text.assemble(
            (f"rejected lines by reason ({total:,}):", "bold"),
            f"  `goals rejects{where} --lines` lists them",
        )
    )
    print_reject_groups(stdout, groups, with_files=False)


def _print_total(done: list[FileResult], seconds: float) -> None:
    loaded = sum(1 for r in done if r.status == "loaded")
    skipped = sum(1 for r in done if r.status == "skipped")
    set_aside = sum(1 for r in done if r.status == "rejected")
    size = sum(r.size_bytes for r in done if r.status == "loaded")
    counts = f"{loaded} loaded, {skipped} skipped"
    if set_aside:
        counts += f", {set_aside} set aside"
    stdout.print(
        Text.assemble(
            ("total   ", "bold"),
            f"{len(done)} file{'s' if len(done) != 1 else ''} ({counts})  ",
            f"read {sum(r.read for r in done):,}  accepted {sum(r.accepted for r in done):,}  "
            f"rejected {sum(r.rejected for r in done):,}  "
            f"duplicate {sum(r.duplicate for r in done):,}  ",
            f"{size / _MB:,.1f} MB in {seconds:.2f} s ({_mb_per_s(size, seconds):,.1f} MB/s)",
        )
    )


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
