"""A build that spills to disk under a small memory limit gives the same marts as one that
does not, and spills where DUCKDB_TEMP_DIRECTORY says.

The data is the benchmark's goal-dense shape (bench/workloads.py: ~2 outcomes per event),
100k events: under a 128 MB limit DuckDB spills joins, aggregates and sorts of several
models (at 6 GB, nothing).
DuckDB removes its spill files when a query ends; Linux inotify (created_files.py)
records every file created in the spill folder anyway. This test failed before the
profile set temp_directory once per connection (config_options): dbt-duckdb re-issued it
on every cursor, and DuckDB refuses to switch the temp directory once a query spilled
(the node after the first spill failed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import matrix, workloads
from tests.e2e.created_files import AVAILABLE, CreatedFiles
from tests.support import PROJECT_DIR as REPO

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not AVAILABLE, reason="inotify (the spill probe) is Linux-only"),
]

EVENTS = 100_000
# Small enough that the build spills (checked below). At 96MB the single-path
# attribution's two DuckDB threads ran out of memory that cannot be spilled (pinned
# buffers) in about half of the runs; with one thread it passed every time.
SPILL_LIMIT = "128MB"
REFERENCE_TIME = "2026-11-01T00:00:00Z"  # event_catalog's windows, off the wall clock

_BUILD = """
import sys
from pathlib import Path
from goals_core.dbt_runner import run_build
db, project, target = (Path(a) for a in sys.argv[1:4])
extra = ["--exclude-resource-type", "test"] if sys.argv[5] == "models-only" else []
outcome = run_build(
    db, "--target-path", str(target), "--log-path", str(target / "logs"), *extra,
    full_refresh=True, project_dir=project, dbt_vars={"reference_time": sys.argv[4]},
)
sys.exit(0 if outcome.success else 1)
"""


def _env(db: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DUCKDB_MEMORY_LIMIT", "DUCKDB_TEMP_DIRECTORY", "GOALS_TARGET")
    }
    env.update(DUCKDB_PATH=str(db), PYTHONPATH=str(REPO), **extra)
    return env


def _start_build(
    db: Path, project: Path, env: dict[str, str], *, data_tests: bool = True
) -> subprocess.Popen[str]:
    """`goals build --full-refresh` of the project copy (without its data tests: the
    models only, for the reference build)."""
    target = db.parent / f"target-{db.stem}"
    command = [sys.executable, "-c", _BUILD, str(db), str(project), str(target), REFERENCE_TIME]
    command.append("all" if data_tests else "models-only")
    return subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _mart_differences(actual: Path, expected: Path) -> dict[str, str]:
    """Per mart of `expected`: what differs in `actual` (columns, or rows counted with
    their multiplicity, every column compared, nulls equal); empty when all are equal."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute(f"attach '{actual}' as actual (read_only)")
        con.execute(f"attach '{expected}' as expected (read_only)")
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'expected' and table_schema = 'marts'"
            ).fetchall()
        ]
        assert {"fct_goal_outcomes", "agg_goal_outcomes_daily", "dim_goals"} <= set(marts)
        differences = {}
        for mart in marts:
            a, e = f"actual.marts.{mart}", f"expected.marts.{mart}"
            columns = [con.sql(f"select * from {t} limit 0").columns for t in (a, e)]
            if columns[0] != columns[1]:
                differences[mart] = f"columns {columns[0]} != {columns[1]}"
                continue
            (missing,) = con.execute(
                f"select count(*) from (from {e} except all from {a})"
            ).fetchone() or (0,)
            (extra,) = con.execute(
                f"select count(*) from (from {a} except all from {e})"
            ).fetchone() or (0,)
            if missing or extra:
                sample = con.execute(f"from {e} except all from {a} limit 2").fetchall()
                differences[mart] = f"{missing} rows missing, {extra} extra; e.g. {sample}"
        return differences
    finally:
        con.close()


def _count(db: Path, relation: str) -> int:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        (n,) = con.execute(f"select count(*) from {relation}").fetchone() or (0,)
        return int(n)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The goal-dense data set loaded into a warehouse, and the project with its seeds."""
    from ingest.loader import ingest_paths
    from ingest.schema import ensure_raw_schema
    from ingest.warehouse import connect

    root = tmp_path_factory.mktemp("spill")
    data = root / "data"
    shape = workloads.get_shape("goal_dense")
    manifest = workloads.generate(shape, EVENTS, workloads.DEFAULT_SEED, data)
    project = matrix.copy_project(data, root / "project")
    db = root / "loaded.duckdb"
    with connect(db) as con:
        ensure_raw_schema(con)
        ingest_paths(con, [data / p for p in manifest["history_files"]])
    return db, project


def test_a_spilling_build_gives_the_same_marts_and_spills_where_told(
    loaded: tuple[Path, Path], tmp_path: Path
) -> None:
    source, project = loaded
    limited, unlimited = tmp_path / "limited.duckdb", tmp_path / "unlimited.duckdb"
    shutil.copy2(source, limited)
    shutil.copy2(source, unlimited)
    spill = tmp_path / "spill"
    default_spill = tmp_path / "limited.duckdb.tmp"  # where DuckDB would spill by default
    spill.mkdir()
    default_spill.mkdir()

    with CreatedFiles(spill) as created, CreatedFiles(default_spill) as created_by_default:
        builds = [
            _start_build(
                limited,
                project,
                _env(limited, DUCKDB_MEMORY_LIMIT=SPILL_LIMIT, DUCKDB_TEMP_DIRECTORY=str(spill)),
            ),
            # the reference: no limit, and no data tests (only the marts are compared)
            _start_build(unlimited, project, _env(unlimited), data_tests=False),
        ]
        outputs = [build.communicate(timeout=900)[0] for build in builds]
        spilled = created.names()
        spilled_by_default = created_by_default.names()

    for build, output, label in zip(builds, outputs, ("limited", "unlimited"), strict=True):
        assert build.returncode == 0, f"the {label} build failed:\n{output[-4000:]}"
    # DuckDB's spill files: duckdb_temp_<...>_storage_<size>-<n>.tmp (beside them, an
    # ..._owner file that claims the folder is no proof of a spill by itself)
    assert any("storage" in name or name.endswith(".block") for name in spilled), (
        f"nothing spilled into DUCKDB_TEMP_DIRECTORY under {SPILL_LIMIT}: {spilled}"
    )
    assert spilled_by_default == [], "the build spilled beside the warehouse, not where told"

    assert _count(unlimited, "marts.fct_goal_outcomes") > EVENTS  # ~2 outcomes per event
    assert _mart_differences(limited, unlimited) == {}
