"""DuckDB reading the Spark target's lake: its raw tables and the tables dbt built there.

A run on Spark leaves Parquet behind (goals_core.target): the loader's raw tables, one
committed folder per loaded file, and each dbt table as a folder of part files under
`<lake>/tables/<schema>.db/<table>/`. What reads the marts outside Spark (the serving copy,
the demo's summary, the tests) attaches them to a DuckDB connection as views, under the
same schema and table names as on the DuckDB target, so one query serves both targets.
The views are a snapshot of the files present when they are made.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

from goals_core.target import RAW_TABLES, lake_path

#: Where Spark keeps the tables dbt builds (spark.sql.warehouse.dir in profiles.yml).
TABLES_DIR = "tables"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _visible(path: Path) -> bool:
    """Spark's rule: a name starting with `_` or `.` is not data (an uncommitted write,
    _SUCCESS, a checksum file)."""
    return not path.name.startswith(("_", "."))


def raw_files(table: str, lake: Path | None = None) -> list[Path]:
    """The Parquet files of one raw table: those of its committed folders."""
    root = (lake or lake_path()) / "raw" / table
    if not root.is_dir():
        return []
    return sorted(
        file
        for folder in root.iterdir()
        if folder.is_dir() and _visible(folder)
        for file in folder.rglob("*.parquet")
        if _visible(file)
    )


def table_dir(schema: str, table: str, lake: Path | None = None) -> Path:
    """The folder of a table dbt built on Spark."""
    return (lake or lake_path()) / TABLES_DIR / f"{schema}.db" / table


def built_tables(schema: str, lake: Path | None = None) -> list[str]:
    """The tables of `schema` that Spark has written, by name."""
    root = (lake or lake_path()) / TABLES_DIR / f"{schema}.db"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and _visible(p))


def _table_files(folder: Path) -> list[Path]:
    return sorted(f for f in folder.rglob("*.parquet") if _visible(f))


def _create_view(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    files: Iterable[Path],
    empty_ddl: str | None,
    kind: str = "view",
) -> bool:
    paths = [str(f) for f in files]
    if not paths:
        if empty_ddl is None:
            return False
        con.execute(empty_ddl)
        return True
    source = f"read_parquet([{', '.join(_literal(p) for p in paths)}], union_by_name = true)"
    columns = con.execute(f"describe select * from {source}").fetchall()
    selected = []
    for name, data_type, *_ in columns:
        column = _quote(name)
        # Spark marks the timestamps it writes as instants (isAdjustedToUTC); they are UTC
        # wall-clock times, as on the DuckDB target.
        if str(data_type).upper() == "TIMESTAMP WITH TIME ZONE":
            column = f"timezone('UTC', {column}) as {column}"
        selected.append(column)
    con.execute(
        f"create or replace {kind} {relation} as select {', '.join(selected)} from {source}"
    )
    return True


def attach_lake(
    con: duckdb.DuckDBPyConnection,
    *,
    lake: Path | None = None,
    schemas: Iterable[str] = ("marts",),
    database: str | None = None,
    materialize: bool = False,
) -> dict[str, list[str]]:
    """Views over the lake in `con`: `raw.<table>` for the schema `raw` (empty, typed
    tables when nothing is loaded yet), `<schema>.<table>` for each table dbt built in the
    other schemas; in `database` when given (it must be attached and writable, e.g. an
    in-memory one); tables holding a copy instead of views with `materialize`. Returns the
    names made per schema."""
    from ingest.schema import RAW_SCHEMA_DDL

    root = lake or lake_path()
    con.execute("set TimeZone = 'UTC'")
    prefix = f"{_quote(database)}." if database else ""
    kind = "table" if materialize else "view"
    made: dict[str, list[str]] = {}
    for schema in schemas:
        con.execute(f"create schema if not exists {prefix}{_quote(schema)}")
        names: list[str] = []
        if schema == "raw":
            for table in RAW_TABLES:
                relation = f"{prefix}raw.{_quote(table)}"
                ddl = _raw_table_ddl(RAW_SCHEMA_DDL, table, relation)
                if _create_view(con, relation, raw_files(table, root), ddl, kind):
                    names.append(table)
        else:
            for table in built_tables(schema, root):
                relation = f"{prefix}{_quote(schema)}.{_quote(table)}"
                files = _table_files(table_dir(schema, table, root))
                if _create_view(con, relation, files, None, kind):
                    names.append(table)
        made[schema] = names
    return made


def _raw_table_ddl(ddl: str, table: str, relation: str) -> str:
    """The `create table` statement of one raw table (ingest/schema.py), renamed to
    `relation` and without its key: what an empty raw table looks like."""
    marker = f"create table if not exists raw.{table} ("
    start = ddl.index(marker)
    end = ddl.index(");", start)
    body = ddl[start + len(marker) : end]
    body = body.replace(" primary key", "")
    return f"create or replace table {relation} ({body})"


def connect_lake(
    lake: Path | None = None, schemas: Iterable[str] = ("raw", "marts")
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the lake's `schemas` as views (attach_lake)."""
    con = duckdb.connect(":memory:")
    attach_lake(con, lake=lake, schemas=schemas)
    return con
