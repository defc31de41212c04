"""The warehouse as the commands read it: its path checked (a folder, a file that is not
DuckDB, a missing warehouse: one clear line), opened read-only, and a clear message when
the tables a command reads are missing."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from cli.console import fail
from cli.formatting import did_you_mean, display_path, names_list
from cli.options import Range
from goals_core.lake import connect_lake
from goals_core.paths import is_duckdb_file, resolve_db_path
from goals_core.target import LAKE_ENV, current_target, lake_path

#: The schemas of the tables dbt builds (dbt_project.yml), read from the lake on Spark.
DBT_SCHEMAS = ("seeds", "intermediate", "marts")


def check_warehouse_path(path: Path, *, create: bool = False) -> bool:
    """Fail with one line unless `path` can be a warehouse: not a folder, a DuckDB file
    when it exists, and (unless `create`) existing. Returns whether it exists."""
    shown = display_path(path)
    if path.is_dir():
        fail(
            f"{shown} is a folder, not a DuckDB file: point --db (or $DUCKDB_PATH) at a file "
            "such as warehouse/goals.duckdb."
        )
    if path.exists():
        if not is_duckdb_file(path):
            fail(
                f"{shown} is not a DuckDB database file: point --db (or $DUCKDB_PATH) at the "
                "warehouse (e.g. warehouse/goals.duckdb)."
            )
        return True
    if not create:
        fail(
            f"No warehouse at {shown}: check --db / $DUCKDB_PATH, or make one first with "
            "`goals ingest FILE...` and `goals build` (or `goals demo`)."
        )
    if path.parent.exists() and not path.parent.is_dir():
        fail(f"Cannot create the warehouse {shown}: {display_path(path.parent)} is not a folder.")
    return False


@contextmanager
def open_warehouse(db: Path | None) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    """The warehouse opened read-only (no write lock), or a clear error if it is missing.
    On the Spark target (without --db): the lake's raw tables and the tables dbt built
    there, read as Parquet (goals_core.lake)."""
    from ingest.warehouse import WarehouseLockedError, connect

    if db is None and current_target() == "spark":
        lake = lake_path()
        if not lake.is_dir():
            fail(
                f"No lake at {display_path(lake)}: check ${LAKE_ENV}, or make one first with "
                "`goals ingest FILE...` and `goals build` (or `goals demo`) on Spark."
            )
        lake_con = connect_lake(lake, ("raw", *DBT_SCHEMAS))
        try:
            yield lake_con, lake
        finally:
            lake_con.close()
        return
    path = resolve_db_path(db)
    check_warehouse_path(path)
    try:
        con = connect(path, read_only=True)
    except WarehouseLockedError as exc:
        fail(str(exc))
    except duckdb.Error as exc:
        fail(f"Cannot open the warehouse {display_path(path)} read-only: {one_line(exc)}")
    try:
        yield con, path
    finally:
        con.close()


def one_line(error: BaseException | str) -> str:
    """An error's message on one line (DuckDB's carry a type prefix and line breaks)."""
    text = " ".join(str(error).split())
    if not text and isinstance(error, BaseException):
        return type(error).__name__
    return text


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


def require_raw_events(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    if not table_exists(con, "raw", "events"):
        fail(
            f"The warehouse {display_path(path)} has no raw tables yet: load events with "
            "`goals ingest FILE...` first."
        )
    row = con.execute("select count(*) from raw.events").fetchone()
    if not row or not row[0]:
        fail(
            f"The warehouse {display_path(path)} holds no events yet: load some with "
            "`goals ingest FILE...` first."
        )


def require_mart(con: duckdb.DuckDBPyConnection, path: Path, mart: str) -> None:
    if not table_exists(con, "marts", mart):
        fail(
            f"The warehouse {display_path(path)} has no marts yet (marts.{mart} is missing): "
            "run `goals build` first."
        )


def known_values(
    con: duckdb.DuckDBPyConnection,
    column: str,
    *,
    start: datetime,
    end: datetime,
    workspace: str | None = None,
) -> list[str]:
    """Distinct values of a raw.events column (`name` or `workspace_id`) in a window."""
    if column not in ("name", "workspace_id"):
        raise ValueError(column)
    sql = f"select distinct {column} from raw.events where occurred_at > ? and occurred_at <= ?"
    params: list[Any] = [start, end]
    if workspace is not None:
        sql += " and workspace_id = ?"
        params.append(workspace)
    return sorted(row[0] for row in con.execute(sql + f" order by {column}", params).fetchall())


def unknown_name_message(
    name: str, range_: Range, known: Sequence[str], *, workspace: str | None = None
) -> str:
    """ "no events named X in the last 30d; known names: ..." (with a close match first)."""
    scope = f" of workspace '{workspace}'" if workspace else ""
    message = f"no events named '{name}'{scope} in the last {range_.value}"
    message += did_you_mean(name, known)
    return message + f"; known names: {names_list(list(known))}"
