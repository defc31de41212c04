"""`kill -9` of a scheduled `dbt build` at the start of each incremental model and mart
leaves a warehouse that opens, and the next run converges to the full-refresh result.

The kill is synchronised with dbt's own progress lines (no sleeps): the child is killed
as soon as it reports that a given model started, so it dies inside or right after
that model's transaction."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from demo.generate import generate_events
from tests.incremental.helpers import REFERENCE_TIME, Project, ingest_files, mart_rows

pytestmark = pytest.mark.slow

DBT = Path(sys.executable).with_name("dbt")
KILL_AT = (
    "seed file seeds.goals",
    "intermediate.int_run_limits",
    "intermediate.int_goals_in_scope",
    "intermediate.int_conversations_summarized",
    "intermediate.int_conversations_in_scope",
    "intermediate.int_event_shapes_summarized",
    "intermediate.int_event_counts_daily",
    "intermediate.int_goal_outcomes_attributed",
    "marts.fct_goal_outcomes",
    "marts.dim_conversations",
    "intermediate.int_incremental_manifest",
    "marts.event_catalog",
)


class Setup:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.project = Project(root)
        self.files = sorted(
            Path(p) for p in generate_events(3000, root / "events", files=3, seed=7)
        )
        project = self.project
        # what every recovered run must end with
        project.reset()
        for path in self.files:
            ingest_files(project.db_path, [path])
        project.build(full_refresh=True)
        self.expected = mart_rows(project.db_path)
        # history: the first two files, built; the third arrives before the crashed run
        project.reset()
        for path in self.files[:2]:
            ingest_files(project.db_path, [path])
        project.build()
        ingest_files(project.db_path, [self.files[2]])
        self.history = project.save(root / "history.duckdb")


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    return Setup(tmp_path_factory.mktemp("crash"))


def _build_until(project: Project, marker: str) -> bool:
    """Run `dbt build` in a child process and SIGKILL it as soon as it reports that
    `marker` started. True when it was killed, False when it finished first."""
    env = {
        **os.environ,
        "DUCKDB_PATH": str(project.db_path),
        "TZ": "America/Los_Angeles",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    target = project.target
    child = subprocess.Popen(
        [
            str(DBT),
            "build",
            "--exclude-resource-type",
            "unit_test",
            "--project-dir",
            str(project.dir),
            "--profiles-dir",
            str(project.dir),
            "--target-path",
            str(target),
            "--log-path",
            str(target / "logs"),
            "--vars",
            f'{{"reference_time": "{REFERENCE_TIME}"}}',
            "--no-use-colors",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert child.stdout is not None
    killed = False
    for line in child.stdout:
        if " START " in line and marker in line:
            child.send_signal(signal.SIGKILL)
            killed = True
            break
    child.stdout.close()
    child.wait()
    return killed


@pytest.mark.parametrize("marker", KILL_AT)
def test_killed_build_recovers_on_the_next_run(setup: Setup, marker: str) -> None:
    setup.project.reset(setup.history)
    db_path = setup.project.db_path

    assert _build_until(setup.project, marker), f"dbt never started {marker}"

    # the warehouse opens, read-only and read-write (DuckDB replays its WAL)
    duckdb.connect(str(db_path), read_only=True).close()
    con = duckdb.connect(str(db_path))
    assert con.execute("select count(*) from raw.events").fetchall()[0][0] > 0
    con.close()

    setup.project.build()
    assert mart_rows(db_path) == setup.expected
