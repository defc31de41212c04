"""The workload matrix runner (bench/matrix.py): its pieces, and one tiny run end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import matrix
from bench import workloads as wl

SUMMARY_KEYS = {
    "floor_seconds",
    "parse_seconds",
    "floor_mb_per_s",
    "ingest_seconds",
    "ingest_mb_per_s",
    "ingest_x_floor",
    "build_seconds",
    "build_x_floor",
    "full_seconds",
    "full_x_floor",
    "next_day_floor_seconds",
    "incremental_seconds",
    "incremental_ingest_seconds",
    "incremental_build_seconds",
    "incremental_x_floor",
    "incremental_percent_of_full",
    "peak_rss_mb",
    "outcomes",
    "outcomes_per_event",
}


def test_result_file_names() -> None:
    every = list(wl.SHAPES)
    assert matrix.result_file_name(1_000_000, every, 42) == "matrix-1000000.json"
    assert (
        matrix.result_file_name(10_000_000, ["middle", "goal_dense"], 7)
        == "matrix-10000000-middle+goal_dense-seed7.json"
    )


def test_summary_multiples_of_the_floor() -> None:
    result = matrix.ShapeResult("middle", "", "k", 1000, 42, history_bytes=50_000_000)
    result.floor.seconds, result.next_day_floor.seconds = 2.0, 0.5
    result.full.ingest.seconds, result.full.build.seconds = 4.0, 16.0
    result.parse_seconds = 7.0  # the deploy's: not part of the full run
    result.incremental = matrix.rb.Run()
    result.incremental.ingest.seconds, result.incremental.build.seconds = 1.0, 4.0
    result.full.build.peak_rss_mb, result.incremental.build.peak_rss_mb = 900.0, 950.0
    summary = matrix.summarize(result)
    assert set(summary) == SUMMARY_KEYS
    assert summary["ingest_x_floor"] == pytest.approx(2.0)
    assert summary["build_x_floor"] == pytest.approx(8.0)
    assert summary["full_x_floor"] == pytest.approx(10.0)
    assert summary["parse_seconds"] == 7.0
    assert summary["incremental_x_floor"] == pytest.approx(10.0)  # of the next day's floor
    assert summary["ingest_mb_per_s"] == pytest.approx(12.5)
    assert summary["incremental_percent_of_full"] == pytest.approx(25.0)
    assert summary["peak_rss_mb"] == 950.0


def test_unknown_shapes_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        matrix.main(["--shapes", "middle,nope"])
    assert exit_info.value.code == 2
    assert "unknown shape 'nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        matrix.main(["--help"])
    text = capsys.readouterr().out
    for shape in wl.SHAPES:
        assert shape in text
    for word in ("floor", "--generate-only", "--keep", "peak RSS", "next day"):
        assert word in text


def test_the_project_copy_has_the_shapes_seeds(tmp_path: Path) -> None:
    data = tmp_path / "data"
    wl.write_seeds(wl.SHAPES["many_goals"], wl.plan_goals(wl.SHAPES["many_goals"]), data / "seeds")
    project = matrix.copy_project(data, tmp_path / "project")
    for name in ("dbt_project.yml", "profiles.yml", "models", "macros", "tests/dbt"):
        assert (project / name).exists(), name
    assert not list((project / "tests" / "dbt").rglob("*.py"))
    assert (project / "seeds" / "currencies.csv").is_file()
    for name in wl.SEED_FILES:
        assert (project / "seeds" / name).read_bytes() == (data / "seeds" / name).read_bytes()
    # a second copy replaces the first
    (project / "models" / "stale.sql").write_text("select 1")
    matrix.copy_project(data, project)
    assert not (project / "models" / "stale.sql").exists()


@pytest.mark.slow
def test_a_tiny_matrix_run_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    events = 20_000
    args = ["--events", str(events), "--shapes", "goal_dense", "--work-dir", str(tmp_path)]
    assert matrix.main([*args, "--out", str(out)]) == 0

    document = json.loads(out.read_text())
    assert document["kind"] == "goals-bench-matrix"
    assert document["schema_version"] == matrix.SCHEMA_VERSION
    assert (document["events"], document["seed"]) == (events, wl.DEFAULT_SEED)
    assert {"cpus", "duckdb", "dbt-core", "DUCKDB_MEMORY_LIMIT"} <= set(document["machine"])
    (shape,) = document["shapes"]
    assert shape["shape"] == "goal_dense" and shape["ok"] and shape["error"] is None
    assert set(shape["summary"]) == SUMMARY_KEYS
    assert shape["files"] == 8
    assert shape["floor"]["rows"] == events
    assert shape["full"]["ingest"]["lines_read"] == events
    assert shape["full"]["build"]["success"] and shape["incremental"]["build"]["success"]
    assert shape["incremental"]["ingest"]["lines_read"] == shape["next_day_events"] == 200
    assert shape["outcomes_after_incremental"] > shape["outcomes"]
    # the generator's target, through dbt (pauses, dedupe and duplicates take a little off)
    assert shape["outcomes_per_event"] == pytest.approx(2.0, rel=0.1)
    for phase in (shape["floor"], shape["full"]["ingest"], shape["full"]["build"]):
        assert phase["peak_rss_mb"] > 0 and phase["seconds"] > 0
    assert shape["parse_seconds"] > 0  # parsed before the build, timed apart
    summary = shape["summary"]
    assert summary["full_x_floor"] == pytest.approx(
        summary["full_seconds"] / summary["floor_seconds"]
    )
    # the warehouse is removed (no --keep); the data set and the project copy stay
    work = Path(shape["work_folder"])
    assert not (work / "warehouse.duckdb").exists()
    assert (work / "project" / "seeds" / "goals.csv").is_file()
    assert wl.read_manifest(Path(shape["data_folder"])) is not None

    # a second call reuses the cached data set
    assert matrix.main([*args, "--generate-only"]) == 0
