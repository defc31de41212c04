"""`goals demo`: data preparation (fast) and the whole command (slow, needs ingest + models)."""

from __future__ import annotations

import importlib.util
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import typer

from cli import demo_cmd
from demo.generate import file_names
from tests.support import PROJECT_DIR

END = datetime(2026, 3, 1, 15, 0)


def test_demo_files() -> None:
    assert demo_cmd.demo_files(20_000) == 3
    assert demo_cmd.demo_files(1_000_000) == 4
    assert demo_cmd.demo_files(100_000_000) == 16


def test_the_default_end_is_the_start_of_the_current_hour() -> None:
    assert demo_cmd.default_end(datetime(2026, 12, 4, 23, 47, 12, 5)) == datetime(2026, 12, 4, 23)


def test_demo_data_is_generated_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo_cmd, "DEMO_DIR", tmp_path)
    paths = demo_cmd.ensure_demo_data(900, 42, END)
    assert [p.name for p in paths] == file_names(3)
    assert all(p.parent == tmp_path / "events-900-seed42-end20260301T150000Z" for p in paths)
    stamps = [p.stat().st_mtime_ns for p in paths]
    again = demo_cmd.ensure_demo_data(900, 42, END)
    assert again == paths
    assert [p.stat().st_mtime_ns for p in again] == stamps


def test_the_demo_data_ends_at_its_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 90 days lead up to the end: the last day has events, nothing is after it."""
    monkeypatch.setattr(demo_cmd, "DEMO_DIR", tmp_path)
    times = []
    for path in demo_cmd.ensure_demo_data(3000, 42, END):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                at = json.loads(line)["occurred_at"]
                times.append(datetime.fromisoformat(at.replace("Z", "+00:00")).replace(tzinfo=None))
            except (ValueError, KeyError, TypeError):
                continue  # the demo's deliberately bad lines
    assert max(times) < END
    assert max(times) > END - timedelta(days=1)
    assert min(times) >= END - timedelta(days=90)


def _warehouse_with_files(path: Path, files: list[Path]) -> Path:
    from ingest.schema import ensure_raw_schema
    from ingest.warehouse import connect

    with connect(path) as con:
        ensure_raw_schema(con)
        for index, file in enumerate(files):
            con.execute(
                "insert into raw.loaded_files values (?, ?, 'ndjson', 1, 1, 1, 0, 0, now())",
                [f"sha{index}", str(file)],
            )
    return path


def test_an_earlier_demo_only_warehouse_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_cmd, "DEMO_DIR", tmp_path / "demo")
    old = tmp_path / "demo" / "events-900-seed42-end20260201T000000Z"
    new = tmp_path / "demo" / "events-900-seed42-end20260301T150000Z"
    db = _warehouse_with_files(tmp_path / "w.duckdb", [old / "events-00001.ndjson"])
    assert demo_cmd.replace_earlier_demo(db, new) is not None
    assert not db.exists()


def test_the_same_demo_keeps_its_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo_cmd, "DEMO_DIR", tmp_path / "demo")
    same = tmp_path / "demo" / "events-900-seed42-end20260301T150000Z"
    db = _warehouse_with_files(tmp_path / "w.duckdb", [same / "events-00001.ndjson"])
    assert demo_cmd.replace_earlier_demo(db, same) is None
    assert db.exists()


def test_a_warehouse_with_other_files_is_never_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_cmd, "DEMO_DIR", tmp_path / "demo")
    old = tmp_path / "demo" / "events-900-seed42-end20260201T000000Z"
    db = _warehouse_with_files(
        tmp_path / "w.duckdb", [old / "events-00001.ndjson", tmp_path / "mine.ndjson"]
    )
    with pytest.raises(typer.Exit):
        demo_cmd.replace_earlier_demo(db, tmp_path / "demo" / "events-900-seed42-endX")
    assert db.exists()


def _pipeline_ready() -> bool:
    root = PROJECT_DIR
    return importlib.util.find_spec("ingest.loader") is not None and any(
        (root / "models" / "marts").glob("*.sql")
    )


@pytest.mark.slow
@pytest.mark.skipif(not _pipeline_ready(), reason="ingest package or dbt models not present yet")
def test_goals_demo_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb
    from typer.testing import CliRunner

    app = typer.Typer()
    app.callback()(lambda: None)  # a command group, as in `goals`
    demo_cmd.register(app)
    monkeypatch.setattr(demo_cmd, "DEMO_DIR", tmp_path / "demo")
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    db = tmp_path / "demo.duckdb"
    # the default anchor: the project's seeds already hold the demo's changes for it
    args = ["demo", "--events", "3000", "--db", str(db), "--end", "2026-11-15T00:00:00Z"]
    runner = CliRunner()
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "Outcomes by goal" in first.output
    # quiet: dbt's progress lines are not printed, its result is one line
    assert " START " not in first.output
    assert "dbt PASS=" in first.output
    assert "\x1b[" not in first.output
    # piped output is not cut at 80 columns, and it ends with the next steps
    assert any(len(line) > 80 for line in first.output.splitlines())
    lines = first.output.strip().splitlines()
    assert "Next steps" in lines[-9:]
    tail = lines[lines.index("Next steps") :]
    assert any("goals explore" in line for line in tail)
    assert any("make dev" in line for line in tail)
    assert any("goals hub" in line for line in tail)
    assert any("goals_serving.duckdb" in line for line in tail)
    with duckdb.connect(str(db), read_only=True) as con:
        (files, read) = con.execute(
            "select count(*), sum(lines_read) from raw.loaded_files"
        ).fetchone() or (0, 0)
        (events,) = con.execute("select count(*) from raw.events").fetchone() or (0,)
    assert (files, read) == (3, 3000)

    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert "already loaded" in second.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from raw.loaded_files").fetchone() == (3,)
        assert con.execute("select count(*) from raw.events").fetchone() == (events,)
