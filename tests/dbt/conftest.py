"""Helpers to run dbt against a throwaway warehouse (and, when needed, a throwaway
copy of the project with other seeds)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).with_name("dbt")
PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests/dbt")
#: The project's marts (reference §4).
MARTS = (
    "fct_goal_outcomes",
    "dim_goals",
    "dim_conversations",
    "agg_goal_outcomes_daily",
    "event_catalog",
    "dim_workspaces",
)


@dataclass(frozen=True)
class DbtRun:
    returncode: int
    output: str


def create_raw_tables(db_path: Path) -> None:
    from ingest.schema import ensure_raw_schema

    con = duckdb.connect(str(db_path))
    try:
        ensure_raw_schema(con)
    finally:
        con.close()


def run_dbt(project_dir: Path, db_path: Path, *args: str) -> DbtRun:
    """Run dbt in a subprocess, with the machine's time zone away from UTC."""
    target = db_path.parent / "dbt-target"
    env = {
        **os.environ,
        "DUCKDB_PATH": str(db_path),
        "TZ": "America/Los_Angeles",
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(target / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    completed = subprocess.run(
        [str(DBT), *args, "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return DbtRun(completed.returncode, completed.stdout + completed.stderr)


def copy_project(destination: Path) -> Path:
    """A copy of the dbt project whose seeds a test may overwrite."""
    for part in PROJECT_PARTS:
        source = PROJECT_DIR / part
        target = destination / part
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    db_path = tmp_path / "warehouse.duckdb"
    create_raw_tables(db_path)
    return db_path
