"""The ingest step: new files of the landing folder into the raw tables.

Its assets are the tables of the dbt source `telemetry` (schema raw), keyed exactly as the
dbt assets key that source (derived from the manifest through the same translator, never
spelled out), so the asset graph is one piece: ingest -> staging -> intermediate -> marts.
"""

# No `from __future__ import annotations` here: Dagster reads the type hints of the
# decorated functions (context, resources) at definition time.

from collections.abc import Iterator, Mapping
from typing import Any

import duckdb
from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    AssetSpec,
    Failure,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    TableColumn,
    TableRecord,
    TableSchema,
    multi_asset,
)
from dagster_dbt import DagsterDbtTranslator

from goals_core.raw_load import ingest_for_target
from goals_core.target import current_target
from ingest.loader import FileResult
from ingest.schema import ensure_raw_schema
from orchestration.dbt_nodes import (
    RAW_EVENTS_TABLE,
    RAW_SOURCE_NAME,
    ROW_COUNT_KEY,
    RawTable,
    source_tables,
)
from orchestration.locks import (
    DUCKDB_WRITER_POOL,
    LOCK_RETRY_POLICY,
    WarehouseBusyError,
    is_lock_error,
    lock_exception,
    lock_failure_message,
)
from orchestration.resources import LandingFolder, WarehouseResource

INGEST_ASSETS_NAME = "ingest_landing_files"
INGEST_GROUP = "ingest"

_DESCRIPTIONS = {
    "events": "Accepted events, first loaded wins per (workspace_id, event_id).",
    "event_rejects": "Rejected lines, with file, line number, raw text and reason.",
    "event_duplicates": "Lines whose (workspace_id, event_id) was already loaded.",
    "loaded_files": "The ledger: one row per loaded file content (sha256).",
    "file_rejects": "Files set aside (unreadable gzip or Parquet), with their reason.",
}

_FILES_SCHEMA = TableSchema(
    columns=[
        TableColumn("path", "string"),
        TableColumn(
            "status",
            "string",
            description="loaded | skipped (content already loaded) | rejected (set aside)",
        ),
        TableColumn("sha256", "string"),
        TableColumn("format", "string"),
        TableColumn("read", "int"),
        TableColumn("accepted", "int"),
        TableColumn("rejected", "int"),
        TableColumn("duplicate", "int"),
        TableColumn("seconds", "float"),
        TableColumn("reason", "string", description="why a file was set aside"),
    ]
)


def raw_table_specs(
    manifest: Mapping[str, Any], translator: DagsterDbtTranslator
) -> list[tuple[RawTable, AssetSpec]]:
    """One AssetSpec per table of the raw dbt source, keyed by the dbt translator."""
    specs = []
    for table in source_tables(manifest, RAW_SOURCE_NAME):
        key = translator.get_asset_key(manifest["sources"][table.unique_id])
        spec = AssetSpec(
            key=key,
            group_name=INGEST_GROUP,
            kinds={"python", "duckdb"} if current_target() == "duckdb" else {"python", "parquet"},
            description=_DESCRIPTIONS.get(table.name, f"Raw table {table.relation}."),
            metadata={"dagster/table_name": f"{table.schema}.{table.identifier}"},
        )
        specs.append((table, spec))
    return specs


def build_ingest_assets(
    manifest: Mapping[str, Any],
    translator: DagsterDbtTranslator,
    *,
    retry_policy: RetryPolicy = LOCK_RETRY_POLICY,
) -> AssetsDefinition:
    tables_and_specs = raw_table_specs(manifest, translator)
    summary_table = next(
        (t.name for t, _ in tables_and_specs if t.name == RAW_EVENTS_TABLE),
        tables_and_specs[0][0].name,
    )

    @multi_asset(
        name=INGEST_ASSETS_NAME,
        specs=[spec for _, spec in tables_and_specs],
        pool=DUCKDB_WRITER_POOL,
        retry_policy=retry_policy,
        description="Load new files of the landing folder (LANDING_DIR) into the raw tables.",
    )
    def ingest_landing_files(
        context: AssetExecutionContext, warehouse: WarehouseResource, landing: LandingFolder
    ) -> Iterator[MaterializeResult]:
        folder = landing.folder()
        files = landing.ready_files()
        if not folder.is_dir():
            context.log.warning(
                f"The landing folder {folder} does not exist (set LANDING_DIR): no files to "
                "load; the models are built from what is already loaded."
            )
        else:
            context.log.info(f"{len(files)} file(s) in {folder}")
        db_path = warehouse.loader_path()
        try:
            with warehouse.connect() as con:
                ensure_raw_schema(con)
                present = [path for path in files if path.exists()]  # one may just have gone
                results = ingest_for_target(
                    con,
                    present,
                    lake=warehouse.lake_path(),
                    on_file=lambda r: _log_file(context, r),
                )
                counts = {t.name: _count(con, t.relation) for t, _ in tables_and_specs}
        except WarehouseBusyError as exc:  # retried by the RetryPolicy, then a Failure
            raise lock_exception(context.retry_number, retry_policy, str(exc)) from exc
        except duckdb.Error as exc:
            if is_lock_error(str(exc)):
                message = lock_failure_message(db_path, str(exc))
                raise lock_exception(context.retry_number, retry_policy, message) from exc
            raise Failure(description=f"Ingest failed: {exc}", allow_retries=False) from exc
        except Exception as exc:  # a bug or a bad landing folder: retrying will not help
            raise Failure(
                description=f"Ingest failed: {type(exc).__name__}: {exc}", allow_retries=False
            ) from exc

        summary = _summary(results)
        for table, spec in tables_and_specs:
            metadata: dict[str, Any] = {ROW_COUNT_KEY: MetadataValue.int(counts[table.name])}
            if table.name == summary_table:
                metadata |= {
                    "landing_dir": MetadataValue.path(str(folder)),
                    "landing_dir_exists": MetadataValue.bool(folder.is_dir()),
                    "files": MetadataValue.table(
                        records=[_record(r) for r in results], schema=_FILES_SCHEMA
                    ),
                    **{name: MetadataValue.int(value) for name, value in summary.items()},
                }
            elif table.name == "event_rejects":
                metadata["lines_rejected"] = MetadataValue.int(summary["lines_rejected"])
            elif table.name == "event_duplicates":
                metadata["lines_duplicate"] = MetadataValue.int(summary["lines_duplicate"])
            elif table.name == "loaded_files":
                metadata["files_loaded"] = MetadataValue.int(summary["files_loaded"])
            elif table.name == "file_rejects":
                metadata["files_set_aside"] = MetadataValue.int(summary["files_set_aside"])
            yield MaterializeResult(asset_key=spec.key, metadata=metadata)

    return ingest_landing_files


def _count(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    row = con.execute(f"select count(*) from {relation}").fetchone()
    return int(row[0]) if row else 0


def _log_file(context: AssetExecutionContext, result: FileResult) -> None:
    if result.status == "rejected":
        earlier = " (set aside by an earlier load)" if result.earlier else ""
        context.log.warning(
            f"set aside {result.path}: [{result.reason_code}] {result.reason}{earlier}; the "
            "other files load and the models build. Replace it by a fixed export."
        )
        return
    context.log.info(
        f"{result.status} {result.path}: read {result.read}, accepted {result.accepted}, "
        f"rejected {result.rejected}, duplicate {result.duplicate}"
    )


def _summary(results: list[FileResult]) -> dict[str, int]:
    loaded = [r for r in results if r.status == "loaded"]
    set_aside = [r for r in results if r.status == "rejected"]
    return {
        "files_seen": len(results),
        "files_loaded": len(loaded),
        "files_skipped": len(results) - len(loaded) - len(set_aside),
        "files_set_aside": len(set_aside),
        "lines_read": sum(r.read for r in loaded),
        "lines_accepted": sum(r.accepted for r in loaded),
        "lines_rejected": sum(r.rejected for r in loaded),
        "lines_duplicate": sum(r.duplicate for r in loaded),
    }


def _record(result: FileResult) -> TableRecord:
    return TableRecord(
        {
            "path": result.path,
            "status": result.status,
            "sha256": result.sha256,
            "format": result.file_format,
            "read": result.read,
            "accepted": result.accepted,
            "rejected": result.rejected,
            "duplicate": result.duplicate,
            "seconds": round(float(result.seconds), 3),
            "reason": result.reason or "",
        }
    )
