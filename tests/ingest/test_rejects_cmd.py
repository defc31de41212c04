"""`goals rejects`: rejected lines grouped by reason_code (count, one example), the lines
with --lines, the files set aside with --files, filters, JSON."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cli import rejects_cmd
from ingest.loader import ingest_paths
from ingest.warehouse import connect
from tests.ingest.helpers import line, write


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()

    @application.callback()
    def main() -> None:
        """Test root."""

    rejects_cmd.register(application)
    return application


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "goals.duckdb"
    write(
        tmp_path / "in" / "a.ndjson",
        [line(event_id="1"), "nope", line(event_id="2", source="robot"), "[1", line(event_id="")],
    )
    write(tmp_path / "in" / "b.ndjson", [line(event_id="3", occurred_at="2026-02-30")])
    (tmp_path / "in" / "c.ndjson.gz").write_bytes(gzip.compress(b"{}\n" * 10)[:-9])
    con = connect(path)
    try:
        ingest_paths(con, [tmp_path / "in"])
    finally:
        con.close()
    return path


def run(app: typer.Typer, *args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["rejects", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def test_grouped_summary_with_one_example_each(app: typer.Typer, db: Path) -> None:
    code, out, err = run(app, "--db", db)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "5 rejected line(s) by reason:"
    assert "2  invalid_json" in lines[1]
    assert "in 1 file, e.g. " in lines[1]
    assert lines[1].endswith("a.ndjson:2: not valid JSON: Expecting value at column 1")
    assert lines[2].strip() == "nope"
    codes = [row.split()[1] for row in lines[1:9:2]]
    assert codes == ["invalid_json", "empty_field", "invalid_source", "invalid_timestamp"]
    assert "1 file(s) set aside, not loaded:" in out
    assert "c.ndjson.gz  [invalid_gzip] not a valid gzip file" in out
    assert "\x1b[" not in out


def test_lines_filters_and_limit(app: typer.Typer, db: Path) -> None:
    code, out, _ = run(app, "--db", db, "--lines", "--reason", "invalid_json", "--limit", "1")
    assert code == 0
    assert out.splitlines() == [
        f"{db.parent / 'in' / 'a.ndjson'}:2  invalid_json  not valid JSON: Expecting value at "
        "column 1",
        "    nope",
        "1 of 2 rejected line(s)  (--limit N shows more)",
    ]
    code, out, _ = run(app, "--db", db, "--lines", "--file", "b.ndjson", "--json")
    assert code == 0
    [row] = [json.loads(text) for text in out.splitlines()]
    assert (row["line_number"], row["reason_code"]) == (1, "invalid_timestamp")
    assert row["loaded_at"].endswith("Z")


def test_files_only_and_json(app: typer.Typer, db: Path) -> None:
    code, out, _ = run(app, "--db", db, "--files", "--json")
    assert code == 0
    [row] = [json.loads(text) for text in out.splitlines()]
    assert (row["kind"], row["reason_code"]) == ("file_set_aside", "invalid_gzip")
    assert row["file_path"].endswith("c.ndjson.gz")


def test_unknown_code_and_missing_warehouse_are_one_line(
    app: typer.Typer, db: Path, tmp_path: Path
) -> None:
    code, out, err = run(app, "--db", db, "--reason", "bogus")
    assert code == 1
    assert err.startswith("Error: unknown reason code 'bogus'; the codes are: invalid_utf8")
    code, out, err = run(app, "--db", tmp_path / "none.duckdb")
    assert code == 1
    assert "No warehouse at" in err
    assert "Traceback" not in out + err
