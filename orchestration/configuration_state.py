"""Whether a scheduled `dbt build` can leave the configuration out.

The configuration is the four seeds and the models of `models/intermediate/config` (dbt
tag `configuration`): a pure function of the seed files, the project's code, the dbt
variables and the dbt and DuckDB versions. Rebuilding it on every scheduled run reloads
the seeds and rebuilds five tables that come out the same (about 0.3 s of a 4.5 s run at
10M events; docs/benchmarks.md).

- After a successful build of every node, the runner records a fingerprint of those
  inputs in the warehouse (`intermediate.configuration_fingerprint`), with the tables
  and views the configuration's nodes wrote.
- A later scheduled build whose fingerprint matches, and finds those relations, passes
  `--exclude tag:configuration`; the models downstream read the configuration tables
  as they are.
- Any dbt run that builds a configuration node first drops the record (the
  `forget_configuration_fingerprint` on-run-start hook), so a run by hand with other
  variables, a failed or killed run, or a partial build never leaves a record that no
  longer describes the tables.

Dagster-free: `goals build`, the bench and the dbt assets share it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb

from orchestration.dbt_files import manifest_inputs, project_config

#: dbt tag of the nodes a scheduled build may leave out (dbt_project.yml).
CONFIGURATION_TAG = "configuration"
#: Where the fingerprint of the configuration's last successful build is kept; the
#: on-run-start hook (macros/forget_configuration_fingerprint.sql) names the same table.
FINGERPRINT_SCHEMA = "intermediate"
FINGERPRINT_TABLE = "configuration_fingerprint"
#: Versions that can change what the configuration models produce.
_PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb")


def configuration_fingerprint(
    project_dir: Path, dbt_vars: Mapping[str, Any] | None = None, target: str | None = None
) -> str:
    """A digest of what the configuration is built from: the content of every file dbt
    reads (seeds included), the dbt variables of the run, the dbt target (default: this
    environment's, `target_name()`) and the dbt and DuckDB versions. Content, not
    modification times: a fresh checkout of the same files keeps the fingerprint."""
    project_dir = Path(project_dir)
    target = target_name() if target is None else target
    digest = hashlib.sha256()
    for path in manifest_inputs(project_dir, project_config(project_dir)):
        digest.update(path.relative_to(project_dir).as_posix().encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(json.dumps(dict(dbt_vars or {}), sort_keys=True, default=str).encode())
    digest.update(f"\0target={target}".encode())
    for package in _PACKAGES:
        digest.update(f"\0{package}={_version(package)}".encode())
    return digest.hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def configuration_relations(nodes: Iterable[Mapping[str, Any]]) -> list[str]:
    """`schema.alias` of the configuration's seeds and models among dbt `nodes` (manifest
    entries, or the nodes of a run's results as dicts)."""
    return sorted(
        f"{node['schema']}.{node['alias']}"
        for node in nodes
        if node.get("resource_type") in ("seed", "model")
        and CONFIGURATION_TAG in (node.get("tags") or ())
    )


def stored_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint recorded after the configuration's last successful build, or None:
    never built, dropped by a run that rebuilt a configuration node since, or one of the
    tables and views that build wrote is gone (dropped by hand, say)."""
    if not _relations_exist(con, [f"{FINGERPRINT_SCHEMA}.{FINGERPRINT_TABLE}"]):
        return None
    row = con.execute(
        f"select fingerprint, relations from {FINGERPRINT_SCHEMA}.{FINGERPRINT_TABLE}"
    ).fetchone()
    if row is None or not _relations_exist(con, list(row[1])):
        return None
    return str(row[0])


def record_fingerprint(
    con: duckdb.DuckDBPyConnection, fingerprint: str, relations: Sequence[str]
) -> None:
    """Record `fingerprint` as the configuration's, with the `relations` (`schema.name`)
    its build wrote (one row, in one transaction)."""
    con.execute("begin")
    try:
        con.execute(f"create schema if not exists {FINGERPRINT_SCHEMA}")
        con.execute(
            f"create or replace table {FINGERPRINT_SCHEMA}.{FINGERPRINT_TABLE} as "
            "select ?::varchar as fingerprint, ?::varchar[] as relations, "
            "now()::timestamptz as recorded_at",
            [fingerprint, list(relations)],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _relations_exist(con: duckdb.DuckDBPyConnection, relations: Sequence[str]) -> bool:
    """Every `schema.name` in `relations` is a table or view of the current database."""
    if not relations:
        return True
    found = con.execute(
        "select count(distinct schema_name || '.' || table_name) from ("
        " select schema_name, table_name from duckdb_tables()"
        " where database_name = current_database()"
        " union all"
        " select schema_name, view_name from duckdb_views()"
        " where database_name = current_database() and not internal"
        ") where list_contains(?, schema_name || '.' || table_name)",
        [list(relations)],
    ).fetchone()
    return found is not None and found[0] == len(set(relations))


def can_skip_configuration(
    stored: str | None,
    current: str,
    *,
    select: Sequence[str] = (),
    full_refresh: bool = False,
    with_unit_tests: bool = False,
) -> bool:
    """A build leaves the configuration out only when it is a plain scheduled build (no
    node selection, no full refresh, no unit tests) and the configuration's inputs are
    those of its last successful build."""
    if select or full_refresh or with_unit_tests:
        return False
    return stored is not None and stored == current


def target_name() -> str:
    """The dbt target of profiles.yml that runs in this environment (`GOALS_TARGET`,
    default duckdb). Only the DuckDB target keeps a fingerprint: it is read and written
    with DuckDB."""
    return os.environ.get("GOALS_TARGET", "duckdb")


def exclude_configuration_args() -> list[str]:
    """dbt arguments that leave the configuration nodes (and their tests) out."""
    return ["--exclude", f"tag:{CONFIGURATION_TAG}"]
