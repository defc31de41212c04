"""The serving copy in the code location: `serving_copy` is in the main job, downstream of
every mart, in the DuckDB writer pool; it publishes after a successful build with its
metadata and is skipped when the build fails; a writer holding the warehouse is retried,
then named. The slow tests run the real main job with a reader holding the serving file
open."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest
from dagster import (
    AssetKey,
    AssetSpec,
    Backoff,
    Definitions,
    ExecuteInProcessResult,
    Failure,
    MaterializeResult,
    define_asset_job,
    multi_asset,
)
from dagster_dbt import get_asset_key_for_model

from orchestration.dbt_assets import DBT_ASSETS_NAME, GoalsDbtTranslator, load_manifest
from orchestration.dbt_nodes import RAW_SOURCE_NAME
from orchestration.definitions import build_definitions, defs
from orchestration.jobs import MAIN_JOB_NAME
from orchestration.locks import DUCKDB_WRITER_POOL
from orchestration.project import dbt_project
from orchestration.resources import LandingFolder, WarehouseResource
from orchestration.run import execute_main_job, failure_messages
from orchestration.serving_assets import (
    SERVING_ASSET_KEY,
    SERVING_ASSET_NAME,
    SERVING_GROUP,
    ServingResource,
    build_serving_asset,
    mart_asset_keys,
)
from tests.orchestration.conftest import (
    QUICK_RETRY,
    VALID_EVENTS,
    LockHolder,
    demo_run,
    materialized,
    ndjson,
    project_with_failing_test,
    write_file,
)
from tests.serving.helpers import (
    NOT_SERVED,
    Reader,
    add_outcomes,
    counts,
    make_warehouse,
    served_counts,
)
from tests.support import MARTS


def _mart_keys() -> list[AssetKey]:
    dbt_def = next(
        item
        for item in defs.assets or []
        if hasattr(item, "node_def") and item.node_def.name == DBT_ASSETS_NAME
    )
    return [get_asset_key_for_model([dbt_def], mart) for mart in MARTS]


def _started(result: ExecuteInProcessResult) -> set[str]:
    """The steps that ran (Dagster does not start a step whose upstream step failed)."""
    return {e.step_key for e in result.all_events if e.is_step_start and e.step_key}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- the graph


def test_serving_copy_is_downstream_of_every_mart_and_in_the_main_job() -> None:
    graph = defs.resolve_asset_graph()
    node = graph.get(SERVING_ASSET_KEY)
    assert set(node.parent_keys) == set(_mart_keys())
    assert all(key.path[0] == "marts" for key in node.parent_keys)
    assert not node.child_keys
    assert node.group_name == SERVING_GROUP

    job = defs.resolve_job_def(MAIN_JOB_NAME)
    assert SERVING_ASSET_KEY in job.asset_layer.selected_asset_keys
    # it comes after dbt in the job's steps: dbt's step is upstream of the serving step
    upstream = job.graph.dependency_structure.input_to_upstream_outputs_for_node(SERVING_ASSET_NAME)
    assert {output.node_name for outputs in upstream.values() for output in outputs} == {
        DBT_ASSETS_NAME
    }


def test_serving_copy_never_depends_on_raw_tables_directly() -> None:
    node = defs.resolve_asset_graph().get(SERVING_ASSET_KEY)
    assert not any(key.path[0] == RAW_SOURCE_NAME for key in node.parent_keys)


def test_serving_step_is_in_the_pool_with_backoff_retries() -> None:
    serving_def = next(
        item
        for item in defs.assets or []
        if hasattr(item, "node_def") and item.node_def.name == SERVING_ASSET_NAME
    )
    assert serving_def.op.pool == DUCKDB_WRITER_POOL
    policy = serving_def.op.retry_policy
    assert policy is not None and policy.backoff is Backoff.EXPONENTIAL
    assert "serving" in (defs.resources or {})


def test_mart_keys_come_from_the_manifest() -> None:
    manifest = load_manifest(dbt_project())
    assert set(mart_asset_keys(manifest, GoalsDbtTranslator())) == set(_mart_keys())
    with pytest.raises(KeyError, match="models/marts"):
        mart_asset_keys({"nodes": {}}, GoalsDbtTranslator())


# ----------------------------------------------- publishing only after a successful build


def _fake_build_defs(warehouse: Path, *, fail: bool) -> Definitions:
    """The real serving asset behind a stand-in for the dbt step that materializes every
    mart, then succeeds or fails as dbt does when a data test fails (goals_dbt yields what
    it built, then raises a Failure)."""
    keys = _mart_keys()

    # (no annotations: this module has `from __future__ import annotations`, and Dagster
    # reads the context's type hint at definition time)
    @multi_asset(name="stand_in_dbt", specs=[AssetSpec(key) for key in keys])
    def stand_in_dbt(context):  # type: ignore[no-untyped-def]
        for key in keys:
            yield MaterializeResult(asset_key=key)
        if fail:
            raise Failure(description="a data test failed", allow_retries=False)

    serving_def = build_serving_asset(
        load_manifest(dbt_project()), GoalsDbtTranslator(), retry_policy=QUICK_RETRY
    )
    return Definitions(
        assets=[stand_in_dbt, serving_def],
        jobs=[define_asset_job("build_and_publish")],
        resources={
            "warehouse": WarehouseResource(db_path=str(warehouse)),
            "serving": ServingResource(),
        },
    )


def test_a_successful_build_publishes_with_metadata(tmp_path: Path) -> None:
    warehouse = make_warehouse(tmp_path / "wh" / "goals.duckdb")
    job = _fake_build_defs(warehouse, fail=False).resolve_job_def("build_and_publish")

    result = job.execute_in_process(raise_on_error=False)

    assert result.success
    meta = materialized(result)[SERVING_ASSET_KEY]
    published = tmp_path / "wh" / "serving" / "goals_serving.duckdb"
    assert meta["path"] == str(published)
    assert meta["parquet_dir"] == str(tmp_path / "wh" / "serving" / "parquet" / "current")
    assert meta["storage_version"] == "v1.4.0"
    assert meta["bytes"] == published.stat().st_size
    assert meta["seconds"] >= 0
    expected = served_counts(warehouse)
    served = [mart for mart in MARTS if mart not in NOT_SERVED]
    assert {mart: meta[f"rows/{mart}"] for mart in served} == expected
    assert {r.data["mart"]: r.data["rows"] for r in meta["marts"].records} == expected
    assert counts(published) == expected


def test_a_failed_build_does_not_publish(tmp_path: Path) -> None:
    warehouse = make_warehouse(tmp_path / "wh" / "goals.duckdb")
    ok = _fake_build_defs(warehouse, fail=False).resolve_job_def("build_and_publish")
    assert ok.execute_in_process(raise_on_error=False).success
    published = tmp_path / "wh" / "serving" / "goals_serving.duckdb"
    before = _digest(published)
    add_outcomes(warehouse, 5)  # what the failed build left in the warehouse

    failing = _fake_build_defs(warehouse, fail=True).resolve_job_def("build_and_publish")
    result = failing.execute_in_process(raise_on_error=False)

    assert not result.success
    assert SERVING_ASSET_NAME not in _started(result)
    assert SERVING_ASSET_KEY not in materialized(result)
    assert _digest(published) == before  # BI tools keep the last good copy


def test_publish_from_the_main_job_on_an_existing_warehouse(tmp_path: Path) -> None:
    """The main job's serving step alone (as from the UI), with its resource pointing
    elsewhere."""
    warehouse = make_warehouse(tmp_path / "wh" / "goals.duckdb")
    target = tmp_path / "bi" / "goals.duckdb"
    job_defs = build_definitions(
        warehouse=WarehouseResource(db_path=str(warehouse)),
        landing=LandingFolder(path=str(tmp_path / "landing"), settle_seconds=0),
        serving=ServingResource(serving_path=str(target), parquet_dir=str(tmp_path / "lake")),
    )
    job = job_defs.resolve_job_def(MAIN_JOB_NAME)

    result = job.execute_in_process(raise_on_error=False, asset_selection=[SERVING_ASSET_KEY])

    assert result.success, failure_messages(result)
    assert counts(target) == served_counts(warehouse)
    assert (tmp_path / "lake" / "current" / "fct_goal_outcomes.parquet").is_file()


def test_a_writer_holding_the_warehouse_is_retried_then_named(
    tmp_path: Path, lock_holder: type[LockHolder], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOALS_LOCK_TIMEOUT_S", "0")
    warehouse = make_warehouse(tmp_path / "goals.duckdb")
    job_defs = build_definitions(
        warehouse=WarehouseResource(db_path=str(warehouse)),
        landing=LandingFolder(path=str(tmp_path / "landing"), settle_seconds=0),
        retry_policy=QUICK_RETRY,
    )
    holder = lock_holder(warehouse)

    result = job_defs.resolve_job_def(MAIN_JOB_NAME).execute_in_process(
        raise_on_error=False, asset_selection=[SERVING_ASSET_KEY]
    )

    assert not result.success
    messages = [m for m in failure_messages(result) if m.startswith(SERVING_ASSET_NAME)]
    assert messages and f"PID {holder.pid}" in messages[0], failure_messages(result)
    assert not (tmp_path / "serving" / "goals_serving.duckdb").exists()


# --------------------------------------------------------------- the real job (slow)

LATER_EVENTS = [
    {
        "event_id": "orch-serving-1",
        "workspace_id": "ws_nordwind",
        "name": "purchase",
        "occurred_at": "2026-06-04T09:30:00Z",
        "source": "server",
        "customer_id": "orch-cu2",
        "properties": {"order_id": "o-2", "grand_total": "19.90", "currency": "EUR"},
    }
]


@pytest.mark.slow
def test_main_job_publishes_while_a_reader_holds_the_serving_file(tmp_path: Path) -> None:
    db, landing, first = demo_run(tmp_path)
    published = tmp_path / "wh" / "serving" / "goals_serving.duckdb"
    assert counts(published) == served_counts(db)
    assert materialized(first)[SERVING_ASSET_KEY]["rows/fct_goal_outcomes"] == 2

    reader = Reader(published)
    try:
        # a new file lands; the next run ingests, builds and publishes, not blocked by the
        # reader, which keeps reading the copy it opened
        write_file(landing / "2026-06-04-events.ndjson", ndjson(LATER_EVENTS))
        second = execute_main_job(db, landing)
        assert second.success, failure_messages(second)
        assert reader.snapshot() == reader.first
        assert reader.first["fct_goal_outcomes"][0] == 2
    finally:
        reader.close()

    after = counts(published)
    assert after == served_counts(db)
    assert after["fct_goal_outcomes"] == 3
    con = duckdb.connect(str(published), read_only=True)
    try:
        schemas = con.execute(
            "select distinct schema_name from duckdb_tables() order by 1"
        ).fetchall()
        comment = con.execute(
            "select comment from duckdb_tables() where table_name = 'fct_goal_outcomes'"
        ).fetchone()
    finally:
        con.close()
    assert schemas == [("marts",)]  # never raw, staging, intermediate or seeds
    assert comment is not None and comment[0]  # dbt's description came along


@pytest.mark.slow
def test_main_job_with_a_failing_data_test_does_not_publish(tmp_path: Path) -> None:
    project_dir = project_with_failing_test(tmp_path / "project", "orchestration_serving_fails")
    landing = tmp_path / "landing"
    write_file(landing / "events.ndjson", ndjson(VALID_EVENTS))

    result = execute_main_job(tmp_path / "goals.duckdb", landing, project_dir=project_dir)

    assert not result.success
    assert DBT_ASSETS_NAME in _started(result)
    assert SERVING_ASSET_NAME not in _started(result)
    assert not (tmp_path / "serving" / "goals_serving.duckdb").exists()
    assert json.dumps(failure_messages(result)).count("orchestration_serving_fails") >= 1
