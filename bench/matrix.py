"""The workload matrix: the benchmark's full build and next-day run on several data shapes.

    python bench/matrix.py --events 1000000                      # every shape (make bench-matrix)
    python bench/matrix.py --events 10000000 --shapes middle,goal_dense
    python bench/matrix.py --events 1000000 --shapes goal_dense --generate-only
    python bench/matrix.py --list

Each shape (bench/workloads.py: ``middle`` and variants of it that change one thing, plus
``goal_dense``) gets its own data set and seeds, cached in
``bench/out/matrix-data/<shape>-<events>-seed<seed>-<key>/`` (generated in a child
process when missing), and a work folder ``bench/out/matrix/<shape>-<events>/`` holding a
copy of the dbt project (dbt_project.yml, profiles.yml, models, macros, tests/dbt, and the
seeds with the shape's goals, status changes and workspaces) and the warehouse.

Per shape, every phase in a child process of its own (its peak RSS is that process's):

1. floor: DuckDB's bare typed ``read_json`` of the history files into a table of a new
   database file (every field a column, ``occurred_at`` a TIMESTAMPTZ, ``properties``
   JSON), and the same of the next day's file;
2. ingest: the history into a fresh warehouse (``ingest.loader.ingest_paths``);
3. parse: ``dbt parse`` of the project copy, timed apart and not part of the full run: a
   deployed project is parsed once, and its builds start from dbt's partial parse;
4. build: ``goals build --full-refresh`` of the project copy (``cli.dbt_runner.run_build``:
   dbt build without unit tests);
5. incremental run: ingest of the next day's file, then ``goals build`` as a scheduled
   run does it (incremental).

Prints per shape the outcomes per event, ingest seconds and MB/s, build seconds, the full
run (ingest + build), the incremental run (ingest + build) and the peak RSS of the phases,
each time also as a multiple of the floor (the incremental run: of the next day's floor).
Writes ``bench/out/matrix-<events>[-<shapes>].json`` and ``bench/out/matrix-last.json``.
Timings only mean something on a quiet machine, and even a quiet one moves a tenth from one
run to the next, the floor included: ``--repeat N`` runs the whole matrix N times, one round
after another (so that a slow spell of the machine falls on every shape alike), and
prints each figure's median over the rounds and every round's full run as a multiple of
its own floor.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from bench import run_bench as rb  # noqa: E402
from bench import workloads as wl  # noqa: E402

OUT = rb.OUT
#: under the work root (default bench/out): the data sets and the shapes' work folders
DATA_DIR = "matrix-data"
WORK_DIR = "matrix"
# wide enough for the matrix table when the output goes to a file or a pipe
console = Console(width=None if sys.stdout.isatty() else 160)
#: 2: `repeat`, `medians` and each result's `round`
SCHEMA_VERSION = 2
#: The floor reads every field typed, as the load must.
FLOOR_COLUMNS = {
    "event_id": "VARCHAR",
    "workspace_id": "VARCHAR",
    "name": "VARCHAR",
    "occurred_at": "TIMESTAMPTZ",
    "source": "VARCHAR",
    "conversation_id": "VARCHAR",
    "customer_id": "VARCHAR",
    "flow_id": "VARCHAR",
    "properties": "JSON",
}
#: What the project copy takes from this checkout (besides the seeds).


# --------------------------------------------------------------------------- results


@dataclass
class FloorPhase:
    seconds: float = 0.0  # the read_json into a table
    process_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    rows: int = 0


@dataclass
class ShapeResult:
    shape: str
    description: str
    shape_key: str
    events: int
    seed: int
    round: int = 1  # of --repeat
    files: int = 0
    history_bytes: int = 0
    next_day_events: int = 0
    next_day_bytes: int = 0
    expected_outcomes_per_event: float | None = None
    data_folder: str = ""
    work_folder: str = ""
    generated: rb.Generated | None = None
    floor: FloorPhase = field(default_factory=FloorPhase)
    next_day_floor: FloorPhase = field(default_factory=FloorPhase)
    #: `dbt parse` of the fresh project copy (once per deploy: not in `full`)
    parse_seconds: float | None = None
    full: rb.Run = field(default_factory=rb.Run)
    incremental: rb.Run | None = None
    outcomes: int | None = None  # after the full build
    outcomes_per_event: float | None = None  # of the accepted events
    outcomes_after_incremental: int | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    ok: bool = False
    error: str | None = None


def summarize(result: ShapeResult) -> dict[str, Any]:
    """The figures of the matrix table: seconds, MB/s and multiples of the floor."""
    full, incr = result.full, result.incremental
    floor, next_floor = result.floor.seconds, result.next_day_floor.seconds
    peaks = [result.floor.peak_rss_mb, full.ingest.peak_rss_mb, full.build.peak_rss_mb]
    if incr is not None:
        peaks += [incr.ingest.peak_rss_mb, incr.build.peak_rss_mb]
    mb = result.history_bytes / 1e6
    ingest_s = full.ingest.seconds
    return {
        "floor_seconds": floor,
        "parse_seconds": result.parse_seconds,
        "floor_mb_per_s": mb / floor if floor > 0 else None,
        "ingest_seconds": ingest_s,
        "ingest_mb_per_s": mb / ingest_s if ingest_s > 0 else None,
        "ingest_x_floor": rb.ratio(ingest_s, floor),
        "build_seconds": full.build.seconds,
        "build_x_floor": rb.ratio(full.build.seconds, floor),
        "full_seconds": full.seconds,
        "full_x_floor": rb.ratio(full.seconds, floor),
        "next_day_floor_seconds": next_floor,
        "incremental_seconds": incr.seconds if incr else None,
        "incremental_ingest_seconds": incr.ingest.seconds if incr else None,
        "incremental_build_seconds": incr.build.seconds if incr else None,
        "incremental_x_floor": rb.ratio(incr.seconds if incr else None, next_floor),
        "incremental_percent_of_full": rb.percent(incr.seconds if incr else None, full.seconds),
        "peak_rss_mb": max(peaks),
        "outcomes": result.outcomes,
        "outcomes_per_event": result.outcomes_per_event,
    }


# --------------------------------------------------------------------------- data and project


def data_folder(shape: wl.Shape, events: int, seed: int, root: Path = OUT) -> Path:
    return root / DATA_DIR / f"{shape.name}-{events}-seed{seed}-{shape.key()}"


def work_folder(shape: wl.Shape, events: int, root: Path = OUT) -> Path:
    return root / WORK_DIR / f"{shape.name}-{events}"


def ensure_data(
    shape: wl.Shape, events: int, seed: int, root: Path = OUT
) -> tuple[Path, dict[str, Any], rb.Generated]:
    """The shape's cached data set, generated in a child process when missing."""
    folder = data_folder(shape, events, seed, root)
    generated = rb.Generated(folder=str(folder))
    manifest = wl.read_manifest(folder)
    if manifest is not None:
        console.print(f"{shape.name}: using cached data in {folder}")
    else:
        console.print(f"{shape.name}: generating {events:,} events into {folder} …")
        command = [sys.executable, str(ROOT / "bench" / "workloads.py"), "--shape", shape.name]
        command += ["--events", str(events), "--seed", str(seed), "--out", str(folder)]
        child = rb.run_child(command, quiet=True)
        manifest = wl.read_manifest(folder)
        if child.returncode != 0 or manifest is None:
            raise RuntimeError(f"generating {shape.name} failed (exit code {child.returncode})")
        generated.seconds = child.seconds
        generated.peak_rss_mb = child.peak_rss_mb
    generated.data_bytes = int(manifest["history_bytes"])
    return folder, manifest, generated


def copy_project(data: Path, dest: Path, source: Path = ROOT) -> Path:
    """A fresh copy of the dbt project at `dest` whose seeds are the data set's (the
    currencies and the seeds' schema file come from `source`)."""
    from goals_core.dbt_files import copy_project as copy_dbt_project

    if dest.exists():
        shutil.rmtree(dest)
    seeds = {name: data / wl.SEEDS_DIR / name for name in wl.SEED_FILES}
    return copy_dbt_project(dest, source, seeds=seeds)


# --------------------------------------------------------------------------- phases


def _phase_floor(spec: dict[str, Any]) -> dict[str, Any]:
    import duckdb

    db = Path(spec["db"])
    rb.remove_db(db)
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in FLOOR_COLUMNS.items()) + "}"
    files = "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in spec["paths"]) + "]"
    con = duckdb.connect(str(db))
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("set enable_progress_bar = false")
        began = time.perf_counter()
        con.execute(
            f"create table events as select * from read_json({files}, "
            f"format = 'newline_delimited', columns = {columns})"
        )
        con.execute("checkpoint")
        seconds = time.perf_counter() - began
        (rows,) = con.execute("select count(*) from events").fetchone() or (0,)
    finally:
        con.close()
    rb.remove_db(db)
    return {"seconds": seconds, "rows": int(rows)}


def run_floor(db: Path, paths: Sequence[Path], phase: FloorPhase) -> None:
    data, child = rb.run_phase(
        "floor", {"db": str(db), "paths": [str(p) for p in paths]}, Path(__file__).resolve()
    )
    if child.returncode != 0:
        raise RuntimeError(f"the floor read_json failed (exit code {child.returncode})")
    phase.seconds = data["seconds"]
    phase.rows = data["rows"]
    phase.process_seconds = child.seconds
    phase.peak_rss_mb = child.peak_rss_mb


def phase_main(argv: Sequence[str]) -> int:
    """The child side: ``matrix.py phase floor SPEC_JSON RESULT_PATH``."""
    kind, spec, result_path = argv
    if kind != "floor":
        return rb.phase_main(argv)
    data = _phase_floor(json.loads(spec))
    Path(result_path).write_text(json.dumps(data) + "\n")
    return 0


def _remove_db(path: Path) -> None:
    rb.remove_db(path)
    shutil.rmtree(path.with_name(path.name + ".tmp"), ignore_errors=True)


def prepare(
    shape: wl.Shape, events: int, seed: int, root: Path = OUT
) -> tuple[ShapeResult, Path, dict[str, Any]]:
    """The data set (cached) and a fresh project copy of one shape."""
    result = ShapeResult(
        shape=shape.name,
        description=shape.description,
        shape_key=shape.key(),
        events=events,
        seed=seed,
    )
    data, manifest, generated = ensure_data(shape, events, seed, root)
    work = work_folder(shape, events, root)
    work.mkdir(parents=True, exist_ok=True)
    copy_project(data, work / "project")
    result.generated = generated
    result.data_folder = str(data)
    result.work_folder = str(work)
    result.files = len(manifest["history_files"])
    result.history_bytes = int(manifest["history_bytes"])
    result.next_day_events = int(manifest["next_day_events"])
    result.next_day_bytes = int(manifest["next_day_bytes"])
    result.expected_outcomes_per_event = float(manifest["expected_outcomes_per_event"])
    return result, data, manifest


def run_shape(
    shape: wl.Shape, events: int, seed: int, *, keep: bool, root: Path = OUT
) -> ShapeResult:
    result, data, manifest = prepare(shape, events, seed, root)
    work = Path(result.work_folder)
    history = [data / p for p in manifest["history_files"]]
    next_day = [data / p for p in manifest["next_day_files"]]
    db = work / "warehouse.duckdb"
    target = work / "target"
    _remove_db(db)
    shutil.rmtree(target, ignore_errors=True)
    name = shape.name
    try:
        console.print(f"{name}: floor: read_json of {len(history)} file(s) …")
        run_floor(work / "floor.duckdb", history, result.floor)
        run_floor(work / "floor-next-day.duckdb", next_day, result.next_day_floor)
        console.print(f"{name}: ingest …")
        rb.run_ingest(db, history, result.full.ingest)
        project = work / "project"
        console.print(f"{name}: dbt parse (once per deploy, timed apart) …")
        result.parse_seconds = rb.run_parse(db, target, project_dir=project)
        console.print(f"{name}: dbt build --full-refresh …")
        rb.run_build(db, target, result.full.build, full_refresh=True, project_dir=project)
        result.outcomes = result.full.build.outcomes
        accepted = result.full.ingest.accepted
        if result.outcomes is not None and accepted:
            result.outcomes_per_event = result.outcomes / accepted
        if result.full.build.success:
            result.incremental = rb.Run()
            console.print(f"{name}: next day: ingest + dbt build …")
            rb.run_ingest(db, next_day, result.incremental.ingest)
            rb.run_build(
                db, target, result.incremental.build, full_refresh=False, project_dir=project
            )
            result.outcomes_after_incremental = result.incremental.build.outcomes
        result.ok = result.full.build.success and (
            result.incremental is not None and result.incremental.build.success
        )
        if not result.ok:
            result.error = "dbt build failed (see bench/out/logs/dbt.log)"
    except (RuntimeError, OSError) as error:
        result.error = str(error)
    finally:
        if not keep:
            _remove_db(db)
            shutil.rmtree(target, ignore_errors=True)
    result.summary = summarize(result)
    return result


# --------------------------------------------------------------------------- report


def _x(value: float | None) -> str:
    return "" if value is None else f" ({value:.1f}x)"


def median_summaries(results: Sequence[ShapeResult]) -> dict[str, dict[str, Any]]:
    """Per shape, in the order of the results: the median of each summary figure over the
    rounds that succeeded (a multiple of the floor: the median of the rounds' multiples,
    each against the floor measured in its own round), how many rounds ran and succeeded,
    and each round's full run as a multiple of its floor."""
    rounds: dict[str, list[ShapeResult]] = {}
    for result in results:
        rounds.setdefault(result.shape, []).append(result)
    medians: dict[str, dict[str, Any]] = {}
    for name, runs in rounds.items():
        done = [r for r in runs if r.ok]
        figures: dict[str, Any] = {}
        for key in done[0].summary if done else ():
            values = [r.summary[key] for r in done if r.summary.get(key) is not None]
            figures[key] = median(values) if values else None
        figures["rounds"] = len(runs)
        figures["rounds_ok"] = len(done)
        figures["full_x_floor_by_round"] = [r.summary.get("full_x_floor") for r in runs]
        medians[name] = figures
    return medians


def report(results: Sequence[ShapeResult], events: int, repeat: int = 1) -> None:
    """The matrix table: one row per shape, its only round's figures or, with `repeat` > 1,
    the medians over the rounds and each round's full run as a multiple of its floor."""
    title = f"Workload matrix: {events:,} events per shape"
    if repeat > 1:
        title += f", medians of {repeat} rounds"
    table = Table(title=title)
    headers = [
        "shape",
        "outcomes",
        "out/event",
        "files",
        "MB",
        "floor s",
        "ingest s (x floor)",
        "ingest MB/s",
        "parse s",
        "build s (x floor)",
        "full s (x floor)",
        "next day s (x floor)",
        "peak RSS MB",
    ]
    if repeat > 1:
        headers.append("rounds x floor")
    for header in headers:
        if header in ("shape", "rounds x floor"):
            table.add_column(header, no_wrap=True)
        else:
            table.add_column(header, justify="right")
    medians = median_summaries(results) if repeat > 1 else {}
    shown: set[str] = set()
    for r in results:
        if r.shape in shown:
            continue
        shown.add(r.shape)
        s = medians.get(r.shape, r.summary)
        ok = all(other.ok for other in results if other.shape == r.shape)
        if not s.get("full_seconds"):
            table.add_row(f"[red]{r.shape} (failed)", *[""] * (len(headers) - 1))
            continue
        row = [
            r.shape if ok else f"[red]{r.shape} (failed)",
            rb.fmt(s["outcomes"], ",.0f"),
            rb.fmt(s["outcomes_per_event"], ".2f"),
            str(r.files),
            f"{r.history_bytes / 1e6:,.0f}",
            rb.fmt(s["floor_seconds"], ".2f"),
            rb.fmt(s["ingest_seconds"], ".2f") + _x(s["ingest_x_floor"]),
            rb.fmt(s["ingest_mb_per_s"], ".0f"),
            rb.fmt(s.get("parse_seconds"), ".2f"),
            rb.fmt(s["build_seconds"], ".2f") + _x(s["build_x_floor"]),
            rb.fmt(s["full_seconds"], ".2f") + _x(s["full_x_floor"]),
            rb.fmt(s["incremental_seconds"], ".2f") + _x(s["incremental_x_floor"]),
            rb.fmt(s["peak_rss_mb"], ",.0f"),
        ]
        if repeat > 1:
            row.append(", ".join(rb.fmt(x, ".1f") for x in s["full_x_floor_by_round"]))
        table.add_row(*row)
    console.print(table)
    console.print(
        "floor: DuckDB's bare typed read_json of the same files into a new database file; "
        "parse: dbt parse of the project copy, once per deploy (not in full); "
        "full = ingest + build (goals build --full-refresh, from the partial parse); "
        "next day = ingest of the next day's file + goals build, as a multiple of that "
        "file's floor. Peak RSS: the "
        "largest of the phases' child processes."
        + (
            " Medians over the rounds that succeeded; a multiple of the floor is the "
            "median of the rounds' multiples, each of its own round's floor."
            if repeat > 1
            else ""
        ),
        style="dim",
    )
    for r in results:
        if r.error:
            where = f" (round {r.round})" if repeat > 1 else ""
            console.print(f"[red]{r.shape}{where}: {r.error}")


def result_file_name(events: int, shapes: Sequence[str], seed: int) -> str:
    name = f"matrix-{events}"
    if list(shapes) != list(wl.SHAPES):
        name += "-" + "+".join(shapes)
    if seed != wl.DEFAULT_SEED:
        name += f"-seed{seed}"
    return name + ".json"


def result_document(
    results: Sequence[ShapeResult],
    events: int,
    seed: int,
    machine: dict[str, str],
    repeat: int = 1,
) -> dict[str, Any]:
    """The result file: every round of every shape (`shapes`, each with its `round`) and,
    per shape, the medians over the rounds (`medians`)."""
    return {
        "kind": "goals-bench-matrix",
        "schema_version": SCHEMA_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "events": events,
        "seed": seed,
        "repeat": repeat,
        "machine": machine,
        "shapes": [asdict(r) for r in results],
        "medians": median_summaries(results),
    }


# --------------------------------------------------------------------------- main


def parse_shapes(text: str | None) -> list[wl.Shape]:
    if not text:
        return list(wl.SHAPES.values())
    return [wl.get_shape(name.strip()) for name in text.split(",") if name.strip()]


def build_parser() -> argparse.ArgumentParser:
    shapes = "\n".join(f"  {s.name:17} {s.description}" for s in wl.SHAPES.values())
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=(
            f"shapes:\n{shapes}\n\n"
            "columns: outcomes = rows of fct_goal_outcomes after the full build; out/event = "
            "those per accepted event; MB = the "
            "history's size; floor s = DuckDB's bare typed read_json of the history into a "
            "table; ingest s and MB/s = the project's load; build s = goals build "
            "--full-refresh (dbt wall time); full s = ingest + build; next day s = ingest "
            "of the next day's file + the scheduled build (its multiple is of that file's "
            "floor); peak RSS = the largest of the phases' child processes. (x floor) = "
            "the time divided by the floor's."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--events", type=int, default=1_000_000, help="history lines per shape")
    parser.add_argument(
        "--shapes", help="comma-separated shape names (default: all of them, see below)"
    )
    parser.add_argument("--seed", type=int, default=wl.DEFAULT_SEED, help="random seed")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="run the whole matrix N times, round after round, and print each figure's "
        "median and every round's full run as a multiple of its floor (default: 1)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep each shape's warehouse and dbt target folder in its work folder",
    )
    parser.add_argument(
        "--generate-only",
        action="store_true",
        help="generate (or reuse) the data and write the project copies, print their paths "
        "and stop",
    )
    parser.add_argument("--list", action="store_true", help="list the shapes and exit")
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=OUT,
        help="where the data sets (matrix-data/) and work folders (matrix/) go "
        "(default: bench/out)",
    )
    parser.add_argument("--out", type=Path, help="result JSON (default: bench/out/matrix-….json)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["phase"]:
        return phase_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list:
        for shape in wl.SHAPES.values():
            console.print(f"{shape.name:17} {shape.description}")
        return 0
    try:
        shapes = parse_shapes(args.shapes)
    except ValueError as error:
        parser.error(str(error))
    if args.events < 100:
        parser.error("--events must be at least 100")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    OUT.mkdir(parents=True, exist_ok=True)

    if args.generate_only:
        for shape in shapes:
            result, data, manifest = prepare(shape, args.events, args.seed, args.work_dir)
            print_paths(result, data, manifest)
        return 0

    machine = rb.machine_info()
    results = []
    for round_number in range(1, args.repeat + 1):
        if args.repeat > 1:
            console.print(f"[bold]Round {round_number} of {args.repeat}")
        for shape in shapes:
            try:
                result = run_shape(
                    shape, args.events, args.seed, keep=args.keep, root=args.work_dir
                )
            except (RuntimeError, OSError) as error:  # the data could not be generated
                result = ShapeResult(
                    shape.name, shape.description, shape.key(), args.events, args.seed
                )
                result.error = str(error)
                result.summary = summarize(result)
            result.round = round_number
            results.append(result)
    report(results, args.events, args.repeat)
    document = result_document(results, args.events, args.seed, machine, args.repeat)
    text = json.dumps(document, indent=2) + "\n"
    written = (
        [args.out]
        if args.out
        else [
            OUT / result_file_name(args.events, [s.name for s in shapes], args.seed),
            OUT / "matrix-last.json",
        ]
    )
    for path in written:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    console.print("Wrote " + " and ".join(str(p) for p in written), style="dim")
    console.print(", ".join(f"{k} {v}" for k, v in machine.items()), style="dim")
    return 0 if all(r.ok for r in results) else 1


def print_paths(result: ShapeResult, data: Path, manifest: dict[str, Any]) -> None:
    project = Path(result.work_folder) / "project"
    db = Path(result.work_folder) / "warehouse.duckdb"
    console.print(
        f"[bold]{result.shape}[/]: {result.events:,} events in {result.files} file(s), "
        f"{result.history_bytes / 1e6:,.1f} MB; expected "
        f"{result.expected_outcomes_per_event:.2f} outcomes/event\n"
        f"  history   {data / wl.HISTORY_DIR}\n"
        f"  next day  {data / manifest['next_day_files'][0]}\n"
        f"  seeds     {data / wl.SEEDS_DIR}\n"
        f"  project   {project}\n"
        f"  build it: DUCKDB_PATH={db} .venv/bin/goals ingest {data / wl.HISTORY_DIR} && "
        f"DUCKDB_PATH={db} .venv/bin/dbt build --full-refresh --exclude-resource-type "
        f"unit_test --project-dir {project} --profiles-dir {project}"
    )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
