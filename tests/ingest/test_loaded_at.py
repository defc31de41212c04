"""`loaded_at` is the incremental watermark: one value per file, shared by its events,
rejects, duplicates and ledger row, and strictly greater than every loaded_at already in
the ledger, whatever the clock does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from ingest import loader
from tests.ingest.helpers import line, load, write

MICROSECOND = timedelta(microseconds=1)


def three_files(folder: Path) -> list[Path]:
    """Three files, each with an event, a reject and a duplicate."""
    return [
        write(
            folder / f"{i}.ndjson",
            [line(event_id=f"e{i}"), "bad", line(event_id=f"e{i}"), line(event_id="shared")],
        )
        for i in range(3)
    ]


def per_file(con: duckdb.DuckDBPyConnection) -> list[tuple[str, datetime, set[datetime]]]:
    """(path, ledger loaded_at, loaded_at values of the file's rows) in load order."""
    result = []
    ledger = con.execute(
        "select file_sha256, file_path, loaded_at from raw.loaded_files order by loaded_at"
    ).fetchall()
    for sha, path, loaded_at in ledger:
        values: set[datetime] = set()
        for table in ("raw.events", "raw.event_rejects", "raw.event_duplicates"):
            rows = con.execute(
                f"select distinct loaded_at from {table} where file_sha256 = ?", [sha]
            ).fetchall()
            values.update(v for (v,) in rows)
        result.append((Path(path).name, loaded_at, values))
    return result


def test_one_value_per_file_increasing_in_load_order(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    files = three_files(tmp_path / "in")
    before = datetime.now(UTC).replace(tzinfo=None)
    load(con, tmp_path / "in")
    after = datetime.now(UTC).replace(tzinfo=None)
    seen = per_file(con)
    assert [name for name, _, _ in seen] == [f.name for f in files]
    for _, loaded_at, values in seen:
        assert values == {loaded_at}  # events, rejects, duplicates and the ledger agree
        assert before <= loaded_at <= after  # the UTC wall clock when nothing is odd
    stamps = [loaded_at for _, loaded_at, _ in seen]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_clock_going_backwards(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = datetime(2026, 5, 1, 12, 0, 0)
    ticks = iter([start, start - timedelta(hours=1), start - timedelta(days=400)])
    monkeypatch.setattr(loader, "_utc_now", lambda: next(ticks))
    three_files(tmp_path / "in")
    load(con, tmp_path / "in")
    stamps = [loaded_at for _, loaded_at, _ in per_file(con)]
    assert stamps == [start, start + MICROSECOND, start + 2 * MICROSECOND]


def test_frozen_clock(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen = datetime(2026, 5, 1, 12, 0, 0, 999_999)
    monkeypatch.setattr(loader, "_utc_now", lambda: frozen)
    three_files(tmp_path / "in")
    load(con, tmp_path / "in")
    stamps = [loaded_at for _, loaded_at, _ in per_file(con)]
    assert stamps == [frozen + i * MICROSECOND for i in range(3)]


def test_clock_moving_on_is_used_as_is(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = datetime(2026, 5, 1, 12, 0, 0)
    ticks = iter([start, start + timedelta(seconds=5), start + timedelta(minutes=1)])
    monkeypatch.setattr(loader, "_utc_now", lambda: next(ticks))
    three_files(tmp_path / "in")
    load(con, tmp_path / "in")
    stamps = [loaded_at for _, loaded_at, _ in per_file(con)]
    assert stamps == [start, start + timedelta(seconds=5), start + timedelta(minutes=1)]


def test_after_a_ledger_row_from_the_future(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """A warehouse once loaded by a machine whose clock ran ahead: later loads still sort
    after it."""
    future = datetime(2999, 1, 1)
    con.execute(
        "insert into raw.loaded_files values ('f' || repeat('0', 63), 'old.ndjson', 'ndjson', "
        "0, 0, 0, 0, 0, ?)",
        [future],
    )
    path = write(tmp_path / "a.ndjson", [line(event_id="a"), "bad"])
    load(con, path)
    rows = con.execute("select loaded_at from raw.loaded_files order by loaded_at").fetchall()
    assert rows == [(future,), (future + MICROSECOND,)]
    assert con.execute("select distinct loaded_at from raw.events").fetchall() == [
        (future + MICROSECOND,)
    ]


def test_skipped_and_failed_files_do_not_advance_it(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen = datetime(2026, 5, 1, 12, 0, 0)
    monkeypatch.setattr(loader, "_utc_now", lambda: frozen)
    a = write(tmp_path / "a.ndjson", [line(event_id="a")])
    copy = tmp_path / "b.ndjson"
    copy.write_bytes(a.read_bytes())
    broken = tmp_path / "c.ndjson.gz"
    broken.write_bytes(b"\x1f\x8b not gzip")
    results = loader.ingest_paths(con, [a, copy, broken])
    assert [r.status for r in results] == ["loaded", "skipped", "rejected"]
    d = write(tmp_path / "d.ndjson", [line(event_id="d")])
    load(con, d)
    rows = con.execute("select loaded_at from raw.loaded_files order by loaded_at").fetchall()
    assert rows == [(frozen,), (frozen + MICROSECOND,)]


def test_utc_whatever_the_machine_zone(
    los_angeles: None, con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    con.execute("SET TimeZone = 'America/Los_Angeles'")  # a session zone must not matter
    before = datetime.now(UTC).replace(tzinfo=None)
    load(con, write(tmp_path / "a.ndjson", [line()]))
    after = datetime.now(UTC).replace(tzinfo=None)
    [(loaded_at,)] = con.execute("select loaded_at from raw.loaded_files").fetchall()
    assert before <= loaded_at <= after
