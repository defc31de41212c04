"""The incremental property on the Spark target, in a reduced form: the four scenarios the
DuckDB property test always runs (late dedupe, late chat with a customer change, a chat
straddling two loads, configuration changes between runs), merged into one two-load
history. Spark's incremental runs must end with the marts of a DuckDB full refresh of the
same data (tests/incremental proves DuckDB's incremental runs equal that)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.incremental.helpers import REFERENCE_TIME, Project
from tests.incremental.test_incremental_equals_full_refresh import (
    BASE_GOALS,
    BASE_STATUSES,
    CONFIG_CHANGES,
    LATE_CHAT_AND_CUSTOMER_CHANGE,
    LATE_DEDUPE,
    STRADDLED_CHAT,
    WORKSPACES,
    apply_change,
)
from tests.spark.helpers import Targets, need_java

pytestmark = pytest.mark.slow

SCENARIOS = (LATE_DEDUPE, LATE_CHAT_AND_CUSTOMER_CHANGE, STRADDLED_CHAT, CONFIG_CHANGES)


def _renamed(line: str, prefix: str) -> str:
    """A scenario's event with its ids kept apart from the other scenarios'."""
    event = json.loads(line)
    for key in ("event_id", "conversation_id", "customer_id"):
        if event.get(key):
            event[key] = f"{prefix}{event[key]}"
    return json.dumps(event)


def _merged() -> tuple[list[list[str]], list[list[str]]]:
    batches: list[list[str]] = [[], []]
    changes: list[list[str]] = [[], []]
    for number, (scenario_batches, scenario_changes) in enumerate(SCENARIOS):
        for index, (batch, edits) in enumerate(
            zip(scenario_batches, scenario_changes, strict=True)
        ):
            batches[index] += [_renamed(line, f"s{number}-") for line in batch]
            changes[index] += [edit for edit in edits if edit not in changes[index]]
    return batches, changes


def test_incremental_runs_on_spark_end_as_a_full_refresh(tmp_path: Path) -> None:
    need_java()
    project = Project(tmp_path)
    targets = Targets(tmp_path, project.dir, {"reference_time": REFERENCE_TIME})
    config: dict[str, list[dict[str, Any]]] = {
        "goals": [dict(g) for g in BASE_GOALS],
        "statuses": [dict(s) for s in BASE_STATUSES],
        "workspaces": [dict(w) for w in WORKSPACES],
    }
    batches, changes = _merged()
    for number, (batch, edits) in enumerate(zip(batches, changes, strict=True)):
        for change in edits:
            apply_change(change, config)
        project.write_seeds(config["goals"], config["statuses"], config["workspaces"])
        path = tmp_path / f"batch-{number}.ndjson"
        path.write_text("".join(line + "\n" for line in batch), encoding="utf-8")
        targets.ingest([path], spark=False)
        targets.ingest([path], spark=True)
        targets.build(spark=True)
    targets.build("--full-refresh", spark=False)
    assert targets.differences() == []
