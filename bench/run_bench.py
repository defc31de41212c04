"""Benchmark: generate N events, load them into a fresh DuckDB file, run `dbt build`.

    python bench/run_bench.py --events 1000000 [--files 4] [--gz] [--keep]

Generated data is cached in ``bench/out/`` by (events, seed, files, gz): a rerun with
the same arguments reuses it. Each run starts from an empty warehouse
(``bench/out/bench-<events>.duckdb``, deleted afterwards unless ``--keep``). dbt writes
its artefacts to a ``bench/out/target-<pid>`` folder of its own (removed afterwards), so
the project's ``target/`` is left alone and dbt parses the project from scratch.

Prints the timings (ingest MB/s and events/s, dbt build seconds with the slowest
nodes from ``run_results.json``, end-to-end events/s) and the peak RSS of this process
(ingest and dbt run in it) and of its children (the generator). Nothing is written to
docs/benchmarks.md: copy the figures there by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

OUT = ROOT / "bench" / "out"
console = Console()


@dataclass
class BenchResult:
    events: int
    files: int
    compressed: bool
    seed: int
    data_bytes: int = 0
    generate_seconds: float | None = None  # None when the data came from the cache
    ingest_seconds: float = 0.0
    lines_read: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicate: int = 0
    dbt_seconds: float = 0.0
    dbt_elapsed: float | None = None  # dbt's own elapsed time (without start-up and parsing)
    dbt_success: bool = False
    outcomes: int | None = None
    warehouse_bytes: int = 0
    peak_rss_self_mb: float = 0.0
    peak_rss_children_mb: float = 0.0
    nodes: list[dict[str, Any]] = field(default_factory=list)
    machine: dict[str, str] = field(default_factory=dict)


def data_dir(events: int, seed: int, files: int, compress: bool) -> Path:
    return OUT / f"events-{events}-seed{seed}-files{files}{'-gz' if compress else ''}"


def ensure_data(result: BenchResult) -> list[Path]:
    """The cached input files, generated in a child process when missing."""
    from demo.generate import file_names

    folder = data_dir(result.events, result.seed, result.files, result.compressed)
    paths = [folder / name for name in file_names(result.files, compress=result.compressed)]
    if all(p.is_file() for p in paths):
        console.print(f"Using cached data in {folder.relative_to(ROOT)}")
        return paths
    command = [
        sys.executable,
        "-m",
        "demo.generate",
        "--events",
        str(result.events),
        "--out",
        str(folder),
        "--files",
        str(result.files),
        "--seed",
        str(result.seed),
    ]
    if result.compressed:
        command.append("--gz")
    console.print(f"Generating {result.events:,} events into {folder.relative_to(ROOT)} …")
    began = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    result.generate_seconds = time.perf_counter() - began
    return paths


def fresh_warehouse(events: int) -> Path:
    path = OUT / f"bench-{events}.duckdb"
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    return path


def run_ingest(db_path: Path, paths: list[Path], result: BenchResult) -> None:
    from ingest.loader import ingest_paths
    from ingest.schema import ensure_raw_schema
    from ingest.warehouse import connect

    with connect(db_path) as con:
        ensure_raw_schema(con)
        began = time.perf_counter()
        results = ingest_paths(con, paths)
        result.ingest_seconds = time.perf_counter() - began
    result.lines_read = sum(r.read for r in results)
    result.accepted = sum(r.accepted for r in results)
    result.rejected = sum(r.rejected for r in results)
    result.duplicate = sum(r.duplicate for r in results)


def run_build(db_path: Path, result: BenchResult) -> None:
    from cli.dbt_runner import build_args, run_dbt

    # A target folder of this run only: concurrent runs must not read each other's results.
    target = OUT / f"target-{os.getpid()}"
    shutil.rmtree(target, ignore_errors=True)
    began = time.perf_counter()
    outcome = run_dbt(
        "build",
        *build_args(),
        "--target-path",
        str(target),
        "--log-path",
        str(OUT / "logs"),
        "--quiet",  # errors still print
        db_path=db_path,
    )
    result.dbt_seconds = time.perf_counter() - began
    result.dbt_success = outcome.success
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        env = DuckDBConnectionManager._ENV
        if env is not None:
            env.close()
        DuckDBConnectionManager.close_all_connections()
    except Exception:  # best effort before reopening the file
        pass
    run_results = target / "run_results.json"
    if run_results.is_file():
        data = json.loads(run_results.read_text())
        result.dbt_elapsed = data.get("elapsed_time")
        nodes = [
            {
                "node": r["unique_id"],
                "status": r["status"],
                "seconds": round(float(r.get("execution_time") or 0.0), 3),
            }
            for r in data.get("results", [])
        ]
        result.nodes = sorted(nodes, key=lambda n: -n["seconds"])
    shutil.rmtree(target, ignore_errors=True)


def count_outcomes(db_path: Path) -> int | None:
    import duckdb

    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            rows = con.execute(
                "select table_schema from information_schema.tables "
                "where table_name = 'fct_goal_outcomes' order by table_schema = 'marts' desc"
            ).fetchall()
            if not rows:
                return None
            (n,) = con.execute(f'select count(*) from "{rows[0][0]}".fct_goal_outcomes').fetchone()
            return int(n)
    except duckdb.Error:
        return None


def machine_info() -> dict[str, str]:
    import duckdb

    try:
        from importlib.metadata import version

        dbt_version = version("dbt-core")
    except Exception:
        dbt_version = "?"
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": str(os.cpu_count()),
        "duckdb": duckdb.__version__,
        "dbt-core": dbt_version,
        "DUCKDB_MEMORY_LIMIT": os.environ.get("DUCKDB_MEMORY_LIMIT", "8GB (profile default)"),
    }


def _rate(amount: float, seconds: float) -> str:
    return f"{amount / seconds:,.0f}" if seconds > 0 else "-"


def report(result: BenchResult, top: int) -> None:
    mb = result.data_bytes / 1e6
    table = Table(title=f"Benchmark: {result.events:,} events, {result.files} file(s)")
    for header in ("phase", "seconds", "events/s", "MB/s", "notes"):
        table.add_column(header, justify="left" if header in ("phase", "notes") else "right")
    if result.generate_seconds is not None:
        table.add_row(
            "generate",
            f"{result.generate_seconds:.1f}",
            _rate(result.events, result.generate_seconds),
            _rate(mb, result.generate_seconds),
            "child process",
        )
    table.add_row(
        "ingest",
        f"{result.ingest_seconds:.1f}",
        _rate(result.lines_read, result.ingest_seconds),
        _rate(mb, result.ingest_seconds),
        f"{result.accepted:,} accepted, {result.rejected:,} rejected, "
        f"{result.duplicate:,} duplicate",
    )
    table.add_row(
        "dbt build",
        f"{result.dbt_seconds:.1f}",
        _rate(result.accepted, result.dbt_seconds),
        "",
        ("ok" if result.dbt_success else "FAILED")
        + (f", {result.outcomes:,} outcomes" if result.outcomes is not None else "")
        + (
            f"; {result.dbt_elapsed:.1f} s executing (rest: start-up, parsing)"
            if result.dbt_elapsed is not None
            else ""
        ),
    )
    total = result.ingest_seconds + result.dbt_seconds
    table.add_row(
        "end to end", f"{total:.1f}", _rate(result.events, total), _rate(mb, total), "ingest + dbt"
    )
    console.print(table)
    console.print(
        f"Input {mb:,.1f} MB ({result.data_bytes / max(result.events, 1):.0f} bytes/event); "
        f"warehouse {result.warehouse_bytes / 1e6:,.1f} MB; "
        f"peak RSS: this process {result.peak_rss_self_mb:,.0f} MB, "
        f"children {result.peak_rss_children_mb:,.0f} MB"
    )
    if result.nodes:
        nodes = Table(title=f"Slowest dbt nodes (of {len(result.nodes)})")
        nodes.add_column("node")
        nodes.add_column("status")
        nodes.add_column("seconds", justify="right")
        for node in result.nodes[:top]:
            nodes.add_row(node["node"], node["status"], f"{node['seconds']:.2f}")
        console.print(nodes)
    console.print(", ".join(f"{k} {v}" for k, v in result.machine.items()), style="dim")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, required=True, help="number of event lines")
    parser.add_argument("--files", type=int, default=1, help="number of input files")
    parser.add_argument("--gz", action="store_true", help="gzip the input files")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark warehouse")
    parser.add_argument("--top", type=int, default=15, help="dbt nodes to list")
    args = parser.parse_args(argv)

    OUT.mkdir(parents=True, exist_ok=True)
    result = BenchResult(events=args.events, files=args.files, compressed=args.gz, seed=args.seed)
    result.machine = machine_info()
    paths = ensure_data(result)
    result.data_bytes = sum(p.stat().st_size for p in paths)

    db_path = fresh_warehouse(args.events)
    console.print(f"Loading into {db_path.relative_to(ROOT)} …")
    run_ingest(db_path, paths, result)
    console.print("Running dbt build (without unit tests) …")
    run_build(db_path, result)
    result.outcomes = count_outcomes(db_path)
    result.warehouse_bytes = db_path.stat().st_size if db_path.exists() else 0

    # ru_maxrss is in KiB on Linux
    result.peak_rss_self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result.peak_rss_children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report(result, args.top)
    (OUT / "last-run.json").write_text(json.dumps(asdict(result), indent=2) + "\n")

    if not args.keep:
        for stale in (db_path, db_path.with_name(db_path.name + ".wal")):
            stale.unlink(missing_ok=True)
    return 0 if result.dbt_success else 1


if __name__ == "__main__":
    raise SystemExit(main())
