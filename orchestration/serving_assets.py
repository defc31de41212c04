"""The serving copy as a Dagster asset: after the marts are built, publish them (and only
them) for BI tools: a separate DuckDB file readable by DuckDB 1.4+ and a Parquet export,
swapped in atomically (serving.publishing, docs/serving.md).

The asset depends on every model of the marts layer, keyed by the same translator the dbt
assets use (derived from the manifest, never spelled out), so it runs after `dbt build` in
the main job. When the dbt step fails (a model or a data test), Dagster skips this step:
a failed build never publishes, and BI tools keep the last good copy.
"""

# No `from __future__ import annotations` here: Dagster reads the type hints of the
# decorated function (context, resources) at definition time.

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    ConfigurableResource,
    Failure,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    TableColumn,
    TableRecord,
    TableSchema,
    asset,
)
from dagster_dbt import DagsterDbtTranslator
from pydantic import Field

from ingest.warehouse import WarehouseLockedError
from orchestration.dbt_nodes import dbt_group_name
from orchestration.locks import (
    DUCKDB_WRITER_POOL,
    LOCK_RETRY_POLICY,
    lock_exception,
    lock_failure_message,
)
from orchestration.resources import WarehouseResource
from serving.descriptions import mart_descriptions, withheld_marts
from serving.paths import ServingTargets, resolve_targets
from serving.publishing import PublishBusyError, PublishError, PublishResult, publish

SERVING_ASSET_NAME = "serving_copy"
SERVING_ASSET_KEY = AssetKey([SERVING_ASSET_NAME])
SERVING_GROUP = "serving"
MARTS_LAYER = "marts"

_MARTS_SCHEMA = TableSchema(
    columns=[
        TableColumn("mart", "string"),
        TableColumn("rows", "int"),
        TableColumn("parquet_bytes", "int"),
    ]
)


class ServingResource(ConfigurableResource):
    """Where the serving copy is published."""

    serving_path: str | None = Field(
        default=None,
        description="The serving DuckDB file. Unset: $GOALS_SERVING_PATH, else "
        "serving/goals_serving.duckdb in the warehouse's folder.",
    )
    parquet_dir: str | None = Field(
        default=None,
        description="Folder of the Parquet export (readers use current/<mart>.parquet). "
        "Unset: $GOALS_PARQUET_DIR, else parquet/ beside the serving file.",
    )

    def targets(self, warehouse: Path) -> ServingTargets:
        return resolve_targets(warehouse, self.serving_path, self.parquet_dir)


def mart_asset_keys(
    manifest: Mapping[str, Any], translator: DagsterDbtTranslator
) -> list[AssetKey]:
    """The asset keys of every model of the marts layer, as the dbt assets key them."""
    keys = [
        translator.get_asset_key(props)
        for props in manifest.get("nodes", {}).values()
        if props.get("resource_type") == "model" and dbt_group_name(props) == MARTS_LAYER
    ]
    if not keys:
        raise KeyError(
            "The dbt project has no models under models/marts/: the serving copy publishes "
            "the marts, so it needs at least one."
        )
    return sorted(keys, key=lambda key: key.to_user_string())


def build_serving_asset(
    manifest: Mapping[str, Any],
    translator: DagsterDbtTranslator,
    *,
    retry_policy: RetryPolicy = LOCK_RETRY_POLICY,
) -> AssetsDefinition:
    """`serving_copy`, downstream of every mart, in the DuckDB writer pool (it reads the
    warehouse, which a writer elsewhere would lock) with the lock retry policy. It publishes
    exactly the tables dbt builds into schema `marts`, with their descriptions."""
    descriptions = mart_descriptions(manifest)
    withheld = withheld_marts(manifest)

    @asset(
        key=SERVING_ASSET_KEY,
        deps=mart_asset_keys(manifest, translator),
        group_name=SERVING_GROUP,
        kinds={"duckdb", "parquet"},
        pool=DUCKDB_WRITER_POOL,
        retry_policy=retry_policy,
        description="The marts only (never raw telemetry), published for BI tools: a "
        "separate DuckDB file readable by DuckDB 1.4+ and one Parquet file per mart, each "
        "swapped in atomically after a successful build (docs/serving.md).",
    )
    def serving_copy(
        context: AssetExecutionContext, warehouse: WarehouseResource, serving: ServingResource
    ) -> MaterializeResult:
        db_path = warehouse.marts_source()
        targets = serving.targets(db_path)
        try:
            result = publish(
                db_path,
                targets.database,
                targets.parquet_dir,
                marts=sorted(descriptions),
                withheld=withheld,
                descriptions=descriptions,
                on_mart=lambda copy: context.log.info(
                    f"copied marts.{copy.name}: {copy.rows} rows"
                ),
            )
        except WarehouseLockedError as exc:
            # Retried by the RetryPolicy, then a Failure naming the lock holder.
            message = lock_failure_message(db_path, str(exc))
            raise lock_exception(context.retry_number, retry_policy, message) from exc
        except PublishBusyError as exc:  # another publish of the same target: retried too
            raise lock_exception(context.retry_number, retry_policy, str(exc)) from exc
        except PublishError as exc:
            raise Failure(description=str(exc), allow_retries=False) from exc
        for note in result.notes:
            context.log.warning(note)
        return MaterializeResult(asset_key=SERVING_ASSET_KEY, metadata=serving_metadata(result))

    return serving_copy


def serving_metadata(result: PublishResult) -> dict[str, Any]:
    """What the UI shows for a publish: paths, row counts per mart, sizes, seconds."""
    metadata: dict[str, Any] = {
        "path": MetadataValue.path(str(result.database)),
        "parquet_dir": MetadataValue.path(str(result.targets.current)),
        "parquet_version": MetadataValue.text(result.parquet_version),
        "storage_version": MetadataValue.text(result.storage_version),
        "bytes": MetadataValue.int(result.database_bytes),
        "parquet_bytes": MetadataValue.int(result.parquet_bytes),
        "seconds": MetadataValue.float(round(result.seconds, 3)),
        "source_warehouse": MetadataValue.path(str(result.warehouse)),
        "marts": MetadataValue.table(
            records=[
                TableRecord({"mart": m.name, "rows": m.rows, "parquet_bytes": m.parquet_bytes})
                for m in result.marts
            ],
            schema=_MARTS_SCHEMA,
        ),
    }
    for mart in result.marts:
        metadata[f"rows/{mart.name}"] = MetadataValue.int(mart.rows)
    return metadata
