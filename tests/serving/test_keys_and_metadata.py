"""What the serving copy tells a BI tool beyond the rows: the keys of the dbt contracts as
PRIMARY KEY / FOREIGN KEY, money at 4 places, ordinary integers, and the descriptions in
the Parquet files' metadata."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from serving.descriptions import ForeignKey, MartDescription, mart_descriptions
from serving.publishing import PublishError, publish, served_type
from tests.serving.helpers import DESCRIPTIONS


def _keys(database: Path) -> set[tuple[str, str]]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return set(
            con.execute(
                "select table_name, constraint_text from duckdb_constraints() "
                "where constraint_type in ('PRIMARY KEY', 'FOREIGN KEY')"
            ).fetchall()
        )
    finally:
        con.close()


def test_the_keys_of_the_contracts_are_read_from_the_manifest() -> None:
    manifest = {
        "nodes": {
            "model.p.fct": {
                "resource_type": "model",
                "name": "fct_goal_outcomes",
                "schema": "marts",
                "constraints": [
                    {
                        "type": "foreign_key",
                        "columns": ["workspace_id", "goal_code"],
                        "to": '"goals"."marts"."dim_goals"',
                        "to_columns": ["workspace_id", "goal_code"],
                    }
                ],
                "columns": {
                    "outcome_id": {
                        "name": "outcome_id",
                        "constraints": [{"type": "not_null"}, {"type": "primary_key"}],
                    },
                    "workspace_id": {
                        "name": "workspace_id",
                        "constraints": [
                            {
                                "type": "foreign_key",
                                "to": '"goals"."marts"."dim_workspaces"',
                                "to_columns": ["workspace_id"],
                            }
                        ],
                    },
                },
            },
        }
    }
    found = mart_descriptions(manifest)["fct_goal_outcomes"]
    assert found.primary_key == ("outcome_id",)
    assert set(found.foreign_keys) == {
        ForeignKey(("workspace_id", "goal_code"), "dim_goals", ("workspace_id", "goal_code")),
        ForeignKey(("workspace_id",), "dim_workspaces", ("workspace_id",)),
    }


def test_the_copy_declares_primary_and_foreign_keys(warehouse: Path) -> None:
    result = publish(warehouse, descriptions=DESCRIPTIONS)
    keys = _keys(result.database)
    assert {
        ("dim_workspaces", "PRIMARY KEY(workspace_id)"),
        ("dim_goals", "PRIMARY KEY(workspace_id, goal_code)"),
        ("fct_goal_outcomes", "PRIMARY KEY(outcome_id)"),
        (
            "fct_goal_outcomes",
            "FOREIGN KEY (workspace_id) REFERENCES marts.dim_workspaces(workspace_id)",
        ),
    } <= keys


def test_a_foreign_key_to_a_mart_without_that_key_is_left_out(warehouse: Path) -> None:
    descriptions = {
        "fct_goal_outcomes": MartDescription(
            foreign_keys=(ForeignKey(("conversation_id",), "dim_conversations", ("x",)),)
        )
    }
    result = publish(warehouse, descriptions=descriptions)
    assert not any(table == "fct_goal_outcomes" for table, _ in _keys(result.database))


def test_rows_that_break_a_declared_key_fail_the_publish(warehouse: Path) -> None:
    first = publish(warehouse, descriptions=DESCRIPTIONS)
    con = duckdb.connect(str(warehouse))
    con.execute("delete from marts.dim_workspaces where workspace_id = 'ws_1'")
    con.close()
    with pytest.raises(PublishError, match=r"marts\.fct_goal_outcomes breaks a key"):
        publish(warehouse, descriptions=DESCRIPTIONS)
    assert ("dim_workspaces", "PRIMARY KEY(workspace_id)") in _keys(first.database)


def test_money_is_served_at_4_places_and_counts_as_bigint(warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse))
    con.execute("alter table marts.dim_conversations add column total hugeint")
    con.execute("update marts.dim_conversations set total = event_count * 2")
    con.close()
    result = publish(warehouse)

    con = duckdb.connect(str(result.database), read_only=True)
    try:
        types = dict(
            con.execute(
                "select table_name || '.' || column_name, data_type from duckdb_columns() "
                "where column_name in ('value', 'revenue', 'total')"
            ).fetchall()
        )
        value = con.execute(
            "select value from marts.fct_goal_outcomes where outcome_id = 'o-1'"
        ).fetchall()
    finally:
        con.close()
    assert types == {
        "fct_goal_outcomes.value": "DECIMAL(38,4)",
        "agg_goal_outcomes_daily.revenue": "DECIMAL(38,4)",
        "dim_conversations.total": "BIGINT",
    }
    assert value == [(Decimal("12.3457"),)]  # 12.3456789000, rounded
    assert served_type("DECIMAL(18,2)") == "DECIMAL(18,2)"
    assert served_type("VARCHAR") == "VARCHAR"


def test_parquet_files_carry_the_descriptions(warehouse: Path) -> None:
    result = publish(warehouse, descriptions=DESCRIPTIONS)

    schema = pq.read_schema(result.parquet_file("fct_goal_outcomes"))
    assert schema.metadata[b"description"] == b"One row per goal outcome."
    assert schema.field("outcome_id").metadata == {b"description": b"Stable id of the outcome."}
    assert schema.field("goal_code").metadata is None
    assert str(schema.field("value").type) == "decimal128(38, 4)"
    # a comment kept from the warehouse travels too
    conversations = pq.read_schema(result.parquet_file("dim_conversations"))
    assert conversations.metadata[b"description"] == b"One row per conversation."
    assert conversations.field("event_count").metadata == {b"description": b"Events in the chat."}
