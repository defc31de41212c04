"""dbt run in-process from the project root against a chosen warehouse: the arguments of a
production `dbt build` (shared with the Dagster dbt step), `DUCKDB_PATH` set for the call,
and the warehouse released afterwards."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from goals_core.collector import collector_paused
from goals_core.paths import PROJECT_DIR
from goals_core.target import LAKE_ENV, current_target, lake_path

__all__ = [
    "PROJECT_DIR",
    "BuildOutcome",
    "DbtCallback",
    "DbtOutcome",
    "build_args",
    "dbt_args",
    "release_dbt_connections",
    "run_build",
    "run_dbt",
    "warehouse_env",
]


@dataclass(frozen=True)
class DbtOutcome:
    success: bool
    exception: BaseException | None
    #: the nodes the command ran (`resource_type`, `status`)
    nodes: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class BuildOutcome:
    success: bool
    exception: BaseException | None
    #: how many nodes ended with each status (success, pass, error, fail, skipped, ...)
    statuses: Mapping[str, int] | None = None


def dbt_args(command: str, *extra: str, project_dir: Path = PROJECT_DIR) -> list[str]:
    """The argument list for one dbt command, pinned to the project and its profile."""
    return [
        command,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        *extra,
    ]


@contextmanager
def warehouse_env(db_path: Path | None, *, lake: Path | None = None) -> Iterator[None]:
    """`DUCKDB_PATH` (which profiles.yml reads) set to `db_path` for the block, then put
    back; nothing changes when `db_path` is None. On the Spark target, `GOALS_LAKE_PATH` is
    set to `lake` (default: its current value), absolute: Spark and its metastore resolve
    relative paths elsewhere."""
    changes: dict[str, str] = {}
    if db_path is not None:
        changes["DUCKDB_PATH"] = str(Path(db_path).resolve())
    if current_target() == "spark":
        changes[LAKE_ENV] = str(Path(lake).resolve() if lake is not None else lake_path())
    saved = {name: os.environ.get(name) for name in changes}
    os.environ.update(changes)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


#: A function dbt calls with each of its events (dbt.events's EventMsg).
DbtCallback = Callable[[Any], None]


def run_dbt(
    command: str,
    *extra: str,
    db_path: Path | None = None,
    project_dir: Path = PROJECT_DIR,
    callbacks: Sequence[DbtCallback] = (),
) -> DbtOutcome:
    """Invoke dbt in-process, with Python's garbage collector paused
    (`goals_core.collector`); `db_path` overrides DUCKDB_PATH for this call only;
    `callbacks` receive dbt's events (progress displays)."""
    with collector_paused(), warehouse_env(db_path):
        from dbt.cli.main import dbtRunner

        result = dbtRunner(callbacks=list(callbacks)).invoke(
            dbt_args(command, *extra, project_dir=project_dir)
        )
    return DbtOutcome(
        success=bool(result.success),
        exception=result.exception,
        nodes=tuple(_node_summary(r) for r in getattr(result.result, "results", None) or ()),
    )


def _node_summary(result: Any) -> dict[str, Any]:
    node = getattr(result, "node", None)
    resource_type = getattr(node, "resource_type", None)
    status = getattr(result, "status", None)
    return {
        "resource_type": getattr(resource_type, "value", resource_type),
        "status": str(getattr(status, "value", status)),
    }


def run_build(
    db_path: Path,
    *extra: str,
    select: Sequence[str] = (),
    with_unit_tests: bool = False,
    full_refresh: bool = False,
    dbt_vars: Mapping[str, Any] | None = None,
    project_dir: Path = PROJECT_DIR,
    callbacks: Sequence[DbtCallback] = (),
) -> BuildOutcome:
    """`dbt build` of the warehouse at `db_path` as `goals build` runs it (`extra`: more
    dbt arguments, such as a target folder).

    Returns with the warehouse file closed.
    """
    args = build_args(
        select,
        with_unit_tests=with_unit_tests,
        full_refresh=full_refresh,
        dbt_vars=dbt_vars,
    )
    outcome = run_dbt(
        "build", *args, *extra, db_path=db_path, project_dir=project_dir, callbacks=callbacks
    )
    release_dbt_connections()
    return BuildOutcome(
        outcome.success,
        outcome.exception,
        statuses=Counter(str(node["status"]) for node in outcome.nodes),
    )


def build_args(
    select: Sequence[str] = (),
    *,
    with_unit_tests: bool = False,
    full_refresh: bool = False,
    dbt_vars: Mapping[str, Any] | None = None,
) -> list[str]:
    """Arguments for a production `dbt build` (after the command): unit tests are for CI,
    not scheduled runs; incremental unless `full_refresh`."""
    args: list[str] = ["--full-refresh"] if full_refresh else []
    if select:
        args += ["--select", *select]
    if not with_unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    if dbt_vars:
        args += ["--vars", json.dumps(dict(dbt_vars), sort_keys=True)]
    return args


def release_dbt_connections() -> None:
    """Close the DuckDB instance dbt-duckdb keeps in this process after an in-process run, so
    that this process (or another) can open the warehouse again."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    env = getattr(DuckDBConnectionManager, "_ENV", None)
    if env is not None:
        with suppress(Exception):
            env.close()
    with suppress(Exception):
        DuckDBConnectionManager.close_all_connections()  # type: ignore[no-untyped-call]
