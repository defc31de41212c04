"""The telemetry copy: the recent raw events, for the goals hub's Event Explorer.

Reading raw telemetry is a separate permission from reading the marts (docs/reference.md,
section 5): the serving copy BI tools read never holds raw event properties. The Event
Explorer of `goals hub` therefore reads its own file, published apart from the serving copy
and given to the hub explicitly (`goals hub --telemetry FILE`):

    <warehouse folder>/telemetry/goals_telemetry.duckdb     (default; $GOALS_TELEMETRY_PATH)

It holds schema `telemetry` with two tables:

- `events`: the raw events of (as_of - days, as_of], one row per event, with the columns
  the Event Explorer shows (ids, name, source, occurred_at in UTC, the full properties JSON);
- `copy_info`: one row, `as_of` (UTC), `days`, `published_at` (UTC), `events`.

Like the serving copy, it is written under a hidden name beside the target (DuckDB storage
v1.4.0), checkpointed, fsynced and swapped in with `os.replace`: a reader keeps the copy it
opened, a new connection opens the newest one, nobody sees a half-written file. The
warehouse is attached READ_ONLY (no writer lock).
"""

from __future__ import annotations

import os
import shutil
import time
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

from ingest.durable import fsync_file
from ingest.warehouse import configure_session
from serving.copying import (
    WAREHOUSE_ALIAS,
    PublishError,
    attach_warehouse,
    fsync_dir,
    literal,
    remove_temporaries,
    same_file,
    temporary_name,
)
from serving.publishing import (
    PUBLISH_LOCK_TIMEOUT_S,
    STORAGE_VERSION,
    PublishBusyError,
    WarehouseMissingError,
)

TELEMETRY_PATH_ENV = "GOALS_TELEMETRY_PATH"
TELEMETRY_DIR_NAME = "telemetry"
TELEMETRY_FILE_NAME = "goals_telemetry.duckdb"
TELEMETRY_SCHEMA = "telemetry"
DEFAULT_DAYS = 90

#: The raw columns the Event Explorer shows (never the loader's bookkeeping columns).
EVENT_COLUMNS = (
    "workspace_id",
    "event_id",
    "name",
    "occurred_at",
    "source",
    "conversation_id",
    "customer_id",
    "flow_id",
    "properties",
)

_COPY_ALIAS = "goals_telemetry_new"


@dataclass(frozen=True)
class TelemetryCopy:
    """What a telemetry publish produced."""

    path: Path
    as_of: datetime
    days: int
    events: int
    bytes: int
    seconds: float


def default_telemetry_path(warehouse: str | Path) -> Path:
    """$GOALS_TELEMETRY_PATH, else `telemetry/goals_telemetry.duckdb` beside the warehouse
    (a folder apart from `serving/`, so that BI tools given `serving/` never see it)."""
    configured = os.environ.get(TELEMETRY_PATH_ENV, "").strip()
    if configured:
        return Path(configured)
    return Path(warehouse).parent / TELEMETRY_DIR_NAME / TELEMETRY_FILE_NAME


def publish_telemetry(
    warehouse: str | Path,
    out: str | Path | None = None,
    *,
    days: int = DEFAULT_DAYS,
    as_of: datetime | None = None,
    lock_timeout: float | None = None,
) -> TelemetryCopy:
    """Copy the raw events of (as_of - days, as_of] from `warehouse` into the telemetry copy
    at `out` (default: default_telemetry_path) and swap it in atomically. `as_of` is a naive
    UTC datetime (default: now). Raises PublishError (with what to do) or
    WarehouseLockedError."""
    started = time.monotonic()
    if days < 1:
        raise PublishError(f"--days must be at least 1 (got {days}).")
    source = Path(warehouse).absolute()
    target = Path(out or default_telemetry_path(source)).absolute()
    if not source.is_file():
        raise WarehouseMissingError(
            f"No warehouse at {source}: load events with `goals ingest FILE...` first "
            "(or point --db / $DUCKDB_PATH at one)."
        )
    if same_file(source, target):
        raise PublishError(f"The telemetry copy {target} is the warehouse itself: choose --out.")
    if target.is_dir():
        raise PublishError(f"{target} is a folder: give a file name (--out).")
    reference = as_of or datetime.now(UTC).replace(tzinfo=None)
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = target.with_name(f".{target.name}.lock")
    try:
        with FileLock(str(lock), timeout=PUBLISH_LOCK_TIMEOUT_S):
            events = _publish(source, target, days, reference, lock_timeout)
    except Timeout as exc:
        raise PublishBusyError(
            f"Another publish of {target} holds {lock}: wait for it and publish again."
        ) from exc
    return TelemetryCopy(
        path=target,
        as_of=reference,
        days=days,
        events=events,
        bytes=target.stat().st_size,
        seconds=time.monotonic() - started,
    )


def _publish(
    source: Path, target: Path, days: int, as_of: datetime, lock_timeout: float | None
) -> int:
    remove_temporaries(target)  # a killed publish's file, WAL and spill folder
    temporary = temporary_name(target, f"{os.getpid()}-{time.time_ns()}")
    try:
        events = _write(source, temporary, days, as_of, lock_timeout)
        fsync_file(temporary)
        wal = target.with_name(target.name + ".wal")
        with suppress(FileNotFoundError):
            wal.unlink()  # left by a client that opened the copy read-write
        os.replace(temporary, target)
        fsync_dir(target.parent, strict=False)
    except BaseException:
        for path in (temporary, temporary.with_name(temporary.name + ".wal")):
            with suppress(FileNotFoundError):
                path.unlink()
        raise
    return events


def _write(
    source: Path, temporary: Path, days: int, as_of: datetime, lock_timeout: float | None
) -> int:
    con = duckdb.connect(":memory:")
    spill = temporary.with_name(temporary.name + ".spill")
    try:
        configure_session(con, spill=spill)
        attach_warehouse(con, source, lock_timeout)
        exists = con.execute(
            "select count(*) from duckdb_tables() where database_name = ? "
            "and schema_name = 'raw' and table_name = 'events'",
            [WAREHOUSE_ALIAS],
        ).fetchone()
        if not exists or exists[0] == 0:
            raise PublishError(
                f"The warehouse {source} has no raw events: load some with "
                "`goals ingest FILE...` first."
            )
        con.execute(
            f"ATTACH {literal(temporary)} AS {_COPY_ALIAS} "
            f"(STORAGE_VERSION {literal(STORAGE_VERSION)})"
        )
        con.execute(f"create schema {_COPY_ALIAS}.{TELEMETRY_SCHEMA}")
        columns = ", ".join(EVENT_COLUMNS)
        start = as_of - timedelta(days=days)
        con.execute(
            f"create table {_COPY_ALIAS}.{TELEMETRY_SCHEMA}.events as "
            f"select {columns} from {WAREHOUSE_ALIAS}.raw.events "
            "where occurred_at > ? and occurred_at <= ? "
            "order by occurred_at desc, workspace_id, event_id desc",
            [start, as_of],
        )
        counted = con.execute(
            f"select count(*) from {_COPY_ALIAS}.{TELEMETRY_SCHEMA}.events"
        ).fetchone()
        events = int(counted[0]) if counted else 0
        con.execute(
            f"create table {_COPY_ALIAS}.{TELEMETRY_SCHEMA}.copy_info as select "
            "cast(? as timestamp) as as_of, cast(? as integer) as days, "
            "cast(? as timestamp) as published_at, cast(? as bigint) as events",
            [as_of, days, datetime.now(UTC).replace(tzinfo=None), events],
        )
        con.execute(
            f"comment on table {_COPY_ALIAS}.{TELEMETRY_SCHEMA}.events is "
            f"{literal(f'Raw events of the {days} days up to as_of (UTC): Event Explorer only')}"
        )
        con.execute(f"CHECKPOINT {_COPY_ALIAS}")
        con.execute(f"DETACH {_COPY_ALIAS}")
        con.execute(f"DETACH {WAREHOUSE_ALIAS}")
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    return events
