"""Benchmark: a full build of N events, then the scheduled run for the next day.

    python bench/run_bench.py --events 1000000 [--files 4] [--gz] [--keep]
    python bench/run_bench.py --events 10000000 --files 8 --compare-to bench/out/run-1000000.json

1. Data: N events (``demo.generate``) and the next day's batch that continues them,
   about 1 % of N (``demo.generate --next-day``: same customers and conversations,
   purchases the history's chats scheduled for that day, ~2 % late-arriving events).
   Both are cached in ``bench/out/`` by their arguments and generated in child
   processes when missing.
2. Full build: a fresh warehouse (``bench/out/bench-<events>.duckdb``, deleted
   afterwards unless ``--keep``); ingest the N events; the build of
   ``goals build --full-refresh`` (``cli.dbt_runner.run_build``: ``dbt build
   --full-refresh`` without unit tests)
   with a dbt target folder of this run's own (``bench/out/target-<pid>``, removed
   afterwards), so the project's ``target/`` is left alone. Before it, ``dbt parse`` into
   that folder, timed on its own: a deployed project is parsed once (the Dagster code
   location runs ``dbt parse`` when the manifest is stale; ``goals build`` reuses the
   last run's parse), so every build starts from dbt's partial parse, as in production.
3. Incremental run: ingest the next-day batch; the build of ``goals build`` as a
   scheduled run does it (incremental; the same target folder, so dbt reuses its
   partial parse).

Every ingest and build runs in a child process of its own: the peak RSS of a phase is
its process's (``os.wait4``), not the lifetime peak of one process doing everything.

Prints the timings (ingest MB/s and events/s, dbt wall and executing seconds, the
slowest nodes of both builds from ``run_results.json``), the incremental run as a share
of the full build, peak RSS per phase and the machine; writes ``bench/out/last-run.json``
and ``bench/out/run-<events>[-options].json``. ``--compare-to`` reads such a file of an
earlier run (say 1M events) and prints this run's time ratios to it. Nothing is written
to docs/benchmarks.md: copy the figures there by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

OUT = ROOT / "bench" / "out"
# Wide enough for the tables when the output goes to a file or a pipe.
console = Console(width=None if sys.stdout.isatty() else 120)

#: Targets of the issue: the incremental run (ingest + build) as a share of the full
#: build; the time of 10x the events at most 11x the time (read here as: the time ratio
#: at most 1.1 x the events ratio); the peak memory.
INCREMENTAL_TARGET_PERCENT = 10.0
SCALE_TARGET_FACTOR = 1.1
PEAK_RSS_TARGET_BYTES = 8 * 10**9
#: Environment variables that change what is measured, printed with the machine line.
ENV_VARS = (
    "DUCKDB_MEMORY_LIMIT",
    "DUCKDB_TEMP_DIRECTORY",
    "GOALS_INGEST_CHUNK_MB",
    "GOALS_INGEST_GROUP_MB",
    "GOALS_REFERENCE_TIME",
)


# --------------------------------------------------------------------------- results


@dataclass
class IngestPhase:
    files: int = 0
    data_bytes: int = 0
    seconds: float = 0.0  # the loading itself (ingest_paths), as in earlier figures
    process_seconds: float = 0.0  # the child process, with Python start-up and imports
    peak_rss_mb: float = 0.0
    lines_read: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicate: int = 0
    stages_last_file: dict[str, float] = field(default_factory=dict)


@dataclass
class BuildPhase:
    command: str = ""
    seconds: float = 0.0  # wall time of dbt (start-up, parsing and execution)
    elapsed: float | None = None  # dbt's own elapsed time (execution only)
    process_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    success: bool = False
    outcomes: int | None = None
    warehouse_bytes: int = 0
    nodes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Run:
    """One ingest followed by one dbt build."""

    ingest: IngestPhase = field(default_factory=IngestPhase)
    build: BuildPhase = field(default_factory=BuildPhase)

    @property
    def seconds(self) -> float:
        return self.ingest.seconds + self.build.seconds


@dataclass
class Generated:
    folder: str
    data_bytes: int = 0
    seconds: float | None = None  # None when the data came from the cache
    peak_rss_mb: float | None = None


@dataclass
class BenchResult:
    events: int
    files: int
    compressed: bool
    seed: int
    next_day_events: int | None = None  # None: no incremental run (--no-incremental)
    late_fraction: float | None = None
    history: Generated | None = None
    next_day: Generated | None = None
    #: `dbt parse` of the project before the full build (once per deploy: not in `full`)
    parse_seconds: float | None = None
    full: Run = field(default_factory=Run)
    incremental: Run | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    machine: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- pure helpers


def percent(part: float | None, whole: float | None) -> float | None:
    """`part` as a percentage of `whole`; None when either is missing or `whole` is 0."""
    if part is None or whole is None or whole <= 0:
        return None
    return 100.0 * part / whole


def ratio(this: float | None, other: float | None) -> float | None:
    """`this` / `other`; None when either is missing or `other` is 0."""
    if this is None or other is None or other <= 0:
        return None
    return this / other


def verdict(value: float | None, limit: float) -> str:
    """'✓' when `value` is at most `limit`, '✗' when above, '?' when unknown."""
    if value is None:
        return "?"
    return "✓" if value <= limit else "✗"


def fmt(value: float | None, spec: str = ".1f", suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def run_file_name(events: int, files: int = 1, compressed: bool = False, seed: int = 42) -> str:
    """The per-configuration result file: ``run-<events>.json``, with the options that
    differ from the defaults (``run-10000000-files8.json``)."""
    name = f"run-{events}"
    if files != 1:
        name += f"-files{files}"
    if compressed:
        name += "-gz"
    if seed != 42:
        name += f"-seed{seed}"
    return name + ".json"


def summarize(result: BenchResult) -> dict[str, Any]:
    """The figures the issue's targets are stated in."""
    full, incremental = result.full, result.incremental
    phases = [full.ingest.peak_rss_mb, full.build.peak_rss_mb]
    if incremental is not None:
        phases += [incremental.ingest.peak_rss_mb, incremental.build.peak_rss_mb]
    return {
        "events": result.events,
        "full_seconds": full.seconds,
        "full_ingest_seconds": full.ingest.seconds,
        "full_build_seconds": full.build.seconds,
        "full_build_elapsed": full.build.elapsed,
        "incremental_seconds": incremental.seconds if incremental else None,
        "incremental_ingest_seconds": incremental.ingest.seconds if incremental else None,
        "incremental_build_seconds": incremental.build.seconds if incremental else None,
        "incremental_build_elapsed": incremental.build.elapsed if incremental else None,
        "incremental_percent": percent(incremental and incremental.seconds, full.seconds),
        "incremental_build_percent": percent(
            incremental and incremental.build.seconds, full.build.seconds
        ),
        "incremental_build_elapsed_percent": percent(
            incremental and incremental.build.elapsed, full.build.elapsed
        ),
        "peak_rss_mb": max(phases),
    }


def summary_of(data: dict[str, Any]) -> dict[str, Any]:
    """The summary of a result file, also of one written before the incremental run
    existed (flat ``ingest_seconds``/``dbt_seconds``)."""
    if data.get("summary"):
        return data["summary"]
    ingest = float(data.get("ingest_seconds") or 0.0)
    build = float(data.get("dbt_seconds") or 0.0)
    return {
        "events": int(data["events"]),
        "full_seconds": ingest + build,
        "full_ingest_seconds": ingest,
        "full_build_seconds": build,
        "full_build_elapsed": data.get("dbt_elapsed"),
        "incremental_seconds": None,
        "incremental_ingest_seconds": None,
        "incremental_build_seconds": None,
        "incremental_build_elapsed": None,
        "incremental_percent": None,
        "incremental_build_percent": None,
        "incremental_build_elapsed_percent": None,
        "peak_rss_mb": data.get("peak_rss_self_mb"),
    }


def compare(this: dict[str, Any], other: dict[str, Any]) -> dict[str, float | None]:
    """Ratios of this run's figures to another run's."""
    keys = (
        "events",
        "full_seconds",
        "full_ingest_seconds",
        "full_build_seconds",
        "full_build_elapsed",
        "incremental_seconds",
        "incremental_build_seconds",
        "peak_rss_mb",
    )
    return {key: ratio(this.get(key), other.get(key)) for key in keys}


def resolve_compare_to(text: str) -> Path:
    """A result file, or an event count meaning ``bench/out/run-<count>.json``."""
    path = Path(text)
    if not path.exists() and text.isdigit():
        path = OUT / run_file_name(int(text))
    return path


def short_node(unique_id: str) -> str:
    return unique_id.replace(".goals_analytics.", ".", 1)


def node_rows(full: list[dict[str, Any]], incremental: list[dict[str, Any]] | None, top: int):
    """(node, full seconds, incremental seconds) of the `top` slowest nodes of either build."""
    full_s = {n["node"]: n["seconds"] for n in full}
    incr_s = {n["node"]: n["seconds"] for n in incremental or []}
    names = sorted(
        set(full_s) | set(incr_s), key=lambda n: (-max(full_s.get(n, 0), incr_s.get(n, 0)), n)
    )
    return [(name, full_s.get(name), incr_s.get(name)) for name in names[:top]]


# --------------------------------------------------------------------------- child processes


@dataclass(frozen=True)
class ChildRun:
    returncode: int
    seconds: float
    peak_rss_mb: float


def run_child(command: Sequence[str], *, quiet: bool = False) -> ChildRun:
    """Run `command` from the project root (without its standard output when `quiet`);
    its wall time and peak RSS (of the child and the descendants it waited for, from
    ``os.wait4``)."""
    began = time.perf_counter()
    stdout = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(list(command), cwd=ROOT, stdout=stdout)
    try:
        _, status, usage = os.wait4(process.pid, 0)
    except BaseException:
        process.kill()
        process.wait()
        raise
    process.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux
    return ChildRun(process.returncode, time.perf_counter() - began, usage.ru_maxrss / 1024)


def run_phase(
    kind: str, spec: dict[str, Any], script: Path | None = None
) -> tuple[dict[str, Any], ChildRun]:
    """Run one phase (`ingest` or `build`) of this script (or of another `script` whose
    ``phase`` command writes its result the same way) in a child process."""
    result_path = OUT / f"phase-{os.getpid()}-{kind}.json"
    result_path.unlink(missing_ok=True)
    script = Path(__file__).resolve() if script is None else script
    command = [sys.executable, str(script), "phase", kind, json.dumps(spec)]
    child = run_child([*command, str(result_path)])
    try:
        data = json.loads(result_path.read_text()) if result_path.is_file() else {}
    finally:
        result_path.unlink(missing_ok=True)
    if child.returncode != 0 and not data:
        raise RuntimeError(f"the {kind} phase failed (exit code {child.returncode})")
    return data, child


def _phase_ingest(spec: dict[str, Any]) -> dict[str, Any]:
    from ingest.loader import ingest_paths, last_timings
    from ingest.schema import ensure_raw_schema
    from ingest.warehouse import connect

    with connect(Path(spec["db"])) as con:
        ensure_raw_schema(con)
        began = time.perf_counter()
        results = ingest_paths(con, [Path(p) for p in spec["paths"]])
        seconds = time.perf_counter() - began
    return {
        "seconds": seconds,
        "lines_read": sum(r.read for r in results),
        "accepted": sum(r.accepted for r in results),
        "rejected": sum(r.rejected for r in results),
        "duplicate": sum(r.duplicate for r in results),
        "stages_last_file": last_timings(),
    }


def _dbt_flags(spec: dict[str, Any]) -> list[str]:
    """The flags of the parse and of the builds: the same target folder and warehouse, so
    that the builds start from the parse's partial parse."""
    return ["--target-path", str(spec["target"]), "--log-path", str(OUT / "logs"), "--quiet"]


def _project_dir(spec: dict[str, Any]) -> Path:
    from goals_core.dbt_runner import PROJECT_DIR

    return Path(spec.get("project_dir") or PROJECT_DIR)


def _phase_build(spec: dict[str, Any]) -> dict[str, Any]:
    from goals_core.dbt_runner import run_build

    target = Path(spec["target"])
    run_results = target / "run_results.json"
    run_results.unlink(missing_ok=True)
    began = time.perf_counter()
    # as `goals build [--full-refresh]` runs it (--quiet: errors still print)
    outcome = run_build(
        Path(spec["db"]),
        *_dbt_flags(spec),
        full_refresh=bool(spec["full_refresh"]),
        project_dir=_project_dir(spec),
    )
    seconds = time.perf_counter() - began
    data = json.loads(run_results.read_text()) if run_results.is_file() else {}
    nodes = [
        {
            "node": r["unique_id"],
            "status": r["status"],
            "seconds": round(float(r.get("execution_time") or 0.0), 3),
        }
        for r in data.get("results", [])
    ]
    return {
        "seconds": seconds,
        "elapsed": data.get("elapsed_time"),
        "success": outcome.success,
        "nodes": sorted(nodes, key=lambda n: -n["seconds"]),
    }


def _phase_parse(spec: dict[str, Any]) -> dict[str, Any]:
    from goals_core.dbt_runner import run_dbt

    began = time.perf_counter()
    outcome = run_dbt(
        "parse",
        *_dbt_flags(spec),
        db_path=Path(spec["db"]),  # profiles.yml reads it: the build's must be the same
        project_dir=_project_dir(spec),
    )
    return {"seconds": time.perf_counter() - began, "success": outcome.success}


def phase_main(argv: Sequence[str]) -> int:
    """The child side: ``run_bench.py phase KIND SPEC_JSON RESULT_PATH``."""
    kind, spec, result_path = argv
    work = {"ingest": _phase_ingest, "parse": _phase_parse, "build": _phase_build}[kind]
    data = work(json.loads(spec))
    Path(result_path).write_text(json.dumps(data) + "\n")
    return 0 if data.get("success", True) else 1


# --------------------------------------------------------------------------- data


def data_dir(events: int, seed: int, files: int, compress: bool) -> Path:
    return OUT / f"events-{events}-seed{seed}-files{files}{'-gz' if compress else ''}"


def next_day_dir(
    events: int, seed: int, files: int, compress: bool, next_events: int, late: float
) -> Path:
    gz = "-gz" if compress else ""
    return OUT / f"next-day-{events}-seed{seed}-files{files}-n{next_events}-late{late:g}{gz}"


def _generate(command: list[str], folder: Path, what: str, paths: list[Path]) -> Generated:
    generated = Generated(folder=str(folder.relative_to(ROOT)))
    if all(p.is_file() for p in paths):
        console.print(f"Using cached {what} in {generated.folder}")
    else:
        console.print(f"Generating {what} into {generated.folder} …")
        generate = [sys.executable, "-m", "demo.generate", *command, "--out", str(folder)]
        child = run_child(generate, quiet=True)
        if child.returncode != 0:
            raise RuntimeError(f"generating {what} failed (exit code {child.returncode})")
        generated.seconds = child.seconds
        generated.peak_rss_mb = child.peak_rss_mb
    generated.data_bytes = sum(p.stat().st_size for p in paths)
    return generated


def ensure_data(result: BenchResult) -> tuple[list[Path], list[Path]]:
    """The cached history files and next-day file (none without an incremental run),
    generated in child processes when missing."""
    from demo.generate import file_names, next_day_file_name

    common = ["--events", str(result.events), "--files", str(result.files)]
    common += ["--seed", str(result.seed)] + (["--gz"] if result.compressed else [])
    folder = data_dir(result.events, result.seed, result.files, result.compressed)
    history = [folder / name for name in file_names(result.files, compress=result.compressed)]
    result.history = _generate(common, folder, f"{result.events:,} events", history)
    if result.next_day_events is None or result.late_fraction is None:
        return history, []
    folder = next_day_dir(
        result.events,
        result.seed,
        result.files,
        result.compressed,
        result.next_day_events,
        result.late_fraction,
    )
    next_day = [folder / next_day_file_name(compress=result.compressed)]
    command = [*common, "--next-day", "--next-day-events", str(result.next_day_events)]
    command += ["--late-fraction", str(result.late_fraction)]
    what = f"the next day ({result.next_day_events:,} events)"
    result.next_day = _generate(command, folder, what, next_day)
    return history, next_day


def remove_db(path: Path) -> None:
    """Delete a DuckDB file and its write-ahead log, if present."""
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)


def fresh_warehouse(events: int) -> Path:
    path = OUT / f"bench-{events}.duckdb"
    remove_db(path)
    return path


# --------------------------------------------------------------------------- phases


def run_ingest(db_path: Path, paths: list[Path], phase: IngestPhase) -> None:
    data, child = run_phase("ingest", {"db": str(db_path), "paths": [str(p) for p in paths]})
    phase.files = len(paths)
    phase.data_bytes = sum(p.stat().st_size for p in paths)
    phase.seconds = data["seconds"]
    phase.lines_read = data["lines_read"]
    phase.accepted = data["accepted"]
    phase.rejected = data["rejected"]
    phase.duplicate = data["duplicate"]
    phase.stages_last_file = data["stages_last_file"]
    phase.process_seconds = child.seconds
    phase.peak_rss_mb = child.peak_rss_mb


def run_parse(db_path: Path, target: Path, *, project_dir: Path | None = None) -> float:
    """`dbt parse` of the project into `target` in a child process, as a deploy does it
    once; the builds that follow start from its partial parse. Returns its seconds."""
    spec = {"db": str(db_path), "target": str(target)}
    if project_dir is not None:
        spec["project_dir"] = str(project_dir)
    data, _ = run_phase("parse", spec)
    if not data.get("success"):
        raise RuntimeError("dbt parse failed (see bench/out/logs/dbt.log)")
    return float(data["seconds"])


def run_build(
    db_path: Path,
    target: Path,
    phase: BuildPhase,
    *,
    full_refresh: bool,
    project_dir: Path | None = None,
) -> None:
    """The build of `goals build [--full-refresh]` in a child process; `project_dir`: a
    copy of the dbt project to build instead of this one (the workload matrix's)."""
    spec = {"db": str(db_path), "target": str(target), "full_refresh": full_refresh}
    if project_dir is not None:
        spec["project_dir"] = str(project_dir)
    data, child = run_phase("build", spec)
    phase.command = "goals build" + (" --full-refresh" if full_refresh else "")
    phase.seconds = data["seconds"]
    phase.elapsed = data["elapsed"]
    phase.success = bool(data["success"])
    phase.nodes = data["nodes"]
    phase.process_seconds = child.seconds
    phase.peak_rss_mb = child.peak_rss_mb
    phase.outcomes = count_outcomes(db_path)
    phase.warehouse_bytes = db_path.stat().st_size if db_path.exists() else 0


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
    from importlib.metadata import PackageNotFoundError, version

    import duckdb

    def package(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "?"

    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        ram_text = f"{ram:.1f} GiB"
    except (ValueError, OSError, AttributeError):
        ram_text = "?"
    info = {
        "cpus": str(os.cpu_count()),
        "ram": ram_text,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "dbt-core": package("dbt-core"),
        "dbt-duckdb": package("dbt-duckdb"),
    }
    for name in ENV_VARS:
        info[name] = os.environ.get(name, "unset")
    return info


# --------------------------------------------------------------------------- report


def _rate(amount: float, seconds: float) -> str:
    return f"{amount / seconds:,.0f}" if seconds > 0 else "-"


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _ingest_row(table: Table, label: str, phase: IngestPhase) -> None:
    mb = phase.data_bytes / 1e6
    table.add_row(
        label,
        f"{phase.seconds:.2f}",
        _rate(phase.lines_read, phase.seconds),
        _rate(mb, phase.seconds),
        _mb(phase.peak_rss_mb),
        f"{phase.files} file(s), {mb:,.1f} MB: {phase.accepted:,} accepted, "
        f"{phase.rejected:,} rejected, {phase.duplicate:,} dup.",
    )


def _build_row(table: Table, label: str, phase: BuildPhase, events: int) -> None:
    notes = "ok" if phase.success else "FAILED"
    if phase.elapsed is not None:
        notes += f", {phase.elapsed:.2f} s executing"
    if phase.outcomes is not None:
        notes += f", {phase.outcomes:,} outcomes"
    table.add_row(
        label,
        f"{phase.seconds:.2f}",
        _rate(events, phase.seconds),
        "",
        _mb(phase.peak_rss_mb),
        notes,
    )


def report(result: BenchResult, top: int) -> None:
    summary = result.summary
    table = Table(title=f"Benchmark: {result.events:,} events, {result.files} file(s)")
    for header in ("phase", "seconds", "events/s", "MB/s", "peak RSS MB", "notes"):
        table.add_column(header, justify="left" if header in ("phase", "notes") else "right")
    for label, generated, events in (
        ("generate history", result.history, result.events),
        ("generate next day", result.next_day, result.next_day_events or 0),
    ):
        if generated is not None and generated.seconds is not None:
            table.add_row(
                label,
                f"{generated.seconds:.1f}",
                _rate(events, generated.seconds),
                _rate(generated.data_bytes / 1e6, generated.seconds),
                _mb(generated.peak_rss_mb),
                "child process",
            )
    full = result.full
    _ingest_row(table, "ingest history", full.ingest)
    if result.parse_seconds is not None:
        table.add_row(
            "dbt parse", f"{result.parse_seconds:.2f}", "", "", "", "once per deploy, not in full"
        )
    _build_row(table, "dbt build --full-refresh", full.build, full.ingest.accepted)
    table.add_row(
        "[bold]full: ingest + build",
        f"[bold]{full.seconds:.2f}",
        _rate(result.events, full.seconds),
        _rate(full.ingest.data_bytes / 1e6, full.seconds),
        _mb(max(full.ingest.peak_rss_mb, full.build.peak_rss_mb)),
        "",
        end_section=True,
    )
    incremental = result.incremental
    if incremental is not None:
        _ingest_row(table, "ingest next day", incremental.ingest)
        _build_row(table, "dbt build (scheduled)", incremental.build, incremental.ingest.accepted)
        table.add_row(
            "[bold]incremental: ingest + build",
            f"[bold]{incremental.seconds:.2f}",
            _rate(incremental.ingest.lines_read, incremental.seconds),
            "",
            _mb(max(incremental.ingest.peak_rss_mb, incremental.build.peak_rss_mb)),
            f"{fmt(summary['incremental_percent'])} % of full "
            f"(build only: {fmt(summary['incremental_build_percent'])} %)",
        )
    console.print(table)
    console.print(
        "dbt build seconds are wall time (start-up, parsing, execution); 'executing' is "
        "dbt's own elapsed time. Peak RSS: the phase's child process.",
        style="dim",
    )

    rows = node_rows(full.build.nodes, incremental.build.nodes if incremental else None, top)
    if rows:
        nodes = Table(title=f"Slowest dbt nodes (of {len(full.build.nodes)}), seconds")
        nodes.add_column("node")
        nodes.add_column("full", justify="right")
        if incremental is not None:
            nodes.add_column("scheduled", justify="right")
        for name, full_s, incr_s in rows:
            cells = [short_node(name), fmt(full_s, ".2f")]
            if incremental is not None:
                cells.append(fmt(incr_s, ".2f"))
            nodes.add_row(*cells)
        console.print(nodes)

    lines = []
    if incremental is not None:
        share = summary["incremental_percent"]
        lines.append(
            f"Incremental run (ingest + build) {incremental.seconds:.2f} s = {fmt(share)} % of "
            f"the full build's {full.seconds:.2f} s (target ≤ {INCREMENTAL_TARGET_PERCENT:g} %) "
            f"{verdict(share, INCREMENTAL_TARGET_PERCENT)}; build only "
            f"{fmt(summary['incremental_build_percent'])} % (wall), "
            f"{fmt(summary['incremental_build_elapsed_percent'])} % (executing)"
        )
    peak = summary["peak_rss_mb"]
    lines.append(
        f"Peak RSS of one phase {_mb(peak)} MB (target at 10M ≤ "
        f"{PEAK_RSS_TARGET_BYTES / 1e9:g} GB) {verdict(peak * 2**20, PEAK_RSS_TARGET_BYTES)}; "
        f"warehouse {full.build.warehouse_bytes / 1e6:,.1f} MB after the full build"
    )
    for line in lines:
        console.print(line)
    console.print(", ".join(f"{k} {v}" for k, v in result.machine.items()), style="dim")


def report_comparison(this: dict[str, Any], other: dict[str, Any], source: Path) -> None:
    ratios = compare(this, other)
    scale, events = ratios["full_seconds"], ratios["events"]
    limit = SCALE_TARGET_FACTOR * events if events is not None else None
    console.print(
        f"Compared with {source} ({int(other['events']):,} events): "
        f"{fmt(events, '.1f')}x the events took {fmt(scale, '.2f')}x as long "
        f"(full ingest + build {this['full_seconds']:.2f} s vs {other['full_seconds']:.2f} s; "
        f"target ≤ {fmt(limit, '.1f')}x, 1.1 x the events ratio) "
        f"{verdict(scale, limit) if limit is not None else '?'}"
    )
    console.print(
        f"  ingest {fmt(ratios['full_ingest_seconds'], '.2f')}x, "
        f"dbt build {fmt(ratios['full_build_seconds'], '.2f')}x "
        f"(executing {fmt(ratios['full_build_elapsed'], '.2f')}x), "
        f"incremental run {fmt(ratios['incremental_seconds'], '.2f')}x, "
        f"peak RSS {fmt(ratios['peak_rss_mb'], '.2f')}x"
    )


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["phase"]:
        return phase_main(argv[1:])
    from demo.generate import DEFAULT_LATE_FRACTION, next_day_events

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, required=True, help="number of event lines")
    parser.add_argument("--files", type=int, default=1, help="number of input files")
    parser.add_argument("--gz", action="store_true", help="gzip the input files")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark warehouse")
    parser.add_argument("--top", type=int, default=15, help="dbt nodes to list")
    parser.add_argument(
        "--next-day-events",
        type=int,
        default=None,
        help="lines of the next-day batch (default: 1%% of --events)",
    )
    parser.add_argument(
        "--late-fraction",
        type=float,
        default=DEFAULT_LATE_FRACTION,
        help=f"share of the next-day lines that occurred before it (default "
        f"{DEFAULT_LATE_FRACTION})",
    )
    parser.add_argument(
        "--no-incremental", action="store_true", help="the full build only, no next day"
    )
    parser.add_argument(
        "--compare-to",
        metavar="PATH|EVENTS",
        help="an earlier result file (or an event count: bench/out/run-<count>.json); "
        "prints this run's time ratios to it",
    )
    args = parser.parse_args(argv)

    OUT.mkdir(parents=True, exist_ok=True)
    baseline_path = resolve_compare_to(args.compare_to) if args.compare_to else None
    baseline = None
    if baseline_path is not None:
        if baseline_path.is_file():
            baseline = summary_of(json.loads(baseline_path.read_text()))
        else:
            console.print(f"[yellow]No result file {baseline_path}: nothing to compare with.")

    result = BenchResult(events=args.events, files=args.files, compressed=args.gz, seed=args.seed)
    if not args.no_incremental:
        result.next_day_events = (
            next_day_events(args.events) if args.next_day_events is None else args.next_day_events
        )
        result.late_fraction = args.late_fraction
    result.machine = machine_info()
    history, next_day = ensure_data(result)

    db_path = fresh_warehouse(args.events)
    # dbt's artefacts of this run only: concurrent runs must not read each other's results
    target = OUT / f"target-{os.getpid()}"
    shutil.rmtree(target, ignore_errors=True)
    try:
        console.print(f"Full build: loading into {db_path.relative_to(ROOT)} …")
        run_ingest(db_path, history, result.full.ingest)
        console.print("Full build: dbt parse (once per deploy, timed apart) …")
        result.parse_seconds = run_parse(db_path, target)
        console.print("Full build: dbt build --full-refresh (without unit tests) …")
        run_build(db_path, target, result.full.build, full_refresh=True)
        if next_day and result.full.build.success:
            result.incremental = Run()
            console.print("Incremental run: loading the next day …")
            run_ingest(db_path, next_day, result.incremental.ingest)
            console.print("Incremental run: dbt build (as scheduled) …")
            run_build(db_path, target, result.incremental.build, full_refresh=False)
    finally:
        shutil.rmtree(target, ignore_errors=True)
        if not args.keep:
            remove_db(db_path)

    result.summary = summarize(result)
    report(result, args.top)
    text = json.dumps(asdict(result), indent=2) + "\n"
    (OUT / "last-run.json").write_text(text)
    saved = OUT / run_file_name(args.events, args.files, args.gz, args.seed)
    saved.write_text(text)
    console.print(f"Wrote {saved.relative_to(ROOT)} and bench/out/last-run.json", style="dim")
    if baseline is not None and baseline_path is not None:
        report_comparison(result.summary, baseline, baseline_path)

    ok = result.full.build.success and (
        result.incremental is None or result.incremental.build.success
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
