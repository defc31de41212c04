"""Loading raw chat telemetry files into the DuckDB warehouse (reference §2.1).

- `ingest.warehouse`: `connect()` (UTC session, lock retries), `default_db_path()`;
- `ingest.schema`: `ensure_raw_schema()`, the raw tables;
- `ingest.loader`: `discover_files()`, `pending_files()`, `ingest_paths()`, `FileResult`;
- `ingest.lake`: the Spark target's raw tables in the lake: `ingest_paths_to_lake()`,
  `sync_lake()`, `loader_db_path()` (goals_core.raw_load picks the target).

The names are re-exported here lazily, so that importing `ingest.warehouse` alone does not
pull in NumPy and PyArrow.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "FileResult": "ingest.loader",
    "IngestError": "ingest.loader",
    "discover_files": "ingest.loader",
    "ingest_paths": "ingest.loader",
    "pending_files": "ingest.loader",
    "ensure_raw_schema": "ingest.schema",
    "ingest_paths_to_lake": "ingest.lake",
    "loader_db_path": "ingest.lake",
    "sync_lake": "ingest.lake",
    "WarehouseLockedError": "ingest.warehouse",
    "connect": "ingest.warehouse",
    "default_db_path": "ingest.warehouse",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ingest' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
