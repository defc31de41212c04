"""The demo's status changes move with the demo data, and never over a person's own."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from demo.generate import data_end
from demo.status_changes import Sync, demo_change_rows, render, sync_demo_status_changes
from tests.support import PROJECT_DIR

SEEDS = PROJECT_DIR / "seeds"


def test_the_default_anchor_gives_the_committed_seed() -> None:
    committed = (SEEDS / "goal_status_changes.csv").read_text(encoding="utf-8")
    assert render(demo_change_rows(data_end())) == committed


def test_changes_fall_inside_the_data_before_its_end() -> None:
    end = datetime(2027, 2, 3, 17, 0)
    rows = demo_change_rows(end)
    assert rows[0][3] == "2026-12-03T08:00:00Z"
    assert [r[:3] for r in rows] == [
        ("ws_harbor", "size_guide_opened", "paused"),
        ("ws_harbor", "size_guide_opened", "active"),
        ("ws_nordwind", "newsletter_signup", "archived"),
    ]
    assert all(r[3] < end.strftime("%Y-%m-%dT%H:%M:%SZ") for r in rows)


def test_the_demo_file_is_moved_with_the_data(tmp_path: Path) -> None:
    path = tmp_path / "goal_status_changes.csv"
    path.write_text(render(demo_change_rows(data_end())), encoding="utf-8")
    end = datetime(2027, 2, 3, 17, 0)
    assert sync_demo_status_changes(path, end) is Sync.WRITTEN
    assert path.read_text(encoding="utf-8") == render(demo_change_rows(end))
    assert sync_demo_status_changes(path, end) is Sync.UNCHANGED


def test_a_file_with_a_change_someone_recorded_is_kept(tmp_path: Path) -> None:
    """`goals status` appended a row: re-running the demo must not undo it."""
    path = tmp_path / "goal_status_changes.csv"
    text = (
        render(demo_change_rows(data_end()))
        + "ws_harbor,product_purchase,paused,2026-12-01T10:00:00Z\n"
    )
    path.write_text(text, encoding="utf-8")
    assert sync_demo_status_changes(path, datetime(2027, 2, 3)) is Sync.KEPT
    assert path.read_text(encoding="utf-8") == text


def test_a_missing_file_is_written(tmp_path: Path) -> None:
    path = tmp_path / "goal_status_changes.csv"
    assert sync_demo_status_changes(path, datetime(2027, 2, 3)) is Sync.WRITTEN
    assert path.is_file()
