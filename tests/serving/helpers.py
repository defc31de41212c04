"""Shared pieces of the serving tests (also used by tests/orchestration): a small warehouse
made with plain SQL (the five marts plus raw, staging, intermediate and seed tables holding
a marker that must never reach the serving copy), snapshots of its marts, and a reader
process held open by handshakes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from serving.descriptions import ForeignKey, MartDescription
from serving.publishing import served_type
from tests.support import MARTS as PROJECT_MARTS
from tests.support import PROJECT_DIR

MARTS = tuple(sorted(PROJECT_MARTS))

#: Present in every non-mart table of the test warehouse, never in a mart.
RAW_MARKER = "RAW-TELEMETRY-ONLY"

#: The DuckDB 1.4 client `make install` puts beside the virtualenv (Makefile).
OLD_DUCKDB_DIR = Path(os.environ.get("GOALS_DUCKDB_1X_DIR") or Path(sys.prefix) / "duckdb-1.4")

_MART_SQL = {
    "fct_goal_outcomes": """
        create table marts.fct_goal_outcomes (
            outcome_id varchar not null, workspace_id varchar not null,
            goal_code varchar not null, is_primary boolean, occurred_at timestamp,
            conversation_id varchar, value decimal(38, 10), currency varchar,
            hours_since_chat double
        );
        insert into marts.fct_goal_outcomes
        select 'o-' || i, 'ws_' || (i % 3), 'goal_' || (i % 5), i % 2 = 0,
               timestamp '2026-03-08 01:59:59.123456' + to_hours(i),
               case when i % 4 = 0 then null else 'c-' || (i % 40) end,
               case when i % 7 = 0 then null else (i * 12.3456789)::decimal(38, 10) end,
               case when i % 7 = 0 then null else 'EUR' end,
               case when i % 4 = 0 then null else i / 3.0 end
        from range(1, {n}) as t(i);
    """,
    "dim_goals": """
        create table marts.dim_goals (
            workspace_id varchar not null, goal_code varchar not null, goal_name varchar,
            match_conditions json, status_changed_at timestamp
        );
        insert into marts.dim_goals values
            ('ws_0', 'goal_0', 'Café ☕ "quoted"', '{{"plan": "Premium", "qty": 2.0}}',
             timestamp '2026-11-01 07:30:00'),
            ('ws_1', 'goal_1', 'It''s primary', null, null),
            ('ws_2', 'goal_2', '', '{{}}', timestamp '2025-10-26 01:30:00');
        -- every goal the outcomes name (the marts' foreign keys hold), and a later build's
        insert into marts.dim_goals (workspace_id, goal_code)
        select distinct workspace_id, goal_code from marts.fct_goal_outcomes
        where (workspace_id, goal_code) not in (
            select (workspace_id, goal_code) from marts.dim_goals
        )
        union all select 'ws_9', 'goal_9';
    """,
    "dim_conversations": """
        create table marts.dim_conversations (
            workspace_id varchar not null, conversation_id varchar not null,
            started_at timestamp, event_count bigint
        );
        -- every conversation the outcomes credit (the marts' foreign keys hold)
        insert into marts.dim_conversations
        select workspace_id, conversation_id,
               timestamp '2026-06-01 00:00:00'
                   + to_minutes(cast(min(hash(conversation_id)) % 1000 as bigint)),
               count(*)
        from marts.fct_goal_outcomes
        where conversation_id is not null
        group by all;
    """,
    "dim_workspaces": """
        create table marts.dim_workspaces (
            workspace_id varchar not null primary key, workspace_name varchar,
            base_currency varchar, timezone varchar
        );
        insert into marts.dim_workspaces
        select 'ws_' || i, case when i = 0 then 'Nordwind' end, 'EUR', 'Europe/Berlin'
        from range(0, 3) as t(i) union all select 'ws_9', null, 'USD', 'UTC';
    """,
    "agg_goal_outcomes_daily": """
        create table marts.agg_goal_outcomes_daily (
            workspace_id varchar not null, outcome_date date not null, goal_code varchar,
            currency varchar, outcomes bigint, revenue decimal(38, 10)
        );
        insert into marts.agg_goal_outcomes_daily
        select workspace_id, occurred_at::date, goal_code, currency, count(*), sum(value)
        from marts.fct_goal_outcomes group by all;
    """,
    "event_catalog": """
        create table marts.event_catalog (
            workspace_id varchar not null, event_name varchar not null, events_total bigint,
            first_seen_at timestamp, property_keys json
        );
        insert into marts.event_catalog values
            ('ws_0', 'purchase', 3, timestamp '2026-01-01 00:00:00',
             '[{{"key": "sku", "types": ["string"]}}]'),
            ('ws_1', 'page_view', 0, null, '[]');
    """,
}

_OTHER_SQL = f"""
    create schema raw; create schema staging; create schema intermediate; create schema seeds;
    create table raw.events as
        select 'ws_0' as workspace_id, 'e-' || i as event_id,
               ('{{"email": "{RAW_MARKER}-' || i || '@example.com"}}')::json as properties
        from range(5) as t(i);
    create table raw.event_rejects as select '{RAW_MARKER} line' as raw_text;
    create table staging.stg_events as select * from raw.events;
    create view staging.v_events as select * from raw.events;
    create table intermediate.int_matches as select event_id, properties from raw.events;
    create table seeds.goals as select 'ws_0' as workspace_id, '{RAW_MARKER}' as note;
    create table main.scratch as select '{RAW_MARKER}' as note;
"""

DESCRIPTIONS = {
    "fct_goal_outcomes": MartDescription(
        description="One row per goal outcome.",
        columns={"outcome_id": "Stable id of the outcome.", "value": "Value, display currency."},
        primary_key=("outcome_id",),
        foreign_keys=(ForeignKey(("workspace_id",), "dim_workspaces", ("workspace_id",)),),
    ),
    "dim_goals": MartDescription(
        description="Every goal, with it's configuration.",
        primary_key=("workspace_id", "goal_code"),
    ),
    "dim_workspaces": MartDescription(primary_key=("workspace_id",)),
}


def make_warehouse(path: Path, rows: int = 500) -> Path:
    """A warehouse with the five marts (`rows` outcomes) and non-mart schemas beside them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(_OTHER_SQL)
        con.execute("create schema marts")
        for mart in ("fct_goal_outcomes", *[m for m in MARTS if m != "fct_goal_outcomes"]):
            con.execute(_MART_SQL[mart].format(n=rows))
        con.execute("comment on table marts.dim_conversations is 'One row per conversation.'")
        con.execute(
            "comment on column marts.dim_conversations.event_count is 'Events in the chat.'"
        )
    finally:
        con.close()
    return path


def add_outcomes(path: Path, n: int = 10) -> None:
    """A later build: `n` more outcomes (and a changed daily aggregate)."""
    con = duckdb.connect(str(path))
    try:
        con.execute(
            "insert into marts.fct_goal_outcomes (outcome_id, workspace_id, goal_code, value) "
            "select 'new-' || i, 'ws_9', 'goal_9', i from range(?) as t(i)",
            [n],
        )
        con.execute("delete from marts.agg_goal_outcomes_daily where workspace_id = 'ws_0'")
    finally:
        con.close()


def mart_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every mart's rows (the tables of schema `marts` the file holds), sorted, read with
    this process's DuckDB."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        present = [
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
            ).fetchall()
        ]
        return {
            mart: con.execute(
                f"select {served_columns(con, mart)} from marts.{mart} order by all"
            ).fetchall()
            for mart in present
            if mart in MARTS
        }
    finally:
        con.close()


def served_columns(con: duckdb.DuckDBPyConnection, mart: str, database: str = "") -> str:
    """The select list of a mart (of `database`, default the current one) as the serving
    copy presents it (money at 4 places, no 128-bit integers): what a copy of a
    warehouse's mart must equal."""
    columns = con.execute(
        "select column_name, data_type from duckdb_columns() where schema_name = 'marts' "
        "and table_name = ? and database_name = coalesce(nullif(?, ''), current_database()) "
        "order by column_index",
        [mart, database],
    ).fetchall()
    return ", ".join(
        f'cast("{name}" as {served_type(data_type)}) as "{name}"' for name, data_type in columns
    )


def counts(path: Path) -> dict[str, int]:
    return {mart: len(rows) for mart, rows in mart_rows(path).items()}


def _not_served() -> frozenset[str]:
    """Marts of the real project kept out of the serving copy (`meta: {serving: false}` in
    models/marts/_marts__models.yml)."""
    import yaml

    path = PROJECT_DIR / "models" / "marts" / "_marts__models.yml"
    models = yaml.safe_load(path.read_text(encoding="utf-8"))["models"]
    return frozenset(
        m["name"] for m in models if (m.get("config") or {}).get("meta", {}).get("serving") is False
    )


NOT_SERVED = _not_served()


def served_counts(path: Path) -> dict[str, int]:
    """counts() of a warehouse built by the real project, less the marts never served."""
    return {mart: n for mart, n in counts(path).items() if mart not in NOT_SERVED}


# A reader that works with DuckDB 1.4 and 2.x: opens the file read-only, prints a snapshot
# (per mart: row count and a digest of its sorted rows), then prints another for every line
# it reads on stdin, until stdin closes.
READER = r"""
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)
marts = [r[0] for r in con.execute(
    "select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()]

def snapshot():
    out = {}
    for m in marts:
        n, digest = con.execute(
            'select count(*), md5(coalesce(string_agg(cast(t as varchar), chr(10) '
            'order by cast(t as varchar)), \'\')) from marts."' + m + '" as t').fetchone()
        out[m] = [n, digest]
    return out

print(json.dumps({"version": duckdb.__version__, "snapshot": snapshot()}), flush=True)
for _ in sys.stdin:
    print(json.dumps({"snapshot": snapshot()}), flush=True)
con.close()
"""


def old_duckdb_env() -> dict[str, str]:
    """The environment of a process that imports the DuckDB 1.4 client."""
    return {**os.environ, "PYTHONPATH": str(OLD_DUCKDB_DIR)}


def require_old_duckdb() -> None:
    if not (OLD_DUCKDB_DIR / "duckdb").is_dir():
        pytest.skip(
            f"no DuckDB 1.4 client in {OLD_DUCKDB_DIR}: `make install` puts it there "
            "(pip install --target .venv/duckdb-1.4 'duckdb>=1.4,<1.5')"
        )


class Reader:
    """A separate process holding the serving file open read-only (handshakes over its
    stdin/stdout: no sleeping)."""

    def __init__(self, path: Path, *, old_client: bool = False) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", READER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=old_duckdb_env() if old_client else None,
        )
        first = self._line()
        self.version: str = first["version"]
        self.first: dict[str, list[Any]] = first["snapshot"]

    def _line(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            _, errors = self.process.communicate(timeout=60)
            raise AssertionError(f"the reader process ended: {errors}")
        data: dict[str, Any] = json.loads(line)
        return data

    def snapshot(self) -> dict[str, list[Any]]:
        """Read every mart again on the connection opened at the start."""
        assert self.process.stdin is not None
        self.process.stdin.write("again\n")
        self.process.stdin.flush()
        snapshot: dict[str, list[Any]] = self._line()["snapshot"]
        return snapshot

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait(timeout=60)
        assert self.process.returncode == 0, self.process.stderr and self.process.stderr.read()
