"""dbt vars are checked before they become SQL: a value of the wrong kind stops dbt with a
message that names the var, never a SQL error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import PROJECT_DIR, run_dbt


@pytest.mark.parametrize("value", ["1 or 1", "1.5"])
def test_a_default_attribution_window_that_is_not_a_whole_number_stops_dbt(
    warehouse: Path, value: str
) -> None:
    run = run_dbt(
        PROJECT_DIR,
        warehouse,
        "compile",
        "--select",
        "int_goals_validated",
        "--vars",
        json.dumps({"default_attribution_window_hours": value}),
    )
    assert run.returncode != 0, run.output
    assert (
        f"dbt var default_attribution_window_hours must be a whole number, got '{value}'"
        in run.output
    ), run.output


def test_a_whole_number_default_attribution_window_is_compiled_in(warehouse: Path) -> None:
    run = run_dbt(
        PROJECT_DIR,
        warehouse,
        "compile",
        "--select",
        "int_goals_validated",
        "--vars",
        json.dumps({"default_attribution_window_hours": " 72 "}),
    )
    assert run.returncode == 0, run.output
    compiled = next(
        (warehouse.parent / "dbt-target" / "compiled").rglob("int_goals_validated.sql")
    ).read_text(encoding="utf-8")
    assert "cast(attribution_window_hours as integer),\n            72\n" in compiled
