"""dbt nodes as Dagster shows them: asset groups by layer, the raw source's tables (the
ingest step's assets), the relations whose rows are counted, and the metadata keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dagster import AssetKey

#: The dbt source the ingest step fills (`source('telemetry', ...)`, schema `raw`).
RAW_SOURCE_NAME = "telemetry"


#: The raw table whose asset carries the per-run ingest summary.
RAW_EVENTS_TABLE = "events"


#: Dagster's well-known metadata key for a table's row count.
ROW_COUNT_KEY = "dagster/row_count"


#: dbt model layers (first folder under models/) that become Dagster asset groups.
DBT_LAYERS = ("staging", "intermediate", "marts")


def dbt_group_name(dbt_resource_props: Mapping[str, Any]) -> str | None:
    """Asset group of a dbt node: its layer (`staging`, `intermediate`, `marts`), `seeds`
    for seeds, `dbt` for anything else; None for sources (their assets are ingest's)."""
    resource_type = dbt_resource_props.get("resource_type")
    if resource_type == "source":
        return None
    if resource_type == "seed":
        return "seeds"
    fqn = list(dbt_resource_props.get("fqn") or [])
    if len(fqn) >= 3 and fqn[1] in DBT_LAYERS:
        return str(fqn[1])
    return "dbt"


@dataclass(frozen=True)
class RawTable:
    """A table of the raw source as dbt declares it."""

    unique_id: str
    name: str  # the dbt source table name, e.g. "events"
    schema: str  # e.g. "raw"
    identifier: str  # the physical table name (dbt `identifier`, defaults to the name)

    @property
    def relation(self) -> str:
        return f'"{self.schema}"."{self.identifier}"'


def source_tables(manifest: Mapping[str, Any], source_name: str) -> list[RawTable]:
    """Every table of dbt source `source_name` in a parsed manifest, sorted by name."""
    tables = [
        RawTable(
            unique_id=unique_id,
            name=str(props["name"]),
            schema=str(props["schema"]),
            identifier=str(props.get("identifier") or props["name"]),
        )
        for unique_id, props in manifest.get("sources", {}).items()
        if props.get("source_name") == source_name
    ]
    if not tables:
        raise KeyError(
            f"The dbt project declares no source named {source_name!r}: the ingest assets "
            "need `sources: - name: telemetry` (schema raw) in models/."
        )
    return sorted(tables, key=lambda table: table.name)


def model_relations(manifest: Mapping[str, Any]) -> dict[str, str]:
    """unique_id -> `"schema"."table"` of every model, seed and snapshot stored as a table
    (views are not counted: counting one runs its whole query). The database part of dbt's
    relation_name is left out: DuckDB names it after the file, which differs per warehouse."""
    relations: dict[str, str] = {}
    for unique_id, props in manifest.get("nodes", {}).items():
        if props.get("resource_type") not in ("model", "seed", "snapshot"):
            continue
        materialized = (props.get("config") or {}).get("materialized")
        if materialized in ("view", "ephemeral"):
            continue
        table = props.get("alias") or props.get("name")
        if props.get("schema") and table:
            relations[unique_id] = f'"{props["schema"]}"."{table}"'
    return relations


def model_names_in_layer(manifest: Mapping[str, Any], layer: str) -> list[str]:
    """Names of the dbt models of one layer (first folder under models/), sorted."""
    return sorted(
        str(props["name"])
        for props in manifest.get("nodes", {}).values()
        if props.get("resource_type") == "model" and dbt_group_name(props) == layer
    )


def asset_key_path(key: AssetKey) -> str:
    """`telemetry/events` for AssetKey(["telemetry", "events"])."""
    return "/".join(key.path)
