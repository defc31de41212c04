"""The DuckDB view materialization keeps a view whose definition cannot have changed
(its compiled SQL, and the columns and types of what it selects from) and creates it
again otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from demo.generate import generate_events
from tests.incremental.helpers import Project, execute_sql, ingest_files, mart_rows

pytestmark = pytest.mark.slow

UNCHANGED = "unchanged"


class Setup:
    def __init__(self, root: Path) -> None:
        self.project = project = Project(root)
        project.reset()
        ingest_files(project.db_path, generate_events(300, root / "events", seed=5))
        project.build()
        self.built = project.save(root / "built.duckdb")
        self.marts = mart_rows(project.db_path)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    return Setup(tmp_path_factory.mktemp("views"))


def _view_messages(project: Project) -> dict[str, str]:
    """View model name -> the message of its last run."""
    manifest = json.loads((project.target / "manifest.json").read_text())
    views = {
        unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "view"
    }
    results = json.loads((project.target / "run_results.json").read_text())["results"]
    return {
        r["unique_id"].rsplit(".", 1)[-1]: r["adapter_response"].get("_message") or r["message"]
        for r in results
        if r["unique_id"] in views
    }


def test_a_scheduled_run_keeps_every_view(setup: Setup) -> None:
    project = setup.project
    project.reset(setup.built)
    project.build()
    messages = _view_messages(project)
    assert "stg_telemetry__events" in messages and "int_goal_events_matched" in messages
    assert set(messages.values()) == {UNCHANGED}
    assert mart_rows(project.db_path) == setup.marts


def test_a_full_refresh_creates_every_view_again(setup: Setup) -> None:
    project = setup.project
    project.reset(setup.built)
    project.build(full_refresh=True)
    assert UNCHANGED not in _view_messages(project).values()


def test_a_changed_parent_column_creates_its_views_again(setup: Setup) -> None:
    """A view is bound to its parents' columns and types: DuckDB refuses to read a view
    whose parent's types changed, so the view is created again."""
    project = setup.project
    project.reset(setup.built)
    execute_sql(project.db_path, "alter table raw.events add column extra varchar")
    project.build()
    messages = _view_messages(project)
    assert messages["stg_telemetry__events"] != UNCHANGED
    # its own columns did not change: the views reading it are kept
    assert messages["int_goal_events_matched"] == UNCHANGED


def test_a_changed_model_creates_its_view_again(setup: Setup) -> None:
    project = setup.project
    project.reset(setup.built)
    model = project.dir / "models" / "staging" / "seeds" / "stg_seeds__workspaces.sql"
    original = model.read_text()
    model.write_text(original + "\n-- edited\n")
    try:
        project.build()
    finally:
        model.write_text(original)
    messages = _view_messages(project)
    assert messages["stg_seeds__workspaces"] != UNCHANGED
    assert messages["stg_seeds__goals"] == UNCHANGED


def test_a_dropped_view_is_created_again(setup: Setup) -> None:
    project = setup.project
    project.reset(setup.built)
    execute_sql(project.db_path, "drop view staging.stg_seeds__goals")
    project.build()
    assert _view_messages(project)["stg_seeds__goals"] != UNCHANGED
    assert mart_rows(project.db_path) == setup.marts
