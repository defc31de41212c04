"""serving/superset_keys.py: the answers duckdb-engine's reflection gives Superset for the
serving copy's keys, read from `duckdb_constraints()` by DuckDB 2 and by the DuckDB 1.4
client BI tools bundle (Superset 6.1's environment resolves DuckDB 1.4). Without it,
duckdb-engine reflects a primary key without columns and no foreign key at all
(scripts/superset_check.py --no-addon shows it in a real Superset)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from serving.descriptions import ForeignKey, MartDescription
from serving.publishing import publish
from serving.superset_keys import KEYS_SQL, foreign_keys, primary_key, split_schema
from tests.serving.helpers import DESCRIPTIONS, old_duckdb_env, require_old_duckdb
from tests.support import PROJECT_DIR

KEYED = {
    **DESCRIPTIONS,
    "fct_goal_outcomes": MartDescription(
        primary_key=("outcome_id",),
        foreign_keys=(
            ForeignKey(("workspace_id",), "dim_workspaces", ("workspace_id",)),
            ForeignKey(("workspace_id", "goal_code"), "dim_goals", ("workspace_id", "goal_code")),
        ),
    ),
}

#: What Superset asks for: the schema as duckdb-engine lists it (`<file stem>.marts`).
SCHEMA = "goals_serving.marts"

EXPECTED: dict[str, Any] = {
    "fct_goal_outcomes": {
        "pk": {"constrained_columns": ["outcome_id"], "name": "PRIMARY KEY(outcome_id)"},
        "fks": [
            {
                "constrained_columns": ["workspace_id"],
                "referred_schema": SCHEMA,
                "referred_table": "dim_workspaces",
                "referred_columns": ["workspace_id"],
            },
            {
                "constrained_columns": ["workspace_id", "goal_code"],
                "referred_schema": SCHEMA,
                "referred_table": "dim_goals",
                "referred_columns": ["workspace_id", "goal_code"],
            },
        ],
    },
    "dim_goals": {
        "pk": {
            "constrained_columns": ["workspace_id", "goal_code"],
            "name": "PRIMARY KEY(workspace_id, goal_code)",
        },
        "fks": [],
    },
    "agg_goal_outcomes_daily": {"pk": {"constrained_columns": [], "name": None}, "fks": []},
}

_REFLECT = """
import json, sys
import duckdb
from serving.superset_keys import KEYS_SQL, foreign_keys, primary_key
con = duckdb.connect(sys.argv[1], read_only=True)
rows = con.execute(KEYS_SQL).fetchall()
print(json.dumps({
    "version": duckdb.__version__,
    "tables": {
        t: {"pk": primary_key(rows, t, sys.argv[2]), "fks": foreign_keys(rows, t, sys.argv[2])}
        for t in sys.argv[3:]
    },
}))
"""


def _comparable(reflected: dict[str, Any]) -> dict[str, Any]:
    """The reflection without the foreign keys' names (DuckDB's constraint text) and order."""
    return {
        table: {
            "pk": found["pk"],
            "fks": sorted(
                (
                    {k: v for k, v in fk.items() if k not in ("name", "options")}
                    for fk in found["fks"]
                ),
                key=lambda fk: fk["referred_table"],
            ),
        }
        for table, found in reflected.items()
    }


def _expected() -> dict[str, Any]:
    return _comparable(EXPECTED)


@pytest.fixture
def copy(warehouse: Path, tmp_path: Path) -> Path:
    return publish(
        warehouse, tmp_path / "serving" / "goals_serving.duckdb", descriptions=KEYED
    ).database


def test_keys_are_reflected_with_their_columns_and_referenced_tables(copy: Path) -> None:
    con = duckdb.connect(str(copy), read_only=True)
    try:
        rows = con.execute(KEYS_SQL).fetchall()
    finally:
        con.close()
    reflected = {
        table: {"pk": primary_key(rows, table, SCHEMA), "fks": foreign_keys(rows, table, SCHEMA)}
        for table in EXPECTED
    }
    assert _comparable(reflected) == _expected()
    # the foreign keys keep their declared names and SQLAlchemy's `options`
    names = sorted(fk["name"] for fk in reflected["fct_goal_outcomes"]["fks"])
    assert names == [
        "FOREIGN KEY (workspace_id) REFERENCES marts.dim_workspaces(workspace_id)",
        "FOREIGN KEY (workspace_id, goal_code) REFERENCES marts.dim_goals(workspace_id, goal_code)",
    ]
    # a bare schema name, and another schema or database, as SQLAlchemy may ask
    assert primary_key(rows, "dim_workspaces", "marts")["constrained_columns"] == ["workspace_id"]
    assert primary_key(rows, "dim_workspaces", "other.marts")["constrained_columns"] == []
    assert foreign_keys(rows, "fct_goal_outcomes", "goals_serving.main") == []


def test_duckdb_1_4_reflects_the_same_keys(copy: Path) -> None:
    require_old_duckdb()
    done = subprocess.run(
        [sys.executable, "-c", _REFLECT, str(copy), SCHEMA, *EXPECTED],
        env={**old_duckdb_env(), "PYTHONPATH": f"{old_duckdb_env()['PYTHONPATH']}:{PROJECT_DIR}"},
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["version"].startswith("1.4.")
    assert _comparable(answer["tables"]) == _expected()


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        (None, (None, None)),
        ("marts", (None, "marts")),
        ("goals_serving.marts", ("goals_serving", "marts")),
        ('"my copy".marts', ("my copy", "marts")),
    ],
)
def test_schemas_are_split_as_duckdb_engine_names_them(
    schema: str | None, expected: tuple[str | None, str | None]
) -> None:
    assert split_schema(schema) == expected
