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


def _round(
    shape: str, number: int, floor: float, full: float, ok: bool = True
) -> matrix.ShapeResult:
    result = matrix.ShapeResult(shape, "", "k", 1000, 42, round=number, history_bytes=10**6)
    result.floor.seconds = floor
    result.full.ingest.seconds, result.full.build.seconds = 1.0, full - 1.0
    result.ok = ok
    result.summary = matrix.summarize(result)
    return result


def test_medians_over_rounds_pair_each_round_with_its_own_floor() -> None:
    results = [
        _round("middle", 1, floor=1.0, full=9.0),
        _round("dense", 1, floor=1.0, full=10.0),
        _round("middle", 2, floor=2.0, full=10.0),
        _round("dense", 2, floor=1.0, full=30.0, ok=False),
        _round("middle", 3, floor=1.0, full=12.0),
        _round("dense", 3, floor=1.0, full=12.0),
    ]
    medians = matrix.median_summaries(results)
    assert list(medians) == ["middle", "dense"]
    middle = medians["middle"]
    assert middle["full_seconds"] == 10.0 and middle["floor_seconds"] == 1.0
    # the median of the rounds' multiples (9, 5, 12), not 10 s over a 1 s floor
    assert middle["full_x_floor"] == 9.0
    assert middle["full_x_floor_by_round"] == [9.0, 5.0, 12.0]
    assert (middle["rounds"], middle["rounds_ok"]) == (3, 3)
    # a failed round counts in the rounds and its multiple is shown, not in the medians
    dense = medians["dense"]
    assert dense["full_seconds"] == 11.0 and dense["full_x_floor"] == 11.0
    assert (dense["rounds"], dense["rounds_ok"]) == (3, 2)
    assert dense["full_x_floor_by_round"] == [10.0, 30.0, 12.0]


def test_the_report_of_several_rounds(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(matrix, "console", matrix.Console(width=250))  # no wrapped cells
    results = [_round("middle", n, floor=1.0, full=full) for n, full in ((1, 9.0), (2, 8.0))]
    matrix.report(results, 1000, repeat=2)
    text = capsys.readouterr().out
    assert "medians of 2 rounds" in text and "rounds x floor" in text
    assert "8.50 (8.5x)" in text  # the median full run and its multiple
    assert "9.0, 8.0" in text  # each round's multiple
    assert text.count("middle") == 1


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
    for word in ("floor", "--generate-only", "--keep", "--repeat", "peak RSS", "next day"):
        assert word in text
    with pytest.raises(SystemExit) as exit_info:
        matrix.main(["--repeat", "0"])
    assert exit_info.value.code == 2
    assert "--repeat must be at least 1" in capsys.readouterr().err


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
    assert document["repeat"] == 1
    (shape,) = document["shapes"]
    assert shape["shape"] == "goal_dense" and shape["ok"] and shape["error"] is None
    assert shape["round"] == 1
    # one round: its medians are its own figures
    assert document["medians"]["goal_dense"]["full_seconds"] == shape["summary"]["full_seconds"]
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
