"""Jobs."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job
from dagster._core.definitions.unresolved_asset_job_definition import (
    UnresolvedAssetJobDefinition,  # what define_asset_job returns; not exported by dagster
)

MAIN_JOB_NAME = "goals_main"

AssetJob = UnresolvedAssetJobDefinition


def build_main_job() -> AssetJob:
    """The whole pipeline: ingest the landing folder, then `dbt build` (seeds, staging,
    intermediate, marts and their data tests as asset checks), then publish the serving
    copy of the marts (skipped when the build failed)."""
    return define_asset_job(
        name=MAIN_JOB_NAME,
        selection=AssetSelection.all(),
        description="Load new landing files into raw.*, then build every dbt model and run "
        "its data tests (unit tests excluded), then publish the marts for BI tools.",
        tags={"goals/pipeline": "main"},
    )
