"""`goals demo`: data preparation (fast) and the whole command (slow, needs ingest + models)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from cli import demo_cmd
from demo.generate import file_names


def test_demo_files() -> None:
    assert demo_cmd.demo_files(20_000) == 3
    assert demo_cmd.demo_files(1_000_000) == 4
    assert demo_cmd.demo_files(100_000_000) == 16


def test_demo_data_is_generated_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo_cmd, "DEMO_DIR", tmp_path)
    paths = demo_cmd.ensure_demo_data(900, 42)
    assert [p.name for p in paths] == file_names(3)
    assert all(p.parent == tmp_path / "events-900-seed42" for p in paths)
    stamps = [p.stat().st_mtime_ns for p in paths]
    again = demo_cmd.ensure_demo_data(900, 42)
    assert again == paths
    assert [p.stat().st_mtime_ns for p in again] == stamps


def _pipeline_ready() -> bool:
    root = Path(__file__).resolve().parents[2]
    return importlib.util.find_spec("ingest.loader") is not None and any(
        (root / "models" / "marts").glob("*.sql")
    )


@pytest.mark.slow
@pytest.mark.skipif(not _pipeline_ready(), reason="ingest package or dbt models not present yet")
def test_goals_demo_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb
    import typer
    from typer.testing import CliRunner

    app = typer.Typer()
    app.callback()(lambda: None)  # a command group, as in `goals`
    demo_cmd.register(app)
    monkeypatch.setattr(demo_cmd, "DEMO_DIR", tmp_path / "demo")
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    db = tmp_path / "demo.duckdb"
    runner = CliRunner()
    first = runner.invoke(app, ["demo", "--events", "3000", "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "Outcomes by goal" in first.output
    with duckdb.connect(str(db), read_only=True) as con:
        (files, read) = con.execute(
            "select count(*), sum(lines_read) from raw.loaded_files"
        ).fetchone() or (0, 0)
        (events,) = con.execute("select count(*) from raw.events").fetchone() or (0,)
    assert (files, read) == (3, 3000)

    second = runner.invoke(app, ["demo", "--events", "3000", "--db", str(db)])
    assert second.exit_code == 0, second.output
    assert "already loaded" in second.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from raw.loaded_files").fetchone() == (3,)
        assert con.execute("select count(*) from raw.events").fetchone() == (events,)
