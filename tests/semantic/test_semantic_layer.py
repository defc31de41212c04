"""The semantic layer on a small real warehouse: MetricFlow validates the semantic models
and metrics, and its answers equal plain SQL on the marts. The same build checks what the
real project's contracts put into the serving copy (keys, workspace names)."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from demo.generate import generate_events
from serving.descriptions import load_manifest, mart_descriptions, withheld_marts
from serving.publishing import publish
from tests.e2e.helpers import run_dbt_build, run_project_ingest
from tests.support import copy_project, machine_env

pytestmark = pytest.mark.slow

MF = Path(sys.executable).parent / "mf"


@dataclass(frozen=True)
class Warehouse:
    project: Path
    db: Path

    def mf(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(MF), *args],
            cwd=self.project,
            env=machine_env(self.db, self.project),
            capture_output=True,
            text=True,
            timeout=600,
        )

    def query(self, metrics: str, group_by: str, *extra: str) -> list[dict[str, str]]:
        out = self.project / "mf_out.csv"
        done = self.mf(
            "query", "--metrics", metrics, "--group-by", group_by, "--csv", str(out), *extra
        )
        assert done.returncode == 0, done.stdout + done.stderr
        with out.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    def sql(self, query: str) -> list[tuple]:
        con = duckdb.connect(str(self.db), read_only=True)
        try:
            return con.execute(query).fetchall()
        finally:
            con.close()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    if not MF.exists():
        pytest.skip(f"no MetricFlow CLI at {MF}: `make install` installs the `semantic` extra")
    root = tmp_path_factory.mktemp("semantic")
    project = copy_project(root / "project")
    # an optional workspace name for one workspace, none for the others
    workspaces = project / "seeds" / "workspaces.csv"
    with workspaces.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with workspaces.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["workspace_id", "name", "base_currency", "timezone"])
        writer.writeheader()
        for row in rows:
            name = "Nordwind Outdoor" if row["workspace_id"] == "ws_nordwind" else ""
            writer.writerow({**row, "name": name})
    db = root / "warehouse.duckdb"
    generate_events(1500, root / "events", seed=7)
    run_project_ingest(db, root / "events")
    built = run_dbt_build(project, db)
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr
    yield Warehouse(project, db)


def test_the_semantic_configuration_validates(warehouse: Warehouse) -> None:
    done = warehouse.mf("validate-configs")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ERRORS: 0" in done.stdout


def test_counts_and_chat_driven_share_equal_the_marts(warehouse: Warehouse) -> None:
    rows = warehouse.query(
        "outcomes,conversions,engagements,chat_driven_conversions,chat_driven_share_of_conversions",
        "workspace,goal__goal_kind",
    )
    got = {
        (r["workspace"], r["goal__goal_kind"]): (
            int(r["outcomes"]),
            int(r["conversions"]),
            int(r["engagements"]),
            int(r["chat_driven_conversions"]),
            None
            if r["chat_driven_share_of_conversions"] == ""
            else float(r["chat_driven_share_of_conversions"]),
        )
        for r in rows
    }
    expected = {
        (ws, kind): (
            n,
            conv,
            eng,
            chat_conv,
            None if conv == 0 else chat_conv / conv,
        )
        for ws, kind, n, conv, eng, chat_conv in warehouse.sql(
            "select workspace_id, goal_kind, count(*), "
            "count(*) filter (where goal_kind = 'conversion'), "
            "count(*) filter (where goal_kind = 'engagement'), "
            "count(*) filter (where goal_kind = 'conversion' and is_chat_driven) "
            "from marts.fct_goal_outcomes group by all"
        )
    }
    assert set(got) == set(expected)
    for key, (n, conv, eng, chat_conv, share) in expected.items():
        assert got[key][:4] == (n, conv, eng, chat_conv), key
        assert (got[key][4] is None) == (share is None), key
        if share is not None:
            assert got[key][4] == pytest.approx(share), key


def test_revenue_by_local_day_equals_the_daily_mart(warehouse: Warehouse) -> None:
    rows = warehouse.query(
        "revenue,base_revenue,chat_driven_base_revenue",
        "metric_time__day,workspace,goal__goal_code,outcome__currency",
    )
    got = {
        (
            r["metric_time__day"][:10],
            r["workspace"],
            r["goal__goal_code"],
            r["outcome__currency"],
        ): (
            r["revenue"],
            r["base_revenue"],
            r["chat_driven_base_revenue"],
        )
        for r in rows
    }
    expected = {
        (str(day), ws, goal, currency or ""): (revenue, base, chat_base)
        for day, ws, goal, currency, revenue, base, chat_base in warehouse.sql(
            "select outcome_date, workspace_id, goal_code, currency, "
            "sum(revenue)::decimal(38, 4), sum(base_revenue)::decimal(38, 4), "
            "sum(chat_driven_base_revenue)::decimal(38, 4) "
            "from marts.agg_goal_outcomes_daily group by all"
        )
    }
    assert set(got) == set(expected)

    def money(text: str) -> Decimal | None:
        return None if text == "" else Decimal(text)

    for key, values in expected.items():
        assert tuple(money(v) for v in got[key]) == values, key


def test_conversions_per_conversation_by_month(warehouse: Warehouse) -> None:
    rows = warehouse.query(
        "conversions,conversations,conversions_per_conversation", "metric_time__month,workspace"
    )
    conversations = dict(
        ((str(month), ws), n)
        for month, ws, n in warehouse.sql(
            "select date_trunc('month', started_date)::date, workspace_id, count(*) "
            "from semantic.sem_conversations group by all"
        )
    )
    assert rows
    for r in rows:
        key = (r["metric_time__month"][:10], r["workspace"])
        if r["conversations"]:
            assert int(r["conversations"]) == conversations[key]
        if r["conversations"] and r["conversions"]:
            assert float(r["conversions_per_conversation"]) == pytest.approx(
                int(r["conversions"]) / int(r["conversations"])
            )


def test_dim_workspaces_reads_the_optional_names(warehouse: Warehouse) -> None:
    assert warehouse.sql(
        "select workspace_id, workspace_name from marts.dim_workspaces order by 1"
    ) == [("ws_brightdesk", None), ("ws_harbor", None), ("ws_nordwind", "Nordwind Outdoor")]


def test_the_serving_copy_carries_the_contracts_keys(warehouse: Warehouse) -> None:
    manifest = load_manifest(warehouse.project)
    descriptions = mart_descriptions(manifest)
    result = publish(
        warehouse.db,
        warehouse.db.parent / "serving" / "goals_serving.duckdb",
        marts=sorted(descriptions),
        withheld=withheld_marts(manifest),
        descriptions=descriptions,
    )
    con = duckdb.connect(str(result.database), read_only=True)
    try:
        keys = set(
            con.execute(
                "select table_name, constraint_text from duckdb_constraints() "
                "where constraint_type in ('PRIMARY KEY', 'FOREIGN KEY')"
            ).fetchall()
        )
        comment = con.execute(
            "select comment from duckdb_columns() "
            "where table_name = 'fct_goal_outcomes' and column_name = 'attribution'"
        ).fetchall()
    finally:
        con.close()
    assert {
        ("dim_workspaces", "PRIMARY KEY(workspace_id)"),
        ("dim_goals", "PRIMARY KEY(workspace_id, goal_code)"),
        ("dim_conversations", "PRIMARY KEY(workspace_id, conversation_id)"),
        ("fct_goal_outcomes", "PRIMARY KEY(outcome_id)"),
        (
            "fct_goal_outcomes",
            "FOREIGN KEY (workspace_id, goal_code) "
            "REFERENCES marts.dim_goals(workspace_id, goal_code)",
        ),
        (
            "fct_goal_outcomes",
            "FOREIGN KEY (workspace_id, conversation_id) "
            "REFERENCES marts.dim_conversations(workspace_id, conversation_id)",
        ),
        (
            "agg_goal_outcomes_daily",
            "FOREIGN KEY (workspace_id) REFERENCES marts.dim_workspaces(workspace_id)",
        ),
    } <= keys
    # the doc blocks are rendered, and no description names a spec section
    assert comment and comment[0][0].startswith("Why the outcome is")
    assert all("SPEC" not in d.description for d in descriptions.values())
