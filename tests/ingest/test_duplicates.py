"""Duplicates: a (workspace_id, event_id) already loaded - earlier in the file or in an
earlier file - is counted and kept aside; the first one loaded wins."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pytest

from ingest import loader
from tests.ingest.helpers import events, line, load, write


def duplicates(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, int, str]]:
    return [
        (str(w), str(e), str(p), int(n), str(t))
        for w, e, p, n, t in con.execute(
            "select workspace_id, event_id, file_path, line_number, raw_text "
            "from raw.event_duplicates order by loaded_at, line_number"
        ).fetchall()
    ]


def test_duplicates_within_a_file(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    first = line(event_id="a", name="first")
    again = line(event_id="a", name="second")
    other_ws = line(event_id="a", workspace_id="other")
    path = write(tmp_path / "in.ndjson", [first, line(event_id="b"), again, other_ws, again])
    [result] = load(con, path)
    assert (result.read, result.accepted, result.rejected, result.duplicate) == (5, 3, 0, 2)
    assert events(con, "workspace_id", "event_id", "name") == [
        ("ws", "a", "first"),
        ("ws", "b", "purchase"),
        ("other", "a", "purchase"),
    ]
    assert duplicates(con) == [
        ("ws", "a", str(path), 3, again),
        ("ws", "a", str(path), 5, again),
    ]


def test_duplicates_across_files(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    one = write(tmp_path / "in" / "1.ndjson", [line(event_id="a", name="one"), line(event_id="b")])
    two = write(
        tmp_path / "in" / "2.ndjson",
        [line(event_id="c"), line(event_id="a", name="two"), line(event_id="a", name="three")],
    )
    r1, r2 = load(con, tmp_path / "in")
    assert (r1.accepted, r1.duplicate) == (2, 0)
    assert (r2.read, r2.accepted, r2.duplicate) == (3, 1, 2)
    assert events(con, "event_id", "name") == [("a", "one"), ("b", "purchase"), ("c", "purchase")]
    assert [(d[2], d[3]) for d in duplicates(con)] == [(str(two), 2), (str(two), 3)]
    assert one.exists()


def test_rejected_lines_never_count_as_duplicates(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    bad_first = line(event_id="a", occurred_at="2026-02-30")
    path = write(tmp_path / "in.ndjson", [bad_first, line(event_id="a"), line(event_id="a")])
    [result] = load(con, path)
    assert (result.accepted, result.rejected, result.duplicate) == (1, 1, 1)
    assert events(con, "event_id", "line_number") == [("a", 2)]
    assert [d[3] for d in duplicates(con)] == [3]


def test_duplicate_raw_text_across_chunks_and_crlf(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "_chunk_bytes", lambda: 100)
    lines = [line(event_id=f"e{i % 5}", properties={"i": i}) for i in range(12)]
    write(tmp_path / "in.ndjson", lines, newline=b"\r\n")
    [result] = load(con, tmp_path / "in.ndjson")
    assert (result.accepted, result.duplicate) == (5, 7)
    assert [(d[1], d[3], d[4]) for d in duplicates(con)] == [
        (f"e{i % 5}", i + 1, lines[i]) for i in range(5, 12)
    ]


def test_duplicate_of_a_gz_line(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    raw = "\n".join([line(event_id="a"), line(event_id="a", name="later")]) + "\n"
    path = tmp_path / "in.jsonl.gz"
    path.write_bytes(gzip.compress(raw.encode()))
    [result] = load(con, path)
    assert result.duplicate == 1
    assert [d[4] for d in duplicates(con)] == [line(event_id="a", name="later")]
