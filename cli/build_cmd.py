"""`goals build`: run dbt (seeds, models, marts and their data tests) on the warehouse, then
publish the serving copy of the marts (`--no-publish` leaves it as it is)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.text import Text

from cli._progress import dbt_output_args, is_terminal, node_progress
from cli.console import err, fail, note, out
from cli.formatting import display_path
from cli.options import reference_time_option
from cli.warehouse import check_warehouse_path, one_line
from goals_core import dbt_runner
from goals_core.paths import resolve_db_path
from goals_core.target import LAKE_ENV, current_target, lake_path

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="DuckDB file, created when missing (default: $DUCKDB_PATH or warehouse/goals.duckdb).",
        dir_okay=False,
    ),
]
#: dbt's node statuses as the build's last line words them.
STATUS_WORDS = {
    "success": "built",
    "pass": "passed",
    "warn": "warned",
    "fail": "failed",
    "error": "errored",
    "skipped": "skipped",
}
SelectOption = Annotated[
    list[str] | None, typer.Option("--select", "-s", help="dbt node selection.")
]


def build(
    db: DbOption = None,
    select: SelectOption = None,
    unit_tests: Annotated[bool, typer.Option(help="Also run the dbt unit tests.")] = False,
    full_refresh: Annotated[
        bool,
        typer.Option(
            "--full-refresh",
            help="Rebuild the incremental models from every raw event (default: only what "
            "was loaded or configured since the last build).",
        ),
    ] = False,
    reference_time: Annotated[
        str | None,
        typer.Option(
            help="ISO 8601 instant for statuses and catalog windows, no offset = UTC "
            "(default: now)."
        ),
    ] = None,
    publish: Annotated[
        bool,
        typer.Option(
            "--publish/--no-publish",
            help="After a successful build, publish the serving copy of the marts for BI "
            "tools, as `goals publish` does.",
        ),
    ] = True,
) -> None:
    """Build seeds, models and marts with dbt, running every data test; then publish the
    serving copy of the marts (unless --no-publish).

    Incremental: outcomes, conversations and the event catalog's shapes process only the
    events loaded since the last build and what changed goals or seeds affect. On a
    terminal, progress is one line (dbt's errors are still printed); otherwise dbt's log
    lines, without colours.
    """
    from ingest.schema import ensure_raw_schema
    from ingest.warehouse import WarehouseLockedError, connect

    reference = reference_time_option(reference_time)
    spark = current_target() == "spark"
    if spark and db is not None:
        fail(f"--db names a DuckDB warehouse; on Spark the data lives in ${LAKE_ENV}.")
    # On Spark the raw tables are the lake's Parquet, registered by the build itself.
    db_path = lake_path() if spark else resolve_db_path(db)
    existed = True if spark else check_warehouse_path(db_path, create=True)
    try:
        if not spark:
            with connect(db_path) as con:
                ensure_raw_schema(con)
    except WarehouseLockedError as exc:
        fail(str(exc))
    except duckdb.Error as exc:
        fail(f"Cannot open the warehouse {display_path(db_path)}: {one_line(exc)}")
    if not existed:
        err().print(
            Text(
                f"Created a new, empty warehouse at {display_path(db_path)} (no events yet: "
                "load some with `goals ingest FILE...`).",
                style="yellow",
            )
        )

    terminal = is_terminal()
    began = time.perf_counter()
    try:
        with node_progress("dbt build", enabled=terminal) as counter:
            outcome = dbt_runner.run_build(
                db_path,
                *dbt_output_args(compact=terminal, terminal=terminal),
                select=select or (),
                with_unit_tests=unit_tests,
                full_refresh=full_refresh,
                dbt_vars={"reference_time": reference} if reference else None,
                callbacks=[counter],
                project_dir=dbt_runner.PROJECT_DIR,
            )
    except WarehouseLockedError as exc:
        fail(str(exc))
    if not outcome.success:
        if any(node.endswith(".int_config_validated") for node in counter.failed):
            fail(
                "dbt build failed: the goals configuration (seeds/*.csv) is invalid, its "
                "problems are listed above one per line; `goals validate` shows the CSV line "
                "of each. Nothing was built from it and the serving copy was not published."
            )
        fail("dbt build failed: see dbt's messages above; the serving copy was not published.")
    statuses = outcome.statuses or {}
    counts = ", ".join(
        f"{n:,} {STATUS_WORDS.get(status, status)}" for status, n in sorted(statuses.items())
    )
    out().print(
        Text.assemble(
            ("✓ ", "green"),
            f"dbt build succeeded on {display_path(db_path)}: {counts or 'nothing to do'} "
            f"({time.perf_counter() - began:.1f} s).",
        ),
        soft_wrap=True,
    )
    if not publish:
        note(
            "The serving copy was not published (--no-publish): BI tools still read the "
            "previous one; run `goals publish` to refresh it."
        )
        return
    from cli.publish_cmd import publish_serving_copy

    publish_serving_copy(
        db_path,
        failure_prefix="The build succeeded, but the serving copy was not published: ",
        manifest_path=_target_path(dbt_runner.PROJECT_DIR) / "manifest.json",
    )


def _target_path(project_dir: Path) -> Path:
    """Where dbt wrote the build's artifacts: $DBT_TARGET_PATH, else `target`, relative to
    the project folder."""
    target = Path(os.environ.get("DBT_TARGET_PATH") or "target")
    return target if target.is_absolute() else project_dir / target


def register(app: typer.Typer) -> None:
    app.command("build")(build)
