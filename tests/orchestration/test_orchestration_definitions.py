"""The code location loads and validates; the graph is one piece; every DuckDB writer is in
the pool with a backoff retry; the schedule targets the whole job; the dev instance template
limits the pool to 1."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from dagster import (
    AssetKey,
    AssetsDefinition,
    Backoff,
    DefaultScheduleStatus,
    Definitions,
    build_schedule_context,
    instance_for_test,
)
from dagster_dbt import get_asset_key_for_model, get_asset_keys_by_output_name_for_source

from orchestration.dbt_assets import DBT_ASSETS_NAME
from orchestration.dbt_nodes import RAW_SOURCE_NAME
from orchestration.definitions import defs
from orchestration.dev import TEMPLATE, dev_command, ensure_dagster_home
from orchestration.ingest_assets import INGEST_ASSETS_NAME
from orchestration.jobs import MAIN_JOB_NAME
from orchestration.locks import DUCKDB_WRITER_POOL
from orchestration.project import dbt_project
from orchestration.schedules import DAILY_SCHEDULE_NAME
from orchestration.sensors import LANDING_SENSOR_NAME
from tests.support import MARTS, PROJECT_DIR


def _assets_def(name: str) -> AssetsDefinition:
    for item in defs.assets or []:
        if isinstance(item, AssetsDefinition) and item.node_def.name == name:
            return item
    raise KeyError(name)


def test_definitions_load_and_validate() -> None:
    Definitions.validate_loadable(defs)
    job = defs.resolve_job_def(MAIN_JOB_NAME)
    assert job.name == MAIN_JOB_NAME


DG = dev_command()[0]  # the dg beside this interpreter, else the one on PATH


@pytest.mark.skipif(shutil.which(DG) is None, reason="dg is not installed")
def test_dg_check_defs_from_the_repo_root() -> None:
    completed = subprocess.run(
        [DG, "check", "defs"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "All definitions loaded successfully" in completed.stdout + completed.stderr


def test_ingest_assets_are_the_dbt_source_tables() -> None:
    dbt_def = _assets_def(DBT_ASSETS_NAME)
    ingest_def = _assets_def(INGEST_ASSETS_NAME)
    source_keys = set(get_asset_keys_by_output_name_for_source([dbt_def], RAW_SOURCE_NAME).values())
    assert AssetKey([RAW_SOURCE_NAME, "events"]) in source_keys
    assert set(ingest_def.keys) == source_keys
    # dbt reads them: the ingest assets are upstream of dbt models, not loose source stubs
    assert AssetKey([RAW_SOURCE_NAME, "events"]) in dbt_def.dependency_keys


def test_graph_is_one_piece_from_ingest_to_every_mart() -> None:
    dbt_def = _assets_def(DBT_ASSETS_NAME)
    graph = defs.resolve_asset_graph()
    events = AssetKey([RAW_SOURCE_NAME, "events"])
    for mart in MARTS:
        key = get_asset_key_for_model([dbt_def], mart)
        assert key.path[0] == "marts", key
        seen: set[AssetKey] = set()
        todo = [key]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(graph.get(current).parent_keys)
        if mart not in ("dim_goals", "dim_workspaces"):  # configuration only
            assert events in seen, f"{mart} is not downstream of {events.to_user_string()}"
        assert all(graph.has(k) for k in seen), "an upstream asset is not defined"


def test_every_duckdb_writer_is_in_the_pool_with_backoff_retries() -> None:
    for name in (INGEST_ASSETS_NAME, DBT_ASSETS_NAME):
        op = _assets_def(name).op
        assert op.pool == DUCKDB_WRITER_POOL, name
        assert op.retry_policy is not None and op.retry_policy.backoff is Backoff.EXPONENTIAL


def test_dbt_tests_are_asset_checks_and_unit_tests_are_not() -> None:
    import json

    project = dbt_project()
    manifest = json.loads(project.manifest_path.read_text(encoding="utf-8"))
    data_tests = {
        props["name"] for props in manifest["nodes"].values() if props["resource_type"] == "test"
    }
    unit_tests = {props["name"] for props in manifest.get("unit_tests", {}).values()}
    check_names = {key.name for key in _assets_def(DBT_ASSETS_NAME).check_keys}
    assert data_tests, "the dbt project has no data tests"
    assert check_names <= data_tests
    assert len(check_names) >= len(data_tests) // 2  # tests on models, not only on sources
    assert not check_names & unit_tests


def test_main_job_is_everything() -> None:
    job = defs.resolve_job_def(MAIN_JOB_NAME)
    graph = defs.resolve_asset_graph()
    assert job.asset_layer.selected_asset_keys == graph.materializable_asset_keys
    assert job.asset_layer.asset_graph.asset_check_keys == graph.asset_check_keys


def test_daily_schedule_runs_the_whole_job() -> None:
    schedule = defs.resolve_schedule_def(DAILY_SCHEDULE_NAME)
    assert schedule.job_name == MAIN_JOB_NAME
    assert schedule.cron_schedule == "0 3 * * *"
    assert schedule.execution_timezone == "UTC"
    assert schedule.default_status == DefaultScheduleStatus.RUNNING
    data = schedule.evaluate_tick(build_schedule_context())
    assert data.run_requests is not None and len(data.run_requests) == 1
    request = data.run_requests[0]
    assert request.asset_selection is None and request.asset_check_keys is None  # all of it


def test_landing_sensor_targets_the_main_job() -> None:
    sensor = defs.resolve_sensor_def(LANDING_SENSOR_NAME)
    assert sensor.job_name == MAIN_JOB_NAME


def test_dev_instance_template_limits_the_pool_to_one(tmp_path: Path) -> None:
    config = ensure_dagster_home(tmp_path / ".dagster_home")
    assert config.read_text() == TEMPLATE.read_text()
    config.write_text(config.read_text() + "\n# edited\n")
    ensure_dagster_home(tmp_path / ".dagster_home")
    assert config.read_text().endswith("# edited\n")  # never overwritten

    overrides = yaml.safe_load(TEMPLATE.read_text())
    (tmp_path / "instance").mkdir()
    with instance_for_test(overrides=overrides, temp_dir=str(tmp_path / "instance")) as instance:
        pools = instance.get_concurrency_config().pool_config
        assert pools.default_pool_limit == 1
        assert instance.event_log_storage.supports_global_concurrency_limits


def test_code_location_has_a_fixed_name() -> None:
    """Not the checkout folder's name (`main`, a worktree's name...): runs, schedules and
    links keep their location whatever the folder is called."""
    from dagster_dg_core.context import DgContext

    context = DgContext.for_project_environment(PROJECT_DIR, {})
    assert context.code_location_name == "goals_analytics"
