"""The code location (`dg dev`, `dg check defs` and `dagster dev -m orchestration.definitions`
load `defs`). Assembly only: every part lives in its own module."""

from __future__ import annotations

from pathlib import Path

from dagster import Definitions, RetryPolicy

from orchestration.dbt_assets import GoalsDbtTranslator, build_dbt_assets, load_manifest
from orchestration.ingest_assets import build_ingest_assets
from orchestration.jobs import build_main_job
from orchestration.locks import LOCK_RETRY_POLICY
from orchestration.project import PROJECT_DIR, prepared_dbt_project
from orchestration.resources import LandingFolder, WarehouseResource, build_dbt_resource
from orchestration.schedules import build_daily_schedule
from orchestration.sensors import build_landing_sensor
from orchestration.serving_assets import ServingResource, build_serving_asset


def build_definitions(
    project_dir: Path = PROJECT_DIR,
    *,
    warehouse: WarehouseResource | None = None,
    landing: LandingFolder | None = None,
    serving: ServingResource | None = None,
    retry_policy: RetryPolicy = LOCK_RETRY_POLICY,
) -> Definitions:
    """Everything, for the dbt project at `project_dir`; the warehouse and landing folder
    default to $DUCKDB_PATH and $LANDING_DIR, the serving copy to $GOALS_SERVING_PATH /
    $GOALS_PARQUET_DIR or serving/ beside the warehouse, read when a run or tick starts."""
    project = prepared_dbt_project(project_dir)
    translator = GoalsDbtTranslator()
    dbt_def = build_dbt_assets(project, translator=translator, retry_policy=retry_policy)
    ingest_def = build_ingest_assets(load_manifest(project), translator, retry_policy=retry_policy)
    serving_def = build_serving_asset(load_manifest(project), translator, retry_policy=retry_policy)
    main_job = build_main_job()
    return Definitions(
        assets=[ingest_def, dbt_def, serving_def],
        jobs=[main_job],
        schedules=[build_daily_schedule(main_job)],
        sensors=[build_landing_sensor(main_job)],
        resources={
            "dbt": build_dbt_resource(project),
            "warehouse": warehouse or WarehouseResource(),
            "landing": landing or LandingFolder(),
            "serving": serving or ServingResource(),
        },
    )


defs = build_definitions()
