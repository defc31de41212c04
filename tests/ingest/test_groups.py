"""Small files share a transaction: consecutive small plain NDJSON files are validated,
checked for duplicates and inserted by one statement of each kind (`ingest.loader._plan`),
and the raw tables end exactly as when each file has its own transaction; a failure or a
kill inside the group leaves none of its files in, and the next load converges."""

from __future__ import annotations

import gzip
import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import BinaryIO

import duckdb
import pytest

from ingest import _lines, loader
from ingest._killpoints import KILL_AT_ENV
from ingest.loader import GROUP_BYTES_ENV, FileResult, ingest_paths
from ingest.warehouse import connect
from tests.ingest.helpers import check_invariants, line, load, write
from tests.support import PROJECT_DIR as ROOT

BOM = b"\xef\xbb\xbf"


def landing(folder: Path) -> Path:
    """Small files with everything a line can be, across files: duplicates of an earlier
    file's keys, rejects, blank lines, a BOM, CRLF, no last newline, bytes that are not
    UTF-8, strict-JSON cases for the slow path, two files with the same content."""
    write(folder / "01.ndjson", [line(event_id="a"), line(event_id="b"), "", "not json"])
    write(folder / "02.ndjson", [line(event_id="b"), line(event_id="c")], newline=b"\r\n")
    (folder / "03.ndjson").write_bytes(BOM + f"{line(event_id='d')}\n{line(event_id='a')}".encode())
    at = '"workspace_id":"ws","occurred_at":"2026-03-01T10:00:00Z"'
    write(
        folder / "04.jsonl",
        [
            '{"event_id":"e","name":"n",' + at + ',"properties":{"v":NaN}}',
            b'{"event_id":"f","name":"\xff",' + at.encode() + b"}",
            '{"event_id":"g","name":"n",' + at + ',"properties":{"k":1,"k":2}}',
            '{"event_id": "h", "workspace_id": "ws", "name": "caf\\u00e9", '
            '"occurred_at": "2026-02-30"}',
            line(event_id="i", properties={"x": 1e300}),
            line(event_id="c"),
        ],
    )
    (folder / "05.ndjson").write_bytes((folder / "02.ndjson").read_bytes())  # same content
    write(folder / "06.ndjson", [line(event_id="j"), line(event_id="j")])
    packed = folder / "07.ndjson.gz"  # not grouped: compressed
    packed.write_bytes(gzip.compress((line(event_id="k") + "\n" + line(event_id="j")).encode()))
    write(folder / "08.ndjson", [line(event_id="k"), line(event_id="l")])
    write(folder / "09.ndjson", [line(event_id="m")])
    return folder


TABLES = {
    "events": "select * exclude (loaded_at) from raw.events order by all",
    "event_rejects": "select * exclude (loaded_at) from raw.event_rejects order by all",
    "event_duplicates": "select * exclude (loaded_at) from raw.event_duplicates order by all",
    "loaded_files": "select * exclude (loaded_at) from raw.loaded_files order by all",
}


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[object, ...]]]:
    return {name: con.execute(sql).fetchall() for name, sql in TABLES.items()}


def load_with(
    tmp_path: Path, name: str, group_mb: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[duckdb.DuckDBPyConnection, list[FileResult]]:
    monkeypatch.setenv(GROUP_BYTES_ENV, group_mb)
    con = connect(tmp_path / name / "goals.duckdb")
    results = load(con, tmp_path / "in")
    return con, results


def test_plan_groups_consecutive_small_plain_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = sorted(landing(tmp_path / "in").iterdir())
    monkeypatch.setenv(GROUP_BYTES_ENV, "1")
    assert [[p.name for p in group] for group in loader._plan(files)] == [
        ["01.ndjson", "02.ndjson", "03.ndjson", "04.jsonl", "05.ndjson", "06.ndjson"],
        ["07.ndjson.gz"],
        ["08.ndjson", "09.ndjson"],
    ]
    monkeypatch.setenv(GROUP_BYTES_ENV, "0")
    assert all(len(group) == 1 for group in loader._plan(files))
    # a file larger than a chunk has its own transaction, and so has one larger than the
    # group size
    size = (tmp_path / "in" / "02.ndjson").stat().st_size
    monkeypatch.setenv(loader.CHUNK_BYTES_ENV, str((size - 1) / (1 << 20)))
    assert ["02.ndjson"] in [[p.name for p in group] for group in loader._plan(files)]
    monkeypatch.delenv(loader.CHUNK_BYTES_ENV)
    monkeypatch.setenv(GROUP_BYTES_ENV, str((size - 1) / (1 << 20)))
    assert ["02.ndjson"] in [[p.name for p in group] for group in loader._plan(files)]
    monkeypatch.setenv(GROUP_BYTES_ENV, str(2 * size / (1 << 20)))
    groups = [group for group in loader._plan(files) if len(group) > 1]
    assert groups and all(sum(p.stat().st_size for p in group) <= 2 * size for group in groups)


def test_a_group_loads_what_one_file_per_transaction_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing(tmp_path / "in")
    alone, alone_results = load_with(tmp_path, "alone", "0", monkeypatch)
    grouped, grouped_results = load_with(tmp_path, "grouped", "1", monkeypatch)
    expected = snapshot(alone)
    assert expected["event_rejects"] and expected["event_duplicates"]  # the data has both
    assert snapshot(grouped) == expected

    def counts(results: list[FileResult]) -> list[tuple[object, ...]]:
        return [(r.path, r.status, r.read, r.accepted, r.rejected, r.duplicate) for r in results]

    assert counts(grouped_results) == counts(alone_results)
    assert [r.status for r in grouped_results].count("skipped") == 1  # 05, the copy of 02
    # loaded_at increases file by file, in load order
    stamps = grouped.execute(
        "select file_path, loaded_at from raw.loaded_files order by loaded_at"
    ).fetchall()
    assert [Path(p).name for p, _ in stamps] == [
        Path(r.path).name for r in grouped_results if r.status == "loaded"
    ]
    assert len({stamp for _, stamp in stamps}) == len(stamps)
    # and loading again changes nothing
    assert {r.status for r in load(grouped, tmp_path / "in")} == {"skipped"}
    assert snapshot(grouped) == expected


def test_a_failure_in_a_group_leaves_none_of_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing(tmp_path / "in")
    monkeypatch.setenv(GROUP_BYTES_ENV, "1")
    con = connect(tmp_path / "wh" / "goals.duckdb")
    original = loader._GroupLoad._insert_duplicates

    def crash(self: loader._GroupLoad) -> None:
        original(self)  # events and rejects are written by now
        raise RuntimeError("crash")

    monkeypatch.setattr(loader._GroupLoad, "_insert_duplicates", crash)
    with pytest.raises(RuntimeError, match="crash"):
        ingest_paths(con, [tmp_path / "in"])
    check_invariants(con)
    for table in ("loaded_files", "events", "event_rejects", "event_duplicates"):
        assert con.execute(f"select count(*) from raw.{table}").fetchone() == (0,), table
    monkeypatch.undo()
    monkeypatch.setenv(GROUP_BYTES_ENV, "1")
    load(con, tmp_path / "in")
    alone, _ = load_with(tmp_path, "alone", "0", monkeypatch)
    assert snapshot(con) == snapshot(alone)


def test_a_file_of_a_group_that_cannot_be_read_sends_each_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write(tmp_path / "in" / "a.ndjson", [line(event_id="a")])
    flaky = write(tmp_path / "in" / "b.ndjson", [line(event_id="b")])
    last = write(tmp_path / "in" / "c.ndjson", [line(event_id="a"), line(event_id="c")])
    monkeypatch.setenv(GROUP_BYTES_ENV, "1")
    assert loader._plan([first, flaky, last]) == [[first, flaky, last]]

    def opens(path: Path, *args: object, **kwargs: object) -> BinaryIO:  # how a group reads
        if Path(path) == flaky:
            raise OSError(5, "Input/output error")
        return open(path, *args, **kwargs)  # type: ignore[call-overload, no-any-return]

    hashes = loader.file_sha256

    def file_sha256(path: Path) -> str:  # the one-file path reads it this way
        if path == flaky:
            raise OSError(5, "Input/output error")
        return hashes(path)

    monkeypatch.setattr(_lines, "open", opens, raising=False)
    monkeypatch.setattr(loader, "file_sha256", file_sha256)
    con = connect(tmp_path / "wh" / "goals.duckdb")
    results = load(con, tmp_path / "in")
    assert [(Path(r.path).name, r.status, r.reason_code) for r in results] == [
        ("a.ndjson", "loaded", None),
        ("b.ndjson", "rejected", "unreadable"),
        ("c.ndjson", "loaded", None),
    ]
    assert results[2].duplicate == 1  # a of c.ndjson: a.ndjson was loaded first


def test_read_group_reads_each_file_as_the_one_file_path_does(tmp_path: Path) -> None:
    # a BOM and CRLF in the middle file, a last line without a newline, an empty file,
    # a line that is not UTF-8 (DuckDB sees #s; the line keeps its bytes for the reject)
    contents = [
        b"one\ntwo\n",
        BOM + b"three\r\n\r\nfour",
        b"",
        b"five\n\xffsix\n",
    ]
    paths = []
    for index, content in enumerate(contents):
        paths.append(tmp_path / f"{index}.ndjson")
        paths[-1].write_bytes(content)
    read = _lines.read_group(paths)
    assert read.sizes == [len(c) for c in contents]
    assert read.shas == [hashlib.sha256(c).hexdigest() for c in contents]

    def lines(group: _lines.GroupRead) -> list[tuple[int, int, bytes]]:
        chunk = group.chunk
        numbers = chunk.numbers.tolist() if chunk.numbers is not None else []
        return [
            (n >> loader.FILE_SHIFT, n & ((1 << loader.FILE_SHIFT) - 1), chunk.line_bytes(i))
            for i, n in enumerate(numbers)
        ]

    assert lines(read) == [
        (0, 1, b"one\n"),
        (0, 2, b"two\n"),
        (1, 1, b"three\r\n"),
        (1, 2, b"\r\n"),
        (1, 3, b"four"),
        (3, 1, b"five\n"),
        (3, 2, b"\xffsix\n"),
    ]
    start, stop = read.chunk.offsets[-2:]
    assert bytes(read.chunk.buffer[start:stop]) == b"####\n"
    # the files a group keeps when others were loaded already: numbered anew
    assert lines(read.subset([1, 3])) == [
        (0, 1, b"three\r\n"),
        (0, 2, b"\r\n"),
        (0, 3, b"four"),
        (1, 1, b"five\n"),
        (1, 2, b"\xffsix\n"),
    ]


CHILD = """
import sys
from ingest.loader import ingest_paths
from ingest.warehouse import connect

con = connect(sys.argv[1])
con.execute("SET checkpoint_threshold = '1KB'")
ingest_paths(con, [sys.argv[2]])
con.close()
"""


@pytest.mark.parametrize("point", ["chunk-validated:1", "after-events:1", "before-commit:1"])
def test_kill_inside_a_group_leaves_none_of_its_files(tmp_path: Path, point: str) -> None:
    landing(tmp_path / "in")
    db = tmp_path / "wh" / "goals.duckdb"
    env = {**os.environ, GROUP_BYTES_ENV: "1", KILL_AT_ENV: point}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(db), str(tmp_path / "in")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    with connect(db) as con:
        check_invariants(con)
        assert con.execute("select count(*) from raw.loaded_files").fetchone() == (0,)
        assert con.execute("select count(*) from raw.events").fetchone() == (0,)
        load(con, tmp_path / "in")
        converged = snapshot(con)
    with connect(tmp_path / "clean" / "goals.duckdb") as clean:
        load(clean, tmp_path / "in")
        assert converged == snapshot(clean)
