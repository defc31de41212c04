"""The serving copy for BI tools: the marts only, in a separate DuckDB file readable by
DuckDB 1.4+ clients, swapped in atomically after each successful build, plus a Parquet
export (docs/serving.md).

- `serving.publishing`: `publish()`, `PublishResult`, `MartCopy`, `PublishError` and its kinds;
- `serving.paths`: `resolve_targets()`, `ServingTargets`, the defaults and their env vars;
- `serving.descriptions`: dbt descriptions of the marts, carried as comments;
- `serving.telemetry_copy`: the raw events for the hub's Event Explorer, in a file apart;
- `serving.copying`: what both copies share (the read-only ATTACH, quoting, fsync).
"""

from __future__ import annotations

from serving.descriptions import (
    ForeignKey,
    MartDescription,
    load_manifest,
    load_mart_descriptions,
    mart_descriptions,
    withheld_marts,
)
from serving.paths import (
    PARQUET_DIR_ENV,
    SERVING_PATH_ENV,
    ServingTargets,
    resolve_targets,
)
from serving.publishing import (
    STORAGE_VERSION,
    MartCopy,
    NoMartsError,
    PublishBusyError,
    PublishError,
    PublishResult,
    WarehouseMissingError,
    publish,
)

__all__ = [
    "PARQUET_DIR_ENV",
    "SERVING_PATH_ENV",
    "STORAGE_VERSION",
    "ForeignKey",
    "MartCopy",
    "MartDescription",
    "NoMartsError",
    "PublishBusyError",
    "PublishError",
    "PublishResult",
    "ServingTargets",
    "WarehouseMissingError",
    "load_manifest",
    "load_mart_descriptions",
    "mart_descriptions",
    "publish",
    "resolve_targets",
    "withheld_marts",
]
