"""The raw tables: written only by `ingest`, read by dbt as the source `telemetry`."""

from __future__ import annotations

import duckdb

from ingest.reasons import reason_code_sql

RAW_SCHEMA_DDL = """
create schema if not exists raw;

-- one row per loaded file content (the ledger); file_sha256 is the identity
create table if not exists raw.loaded_files (
    file_sha256     varchar primary key,  -- sha256 of the file's bytes as stored
                                          -- (compressed bytes for .gz)
    file_path       varchar not null,     -- path as given when it was loaded
    file_format     varchar not null,     -- 'ndjson' | 'parquet'
    size_bytes      bigint  not null,
    lines_read      bigint  not null,     -- non-blank lines (Parquet: rows)
    lines_accepted  bigint  not null,
    lines_rejected  bigint  not null,
    lines_duplicate bigint  not null,     -- read = accepted + rejected + duplicate
    loaded_at       timestamp not null    -- the incremental watermark: one value per file,
                                          -- strictly greater than every earlier file's
);

-- accepted events, first loaded wins per (workspace_id, event_id)
create table if not exists raw.events (
    workspace_id    varchar not null,
    event_id        varchar not null,
    name            varchar not null,
    occurred_at     timestamp not null,   -- converted to UTC
    source          varchar not null,     -- 'widget' | 'server'
    conversation_id varchar,              -- null when absent, null or ""
    customer_id     varchar,
    flow_id         varchar,
    properties      json not null,        -- a JSON object; '{}' when absent or null
    file_sha256     varchar not null,
    line_number     bigint not null,
    loaded_at       timestamp not null
);

create table if not exists raw.event_rejects (
    file_sha256 varchar not null,
    file_path   varchar not null,
    line_number bigint  not null,         -- 1-based physical line (Parquet: row)
    raw_text    varchar not null,         -- the line as read (undecodable bytes replaced)
    reason      varchar not null,         -- a sentence a person can act on
    loaded_at   timestamp not null,
    reason_code varchar not null          -- stable kind of the reason (ingest/reasons.py)
);

create table if not exists raw.event_duplicates (
    workspace_id varchar not null,
    event_id     varchar not null,
    file_sha256  varchar not null,
    file_path    varchar not null,
    line_number  bigint  not null,
    raw_text     varchar not null,
    loaded_at    timestamp not null
);

-- files set aside: content the loader cannot read at all (bad gzip, bad Parquet). Not in
-- the ledger; the same bytes are not tried again, a fixed file (new bytes) loads.
create table if not exists raw.file_rejects (
    file_sha256 varchar primary key,      -- sha256 of the file's bytes as stored
    file_path   varchar not null,         -- path as given when it was set aside
    size_bytes  bigint  not null,
    reason_code varchar not null,         -- 'invalid_gzip' | 'invalid_parquet'
    reason      varchar not null,         -- what is wrong, a sentence a person can act on
    rejected_at timestamp not null        -- when it was set aside, UTC
);
"""


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and its tables if they do not exist, and bring a warehouse of
    an earlier version up to date (idempotent)."""
    con.execute(RAW_SCHEMA_DDL)
    _add_reason_code(con)


def _add_reason_code(con: duckdb.DuckDBPyConnection) -> None:
    """raw.event_rejects of warehouses written before reason_code existed: add the column
    and derive the code of every old row from its reason (the same expression new rows
    use; `other` for a reason no pattern knows), then make it not null. Each step can be
    repeated (a load killed half-way finishes it next time); a no-op afterwards."""
    row = con.execute(
        "select is_nullable from information_schema.columns where table_schema = 'raw' "
        "and table_name = 'event_rejects' and column_name = 'reason_code'"
    ).fetchone()
    if row is not None and row[0] == "NO":
        return
    if row is None:
        con.execute("alter table raw.event_rejects add column reason_code varchar")
    con.execute(
        f"update raw.event_rejects set reason_code = {reason_code_sql('reason')} "
        "where reason_code is null"
    )
    # DuckDB refuses the constraint in the transaction that updated the rows
    con.execute("alter table raw.event_rejects alter column reason_code set not null")
