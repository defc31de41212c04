"""A scheduled build (`goals build`, the bench) leaves the configuration out while it is
unchanged since its last successful build, builds it again when a seed changes, and
after any run that built it without recording it (here: `dbt build --select` by hand)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from cli.dbt_runner import BuildOutcome, release_dbt_connections, run_build, run_dbt
from orchestration.configuration_state import configuration_fingerprint, stored_fingerprint
from tests.dbt.conftest import copy_project, create_raw_tables

pytestmark = pytest.mark.slow

CONFIGURATION = {
    "seed.goals_analytics.goals",
    "seed.goals_analytics.workspaces",
    "model.goals_analytics.stg_seeds__workspaces",
    "model.goals_analytics.int_config_validated",
    "model.goals_analytics.int_goals_fingerprinted",
}
ALWAYS = {
    "model.goals_analytics.stg_telemetry__events",
    "model.goals_analytics.dim_goals",  # statuses as of the build's reference time
    "model.goals_analytics.fct_goal_outcomes",
}


class Warehouse:
    def __init__(self, root: Path) -> None:
        self.project = copy_project(root / "project")
        self.db_path = root / "warehouse.duckdb"
        self.target = root / "target"
        create_raw_tables(self.db_path)

    def build(self) -> tuple[BuildOutcome, set[str]]:
        outcome = run_build(
            self.db_path,
            "--target-path", str(self.target),
            "--log-path", str(self.target / "logs"),
            "--quiet",
            project_dir=self.project,
        )  # fmt: skip
        assert outcome.success, outcome.exception
        results = json.loads((self.target / "run_results.json").read_text(encoding="utf-8"))
        return outcome, {r["unique_id"] for r in results["results"]}

    def fingerprint(self) -> str | None:
        con = duckdb.connect(str(self.db_path))
        try:
            return stored_fingerprint(con)
        finally:
            con.close()

    def recorded_relations(self) -> set[str]:
        con = duckdb.connect(str(self.db_path))
        try:
            row = con.execute(
                "select relations from intermediate.configuration_fingerprint"
            ).fetchone()
        finally:
            con.close()
        assert row is not None
        return set(row[0])

    def workspaces(self) -> int:
        con = duckdb.connect(str(self.db_path))
        try:
            row = con.execute("select count(*) from staging.stg_seeds__workspaces").fetchone()
        finally:
            con.close()
        assert row is not None
        return int(row[0])


def test_an_unchanged_configuration_is_left_out(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path)

    first, ran = warehouse.build()
    assert not first.skipped_configuration
    assert ran >= CONFIGURATION | ALWAYS
    assert warehouse.fingerprint() == configuration_fingerprint(warehouse.project)
    assert warehouse.recorded_relations() >= {
        "seeds.goals",
        "staging.stg_seeds__workspaces",
        "intermediate.int_goals_fingerprinted",
    }

    second, ran = warehouse.build()
    assert second.skipped_configuration
    assert not CONFIGURATION & ran
    assert ran >= ALWAYS

    # a configuration relation dropped by hand: the record is not trusted
    con = duckdb.connect(str(warehouse.db_path))
    con.execute("drop table intermediate.int_goals_fingerprinted")
    con.close()
    rebuilt, ran = warehouse.build()
    assert not rebuilt.skipped_configuration
    assert ran >= CONFIGURATION

    # a changed seed: the configuration is built again, and recorded again
    seed = warehouse.project / "seeds" / "workspaces.csv"
    workspaces = warehouse.workspaces()
    seed.write_text(seed.read_text(encoding="utf-8") + "ws_added,EUR,Europe/Paris\n")
    third, ran = warehouse.build()
    assert not third.skipped_configuration
    assert ran >= CONFIGURATION
    assert warehouse.workspaces() == workspaces + 1
    assert warehouse.fingerprint() == configuration_fingerprint(warehouse.project)

    # a dbt run that builds part of the configuration (say, by hand with other variables)
    # drops the record in its on-run-start hook, so the next build does not trust it
    by_hand = run_dbt(
        "build",
        "--select", "int_config_validated",
        "--target-path", str(warehouse.target),
        "--log-path", str(warehouse.target / "logs"),
        "--quiet",
        db_path=warehouse.db_path,
        project_dir=warehouse.project,
    )  # fmt: skip
    release_dbt_connections()
    assert by_hand.success, by_hand.exception
    assert warehouse.fingerprint() is None
    fourth, ran = warehouse.build()
    assert not fourth.skipped_configuration
    assert ran >= CONFIGURATION
