"""The demo data built on DuckDB and on Spark gives identical marts, row for row: after the
first load, and after an incremental run on the next day's file (with late events)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from demo.generate import generate_events, generate_next_day
from tests.spark.helpers import Targets, need_java
from tests.support import copy_project

pytestmark = pytest.mark.slow

EVENTS = 4_000
DAYS = 20
START = datetime(2026, 2, 1, tzinfo=UTC)
#: The catalog's 7/30/90-day windows and the goals' statuses as of one instant on both.
REFERENCE_TIME = "2026-02-22T00:00:00Z"


def test_both_targets_build_the_same_marts_first_and_after_an_incremental_run(
    tmp_path: Path,
) -> None:
    need_java()
    targets = Targets(
        tmp_path, copy_project(tmp_path / "project"), {"reference_time": REFERENCE_TIME}
    )
    history = generate_events(EVENTS, tmp_path / "events", files=2, start=START, days=DAYS)
    next_day = generate_next_day(EVENTS, tmp_path / "next-day", n=400, start=START, days=DAYS)

    loaded = {}
    for spark in (False, True):
        results = targets.ingest(history, spark=spark)
        loaded[spark] = [(r["sha256"], r["status"], r["accepted"]) for r in results]
        targets.build(spark=spark)
    assert loaded[True] == loaded[False]
    assert targets.differences() == [], "the first build"

    for spark in (False, True):
        targets.ingest([next_day], spark=spark)
        targets.build(spark=spark)
    assert targets.differences() == [], "the incremental run on the next day's file"
