"""What test folders share: the project's folder and marts, a throwaway copy of the dbt
project (goals_core.dbt_files.copy_project), the environment of a subprocess whose
machine time zone is away from UTC, dbt run in such a subprocess, a fresh warehouse
holding the raw tables, and another process holding a warehouse open."""

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
    "LockHolder",
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


_HOLD = """\
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read_only")
print("ready", flush=True)
sys.stdin.read()
con.close()
"""


class LockHolder:
    """Another process with the DuckDB file `db_path` open until `release()` (or the end of
    a `with` block): for writing (its lock keeps every other process out), or with
    `read_only` shared with other readers (a writer cannot open the file)."""

    def __init__(self, db_path: Path, *, read_only: bool = False) -> None:
        mode = "read_only" if read_only else "read_write"
        self.process = subprocess.Popen(
            [sys.executable, "-c", _HOLD, str(db_path), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        # Synchronization by the child's own word, not by sleeping.
        assert self.process.stdout.readline().strip() == "ready"

    @property
    def pid(self) -> int:
        return self.process.pid

    def release(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait(timeout=60)

    def __enter__(self) -> LockHolder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
