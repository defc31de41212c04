"""What test folders share: the project's folder and marts, a throwaway copy of the dbt
project (goals_core.dbt_files.copy_project), the environment of a subprocess whose
machine time zone is away from UTC, dbt run in such a subprocess, and a fresh warehouse
holding the raw tables."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from goals_core.dbt_files import copy_project
from goals_core.paths import PROJECT_DIR

__all__ = [
    "DBT",
    "MACHINE_TZ",
    "MARTS",
    "PROJECT_DIR",
    "DbtRun",
    "copy_project",
    "create_raw_tables",
    "machine_env",
    "run_dbt",
    "spark_env",
]

#: The dbt of this virtualenv.
DBT = Path(sys.executable).with_name("dbt")
#: The machine time zone of subprocesses under test: every result must be the same as in UTC.
MACHINE_TZ = "America/Los_Angeles"
#: The project's marts (docs/reference.md section 4).
MARTS = (
    "fct_goal_outcomes",
    "dim_goals",
    "dim_conversations",
    "agg_goal_outcomes_daily",
    "event_catalog",
    "dim_workspaces",
)


def machine_env(db_path: Path, project_dir: Path | None = None) -> dict[str, str]:
    """The environment of a subprocess under test: this one's, with the machine time zone
    away from UTC, `DUCKDB_PATH` at `db_path`, the checkout importable, and (with
    `project_dir`) dbt pointed at that project; the default dbt target."""
    env = dict(os.environ)
    env.update(TZ=MACHINE_TZ, DUCKDB_PATH=str(db_path), PYTHONPATH=str(PROJECT_DIR))
    if project_dir is not None:
        env.update(DBT_PROFILES_DIR=str(project_dir), DBT_PROJECT_DIR=str(project_dir))
    env.pop("GOALS_TARGET", None)
    return env


def spark_env(lake: Path) -> dict[str, str]:
    """What selects the Spark target with its own lake (one lake per process: the Derby
    metastore in it admits one)."""
    return {"GOALS_TARGET": "spark", "GOALS_LAKE_PATH": str(lake.resolve())}


@dataclass(frozen=True)
class DbtRun:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_dbt(
    project_dir: Path,
    db_path: Path,
    *args: str,
    target_path: Path | None = None,
    timeout: float = 1800,
    lake: Path | None = None,
) -> DbtRun:
    """dbt in a subprocess against `db_path` (machine_env), or with `lake` against the Spark
    target and that lake; its artifacts and logs go to `target_path` (default: `dbt-target`
    beside the warehouse)."""
    target = target_path or db_path.parent / "dbt-target"
    env = {
        **machine_env(db_path, project_dir),
        **(spark_env(lake) if lake is not None else {}),
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(target / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    completed = subprocess.run(
        [str(DBT), *args, "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)],
        cwd=project_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return DbtRun(completed.returncode, completed.stdout, completed.stderr)


def create_raw_tables(db_path: Path) -> Path:
    """A warehouse at `db_path` holding the raw tables (ingest.schema), no rows."""
    from ingest.schema import ensure_raw_schema

    con = duckdb.connect(str(db_path))
    try:
        ensure_raw_schema(con)
    finally:
        con.close()
    return db_path
