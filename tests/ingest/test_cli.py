"""`goals ingest`: a line per file, a total, exit 0 with rejects, clear errors otherwise."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from cli import ingest_cmd
from tests.ingest.helpers import line, write
from tests.support import LockHolder


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
    assert len(lines) == 6, out
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
    # the rejected lines by reason: a count and one example (file:line, reason, raw text)
    assert lines[3].startswith("rejected lines by reason (1):")
    assert re.match(
        rf"\s+1\s+invalid_json\s+e\.g\. {re.escape(str(a))}:2: not valid JSON", lines[4]
    )
    assert lines[5].strip() == "bad"
    assert "Warning: skipping" in err
    assert "readme.md" in err
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from raw.events").fetchone() == (1,)


def test_missing_path_is_a_clear_error(app: typer.Typer, tmp_path: Path) -> None:
    db = tmp_path / "goals.duckdb"
    code, out, err = run(app, tmp_path / "nope.ndjson", "--db", db)
    assert code == 1
    assert "Error:" in err
    assert "nope.ndjson does not exist (no such file)." in err
    assert "Traceback" not in out + err
    assert not db.exists()


def test_corrupt_gzip_is_set_aside_and_the_good_file_loads(
    app: typer.Typer, tmp_path: Path
) -> None:
    bad = tmp_path / "in" / "a-bad.ndjson.gz"
    bad.parent.mkdir()
    bad.write_bytes(gzip.compress((line() + "\n").encode() * 50)[:-10])  # truncated
    good = write(tmp_path / "in" / "b-good.ndjson", [line(event_id="b")])
    db = tmp_path / "goals.duckdb"
    code, out, err = run(app, tmp_path / "in", "--db", db)
    assert code == 1  # a file was set aside by this load
    assert f"set aside {bad}  not loaded: [invalid_gzip] not a valid gzip file" in out
    assert f"loaded  {good}" in out
    assert "total   2 files (1 loaded, 0 skipped, 1 set aside)" in out
    assert "files set aside (1), not loaded:" in out
    assert "1 file(s) could not be read and were set aside" in err
    assert "Traceback" not in out + err
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from raw.loaded_files").fetchone() == (1,)
        assert con.execute("select file_path, reason_code from raw.file_rejects").fetchall() == [
            (str(bad), "invalid_gzip")
        ]
    # the same bytes again: reported, not retried, not a new failure
    code, out, err = run(app, tmp_path / "in", "--db", db)
    assert code == 0, err
    assert f"set aside {bad}" in out
    assert "(set aside by an earlier load)" in out
    # a fixed file (new bytes, same name) loads
    bad.write_bytes(gzip.compress((line(event_id="fixed") + "\n").encode()))
    code, out, err = run(app, tmp_path / "in", "--db", db)
    assert code == 0, err
    assert f"loaded  {bad}" in out
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from raw.loaded_files").fetchone() == (2,)


def test_no_colour_codes_in_a_pipe(app: typer.Typer, tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.ndjson", [line(event_id="a"), "bad"])
    code, out, err = run(app, tmp_path / "in", "--db", tmp_path / "goals.duckdb")
    assert code == 0, err
    assert "\x1b[" not in out + err


def test_missing_landing_folder_says_where_the_demo_data_is(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data" / "demo" / "events-20000-seed7").mkdir(parents=True)
    code, out, err = run(app, "data/landing/", "--db", tmp_path / "goals.duckdb")
    assert code == 1
    assert err.count("\n") == 1, err  # one line
    assert "data/landing does not exist (no such folder)." in err
    assert "data/demo/events-20000-seed7/" in err
    assert "Traceback" not in out + err


def test_locked_warehouse_is_a_clear_error(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "goals.duckdb"
    duckdb.connect(str(db)).close()
    events = write(tmp_path / "a.ndjson", [line()])
    with LockHolder(db) as holder:
        monkeypatch.setenv("GOALS_LOCK_TIMEOUT_S", "0")
        code, out, err = run(app, events, "--db", db)
    assert code == 1
    assert f"(PID {holder.pid})" in err
    assert "Traceback" not in out + err


def test_unknown_named_file_is_an_error(app: typer.Typer, tmp_path: Path) -> None:
    csv = write(tmp_path / "events.csv", ["a,b"])
    code, _, err = run(app, csv, "--db", tmp_path / "goals.duckdb")
    assert code == 1
    assert "is not an event file" in err
