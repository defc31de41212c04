"""Helpers of the ingest tests: building tiny event files, loading, reading back."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from ingest.loader import FileResult, ingest_paths


def event(**fields: Any) -> dict[str, Any]:
    """A valid event; keyword arguments override or (with ...) remove fields."""
    base: dict[str, Any] = {
        "event_id": "e1",
        "workspace_id": "ws",
        "name": "purchase",
        "occurred_at": "2026-03-01T10:00:00Z",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not ...}


def line(**fields: Any) -> str:
    return json.dumps(event(**fields), separators=(",", ":"), ensure_ascii=False)


def write(path: Path, lines: Sequence[str | bytes], *, newline: bytes = b"\n") -> Path:
    """A file of the given lines, each followed by `newline`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = b"".join(
        (item if isinstance(item, bytes) else item.encode("utf-8")) + newline for item in lines
    )
    path.write_bytes(data)
    return path


def load(con: duckdb.DuckDBPyConnection, *paths: Path | str) -> list[FileResult]:
    """ingest_paths, then the invariants every load keeps."""
    results = ingest_paths(con, list(paths))
    check_invariants(con)
    return results


def check_invariants(con: duckdb.DuckDBPyConnection) -> None:
    """read = accepted + rejected + duplicate, and the ledger matches the tables."""
    ledger = con.execute(
        "select file_sha256, lines_read, lines_accepted, lines_rejected, lines_duplicate "
        "from raw.loaded_files"
    ).fetchall()
    for sha, read, accepted, rejected, duplicate in ledger:
        assert read == accepted + rejected + duplicate
        for table, expected in (
            ("raw.events", accepted),
            ("raw.event_rejects", rejected),
            ("raw.event_duplicates", duplicate),
        ):
            row = con.execute(f"select count(*) from {table} where file_sha256 = ?", [sha])
            assert row.fetchone() == (expected,), table
    for table in ("raw.events", "raw.event_rejects", "raw.event_duplicates"):
        # no row of a file the ledger does not hold, every row with its file's loaded_at
        orphans = con.execute(
            f"select count(*) from {table} t where not exists (select 1 from raw.loaded_files f "
            "where f.file_sha256 = t.file_sha256 and f.loaded_at = t.loaded_at)"
        ).fetchone()
        assert orphans == (0,), table
    distinct = con.execute(
        "select count(*) = count(distinct loaded_at) from raw.loaded_files"
    ).fetchone()
    assert distinct == (True,), "two files share a loaded_at"
    repeated = con.execute(
        "select count(*) from (select workspace_id, event_id from raw.events "
        "group by all having count(*) > 1)"
    ).fetchone()
    assert repeated == (0,)


def rejects(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, str]]:
    """(line_number, reason, raw_text) of every reject, in line order."""
    return [
        (int(n), str(r), str(t))
        for n, r, t in con.execute(
            "select line_number, reason, raw_text from raw.event_rejects "
            "order by file_path, line_number"
        ).fetchall()
    ]


def events(con: duckdb.DuckDBPyConnection, *columns: str) -> list[tuple[Any, ...]]:
    cols = ", ".join(columns or ("event_id",))
    sql = f"select {cols} from raw.events order by loaded_at, line_number"
    return con.execute(sql).fetchall()
