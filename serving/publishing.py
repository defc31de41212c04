"""Publish the serving copy: the marts (and nothing else) in a separate DuckDB file that
DuckDB 1.4+ clients can read, plus one Parquet file per mart.

How a publish goes (docs/serving.md):

1. The warehouse is ATTACHed READ_ONLY into an in-memory DuckDB (no writer lock; a writer
   holding the warehouse is waited for like every other command does, then named).
2. Every table of schema `marts` (exactly the dbt project's marts when the manifest is
   given, never one withheld on purpose) is copied into a new file created beside the target under
   a hidden temporary name, with `STORAGE_VERSION 'v1.4.0'` (readable by DuckDB 1.4 and
   later), keeping NOT NULL constraints, declaring the primary and foreign keys of the dbt
   contracts, with money at MONEY_SCALE places and 128-bit integers as BIGINT
   (served_type), and carrying dbt's descriptions as comments. Each copy is also written to
   `<mart>.parquet` in a hidden staging folder, the descriptions in its metadata. No other
   schema of the warehouse (raw, staging, intermediate, seeds) is ever read.
3. The temporary file is checkpointed, closed, made read-only (0444) and fsynced; the
   staging folder is fsynced and renamed to `versions/<id>/`.
4. The WAL guard is put in place (_guard_wal), `os.replace` swaps the new file in under the
   published name (atomic on POSIX), then `current` is repointed to `versions/<id>` the
   same way; older versions but the previous one are pruned.

A reader that has the old file open keeps reading the old file (its inode) until it
reconnects; a new connection opens the new file. Nobody ever sees a half-written file
under the published names. On any failure the temporary file and folder (and the folders
the publish created) are removed and the published ones are left as they were.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from ingest.durable import fsync_file
from ingest.warehouse import configure_session
from serving.copying import (
    WAREHOUSE_ALIAS,
    PublishError,
    attach_warehouse,
    fsync_dir,
    literal,
    quote,
    remove_temporaries,
    same_file,
    temporary_name,
)
from serving.descriptions import MARTS_SCHEMA, MartDescription
from serving.paths import VERSIONS_DIR, ServingTargets, resolve_targets

#: Files are written so that DuckDB 1.4.0 and later (2.x included) can open them.
STORAGE_VERSION = "v1.4.0"

#: Money (every decimal column of the marts) is served at this many fractional digits: the
#: most any ISO 4217 currency uses; the warehouse keeps 10 (docs/decisions.md).
MONEY_SCALE = 4

#: The Parquet metadata key of the table's and each column's description.
DESCRIPTION_KEY = b"description"

#: Rows per Arrow batch when writing a Parquet file.
PARQUET_BATCH_ROWS = 1_000_000

#: How long a publish waits for another publish of the same target to finish.
PUBLISH_LOCK_TIMEOUT_S = 600.0

_SERVING_ALIAS = "goals_serving_new"


class WarehouseMissingError(PublishError):
    """There is no warehouse file to publish from."""


class NoMartsError(PublishError):
    """The warehouse has no tables in schema `marts` (dbt has not built it yet)."""


class PublishBusyError(PublishError):
    """Another publish of the same target did not finish in time."""


@dataclass(frozen=True)
class MartCopy:
    """One mart as published."""

    name: str
    rows: int
    parquet_bytes: int


@dataclass(frozen=True)
class PublishResult:
    """What a publish produced."""

    warehouse: Path
    targets: ServingTargets
    marts: tuple[MartCopy, ...]
    database_bytes: int
    parquet_version: str
    seconds: float
    storage_version: str = STORAGE_VERSION
    notes: tuple[str, ...] = field(default=())

    @property
    def database(self) -> Path:
        return self.targets.database

    @property
    def rows(self) -> dict[str, int]:
        return {mart.name: mart.rows for mart in self.marts}

    @property
    def parquet_bytes(self) -> int:
        return sum(mart.parquet_bytes for mart in self.marts)

    def parquet_file(self, mart: str) -> Path:
        """The stable path of a mart's Parquet file (through the `current` symlink)."""
        return self.targets.current / f"{mart}.parquet"


def publish(
    warehouse: str | Path,
    serving_path: str | Path | None = None,
    parquet_dir: str | Path | None = None,
    *,
    marts: Collection[str] | None = None,
    withheld: Collection[str] = (),
    descriptions: Mapping[str, MartDescription] | None = None,
    lock_timeout: float | None = None,
    on_marts: Callable[[Sequence[str]], None] | None = None,
    on_mart: Callable[[MartCopy], None] | None = None,
) -> PublishResult:
    """Publish the marts of `warehouse` (see the module docstring).

    `serving_path` / `parquet_dir` default to $GOALS_SERVING_PATH / $GOALS_PARQUET_DIR, else
    to `serving/` beside the warehouse (serving.paths). `marts`: the table names dbt builds
    into schema `marts` (from the manifest); when given, exactly those are published (one
    missing fails the publish; other tables of the schema, such as an incremental model's
    state table, are left out with a note); when None, every table of the schema is.
    `withheld`: marts the project keeps out of the copy on purpose (`meta: {serving:
    false}`), left out without a note.
    `descriptions` (table name -> dbt descriptions) become comments. `lock_timeout` is how
    long a writer holding the warehouse is waited for (default $GOALS_LOCK_TIMEOUT_S or
    30 s) before `WarehouseLockedError`. `on_marts` is called with the marts found,
    `on_mart` after each one is copied. Raises `PublishError` (with what to do) or
    `WarehouseLockedError`.
    """
    started = time.monotonic()
    source = Path(warehouse).absolute()
    targets = resolve_targets(source, serving_path, parquet_dir)
    _check_targets(source, targets)
    created = _make_dirs(targets.database.parent, targets.versions)
    try:
        return _publish(
            source,
            targets,
            started,
            marts=marts,
            withheld=withheld,
            descriptions=descriptions,
            lock_timeout=lock_timeout,
            on_marts=on_marts,
            on_mart=on_mart,
        )
    except BaseException:
        _remove_created(created, targets)
        raise


def _publish(
    source: Path,
    targets: ServingTargets,
    started: float,
    *,
    marts: Collection[str] | None,
    withheld: Collection[str],
    descriptions: Mapping[str, MartDescription] | None,
    lock_timeout: float | None,
    on_marts: Callable[[Sequence[str]], None] | None,
    on_mart: Callable[[MartCopy], None] | None,
) -> PublishResult:
    """publish() once the target folders exist."""
    with _publish_lock(targets):
        _remove_leftovers(targets)
        work = _Work(targets, _new_version_id(targets))
        notes: list[str] = []
        database_published = False
        try:
            copies = _build(
                source,
                work,
                marts,
                withheld,
                descriptions or {},
                lock_timeout,
                notes,
                on_marts,
                on_mart,
            )
            database_bytes = work.database.stat().st_size
            _seal(work)
            previous = _current_version(targets)
            notes += _guard_wal(work)
            os.replace(work.database, targets.database)
            database_published = True
            os.replace(work.link, targets.current)
        except BaseException as exc:
            work.discard()
            if database_published and isinstance(exc, Exception):
                raise PublishError(
                    f"The serving file {targets.database} was published, but the Parquet "
                    f"export could not be switched to the new version ({exc}); "
                    f"{targets.current} still holds the previous one. Publish again."
                ) from exc
            raise
        for folder in {targets.database.parent, targets.parquet_dir}:
            fsync_dir(folder, strict=False)
        _prune(targets, keep={work.version, previous})

    return PublishResult(
        warehouse=source,
        targets=targets,
        marts=tuple(copies),
        database_bytes=database_bytes,
        parquet_version=work.version,
        seconds=time.monotonic() - started,
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- the work


@dataclass(frozen=True)
class _Work:
    """The temporary names of one publish, all beside their final places (same file
    system, so that the renames are atomic)."""

    targets: ServingTargets
    version: str

    @property
    def database(self) -> Path:
        return temporary_name(self.targets.database, self.version)

    @property
    def wal(self) -> Path:
        return self.database.with_name(self.database.name + ".wal")

    @property
    def wal_guard(self) -> Path:
        """The new WAL guard (see _guard_wal), made here and renamed into place."""
        return self.database.with_name(self.database.name + ".wal-guard")

    @property
    def spill(self) -> Path:
        return self.database.with_name(self.database.name + ".spill")

    @property
    def staging(self) -> Path:
        return self.targets.versions / f".staging-{self.version}"

    @property
    def version_dir(self) -> Path:
        return self.targets.versions / self.version

    @property
    def link(self) -> Path:
        return self.targets.parquet_dir / f".current-{self.version}"

    def discard(self) -> None:
        """Remove everything this publish created that is not published."""
        for path in (self.database, self.wal, self.wal_guard, self.link):
            with suppress(FileNotFoundError):
                path.unlink()
        for folder in (self.spill, self.staging):
            shutil.rmtree(folder, ignore_errors=True)
        if _current_version(self.targets) != self.version:
            shutil.rmtree(self.version_dir, ignore_errors=True)


def _make_dirs(*folders: Path) -> list[Path]:
    """Create `folders` and their missing parents; the ones created, parents first."""
    created: list[Path] = []
    for folder in folders:
        missing = [folder, *folder.parents]
        for path in reversed(missing):
            if path.exists():
                continue
            path.mkdir(exist_ok=True)
            created.append(path)
    return created


def _remove_created(created: Sequence[Path], targets: ServingTargets) -> None:
    """After a failed publish, the folders it created (with only its lock files left in
    them): a failure must not leave an empty `serving/` behind."""
    lock_names = {f".{targets.database.name}.lock", ".publish.lock"}
    for folder in reversed(created):
        for name in lock_names:
            with suppress(OSError):
                (folder / name).unlink()
        with suppress(OSError):
            folder.rmdir()


def _check_targets(source: Path, targets: ServingTargets) -> None:
    if not (source.is_file() or (source / "tables").is_dir()):  # a DuckDB file or a lake
        raise WarehouseMissingError(
            f"No warehouse at {source}: load events with `goals ingest FILE...` and build "
            "the marts with `goals build` first (or point --db / $DUCKDB_PATH at one)."
        )
    if same_file(source, targets.database):
        raise PublishError(
            f"The serving path {targets.database} is the warehouse itself: choose another "
            "file (--serving / $GOALS_SERVING_PATH)."
        )
    if targets.database.is_dir():
        raise PublishError(
            f"The serving path {targets.database} is a folder: give a file name "
            "(--serving / $GOALS_SERVING_PATH)."
        )
    current = targets.current
    if current.exists() and not current.is_symlink():
        raise PublishError(
            f"{current} exists and is not a symlink (publishing repoints it): move it away "
            "or choose another folder (--parquet-dir / $GOALS_PARQUET_DIR)."
        )


@contextmanager
def _publish_lock(targets: ServingTargets) -> Iterator[None]:
    """One publish at a time per serving file and per Parquet folder (the Dagster job, the
    CLI and a second run may publish the same target)."""
    lock_files = [targets.database.with_name(f".{targets.database.name}.lock")]
    parquet_lock = targets.parquet_dir / ".publish.lock"
    if parquet_lock != lock_files[0]:
        lock_files.append(parquet_lock)
    with ExitStack() as stack:
        for lock_file in lock_files:
            try:
                stack.enter_context(FileLock(str(lock_file), timeout=PUBLISH_LOCK_TIMEOUT_S))
            except Timeout as exc:
                raise PublishBusyError(
                    f"Another publish of {targets.database} has been running for more than "
                    f"{PUBLISH_LOCK_TIMEOUT_S:.0f} s (it holds {lock_file}): wait for it to "
                    "finish, or stop it, and publish again."
                ) from exc
        yield


def _remove_leftovers(targets: ServingTargets) -> None:
    """Temporary files of publishes that were killed (we hold the lock: nobody else is
    publishing this target now)."""
    remove_temporaries(targets.database)
    for path in targets.versions.glob(".staging-*"):
        shutil.rmtree(path, ignore_errors=True)
    for path in targets.parquet_dir.glob(".current-*"):
        with suppress(FileNotFoundError):
            path.unlink()


def _new_version_id(targets: ServingTargets) -> str:
    """A sortable UTC time stamp, unique among the versions."""
    now = datetime.now(UTC)
    base = f"{now:%Y%m%dT%H%M%S}.{now:%f}Z"
    version, n = base, 0
    while (targets.versions / version).exists():
        n += 1
        version = f"{base}-{n}"
    return version


def _current_version(targets: ServingTargets) -> str | None:
    try:
        return Path(os.readlink(targets.current)).name
    except OSError:
        return None


# --------------------------------------------------------------------------- the copy


def _build(
    source: Path,
    work: _Work,
    wanted: Collection[str] | None,
    withheld: Collection[str],
    descriptions: Mapping[str, MartDescription],
    lock_timeout: float | None,
    notes: list[str],
    on_marts: Callable[[Sequence[str]], None] | None,
    on_mart: Callable[[MartCopy], None] | None,
) -> list[MartCopy]:
    """The new serving file (at work.database) and Parquet files (in work.staging)."""
    con = duckdb.connect(":memory:")
    try:
        # the session settings ingest and dbt use; the spill folder is the publish's own
        configure_session(con, spill=work.spill)
        attach_warehouse(con, source, lock_timeout)
        names, views = _list_marts(con)
        if not names:
            raise NoMartsError(
                f"The warehouse {source} has no marts (schema `{MARTS_SCHEMA}` is missing or "
                "empty): run `goals build` first."
            )
        names = _select_marts(source, names, views, wanted, withheld, notes)
        if not names:
            raise NoMartsError(
                f"None of the tables of schema `{MARTS_SCHEMA}` in {source} is a mart of the "
                "dbt project: nothing to publish. Run `goals build` first."
            )
        if on_marts is not None:
            on_marts(names)
        con.execute(
            f"ATTACH {literal(work.database)} AS {quote(_SERVING_ALIAS)} "
            f"(STORAGE_VERSION {literal(STORAGE_VERSION)})"
        )
        con.execute(f"CREATE SCHEMA {quote(_SERVING_ALIAS)}.{quote(MARTS_SCHEMA)}")
        work.staging.mkdir()
        copies: list[MartCopy] = []
        copied_keys: dict[str, tuple[str, ...]] = {}
        for name in _in_key_order(names, descriptions):
            copy = _copy_mart(con, name, work.staging, descriptions.get(name), copied_keys)
            copies.append(copy)
            if on_mart is not None:
                on_mart(copy)
        con.execute(f"CHECKPOINT {quote(_SERVING_ALIAS)}")
        con.execute(f"DETACH {quote(_SERVING_ALIAS)}")
        con.execute(f"DETACH {quote(WAREHOUSE_ALIAS)}")
    finally:
        con.close()
        shutil.rmtree(work.spill, ignore_errors=True)
    if work.wal.exists():
        raise PublishError(
            f"DuckDB left a write-ahead log beside {work.database} after closing it: the copy "
            "is not complete. Publish again."
        )
    return copies


def _list_marts(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    """(tables, views) of the warehouse's schema `marts`, sorted. Nothing else is read."""
    tables = con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = ? "
        "and not internal and not temporary order by table_name",
        [WAREHOUSE_ALIAS, MARTS_SCHEMA],
    ).fetchall()
    views = con.execute(
        "select view_name from duckdb_views() where database_name = ? and schema_name = ? "
        "and not internal and not temporary order by view_name",
        [WAREHOUSE_ALIAS, MARTS_SCHEMA],
    ).fetchall()
    return [str(row[0]) for row in tables], [str(row[0]) for row in views]


def _select_marts(
    source: Path,
    tables: list[str],
    views: list[str],
    wanted: Collection[str] | None,
    withheld: Collection[str],
    notes: list[str],
) -> list[str]:
    """The tables to publish: all of them, or exactly the dbt marts when they are known;
    never a mart withheld on purpose (reference §5: raw property values stay out)."""
    tables = [name for name in tables if name not in withheld]
    if wanted is None:
        notes += [
            f"marts.{view} is a view and was not published (only tables are)" for view in views
        ]
        return tables
    missing = sorted(set(wanted) - set(tables))
    if missing:
        listed = ", ".join(f"marts.{name}" for name in missing)
        raise NoMartsError(
            f"The warehouse {source} lacks {listed} (the dbt project's marts are built as "
            "tables): run `goals build` first."
        )
    notes += [
        f"marts.{name} is not a mart of the dbt project and was not published"
        for name in [*tables, *views]
        if name not in wanted and name not in withheld
    ]
    return [name for name in tables if name in wanted]


def _in_key_order(names: list[str], descriptions: Mapping[str, MartDescription]) -> list[str]:
    """`names` with every mart after the marts its foreign keys reference (a FOREIGN KEY
    needs the referenced table to exist); otherwise in the given order."""
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in ordered or name in visiting:
            return
        visiting.add(name)
        description = descriptions.get(name)
        for key in description.foreign_keys if description else ():
            if key.to in names and key.to != name:
                visit(key.to)
        visiting.discard(name)
        ordered.append(name)

    for name in names:
        visit(name)
    return ordered


def served_type(data_type: str) -> str:
    """The column type of the serving copy for a warehouse type: money (every decimal of
    the marts) at MONEY_SCALE places, a 128-bit integer as BIGINT; others unchanged."""
    upper = data_type.strip().upper()
    if upper in ("HUGEINT", "UHUGEINT", "INT128", "UINT128"):
        return "BIGINT"
    if upper.startswith("DECIMAL(") and upper.endswith(")"):
        with suppress(ValueError):
            _, scale = (int(part) for part in upper[len("DECIMAL(") : -1].split(","))
            if scale > MONEY_SCALE:
                return f"DECIMAL(38,{MONEY_SCALE})"
    return data_type


def _copy_mart(
    con: duckdb.DuckDBPyConnection,
    name: str,
    staging: Path,
    description: MartDescription | None,
    copied_keys: dict[str, tuple[str, ...]],
) -> MartCopy:
    """Copy one mart: a CREATE TABLE with its types (served_type), NOT NULLs, primary key and
    the foreign keys to marts already copied with that key (`copied_keys`: mart -> primary
    key), then its rows, its comments and its Parquet file."""
    if "/" in name or "\\" in name or name.startswith("."):
        raise PublishError(f"Cannot publish a mart named {name!r} (not a usable file name).")
    source = f"{quote(WAREHOUSE_ALIAS)}.{quote(MARTS_SCHEMA)}.{quote(name)}"
    target = f"{quote(_SERVING_ALIAS)}.{quote(MARTS_SCHEMA)}.{quote(name)}"
    key = [WAREHOUSE_ALIAS, MARTS_SCHEMA, name]

    columns = con.execute(
        "select column_name, data_type, comment from duckdb_columns() "
        "where database_name = ? and schema_name = ? and table_name = ? "
        "order by column_index",
        key,
    ).fetchall()
    not_null = {
        str(row[0])
        for row in con.execute(
            "select distinct unnest(constraint_column_names) from duckdb_constraints() "
            "where database_name = ? and schema_name = ? and table_name = ? "
            "and constraint_type = 'NOT NULL'",
            key,
        ).fetchall()
    }
    names = [str(column) for column, _, _ in columns]
    primary_key = description.primary_key if description else ()
    if not set(primary_key) <= set(names):
        primary_key = ()
    definitions = [
        f"{quote(str(column))} {served_type(str(data_type))}"
        + (" NOT NULL" if column in not_null or column in primary_key else "")
        for column, data_type, _ in columns
    ]
    if primary_key:
        definitions.append(f"PRIMARY KEY ({', '.join(quote(c) for c in primary_key)})")
    for fk in description.foreign_keys if description else ():
        if copied_keys.get(fk.to) == fk.to_columns and set(fk.columns) <= set(names):
            definitions.append(
                f"FOREIGN KEY ({', '.join(quote(c) for c in fk.columns)}) "
                f"REFERENCES {quote(fk.to)} ({', '.join(quote(c) for c in fk.to_columns)})"
            )
    con.execute(f"CREATE TABLE {target} ({', '.join(definitions)})")
    try:
        con.execute(
            f"INSERT INTO {target} SELECT "
            + ", ".join(
                f"CAST({quote(str(column))} AS {served_type(str(data_type))})"
                for column, data_type, _ in columns
            )
            + f" FROM {source}"
        )
    except duckdb.ConstraintException as exc:
        raise PublishError(
            f"marts.{name} breaks a key its dbt contract declares ({exc}): the warehouse is "
            "inconsistent; rebuild it with `goals build --full-refresh` and publish again."
        ) from exc
    copied_keys[name] = primary_key

    found = con.execute(
        "select comment from duckdb_tables() "
        "where database_name = ? and schema_name = ? and table_name = ?",
        key,
    ).fetchall()
    table_comment = (description.description if description else "") or (
        str(found[0][0]) if found and found[0][0] else ""
    )
    if table_comment:
        con.execute(f"COMMENT ON TABLE {target} IS {literal(table_comment)}")
    column_comments: dict[str, str] = {}
    for column, _, existing in columns:
        text = (description.columns.get(str(column), "") if description else "") or existing
        if text:
            column_comments[str(column)] = str(text)
            con.execute(f"COMMENT ON COLUMN {target}.{quote(str(column))} IS {literal(str(text))}")

    counted = con.execute(f"SELECT count(*) FROM {target}").fetchall()
    parquet = staging / f"{name}.parquet"
    _write_parquet(con, target, parquet, table_comment, column_comments)
    return MartCopy(name=name, rows=int(counted[0][0]), parquet_bytes=parquet.stat().st_size)


def _write_parquet(
    con: duckdb.DuckDBPyConnection,
    table: str,
    path: Path,
    table_comment: str,
    column_comments: Mapping[str, str],
) -> None:
    """The table as Parquet, streamed through Arrow so that the descriptions travel in the
    file: the table's under the schema metadata key `description`, each column's under its
    field metadata key `description` (pyarrow, pandas and Spark read them)."""
    reader = con.sql(f"SELECT * FROM {table}").to_arrow_reader(PARQUET_BATCH_ROWS)
    fields = []
    for item in reader.schema:
        text = column_comments.get(item.name, "")
        metadata = dict(item.metadata or {})
        if text:
            metadata[DESCRIPTION_KEY] = text.encode("utf-8")
        fields.append(item.with_metadata(metadata) if metadata else item)
    schema_metadata = dict(reader.schema.metadata or {})
    if table_comment:
        schema_metadata[DESCRIPTION_KEY] = table_comment.encode("utf-8")
    schema = pa.schema(fields, metadata=schema_metadata or None)
    with pq.ParquetWriter(str(path), schema) as writer:
        for batch in reader:
            writer.write_batch(pa.RecordBatch.from_arrays(batch.columns, schema=schema))


# --------------------------------------------------------------------------- publishing


def _seal(work: _Work) -> None:
    """Everything new on disk, the Parquet folder under its version name, and the new
    `current` link ready beside the old one: what is left is two renames."""
    # Nobody may write the published copy: read-only for every user (see also _guard_wal).
    os.chmod(work.database, 0o444)
    fsync_file(work.database)
    for path in work.staging.iterdir():
        fsync_file(path)
    fsync_dir(work.staging)
    os.rename(work.staging, work.version_dir)
    fsync_dir(work.targets.versions)
    os.symlink(f"{VERSIONS_DIR}/{work.version}", work.link)


def wal_guard_target(database: Path) -> str:
    """Where the WAL guard of `database` points: a path in a folder that never exists."""
    return f".{database.name}.read-only/wal"


def _guard_wal(work: _Work) -> list[str]:
    """Put the WAL guard in place before the new file: `<file>.wal` becomes a symlink to a
    path that cannot exist (wal_guard_target).

    DuckDB names a database's write-ahead log `<file>.wal` and finds it by that name. A
    client that opened the serving file read-write - before this publish, on the file being
    replaced - and writes after it would create `<file>.wal` beside the NEW file, and every
    new reader would then fail ("WAL does not match database file") until the next publish.
    With the guard, readers see no WAL (a dangling link does not exist for them), and a
    write fails at commit ("Cannot open file ....wal: No such file or directory"), whatever
    the client's file permissions: the mode 0444 of the file stops read-write clients of
    other users, not root. A real `.wal` found here can only come from such a client (before
    the guard existed) and belongs to the file being replaced: the guard replaces it."""
    database = work.targets.database
    wal = database.with_name(database.name + ".wal")
    target = wal_guard_target(database)
    with suppress(OSError):
        if os.readlink(wal) == target:
            return []
    notes: list[str] = []
    if os.path.lexists(wal):
        notes.append(
            f"removed {wal.name}, left by a client that opened the serving file read-write: "
            "connect read-only (docs/serving.md)"
        )
    os.symlink(target, work.wal_guard)  # a new name: _remove_leftovers cleared old ones
    os.replace(work.wal_guard, wal)
    return notes


def _prune(targets: ServingTargets, keep: set[str | None]) -> None:
    """Drop Parquet versions other than the current and the previous one (a reader that
    listed the previous folder just before the switch can still open its files)."""
    try:
        entries = list(targets.versions.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name in keep or not entry.is_dir():
            continue
        shutil.rmtree(entry, ignore_errors=True)
