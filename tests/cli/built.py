"""The goals and events the preview and events tests share, built into marts once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.helpers import GOAL_COLUMNS, NOW, Event, ago, create_warehouse
from tests.support import copy_project, run_dbt

WORKSPACES = "workspace_id,base_currency,timezone\nws_t,EUR,UTC\nws_o,USD,\n"

# code, trigger, match_conditions, value settings, dedupe_property
GOALS = {
    "qty_two": ("purchase", '{"qty": 2}', "none,,,,,,,", ""),
    "code_one_string": ("purchase", '{"code": "1"}', "none,,,,,,,", ""),
    "code_one_number": ("purchase", '{"code": 1}', "none,,,,,,,", ""),
    "coupon_null": ("purchase", '{"coupon": null}', "none,,,,,,,", ""),
    "dotted_key": ("purchase", '{"a.b": 1}', "none,,,,,,,", ""),
    "vip_true": ("purchase", '{"vip": true}', "none,,,,,,,", ""),
    "plan_premium": ("purchase", '{"plan": "Premium"}', "none,,,,,,,", ""),
    "plan_and_qty": ("purchase", '{"plan": "Premium", "qty": 2.0}', "none,,,,,,,", ""),
    "big_number": ("purchase", '{"n": 9007199254740993}', "none,,,,,,,", ""),
    "unicode_key": ("purchase", '{"caf\\u00e9": "\\u00fc"}', "none,,,,,,,", ""),
    "dedupe_order": ("purchase", "", "from_property,,amount,EUR,cur,,,", "order_id"),
    "dedupe_nested": ("purchase", "", "fixed,2.50,,,,,,", "order.id"),
    "base_values": ("purchase", "", "from_property,,amount,,cur,base,base_cur,", ""),
    "signup_any": ("signup", "", "none,,,,,,,", ""),
    "never_seen": ("never_seen", "", "none,,,,,,,", ""),
}

PROPERTIES = [
    '{"qty": 2, "code": 1, "coupon": null, "a.b": 1, "vip": true, "plan": "Premium", '
    '"order_id": 7, "amount": "49.90", "cur": "eur", "n": 9007199254740992, '
    '"caf\\u00e9": "\\u00fc", "base": 45, "base_cur": "usd"}',
    '{"qty": 2.0, "code": "1", "a": {"b": 1}, "vip": "true", "plan": "premium", '
    '"order_id": 7.0, "amount": 10, "cur": "usd", "n": 9007199254740993, "café": "ü"}',
    '{"qty": "2", "coupon": "null", "a": {"b": "1"}, "plan": "PREMIUM", "order_id": "7", '
    '"amount": "1e3", "base": "x"}',
    '{"qty": 2e0, "order_id": null, "amount": null, "order": {"id": 5}, "plan": "Premium"}',
    '{"order": {"id": 5.0}, "qty": 3, "plan": "Premium", "amount": 5, "cur": 978}',
    '{"order": {"id": 5}, "order_id": 8, "code": "1", "coupon": null, "vip": true, '
    '"amount": "12,50", "cur": "XXX", "base_cur": "nope"}',
    "{}",
    '{"a.b": 1.0, "plan": "Premium", "qty": 2, "amount": -3, "cur": "GBP", "base": "2.5"}',
    '{"order": 5, "amount": 0.1, "order_id": "7"}',
    '{"order": {"id": null}, "amount": 0.2, "cur": "gbp", "qty": true}',
]

EVENTS = [
    *(
        Event(f"p{i:02d}", "purchase", ago(days=1, hours=i), props)
        for i, props in enumerate(PROPERTIES)
    ),
    Event("s1", "signup", ago(days=2)),
    Event("s2", "Signup", ago(days=2)),
    Event("o1", "purchase", ago(days=1), '{"qty": 2}', workspace_id="ws_o"),
]


def goals_csv() -> str:
    lines = [GOAL_COLUMNS]
    for code, (trigger, conditions, value, dedupe) in GOALS.items():
        quoted = '"' + conditions.replace('"', '""') + '"' if conditions else ""
        lines.append(f"ws_t,{code},{code},,conversion,false,{trigger},{quoted},{value},{dedupe}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Built:
    project: Path
    warehouse: Path

    @property
    def goals_file(self) -> Path:
        return self.project / "seeds" / "goals.csv"


def build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The fixture goals and events, built into marts by dbt (reference time = NOW)."""
    root = tmp_path_factory.mktemp("preview")
    project = copy_project(root / "project")
    seeds = project / "seeds"
    (seeds / "goals.csv").write_text(goals_csv(), encoding="utf-8")
    (seeds / "workspaces.csv").write_text(WORKSPACES, encoding="utf-8")
    (seeds / "goal_status_changes.csv").write_text(
        "workspace_id,goal_code,status,changed_at\n", encoding="utf-8"
    )
    warehouse = create_warehouse(root / "w.duckdb", EVENTS)
    run = run_dbt(
        project,
        warehouse,
        "build",
        "--exclude-resource-type",
        "unit_test",
        "--vars",
        json.dumps({"reference_time": NOW.strftime("%Y-%m-%dT%H:%M:%SZ")}),
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return Built(project, warehouse)
