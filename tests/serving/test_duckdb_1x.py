"""DuckDB 1.x clients (Metabase's driver, older duckdb-engine, Evidence) can open the serving
file: checked for real with the DuckDB 1.4 client `make install` puts in .venv/duckdb-1.4,
run in its own process. The same publish with a 2.0 storage version is refused by it, which
shows the check can fail."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

import serving.publishing as publishing
from serving.publishing import publish
from tests.serving.helpers import (
    DESCRIPTIONS,
    MARTS,
    OLD_DUCKDB_DIR,
    old_duckdb_env,
    require_old_duckdb,
    served_columns,
)

# Prints, as JSON: the client's version, every mart's rows (sorted, values as text), the
# marts' Parquet files' rows, the table comments and the NOT NULL columns.
OLD_CLIENT = r"""
import duckdb, json, sys
path, parquet_dir = sys.argv[1], sys.argv[2]
con = duckdb.connect(path, read_only=True)
marts = [r[0] for r in con.execute(
    "select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()]
def rows(sql):
    return [[None if v is None else str(v) for v in row] for row in con.execute(sql).fetchall()]
out = {
    "version": duckdb.__version__,
    "marts": {m: rows('select * from marts."' + m + '" order by all') for m in marts},
    "parquet": {m: rows("select * from read_parquet('" + parquet_dir + "/" + m + ".parquet') "
                        "order by all") for m in marts},
    "comments": dict(con.execute("select table_name, comment from duckdb_tables()").fetchall()),
    "not_null": sorted(con.execute(
        "select table_name || '.' || column_name from duckdb_columns() "
        "where schema_name = 'marts' and not is_nullable").fetchall()),
    "keys": sorted(con.execute(
        "select table_name, constraint_text from duckdb_constraints() "
        "where constraint_type in ('PRIMARY KEY', 'FOREIGN KEY')").fetchall()),
}
print(json.dumps(out, default=str))
"""


def _run_old_client(database: Path, parquet_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", OLD_CLIENT, str(database), str(parquet_dir)],
        env=old_duckdb_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _as_text(path: Path) -> dict[str, list[list[Any]]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            mart: [
                [None if v is None else str(v) for v in row]
                for row in con.execute(
                    f"select {served_columns(con, mart)} from marts.{mart} order by all"
                ).fetchall()
            ]
            for mart in MARTS
        }
    finally:
        con.close()


def test_duckdb_1_4_reads_every_mart_and_parquet_file(warehouse: Path) -> None:
    require_old_duckdb()
    result = publish(warehouse, descriptions=DESCRIPTIONS)

    done = _run_old_client(result.database, result.targets.current)

    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["version"].startswith("1.4."), f"{OLD_DUCKDB_DIR} holds DuckDB {seen['version']}"
    expected = _as_text(warehouse)
    assert sorted(seen["marts"]) == sorted(MARTS)
    for mart in MARTS:
        assert seen["marts"][mart] == expected[mart], mart
        assert seen["parquet"][mart] == expected[mart], mart
        assert len(seen["marts"][mart]) == result.rows[mart]
    assert seen["comments"]["fct_goal_outcomes"] == "One row per goal outcome."
    assert ["fct_goal_outcomes.outcome_id"] in seen["not_null"]
    assert ["dim_goals", "PRIMARY KEY(workspace_id, goal_code)"] in seen["keys"]
    assert [
        "fct_goal_outcomes",
        "FOREIGN KEY (workspace_id) REFERENCES marts.dim_workspaces(workspace_id)",
    ] in seen["keys"]


def test_without_the_compatibility_version_duckdb_1_4_cannot_read_it(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_old_duckdb()
    monkeypatch.setattr(publishing, "STORAGE_VERSION", "v2.0.0")
    result = publish(warehouse)

    done = _run_old_client(result.database, result.targets.current)

    assert done.returncode != 0
    assert "version number" in done.stderr or "newer version" in done.stderr, done.stderr
