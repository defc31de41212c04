"""Files: discovery and order, identity by content, one transaction per file."""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import duckdb
import pytest

from ingest import loader
from ingest.loader import IngestError, discover_files, ingest_paths, pending_files
from tests.ingest.helpers import check_invariants, events, line, load, rejects, write


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    counts = {}
    for table in ("loaded_files", "events", "event_rejects", "event_duplicates"):
        row = con.execute(f"select count(*) from raw.{table}").fetchone()
        counts[table] = int(row[0]) if row else -1
    return counts


def test_folders_expand_recursively_in_lexicographic_order(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "landing"
    names = ["b/2.ndjson", "a.jsonl", "b/10.parquet", "a/z.ndjson.gz", "B.JSONL", "c.jsonl.gz"]
    for name in names:
        write(root / name, [line()])
    write(root / "notes.txt", ["hello"])
    write(root / ".hidden.ndjson", [line()])
    write(root / ".cache" / "x.ndjson", [line()])
    with caplog.at_level(logging.WARNING, logger="ingest"):
        found = discover_files([root])
    assert [p.relative_to(root).as_posix() for p in found] == sorted(names)
    assert "notes.txt" in caplog.text
    assert "not an event file" in caplog.text


def test_given_paths_are_sorted_together_and_deduplicated(tmp_path: Path) -> None:
    a = write(tmp_path / "a.ndjson", [line()])
    b = write(tmp_path / "sub" / "b.ndjson", [line()])
    c = write(tmp_path / "c.ndjson", [line()])
    assert discover_files([c, tmp_path / "sub", a, str(c)]) == [a, c, b]


def test_missing_path_and_unknown_named_file_are_errors(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file or folder"):
        discover_files([tmp_path / "nope.ndjson"])
    odd = write(tmp_path / "events.json", [line()])
    with pytest.raises(IngestError, match=r"is not an event file: expected \.ndjson"):
        discover_files([odd])


def test_missing_path_loads_nothing(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    good = write(tmp_path / "a.ndjson", [line()])
    with pytest.raises(IngestError):
        ingest_paths(con, [good, tmp_path / "missing.ndjson"])
    assert table_counts(con)["loaded_files"] == 0


def test_folder_loads_in_lexicographic_order(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    root = tmp_path / "landing"
    write(root / "2026-01-02.ndjson", [line(event_id="x", name="second")])
    write(root / "2026-01-01" / "part.ndjson", [line(event_id="x", name="first")])
    write(root / "2026-01-10.ndjson", [line(event_id="x", name="third")])
    results = load(con, root)
    assert [Path(r.path).relative_to(root).as_posix() for r in results] == [
        "2026-01-01/part.ndjson",
        "2026-01-02.ndjson",
        "2026-01-10.ndjson",
    ]
    assert events(con, "name") == [("first",)]
    assert [(r.accepted, r.duplicate) for r in results] == [(1, 0), (0, 1), (0, 1)]


def test_same_content_twice_is_skipped(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    a = write(tmp_path / "a.ndjson", [line(event_id="1"), "bad", line(event_id="1")])
    b = tmp_path / "b.ndjson"
    b.write_bytes(a.read_bytes())
    first, second = load(con, a, b)
    assert (first.status, first.read, first.accepted, first.rejected, first.duplicate) == (
        "loaded",
        3,
        1,
        1,
        1,
    )
    assert second.status == "skipped"
    assert second.sha256 == first.sha256
    assert (second.read, second.accepted, second.rejected, second.duplicate) == (0, 0, 0, 0)
    before = table_counts(con)
    assert before == {"loaded_files": 1, "events": 1, "event_rejects": 1, "event_duplicates": 1}
    [again] = load(con, b)
    assert again.status == "skipped"
    assert table_counts(con) == before
    ledger = con.execute("select file_path from raw.loaded_files").fetchall()
    assert ledger == [(str(a),)]


def test_ledger_row(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    import hashlib

    path = write(tmp_path / "a.ndjson", [line(), "", "bad"])
    [result] = load(con, path)
    row = con.execute(
        "select file_sha256, file_path, file_format, size_bytes, lines_read, lines_accepted, "
        "lines_rejected, lines_duplicate, loaded_at is not null from raw.loaded_files"
    ).fetchone()
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert row == (sha, str(path), "ndjson", path.stat().st_size, 2, 1, 1, 0, True)
    assert result.sha256 == sha
    assert result.seconds > 0


def test_corrupt_gz_near_its_end_leaves_nothing_behind(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    first = write(tmp_path / "a.ndjson", [line(event_id="a")])
    payload = "\n".join(
        [line(event_id=f"b{i}") for i in range(2000)] + ["bad"] + [line(event_id="b0")]
    )
    data = bytearray(gzip.compress(payload.encode() + b"\n"))
    data[-6] ^= 0xFF  # the CRC/size trailer: every line decompresses, then the check fails
    broken = tmp_path / "b.ndjson.gz"
    broken.write_bytes(bytes(data))
    truncated = tmp_path / "c.ndjson.gz"
    truncated.write_bytes(gzip.compress(payload.encode())[:-20])
    for bad in (broken, truncated):
        results = ingest_paths(con, [first, bad])
        assert results[1].status == "rejected"
        assert results[1].reason_code == "invalid_gzip"
        assert "not a valid gzip file" in (results[1].reason or "")
        check_invariants(con)
        assert table_counts(con) == {
            "loaded_files": 1,
            "events": 1,
            "event_rejects": 0,
            "event_duplicates": 0,
        }
        assert events(con) == [("a",)]


def test_failure_midway_rolls_the_file_back(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(loader.GROUP_BYTES_ENV, "0")  # the one-file path (test_groups.py: a group)
    first = write(tmp_path / "a.ndjson", [line(event_id="a")])
    second = write(tmp_path / "b.ndjson", [line(event_id="b"), "bad", line(event_id="a")])
    original = loader._FileLoad._insert_duplicates

    def crash(self: loader._FileLoad) -> None:
        original(self)  # events and rejects are written by now
        if self.path == second:
            raise RuntimeError("crash")

    monkeypatch.setattr(loader._FileLoad, "_insert_duplicates", crash)
    with pytest.raises(RuntimeError, match="crash"):
        ingest_paths(con, [first, second])
    assert table_counts(con) == {
        "loaded_files": 1,
        "events": 1,
        "event_rejects": 0,
        "event_duplicates": 0,
    }
    monkeypatch.undo()
    results = load(con, first, second)
    assert [r.status for r in results] == ["skipped", "loaded"]
    assert rejects(con)[0][0] == 2


def test_pending_files(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    a = write(tmp_path / "in" / "a.ndjson", [line(event_id="a")])
    b = write(tmp_path / "in" / "b.ndjson", [line(event_id="b")])
    copy = tmp_path / "in" / "c.ndjson"
    copy.write_bytes(b.read_bytes())
    assert pending_files(con, [tmp_path / "in"]) == [a, b]
    load(con, a)
    assert pending_files(con, [tmp_path / "in"]) == [b]


def test_pending_files_without_raw_tables(tmp_path: Path) -> None:
    a = write(tmp_path / "a.ndjson", [line()])
    with duckdb.connect() as fresh:
        assert pending_files(fresh, [a]) == [a]


def test_ingest_creates_the_raw_schema(tmp_path: Path) -> None:
    a = write(tmp_path / "a.ndjson", [line()])
    with duckdb.connect(str(tmp_path / "w.duckdb")) as fresh:
        [result] = ingest_paths(fresh, [a])
        assert result.accepted == 1


def test_on_file_is_called_per_file_in_order(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    a = write(tmp_path / "a.ndjson", [line(event_id="a")])
    b = write(tmp_path / "b.ndjson", [line(event_id="b")])
    seen: list[str] = []
    results = ingest_paths(con, [b, a], on_file=lambda r: seen.append(r.path))
    assert seen == [str(a), str(b)] == [r.path for r in results]


def test_same_content_found_late_is_rolled_back(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hash is computed while the file loads: when it shows the content is already
    in the ledger only at the end, the load is rolled back and the file skipped."""
    a = write(tmp_path / "a.ndjson", [line(event_id="1"), "bad", line(event_id="1")])
    load(con, a)
    before = table_counts(con)
    monkeypatch.setattr(loader._Hasher, "done", lambda self: False)
    monkeypatch.setattr(loader, "_chunk_bytes", lambda: 16)
    copy = tmp_path / "copy.ndjson"
    copy.write_bytes(a.read_bytes())
    [result] = load(con, copy)
    assert result.status == "skipped"
    assert table_counts(con) == before
