"""Shared helpers of the orchestration tests: event files, throwaway warehouses, a process
that holds the warehouse lock (tests/support.py: copies of the dbt project, LockHolder)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from dagster import AssetKey, Backoff, ExecuteInProcessResult, RetryPolicy

from orchestration.run import execute_main_job, failure_messages
from tests.support import LockHolder, copy_project, create_raw_tables

# A customer chats (add_to_cart, in chat), then buys through the server two days later:
# two outcomes in ws_nordwind (seeds/goals.csv). Plus one rejected and one duplicate line.
VALID_EVENTS: list[dict[str, Any]] = [
    {
        "event_id": "orch-1",
        "workspace_id": "ws_nordwind",
        "name": "add_to_cart",
        "occurred_at": "2026-06-01T10:00:00Z",
        "conversation_id": "orch-c1",
        "customer_id": "orch-cu1",
        "flow_id": "orch-f1",
        "properties": {"sku": "A-1"},
    },
    {
        "event_id": "orch-2",
        "workspace_id": "ws_nordwind",
        "name": "purchase",
        "occurred_at": "2026-06-03T09:30:00Z",
        "source": "server",
        "customer_id": "orch-cu1",
        "properties": {"order_id": "o-1", "grand_total": "49.90", "currency": "EUR"},
    },
]
#: Lock conflicts retried once, at once (the tests need not wait).
QUICK_RETRY = RetryPolicy(max_retries=1, delay=0.1, backoff=Backoff.EXPONENTIAL)

REJECTED_LINE = '{"event_id": "orch-3", "workspace_id": "ws_nordwind"'  # truncated JSON


def ndjson(events: list[dict[str, Any]], *extra_lines: str) -> str:
    return "".join(json.dumps(event) + "\n" for event in events) + "".join(
        line + "\n" for line in extra_lines
    )


def write_file(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def demo_file(landing: Path, name: str = "2026-06-03-events.ndjson") -> Path:
    """2 accepted, 1 rejected, 1 duplicate line."""
    return write_file(landing / name, ndjson([*VALID_EVENTS, VALID_EVENTS[0]], REJECTED_LINE))


def demo_run(tmp_path: Path) -> tuple[Path, Path, ExecuteInProcessResult]:
    """The main job on a landing folder holding demo_file(), into the warehouse
    tmp_path/wh/goals.duckdb: (warehouse, landing folder, result of the run, which
    succeeded)."""
    db = tmp_path / "wh" / "goals.duckdb"
    landing = tmp_path / "landing"
    demo_file(landing)
    result = execute_main_job(db, landing)
    assert result.success, failure_messages(result)
    return db, landing, result


FAILING_TEST = """\
-- Added by tests/orchestration: one row whatever dim_goals holds, so the test fails.
select 1 as failure from (select count(*) as n from {{ ref('dim_goals') }})
"""


def project_with_failing_test(project_dir: Path, name: str) -> Path:
    """A throwaway copy of the dbt project, made at `project_dir`, with one more data test
    of dim_goals, `name`, which always fails."""
    copy_project(project_dir)
    config = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8"))
    test_dir = project_dir / (config.get("test-paths") or ["tests"])[0]
    test_dir.mkdir(parents=True, exist_ok=True)
    (test_dir / f"{name}.sql").write_text(FAILING_TEST, encoding="utf-8")
    return project_dir


def create_warehouse(db_path: Path) -> Path:
    """An empty warehouse with the raw tables (ingest's DDL), nothing loaded."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    return create_raw_tables(db_path)


def record_loaded(db_path: Path, path: Path, sha256: str) -> None:
    """Put one file into the ledger by hand (independent of the loader's internals)."""
    con = duckdb.connect(str(db_path))
    try:
        con.execute(
            "insert into raw.loaded_files (file_sha256, file_path, file_format, size_bytes, "
            "lines_read, lines_accepted, lines_rejected, lines_duplicate, loaded_at) "
            "values (?, ?, 'ndjson', ?, 0, 0, 0, 0, current_timestamp::timestamp)",
            [sha256, str(path), path.stat().st_size],
        )
    finally:
        con.close()


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing here may touch the developer's warehouse or landing folder."""
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "default-warehouse" / "goals.duckdb"))
    monkeypatch.setenv("LANDING_DIR", str(tmp_path / "default-landing"))
    # the serving copy goes beside the test's warehouse (serving/ in its folder)
    monkeypatch.delenv("GOALS_SERVING_PATH", raising=False)
    monkeypatch.delenv("GOALS_PARQUET_DIR", raising=False)


@pytest.fixture
def lock_holder() -> Iterator[type[LockHolder]]:
    holders: list[LockHolder] = []

    class _Tracked(LockHolder):
        def __init__(self, db_path: Path) -> None:
            super().__init__(db_path)
            holders.append(self)

    yield _Tracked
    for holder in holders:
        holder.release()


def materialized(result: ExecuteInProcessResult) -> dict[AssetKey, dict[str, Any]]:
    """Asset key -> the metadata of its materialization in a run (values unwrapped)."""
    out: dict[AssetKey, dict[str, Any]] = {}
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization  # type: ignore[union-attr]
        out[materialization.asset_key] = {
            key: getattr(value, "value", value) for key, value in materialization.metadata.items()
        }
    return out


def open_read_only(db_path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(db_path), read_only=True)


def env_without_dagster_home() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
