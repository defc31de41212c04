"""Run the main job headless, in-process (what `make demo` calls)."""

from __future__ import annotations

from pathlib import Path

from dagster import DagsterInstance, ExecuteInProcessResult, RetryPolicy

from orchestration.jobs import MAIN_JOB_NAME
from orchestration.locks import LOCK_RETRY_POLICY
from orchestration.project import PROJECT_DIR
from orchestration.resources import LandingFolder, WarehouseResource


def execute_main_job(
    db_path: str | Path,
    landing_dir: str | Path,
    *,
    instance: DagsterInstance | None = None,
    project_dir: Path = PROJECT_DIR,
    retry_policy: RetryPolicy = LOCK_RETRY_POLICY,
    log_level: str = "DEBUG",
    lake: str | Path | None = None,
) -> ExecuteInProcessResult:
    """Ingest `landing_dir` into `db_path` (on the Spark target: into `lake`, default
    $GOALS_LAKE_PATH) and build every dbt model and data test, in this process, one step
    after the other. Without `instance`, an ephemeral (in-memory) instance holds the run:
    nothing is written outside the warehouse and dbt's target/ folder."""
    from orchestration.definitions import build_definitions

    defs = build_definitions(
        project_dir,
        warehouse=WarehouseResource(
            db_path=str(Path(db_path).resolve()),
            lake=str(Path(lake).resolve()) if lake is not None else None,
        ),
        # The files are complete when this is called: no settling time.
        landing=LandingFolder(path=str(Path(landing_dir).resolve()), settle_seconds=0.0),
        retry_policy=retry_policy,
    )
    job = defs.resolve_job_def(MAIN_JOB_NAME)
    run_config = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    if instance is not None:
        return job.execute_in_process(
            instance=instance, raise_on_error=False, run_config=run_config
        )
    with DagsterInstance.ephemeral() as ephemeral:
        return job.execute_in_process(
            instance=ephemeral, raise_on_error=False, run_config=run_config
        )


def failure_messages(result: ExecuteInProcessResult) -> list[str]:
    """The message of every failed step of a run (what to print when it did not succeed)."""
    messages = []
    for event in result.get_step_failure_events():
        data = event.step_failure_data
        error = data.error if data is not None else None
        parts: list[str] = []
        while error is not None:  # the error, then what caused it
            parts.append(error.message.strip())
            error = error.cause
        messages.append(f"{event.step_key}: {' / '.join(parts) or event.message or ''}")
    return messages


def run_summary(result: ExecuteInProcessResult, seconds: float, landing_dir: str | Path) -> str:
    """One line: success or failure, files loaded, lines, marts built, checks, duration."""
    from orchestration.dbt_nodes import RAW_EVENTS_TABLE, RAW_SOURCE_NAME, ROW_COUNT_KEY

    materialized: dict[tuple[str, ...], dict[str, object]] = {}
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization  # type: ignore[union-attr]
        materialized[tuple(materialization.asset_key.path)] = {
            key: getattr(value, "value", value) for key, value in materialization.metadata.items()
        }
    parts: list[str] = []
    ingest = materialized.get((RAW_SOURCE_NAME, RAW_EVENTS_TABLE))
    if ingest is not None:

        def count(key: str) -> int:
            return int(ingest.get(key, 0))  # type: ignore[call-overload]

        if not ingest.get("landing_dir_exists", True):  # as the ingest step found it
            files = f"0 file(s): the landing folder {landing_dir} does not exist (LANDING_DIR)"
        else:
            set_aside = count("files_set_aside")
            files = f"{count('files_loaded')} file(s) loaded ({count('files_skipped')} skipped"
            files += f", {set_aside} set aside: `goals rejects --files`)" if set_aside else ")"
        parts.append(files)
        parts.append(
            f"{count('lines_accepted'):,} event(s) accepted, "
            f"{count('lines_rejected'):,} line(s) rejected"
        )
    marts = [key for key in materialized if key[0] == "marts"]
    if marts:
        outcomes = materialized.get(("marts", "fct_goal_outcomes"), {}).get(ROW_COUNT_KEY)
        built = f"{len(marts)} mart(s) built"
        if outcomes is not None:
            built += f" ({int(outcomes):,} goal outcomes)"  # type: ignore[call-overload]
        parts.append(built)
    checks = result.get_asset_check_evaluations()
    if checks:
        passed = sum(1 for check in checks if check.passed)
        parts.append(f"{passed}/{len(checks)} checks passed")
    verdict = "Run succeeded" if result.success else "Run FAILED"
    return f"{verdict} in {seconds:.1f} s: " + "; ".join(parts or ["nothing ran"])


def run_main_job(db_path: str | Path, landing_dir: str | Path) -> bool:
    """The main job on `db_path` and `landing_dir`; True when every step and check passed."""
    return execute_main_job(db_path, landing_dir).success
