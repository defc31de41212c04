"""End to end, in-process, on throwaway warehouses: the main job builds the marts, a failing
dbt data test is a failed asset check, a held lock is retried then named, and two runs at
once neither corrupt nor deadlock the warehouse."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dagster import (
    AssetKey,
    DagsterEventType,
    DagsterInstance,
    ExecuteInProcessResult,
)

from orchestration.dbt_nodes import RAW_SOURCE_NAME, ROW_COUNT_KEY, model_relations
from orchestration.definitions import build_definitions
from orchestration.dev import ensure_dagster_home
from orchestration.jobs import MAIN_JOB_NAME
from orchestration.locks import DUCKDB_WRITER_POOL
from orchestration.project import dbt_project
from orchestration.resources import LandingFolder, WarehouseResource
from orchestration.run import execute_main_job, failure_messages, run_main_job
from tests.orchestration.conftest import (
    QUICK_RETRY,
    LockHolder,
    demo_file,
    demo_run,
    materialized,
    open_read_only,
    project_with_failing_test,
)
from tests.support import MARTS, PROJECT_DIR

pytestmark = pytest.mark.slow


def _mart_relations(project_dir: Path = PROJECT_DIR) -> dict[str, str]:
    manifest = json.loads(dbt_project(project_dir).manifest_path.read_text(encoding="utf-8"))
    relations = model_relations(manifest)
    return {
        props["name"]: relations[uid]
        for uid, props in manifest["nodes"].items()
        if props["resource_type"] == "model" and props["name"] in MARTS
    }


def _count(db_path: Path, relation: str) -> int:
    con = open_read_only(db_path)
    try:
        row = con.execute(f"select count(*) from {relation}").fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0])


def test_main_job_builds_the_marts(tmp_path: Path) -> None:
    db, landing, result = demo_run(tmp_path)

    done = materialized(result)
    events = done[AssetKey([RAW_SOURCE_NAME, "events"])]
    assert events["files_loaded"] == 1
    assert events["lines_read"] == 4
    assert (events["lines_accepted"], events["lines_rejected"], events["lines_duplicate"]) == (
        2,
        1,
        1,
    )
    assert events[ROW_COUNT_KEY] == 2
    assert done[AssetKey([RAW_SOURCE_NAME, "event_rejects"])][ROW_COUNT_KEY] == 1
    assert done[AssetKey([RAW_SOURCE_NAME, "loaded_files"])][ROW_COUNT_KEY] == 1

    relations = _mart_relations()
    assert set(relations) == set(MARTS)
    for mart, relation in relations.items():
        key = AssetKey(["marts", mart])
        assert key in done, f"{mart} was not materialized"
        assert done[key][ROW_COUNT_KEY] == _count(db, relation), mart
    assert _count(db, relations["fct_goal_outcomes"]) == 2  # add_to_cart + purchase
    assert all(check.passed for check in result.get_asset_check_evaluations())
    # the same landing folder again: nothing new is loaded; every dbt node, the
    # configuration included, is built again
    again = execute_main_job(db, landing)
    assert again.success, failure_messages(again)
    rebuilt = materialized(again)
    events = rebuilt[AssetKey([RAW_SOURCE_NAME, "events"])]
    assert (events["files_loaded"], events["files_skipped"], events[ROW_COUNT_KEY]) == (0, 1, 2)
    assert AssetKey(["seeds", "goals"]) in rebuilt
    assert AssetKey(["intermediate", "int_goals_fingerprinted"]) in rebuilt
    assert {AssetKey(["marts", mart]) for mart in MARTS} <= set(rebuilt)
    assert all(check.passed for check in again.get_asset_check_evaluations())
    assert len(again.get_asset_check_evaluations()) == len(result.get_asset_check_evaluations())


def test_run_main_job_reports_success(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    demo_file(landing)
    assert run_main_job(tmp_path / "goals.duckdb", landing) is True


def test_failing_dbt_data_test_is_a_failed_asset_check(tmp_path: Path) -> None:
    project_dir = project_with_failing_test(tmp_path / "project", "orchestration_always_fails")
    landing = tmp_path / "landing"
    demo_file(landing)

    result = execute_main_job(tmp_path / "goals.duckdb", landing, project_dir=project_dir)

    assert not result.success
    checks = {
        (evaluation.asset_key, evaluation.check_name): evaluation
        for evaluation in result.get_asset_check_evaluations()
    }
    failing = checks[(AssetKey(["marts", "dim_goals"]), "orchestration_always_fails")]
    assert not failing.passed
    assert all(e.passed for k, e in checks.items() if k[1] != "orchestration_always_fails")
    assert any("orchestration_always_fails" in m for m in failure_messages(result))
    # a failed test does not hide what was built: the other marts are materialized
    assert AssetKey(["marts", "fct_goal_outcomes"]) in materialized(result)


def _retried(result: ExecuteInProcessResult, step_key: str) -> bool:
    return any(
        event.event_type == DagsterEventType.STEP_UP_FOR_RETRY and event.step_key == step_key
        for event in result.all_events
    )


@pytest.mark.parametrize("step", ["ingest_landing_files", "goals_dbt"])
def test_held_lock_is_retried_then_fails_naming_the_holder(
    tmp_path: Path, lock_holder: type[LockHolder], step: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ingest.warehouse.connect waits this long itself before the step's retry policy
    monkeypatch.setenv("GOALS_LOCK_TIMEOUT_S", "1")
    db = tmp_path / "goals.duckdb"
    landing = tmp_path / "landing"
    demo_file(landing)
    defs = build_definitions(
        warehouse=WarehouseResource(db_path=str(db)),
        landing=LandingFolder(path=str(landing), settle_seconds=0),
        retry_policy=QUICK_RETRY,
    )
    job = defs.resolve_job_def(MAIN_JOB_NAME)
    graph = defs.resolve_asset_graph()
    keys = [
        key
        for key in graph.materializable_asset_keys
        if (key.path[0] == RAW_SOURCE_NAME) == (step == "ingest_landing_files")
    ]
    holder = lock_holder(db)

    result = job.execute_in_process(raise_on_error=False, asset_selection=keys)

    assert not result.success
    assert _retried(result, step)
    messages = [m for m in failure_messages(result) if m.startswith(step)]
    assert messages, failure_messages(result)
    assert f"PID {holder.pid}" in messages[0] or str(holder.pid) in messages[0]

    holder.release()
    con = duckdb.connect(str(db))  # the warehouse opens once the holder is gone
    con.close()


def _check_warehouse_after_two_runs(db: Path, landing_file: Path) -> None:
    from orchestration.landing_files import file_sha256

    con = duckdb.connect(str(db))  # opens read-write: not locked, not corrupt
    try:
        ledger = con.execute(
            "select count(*) from raw.loaded_files where file_sha256 = ?",
            [file_sha256(landing_file)],
        ).fetchone()
        events = con.execute("select count(*) from raw.events").fetchone()
    finally:
        con.close()
    assert ledger == (1,)
    assert events == (2,)


RUNNER = """\
import json, sys
from dagster import DagsterInstance
from orchestration.run import execute_main_job, failure_messages
instance = DagsterInstance.from_config(sys.argv[3]) if len(sys.argv) > 3 else None
print("ready", flush=True)
sys.stdin.readline()  # the parent's "go": both processes start together
result = execute_main_job(sys.argv[1], sys.argv[2], instance=instance)
print(json.dumps({"success": result.success, "failures": failure_messages(result)}), flush=True)
"""


def _run_two_processes(
    db: Path, landing: Path, instance_dir: Path | None = None
) -> list[dict[str, Any]]:
    """Start two processes running the main job, release them together, collect outcomes.
    (Processes, not threads: Dagster's in-process execution is not thread-safe: two runs in
    threads of one process deadlock in `logging`.)"""
    extra = [str(instance_dir)] if instance_dir is not None else []
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", RUNNER, str(db), str(landing), *extra],
            cwd=PROJECT_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        outcomes = []
        for process in processes:
            out, _ = process.communicate(timeout=900)
            assert process.returncode == 0, out
            outcomes.append(json.loads(out.strip().splitlines()[-1]))
        return outcomes
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_two_runs_on_one_instance_take_turns_in_the_pool(tmp_path: Path) -> None:
    """Two runs at once on one instance with the dev pool limit (as `make dev` has it): the
    DuckDB-writing steps take turns, both runs succeed."""
    db = tmp_path / "goals.duckdb"
    landing = tmp_path / "landing"
    landing_file = demo_file(landing)
    instance_dir = tmp_path / "dagster_home"
    ensure_dagster_home(instance_dir)
    with DagsterInstance.from_config(str(instance_dir)):
        pass  # create its storage once, as `dg dev` does before any run

    outcomes = _run_two_processes(db, landing, instance_dir)

    assert all(o["success"] for o in outcomes), outcomes
    _check_warehouse_after_two_runs(db, landing_file)
    with DagsterInstance.from_config(str(instance_dir)) as instance:
        pools = {pool.name: pool.limit for pool in instance.event_log_storage.get_pool_limits()}
    assert pools.get(DUCKDB_WRITER_POOL) == 1  # the steps claimed slots of the pool


def test_two_processes_at_once_finish_or_fail_cleanly(tmp_path: Path) -> None:
    """Two processes each running the job on its own throwaway instance (no shared pool):
    the lock retries let both finish, or one fails with the lock message; either way the
    warehouse opens afterwards, each file loaded once."""
    db = tmp_path / "goals.duckdb"
    landing = tmp_path / "landing"
    landing_file = demo_file(landing)

    outcomes = _run_two_processes(db, landing)

    assert any(o["success"] for o in outcomes), outcomes
    for outcome in outcomes:
        if not outcome["success"]:
            text = " ".join(outcome["failures"])
            assert "locked by" in text and "PID" in text, outcome
    _check_warehouse_after_two_runs(db, landing_file)


def test_goals_dagster_run_reports_a_failed_step(tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from cli import dagster_cmd

    app = typer.Typer()
    dagster_cmd.register(app)
    landing = tmp_path / "landing"
    demo_file(landing)
    not_a_database = tmp_path / "a-folder.duckdb"
    not_a_database.mkdir()

    result = CliRunner().invoke(
        app, ["dagster", "run", "--db", str(not_a_database), "--landing", str(landing)]
    )

    assert result.exit_code == 1, result.output
    assert "ingest_landing_files" in result.output


def test_a_bad_file_is_set_aside_and_the_marts_still_build(tmp_path: Path) -> None:
    """`goals dagster run` on a landing folder whose first file is a truncated gzip: the
    good file loads, dbt runs, the marts move; the output is quiet, ends with a one-line
    result and holds no colour codes outside a terminal."""
    import gzip

    import typer
    from typer.testing import CliRunner

    from cli import dagster_cmd

    app = typer.Typer()
    dagster_cmd.register(app)
    landing = tmp_path / "landing"
    bad = landing / "a-bad.ndjson.gz"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(gzip.compress(b'{"event_id": "x"}\n' * 100)[:-10])
    demo_file(landing, "b-good.ndjson")
    db = tmp_path / "wh" / "goals.duckdb"

    result = CliRunner().invoke(app, ["dagster", "run", "--db", str(db), "--landing", str(landing)])

    assert result.exit_code == 0, result.output
    assert "\x1b[" not in result.stdout + result.stderr
    assert "DEBUG" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout  # dbt's log is not echoed without --verbose
    assert lines[0].startswith("Run succeeded in ")
    assert "1 file(s) loaded (0 skipped, 1 set aside" in lines[0]
    assert "2 goal outcomes" in lines[0]
    assert f"set aside {bad}: [invalid_gzip]" in result.stderr
    assert _count(db, _mart_relations()["fct_goal_outcomes"]) == 2
    con = open_read_only(db)
    try:
        rejected = con.execute("select file_path, reason_code from raw.file_rejects").fetchall()
    finally:
        con.close()
    assert rejected == [(str(bad), "invalid_gzip")]

    # the landing folder gone: said in one line, and the models still build
    missing = tmp_path / "no-landing"
    result = CliRunner().invoke(app, ["dagster", "run", "--db", str(db), "--landing", str(missing)])
    assert result.exit_code == 0, result.output
    assert f"The landing folder {missing} does not exist (set LANDING_DIR)" in result.stderr
    assert f"0 file(s): the landing folder {missing} does not exist (LANDING_DIR)" in result.stdout
