"""Where the serving copy is published.

Defaults sit beside the warehouse, so that every warehouse (the developer's, a test's
throwaway one) has its own serving copy:

    <warehouse folder>/serving/goals_serving.duckdb    the DuckDB file BI tools open
    <serving folder>/parquet/current/<mart>.parquet    the Parquet export (`current` is a
                                                       symlink to versions/<id>/)

With the default warehouse `warehouse/goals.duckdb` that is `warehouse/serving/...`.
`$GOALS_SERVING_PATH` and `$GOALS_PARQUET_DIR` (or the CLI options / resource fields)
override them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SERVING_PATH_ENV = "GOALS_SERVING_PATH"
PARQUET_DIR_ENV = "GOALS_PARQUET_DIR"

SERVING_DIR_NAME = "serving"
SERVING_FILE_NAME = "goals_serving.duckdb"
PARQUET_DIR_NAME = "parquet"

#: The name readers use: a symlink to the complete export of the latest publish.
CURRENT_LINK = "current"
#: Each publish writes a fresh folder here; `current` is repointed to it.
VERSIONS_DIR = "versions"


@dataclass(frozen=True)
class ServingTargets:
    """The published serving DuckDB file and the Parquet export folder (absolute paths)."""

    database: Path
    parquet_dir: Path

    @property
    def current(self) -> Path:
        """`<parquet_dir>/current`: the folder of `<mart>.parquet` files readers use."""
        return self.parquet_dir / CURRENT_LINK

    @property
    def versions(self) -> Path:
        return self.parquet_dir / VERSIONS_DIR


def _from_env(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value) if value else None


def default_serving_path(warehouse: str | Path) -> Path:
    """$GOALS_SERVING_PATH, else `serving/goals_serving.duckdb` in the warehouse's folder."""
    configured = _from_env(SERVING_PATH_ENV)
    if configured is not None:
        return configured
    return Path(warehouse).parent / SERVING_DIR_NAME / SERVING_FILE_NAME


def default_parquet_dir(serving_path: str | Path) -> Path:
    """$GOALS_PARQUET_DIR, else `parquet/` beside the serving file."""
    configured = _from_env(PARQUET_DIR_ENV)
    if configured is not None:
        return configured
    return Path(serving_path).parent / PARQUET_DIR_NAME


def resolve_targets(
    warehouse: str | Path,
    serving_path: str | Path | None = None,
    parquet_dir: str | Path | None = None,
) -> ServingTargets:
    """The targets for `warehouse`: explicit values first, then the environment, then the
    defaults beside the warehouse. Relative paths are relative to the working directory."""
    database = Path(serving_path) if serving_path else default_serving_path(warehouse)
    parquet = Path(parquet_dir) if parquet_dir else default_parquet_dir(database)
    return ServingTargets(database=database.absolute(), parquet_dir=parquet.absolute())
