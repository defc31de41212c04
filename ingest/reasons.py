"""Stable codes for why a line or a whole file was not loaded.

A rejected line keeps a human `reason` ("occurred_at "2026-02-30" is not a valid ISO 8601
timestamp") and a `reason_code` ("invalid_timestamp") that never holds values, so that
`group by reason_code` counts kinds of problems. The code is derived from the reason by one
SQL expression (`reason_code_sql`), used both when a file is loaded and to backfill rows
written before the column existed: old and new rows get the same code for the same reason.

A file that cannot be read at all is set aside (raw.file_rejects) with one of FILE_CODES.
"""

from __future__ import annotations

#: (code, SQL LIKE pattern of the reason, what it means), checked in order; docs/architecture.md
#: lists the same table.
LINE_CODES: tuple[tuple[str, str, str], ...] = (
    ("invalid_utf8", "line is not valid UTF-8%", "the line's bytes are not UTF-8"),
    ("not_strict_json", "not strict JSON:%", "NaN, Infinity or a trailing comma"),
    ("invalid_json", "not valid JSON:%", "not JSON: truncated, garbage after the value..."),
    ("not_an_object", "line is not a JSON object%", "JSON, but not one object"),
    ("duplicate_key", "duplicate key %", "a key twice in the event or in properties"),
    ("invalid_properties", "properties is not %", "Parquet: properties text is not JSON"),
    ("invalid_properties", "properties: %", "Parquet: properties text is not JSON"),
    ("missing_field", "missing required field %", "a required field is absent"),
    ("null_field", "required field % is null", "a required field is null"),
    ("empty_field", "required field % is empty", "a required field is an empty string"),
    ("wrong_type", "% must be a string, got %", "a field of the wrong JSON type"),
    ("wrong_type", "properties must be an object, got %", "properties is not an object"),
    ("invalid_timestamp", "occurred_at % is not a valid ISO 8601 timestamp", "bad timestamp"),
    ("invalid_source", "source must be %", 'source is not "widget" or "server"'),
    ("empty_row", "empty row", "Parquet: a row with no fields"),
)

#: The code of a reason no pattern matches (none today; kept for reasons of older versions).
OTHER_CODE = "other"

#: Why a whole file was set aside (raw.file_rejects.reason_code).
FILE_CODES: dict[str, str] = {
    "invalid_gzip": "a .gz file that is not gzip, or is truncated or damaged",
    "invalid_parquet": "a .parquet file DuckDB cannot read",
    "unreadable": "the file cannot be read (permissions, I/O error); not recorded, retried",
}


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def reason_code_sql(reason: str) -> str:
    """A SQL expression: the code of the reason in column/expression `reason`."""
    whens = " ".join(
        f"when {reason} like {_sql_string(pattern)} then {_sql_string(code)}"
        for code, pattern, _ in LINE_CODES
    )
    return f"(case {whens} else {_sql_string(OTHER_CODE)} end)"


def line_codes() -> list[str]:
    """Every line code, in table order, without repeats."""
    return list(dict.fromkeys([code for code, _, _ in LINE_CODES] + [OTHER_CODE]))
