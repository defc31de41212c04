"""`goals ingest`: a line per file, a total, exit 0 with rejects, clear errors otherwise."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from cli import ingest_cmd
from tests.ingest.helpers import line, write


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()

    @application.callback()
    def main() -> None:
        """Test root."""

    ingest_cmd.register(application)
    return application


def run(app: typer.Typer, *args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["ingest", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def test_lines_per_file_and_total(app: typer.Typer, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    a = write(landing / "a.ndjson", [line(event_id="1"), "bad", line(event_id="1")])
    b = landing / "b.jsonl"
    b.write_bytes(a.read_bytes())
    write(landing / "readme.md", ["# not events"])
    db = tmp_path / "wh" / "goals.duckdb"
    code, out, err = run(app, landing, "--db", db)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 3
    assert re.match(
        rf"loaded\s+{re.escape(str(a))}\s+read 3\s+accepted 1\s+rejected 1\s+duplicate 1\s+"
        r"[\d.]+ MB in [\d.]+ s \([\d.,]+ MB/s\)$",
        lines[0],
    ), lines[0]
    assert lines[1].startswith(f"skipped {b}")
    assert lines[1].endswith(f"(same content already loaded from {a})")
    assert re.match(
        r"total\s+2 files \(1 loaded, 1 skipped\)\s+read 3\s+accepted 1\s+rejected 1\s+"
        r"duplicate 1\s+",
        lines[2],
    ), lines[2]
    assert "Warning: skipping" in err
    assert "readme.md" in err
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from raw.events").fetchone() == (1,)


def test_missing_path_is_a_clear_error(app: typer.Typer, tmp_path: Path) -> None:
    db = tmp_path / "goals.duckdb"
    code, out, err = run(app, tmp_path / "nope.ndjson", "--db", db)
    assert code == 1
    assert "Error:" in err
    assert "nope.ndjson: no such file or folder" in err
    assert "Traceback" not in out + err
    assert not db.exists()


def test_corrupt_gzip_is_a_clear_error(app: typer.Typer, tmp_path: Path) -> None:
    good = write(tmp_path / "in" / "a.ndjson", [line(event_id="a")])
    bad = tmp_path / "in" / "b.ndjson.gz"
    bad.write_bytes(gzip.compress((line() + "\n").encode() * 50)[:-10])
    db = tmp_path / "goals.duckdb"
    code, out, err = run(app, tmp_path / "in", "--db", db)
    assert code == 1
    assert f"loaded  {good}" in out
    assert "total   1 file (1 loaded, 0 skipped)" in out
    assert "is not a valid gzip file" in err
    assert "Traceback" not in out + err
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from raw.loaded_files").fetchone() == (1,)


def test_locked_warehouse_is_a_clear_error(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "goals.duckdb"
    duckdb.connect(str(db)).close()
    events = write(tmp_path / "a.ndjson", [line()])
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
            "sys.stdin.read()",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        monkeypatch.setenv("GOALS_LOCK_TIMEOUT_S", "0")
        code, out, err = run(app, events, "--db", db)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert code == 1
    assert f"(PID {holder.pid})" in err
    assert "Traceback" not in out + err


def test_unknown_named_file_is_an_error(app: typer.Typer, tmp_path: Path) -> None:
    csv = write(tmp_path / "events.csv", ["a,b"])
    code, _, err = run(app, csv, "--db", tmp_path / "goals.duckdb")
    assert code == 1
    assert "is not an event file" in err
