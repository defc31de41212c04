"""Run the main job headless, in-process (what `make demo` calls)."""

from __future__ import annotations

from pathlib import Path

from dagster import DagsterInstance, ExecuteInProcessResult, RetryPolicy

from orchestration.helpers import LOCK_RETRY_POLICY
from orchestration.jobs import MAIN_JOB_NAME
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
) -> ExecuteInProcessResult:
    """Ingest `landing_dir` into `db_path` and build every dbt model and data test, in this
    process, one step after the other. Without `instance`, an ephemeral (in-memory) instance
    holds the run: nothing is written outside the warehouse and dbt's target/ folder."""
    from orchestration.definitions import build_definitions

    defs = build_definitions(
        project_dir,
        warehouse=WarehouseResource(db_path=str(Path(db_path).resolve())),
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


def run_main_job(db_path: str | Path, landing_dir: str | Path) -> bool:
    """The main job on `db_path` and `landing_dir`; True when every step and check passed."""
    return execute_main_job(db_path, landing_dir).success
