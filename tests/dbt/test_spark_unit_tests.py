"""The dbt unit tests pass on the Spark target too, so every `spark__` variant of the
project's macros runs on its own engine (docs/spark.md). One dbt invocation on a fresh
lake: `build --empty` creates every model and seed (no rows) that the unit tests read
the column types of, and runs each unit test before its model."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import DBT, PROJECT_DIR, machine_env

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
    reason="the Spark target needs pyspark and Java (the `spark` extra)",
)


def test_unit_tests_pass_on_spark(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    target = tmp_path / "dbt-target"
    env = {
        **machine_env(tmp_path / "unused.duckdb", PROJECT_DIR),
        "GOALS_TARGET": "spark",
        "GOALS_LAKE_PATH": str(lake),
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(target / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    completed = subprocess.run(
        [
            str(DBT),
            "build",
            "--empty",
            "--exclude",
            "resource_type:test",
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
        ],
        # Spark's Derby metastore writes derby.log in the working directory
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    output = completed.stdout + completed.stderr
    errors = [line for line in output.splitlines() if "ERROR" in line or "FAIL" in line]
    assert completed.returncode == 0, "\n".join(errors) or output[-5000:]
    passed = [line for line in output.splitlines() if " PASS " in line and "::" in line]
    # every unit test of the project ran (and passed)
    unit_tests = subprocess.run(
        [
            str(DBT),
            "ls",
            "--resource-type",
            "unit_test",
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
        ],
        cwd=tmp_path,
        env={**env, "GOALS_TARGET": "duckdb"},
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    ).stdout
    expected = [line for line in unit_tests.splitlines() if line.startswith("unit_test:")]
    assert expected
    assert len(passed) == len(expected), output[-5000:]
