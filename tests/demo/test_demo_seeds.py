"""The demo configuration in seeds/ follows reference §2.2-2.4 and fits the generated data."""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import iso4217
import pytest

from demo.edge_cases import GOAL_COLUMNS
from demo.generate import DEFAULT_START, WORKSPACES, data_end
from tests.support import PROJECT_DIR

SEEDS = PROJECT_DIR / "seeds"


def rows(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (SEEDS / name).open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        data = list(reader)
        return list(reader.fieldnames or []), data


def is_currency(code: str) -> bool:
    try:
        iso4217.Currency(code)
    except ValueError:
        return False
    return True


def test_workspaces() -> None:
    header, workspaces = rows("workspaces.csv")
    assert header == ["workspace_id", "base_currency", "timezone"]
    assert {w["workspace_id"] for w in workspaces} == {w.workspace_id for w in WORKSPACES}
    for w in workspaces:
        assert is_currency(w["base_currency"])
        if w["timezone"]:
            ZoneInfo(w["timezone"])
    assert any(w["timezone"] == "" for w in workspaces)
    generated = {w.workspace_id: w.base_currency for w in WORKSPACES}
    assert {w["workspace_id"]: w["base_currency"] for w in workspaces} == generated


def test_goals_are_valid() -> None:
    header, goals = rows("goals.csv")
    assert header == GOAL_COLUMNS
    _, workspaces = rows("workspaces.csv")
    known = {w["workspace_id"] for w in workspaces}
    keys = [(g["workspace_id"], g["code"]) for g in goals]
    assert len(keys) == len(set(keys))
    for g in goals:
        assert g["workspace_id"] in known
        assert re.fullmatch(r"[a-z0-9_]+", g["code"]), g["code"]
        assert g["kind"] in ("conversion", "engagement", "custom")
        assert g["is_primary"] in ("true", "false")
        assert g["trigger_event"]
        if g["match_conditions"]:
            conditions = json.loads(g["match_conditions"])
            assert isinstance(conditions, dict) and conditions
            assert all(
                v is None or isinstance(v, str | int | float | bool) for v in conditions.values()
            )
        assert g["value_mode"] in ("none", "fixed", "from_property")
        if g["value_mode"] == "fixed":
            assert float(g["fixed_value"]) > 0
        if g["value_mode"] == "from_property":
            assert g["value_property"]
        if g["currency"]:
            assert is_currency(g["currency"])
        if g["attribution_window_hours"]:
            assert int(g["attribution_window_hours"]) > 0
    kinds = {g["kind"] for g in goals}
    assert kinds == {"conversion", "engagement", "custom"}
    assert {g["value_mode"] for g in goals} == {"none", "fixed", "from_property"}
    purchase = [g for g in goals if g["dedupe_property"] == "order_id" and g["base_value_property"]]
    assert purchase, "a multi-currency purchase goal with base value and dedupe"
    primaries = [g["workspace_id"] for g in goals if g["is_primary"] == "true"]
    assert sorted(primaries) == sorted(known)


def test_status_changes() -> None:
    header, changes = rows("goal_status_changes.csv")
    assert header == ["workspace_id", "goal_code", "status", "changed_at"]
    _, goals = rows("goals.csv")
    known = {(g["workspace_id"], g["code"]) for g in goals}
    start, end = DEFAULT_START, data_end()
    for change in changes:
        assert (change["workspace_id"], change["goal_code"]) in known
        assert change["status"] in ("active", "paused", "archived")
        at = datetime.fromisoformat(change["changed_at"].replace("Z", "+00:00"))
        assert start < at < end, "status changes fall inside the demo data"
    by_goal: dict[tuple[str, str], list[str]] = {}
    for change in sorted(changes, key=lambda c: c["changed_at"]):
        by_goal.setdefault((change["workspace_id"], change["goal_code"]), []).append(
            change["status"]
        )
    assert ["paused", "active"] in by_goal.values()
    assert ["archived"] in by_goal.values()


@pytest.mark.parametrize("name", ["goals.csv", "goal_status_changes.csv", "workspaces.csv"])
def test_seed_files_are_plain_utf8_with_newline(name: str) -> None:
    data = (SEEDS / name).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in data
    assert data.endswith(b"\n")
