"""A throw-away copy of the dbt project run in-process against a small warehouse, for
comparing incremental builds with a full refresh."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb

from demo.edge_cases import GOAL_COLUMNS
from goals_core.dbt_runner import BuildOutcome, release_dbt_connections, run_build, warehouse_env
from tests.support import MARTS, copy_project

REFERENCE_TIME = "2026-03-20T00:00:00Z"


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(header))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in header})


class Project:
    """A project copy whose seeds a test rewrites, built in this process with dbtRunner,
    always against the same warehouse path: dbt re-parses the whole project whenever the
    rendered profile (and so the path) changes, so other warehouses are copied in and
    out of `db_path` rather than pointed at."""

    def __init__(self, root: Path) -> None:
        self.dir = copy_project(root / "project")
        self.target = root / "target"
        self.db_path = root / "warehouse.duckdb"

    def reset(self, source: Path | None = None) -> None:
        """An empty warehouse, or a copy of `source` (a closed DuckDB file)."""
        for path in (self.db_path, self.db_path.with_name(self.db_path.name + ".wal")):
            path.unlink(missing_ok=True)
        if source is not None:
            shutil.copy2(source, self.db_path)

    def save(self, destination: Path) -> Path:
        shutil.copy2(self.db_path, destination)
        return destination

    def write_seeds(
        self,
        goals: Sequence[Mapping[str, Any]],
        statuses: Sequence[Mapping[str, Any]],
        workspaces: Sequence[Mapping[str, Any]],
    ) -> None:
        seeds = self.dir / "seeds"
        write_csv(seeds / "goals.csv", GOAL_COLUMNS, goals)
        write_csv(
            seeds / "goal_status_changes.csv",
            ("workspace_id", "goal_code", "status", "changed_at"),
            statuses,
        )
        write_csv(
            seeds / "workspaces.csv", ("workspace_id", "base_currency", "timezone"), workspaces
        )

    def dbt(self, *args: str) -> None:
        from dbt.cli.main import dbtRunner

        argv = [
            *args,
            "--project-dir", str(self.dir),
            "--profiles-dir", str(self.dir),
            "--target-path", str(self.target),
            "--log-path", str(self.target / "logs"),
            "--vars", json.dumps({"reference_time": REFERENCE_TIME}),
            "--quiet",
        ]  # fmt: skip
        with warehouse_env(self.db_path):
            try:
                result = dbtRunner().invoke(argv)
            finally:
                release_dbt_connections()
        if not result.success:
            raise AssertionError(f"dbt {' '.join(args)} failed: {result.exception}")

    def build(self, *, full_refresh: bool = False) -> BuildOutcome:
        """Seeds and models in one invocation, as `goals build` runs it (the data tests
        are exercised elsewhere)."""
        outcome = run_build(
            self.db_path,
            "--target-path", str(self.target),
            "--log-path", str(self.target / "logs"),
            "--exclude-resource-type", "test",
            "--quiet",
            full_refresh=full_refresh,
            dbt_vars={"reference_time": REFERENCE_TIME},
            project_dir=self.dir,
        )  # fmt: skip
        if not outcome.success:
            raise AssertionError(f"dbt build failed: {outcome.exception}")
        return outcome


def execute_sql(db_path: Path, sql: str) -> None:
    """Run statements against a closed warehouse file (a test's own edits)."""
    con = duckdb.connect(str(db_path))
    try:
        con.execute(sql)
    finally:
        con.close()


def mart_rows(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every mart's rows, sorted, for an exact comparison."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {
            mart: sorted(con.execute(f"select * from marts.{mart}").fetchall(), key=repr)
            for mart in MARTS
        }
    finally:
        con.close()


def ingest_files(db_path: Path, paths: Sequence[Path]) -> None:
    from ingest.loader import ingest_paths
    from ingest.warehouse import connect

    con = connect(db_path)
    try:
        ingest_paths(con, list(paths))
    finally:
        con.close()


def ingest_lines(db_path: Path, path: Path, lines: Sequence[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    ingest_files(db_path, [path])
