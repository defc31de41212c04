"""The main Dagster job on the Spark target: ingest into the lake, dbt build on Spark, the
serving copy published from the Spark marts; the same marts as the job on DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from demo.edge_cases import write_edge_case_dataset
from orchestration.run import execute_main_job, failure_messages
from tests.e2e.helpers import copy_project_with_seeds
from tests.spark.helpers import need_java
from tests.support import MARTS

pytestmark = pytest.mark.slow


def _serving_rows(serving: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(serving), read_only=True)
    try:
        names = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        ]
        return {
            name: sorted(con.execute(f"select * from marts.{name}").fetchall(), key=repr)
            for name in sorted(names)
        }
    finally:
        con.close()


def test_the_main_job_runs_on_spark_and_publishes_what_it_runs_on_duckdb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need_java()
    dataset = write_edge_case_dataset(tmp_path / "dataset", 0)
    project = copy_project_with_seeds(tmp_path / "project", dataset["seeds_dir"])
    monkeypatch.delenv("GOALS_SERVING_PATH", raising=False)
    monkeypatch.delenv("GOALS_PARQUET_DIR", raising=False)
    served = {}
    for target in ("duckdb", "spark"):
        monkeypatch.setenv("GOALS_TARGET", target)
        place = tmp_path / target
        result = execute_main_job(
            place / "goals.duckdb",
            dataset["events_dir"],
            project_dir=project,
            lake=place / "lake",
        )
        assert result.success, failure_messages(result)
        served[target] = _serving_rows(place / "serving" / "goals_serving.duckdb")
    assert set(served["spark"]) == set(served["duckdb"]) and set(MARTS) & set(served["spark"])
    for mart, rows in served["duckdb"].items():
        assert served["spark"][mart] == rows, f"{mart} differs in the serving copy"
