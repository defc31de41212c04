"""The benchmark script's pure helpers (the benchmark itself is run by hand)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.support import PROJECT_DIR as ROOT


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_bench", ROOT / "bench" / "run_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


rb = _load()


def test_percent_ratio_and_verdict() -> None:
    assert rb.percent(1.5, 15.0) == pytest.approx(10.0)
    assert rb.percent(None, 15.0) is None
    assert rb.percent(1.0, 0.0) is None
    assert rb.ratio(99.0, 9.0) == pytest.approx(11.0)
    assert rb.ratio(1.0, None) is None
    assert rb.verdict(10.0, 10.0) == "✓"
    assert rb.verdict(10.01, 10.0) == "✗"
    assert rb.verdict(None, 10.0) == "?"
    assert rb.fmt(None) == "-"
    assert rb.fmt(12.345, ".2f", " %") == "12.35 %"


def test_run_file_name() -> None:
    assert rb.run_file_name(1_000_000) == "run-1000000.json"
    assert rb.run_file_name(10_000_000, 8) == "run-10000000-files8.json"
    assert rb.run_file_name(100, 2, True, 7) == "run-100-files2-gz-seed7.json"
    assert rb.resolve_compare_to("1000000") == rb.OUT / "run-1000000.json"
    assert rb.resolve_compare_to("some/file.json") == Path("some/file.json")


def _result(events: int, ingest: float, build: float, incr: tuple[float, float] | None):
    result = rb.BenchResult(events=events, files=1, compressed=False, seed=42)
    result.full.ingest.seconds, result.full.build.seconds = ingest, build
    result.full.build.elapsed = build / 2
    result.full.ingest.peak_rss_mb, result.full.build.peak_rss_mb = 300.0, 900.0
    if incr is not None:
        result.incremental = rb.Run()
        result.incremental.ingest.seconds, result.incremental.build.seconds = incr
        result.incremental.build.elapsed = incr[1] / 4
        result.incremental.build.peak_rss_mb = 950.0
    return result


def test_summary_and_comparison() -> None:
    one = rb.summarize(_result(1_000_000, 3.0, 7.0, (0.1, 0.9)))
    assert one["full_seconds"] == pytest.approx(10.0)
    assert one["incremental_seconds"] == pytest.approx(1.0)
    assert one["incremental_percent"] == pytest.approx(10.0)
    assert one["incremental_build_percent"] == pytest.approx(0.9 / 7.0 * 100)
    assert one["incremental_build_elapsed_percent"] == pytest.approx(0.225 / 3.5 * 100)
    assert one["peak_rss_mb"] == 950.0
    ten = rb.summarize(_result(10_000_000, 30.0, 80.0, None))
    assert ten["incremental_percent"] is None and ten["peak_rss_mb"] == 900.0
    ratios = rb.compare(ten, one)
    assert ratios["events"] == pytest.approx(10.0)
    assert ratios["full_seconds"] == pytest.approx(11.0)
    assert ratios["incremental_seconds"] is None


def test_summary_of_reads_both_result_formats() -> None:
    new = rb.summarize(_result(1_000, 1.0, 2.0, (0.1, 0.2)))
    assert rb.summary_of({"events": 1_000, "summary": new}) == new
    # a file written before the incremental run existed
    old = {"events": 1_000_000, "ingest_seconds": 2.7, "dbt_seconds": 5.5, "dbt_elapsed": 2.6}
    summary = rb.summary_of(old)
    assert summary["full_seconds"] == pytest.approx(8.2)
    assert summary["full_build_elapsed"] == 2.6
    assert summary["incremental_seconds"] is None


def test_node_rows_merge_both_builds() -> None:
    full = [{"node": "model.p.a", "seconds": 2.0}, {"node": "model.p.b", "seconds": 0.5}]
    incremental = [{"node": "model.p.b", "seconds": 3.0}, {"node": "model.p.c", "seconds": 0.1}]
    assert rb.node_rows(full, incremental, 2) == [("model.p.b", 0.5, 3.0), ("model.p.a", 2.0, None)]
    assert rb.node_rows(full, None, 5) == [("model.p.a", 2.0, None), ("model.p.b", 0.5, None)]
    assert rb.short_node("model.goals_analytics.fct_goal_outcomes") == "model.fct_goal_outcomes"


def test_run_child_measures_the_child_alone() -> None:
    child = rb.run_child([sys.executable, "-c", "x = bytearray(150 * 2**20); x[-1] = 1"])
    assert child.returncode == 0
    assert child.peak_rss_mb >= 150
    assert rb.run_child([sys.executable, "-c", "raise SystemExit(3)"]).returncode == 3
