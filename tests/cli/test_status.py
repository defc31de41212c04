"""`goals status`: append-only status changes in goal_status_changes.csv."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import Result

from tests.cli.helpers import GOAL_COLUMNS, NOW, Goals

HEADER = "workspace_id,goal_code,status,changed_at"
NOW_Z = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_seeds(folder: Path, changes: bytes | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "goals.csv").write_text(
        GOAL_COLUMNS
        + "\n"
        + "ws_t,goal_a,Goal A,,conversion,true,purchase,,none,,,,,,,,\n"
        + "ws_t,goal_b,Goal B,,engagement,false,page_view,,none,,,,,,,,\n"
        + "ws_u,goal_a,Goal A (U),,conversion,false,purchase,,none,,,,,,,,\n"
        + " ws_u , spaced ,Spaced,,conversion,false,purchase,,none,,,,,,,,\n",
        encoding="utf-8",
    )
    (folder / "workspaces.csv").write_text(
        "workspace_id,base_currency,timezone\nws_t,EUR,UTC\nws_u,USD,\n", encoding="utf-8"
    )
    if changes is not None:
        (folder / "goal_status_changes.csv").write_bytes(changes)
    return folder


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    return write_seeds(
        tmp_path / "seeds",
        f"{HEADER}\nws_t,goal_a,paused,2026-01-10T08:00:00Z\n".encode(),
    )


def changes_of(seeds: Path) -> bytes:
    return (seeds / "goal_status_changes.csv").read_bytes()


def set_status(goals: Goals, seeds: Path, *args: str, expect: int | None = 0) -> Result:
    """`goals status ARGS --seeds SEEDS`."""
    return goals("status", *args, "--seeds", str(seeds), expect=expect)


def test_appends_one_row_dated_now(goals: Goals, seeds: Path) -> None:
    before = changes_of(seeds)
    result = set_status(goals, seeds, "goal_a", "active", "--workspace", "ws_t")
    after = changes_of(seeds)
    assert after == before + f"ws_t,goal_a,active,{NOW_Z}\n".encode()
    assert "paused → active" in result.stdout
    assert "line 3" in result.stdout


def test_at_with_an_offset_is_written_in_utc(goals: Goals, seeds: Path) -> None:
    set_status(
        goals, seeds, "goal_b", "archived", "-w", "ws_t", "--at", "2026-03-01T10:30:00+02:00"
    )
    assert changes_of(seeds).endswith(b"ws_t,goal_b,archived,2026-03-01T08:30:00Z\n")


@pytest.mark.parametrize(
    ("at", "written"),
    [
        ("2026-03-01", "2026-03-01T00:00:00Z"),
        ("2026-03-01T10:30", "2026-03-01T10:30:00Z"),
        ("2026-03-01 10:30:05.250z", "2026-03-01T10:30:05.25Z"),
        ("2026-03-01T23:30:00-0130", "2026-03-02T01:00:00Z"),
    ],
)
def test_at_formats(goals: Goals, seeds: Path, at: str, written: str) -> None:
    set_status(goals, seeds, "goal_b", "paused", "-w", "ws_t", "--at", at)
    assert changes_of(seeds).endswith(f"ws_t,goal_b,paused,{written}\n".encode())


CRLF_FILE = f"{HEADER}\r\nws_t,goal_a,paused,2026-01-10"
APPENDED = f"ws_t,goal_b,paused,{NOW_Z}"
BOM = "\ufeff"


@pytest.mark.parametrize(
    ("changes", "written"),
    [
        pytest.param(f"{CRLF_FILE}\r\n", f"{CRLF_FILE}\r\n{APPENDED}\r\n", id="keeps-crlf"),
        pytest.param(
            CRLF_FILE, f"{CRLF_FILE}\r\n{APPENDED}\r\n", id="adds-the-missing-final-line-end"
        ),
        pytest.param(HEADER, f"{HEADER}\n{APPENDED}\n", id="header-only-without-newline"),
        pytest.param(None, f"{HEADER}\n{APPENDED}\n", id="creates-the-file-with-its-header"),
        pytest.param(
            f"{BOM}changed_at,status,goal_code,workspace_id\n",
            f"{BOM}changed_at,status,goal_code,workspace_id\n{NOW_Z},paused,goal_b,ws_t\n",
            id="keeps-a-byte-order-mark-and-columns-in-file-order",
        ),
    ],
)
def test_the_row_is_appended_in_the_file_own_layout(
    goals: Goals, tmp_path: Path, changes: str | None, written: str
) -> None:
    seeds = write_seeds(tmp_path / "s", None if changes is None else changes.encode())
    set_status(goals, seeds, "goal_b", "paused", "-w", "ws_t")
    assert changes_of(seeds) == written.encode()


def test_the_workspace_is_inferred_when_the_code_is_unique(goals: Goals, seeds: Path) -> None:
    set_status(goals, seeds, "goal_b", "paused")
    assert changes_of(seeds).endswith(f"ws_t,goal_b,paused,{NOW_Z}\n".encode())


def test_cells_are_read_as_the_staging_models_read_them(goals: Goals, seeds: Path) -> None:
    set_status(goals, seeds, "spaced", "paused")
    assert changes_of(seeds).endswith(f"ws_u,spaced,paused,{NOW_Z}\n".encode())


def test_status_is_case_insensitive_and_written_lower_case(goals: Goals, seeds: Path) -> None:
    set_status(goals, seeds, "goal_b", "PAUSED", "-w", "ws_t")
    assert changes_of(seeds).endswith(f"ws_t,goal_b,paused,{NOW_Z}\n".encode())


def test_refuses_a_code_of_several_workspaces_without_workspace(goals: Goals, seeds: Path) -> None:
    before = changes_of(seeds)
    result = set_status(goals, seeds, "goal_a", "paused", expect=1)
    assert "several workspaces (ws_t, ws_u)" in result.stderr
    assert "--workspace" in result.stderr
    assert changes_of(seeds) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope", "paused"), "Unknown goal 'nope'"),
        (("goal_b", "paused", "-w", "ws_u"), "Unknown goal 'goal_b' in workspace 'ws_u'"),
        (("goal_a", "paused", "-w", "ws_zz"), "Unknown goal 'goal_a' in workspace 'ws_zz'"),
    ],
)
def test_refuses_unknown_goals(
    goals: Goals, seeds: Path, args: tuple[str, ...], message: str
) -> None:
    before = changes_of(seeds)
    result = set_status(goals, seeds, *args, expect=1)
    assert message in result.stderr
    assert changes_of(seeds) == before


@pytest.mark.parametrize("status", ["deleted", "Pause", ""])
def test_refuses_unknown_statuses(goals: Goals, seeds: Path, status: str) -> None:
    before = changes_of(seeds)
    result = set_status(goals, seeds, "goal_b", status, "-w", "ws_t", expect=2)
    assert "active" in result.output and "archived" in result.output
    assert changes_of(seeds) == before


@pytest.mark.parametrize("at", ["yesterday", "2026-02-30", "2026-03-01T24:00", "0000-01-01"])
def test_refuses_bad_timestamps(goals: Goals, seeds: Path, at: str) -> None:
    before = changes_of(seeds)
    result = set_status(goals, seeds, "goal_b", "paused", "-w", "ws_t", "--at", at, expect=2)
    assert "--at" in result.output and "ISO 8601" in result.output
    assert changes_of(seeds) == before


def test_refuses_a_change_before_the_latest_recorded_one(goals: Goals, seeds: Path) -> None:
    before = changes_of(seeds)
    result = set_status(
        goals, seeds, "goal_a", "active", "-w", "ws_t", "--at", "2026-01-10T07:59:59Z", expect=1
    )
    assert "2026-01-10T08:00:00Z" in result.stderr and "append-only" in result.stderr
    assert changes_of(seeds) == before


def test_a_change_at_the_same_instant_is_accepted(goals: Goals, seeds: Path) -> None:
    set_status(goals, seeds, "goal_a", "active", "-w", "ws_t", "--at", "2026-01-10T09:00:00+01:00")
    assert changes_of(seeds).endswith(b"ws_t,goal_a,active,2026-01-10T08:00:00Z\n")


def test_only_the_goal_own_history_counts(goals: Goals, seeds: Path) -> None:
    # goal_a of ws_t changed on 2026-01-10; goal_a of ws_u has no history
    set_status(goals, seeds, "goal_a", "paused", "-w", "ws_u", "--at", "2025-01-01")


def test_the_current_status_again_records_nothing(goals: Goals, seeds: Path) -> None:
    before = changes_of(seeds)
    result = set_status(goals, seeds, "goal_a", "paused", "-w", "ws_t")
    assert "already paused since 2026-01-10T08:00:00Z" in result.stdout
    result = set_status(goals, seeds, "goal_b", "active", "-w", "ws_t")
    assert "already active" in result.stdout
    assert changes_of(seeds) == before


def test_never_edits_existing_rows(goals: Goals, seeds: Path) -> None:
    history = []
    for status, at in [("active", "2026-02-01"), ("archived", "2026-03-01")]:
        history.append(changes_of(seeds))
        set_status(goals, seeds, "goal_a", status, "-w", "ws_t", "--at", at)
    final = changes_of(seeds)
    assert all(final.startswith(earlier) for earlier in history)
    assert final.decode().splitlines()[1:] == [
        "ws_t,goal_a,paused,2026-01-10T08:00:00Z",
        "ws_t,goal_a,active,2026-02-01T00:00:00Z",
        "ws_t,goal_a,archived,2026-03-01T00:00:00Z",
    ]


def test_missing_goals_file(goals: Goals, tmp_path: Path) -> None:
    result = set_status(goals, tmp_path, "goal_a", "paused", expect=1)
    assert "No goals file" in result.stderr


def test_appended_rows_pass_the_build_rules(goals: Goals, seeds: Path) -> None:
    set_status(goals, seeds, "goal_a", "active", "-w", "ws_t", "--at", "2026-02-01T10:00:00+01:00")
    set_status(goals, seeds, "goal_a", "archived", "-w", "ws_u")
    result = goals("validate", "--seeds", str(seeds))
    assert "are valid" in result.stdout
    assert "3 status change(s)" in result.stdout


@pytest.mark.parametrize(
    ("args", "suggested"),
    [
        (("goal_aa", "paused"), "goal_a"),
        (("Goal_B", "paused"), "goal_b"),
        (("goal_bb", "paused", "-w", "ws_t"), "goal_b"),
    ],
)
def test_an_unknown_code_suggests_the_closest(
    goals: Goals, seeds: Path, args: tuple[str, ...], suggested: str
) -> None:
    result = set_status(goals, seeds, *args, expect=1)
    assert f"(did you mean '{suggested}'?)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
