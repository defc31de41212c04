"""Reading what the loader set aside: rejected lines (raw.event_rejects) grouped by
reason_code with one example each, the lines themselves, and whole files set aside
(raw.file_rejects). Used by `goals ingest` (its summary) and `goals rejects`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import duckdb

from ingest.reasons import reason_code_sql

RAW_TEXT_CUT = 80


@dataclass(frozen=True)
class RejectGroup:
    """Rejected lines with one reason_code: how many, in how many files, one example."""

    reason_code: str
    lines: int
    files: int
    example_file: str
    example_line: int
    example_reason: str
    example_raw_text: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RejectLine:
    file_path: str
    line_number: int
    reason_code: str
    reason: str
    raw_text: str
    loaded_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"loaded_at": _utc_text(self.loaded_at)}


@dataclass(frozen=True)
class SetAsideFile:
    file_sha256: str
    file_path: str
    size_bytes: int
    reason_code: str
    reason: str
    rejected_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"rejected_at": _utc_text(self.rejected_at)}


def _utc_text(value: datetime) -> str:
    """A naive UTC timestamp as ISO 8601 with a `Z`."""
    return value.isoformat() + "Z"


def cut(text: str, width: int = RAW_TEXT_CUT) -> str:
    """A raw line for one line of a terminal: control characters shown, long text cut."""
    shown = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", " ")
    shown = "".join(ch if ch.isprintable() else "?" for ch in shown)
    return shown if len(shown) <= width else shown[: width - 3] + "..."


def _table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw' and table_name = ?",
        [table],
    ).fetchone()
    return bool(row and row[0])


def _code_expr(con: duckdb.DuckDBPyConnection) -> str:
    """reason_code, or derived from reason in a warehouse not migrated yet (read-only)."""
    row = con.execute(
        "select count(*) from information_schema.columns where table_schema = 'raw' "
        "and table_name = 'event_rejects' and column_name = 'reason_code'"
    ).fetchone()
    return "reason_code" if row and row[0] else reason_code_sql("reason")


def _filters(
    *, shas: Sequence[str] | None, file: str | None, code: str | None, code_expr: str
) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if shas is not None:
        where.append("list_contains(?, file_sha256)")
        params.append(list(shas))
    if file is not None:
        where.append("(file_path = ? or file_path like ? or file_sha256 = ?)")
        params += [file, "%/" + file.lstrip("/"), file]
    if code is not None:
        where.append(f"{code_expr} = ?")
        params.append(code)
    return (" where " + " and ".join(where)) if where else "", params


def reject_groups(
    con: duckdb.DuckDBPyConnection,
    *,
    shas: Sequence[str] | None = None,
    file: str | None = None,
    code: str | None = None,
) -> list[RejectGroup]:
    """Rejected lines by reason_code, most frequent first; the example of each is its
    first line loaded (earliest file, lowest line number)."""
    if not _table_exists(con, "event_rejects") or (shas is not None and not shas):
        return []
    code_expr = _code_expr(con)
    where, params = _filters(shas=shas, file=file, code=code, code_expr=code_expr)
    rows = con.execute(
        f"""
        with rejects as (
            select {code_expr} as reason_code, file_sha256, file_path, line_number, reason,
                raw_text, loaded_at
            from raw.event_rejects{where}
        ),
        ranked as (
            select *,
                count(*) over (partition by reason_code) as lines,
                count(distinct file_sha256) over (partition by reason_code) as files,
                row_number() over (
                    partition by reason_code order by loaded_at, file_path, line_number
                ) as rank
            from rejects
        )
        select reason_code, lines, files, file_path, line_number, reason, raw_text
        from ranked where rank = 1
        order by lines desc, reason_code
        """,
        params,
    ).fetchall()
    return [RejectGroup(str(r[0]), int(r[1]), int(r[2]), *r[3:]) for r in rows]


def reject_lines(
    con: duckdb.DuckDBPyConnection,
    *,
    file: str | None = None,
    code: str | None = None,
    limit: int | None = None,
) -> list[RejectLine]:
    """Rejected lines in load order (file, then line)."""
    if not _table_exists(con, "event_rejects"):
        return []
    code_expr = _code_expr(con)
    where, params = _filters(shas=None, file=file, code=code, code_expr=code_expr)
    sql = (
        f"select file_path, line_number, {code_expr}, reason, raw_text, loaded_at "
        f"from raw.event_rejects{where} order by loaded_at, file_path, line_number"
    )
    if limit is not None:
        sql += f" limit {int(limit)}"
    return [RejectLine(*row) for row in con.execute(sql, params).fetchall()]


def count_reject_lines(
    con: duckdb.DuckDBPyConnection, *, file: str | None = None, code: str | None = None
) -> int:
    if not _table_exists(con, "event_rejects"):
        return 0
    where, params = _filters(shas=None, file=file, code=code, code_expr=_code_expr(con))
    row = con.execute(f"select count(*) from raw.event_rejects{where}", params).fetchone()
    return int(row[0]) if row else 0


def set_aside_files(
    con: duckdb.DuckDBPyConnection, *, file: str | None = None, code: str | None = None
) -> list[SetAsideFile]:
    """Files set aside (raw.file_rejects), oldest first."""
    if not _table_exists(con, "file_rejects"):
        return []
    where, params = _filters(shas=None, file=file, code=code, code_expr="reason_code")
    rows = con.execute(
        "select file_sha256, file_path, size_bytes, reason_code, reason, rejected_at "
        f"from raw.file_rejects{where} order by rejected_at, file_path",
        params,
    ).fetchall()
    return [SetAsideFile(*row) for row in rows]
