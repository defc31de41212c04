"""`goals build`: run dbt (seeds, models, marts and their data tests) on the warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli._common import err, fail, resolve_db_path
from cli.dbt_runner import run_build

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB file (default: $DUCKDB_PATH or warehouse/goals.duckdb)."),
]
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
        typer.Option(help="ISO 8601 instant for statuses and catalog windows (default: now)."),
    ] = None,
) -> None:
    """Build seeds, models and marts with dbt, running every data test.

    Incremental: outcomes, conversations and the event catalog's shapes process only the
    events loaded since the last build and what changed goals or seeds affect. Without
    --select, --full-refresh or --unit-tests, the configuration (the seeds and the models
    built from them alone) is left out while it is unchanged since its last successful
    build.
    """
    from ingest.schema import ensure_raw_schema
    from ingest.warehouse import WarehouseLockedError, connect

    db_path = resolve_db_path(db)
    try:
        with connect(db_path) as con:
            ensure_raw_schema(con)
        outcome = run_build(
            db_path,
            select=select or (),
            with_unit_tests=unit_tests,
            full_refresh=full_refresh,
            dbt_vars={"reference_time": reference_time} if reference_time else None,
        )
    except WarehouseLockedError as exc:
        fail(str(exc))
    if outcome.skipped_configuration:
        err().print(
            "The configuration (the seeds and the models built from them alone) is unchanged "
            "since its last successful build: left out.",
            style="dim",
        )
    if not outcome.success:
        fail("dbt build failed: see the messages above.")


def register(app: typer.Typer) -> None:
    app.command("build")(build)
