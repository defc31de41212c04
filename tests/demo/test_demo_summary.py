"""demo.summary on small warehouses built by hand (no ingest, no dbt)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from demo.summary import render_text, summarize

LEDGER = """
create schema raw;
create table raw.loaded_files (
    file_sha256 varchar primary key, file_path varchar not null, file_format varchar not null,
    size_bytes bigint not null, lines_read bigint not null, lines_accepted bigint not null,
    lines_rejected bigint not null, lines_duplicate bigint not null, loaded_at timestamp not null
);
insert into raw.loaded_files values
    ('a', 'data/demo/e1.ndjson', 'ndjson', 600000, 1000, 990, 6, 4, '2026-11-01 10:00:00'),
    ('b', 'data/demo/e2.ndjson', 'ndjson', 400000, 500, 500, 0, 0, '2026-11-01 10:00:01');
"""

MARTS = """
create schema {marts};
create table {marts}.fct_goal_outcomes (
    outcome_id varchar, workspace_id varchar, goal_code varchar, goal_kind varchar,
    is_primary boolean, event_id varchar, event_name varchar, event_source varchar,
    occurred_at timestamp, customer_id varchar, conversation_id varchar, flow_id varchar,
    attribution varchar, is_chat_driven boolean, hours_since_chat double,
    value decimal(18, 4), currency varchar, base_value decimal(18, 4), base_currency varchar,
    base_value_source varchar, value_issue varchar
);
insert into {marts}.fct_goal_outcomes values
    ('o1', 'ws_eu', 'product_purchase', 'conversion', true, 'e1', 'purchase', 'widget',
     '2026-09-01 10:00:00', 'c1', 'conv1', 'flow1', 'in_chat', true, null,
     100.0000, 'EUR', 100.0000, 'EUR', 'property', null),
    ('o2', 'ws_eu', 'product_purchase', 'conversion', true, 'e2', 'purchase', 'server',
     '2026-09-02 10:00:00', 'c1', 'conv1', 'flow1', 'window', true, 24.0,
     50.0000, 'GBP', 58.5000, 'EUR', 'property', null),
    ('o3', 'ws_eu', 'product_purchase', 'conversion', true, 'e3', 'purchase', 'server',
     '2026-09-20 10:00:00', 'c1', null, null, 'outside_window', false, 456.0,
     20.0000, 'CHF', 20.0000, 'EUR', 'display', null),
    ('o4', 'ws_eu', 'product_purchase', 'conversion', true, 'e4', 'purchase', 'server',
     '2026-09-21 10:00:00', null, null, null, 'no_customer', false, null,
     null, null, null, null, null, 'value_missing'),
    ('o5', 'ws_us', 'customer_replied', 'engagement', false, 'e5', 'message_sent', 'widget',
     '2026-09-01 12:00:00', 'c9', 'conv9', 'flow9', 'in_chat', true, null,
     null, null, null, null, null, null);
create table {marts}.dim_goals (
    workspace_id varchar, {code} varchar, name varchar, kind varchar,
    current_status varchar, status_changed_at timestamp
);
insert into {marts}.dim_goals values
    ('ws_eu', 'product_purchase', 'Product purchase', 'conversion', 'active', null),
    ('ws_us', 'customer_replied', 'Customer replied', 'engagement', 'active', null),
    ('ws_us', 'size_guide_opened', 'Size guide opened', 'custom', 'paused', '2026-09-14');
create table {marts}.agg_goal_outcomes_daily (
    workspace_id varchar, local_date date, goal_code varchar, currency varchar,
    base_currency varchar, outcomes bigint, chat_driven_outcomes bigint,
    revenue decimal(18, 4), chat_driven_revenue decimal(18, 4),
    base_revenue decimal(18, 4), chat_driven_base_revenue decimal(18, 4)
);
insert into {marts}.agg_goal_outcomes_daily values
    ('ws_eu', '2026-09-01', 'product_purchase', 'EUR', 'EUR', 1, 1, 100, 100, 100, 100),
    ('ws_eu', '2026-09-02', 'product_purchase', 'GBP', 'EUR', 1, 1, 50, 50, 58.5, 58.5),
    ('ws_eu', '2026-09-20', 'product_purchase', 'CHF', 'EUR', 1, 0, 20, 0, 20, 0),
    ('ws_us', '2026-09-01', 'customer_replied', null, null, 1, 1, null, null, null, null);
create table {marts}.dim_conversations (
    workspace_id varchar, conversation_id varchar, customer_id varchar, flow_id varchar,
    started_at timestamp, last_activity_at timestamp, event_count bigint
);
insert into {marts}.dim_conversations values
    ('ws_eu', 'conv1', 'c1', 'flow1', '2026-09-01 09:50:00', '2026-09-01 10:00:00', 5),
    ('ws_us', 'conv9', 'c9', 'flow9', '2026-09-01 11:50:00', '2026-09-01 12:00:00', 3);
create table {marts}.event_catalog (
    workspace_id varchar, event_name varchar, events_7d bigint, events_30d bigint,
    events_90d bigint
);
insert into {marts}.event_catalog values
    ('ws_eu', 'purchase', 1, 3, 4), ('ws_eu', 'message_sent', 0, 2, 9),
    ('ws_us', 'message_sent', 1, 1, 1);
"""


def build(path: Path, *, marts: str | None = "marts", code_column: str = "goal_code") -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute(LEDGER)
        if marts is not None:
            con.execute(MARTS.format(marts=marts, code=code_column))
    return path


def text_of(path: Path) -> str:
    return render_text(summarize(path), width=160)


def test_full_summary(tmp_path: Path) -> None:
    db = build(tmp_path / "w.duckdb")
    text = text_of(db)
    assert "2 file(s), 1.0 MB, 1,500 lines read: 1,490 accepted, 6 rejected, 4 duplicate" in text
    assert "2 conversations" in text
    assert "2 event names in 2 workspace(s)" in text
    assert "5 goal outcomes" in text
    lines = text.splitlines()
    product = next(line for line in lines if "product_purchase" in line)
    # 4 outcomes, 2 chat-driven (50%), base revenue 178.50 EUR of which 158.50 chat-driven
    assert product.split() == ["product_purchase", "★", "4", "2", "(50%)", "178.50", "158.50"]
    header = lines[lines.index(product) - 1].split()
    assert header == ["ws_eu", "EUR", "EUR"]
    paused = next(line for line in lines if "size_guide_opened" in line)
    assert paused.split() == ["size_guide_opened", "paused", "0", "-", "-", "-"]
    workspace = next(line for line in lines if "ws_eu" in line and "178.50" in line)
    assert workspace.split() == ["ws_eu", "EUR", "3", "178.50", "158.50", "89%"]
    assert "in_chat 2 · window 1 · outside_window 1 · no_customer 1" in text
    assert "chat-driven 60% of all outcomes" in text
    assert "value_missing 1" in text
    assert "1 outcome(s) valued in a display currency other than their base currency" in text
    assert "Marts not built yet" not in text


def test_goal_code_column_may_be_named_code(tmp_path: Path) -> None:
    db = build(tmp_path / "w.duckdb", code_column="code")
    assert "size_guide_opened" in text_of(db)


def test_marts_in_a_prefixed_schema(tmp_path: Path) -> None:
    db = build(tmp_path / "w.duckdb", marts="main_marts")
    text = text_of(db)
    assert "5 goal outcomes" in text
    assert "Marts not built yet" not in text


def test_before_dbt_build(tmp_path: Path) -> None:
    db = build(tmp_path / "w.duckdb", marts=None)
    text = text_of(db)
    assert "1,490 accepted" in text
    assert "No goal outcomes yet" in text
    assert "Marts not built yet: fct_goal_outcomes, agg_goal_outcomes_daily" in text


def test_empty_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    text = text_of(db)
    assert "nothing has been ingested" in text


def test_missing_warehouse(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="goals demo"):
        summarize(tmp_path / "nope.duckdb")


def test_opens_read_only(tmp_path: Path) -> None:
    db = build(tmp_path / "w.duckdb")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    summarize(db)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert not db.with_name(db.name + ".wal").exists()
