"""The change queues between the incremental models and the marts that apply them
(fct_goal_outcomes, dim_conversations), and the staging key test that checks only what
a scheduled run newly loaded: each case ends equal to a full refresh, or shows the
check catching what it must."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from demo.generate import generate_events
from tests.incremental.helpers import Project, execute_sql, ingest_files, mart_rows

pytestmark = pytest.mark.slow

PRODUCERS = ("int_goal_outcomes_attributed", "int_conversations_summarized")
QUEUES = tuple(f"intermediate.{name}_changes" for name in PRODUCERS)


class Setup:
    def __init__(self, root: Path) -> None:
        self.project = project = Project(root)
        files = sorted(Path(p) for p in generate_events(2000, root / "events", files=2, seed=3))
        project.reset()
        for path in files:
            ingest_files(project.db_path, [path])
        project.build(full_refresh=True)
        self.expected = mart_rows(project.db_path)
        # history: the first file, built; the second is loaded and waits for a run
        project.reset()
        ingest_files(project.db_path, [files[0]])
        project.build()
        ingest_files(project.db_path, [files[1]])
        self.loaded = project.save(root / "loaded.duckdb")


def _row_counts(db_path: Path, tables: tuple[str, ...]) -> dict[str, int | None]:
    """Rows per table; None for a table that does not exist."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        existing = {
            f"{schema}.{name}"
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
        return {
            table: con.execute(f"select count(*) from {table}").fetchone()[0]  # type: ignore[index]
            if table in existing
            else None
            for table in tables
        }
    finally:
        con.close()


def _queued(db_path: Path) -> dict[str, int | None]:
    """Rows per change queue; None for a queue that does not exist."""
    return _row_counts(db_path, QUEUES)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    return Setup(tmp_path_factory.mktemp("queues"))


def test_a_built_warehouse_has_empty_queues(setup: Setup) -> None:
    setup.project.reset(setup.loaded)
    assert _queued(setup.project.db_path) == dict.fromkeys(QUEUES, 0)


def test_queued_changes_wait_for_the_consumer_and_are_applied_once(setup: Setup) -> None:
    project = setup.project
    project.reset(setup.loaded)
    # the producers run without their consumers (a run that stopped half way)
    project.dbt("run", "--select", *PRODUCERS)
    queued = _queued(project.db_path)
    assert all(count for count in queued.values()), queued
    # nothing new arrives, but the consumers still owe the queued changes
    project.build()
    assert _queued(project.db_path) == dict.fromkeys(QUEUES, 0)
    assert mart_rows(project.db_path) == setup.expected


def test_a_full_build_of_the_producers_makes_the_consumers_recompute(setup: Setup) -> None:
    project = setup.project
    project.reset(setup.loaded)
    project.dbt("run", "--select", *PRODUCERS, "--full-refresh")
    assert _queued(project.db_path) == dict.fromkeys(QUEUES, None)
    project.build()
    assert _queued(project.db_path) == dict.fromkeys(QUEUES, 0)
    assert mart_rows(project.db_path) == setup.expected


def test_a_missing_queue_makes_the_consumers_recompute(setup: Setup) -> None:
    """A warehouse built before the queues existed: marts out of step, no queue."""
    project = setup.project
    project.reset(setup.loaded)
    execute_sql(
        project.db_path,
        "delete from marts.fct_goal_outcomes where hash(event_id) % 3 = 0;"
        "delete from marts.dim_conversations where hash(conversation_id) % 3 = 0;"
        + "".join(f"drop table {queue};" for queue in QUEUES),
    )
    project.build()
    assert mart_rows(project.db_path) == setup.expected


def _duplicate_an_event(db_path: Path, *, newly_loaded: bool) -> None:
    """Insert a second row with an existing (workspace_id, event_id), bypassing ingest's
    own duplicate check: loaded after the outcomes' watermark or long before it."""
    loaded_at = "(select max(loaded_at) + interval 1 second from raw.events)"
    if not newly_loaded:
        loaded_at = "timestamp '2000-01-01'"
    execute_sql(
        db_path,
        f"create temp table copy as select * from raw.events limit 1;"
        f"update copy set loaded_at = {loaded_at};"
        f"insert into raw.events select * from copy;",
    )


def test_a_newly_loaded_duplicate_key_fails_the_scheduled_run(setup: Setup) -> None:
    project = setup.project
    project.reset(setup.loaded)
    _duplicate_an_event(project.db_path, newly_loaded=True)
    with pytest.raises(AssertionError, match="failed"):
        project.dbt("build", "--select", "stg_telemetry__events")


def test_a_duplicate_key_in_the_checked_history_shows_in_dbt_test_and_full_refresh(
    setup: Setup,
) -> None:
    project = setup.project
    project.reset(setup.loaded)
    _duplicate_an_event(project.db_path, newly_loaded=False)
    # a scheduled run checks the keys loaded since the last build only ...
    project.dbt("build", "--select", "stg_telemetry__events")
    # ... `dbt test` and a full refresh check them all
    with pytest.raises(AssertionError, match="failed"):
        project.dbt("test", "--select", "stg_telemetry__events")
    with pytest.raises(AssertionError, match="failed"):
        project.dbt("build", "--select", "stg_telemetry__events", "--full-refresh")


def _duplicate_an_outcome(db_path: Path, table: str, keys_table: str, *, listed: bool) -> None:
    """Insert into `table` a second row with the key of one of its outcomes, one whose
    (workspace_id, goal_code, event_id) is in `keys_table` or one whose key is not."""
    keyed = "(workspace_id, goal_code, event_id)"
    condition = f"{keyed} {'in' if listed else 'not in'} (select {keyed[1:-1]} from {keys_table})"
    execute_sql(db_path, f"insert into {table} select * from {table} where {condition} limit 1")


def _check_scoped_key_test(project: Project, model: str, *, caught: bool) -> None:
    """The key tests of `model` in a scheduled build fail when `caught`, pass otherwise
    (the duplicate was written, and checked, by an earlier build); `dbt test`, which
    checks every row, fails either way."""
    tests_only = ("--select", model, "--resource-type", "test")
    if caught:
        with pytest.raises(AssertionError, match="failed"):
            project.dbt("build", *tests_only)
    else:
        project.dbt("build", *tests_only)
    with pytest.raises(AssertionError, match="failed"):
        project.dbt("test", "--select", model)


@pytest.mark.parametrize("queued", [True, False])
def test_the_outcome_key_test_of_a_scheduled_run_checks_the_queued_keys(
    setup: Setup, queued: bool
) -> None:
    project = setup.project
    project.reset(setup.loaded)
    project.dbt("run", "--select", *PRODUCERS)
    producer = "intermediate.int_goal_outcomes_attributed"
    _duplicate_an_outcome(project.db_path, producer, f"{producer}_changes", listed=queued)
    _check_scoped_key_test(project, "int_goal_outcomes_attributed", caught=queued)


APPLIED = tuple(f"intermediate.{name}_applied" for name in PRODUCERS)


def _applied(db_path: Path) -> dict[str, int | None]:
    """Rows per record of the keys a consumer's latest run applied; None when missing."""
    return _row_counts(db_path, APPLIED)


def test_the_consumers_record_the_keys_they_applied(setup: Setup) -> None:
    project = setup.project
    project.reset(setup.loaded)
    project.dbt("run", "--select", *PRODUCERS)
    queued = _queued(project.db_path)
    project.build()
    assert list(_applied(project.db_path).values()) == list(queued.values())
    # a consumer that recomputes every row leaves no record: its tests check every row
    project.dbt("run", "--select", "fct_goal_outcomes", "dim_conversations", "--full-refresh")
    assert _applied(project.db_path) == dict.fromkeys(APPLIED, None)


@pytest.mark.parametrize("applied", [True, False])
def test_the_mart_key_test_of_a_scheduled_run_checks_the_rows_it_wrote(
    setup: Setup, applied: bool
) -> None:
    project = setup.project
    project.reset(setup.loaded)
    project.build()
    record = "intermediate.int_goal_outcomes_attributed_applied"
    _duplicate_an_outcome(project.db_path, "marts.fct_goal_outcomes", record, listed=applied)
    _check_scoped_key_test(project, "fct_goal_outcomes", caught=applied)
