"""The dbt project (seeds, staging, intermediate, marts) as Dagster assets; dbt data tests
as asset checks."""

# No `from __future__ import annotations` here: Dagster reads the type hints of the
# decorated functions (context, resources) at definition time.

import json
import shutil
from collections.abc import Iterator, Mapping
from typing import Any

import duckdb
from dagster import (
    AssetCheckEvaluation,
    AssetCheckResult,
    AssetExecutionContext,
    AssetMaterialization,
    AssetObservation,
    AssetsDefinition,
    Config,
    Failure,
    MetadataValue,
    Output,
    RetryPolicy,
)
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from goals_core.dbt_runner import build_args
from orchestration.dbt_nodes import ROW_COUNT_KEY, dbt_group_name, model_relations
from orchestration.locks import (
    DUCKDB_WRITER_POOL,
    LOCK_RETRY_POLICY,
    WarehouseBusyError,
    is_lock_error,
    lock_exception,
    lock_failure_message,
)
from orchestration.resources import WarehouseResource

DBT_ASSETS_NAME = "goals_dbt"

DbtEvent = (
    Output | AssetMaterialization | AssetObservation | AssetCheckResult | AssetCheckEvaluation
)


class GoalsDbtTranslator(DagsterDbtTranslator):
    """dagster-dbt's defaults (asset keys: `[source, table]` for sources, `[schema, model]`
    for models with a schema), with groups named after the dbt layer."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_group_name(dbt_resource_props)


class DbtBuildConfig(Config):
    """Run configuration of the dbt step (Launchpad: `ops: goals_dbt: config:`)."""

    full_refresh: bool = False
    """Rebuild the incremental models from every raw event (`dbt build --full-refresh`)
    instead of processing only what was loaded since the last run."""


def dbt_build_args(
    *,
    with_unit_tests: bool = False,
    dbt_vars: Mapping[str, Any] | None = None,
    full_refresh: bool = False,
) -> list[str]:
    """Arguments of the `dbt build` the dbt assets run: those of `goals build`
    (goals_core.dbt_runner.build_args).

    Selection is left to dagster-dbt (it adds `--select`/`--selector` for the assets and
    checks of the run). Unit tests are for CI (`goals build --unit-tests`, pytest), never
    for scheduled runs, so they are excluded unless asked for. A scheduled run is
    incremental; `full_refresh` rebuilds the incremental models from every raw event.
    """
    return [
        "build",
        *build_args(with_unit_tests=with_unit_tests, full_refresh=full_refresh, dbt_vars=dbt_vars),
    ]


def load_manifest(project: DbtProject) -> dict[str, Any]:
    with open(project.manifest_path, encoding="utf-8") as handle:
        manifest: dict[str, Any] = json.load(handle)
    return manifest


def build_dbt_assets(
    project: DbtProject,
    *,
    translator: DagsterDbtTranslator | None = None,
    retry_policy: RetryPolicy = LOCK_RETRY_POLICY,
) -> AssetsDefinition:
    """`dbt build` of the whole project (minus unit tests) in the DuckDB writer pool."""
    manifest = load_manifest(project)
    relations = model_relations(manifest)

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=translator or GoalsDbtTranslator(),
        name=DBT_ASSETS_NAME,
        pool=DUCKDB_WRITER_POOL,
        retry_policy=retry_policy,
    )
    def goals_dbt(
        context: AssetExecutionContext,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
        config: DbtBuildConfig,
    ) -> Iterator[DbtEvent]:
        args = dbt_build_args(full_refresh=config.full_refresh)
        with warehouse.dbt_env() as db_path:
            invocation = dbt.cli(args, context=context, raise_on_error=False)
        # DuckDB allows one writer: collect every event first, so that the dbt process has
        # exited (and released the file) before the row counts are read.
        events: list[DbtEvent] = list(invocation.stream())
        error = invocation.get_error()
        error_text = str(error) if error is not None else ""
        own_target = invocation.target_path.name.startswith(f"{DBT_ASSETS_NAME}-")
        if error is not None and is_lock_error(error_text):
            if own_target:  # nothing ran: no artifacts worth keeping
                shutil.rmtree(invocation.target_path, ignore_errors=True)
            raise lock_exception(
                context.retry_number, retry_policy, lock_failure_message(db_path, error_text)
            )

        counts = _row_counts(context, warehouse, events, relations)
        if error is None and own_target:
            # Each invocation writes artifacts to its own target/<step>-<run>-<id> folder;
            # kept when dbt failed (dbt.log, compiled SQL), removed otherwise.
            shutil.rmtree(invocation.target_path, ignore_errors=True)
        for event in events:
            if isinstance(event, Output | AssetMaterialization):
                unique_id = _unique_id(event)
                if unique_id in counts:
                    event = event.with_metadata(
                        {**event.metadata, ROW_COUNT_KEY: MetadataValue.int(counts[unique_id])}
                    )
            yield event

        if error is not None:
            # A failed model or data test: the checks above already show which. Not retried.
            raise Failure(description=error_text, allow_retries=False)

    return goals_dbt


def _unique_id(event: Output | AssetMaterialization) -> str | None:
    value = event.metadata.get("unique_id")
    text = getattr(value, "text", value)
    return text if isinstance(text, str) else None


def _row_counts(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    events: list[DbtEvent],
    relations: Mapping[str, str],
) -> dict[str, int]:
    """Row counts of the tables this run built (views are not counted)."""
    built = [
        uid
        for event in events
        if isinstance(event, Output | AssetMaterialization)
        and (uid := _unique_id(event)) is not None
        and uid in relations
    ]
    if not built:
        return {}
    counts: dict[str, int] = {}
    schemas = tuple(sorted({relations[uid].split(".")[0].strip('"') for uid in built}))
    try:
        with warehouse.reader(schemas) as con:
            for uid in built:
                row = con.execute(f"select count(*) from {relations[uid]}").fetchone()
                counts[uid] = int(row[0]) if row else 0
    except WarehouseBusyError as exc:
        context.log.warning(f"Row counts not recorded, the warehouse is busy: {exc}")
    except duckdb.Error as exc:
        context.log.warning(f"Row counts not recorded: {exc}")
    return counts
