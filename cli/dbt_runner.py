"""Run dbt programmatically from the project root, against a chosen warehouse."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class DbtOutcome:
    success: bool
    exception: BaseException | None
    #: the nodes the command ran (`resource_type`, `tags`, `schema`, `alias`, `status`)
    nodes: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class BuildOutcome:
    success: bool
    exception: BaseException | None
    #: the configuration was left out: unchanged since its last successful build
    skipped_configuration: bool
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
def _warehouse_env(db_path: Path | None) -> Iterator[None]:
    saved = os.environ.get("DUCKDB_PATH")
    if db_path is not None:
        os.environ["DUCKDB_PATH"] = str(Path(db_path).resolve())
    try:
        yield
    finally:
        if db_path is not None:
            if saved is None:
                os.environ.pop("DUCKDB_PATH", None)
            else:
                os.environ["DUCKDB_PATH"] = saved


#: A function dbt calls with each of its events (dbt.events's EventMsg).
DbtCallback = Callable[[Any], None]


def run_dbt(
    command: str,
    *extra: str,
    db_path: Path | None = None,
    project_dir: Path = PROJECT_DIR,
    callbacks: Sequence[DbtCallback] = (),
) -> DbtOutcome:
    """Invoke dbt in-process; `db_path` overrides DUCKDB_PATH for this call only;
    `callbacks` receive dbt's events (progress displays)."""
    from dbt.cli.main import dbtRunner

    with _warehouse_env(db_path):
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
        "tags": list(getattr(node, "tags", None) or ()),
        "schema": getattr(node, "schema", None),
        "alias": getattr(node, "alias", None),
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

    A plain scheduled build leaves the configuration out while it is unchanged since its
    last successful build (orchestration/configuration_state.py); a successful build of
    every node records the configuration's fingerprint for the next one. Returns with
    the warehouse file closed.
    """
    from ingest.warehouse import connect
    from orchestration.configuration_state import (
        can_skip_configuration,
        configuration_fingerprint,
        configuration_relations,
        record_fingerprint,
        stored_fingerprint,
        target_name,
    )

    # only the DuckDB target keeps a fingerprint (read and written with DuckDB)
    keeps_fingerprint = target_name() == "duckdb"
    fingerprint = configuration_fingerprint(project_dir, dbt_vars)
    stored = None
    if keeps_fingerprint:
        with connect(db_path) as con:
            stored = stored_fingerprint(con)
    skip = keeps_fingerprint and can_skip_configuration(
        stored,
        fingerprint,
        select=select,
        full_refresh=full_refresh,
        with_unit_tests=with_unit_tests,
    )
    args = build_args(
        select,
        with_unit_tests=with_unit_tests,
        full_refresh=full_refresh,
        skip_configuration=skip,
        dbt_vars=dbt_vars,
    )
    outcome = run_dbt(
        "build", *args, *extra, db_path=db_path, project_dir=project_dir, callbacks=callbacks
    )
    release_dbt_connections()
    if outcome.success and keeps_fingerprint and not skip and not select:
        with connect(db_path) as con:
            record_fingerprint(con, fingerprint, configuration_relations(outcome.nodes))
    return BuildOutcome(
        outcome.success,
        outcome.exception,
        skipped_configuration=skip,
        statuses=Counter(str(node["status"]) for node in outcome.nodes),
    )


def build_args(
    select: Sequence[str] = (),
    *,
    with_unit_tests: bool = False,
    full_refresh: bool = False,
    skip_configuration: bool = False,
    dbt_vars: Mapping[str, Any] | None = None,
) -> list[str]:
    """Arguments for a production `dbt build` (after the command): unit tests are for CI,
    not scheduled runs; incremental unless `full_refresh`; `skip_configuration` leaves the
    configuration nodes out (unchanged since their last successful build:
    orchestration/configuration_state.py)."""
    from orchestration.configuration_state import exclude_configuration_args

    args: list[str] = ["--full-refresh"] if full_refresh else []
    if select:
        args += ["--select", *select]
    if not with_unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    if skip_configuration:
        args += exclude_configuration_args()
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
