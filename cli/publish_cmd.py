"""`goals publish [--db FILE] [--serving FILE] [--parquet-dir DIR]`: publish the serving copy.

Copies the dbt project's marts from the warehouse's schema `marts` (never raw, staging,
intermediate or seeds; never a mart withheld on purpose, like event_catalog) into a
separate DuckDB file readable by DuckDB 1.4+ clients and into one Parquet file per mart,
then swaps both in atomically (docs/serving.md). The Dagster job does the same after each
successful build; this command is for doing it by hand.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1000
    return f"{n} B"  # pragma: no cover


def _shown(path: Path) -> str:
    """`path` relative to the working directory when below it, symlinks not followed (the
    Parquet folder readers use is `.../current`, whatever version it points to)."""
    absolute = path.absolute()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def publish(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="DuckDB warehouse file to copy the marts from, opened read-only "
            "(default: $DUCKDB_PATH or warehouse/goals.duckdb).",
            dir_okay=False,
        ),
    ] = None,
    serving_path: Annotated[
        Path | None,
        typer.Option(
            "--serving",
            help="The serving DuckDB file BI tools open (default: $GOALS_SERVING_PATH, else "
            "serving/goals_serving.duckdb in the warehouse's folder).",
            dir_okay=False,
        ),
    ] = None,
    parquet_dir: Annotated[
        Path | None,
        typer.Option(
            "--parquet-dir",
            help="Folder of the Parquet export; readers use its current/<mart>.parquet "
            "(default: $GOALS_PARQUET_DIR, else parquet/ beside the serving file).",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Publish the marts (only the marts) for BI tools: a DuckDB file readable by DuckDB 1.4+
    and one Parquet file per mart, each swapped in atomically. Readers that have the old file
    open keep their snapshot until they reconnect."""
    from cli.console import fail
    from cli.warehouse import check_warehouse_path
    from goals_core.paths import resolve_db_path
    from goals_core.target import LAKE_ENV, current_target, lake_path

    if current_target() == "spark":  # the marts are Parquet tables of the lake
        if db is not None:
            fail(f"--db names a DuckDB warehouse; on Spark the data lives in ${LAKE_ENV}.")
        publish_serving_copy(lake_path(), serving_path, parquet_dir)
        return
    db_path = resolve_db_path(db)
    check_warehouse_path(db_path)
    publish_serving_copy(db_path, serving_path, parquet_dir)


def publish_serving_copy(
    db_path: Path,
    serving_path: Path | None = None,
    parquet_dir: Path | None = None,
    *,
    failure_prefix: str = "",
    manifest_path: Path | None = None,
) -> None:
    """Publish the marts of `db_path` and print what was published (`goals publish`, and
    `goals build` after a successful build). A failure ends the command with one line,
    after `failure_prefix`. `manifest_path`: the dbt manifest saying which marts may be
    published (default: the project's newest)."""
    from cli.console import err, fail, out
    from cli.formatting import display_path
    from goals_core.dbt_runner import PROJECT_DIR
    from ingest.warehouse import WarehouseLockedError
    from serving.descriptions import load_manifest, mart_descriptions, withheld_marts
    from serving.publishing import STORAGE_VERSION, MartCopy, PublishError
    from serving.publishing import publish as publish_marts

    # The project's servable marts and their descriptions, from the newest dbt manifest.
    # Without one nothing is published: the manifest says which marts may leave the
    # warehouse (event_catalog may not: it holds raw property values).
    if manifest_path is not None and manifest_path.is_file():
        # the manifest of the build that just ran (`goals build`), wherever its target is
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    else:
        manifest = load_manifest(PROJECT_DIR)
    descriptions = mart_descriptions(manifest)
    if not descriptions:
        fail(
            failure_prefix
            + "No dbt manifest found (target/manifest.json): run `goals build` first; it records "
            "which marts may be published."
        )
    err().print(Text(f"Publishing the marts of {display_path(db_path)}", style="bold"))

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err(),
        transient=True,
    )
    task = progress.add_task("Copying marts", total=None)

    def on_marts(names: Sequence[str]) -> None:
        progress.update(task, total=len(names))

    def on_mart(copy: MartCopy) -> None:
        progress.update(task, advance=1, description=f"Copied {copy.name}")

    try:
        with progress:
            result = publish_marts(
                db_path,
                serving_path,
                parquet_dir,
                marts=sorted(descriptions),
                withheld=withheld_marts(manifest),
                descriptions=descriptions,
                on_marts=on_marts,
                on_mart=on_mart,
            )
    except (PublishError, WarehouseLockedError) as exc:
        fail(failure_prefix + str(exc))
    except OSError as exc:
        fail(failure_prefix + f"Publishing failed, nothing was replaced: {exc}")

    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("mart")
    table.add_column("rows", justify="right")
    table.add_column("parquet", justify="right")
    for copy in result.marts:
        table.add_row(copy.name, f"{copy.rows:,}", _size(copy.parquet_bytes))
    console = out()
    console.print(table)
    console.print()
    console.print(
        Text.assemble(
            ("serving file  ", "bold"),
            f"{_shown(result.database)}  ({_size(result.database_bytes)}, DuckDB "
            f"storage {STORAGE_VERSION}: DuckDB 1.4 or later opens it)",
        ),
        soft_wrap=True,
    )
    console.print(
        Text.assemble(
            ("parquet       ", "bold"),
            f"{_shown(result.targets.current)}/<mart>.parquet  "
            f"(version {result.parquet_version}, {_size(result.parquet_bytes)})",
        ),
        soft_wrap=True,
    )
    for note in result.notes:
        err().print(Text.assemble(("Note: ", "yellow"), note))
    total = sum(copy.rows for copy in result.marts)
    console.print(
        f"Published {len(result.marts)} mart{'s' if len(result.marts) != 1 else ''} "
        f"({total:,} rows) in {result.seconds:.2f} s. "
        "Connect read-only; see docs/serving.md.",
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    app.command("publish")(publish)
