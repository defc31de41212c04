"""`goals publish`: publishes, summarises, and says what to do when it cannot."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import serving.descriptions
from cli.app import app
from serving.descriptions import MartDescription
from tests.serving.helpers import DESCRIPTIONS, MARTS, counts, mart_rows


def _goals(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["publish", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


@pytest.fixture(autouse=True)
def _no_project_manifest(monkeypatch: pytest.MonkeyPatch) -> None:
    """The marts and descriptions of this test's warehouse, as a manifest would give them,
    not whatever target/ holds."""
    nodes = {}
    for mart in MARTS:
        described = DESCRIPTIONS.get(mart, MartDescription())
        nodes[f"model.goals_analytics.{mart}"] = {
            "resource_type": "model",
            "name": mart,
            "schema": "marts",
            "description": described.description,
            "columns": {
                name: {"name": name, "description": text}
                for name, text in described.columns.items()
            },
        }
    monkeypatch.setattr(serving.descriptions, "load_manifest", lambda _: {"nodes": nodes})


def test_publish_command(warehouse: Path, tmp_path: Path) -> None:
    code, output = _goals(
        "--db",
        str(warehouse),
        "--serving",
        str(tmp_path / "bi" / "goals.duckdb"),
        "--parquet-dir",
        str(tmp_path / "lake"),
    )

    assert code == 0, output
    for mart in MARTS:
        assert mart in output
    assert "v1.4.0" in output
    assert f"{tmp_path / 'lake' / 'current'}/<mart>.parquet" in output
    assert f"Published {len(MARTS)} marts" in output
    assert mart_rows(tmp_path / "bi" / "goals.duckdb") == mart_rows(warehouse)
    assert sorted(p.name for p in (tmp_path / "lake" / "current").iterdir()) == sorted(
        f"{m}.parquet" for m in MARTS
    )


def test_publish_defaults_to_duckdb_path_and_the_environment(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("GOALS_SERVING_PATH", str(tmp_path / "env" / "serving.duckdb"))

    code, output = _goals()

    assert code == 0, output
    assert counts(tmp_path / "env" / "serving.duckdb") == counts(warehouse)
    assert (tmp_path / "env" / "parquet" / "current" / "dim_goals.parquet").is_file()


def test_publish_without_a_warehouse_says_to_build(tmp_path: Path) -> None:
    code, output = _goals("--db", str(tmp_path / "missing.duckdb"))
    assert code == 1
    assert "No warehouse at" in output and "goals build" in output
    assert "Traceback" not in output
    assert not (tmp_path / "missing.duckdb").exists()


def test_publish_without_marts_says_to_build(tmp_path: Path) -> None:
    db = tmp_path / "goals.duckdb"
    duckdb.connect(str(db)).close()
    code, output = _goals("--db", str(db))
    assert code == 1
    assert "has no marts" in output and "run `goals build` first" in output


def test_publish_with_a_mart_missing_says_to_build(warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse))
    con.execute("drop table marts.event_catalog")
    con.close()
    code, output = _goals("--db", str(warehouse))
    assert code == 1
    assert "marts.event_catalog" in output and "goals build" in output
    assert not (warehouse.parent / "serving" / "goals_serving.duckdb").exists()


def test_publish_help() -> None:
    code, output = _goals("--help")
    assert code == 0
    for option in ("--db", "--serving", "--parquet-dir"):
        assert option in output
    assert "GOALS_SERVING_PATH" in output and "GOALS_PARQUET_DIR" in output


def test_publish_is_a_goals_command() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert " publish " in result.output
