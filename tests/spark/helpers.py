"""Running the project on both targets side by side, and comparing what they built."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pytest

from goals_core.lake import attach_lake
from tests.e2e.helpers import run_project_ingest
from tests.support import MARTS, DbtRun, run_dbt


def need_java() -> None:
    """The Spark target needs a Java runtime (pyspark starts a JVM)."""
    if shutil.which("java") is None:
        pytest.skip("no `java` on PATH: the Spark target needs Java 17 (docs/spark.md)")


class Targets:
    """One project copy built on DuckDB (`db`) and on Spark (`lake`) from the same files."""

    def __init__(self, root: Path, project: Path, dbt_vars: dict[str, Any]) -> None:
        self.root = root
        self.project = project
        self.db = root / "warehouse.duckdb"
        self.lake = root / "lake"
        self.vars = json.dumps(dbt_vars)
        self.logs: list[str] = []

    def ingest(self, paths: Sequence[Path], *, spark: bool) -> list[dict[str, Any]]:
        return run_project_ingest(self.db, *paths, lake=self.lake if spark else None)

    def build(self, *args: str, spark: bool) -> DbtRun:
        name = "spark" if spark else "duckdb"
        run = run_dbt(
            self.project,
            self.db,
            "build",
            "--exclude-resource-type",
            "unit_test",
            "--vars",
            self.vars,
            *args,
            target_path=self.root / f"target-{name}",
            lake=self.lake if spark else None,
            timeout=3600,
        )
        (self.root / f"dbt-{name}-{len(self.logs)}.log").write_text(run.output)
        self.logs.append(run.output)
        if run.returncode != 0:
            tail = "\n".join(run.output.splitlines()[-60:])
            raise AssertionError(f"dbt build on {name} failed:\n{tail}")
        return run

    def differences(self, marts: Sequence[str] = MARTS) -> list[str]:
        """Every difference between the marts of the two targets: columns, types, rows."""
        con = duckdb.connect()
        try:
            con.execute(f"attach '{self.db}' as duck (read_only)")
            attach_lake(con, lake=self.lake, schemas=("marts",))
            return [p for mart in marts for p in _mart_differences(con, mart)]
        finally:
            con.close()


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return {row[0]: row[1] for row in con.execute(f"describe {relation}").fetchall()}


def _type(name: str) -> str:
    """A column type as a reader sees it: Spark has no JSON type, its JSON is text."""
    return "VARCHAR" if name == "JSON" else name


def _mart_differences(con: duckdb.DuckDBPyConnection, mart: str) -> list[str]:
    try:
        spark = _columns(con, f"memory.marts.{mart}")
    except duckdb.Error:
        return [f"{mart}: not built on Spark"]
    duck = _columns(con, f"duck.marts.{mart}")
    if list(spark) != list(duck):
        return [f"{mart}: columns differ: duckdb {list(duck)}, spark {list(spark)}"]
    problems = [
        f"{mart}.{name}: type {duck[name]} on duckdb, {spark[name]} on spark"
        for name in duck
        if _type(duck[name]) != _type(spark[name])
    ]
    columns = ", ".join(f'"{name}"' for name in duck)
    for left, right, where in (("duck", "memory", "duckdb only"), ("memory", "duck", "spark only")):
        rows = con.execute(
            f"select {columns} from {left}.marts.{mart} "
            f"except all select {columns} from {right}.marts.{mart} limit 5"
        ).fetchall()
        problems += [f"{mart}: {where}: {row}" for row in rows]
    return problems
