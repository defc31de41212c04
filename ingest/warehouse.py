"""The warehouse connection helper: one place that opens the DuckDB file.

`connect()` creates the folder, pins the session time zone to UTC, applies the memory
limit and spill folder dbt uses too ($DUCKDB_MEMORY_LIMIT, $DUCKDB_TEMP_DIRECTORY) and,
when another process holds DuckDB's file lock, retries with exponential backoff before
giving up with a `WarehouseLockedError` that says who holds the lock and what to do.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

DEFAULT_DB_PATH = Path("warehouse") / "goals.duckdb"
DEFAULT_LOCK_TIMEOUT_S = 30.0
LOCK_TIMEOUT_ENV = "GOALS_LOCK_TIMEOUT_S"
MEMORY_LIMIT_ENV = "DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "6GB"
TEMP_DIRECTORY_ENV = "DUCKDB_TEMP_DIRECTORY"
TEMP_DIRECTORY_SUFFIX = ".tmp"  # <warehouse file>.tmp, DuckDB's own naming

_FIRST_DELAY_S = 0.05
_MAX_DELAY_S = 2.0

# DuckDB: 'IO Error: Could not set lock on file "/x/goals.duckdb": Conflicting lock is held
# in /usr/bin/python3.11 (PID 4242) by user ann. See also https://duckdb.org/...'
_LOCK_RE = re.compile(
    r'Could not set lock on file "(?P<file>[^"]*)":\s*Conflicting lock is held in\s+'
    r"(?P<program>.*?)\s+\(PID (?P<pid>\d+)\)(?:\s+by user (?P<user>[^\s.]+))?"
)


@dataclass(frozen=True)
class LockHolder:
    """Who holds a DuckDB file lock, as DuckDB's error message tells it."""

    file: str
    program: str
    pid: int
    user: str | None = None


class WarehouseLockedError(RuntimeError):
    """Another process holds the warehouse file lock and did not let go in time."""

    def __init__(self, db_path: Path, holder: LockHolder | None, waited_s: float) -> None:
        self.db_path = db_path
        self.holder = holder
        self.waited_s = waited_s
        if holder is not None:
            who = f"{holder.program} (PID {holder.pid}"
            who += f", user {holder.user})" if holder.user else ")"
            stop = f"stop it (kill {holder.pid})"
        else:
            who = "another process"
            stop = "stop it"
        super().__init__(
            f"The warehouse {db_path} is locked by {who}; still locked after "
            f"{waited_s:.1f} s of retrying. DuckDB lets one process write at a time: wait "
            f"for that process to finish (a running `goals` command, Dagster run or "
            f"notebook) or {stop}, then try again. Set {LOCK_TIMEOUT_ENV} to wait longer."
        )


def parse_lock_conflict(message: str) -> LockHolder | None:
    """The lock holder named in a DuckDB lock-conflict message, or None if it is not one."""
    match = _LOCK_RE.search(message)
    if match is None:
        return None
    return LockHolder(
        file=match["file"],
        program=match["program"],
        pid=int(match["pid"]),
        user=match["user"],
    )


def default_db_path() -> Path:
    """$DUCKDB_PATH, else warehouse/goals.duckdb relative to the working directory."""
    env = os.environ.get("DUCKDB_PATH")
    return Path(env) if env else DEFAULT_DB_PATH


def memory_limit() -> str:
    """DuckDB's memory limit: $DUCKDB_MEMORY_LIMIT (e.g. '8GB', '75%'), default 6GB."""
    return os.environ.get(MEMORY_LIMIT_ENV, "").strip() or DEFAULT_MEMORY_LIMIT


def temp_directory(db_path: str | Path) -> Path | None:
    """Where DuckDB spills beyond the memory limit: $DUCKDB_TEMP_DIRECTORY, else
    `<warehouse file>.tmp`, as in profiles.yml (None for an in-memory database: DuckDB's
    default)."""
    env = os.environ.get(TEMP_DIRECTORY_ENV, "").strip()
    if env:
        return Path(env)
    if str(db_path) == ":memory:":
        return None
    return Path(str(db_path) + TEMP_DIRECTORY_SUFFIX)


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def configure_session(
    con: duckdb.DuckDBPyConnection, db_path: Path | None = None, *, spill: Path | None = None
) -> None:
    """UTC session, memory limit and spill folder (the settings dbt's profile uses); the
    spill folder is `spill` when given, else the one of the database at `db_path`."""
    con.execute("SET TimeZone = 'UTC'")
    limit = memory_limit()
    try:
        con.execute(f"SET memory_limit = {_sql_string(limit)}")
    except duckdb.Error as exc:
        raise ValueError(
            f"{MEMORY_LIMIT_ENV}={limit!r} is not a memory limit DuckDB understands "
            f"(e.g. 8GB, 512MB, 75%): {exc}"
        ) from exc
    if spill is None and db_path is not None:
        spill = temp_directory(db_path)
    if spill is None:
        return
    row = con.execute("select current_setting('temp_directory')").fetchone()
    if row is not None and row[0] == str(spill):
        return  # another connection of this process to the same database set it
    # DuckDB keeps the folder once something spilled to it (another connection of this
    # process to the same database): that one stays.
    with contextlib.suppress(duckdb.NotImplementedException):
        con.execute(f"SET temp_directory = {_sql_string(str(spill))}")


def lock_timeout_s() -> float:
    """Seconds to keep retrying a locked warehouse: $GOALS_LOCK_TIMEOUT_S, default 30."""
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_LOCK_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT_S
    return max(value, 0.0)


def connect(
    db_path: str | Path | None = None,
    *,
    read_only: bool = False,
    lock_timeout: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (creating its folder), with the session time zone set to UTC,
    DuckDB's memory limit from `memory_limit()` and its spill folder from
    `temp_directory()`, so that a large load spills to disk instead of failing.

    A lock held by another process is retried with exponential backoff for
    `lock_timeout` seconds (default: $GOALS_LOCK_TIMEOUT_S or 30), then
    `WarehouseLockedError` is raised (`sleep` and `clock` are for tests). The connection
    is a context manager.
    """
    path = Path(db_path) if db_path is not None else default_db_path()
    in_memory = str(path) == ":memory:"
    if not in_memory:
        path.parent.mkdir(parents=True, exist_ok=True)
    timeout = lock_timeout_s() if lock_timeout is None else max(lock_timeout, 0.0)
    started = clock()
    delay = _FIRST_DELAY_S
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            holder = parse_lock_conflict(str(exc))
            if holder is None:
                raise
            waited = clock() - started
            remaining = timeout - waited
            if remaining <= 0:
                raise WarehouseLockedError(path, holder, waited) from None
            sleep(min(delay, remaining))
            delay = min(delay * 2, _MAX_DELAY_S)
    try:
        configure_session(con, path)
    except Exception:
        con.close()
        raise
    return con
