"""Parquet event files: each row is rendered as one JSON text line, then validated like
an NDJSON line (row numbers are the line numbers).

The rendering is a JSON object of every column in file order with `properties` last.
A `properties` text that DuckDB can parse is embedded as JSON, verbatim, so that the
strict checks see exactly what was written; one it cannot parse is embedded as a JSON
string and the row is rejected (`props_bad`). Timestamp columns named `occurred_at`
become ISO 8601 strings in UTC (naive timestamps are UTC), dates become `YYYY-MM-DD`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

PARQUET_TABLE = "__goals_ingest_parquet"

_NAIVE_TIMESTAMPS = {"TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATETIME"}
_ZONED_TIMESTAMPS = {"TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"}
_TEXT_TYPES = {"VARCHAR", "JSON"}
_ISO_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _occurred_at_expr(column: str, type_name: str) -> str:
    upper = type_name.upper()
    if upper in _NAIVE_TIMESTAMPS:
        utc = f"{column}::timestamp"
    elif upper in _ZONED_TIMESTAMPS:
        utc = f"make_timestamp(epoch_us({column}))"
    elif upper == "DATE":
        return f"strftime({column}, '%Y-%m-%d')"
    else:
        return column
    return (
        f"case when {column} is null then null when isfinite({column}) "
        f"then strftime({utc}, '{_ISO_FORMAT}') else {column}::varchar end"
    )


def stage_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Render the file's rows into PARQUET_TABLE (line_number, line, props_bad, props_text)."""
    source = f"read_parquet({sql_string(str(path))}, file_row_number = true)"
    columns = con.execute(f"describe select * from {source}").fetchall()
    pairs: list[str] = []
    props_type: str | None = None
    for name, type_name, *_ in columns:
        if name == "file_row_number":
            continue
        if name == "properties":
            props_type = str(type_name)
            continue
        expr = _ident(name)
        if name == "occurred_at":
            expr = _occurred_at_expr(expr, str(type_name))
        pairs.append(f"{sql_string(name)}, {expr}")
    obj = f"json_object({', '.join(pairs)})::varchar" if pairs else "'{}'"
    props = _ident("properties")
    inner = f"file_row_number, {obj} as obj"
    if props_type is None:
        line = "obj"
        props_bad = "false"
        props_text = "null::varchar"
    else:
        inner += f", {props}"
        if props_type.upper() in _TEXT_TYPES:
            embedded = (
                f"case when {props} is null then 'null' when json_valid({props}) "
                f"then {props}::varchar else to_json({props}::varchar)::varchar end"
            )
            props_bad = f"coalesce(not json_valid({props}), false)"
            props_text = f"case when not json_valid({props}) then {props}::varchar end"
        else:
            embedded = f"coalesce(to_json({props})::varchar, 'null')"
            props_bad = "false"
            props_text = "null::varchar"
        glue = "','" if pairs else "''"
        line = (
            f"(substr(obj, 1, length(obj) - 1) || {glue} || "
            f"'\"properties\":' || {embedded} || '}}')"
        )
    con.execute(
        f"create or replace temp table {PARQUET_TABLE} as "
        f"select file_row_number + 1 as line_number, {line} as line, "
        f"{props_bad} as props_bad, {props_text} as props_text "
        f"from (select {inner} from {source})"
    )
    row = con.execute(f"select count(*) from {PARQUET_TABLE}").fetchone()
    return int(row[0]) if row else 0
