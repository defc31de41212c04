"""The run's scope and its manifest: a run that does part of the work records nothing
and the next one does that work again; the marts apply what the stored models wrote,
whichever run wrote it; the stored outcomes are never rebuilt from a partial scope; the
log names the case; and every table in the warehouse is a dbt node or a declared source
(the loader's raw tables)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from demo.generate import generate_events
from tests.incremental.helpers import Project, execute_sql, ingest_files, mart_rows

pytestmark = pytest.mark.slow

STORED = ("fct_goal_outcomes", "dim_conversations")


class Setup:
    def __init__(self, root: Path) -> None:
        self.project = project = Project(root)
        files = sorted(Path(p) for p in generate_events(2000, root / "events", files=2, seed=3))
        project.reset()
        for path in files:
            ingest_files(project.db_path, [path])
        project.build(full_refresh=True)
        self.expected = mart_rows(project.db_path)
        # history: the first file, built; the second is loaded and waits for a run
        project.reset()
        ingest_files(project.db_path, [files[0]])
        project.build()
        ingest_files(project.db_path, [files[1]])
        self.loaded = project.save(root / "loaded.duckdb")


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    return Setup(tmp_path_factory.mktemp("scope"))


def _query(db_path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _recorded_runs(db_path: Path) -> list[int]:
    return [
        row[0]
        for row in _query(
            db_path,
            "select distinct run_id from intermediate.int_incremental_manifest order by 1",
        )
    ]


def test_a_partial_run_records_nothing_and_the_next_run_does_its_work_again(
    setup: Setup,
) -> None:
    project = setup.project
    project.reset(setup.loaded)
    recorded = _recorded_runs(project.db_path)
    project.dbt("run", "--select", "+int_goal_outcomes_attributed")
    assert _recorded_runs(project.db_path) == recorded
    project.build()
    assert _recorded_runs(project.db_path) == [*recorded, recorded[-1] + 1]
    assert mart_rows(project.db_path) == setup.expected


def test_the_marts_apply_what_the_stored_models_wrote_in_an_earlier_invocation(
    setup: Setup,
) -> None:
    project = setup.project
    project.reset(setup.loaded)
    project.dbt("run", "--select", "+int_goal_outcomes_attributed", "+int_conversations_summarized")
    project.dbt("run", "--select", *STORED)
    rows = mart_rows(project.db_path)
    assert {mart: rows[mart] for mart in STORED} == {mart: setup.expected[mart] for mart in STORED}


def test_the_stored_outcomes_are_not_rebuilt_from_an_incremental_scope(setup: Setup) -> None:
    project = setup.project
    project.reset(setup.loaded)
    before = _query(
        project.db_path, "select count(*) from intermediate.int_goal_outcomes_attributed"
    )
    with pytest.raises(AssertionError):
        project.dbt("run", "--full-refresh", "--select", "int_goal_outcomes_attributed")
    after = _query(
        project.db_path, "select count(*) from intermediate.int_goal_outcomes_attributed"
    )
    assert after == before
    log = (project.target / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert "dbt build --full-refresh --select +int_goal_outcomes_attributed" in log


def test_a_full_refresh_of_the_stored_outcomes_alone_then_a_scheduled_run_converges(
    setup: Setup,
) -> None:
    project = setup.project
    project.reset(setup.loaded)
    # an outcome the mart holds but a rebuild from the events will not produce
    execute_sql(
        project.db_path,
        "insert into marts.fct_goal_outcomes select * replace ('gone' as event_id,"
        " 'stale' as outcome_id) from marts.fct_goal_outcomes limit 1",
    )
    project.dbt("run", "--full-refresh", "--select", "+int_goal_outcomes_attributed")
    project.build()
    assert mart_rows(project.db_path) == setup.expected


def test_the_log_names_the_case(setup: Setup) -> None:
    project = setup.project
    project.reset(setup.loaded)
    log_path = project.target / "logs" / "dbt.log"
    log_path.unlink(missing_ok=True)
    project.build()
    log = log_path.read_text(encoding="utf-8")
    assert "scope: events loaded after " in log
    assert "late chat activity for " in log
    log_path.unlink()
    project.build(full_refresh=True)
    assert re.search(r"Run \d+ scope: full\n", log_path.read_text(encoding="utf-8"))


def test_every_table_is_a_dbt_node_or_a_declared_source(setup: Setup) -> None:
    project = setup.project
    project.reset(setup.loaded)
    project.build()
    manifest = json.loads((project.target / "manifest.json").read_text(encoding="utf-8"))
    known = {
        (node["schema"], node.get("alias") or node.get("identifier") or node["name"])
        for node in [*manifest["nodes"].values(), *manifest["sources"].values()]
        if node["resource_type"] in ("model", "seed", "snapshot", "source")
    }
    tables = _query(
        project.db_path,
        "select table_schema, table_name from information_schema.tables"
        " where table_catalog = current_database()",
    )
    assert tables
    assert set(tables) <= known, sorted(set(tables) - known)


def test_a_scheduled_build_checks_the_keys_it_loaded_against_every_key(setup: Setup) -> None:
    project = setup.project
    project.reset(setup.loaded)
    # a second row for a key loaded in an earlier run, as a new load
    execute_sql(
        project.db_path,
        "insert into raw.events select * replace ("
        " (select max(loaded_at) + interval 1 second from raw.events) as loaded_at)"
        " from raw.events where loaded_at = (select min(loaded_at) from raw.events) limit 1",
    )
    log = _failed_build_log(project, "--exclude-resource-type", "unit_test")
    assert "Failure in test unique_combination_stg_telemetry__events_workspace_id__event_id" in log


def test_a_scheduled_build_checks_the_outcomes_it_wrote_against_every_outcome(
    setup: Setup,
) -> None:
    project = setup.project
    project.reset(setup.loaded)
    project.build()
    # an outcome this run wrote, and a second row with its id under another event id (so
    # that the mart's delete+insert by key would not have removed it)
    ((outcome_id,),) = _query(
        project.db_path,
        "select outcome_id from marts.fct_goal_outcomes"
        " inner join intermediate.int_goal_outcomes_attributed as stored"
        " using (workspace_id, goal_code, event_id)"
        " where stored.run_id = (select run_id from intermediate.int_run_limits)"
        " order by outcome_id limit 1",
    )
    execute_sql(
        project.db_path,
        "insert into marts.fct_goal_outcomes select * replace (event_id || '-copy' as event_id)"
        f" from marts.fct_goal_outcomes where outcome_id = '{outcome_id}'",
    )
    log = _failed_build_log(project, "--select", "unique_combination_fct_goal_outcomes_outcome_id")
    assert "Failure in test unique_combination_fct_goal_outcomes_outcome_id" in log
    (compiled,) = project.target.glob(
        "compiled/**/unique_combination_fct_goal_outcomes_outcome_id.sql"
    )
    sql = compiled.read_text(encoding="utf-8")
    assert "where run_id >= (select run_id from" in sql
    # the rows from the written outcomes' earliest occurred_at on (the copy has its
    # original's, as every row of one outcome has)
    assert "occurred_at >= (select min(occurred_at) from changed_keys)" in sql


def _failed_build_log(project: Project, *args: str) -> str:
    """dbt's log of a `dbt build` that fails."""
    log_path = project.target / "logs" / "dbt.log"
    log_path.unlink(missing_ok=True)
    with pytest.raises(AssertionError):
        project.dbt("build", *args)
    return log_path.read_text(encoding="utf-8")
