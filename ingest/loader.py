"""Loading event files into the raw tables (reference §2.1).

Each file is identified by the sha256 of its bytes as stored and loaded in one
transaction: its events, rejects, duplicates and ledger row commit together or not at
all, with one `loaded_at` that is strictly greater than every earlier file's (the
incremental watermark, `_next_loaded_at`). Valid lines never touch per-line Python:
chunks of lines go to DuckDB as zero-copy Arrow strings and one SQL statement checks them
(`ingest._sql`); only the lines DuckDB cannot vouch for take the strict Python path
(`ingest._strict`). `GOALS_INGEST_KILL_AT` is a test hook (`ingest._killpoints`).
"""

from __future__ import annotations

import bisect
import contextlib
import gzip
import hashlib
import logging
import os
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import duckdb
import numpy as np
import pyarrow as pa

from ingest import _arrow, _killpoints, _sql
from ingest._lines import (
    DEFAULT_CHUNK_BYTES,
    FILE_SHIFT,
    GroupRead,
    LineChunk,
    Prefetcher,
    open_binary,
    read_group,
)
from ingest._parquet import PARQUET_TABLE, stage_parquet
from ingest._strict import classify, properties_text_reason
from ingest.reasons import reason_code_sql
from ingest.schema import ensure_raw_schema

log = logging.getLogger(__name__)

NDJSON_SUFFIXES = (".ndjson", ".jsonl", ".ndjson.gz", ".jsonl.gz")
PARQUET_SUFFIXES = (".parquet",)
CHUNK_BYTES_ENV = "GOALS_INGEST_CHUNK_MB"
GROUP_BYTES_ENV = "GOALS_INGEST_GROUP_MB"
DEFAULT_GROUP_BYTES = 256 << 20
_KINDS = ".ndjson, .jsonl (optionally .gz) or .parquet"

_CHUNK_VIEW = "__goals_ingest_chunk"
_CHECKED_VIEW = "__goals_ingest_checked"
_REJECTS_VIEW = "__goals_ingest_py_rejects"
_DUP_TEXT_VIEW = "__goals_ingest_dup_text"
_FILES_VIEW = "__goals_ingest_files_view"
_FILES_TABLE = "__goals_ingest_files"
_COUNTS_TABLE = "__goals_ingest_counts"
# A staged line's file (an index into _FILES_TABLE) and its number in that file
_FILE_INDEX = f"({{}}.line_number >> {FILE_SHIFT})"
_LINE = f"({{}}.line_number & {(1 << FILE_SHIFT) - 1})"
_FEW_DUPLICATES = 20_000  # up to this many, a duplicate's line is read on its own
PROBE_ROWS = 16_384  # `_FileLoad._validate`: the first lines of a file or group, on their own
PROBE_RARE = 20_000  # slow lines stay rare while at most one line in this many is slow


class IngestError(Exception):
    """A file cannot be loaded (missing, unreadable, corrupt); nothing of it was kept."""


class FileRejected(IngestError):
    """A file whose bytes cannot be read as events (`code`: ingest.reasons.FILE_CODES; the
    message is the reason, without the path). `ingest_paths` sets it aside and goes on."""

    def __init__(self, message: str, code: str, sha256: str = "", size_bytes: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.sha256 = sha256  # '' until known (and when the file cannot be hashed)
        self.size_bytes = size_bytes


@dataclass(frozen=True)
class FileResult:
    path: str
    sha256: str  # '' when the file could not even be read to hash it
    file_format: str
    # 'loaded' | 'skipped' (content already loaded) | 'rejected' (set aside: not loaded)
    status: str
    size_bytes: int
    read: int
    accepted: int
    rejected: int
    duplicate: int
    seconds: float
    reason_code: str | None = None  # 'rejected': why (ingest.reasons.FILE_CODES)
    reason: str | None = None
    earlier: bool = False  # 'rejected': the same bytes were set aside by an earlier load


@dataclass
class _Timings:
    """Seconds per stage of one transaction (a file or a group of small files), for
    benchmarks (`last_timings()`)."""

    stages: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, seconds: float) -> None:
        self.stages[stage] = self.stages.get(stage, 0.0) + seconds


_last_timings = _Timings()


def last_timings() -> dict[str, float]:
    """Seconds per stage of the last transaction (a file or a group of small files) of
    this process."""
    return dict(_last_timings.stages)


# ---------------------------------------------------------------------------- files


def file_format(path: Path) -> str | None:
    """'ndjson', 'parquet' or None for a file we do not read."""
    name = path.name.lower()
    if name.endswith(NDJSON_SUFFIXES):
        return "ndjson"
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    return None


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith("."):
                yield Path(root) / name


def discover_files(paths: Sequence[str | Path]) -> list[Path]:
    """The files to load: folders expanded recursively, all in lexicographic path order.

    A missing path or a named file of an unknown kind is an error; unknown files found
    in a folder are skipped with a warning, hidden files and folders silently.
    """
    found: dict[str, Path] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for item in _walk(path):
                if file_format(item) is None:
                    log.warning("skipping %s: not an event file (%s)", item, _KINDS)
                else:
                    found.setdefault(item.as_posix(), item)
        elif path.is_file():
            if file_format(path) is None:
                raise IngestError(f"{path} is not an event file: expected {_KINDS}")
            found.setdefault(path.as_posix(), path)
        elif path.exists():
            raise IngestError(f"{path} is neither a file nor a folder")
        else:
            raise IngestError(f"{path}: no such file or folder")
    return [found[key] for key in sorted(found)]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb", buffering=0) as handle:
        buffer = bytearray(8 << 20)
        view = memoryview(buffer)
        while True:
            got = handle.readinto(view)
            if not got:
                break
            digest.update(view[:got])
    return digest.hexdigest()


def _ledger_exists(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw' and table_name = 'loaded_files'"
    ).fetchone()
    return bool(row and row[0])


def _loaded_path(con: duckdb.DuckDBPyConnection, sha256: str) -> str | None:
    row = con.execute(
        "select file_path from raw.loaded_files where file_sha256 = ?", [sha256]
    ).fetchone()
    return None if row is None else str(row[0])


def _set_aside_row(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple[str, str] | None:
    """(reason_code, reason) when these bytes were set aside before (raw.file_rejects)."""
    row = con.execute(
        "select reason_code, reason from raw.file_rejects where file_sha256 = ?", [sha256]
    ).fetchone()
    return None if row is None else (str(row[0]), str(row[1]))


def _known_contents(con: duckdb.DuckDBPyConnection, shas: Sequence[str]) -> set[str]:
    """Which of `shas` are loaded already (the ledger) or set aside (raw.file_rejects), in
    one query: a group of 500 small files asked 1,000 times."""
    rows = con.execute(
        "select file_sha256 from raw.loaded_files where list_contains(?, file_sha256) "
        "union select file_sha256 from raw.file_rejects where list_contains(?, file_sha256)",
        [list(shas), list(shas)],
    ).fetchall()
    return {str(row[0]) for row in rows}


def pending_files(con: duckdb.DuckDBPyConnection, paths: Sequence[str | Path]) -> list[Path]:
    """discover_files(paths) minus the contents already in the ledger (or earlier in the list)."""
    files = discover_files(paths)
    has_ledger = _ledger_exists(con)
    seen: set[str] = set()
    pending: list[Path] = []
    for path in files:
        try:
            sha = file_sha256(path)
        except OSError as exc:
            raise IngestError(f"cannot read {path}: {exc.strerror or exc}") from exc
        if sha in seen or (has_ledger and _loaded_path(con, sha) is not None):
            continue
        seen.add(sha)
        pending.append(path)
    return pending


# ---------------------------------------------------------------------------- loading


def ingest_paths(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[str | Path],
    *,
    on_file: Callable[[FileResult], None] | None = None,
    on_start: Callable[[Path], None] | None = None,
    on_progress: Callable[[Path, int], None] | None = None,
) -> list[FileResult]:
    """Load every file under `paths` (lexicographic order), one transaction per file or
    per group of consecutive small files (`_plan`).

    A file whose content is already in the ledger is 'skipped'. A file that cannot be read
    as events (bad gzip, bad Parquet, an I/O error) is rolled back and 'rejected': set
    aside with its reason, and the next file is loaded. Its bytes are recorded in
    raw.file_rejects (except for an I/O error, which is about the disk, not the bytes, and
    is tried again next time) and not tried again; it gets no ledger row. A missing path
    raises IngestError before anything is loaded; a warehouse error is raised as is. The
    connection must not be inside a transaction. `on_start(path)` is called as each file
    starts, `on_progress(path, bytes)` as it goes (bytes of the file as stored, read so
    far), `on_file(result)` as it ends.
    """
    files = discover_files(paths)
    _killpoints.arm()
    ensure_raw_schema(con)
    plan = _plan(files)
    results: list[FileResult] = []
    ahead: _Readers | None = None  # the next file's, opened once the current one is read
    following = 0  # index in `plan` of the file `ahead` would be opened for
    # Groups are read, hashed and split one group ahead, in a thread of their own
    reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="goals-ingest-group")
    groups_read: dict[int, Future[GroupRead]] = {}

    def read_group_ahead(index: int) -> None:
        if index < len(plan) and len(plan[index]) > 1 and index not in groups_read:
            groups_read[index] = reader.submit(read_group, plan[index])

    def read_ahead() -> None:
        nonlocal ahead
        if ahead is None and following < len(plan) and len(plan[following]) == 1:
            with contextlib.suppress(FileRejected):  # reported when its turn comes
                ahead = _Readers.open(plan[following][0])

    def single(path: Path, readers: _Readers | None) -> FileResult:
        started = time.perf_counter()
        try:
            return _ingest_file(con, path, on_progress, readers, read_ahead)
        except FileRejected as exc:
            return _set_aside(con, path, exc, time.perf_counter() - started)

    try:
        for index, group in enumerate(plan):
            for path in group:
                if on_start is not None:
                    on_start(path)
            readers, ahead, following = ahead, None, index + 1
            if len(group) == 1:
                done = [single(group[0], readers)]
            else:
                read_group_ahead(index)
                read_group_ahead(index + 1)
                done = _ingest_group(con, group, groups_read.pop(index), single, on_progress)
            for result in done:
                results.append(result)
                if on_file is not None:
                    on_file(result)
    finally:
        if ahead is not None:
            ahead.close()
        reader.shutdown(cancel_futures=True)
    return results


def _group_bytes() -> int:
    """How many bytes of files may share a transaction ($GOALS_INGEST_GROUP_MB, default
    256; 0: every file alone)."""
    raw = os.environ.get(GROUP_BYTES_ENV, "").strip()
    try:
        return max(int(float(raw) * (1 << 20)), 0) if raw else DEFAULT_GROUP_BYTES
    except ValueError:
        return DEFAULT_GROUP_BYTES


def _plan(files: list[Path]) -> list[list[Path]]:
    """The files in load order, cut into transactions: consecutive plain NDJSON files that
    fit in one chunk share one, up to the group size; every other file has its own. Per
    file, a load pays a dozen statements and a commit, and a file of one chunk is
    validated and inserted by one or two of DuckDB's threads (a row group each): a group
    is validated and inserted as one."""
    budget = _group_bytes()
    limit = min(_chunk_bytes(), budget)
    plan: list[list[Path]] = []
    group: list[Path] = []
    total = 0
    for path in files:
        try:
            size = path.stat().st_size
        except OSError:
            size = None  # reported when its turn comes
        small = (
            size is not None
            and budget > 0
            and size <= limit
            and file_format(path) == "ndjson"
            and not _is_gz(path)
        )
        if group and (not small or total + (size or 0) > budget):
            plan.append(group)
            group, total = [], 0
        if small:
            group.append(path)
            total += size or 0
        else:
            plan.append([path])
    if group:
        plan.append(group)
    return plan


def _ingest_group(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    reading: Future[GroupRead],
    single: Callable[[Path, _Readers | None], FileResult],
    on_progress: Callable[[Path, int], None] | None,
) -> list[FileResult]:
    """Small files in one transaction, in load order: the group commits whole or not at
    all, so each of its files is in completely or not at all. A file that cannot be read,
    or whose content is loaded or set aside already (or earlier in the group), adds no
    rows: it takes the one-file path, which reports it (all of them do, when a file cannot
    be read)."""
    global _last_timings
    started = time.perf_counter()
    timings = _Timings()
    try:
        read = reading.result()
    except OSError:  # each file alone, in order: that path reports it
        return [single(path, None) for path in paths]
    finally:
        timings.add("wait for reader", time.perf_counter() - started)
    known = _known_contents(con, read.shas)
    seen: set[str] = set()
    keep: list[int] = []
    for index, sha in enumerate(read.shas):
        if sha in seen or sha in known:
            continue
        seen.add(sha)
        keep.append(index)
    if len(keep) < 2:
        return [single(path, None) for path in paths]
    if len(keep) < len(paths):
        read = read.subset(keep)
    loader = _GroupLoad(con, read, timings, on_progress)
    con.execute("begin transaction")
    try:
        _killpoints.reached("begin")
        counts = loader.run()
        _killpoints.reached("before-commit")
        tick = time.perf_counter()
        con.execute("commit")
        timings.add("commit", time.perf_counter() - tick)
        _killpoints.reached("after-commit")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        raise
    finally:
        _last_timings = timings
    seconds = time.perf_counter() - started
    total = sum(read.sizes) or 1
    by_path: dict[Path, FileResult] = {}
    for path, size, sha, (lines, accepted, rejected, duplicate) in zip(
        read.paths, read.sizes, read.shas, counts, strict=True
    ):
        by_path[path] = FileResult(
            path=str(path), sha256=sha, file_format="ndjson", status="loaded",
            size_bytes=size, read=lines, accepted=accepted, rejected=rejected,
            duplicate=duplicate, seconds=seconds * size / total,
        )  # fmt: skip
    return [by_path[path] if path in by_path else single(path, None) for path in paths]


def _chunk_bytes() -> int:
    raw = os.environ.get(CHUNK_BYTES_ENV, "").strip()
    try:
        return max(int(float(raw) * (1 << 20)), 1 << 16) if raw else DEFAULT_CHUNK_BYTES
    except ValueError:
        return DEFAULT_CHUNK_BYTES


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _next_loaded_at(con: duckdb.DuckDBPyConnection) -> datetime:
    """The loaded_at of the file being loaded (`_loaded_at_after` the ledger's latest).
    Called inside the file's transaction: DuckDB has one writer, so no other load can
    commit a later value in between."""
    row = con.execute("select max(loaded_at) from raw.loaded_files").fetchone()
    assert row is not None
    return _loaded_at_after(row[0])


def _loaded_at_after(latest: datetime | None) -> datetime:
    """Now (UTC), but at least one microsecond after `latest` (the file loaded before), so
    that loaded_at is a strictly increasing watermark even when the clock steps back or
    two files start within one microsecond."""
    now = _utc_now()
    return now if latest is None else max(now, latest + timedelta(microseconds=1))


class _Hasher:
    """sha256 of a file, computed in a thread (hashlib and reads release the GIL)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._sha: str | None = None
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self._run, name="goals-ingest-hash", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._sha = file_sha256(self.path)
        except OSError as exc:
            self._error = exc

    def done(self) -> bool:
        return not self._thread.is_alive()

    def result(self) -> str:
        self._thread.join()
        if self._error is not None:
            error = self._error
            raise IngestError(f"cannot read {self.path}: {error.strerror or error}") from error
        assert self._sha is not None
        return self._sha


@dataclass
class _Readers:
    """A file's size, its hash being computed and (NDJSON) its first chunks being read:
    opened when the file starts, or while the file before it finishes (its duplicates,
    inserts and commit), so that the pipeline does not drain at every file boundary."""

    size: int
    hasher: _Hasher
    prefetcher: Prefetcher | None

    @classmethod
    def open(cls, path: Path) -> _Readers:
        try:
            size = path.stat().st_size
        except OSError as exc:
            message = f"cannot read the file: {exc.strerror or exc}"
            raise FileRejected(message, "unreadable") from exc
        prefetcher = None
        if (file_format(path) or "ndjson") == "ndjson":
            chunk_bytes = _chunk_bytes()
            if not _is_gz(path):
                chunk_bytes = min(chunk_bytes, size + 1)  # small files, small buffers
            prefetcher = Prefetcher(path, chunk_bytes)
        return cls(size=size, hasher=_Hasher(path), prefetcher=prefetcher)

    def close(self) -> None:
        if self.prefetcher is not None:
            self.prefetcher.close()


class _AlreadyLoaded(Exception):
    """The file's content is in the ledger: nothing to do."""


class _SetAsideBefore(Exception):
    """The file's content was set aside by an earlier load: nothing to do."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _check_known(con: duckdb.DuckDBPyConnection, sha256: str) -> None:
    """Raise _AlreadyLoaded or _SetAsideBefore when this content was seen before."""
    if _loaded_path(con, sha256) is not None:
        raise _AlreadyLoaded
    earlier = _set_aside_row(con, sha256)
    if earlier is not None:
        raise _SetAsideBefore(*earlier)


def _set_aside(
    con: duckdb.DuckDBPyConnection, path: Path, error: FileRejected, seconds: float
) -> FileResult:
    """Record a file that cannot be loaded (once per content) and describe it."""
    sha, size = error.sha256, error.size_bytes
    earlier = False
    reason = str(error)
    code = error.code
    if sha and code != "unreadable":
        known = _set_aside_row(con, sha)
        if known is not None:
            earlier = True
            code, reason = known
        else:
            con.execute(
                "insert into raw.file_rejects values (?, ?, ?, ?, ?, ?) on conflict do nothing",
                [sha, str(path), size, code, reason, _utc_now()],
            )
    return FileResult(
        path=str(path), sha256=sha, file_format=file_format(path) or "ndjson",
        status="rejected", size_bytes=size, read=0, accepted=0, rejected=0, duplicate=0,
        seconds=seconds, reason_code=code, reason=reason, earlier=earlier,
    )  # fmt: skip


def _rejected(path: Path, exc: BaseException, hasher: _Hasher, size: int) -> FileRejected:
    """The FileRejected for a read error of `path`, with its sha256 when it can be known."""
    if isinstance(exc, FileRejected):
        error = exc
    else:
        code = "unreadable"
        if _is_gz(path) and (
            isinstance(exc, (EOFError, zlib.error, gzip.BadGzipFile))
            or (isinstance(exc, OSError) and exc.errno is None)
        ):
            code = "invalid_gzip"
        error = FileRejected(_read_error(exc, code), code)
    with contextlib.suppress(IngestError):
        error.sha256 = hasher.result()
    error.size_bytes = size
    return error


def _ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    on_progress: Callable[[Path, int], None] | None = None,
    readers: _Readers | None = None,
    on_read: Callable[[], None] | None = None,
) -> FileResult:
    """One file in one transaction.

    NDJSON is read, split and validated while its hash is computed in a thread: a file
    whose content turns out to be loaded already is rolled back as soon as that is known
    (after at most a chunk or two), a new file does not wait for its hash. `readers` are
    the file's, when they were opened ahead; `on_read()` is called once the whole file has
    been read (the next file may start reading then).
    """
    global _last_timings
    timings = _Timings()
    started = time.perf_counter()
    fmt = file_format(path) or "ndjson"
    readers = readers or _Readers.open(path)
    size, hasher, prefetcher = readers.size, readers.hasher, readers.prefetcher
    status = "loaded"
    counts = (0, 0, 0, 0)
    earlier: _SetAsideBefore | None = None  # set: 'rejected', as an earlier load found it
    try:
        if prefetcher is None or hasher.done():
            tick = time.perf_counter()
            try:
                sha = hasher.result()
            except IngestError as exc:
                raise _rejected(path, exc.__cause__ or exc, hasher, size) from exc
            timings.add("hash", time.perf_counter() - tick)
            _check_known(con, sha)
        loader = _FileLoad(con, path, size, hasher, fmt, timings, prefetcher, on_progress, on_read)
        con.execute("begin transaction")
        try:
            _killpoints.reached("begin")
            (counts,) = loader.run()
            _killpoints.reached("before-commit")
            tick = time.perf_counter()
            con.execute("commit")
            timings.add("commit", time.perf_counter() - tick)
            _killpoints.reached("after-commit")
        except BaseException as exc:
            with contextlib.suppress(duckdb.Error):
                con.execute("rollback")
            if isinstance(exc, (OSError, EOFError, zlib.error, FileRejected)):
                raise _rejected(path, exc, hasher, size) from exc
            if isinstance(exc, IngestError) and isinstance(exc.__cause__, OSError):
                raise _rejected(path, exc.__cause__, hasher, size) from exc  # hashing failed
            raise
    except _AlreadyLoaded:
        status = "skipped"
    except _SetAsideBefore as exc:
        status, earlier = "rejected", exc
    finally:
        if prefetcher is not None:
            prefetcher.close()
        _last_timings = timings
    read, accepted, rejected, duplicate = counts
    return FileResult(
        path=str(path), sha256=hasher.result(), file_format=fmt, status=status,
        size_bytes=size, read=read, accepted=accepted, rejected=rejected,
        duplicate=duplicate, seconds=time.perf_counter() - started,
        reason_code=earlier.code if earlier else None,
        reason=earlier.reason if earlier else None,
        earlier=earlier is not None,
    )  # fmt: skip


def _read_error(exc: BaseException, code: str) -> str:
    """Why a file could not be read: a reason without the file's path (raw.file_rejects
    keeps the path beside it)."""
    if code == "invalid_gzip":
        detail = str(exc) or type(exc).__name__
        return f"not a valid gzip file ({detail}): truncated or damaged; export it again"
    if isinstance(exc, OSError):
        return f"cannot read the file: {exc.strerror or exc}"
    return f"cannot read the file: {exc}"


@dataclass(frozen=True)
class _Member:
    """A file of a transaction, as its ledger row names it."""

    path: Path
    fmt: str
    size: int
    sha256: str
    loaded_at: datetime


class _FileLoad:
    """One file inside an open transaction."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path,
        size: int,
        hasher: _Hasher | None,  # None: a group, whose contents are known
        fmt: str,
        timings: _Timings,
        prefetcher: Prefetcher | None = None,
        on_progress: Callable[[Path, int], None] | None = None,
        on_read: Callable[[], None] | None = None,
    ) -> None:
        self.con = con
        self.on_progress = on_progress
        self.on_read = on_read
        self.prefetcher = prefetcher
        self.spans: list[tuple[int, np.ndarray]] = []  # (first line, file offsets) per chunk
        self.path = path
        self.size = size
        self.hasher = hasher
        self.sha = ""  # known once the hasher is done (needed only to write the rows)
        self.fmt = fmt
        self.timings = timings
        self.loaded_at = datetime.min  # set inside the transaction (run)
        self.parse_once = True  # `_validate`
        self.probed = False
        self.checked_sql = _sql.validation_sql(_CHECKED_VIEW, mode="checked", has_raw_text=True)

    # -- timing helper
    def _timed(self, stage: str, sql: str, params: list[Any] | None = None) -> Any:
        tick = time.perf_counter()
        result = self.con.execute(sql, params) if params is not None else self.con.execute(sql)
        self.timings.add(stage, time.perf_counter() - tick)
        return result

    def run(self) -> list[tuple[int, int, int, int]]:
        """(read, accepted, rejected, duplicate) per file."""
        self.loaded_at = _next_loaded_at(self.con)
        self.con.execute(_sql.ROWS_DDL)
        if self.fmt == "parquet":
            self._load_parquet()
        else:
            self._load_ndjson()
        return self._finish()

    # -- NDJSON
    def _validate(self, chunk: LineChunk) -> None:
        """The chunk's lines into the staging table, the slow ones through the strict path.

        Lines are parsed once (`validation_sql(parse_once=True)`) while slow lines are
        rare: a malformed line costs that query a row-by-row retry of its whole vector,
        dearer than checking every line of it with `json_valid` first. The first rows of
        a file or group are validated on their own, as a probe; once the probe or a later
        chunk has more than one slow line in PROBE_RARE, the rest of the file or group is
        checked with `json_valid` first."""
        table = chunk.arrow_table()
        pieces = [(0, table.num_rows)]
        if not self.probed and table.num_rows > PROBE_ROWS:
            pieces = [(0, PROBE_ROWS), (PROBE_ROWS, table.num_rows)]
        self.probed = True
        for start, stop in pieces:
            sql = _sql.validation_sql(_CHUNK_VIEW, mode="fast", parse_once=self.parse_once)
            self.con.register(_CHUNK_VIEW, table.slice(start, stop - start))
            try:
                self._timed("validate", f"insert into {_sql.ROWS_TABLE} {sql}")
            finally:
                self.con.unregister(_CHUNK_VIEW)
            _killpoints.reached("chunk-validated")
            if stop > start:
                slow = self._slow_path(chunk, chunk.number_at(start), chunk.number_at(stop - 1))
                if slow * PROBE_RARE > stop - start:
                    self.parse_once = False

    def _load_ndjson(self) -> None:
        assert self.prefetcher is not None
        chunks = iter(self.prefetcher)
        while True:
            tick = time.perf_counter()
            chunk = next(chunks, None)
            self.timings.add("wait for reader", time.perf_counter() - tick)
            if chunk is None:
                self.prefetcher.close()  # its buffers go before the next file's come
                self._read_done()
                break
            try:
                self.spans.append((chunk.first_line, chunk.line_spans()))
                self._validate(chunk)
            finally:
                chunk.release()
            if self.on_progress is not None:
                self.on_progress(self.path, chunk.stored_position)
            self._check_not_loaded(wait=False)

    def _read_done(self) -> None:
        if self.on_read is not None:
            self.on_read()

    def _check_not_loaded(self, *, wait: bool) -> None:
        """Raise _AlreadyLoaded once the hash shows the content is in the ledger."""
        assert self.hasher is not None
        if self.sha or not (wait or self.hasher.done()):
            return
        tick = time.perf_counter()
        sha = self.hasher.result()
        self.timings.add("hash", time.perf_counter() - tick)
        _check_known(self.con, sha)
        self.sha = sha

    def _slow_path(self, chunk: LineChunk, low: int, high: int) -> int:
        """Decide the chunk's slow lines numbered `low` to `high`; how many there were."""
        tick = time.perf_counter()
        numbers = self._slow_numbers(low, high)
        if not len(numbers):
            self.timings.add("slow path", time.perf_counter() - tick)
            return 0
        rejects: list[tuple[int, str, str]] = []
        checked: list[tuple[int, str, str]] = []
        for number in numbers.tolist():
            raw = chunk.raw_line(chunk.index_of(number))
            verdict = classify(raw)
            if verdict.blank:
                continue
            if verdict.reason is not None:
                rejects.append((number, verdict.reason, _raw_text(raw)))
            else:
                text = verdict.text or ""
                checked.append((number, text, text))
        self.timings.add("slow path", time.perf_counter() - tick)
        self._store_slow(rejects, checked)
        return len(numbers)

    def _slow_numbers(self, low: int, high: int) -> np.ndarray:
        result = self.con.execute(
            f"select line_number from {_sql.ROWS_TABLE} "
            f"where status = {_sql.STATUS_SLOW} and line_number between ? and ? "
            "order by line_number",
            [low, high],
        ).fetchnumpy()
        return np.asarray(result["line_number"], dtype=np.int64)

    def _store_slow(
        self, rejects: list[tuple[int, str, str]], checked: list[tuple[int, str, str]]
    ) -> None:
        tick = time.perf_counter()
        if rejects:
            table = _arrow.table(
                {
                    "line_number": _arrow.int64s([r[0] for r in rejects]),
                    "reason": _arrow.strings([r[1] for r in rejects]),
                    "raw_text": _arrow.strings([r[2] for r in rejects]),
                }
            )
            self.con.register(_REJECTS_VIEW, table)
            try:
                self.con.execute(
                    f"insert into {_sql.ROWS_TABLE} (line_number, status, reason, raw_text) "
                    f"select line_number, {_sql.STATUS_REJECT}, reason, raw_text "
                    f"from {_REJECTS_VIEW}"
                )
            finally:
                self.con.unregister(_REJECTS_VIEW)
        if checked:
            table = _arrow.table(
                {
                    "line_number": _arrow.int64s([r[0] for r in checked]),
                    "line": _arrow.strings([r[1] for r in checked]),
                    "raw_text": _arrow.strings([r[2] for r in checked]),
                }
            )
            self.con.register(_CHECKED_VIEW, table)
            try:
                self.con.execute(f"insert into {_sql.ROWS_TABLE} {self.checked_sql}")
            finally:
                self.con.unregister(_CHECKED_VIEW)
        self.timings.add("slow path", time.perf_counter() - tick)

    # -- Parquet
    def _load_parquet(self) -> None:
        tick = time.perf_counter()
        try:
            stage_parquet(self.con, self.path)
        except duckdb.IOException as exc:
            detail = str(exc).strip().splitlines()[0]
            raise FileRejected(f"cannot read the file: {detail}", "unreadable") from exc
        except duckdb.Error as exc:
            detail = str(exc).strip().splitlines()[0]
            message = f"not a readable Parquet file ({detail})"
            raise FileRejected(message, "invalid_parquet") from exc
        self.timings.add("read+render", time.perf_counter() - tick)
        self._read_done()
        sql = _sql.validation_sql(PARQUET_TABLE, mode="fast", has_props_bad=True)
        self._timed("validate", f"insert into {_sql.ROWS_TABLE} {sql}")
        _killpoints.reached("chunk-validated")
        slow = self.con.execute(
            f"select p.line_number, p.line, p.props_bad, p.props_text "
            f"from {_sql.ROWS_TABLE} r join {PARQUET_TABLE} p using (line_number) "
            f"where r.status = {_sql.STATUS_SLOW} order by p.line_number"
        ).fetchall()
        tick = time.perf_counter()
        rejects: list[tuple[int, str, str]] = []
        checked: list[tuple[int, str, str]] = []
        for number, line, props_bad, props_text in slow:
            if props_bad:
                rejects.append((number, properties_text_reason(props_text or ""), line))
                continue
            verdict = classify(line.encode("utf-8", "surrogatepass"))
            if verdict.reason is not None or verdict.blank:
                rejects.append((number, verdict.reason or "empty row", line))
            else:
                checked.append((number, verdict.text or "", line))
        self.timings.add("slow path", time.perf_counter() - tick)
        self._store_slow(rejects, checked)

    # -- duplicates, final inserts, ledger
    def _members(self) -> list[_Member]:
        """The files whose rows are in the staging table: this one."""
        self._check_not_loaded(wait=True)
        return [_Member(self.path, self.fmt, self.size, self.sha, self.loaded_at)]

    def _finish(self) -> list[tuple[int, int, int, int]]:
        members = self._members()
        self._stage_files(members)
        rows, dups, files = _sql.ROWS_TABLE, _sql.DUPS_TABLE, _FILES_TABLE
        ok, reject = _sql.STATUS_OK, _sql.STATUS_REJECT
        # A later line with the key of an earlier one, or a key already in raw.events.
        # The cost must not grow with raw.events: its keys are only probed, never hashed.
        # The file's distinct keys form the hash table (`keys`); raw.events contributes a
        # scan of its two key columns, which DuckDB's join filters (the keys' min/max)
        # can skip row group by row group. Then only the few keys that are repeated in the
        # file or already loaded (`hit`) are joined back to the file's lines.
        self._timed(
            "duplicates",
            f"""
            create or replace temp table {dups} as
            with ok as materialized (
                select line_number, workspace_id, event_id from {rows} where status = {ok}
            ),
            keys as materialized (
                select workspace_id, event_id, min(line_number) as first_line,
                    count(*) as lines
                from ok group by workspace_id, event_id
            ),
            loaded as materialized (
                select workspace_id, event_id
                from keys semi join raw.events using (workspace_id, event_id)
            ),
            hit as (
                select k.workspace_id, k.event_id, k.first_line,
                    l.event_id is not null as loaded
                from keys k left join loaded l using (workspace_id, event_id)
                where k.lines > 1 or l.event_id is not null
            )
            select ok.line_number, ok.workspace_id, ok.event_id
            from ok join hit h using (workspace_id, event_id)
            where h.loaded or ok.line_number <> h.first_line
            """,
        )
        _killpoints.reached("before-events")
        # One file's sha256 and loaded_at are parameters, which DuckDB keeps as one
        # constant per vector; joined from the files table (a group's) they are a value
        # per row for the compression of raw.events to analyse. The duplicates are left
        # out with `not in` (line numbers are never null): as an anti join, DuckDB joined
        # a group's files first and then hashed all of its lines to probe them with the
        # few duplicates.
        file_sha256, loaded_at, params = "f.file_sha256", "f.loaded_at", []
        files_join = f"join {files} f on f.file_index = {_FILE_INDEX.format('r')}"
        if len(members) == 1:
            file_sha256, loaded_at, files_join = "?", "?", ""
            params = [members[0].sha256, members[0].loaded_at]
        self._timed(
            "insert events",
            f"""
            insert into raw.events
            select r.workspace_id, r.event_id, r.name, r.occurred_at, r.source,
                r.conversation_id, r.customer_id, r.flow_id, r.properties,
                {file_sha256}, {_LINE.format("r")}, {loaded_at}
            from {rows} r
            {files_join}
            where r.status = {ok} and r.line_number not in (select line_number from {dups})
            """,
            params,
        )
        _killpoints.reached("after-events")
        self._timed(
            "insert rejects",
            f"""
            insert into raw.event_rejects (
                file_sha256, file_path, line_number, raw_text, reason, loaded_at, reason_code
            )
            select f.file_sha256, f.file_path, {_LINE.format("r")}, r.raw_text, r.reason,
                f.loaded_at, {reason_code_sql("r.reason")}
            from {rows} r join {files} f on f.file_index = {_FILE_INDEX.format("r")}
            where r.status = {reject} order by r.line_number
            """,
        )
        _killpoints.reached("after-rejects")
        self._insert_duplicates()
        _killpoints.reached("before-ledger")
        # read = accepted + rejected + duplicate, per file
        counts = self.con.execute(
            f"""
            create or replace temp table {_COUNTS_TABLE} as
            with lines as (
                select {_FILE_INDEX.format("r")} as file_index,
                    count(*) filter (where r.status = {ok}) as ok_rows,
                    count(*) filter (where r.status = {reject}) as rejected
                from {rows} r group by all
            ),
            duplicates as (
                select {_FILE_INDEX.format("d")} as file_index, count(*) as duplicate
                from {dups} d group by all
            )
            select f.file_index,
                coalesce(l.ok_rows, 0) - coalesce(d.duplicate, 0) as accepted,
                coalesce(l.rejected, 0) as rejected,
                coalesce(d.duplicate, 0) as duplicate
            from {files} f
            left join lines l using (file_index)
            left join duplicates d using (file_index);
            insert into raw.loaded_files
            select f.file_sha256, f.file_path, f.file_format, f.size_bytes,
                c.accepted + c.rejected + c.duplicate, c.accepted, c.rejected, c.duplicate,
                f.loaded_at
            from {files} f join {_COUNTS_TABLE} c using (file_index)
            order by f.file_index;
            select accepted + rejected + duplicate, accepted, rejected, duplicate
            from {_COUNTS_TABLE} order by file_index
            """
        ).fetchall()
        for table in (rows, dups, files, _COUNTS_TABLE, PARQUET_TABLE):
            self.con.execute(f"drop table if exists {table}")
        return [(int(a), int(b), int(c), int(d)) for a, b, c, d in counts]

    def _stage_files(self, members: list[_Member]) -> None:
        """The files of this transaction as a temp table, indexed as their line numbers
        say (`FILE_SHIFT`)."""
        table = _arrow.table(
            {
                "file_index": _arrow.int64s(range(len(members))),
                "file_sha256": _arrow.strings([m.sha256 for m in members]),
                "file_path": _arrow.strings([str(m.path) for m in members]),
                "file_format": _arrow.strings([m.fmt for m in members]),
                "size_bytes": _arrow.int64s([m.size for m in members]),
                "loaded_at": _arrow.timestamps([m.loaded_at for m in members]),
            }
        )
        self.con.register(_FILES_VIEW, table)
        try:
            self.con.execute(
                f"create or replace temp table {_FILES_TABLE} as select * from {_FILES_VIEW}"
            )
        finally:
            self.con.unregister(_FILES_VIEW)

    def _insert_duplicates(self) -> None:
        """raw.event_duplicates, with each line's raw text read again from the file."""
        tick = time.perf_counter()
        dups = self.con.execute(
            f"select line_number from {_sql.DUPS_TABLE} order by line_number"
        ).fetchnumpy()
        numbers = np.asarray(dups["line_number"], dtype=np.int64)
        if len(numbers):
            if self.fmt == "parquet":
                self._insert_duplicates_from(f"(select line_number, line from {PARQUET_TABLE})")
            elif len(numbers) <= _FEW_DUPLICATES and not _is_gz(self.path):
                self._insert_duplicates_from(self._register(self._few_lines(numbers)))
            else:
                for table in self._chunks_holding(numbers):
                    self._insert_duplicates_from(self._register(table))
        self.timings.add("duplicates", time.perf_counter() - tick)

    def _register(self, table: pa.Table) -> str:
        self.con.register(_DUP_TEXT_VIEW, table)
        return _DUP_TEXT_VIEW

    def _insert_duplicates_from(self, lines: str) -> None:
        """Insert the duplicates whose line is in `lines` (line_number, line)."""
        try:
            self.con.execute(
                f"""
                insert into raw.event_duplicates
                select d.workspace_id, d.event_id, f.file_sha256, f.file_path,
                    {_LINE.format("d")}, regexp_replace(t.line, '\\r?\\n?$', ''), f.loaded_at
                from {_sql.DUPS_TABLE} d
                join {lines} t using (line_number)
                join {_FILES_TABLE} f on f.file_index = {_FILE_INDEX.format("d")}
                order by d.line_number
                """
            )
        finally:
            if lines == _DUP_TEXT_VIEW:
                self.con.unregister(_DUP_TEXT_VIEW)

    @property
    def _firsts(self) -> list[int]:
        return [first for first, _ in self.spans]

    def _few_lines(self, numbers: np.ndarray) -> pa.Table:
        """A few lines of a plain file, read one by one."""
        firsts = self._firsts
        texts: list[str] = []
        with open(self.path, "rb") as handle:
            for number in numbers.tolist():
                first, spans = self.spans[bisect.bisect_right(firsts, number) - 1]
                start, stop = int(spans[number - first]), int(spans[number - first + 1])
                texts.append(_raw_text(os.pread(handle.fileno(), stop - start, start)))
        return _arrow.table({"line_number": _arrow.int64s(numbers), "line": _arrow.strings(texts)})

    def _chunks_holding(self, numbers: np.ndarray) -> Iterator[pa.Table]:
        """(line_number, line) of every chunk that holds one of `numbers`, read again."""
        with open_binary(self.path) as stream:
            position = 0  # of the (decompressed) stream
            for first, spans in self.spans:
                count = len(spans) - 1
                low = int(np.searchsorted(numbers, first, side="left"))
                if low == len(numbers):
                    return
                if numbers[low] >= first + count:
                    continue
                start, stop = int(spans[0]), int(spans[-1])
                if _is_gz(self.path):
                    while position < start:  # compressed: read on to the chunk
                        skipped = stream.read(min(start - position, 1 << 24))
                        if not skipped:
                            break
                        position += len(skipped)
                else:
                    stream.seek(start)
                data = _read_exact(stream, stop - start)
                position = stop
                lines = pa.LargeStringArray.from_buffers(
                    count, pa.py_buffer(spans - start), pa.py_buffer(data)
                )
                line_numbers = np.arange(first, first + count, dtype=np.int64)
                yield _arrow.table({"line_number": _arrow.int64s(line_numbers), "line": lines})


class _GroupLoad(_FileLoad):
    """Several small plain NDJSON files inside one open transaction: their lines are one
    chunk (`read_group`), validated, checked for duplicates and inserted by the same
    statements as one file's, and each file gets its own ledger row and `loaded_at`."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        read: GroupRead,
        timings: _Timings,
        on_progress: Callable[[Path, int], None] | None,
    ) -> None:
        super().__init__(
            con, read.paths[0], sum(read.sizes), None, "ndjson", timings, None, on_progress
        )
        self.read = read

    def _load_ndjson(self) -> None:
        chunk = self.read.chunk
        self._validate(chunk)
        if self.on_progress is not None:
            for path, size in zip(self.read.paths, self.read.sizes, strict=True):
                self.on_progress(path, size)

    def _members(self) -> list[_Member]:
        stamps = [self.loaded_at]
        for _ in self.read.paths[1:]:
            stamps.append(_loaded_at_after(stamps[-1]))
        return [
            _Member(path, "ndjson", size, sha, stamp)
            for path, size, sha, stamp in zip(
                self.read.paths, self.read.sizes, self.read.shas, stamps, strict=True
            )
        ]

    def _insert_duplicates(self) -> None:
        tick = time.perf_counter()
        chunk = self.read.chunk
        dups = self.con.execute(
            f"select line_number from {_sql.DUPS_TABLE} order by line_number"
        ).fetchnumpy()
        numbers = np.asarray(dups["line_number"], dtype=np.int64)
        if len(numbers):
            texts = [_raw_text(chunk.line_bytes(chunk.index_of(n))) for n in numbers.tolist()]
            table = _arrow.table(
                {"line_number": _arrow.int64s(numbers), "line": _arrow.strings(texts)}
            )
            self._insert_duplicates_from(self._register(table))
        self.timings.add("duplicates", time.perf_counter() - tick)


def _is_gz(path: Path) -> bool:
    return path.name.lower().endswith(".gz")


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    parts: list[bytes] = []
    while size > 0:
        part = stream.read(size)
        if not part:
            break
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _raw_text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")
