"""Benchmark: the same data on each target (DuckDB, local Spark), side by side.

    python -m bench.targets --events 1000000 [--files 4] [--targets duckdb spark]

For each target, in child processes of their own, on a fresh warehouse (DuckDB file, or
lake): ingest the N events, `dbt build --full-refresh` (no unit tests), then ingest the
next day's batch and run the scheduled (incremental) build. The data is
`bench/run_bench.py`'s (cached in bench/out/ by its arguments). Prints one row per target
with the seconds of each phase and the peak RSS of the child process (`os.wait4`: on
Spark that is the Python process running dbt, not the JVM it starts, whose heap
SPARK_DRIVER_MEMORY bounds) and writes `bench/out/targets-<events>.json`. Nothing is
written to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.run_bench import OUT, ROOT, data_dir, machine_info, next_day_dir, run_child

console = Console(highlight=False)

REFERENCE_TIME = "2030-01-01T00:00:00Z"
_INGEST = (
    "import sys; from goals_core.raw_load import ingest_for_target, raw_db_path; "
    "from ingest.warehouse import connect; con = connect(raw_db_path()); "
    "ingest_for_target(con, sys.argv[1:]); con.close()"
)


def _data(events: int, files: int, seed: int, next_events: int) -> tuple[list[Path], Path]:
    from demo.generate import file_names, next_day_file_name

    folder = data_dir(events, seed, files, False)
    history = [folder / name for name in file_names(files)]
    common = ["--events", str(events), "--files", str(files), "--seed", str(seed)]
    if not all(p.is_file() for p in history):
        console.print(f"Generating {events:,} events into {folder} …")
        _check(run_child([sys.executable, "-m", "demo.generate", *common, "--out", str(folder)]))
    late = 0.02
    day_folder = next_day_dir(events, seed, files, False, next_events, late)
    next_day = day_folder / next_day_file_name()
    if not next_day.is_file():
        command = [*common, "--next-day", "--next-day-events", str(next_events)]
        command += ["--late-fraction", str(late), "--out", str(day_folder)]
        _check(run_child([sys.executable, "-m", "demo.generate", *command]))
    return history, next_day


def _check(child: Any) -> Any:
    if child.returncode != 0:
        raise SystemExit(f"a child process failed (exit code {child.returncode})")
    return child


def _phase(command: Sequence[str], env: dict[str, str]) -> dict[str, float]:
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        child = _check(run_child(command, quiet=True))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {"seconds": round(child.seconds, 2), "peak_rss_mb": round(child.peak_rss_mb, 1)}


def run_target(target: str, history: list[Path], next_day: Path, work: Path) -> dict[str, Any]:
    place = work / target
    shutil.rmtree(place, ignore_errors=True)
    place.mkdir(parents=True)
    env = {
        "GOALS_TARGET": target,
        "GOALS_LAKE_PATH": str(place / "lake"),
        "DUCKDB_PATH": str(place / "warehouse.duckdb"),
        "DBT_PROFILES_DIR": str(ROOT),
        "DBT_PROJECT_DIR": str(ROOT),
    }
    dbt = [str(Path(sys.executable).with_name("dbt")), "build", "--quiet"]
    dbt += ["--exclude-resource-type", "unit_test", "--target-path", str(place / "target")]
    dbt += ["--vars", json.dumps({"reference_time": REFERENCE_TIME})]
    ingest = [sys.executable, "-c", _INGEST]
    phases: dict[str, Any] = {}
    console.print(f"[bold]{target}[/]: ingest {len(history)} file(s) …")
    phases["ingest"] = _phase([*ingest, *map(str, history)], env)
    console.print(f"[bold]{target}[/]: full build …")
    phases["build"] = _phase([*dbt, "--full-refresh"], env)
    console.print(f"[bold]{target}[/]: next day …")
    phases["next_day_ingest"] = _phase([*ingest, str(next_day)], env)
    phases["next_day_build"] = _phase(dbt, env)
    return phases


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, required=True, help="number of event lines")
    parser.add_argument("--files", type=int, default=1, help="number of input files")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--targets", nargs="+", default=["duckdb", "spark"])
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    history, next_day = _data(args.events, args.files, args.seed, max(args.events // 100, 1))
    work = OUT / f"targets-{args.events}"
    results = {target: run_target(target, history, next_day, work) for target in args.targets}

    table = Table(title=f"{args.events:,} events, {len(history)} file(s)")
    for column in ("target", "ingest s", "full build s", "next day s", "peak RSS MB (Python)"):
        table.add_column(column, justify="left" if column == "target" else "right")
    for target, phases in results.items():
        day = phases["next_day_ingest"]["seconds"] + phases["next_day_build"]["seconds"]
        peak = max(phase["peak_rss_mb"] for phase in phases.values())
        table.add_row(
            target,
            f"{phases['ingest']['seconds']:.1f}",
            f"{phases['build']['seconds']:.1f}",
            f"{day:.1f}",
            f"{peak:,.0f}",
        )
    console.print(table)
    out = OUT / f"targets-{args.events}.json"
    payload = {"events": args.events, "files": len(history), "machine": machine_info()}
    out.write_text(json.dumps({**payload, "targets": results}, indent=2) + "\n")
    console.print(f"Wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
