"""Schedules."""

from __future__ import annotations

from dagster import DefaultScheduleStatus, ScheduleDefinition

from orchestration.jobs import AssetJob

DAILY_SCHEDULE_NAME = "goals_daily"
DAILY_CRON = "0 3 * * *"  # 03:00 UTC, every day


def build_daily_schedule(job: AssetJob) -> ScheduleDefinition:
    """The whole job once a day, so marts and event_catalog's rolling windows stay current
    even when no file lands."""
    return ScheduleDefinition(
        name=DAILY_SCHEDULE_NAME,
        job=job,
        cron_schedule=DAILY_CRON,
        execution_timezone="UTC",
        default_status=DefaultScheduleStatus.RUNNING,
        description="Run the whole pipeline daily at 03:00 UTC.",
    )
