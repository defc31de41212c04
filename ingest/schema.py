"""The raw tables: written only by `ingest`, read by dbt as the source `telemetry`."""

from __future__ import annotations

import duckdb

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
    loaded_at   timestamp not null
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
"""


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and its four tables if they do not exist (idempotent)."""
    con.execute(RAW_SCHEMA_DDL)
