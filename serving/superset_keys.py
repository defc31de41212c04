"""Let Apache Superset show the serving copy's primary and foreign keys (docs/serving.md).

The copy declares them (`duckdb_constraints()` lists them), but Superset 6.1 with
duckdb-engine 0.17 shows none, for two reasons outside the copy:

- duckdb-engine reflects keys through SQLAlchemy's PostgreSQL dialect, whose queries read
  DuckDB's `pg_catalog` emulation: there `pg_index` lists no primary key and `indkey` is
  always NULL, so a primary key comes back without columns, and `pg_constraint.confrelid`
  is always 0, so no foreign key is found (duckdb-engine issue #594);
- Superset's `Database.get_pk_constraint` passes each value of the primary key through its
  JSON converter, which turns a list of columns (and the name) into None: no database gets a
  primary key into SQL Lab in 6.1.

`flask_app_mutator()` replaces both, for DuckDB databases only: the dialect's
`get_pk_constraint` and `get_foreign_keys` read `duckdb_constraints()` (the catalog every
DuckDB client reads, 1.4 and later), and Superset's `Database.get_pk_constraint` keeps the
columns. Superset loads it from `superset_config.py`:

    import superset_keys            # this file, copied beside superset_config.py
    FLASK_APP_MUTATOR = superset_keys.flask_app_mutator

The file stands alone (standard library only; SQLAlchemy, duckdb-engine and Superset are
imported when installing), so it can be copied into Superset's environment as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

#: Every primary and foreign key of the open database, in declaration order. No parameters:
#: the same text runs through SQLAlchemy and through a plain DuckDB connection.
KEYS_SQL = """
select
    database_name,
    schema_name,
    table_name,
    constraint_type,
    constraint_text,
    constraint_column_names,
    referenced_table,
    referenced_column_names
from duckdb_constraints()
where constraint_type in ('PRIMARY KEY', 'FOREIGN KEY')
order by database_name, schema_name, table_name, constraint_index
"""

_PATCHED = "_goals_superset_keys"


def split_schema(schema: str | None) -> tuple[str | None, str | None]:
    """duckdb-engine names schemas `database.schema` (`goals_serving.marts`); a bare name
    is a schema of any attached database."""
    if not schema:
        return None, None
    database, dot, name = schema.partition(".")
    if not dot:
        return None, _unquote(schema)
    return _unquote(database), _unquote(name)


def _unquote(name: str) -> str:
    if len(name) >= 2 and name.startswith('"') and name.endswith('"'):
        return name[1:-1].replace('""', '"')
    return name


def _rows_of(rows: Iterable[Sequence[Any]], table: str, schema: str | None) -> list[Sequence[Any]]:
    database, schema_name = split_schema(schema)
    return [
        row
        for row in rows
        if row[2] == table
        and (schema_name is None or row[1] == schema_name)
        and (database is None or row[0] == database)
    ]


def primary_key(
    rows: Iterable[Sequence[Any]], table: str, schema: str | None = None
) -> dict[str, Any]:
    """SQLAlchemy's `get_pk_constraint` answer for `table`, from the rows of KEYS_SQL."""
    for row in _rows_of(rows, table, schema):
        if row[3] == "PRIMARY KEY":
            return {"constrained_columns": list(row[5]), "name": row[4]}
    return {"constrained_columns": [], "name": None}


def foreign_keys(
    rows: Iterable[Sequence[Any]], table: str, schema: str | None = None
) -> list[dict[str, Any]]:
    """SQLAlchemy's `get_foreign_keys` answer for `table`, from the rows of KEYS_SQL. DuckDB
    keys reference a table of the same schema."""
    return [
        {
            "name": row[4],
            "constrained_columns": list(row[5]),
            "referred_schema": schema,
            "referred_table": row[6],
            "referred_columns": list(row[7]),
            "options": {},
        }
        for row in _rows_of(rows, table, schema)
        if row[3] == "FOREIGN KEY" and row[6]
    ]


def install() -> None:
    """Make duckdb-engine reflect keys from `duckdb_constraints()` (idempotent). Any
    SQLAlchemy user of the copy can call it; Superset needs flask_app_mutator too."""
    _patch_dialect()


def flask_app_mutator(app: Any) -> None:
    """For `FLASK_APP_MUTATOR` in superset_config.py: install(), and Superset keeps a
    primary key's columns (its models import only once the app is initialised)."""
    _patch_dialect()
    _patch_superset()


def _patch_dialect() -> None:
    import duckdb_engine
    from sqlalchemy import text

    dialect = duckdb_engine.Dialect
    if getattr(dialect, _PATCHED, False):
        return

    def _keys(connection: Any) -> list[Sequence[Any]]:
        return [tuple(row) for row in connection.execute(text(KEYS_SQL))]

    def get_pk_constraint(
        self: Any, connection: Any, table_name: str, schema: str | None = None, **kw: Any
    ) -> dict[str, Any]:
        return primary_key(_keys(connection), table_name, schema)

    def get_foreign_keys(
        self: Any, connection: Any, table_name: str, schema: str | None = None, **kw: Any
    ) -> list[dict[str, Any]]:
        return foreign_keys(_keys(connection), table_name, schema)

    dialect.get_pk_constraint = get_pk_constraint  # type: ignore[method-assign]
    dialect.get_foreign_keys = get_foreign_keys  # type: ignore[method-assign]
    setattr(dialect, _PATCHED, True)


def _patch_superset() -> None:
    from superset.models.core import Database

    if getattr(Database, _PATCHED, False):
        return
    original = Database.get_pk_constraint

    def get_pk_constraint(self: Any, table: Any) -> dict[str, Any]:
        if self.backend != "duckdb":
            return original(self, table)  # type: ignore[no-any-return]
        with self.get_inspector(catalog=table.catalog, schema=table.schema) as inspector:
            found = inspector.get_pk_constraint(table.table, table.schema) or {}
        return {
            "constrained_columns": [str(c) for c in found.get("constrained_columns") or ()],
            "name": None if found.get("name") is None else str(found["name"]),
        }

    Database.get_pk_constraint = get_pk_constraint
    setattr(Database, _PATCHED, True)
