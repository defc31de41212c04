"""Loading event files on the current target (`GOALS_TARGET`), for `goals ingest` and the
Dagster ingest step alike.

On duckdb the loader writes the warehouse's raw tables (`ingest.loader.ingest_paths`); on
spark it writes the lake's loader-side database and publishes each committed file into the
lake as Parquet (`ingest.lake.ingest_paths_to_lake`, docs/spark.md "Raw events on Spark").
Either way the caller opens `raw_db_path()` read-write (`ingest.warehouse.connect`) and
reads the raw tables (counts, rejects, the ledger) through that same connection.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from goals_core.paths import resolve_db_path
from goals_core.target import current_target, lake_path
from ingest.lake import LakeSync, ingest_paths_to_lake, loader_db_path
from ingest.loader import FileResult, ingest_paths


def raw_db_path(db: Path | str | None = None, lake: Path | None = None) -> Path:
    """The DuckDB file the loader writes on the current target: the warehouse (`db`, else
    $DUCKDB_PATH, else warehouse/goals.duckdb) on duckdb; `<lake>/loader.duckdb` on spark
    (`lake`, else $GOALS_LAKE_PATH, else warehouse/lake)."""
    if current_target() == "spark":
        return loader_db_path(lake or lake_path())
    return resolve_db_path(db)


def ingest_for_target(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[str | Path],
    *,
    lake: Path | None = None,
    on_file: Callable[[FileResult], None] | None = None,
    on_start: Callable[[Path], None] | None = None,
    on_progress: Callable[[Path, int], None] | None = None,
    on_sync: Callable[[LakeSync], None] | None = None,
) -> list[FileResult]:
    """Load `paths` on the current target: `ingest_paths()` on duckdb (`lake` and
    `on_sync` unused), `ingest_paths_to_lake()` on spark. `con` is a read-write connection
    to `raw_db_path(lake=lake)`."""
    if current_target() == "spark":
        return ingest_paths_to_lake(
            con, paths, lake=lake or lake_path(), on_file=on_file, on_start=on_start,
            on_progress=on_progress, on_sync=on_sync,
        )  # fmt: skip
    return ingest_paths(con, paths, on_file=on_file, on_start=on_start, on_progress=on_progress)
