"""Resources: dbt (project and profiles at the repo root), the warehouse (a DuckDB file, or
the lake of the Spark target), the landing folder."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource
from dagster_dbt import DbtCliResource, DbtProject
from pydantic import Field

from goals_core.dbt_runner import warehouse_env
from goals_core.lake import connect_lake
from goals_core.paths import resolve_db_path
from goals_core.raw_load import raw_db_path
from goals_core.target import Target, current_target, lake_path
from ingest.loader import discover_files
from ingest.warehouse import WarehouseLockedError, connect
from orchestration.landing_files import is_settled
from orchestration.locks import WarehouseBusyError, is_lock_error, lock_failure_message
from orchestration.project import PROJECT_DIR, dbt_executable

DEFAULT_LANDING_DIR = Path("data") / "landing"

# dbt reads the warehouse path from DUCKDB_PATH (profiles.yml), in the dbt subprocess and in
# dagster-dbt's in-process adapter: both copy os.environ when `dbt.cli()` starts. Setting it
# for that moment under a lock keeps two threads of one process from handing each other's
# path to dbt.
_DBT_ENV_LOCK = threading.Lock()


def build_dbt_resource(project: DbtProject) -> DbtCliResource:
    """dbt runs with the project dir and the profiles dir both at the project root."""
    return DbtCliResource(
        project_dir=project, profiles_dir=project.profiles_dir, dbt_executable=dbt_executable()
    )


class WarehouseResource(ConfigurableResource):
    """Where the data lives: the DuckDB warehouse file, or on the Spark target
    (`GOALS_TARGET=spark`) the lake of Parquet tables (goals_core.target)."""

    db_path: str | None = Field(
        default=None,
        description="DuckDB file. Unset: $DUCKDB_PATH, else warehouse/goals.duckdb "
        "(relative paths are relative to the working directory).",
    )
    lake: str | None = Field(
        default=None,
        description="The Spark target's lake folder. Unset: $GOALS_LAKE_PATH, else "
        "warehouse/lake (relative paths are relative to the working directory).",
    )

    def target(self) -> Target:
        return current_target()

    def path(self) -> Path:
        return resolve_db_path(self.db_path or None).resolve()

    def lake_path(self) -> Path:
        return Path(self.lake).resolve() if self.lake else lake_path()

    def marts_source(self) -> Path:
        """What the marts are read from: the DuckDB file, or the Spark target's lake."""
        return self.lake_path() if self.target() == "spark" else self.path()

    @contextmanager
    def reader(self, schemas: tuple[str, ...]) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection that reads `schemas`: the warehouse itself (connect()), or on
        Spark an in-memory DuckDB with views over the lake's Parquet tables."""
        if self.target() != "spark":
            with self.connect() as con:
                yield con
            return
        con = connect_lake(self.lake_path(), schemas)
        try:
            yield con
        finally:
            con.close()

    def loader_path(self) -> Path:
        """The DuckDB file the loader writes: the warehouse, or on Spark the lake's
        loader-side database (ingest.lake)."""
        return raw_db_path(self.db_path or None, self.lake_path()).resolve()

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to loader_path() for the duration of the block (ingest's
        helper: it retries a lock conflict, then raises WarehouseLockedError, re-raised as
        WarehouseBusyError)."""
        path = self.loader_path()
        try:
            con = connect(path)
        except WarehouseLockedError as exc:
            raise WarehouseBusyError(lock_failure_message(path, str(exc))) from exc
        except duckdb.Error as exc:
            if is_lock_error(str(exc)):
                raise WarehouseBusyError(lock_failure_message(path, str(exc))) from exc
            raise
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def dbt_env(self) -> Iterator[Path]:
        """DUCKDB_PATH (and on Spark GOALS_LAKE_PATH) set to this warehouse while a dbt
        invocation starts; yields where the data lives."""
        where = self.marts_source()
        (where if self.target() == "spark" else where.parent).mkdir(parents=True, exist_ok=True)
        with _DBT_ENV_LOCK, warehouse_env(self.path(), lake=self.lake_path()):
            yield where

    def known_sha256(self) -> tuple[set[str], set[str]]:
        """(contents in the ledger raw.loaded_files, contents set aside in raw.file_rejects),
        read through a short read-only connection that does not wait: WarehouseBusyError
        when a writer holds the file. A warehouse or table that does not exist yet holds
        nothing."""
        if self.target() == "spark":
            with self.reader(("raw",)) as lake:
                return _shas(lake, "loaded_files"), _shas(lake, "file_rejects")
        path = self.path()
        if not path.exists():
            return set(), set()
        try:
            con = duckdb.connect(str(path), read_only=True)
        except duckdb.Error as exc:
            # Another process writing (lock), or this process holding a read-write
            # connection to the same file (DuckDB refuses a second configuration).
            raise WarehouseBusyError(lock_failure_message(path, str(exc))) from exc
        try:
            tables = {
                str(row[0])
                for row in con.execute(
                    "select table_name from information_schema.tables "
                    "where table_schema = 'raw' and table_name in ('loaded_files', 'file_rejects')"
                ).fetchall()
            }

            def shas(table: str) -> set[str]:
                if table not in tables:
                    return set()
                rows = con.execute(f"select file_sha256 from raw.{table}").fetchall()
                return {str(row[0]) for row in rows}

            return shas("loaded_files"), shas("file_rejects")
        finally:
            con.close()


def _shas(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {str(row[0]) for row in con.execute(f"select file_sha256 from raw.{table}").fetchall()}


class LandingFolder(ConfigurableResource):
    """The folder new event files are dropped into."""

    path: str | None = Field(
        default=None,
        description="Landing folder. Unset: $LANDING_DIR, else data/landing "
        "(relative paths are relative to the working directory).",
    )
    settle_seconds: float = Field(
        default=2.0,
        description="A file is picked up once unchanged for this long, so that a file still "
        "being written is not loaded half-way (writers should still write to a temporary "
        "name and rename).",
    )

    def folder(self) -> Path:
        raw = self.path or os.environ.get("LANDING_DIR") or str(DEFAULT_LANDING_DIR)
        return Path(raw).resolve()

    def ready_files(self, now: float | None = None) -> list[Path]:
        """Event files in the folder (ingest's discovery: lexicographic order), minus those
        still settling. A missing folder has none."""
        folder = self.folder()
        if not folder.is_dir():
            return []
        current = time.time() if now is None else now
        ready = []
        for path in discover_files([folder]):
            try:
                mtime = path.stat().st_mtime
            except OSError:  # gone (or unreadable) since it was listed: next tick
                continue
            if is_settled(mtime, current, self.settle_seconds):
                ready.append(path)
        return ready


__all__ = [
    "PROJECT_DIR",
    "LandingFolder",
    "WarehouseBusyError",
    "WarehouseResource",
    "build_dbt_resource",
]
