"""Crash safety: `kill -9` at any point of an ingest leaves a warehouse that opens
(read-write and read-only), holds no half-loaded file, and converges to the result of a
clean load on the next run (reference §2.1: a load is atomic, a file is in completely or
not at all).

No sleeps and no timing luck. The child is `goals ingest` (`python -m cli.app ingest`)
killed by the loader's own test hook (`GOALS_INGEST_KILL_AT=<stage>:<n>`, see
`ingest._killpoints`) at exact points; or a child reporting each file as it starts
(`ingest_paths(on_start=...)`) that the test kills as soon as file k is reported, wherever
the load is at that moment. That child checkpoints at every commit, so its earlier files
are in the database file, where the kill-point tests leave them in the WAL.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest import _killpoints
from ingest._killpoints import KILL_AT_ENV
from ingest.loader import CHUNK_BYTES_ENV, GROUP_BYTES_ENV, ingest_paths
from ingest.warehouse import connect
from tests.ingest.helpers import check_invariants
from tests.support import PROJECT_DIR as ROOT

CHUNK_MB = "0.0625"  # 64 KB chunks: the NDJSON files below span several

# The files in load order; the last one is a copy of 02 (the same content under another
# name loads once). It is last because whether a copy reaches `begin` depends on how soon
# its hash is known, and the kill points below count stages over the files before it.
NAMES = (
    "01-a.ndjson",
    "02-b.ndjson",
    "03-c.jsonl.gz",
    "04-d.parquet",
    "05-e.ndjson",
    "06-copy-of-b.ndjson",
)
LOADED = 5  # files that load (the copy is skipped)


# ---------------------------------------------------------------------------- data


def _event(rng: random.Random, event_id: str, index: int) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "workspace_id": "ws_a",  # one workspace: keys of earlier lines are duplicates
        "name": rng.choice(["page_view", "purchase", "message_sent"]),
        "occurred_at": f"2026-03-{1 + index % 28:02d}T{index % 24:02d}:{index % 60:02d}:00Z",
        "customer_id": f"cust_{rng.randrange(200)}",
        "properties": {"i": index, "note": "x" * rng.randrange(20, 120)},
    }


def _lines(prefix: str, count: int, seed: int, earlier: list[str]) -> tuple[list[str], list[str]]:
    """`count` lines: mostly new events, some keys of earlier files or earlier lines
    (duplicates), some rejects. Returns the lines and the new keys."""
    rng = random.Random(seed)
    lines: list[str] = []
    keys: list[str] = []
    for i in range(count):
        roll = rng.random()
        if roll < 0.03:
            lines.append('{"event_id": "broken", "workspace_id": ')  # truncated: a reject
            continue
        if roll < 0.06 and earlier:
            key = rng.choice(earlier)  # in an earlier file
        elif roll < 0.09 and keys:
            key = rng.choice(keys)  # earlier in this file
        else:
            key = f"{prefix}{i}"
            keys.append(key)
        lines.append(json.dumps(_event(rng, key, i), separators=(",", ":")))
    return lines, keys


def build_landing(folder: Path) -> Path:
    folder.mkdir(parents=True)
    seen: list[str] = []
    a, keys = _lines("a", 1500, 1, seen)
    (folder / NAMES[0]).write_text("\n".join(a) + "\n")
    seen += keys
    b, keys = _lines("b", 1500, 2, seen)
    (folder / NAMES[1]).write_bytes(("\r\n".join(b) + "\r\n").encode())
    seen += keys
    c, keys = _lines("c", 1200, 3, seen)
    (folder / NAMES[2]).write_bytes(gzip.compress(("\n".join(c) + "\n").encode(), mtime=0))
    seen += keys
    d, keys = _lines("d", 800, 4, seen)
    rows = [json.loads(x) for x in d if not x.endswith(": ")]
    for i, row in enumerate(rows):
        if i % 50 == 0:
            row["occurred_at"] = "2026-02-30"  # a reject
    columns = ("event_id", "workspace_id", "name", "occurred_at", "customer_id")
    table = {column: [row[column] for row in rows] for column in columns}
    table["properties"] = [json.dumps(row["properties"]) for row in rows]
    pq.write_table(pa.table(table), folder / NAMES[3])
    seen += keys
    e, _ = _lines("e", 1500, 5, seen)
    (folder / NAMES[4]).write_text("\n".join(e) + "\n")
    (folder / NAMES[5]).write_bytes((folder / NAMES[1]).read_bytes())
    return folder


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_landing(tmp_path_factory.mktemp("crash") / "landing")


@pytest.fixture(scope="module")
def expected(landing: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Any]]:
    """The raw tables after one clean load of the whole folder."""
    db = tmp_path_factory.mktemp("clean") / "goals.duckdb"
    with connect(db) as con:
        results = ingest_paths(con, [landing])
        check_invariants(con)
    assert [r.status for r in results] == ["loaded"] * LOADED + ["skipped"]
    assert all(r.rejected and r.duplicate for r in results[1:LOADED])
    return snapshot(db)


# ---------------------------------------------------------------------------- checks


def snapshot(db: Path) -> dict[str, list[Any]]:
    """The raw tables without the columns a rerun may change (paths, loaded_at)."""
    queries = {
        "events": "select * exclude (loaded_at) from raw.events",
        "event_rejects": "select * exclude (file_path, loaded_at) from raw.event_rejects",
        "event_duplicates": "select * exclude (file_path, loaded_at) from raw.event_duplicates",
        "loaded_files": "select * exclude (file_path, loaded_at) from raw.loaded_files",
    }
    with connect(db, read_only=True) as con:
        return {
            name: con.execute(f"{sql} order by all").fetchall() for name, sql in queries.items()
        }


def ledger_paths(db: Path) -> list[str]:
    with connect(db, read_only=True) as con:
        rows = con.execute("select file_path from raw.loaded_files order by loaded_at")
        return [Path(p).name for (p,) in rows.fetchall()]


def check_after_kill(db: Path) -> list[str]:
    """The killed warehouse opens read-only and read-write and holds whole files only, the
    first ones of the folder; returns the names of the files it holds."""
    with connect(db, read_only=True) as con:  # first, while a WAL may still be there
        check_invariants(con)
    with connect(db) as con:
        check_invariants(con)
    held = ledger_paths(db)
    assert held == list(NAMES[: len(held)]), held
    return held


def check_converges(db: Path, landing: Path, expected: dict[str, list[Any]]) -> None:
    """Rerunning ingest on the folder ends where a clean load does, files in order."""
    with connect(db) as con:
        ingest_paths(con, [landing])
        check_invariants(con)
    assert snapshot(db) == expected
    assert ledger_paths(db) == list(NAMES[:LOADED])  # loaded_at follows the load order


def run_cli(db: Path, landing: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.app", "ingest", str(landing), "--db", str(db)],
        cwd=ROOT,
        env={**os.environ, CHUNK_BYTES_ENV: CHUNK_MB, "PYTHONUNBUFFERED": "1", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


# ---------------------------------------------------------------------------- kill points

# (stage, n, files committed before the kill); None where it depends on chunk counts
KILL_POINTS = [
    ("begin", 1, 0),
    ("begin", 4, 3),  # the Parquet file
    ("chunk-validated", 1, None),
    ("chunk-validated", 3, None),
    ("chunk-validated", 7, None),
    ("chunk-validated", 11, None),
    ("before-events", 1, 0),
    ("before-events", 3, 2),  # the .gz file
    ("after-events", 2, 1),
    ("after-events", 4, 3),
    ("after-rejects", 2, 1),
    ("before-ledger", 1, 0),
    ("before-ledger", 5, 4),
    ("before-commit", 2, 1),
    ("before-commit", 5, 4),
    ("after-commit", 1, 1),
    ("after-commit", 3, 3),
    ("after-commit", 5, 5),  # everything in: the rerun only skips
]


@pytest.mark.parametrize(("stage", "n", "committed"), KILL_POINTS, ids=lambda v: str(v))
def test_kill_at_a_stage(
    tmp_path: Path,
    landing: Path,
    expected: dict[str, list[Any]],
    stage: str,
    n: int,
    committed: int | None,
) -> None:
    db = tmp_path / "wh" / "goals.duckdb"
    proc = run_cli(db, landing, **{KILL_AT_ENV: f"{stage}:{n}"})
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stdout, proc.stderr)
    held = check_after_kill(db)
    if committed is not None:
        assert len(held) == committed
    else:
        assert len(held) < LOADED
    check_converges(db, landing, expected)


def test_kill_after_a_commit_leaves_a_wal_that_replays(
    tmp_path: Path, landing: Path, expected: dict[str, list[Any]]
) -> None:
    """The killed process never checkpointed: its commits live only in the WAL it left
    behind. A read-only open replays it without removing it, a read-write open applies it."""
    db = tmp_path / "wh" / "goals.duckdb"
    wal = db.with_name(db.name + ".wal")
    proc = run_cli(db, landing, **{KILL_AT_ENV: "after-commit:2"})
    assert proc.returncode == -signal.SIGKILL
    assert wal.is_file() and wal.stat().st_size > 0
    with connect(db, read_only=True) as con:
        check_invariants(con)
        assert con.execute("select count(*) from raw.loaded_files").fetchone() == (2,)
    assert wal.is_file()  # a reader does not consume it
    assert check_after_kill(db) == list(NAMES[:2])
    check_converges(db, landing, expected)


@pytest.mark.parametrize("cut", [1, 9, 4096])
def test_torn_wal_tail_loses_only_the_last_commit(
    tmp_path: Path, landing: Path, expected: dict[str, list[Any]], cut: int
) -> None:
    """A WAL whose end did not reach the disk (a kill in the middle of writing it): the
    transaction it ends with is incomplete and not replayed; the file it held is simply
    not loaded, and the next run loads it."""
    db = tmp_path / "wh" / "goals.duckdb"
    wal = db.with_name(db.name + ".wal")
    proc = run_cli(db, landing, **{KILL_AT_ENV: "after-commit:3"})
    assert proc.returncode == -signal.SIGKILL
    size = wal.stat().st_size
    assert size > cut
    os.truncate(wal, size - cut)
    held = check_after_kill(db)
    assert held == list(NAMES[:2])
    check_converges(db, landing, expected)


def test_killed_twice_then_converges(
    tmp_path: Path, landing: Path, expected: dict[str, list[Any]]
) -> None:
    db = tmp_path / "wh" / "goals.duckdb"
    first = run_cli(db, landing, **{KILL_AT_ENV: "after-events:2"})
    assert first.returncode == -signal.SIGKILL
    assert check_after_kill(db) == list(NAMES[:1])
    second = run_cli(db, landing, **{KILL_AT_ENV: "before-commit:2"})  # files 02 and 03
    assert second.returncode == -signal.SIGKILL
    assert check_after_kill(db) == list(NAMES[:2])
    check_converges(db, landing, expected)


def test_invalid_kill_point_is_refused(tmp_path: Path, landing: Path) -> None:
    db = tmp_path / "wh" / "goals.duckdb"
    proc = run_cli(db, landing, **{KILL_AT_ENV: "after-lunch:1"})
    assert proc.returncode != 0
    assert "GOALS_INGEST_KILL_AT" in proc.stdout + proc.stderr
    if db.exists():
        with connect(db, read_only=True) as con:
            tables = con.execute(
                "select count(*) from information_schema.tables where table_schema = 'raw'"
            ).fetchone()
            if tables != (0,):
                assert con.execute("select count(*) from raw.loaded_files").fetchone() == (0,)


# ---------------------------------------------------------------------------- random moments

CHILD = """
import sys
from ingest.loader import ingest_paths
from ingest.warehouse import connect

con = connect(sys.argv[1])
con.execute("SET checkpoint_threshold = '1KB'")  # checkpoint at every commit
ingest_paths(
    con,
    [sys.argv[2]],
    on_start=lambda path: print("start", path.name, flush=True),
    on_file=lambda result: print("done", result.status, flush=True),
)
con.close()
print("finished", flush=True)
"""


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_kill_when_a_file_starts(
    tmp_path: Path, landing: Path, expected: dict[str, list[Any]], seed: int
) -> None:
    """The child reports each file as it starts; it is killed as soon as file k is
    reported, wherever its load is by then."""
    rng = random.Random(seed)
    k = rng.randrange(1, LOADED)  # 0-based: a file after the first, before the copy
    chunk_mb = rng.choice(["0.0625", "0.25", "64"])
    db = tmp_path / "wh" / "goals.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(landing)],
        cwd=ROOT,
        # one file per transaction: "the files before k" are then committed
        env={
            **os.environ,
            CHUNK_BYTES_ENV: chunk_mb,
            GROUP_BYTES_ENV: "0",
            "PYTHONUNBUFFERED": "1",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    seen: list[str] = []
    try:
        for raw in proc.stdout:
            seen.append(raw.strip())
            if raw.split() == ["start", NAMES[k]]:
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        proc.stdout.close()
        stderr = proc.stderr.read() if proc.stderr else ""
        returncode = proc.wait(timeout=60)
    assert returncode == -signal.SIGKILL, (seen, stderr)
    # files before k committed before k was reported; k itself may have made it
    assert len(check_after_kill(db)) >= k
    check_converges(db, landing, expected)


def test_kill_point_syntax() -> None:
    assert _killpoints.parse("after-commit:3") == ("after-commit", 3)
    assert _killpoints.parse(" begin:1 ") == ("begin", 1)
    for bad in ("after-commit", "after-commit:0", "after-commit:x", "lunch:1", ":1"):
        with pytest.raises(ValueError, match=KILL_AT_ENV):
            _killpoints.parse(bad)
