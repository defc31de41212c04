"""Which engine a run uses and where the Spark target keeps its data.

`GOALS_TARGET` picks the dbt target of profiles.yml: `duckdb` (the default, one embedded
database file) or `spark` (Apache Spark, a local session or a cluster). On Spark the
lake (`GOALS_LAKE_PATH`, default `warehouse/lake`) holds everything that persists:

    <lake>/raw/<table>/<one folder per loaded file>/*.parquet   the loader's raw tables
    <lake>/tables/<schema>.db/<model>/                          the tables dbt builds
    <lake>/metastore_db/                                        the catalog naming them
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

Target = Literal["duckdb", "spark"]

TARGET_ENV = "GOALS_TARGET"
LAKE_ENV = "GOALS_LAKE_PATH"
TARGETS: tuple[Target, ...] = ("duckdb", "spark")

#: The raw tables the loader writes, in the warehouse's `raw` schema (ingest/schema.py).
RAW_TABLES = ("loaded_files", "events", "event_rejects", "event_duplicates", "file_rejects")


class UnknownTargetError(ValueError):
    """`GOALS_TARGET` names no target of profiles.yml."""


def current_target() -> Target:
    """The target of this run: `$GOALS_TARGET`, else `duckdb`."""
    value = os.environ.get(TARGET_ENV, "").strip().lower() or "duckdb"
    if value not in TARGETS:
        raise UnknownTargetError(
            f"{TARGET_ENV}={value!r} is not a target: use one of {', '.join(TARGETS)}"
        )
    return value  # type: ignore[return-value]


def lake_path() -> Path:
    """The Spark target's lake, absolute (Spark resolves relative locations elsewhere)."""
    return Path(os.environ.get(LAKE_ENV) or "warehouse/lake").resolve()


def raw_table_path(table: str, lake: Path | None = None) -> Path:
    """The folder of one raw table in the lake; each loaded file is one sub-folder."""
    if table not in RAW_TABLES:
        raise ValueError(f"not a raw table: {table}")
    return (lake or lake_path()) / "raw" / table
