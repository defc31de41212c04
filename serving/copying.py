"""What the serving copy (serving.publishing) and the telemetry copy (serving.telemetry_copy)
share: the warehouse ATTACHed READ_ONLY under one alias, SQL quoting, and the fsyncs and
the same-file check of an atomic file swap."""

from __future__ import annotations

import os
import shutil
import time
from contextlib import suppress
from pathlib import Path

import duckdb

from ingest.warehouse import WarehouseLockedError, lock_timeout_s, parse_lock_conflict

#: The alias the warehouse is attached under (attach_warehouse).
WAREHOUSE_ALIAS = "goals_warehouse"

_FIRST_DELAY_S = 0.05
_MAX_DELAY_S = 2.0


class PublishError(RuntimeError):
    """A publish that could not be done; the message says why and what to do."""


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str | Path) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def attach_warehouse(
    con: duckdb.DuckDBPyConnection, source: Path, lock_timeout: float | None
) -> None:
    """ATTACH the warehouse READ_ONLY as WAREHOUSE_ALIAS, waiting for a writer like
    ingest.warehouse.connect (`lock_timeout`, default $GOALS_LOCK_TIMEOUT_S or 30 s, then
    WarehouseLockedError); any other failure is a PublishError. A folder is the Spark
    target's lake: its marts are copied from their Parquet into an in-memory database
    under the same alias (Spark holds no lock on them)."""
    if source.is_dir():
        from goals_core.lake import attach_lake

        con.execute(f"ATTACH ':memory:' AS {quote(WAREHOUSE_ALIAS)}")
        attach_lake(
            con, lake=source, schemas=("marts",), database=WAREHOUSE_ALIAS, materialize=True
        )
        return
    timeout = lock_timeout_s() if lock_timeout is None else max(lock_timeout, 0.0)
    started = time.monotonic()
    delay = _FIRST_DELAY_S
    while True:
        try:
            con.execute(f"ATTACH {literal(source)} AS {quote(WAREHOUSE_ALIAS)} (READ_ONLY)")
            return
        except duckdb.Error as exc:
            holder = parse_lock_conflict(str(exc))
            if holder is None:
                raise PublishError(f"Cannot open the warehouse {source} read-only: {exc}") from exc
            waited = time.monotonic() - started
            remaining = timeout - waited
            if remaining <= 0:
                raise WarehouseLockedError(source, holder, waited) from None
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, _MAX_DELAY_S)


def same_file(a: Path, b: Path) -> bool:
    """`a` and `b` name the same file (or would, once `b` exists)."""
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def temporary_name(target: Path, suffix: str) -> Path:
    """A hidden temporary name beside `target` (same folder, so that os.replace is atomic);
    remove_temporaries finds it."""
    return target.with_name(f".{target.name}.tmp-{suffix}")


def remove_temporaries(target: Path) -> None:
    """The temporary files and folders (spill folders) of copies of `target` that were
    killed; call it holding the copy's lock (nobody else is writing `target` then)."""
    for path in target.parent.glob(f".{target.name}.tmp-*"):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with suppress(FileNotFoundError):
                path.unlink()


def fsync_dir(path: Path, *, strict: bool = True) -> None:
    """Make a rename in `path` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        if strict and os.name == "posix":
            raise
        return
    try:
        os.fsync(fd)
    except OSError:
        if strict:
            raise
    finally:
        os.close(fd)
