"""`goals build`: run dbt (seeds, models, data tests) on the warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.dbt_runner import build_args, run_dbt
from ingest.warehouse import connect
from ingest.schema import ensure_raw_schema


def build(
    db: Annotated[
        Path | None,
        typer.Option("--db", help="DuckDB warehouse file (default: $DUCKDB_PATH or warehouse/goals.duckdb)."),
    ] = None,
    select: Annotated[list[str] | None, typer.Option("--select", "-s", help="dbt selection.")] = None,
    unit_tests: Annotated[bool, typer.Option(help="Also run the dbt unit tests.")] = False,
) -> None:
    """Build seeds, models and marts with dbt, running every data test."""
    from ingest.warehouse import default_db_path

    db_path = db or default_db_path()
    with connect(db_path) as con:
        ensure_raw_schema(con)
    outcome = run_dbt("build", *build_args(select or (), with_unit_tests=unit_tests), db_path=db_path)
    if not outcome.success:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.command("build")(build)
