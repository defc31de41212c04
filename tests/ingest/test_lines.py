"""Physical lines: BOM, CRLF, blank lines, a last line without newline, line numbers, and
lines cut across read chunks."""

from __future__ import annotations

import gzip
import io
import threading
from pathlib import Path

import duckdb
import pytest

from ingest import loader
from ingest._lines import BOM, BufferPool, Stopped, iter_line_chunks
from tests.ingest.helpers import events, line, load, rejects, write


def test_bom_is_stripped(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "bom.ndjson"
    path.write_bytes(b"\xef\xbb\xbf" + line(event_id="a").encode() + b"\n")
    [result] = load(con, path)
    assert (result.read, result.accepted) == (1, 1)
    assert events(con, "event_id", "line_number") == [("a", 1)]


def test_bom_only_at_file_start(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "bom.ndjson"
    path.write_bytes(line(event_id="a").encode() + b"\n\xef\xbb\xbf" + line().encode() + b"\n")
    [result] = load(con, path)
    assert (result.accepted, result.rejected) == (1, 1)
    assert rejects(con)[0][:2] == (2, "not valid JSON: Expecting value at column 1")


def test_crlf_line_ends(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write(tmp_path / "crlf.ndjson", [line(event_id="a"), "oops", line()], newline=b"\r\n")
    [result] = load(con, path)
    assert (result.read, result.accepted, result.rejected) == (3, 2, 1)
    assert rejects(con) == [(2, "not valid JSON: Expecting value at column 1", "oops")]
    assert events(con, "event_id", "line_number") == [("a", 1), ("e1", 3)]


def test_blank_lines_are_ignored_but_counted_in_line_numbers(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    lines = ["", line(event_id="a"), "   ", "\t \u00a0\u3000", "", "bad", line(event_id="b"), ""]
    path = write(tmp_path / "blank.ndjson", lines, newline=b"\r\n")
    [result] = load(con, path)
    assert (result.read, result.accepted, result.rejected) == (3, 2, 1)
    assert events(con, "event_id", "line_number") == [("a", 2), ("b", 7)]
    assert [r[0] for r in rejects(con)] == [6]


def test_last_line_without_newline(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "last.ndjson"
    path.write_bytes(f"{line(event_id='a')}\n{line(event_id='b')}".encode())
    [result] = load(con, path)
    assert result.read == 2
    assert events(con, "event_id", "line_number") == [("a", 1), ("b", 2)]


def test_last_line_without_newline_rejected_keeps_text(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = tmp_path / "last.ndjson"
    path.write_bytes(f"{line(event_id='a')}\r\n{{broken".encode())
    load(con, path)
    [(number, _, raw)] = rejects(con)
    assert (number, raw) == (2, "{broken")


def test_surrounding_whitespace_is_fine(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    lines = ["  " + line(event_id="a"), line(event_id="b") + " \t", "\t" + line(event_id="c")]
    [result] = load(con, write(tmp_path / "ws.ndjson", lines))
    assert result.accepted == 3
    assert rejects(con) == []


def test_pretty_spacing_is_accepted(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    spaced = (
        '{ "event_id" : "a", "workspace_id": "ws", "name": "n", '
        '"occurred_at": "2026-01-01T00:00:00Z", "properties": { "k": [1, 2.5e3, {"x": null}] } }'
    )
    load(con, write(tmp_path / "spaced.ndjson", [spaced]))
    assert rejects(con) == []
    assert events(con, "properties") == [('{"k":[1,2500.0,{"x":null}]}',)]


def test_empty_and_blank_only_files(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    empty = tmp_path / "a.ndjson"
    empty.write_bytes(b"")
    blank = write(tmp_path / "b.ndjson", ["", "  ", "\r"])
    results = load(con, empty, blank)
    assert [(r.status, r.read, r.accepted) for r in results] == [
        ("loaded", 0, 0),
        ("loaded", 0, 0),
    ]


@pytest.mark.parametrize("chunk", [7, 64, 200])
def test_lines_across_read_chunks(
    con: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    chunk: int,
) -> None:
    """Tiny read buffers: lines cut at every place, lines longer than the buffer."""
    monkeypatch.setattr(loader, "_chunk_bytes", lambda: chunk)
    lines: list[str | bytes] = []
    expected = []
    for i in range(40):
        if i % 7 == 3:
            lines.append("")
        elif i % 11 == 5:
            lines.append(b"\xff bad")
        else:
            lines.append(line(event_id=f"e{i}", properties={"pad": "x" * (i * 13 % 97)}))
            expected.append((f"e{i}", i + 1))
    path = tmp_path / "chunks.ndjson"
    path.write_bytes(b"\xef\xbb\xbf" + write(tmp_path / "tmp", lines, newline=b"\r\n").read_bytes())
    [result] = load(con, path)
    assert events(con, "event_id", "line_number") == expected
    assert [r[0] for r in rejects(con)] == [i + 1 for i in range(40) if i % 11 == 5 and i % 7 != 3]
    assert result.read == len(expected) + result.rejected


def test_gz_file(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    raw = ("\n".join([line(event_id="a"), "", "nope", line(event_id="b")]) + "\n").encode()
    path = tmp_path / "in.ndjson.gz"
    path.write_bytes(gzip.compress(raw))
    [result] = load(con, path)
    assert (result.file_format, result.read, result.accepted, result.rejected) == (
        "ndjson",
        3,
        2,
        1,
    )
    assert result.size_bytes == path.stat().st_size
    assert events(con, "event_id", "line_number") == [("a", 1), ("b", 4)]
    assert [r[0] for r in rejects(con)] == [3]


@pytest.mark.parametrize(("chunk", "first"), [(64, 8), (64, None), (1000, 16), (5, 5)])
def test_chunker_gives_every_line_once(chunk: int, first: int | None) -> None:
    """Pooled buffers, growing first reads, lines longer than the buffer."""
    lines = [b"x" * n for n in (0, 1, 3, 200, 7, 64, 63, 65, 0, 129, 2)]
    data = BOM + b"\n".join(lines) + b"\nlast"
    pool = BufferPool(chunk, 3)
    got: list[tuple[int, bytes]] = []
    spans: list[int] = []
    for piece in iter_line_chunks(io.BytesIO(data), chunk, pool, first_chunk_bytes=first):
        got += [(piece.first_line + i, piece.raw_line(i)) for i in range(piece.size)]
        spans += piece.line_spans()[:-1].tolist()
        piece.release()
    assert got == list(enumerate([*lines, b"last"], start=1))
    assert [data[s : s + 4] for s in spans] == [
        (b"\n".join([*lines, b"last"]) + b"\n")[s - len(BOM) : s - len(BOM) + 4] for s in spans
    ]


def test_buffer_pool_allocates_buffers_when_needed_and_at_most_its_count() -> None:
    stop = threading.Event()
    pool = BufferPool(8, 2, stop)
    first, second = pool.get(), pool.get()
    assert first is not second and len(first) == len(second) == 8
    stop.set()
    with pytest.raises(Stopped):  # a third is never allocated: get waits for a put
        pool.get()
    pool.put(first)
    assert pool.get() is first
