"""A wrong --db or --reference-time ends in one clear line, never a traceback, and the
commands that only read never create a warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import Goals, create_warehouse

READING_COMMANDS = [
    ("explore",),
    ("events",),
    ("publish",),
    ("list",),
    ("preview", "trial_signup"),
]


def _one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


@pytest.mark.parametrize("command", [*READING_COMMANDS, ("build",)])
def test_a_folder_as_db_is_one_clear_line(
    goals: Goals, tmp_path: Path, command: tuple[str, ...]
) -> None:
    result = goals(*command, "--db", str(tmp_path), expect=2)
    assert "is a directory" in " ".join(result.output.split()), result.output


@pytest.mark.parametrize("command", [*READING_COMMANDS, ("build",)])
def test_a_file_that_is_not_duckdb_is_one_clear_line(
    goals: Goals, tmp_path: Path, command: tuple[str, ...]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello, this is not a database\n" * 20, encoding="utf-8")
    result = goals(*command, "--db", str(notes), expect=1)
    assert "is not a DuckDB database file" in _one_line(result.output)
    assert notes.read_text(encoding="utf-8").startswith("hello")


@pytest.mark.parametrize("command", READING_COMMANDS)
def test_reading_commands_refuse_a_missing_warehouse_and_create_nothing(
    goals: Goals, tmp_path: Path, command: tuple[str, ...]
) -> None:
    typo = tmp_path / "wharehouse" / "goals.duckdb"
    result = goals(*command, "--db", str(typo), expect=1)
    assert "No warehouse at" in _one_line(result.output)
    assert not typo.parent.exists()


@pytest.mark.parametrize("value", ["yesterday", "2026-11-15'", "2026-13-01", "now"])
def test_build_refuses_a_reference_time_that_is_not_iso_8601(
    goals: Goals, tmp_path: Path, value: str
) -> None:
    db = create_warehouse(tmp_path / "goals.duckdb")
    result = goals("build", "--db", str(db), "--reference-time", value, expect=2)
    assert "is not an ISO 8601 timestamp" in result.output
    assert "Traceback" not in result.output
