"""The Spark target's raw tables: the loader's rows published into the lake as Parquet.

On `GOALS_TARGET=spark` the loader works as on DuckDB (validation, rejects, duplicates and
the ledger in one DuckDB transaction per file) against a loader-side database kept in the
lake, `<lake>/loader.duckdb`, and then publishes each committed file into the lake:

    <lake>/raw/<table>/<loaded_at>Z-<sha256>/part-00000.parquet

one folder per loaded file in each of `events`, `event_rejects`, `event_duplicates` and
`loaded_files` (an empty Parquet file when the file has no such rows), and one folder per
file set aside in `file_rejects` (named by its `rejected_at`). The Parquet holds the
columns and types of the DuckDB raw tables (ingest/schema.py), written by DuckDB's `COPY`.

A folder is written under `<table>/_tmp-<name>` and renamed into place, so each table
holds a file completely or not at all; the ledger's folder is renamed last, so a file
whose `loaded_files` folder is there is in every table. Names starting with `_` or `.` are
not data (Spark and the dbt side skip them).

`sync_lake()` (run before every load) makes the lake and the loader-side database agree
again after a crash or a lost file, idempotently:
- uncommitted `_tmp-` folders are removed;
- a file the lake holds but the database does not (the database lost or restored from an
  older copy) is copied back into the database, so it is skipped, not loaded twice;
- a file the database holds but the lake lacks (a crash between the commit and the
  publication) is published;
- the folders of a file whose ledger folder never made it, and that the database does
  not know either, are removed: that file was never loaded, and loads again.

The loader-side database must be opened read-write (`connect()`: one process at a time),
which is what makes one loader per lake.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from ingest import _killpoints
from ingest.durable import fsync_file
from ingest.loader import FileResult, ingest_paths
from ingest.schema import ensure_raw_schema

log = logging.getLogger(__name__)

LOADER_DB_NAME = "loader.duckdb"
#: The tables that get one folder per loaded file, in the order they are published: the
#: ledger last, so that its folder says the file is in every table.
FILE_TABLES = ("events", "event_rejects", "event_duplicates", "loaded_files")
SET_ASIDE_TABLE = "file_rejects"
#: Every raw table (goals_core.target.RAW_TABLES names the same ones; `ingest` does not
#: import `goals_core`, which imports it).
RAW_TABLES = (*FILE_TABLES, SET_ASIDE_TABLE)
TMP_PREFIX = "_tmp-"
PART_NAME = "part-00000.parquet"

_FOLDER_RE = re.compile(r"^(?P<stamp>\d{8}T\d{12})Z-(?P<sha>[0-9a-f]{64})$")
_STAMP_FORMAT = "%Y%m%dT%H%M%S%f"
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


def loader_db_path(lake: Path) -> Path:
    """The loader-side DuckDB database of a lake: `<lake>/loader.duckdb`."""
    return lake / LOADER_DB_NAME


def raw_table_dir(table: str, lake: Path) -> Path:
    """The folder of one raw table in the lake (goals_core.target.raw_table_path)."""
    if table not in RAW_TABLES:
        raise ValueError(f"not a raw table: {table}")
    return lake / "raw" / table


def folder_name(stamp: datetime, sha256: str) -> str:
    """`<stamp>Z-<sha256>` (stamp: the file's loaded_at, or rejected_at, to the
    microsecond, UTC): names sort in load order, and each names its file's content."""
    if not _SHA_RE.match(sha256):
        raise ValueError(f"not a sha256: {sha256!r}")
    return f"{stamp.strftime(_STAMP_FORMAT)}Z-{sha256}"


def folder_sha(name: str) -> str | None:
    """The sha256 a folder of the lake belongs to, or None for a name the loader does not
    write."""
    match = _FOLDER_RE.match(name)
    return None if match is None else match["sha"]


def _is_hidden(name: str) -> bool:
    return name.startswith(("_", "."))


def committed_files(table: str, lake: Path) -> list[Path]:
    """The Parquet files of a raw table in the lake: those of its committed folders (what
    Spark reads), in load order."""
    root = raw_table_dir(table, lake)
    if not root.is_dir():
        return []
    return sorted(
        part
        for folder in root.iterdir()
        if folder.is_dir() and not _is_hidden(folder.name)
        for part in folder.glob("*.parquet")
        if not _is_hidden(part.name)
    )


@dataclass
class LakeSync:
    """What `sync_lake()` repaired (all empty when the lake and the database agreed)."""

    removed_tmp: list[Path] = field(default_factory=list)  # uncommitted folders
    imported: list[str] = field(default_factory=list)  # sha256 copied lake -> database
    published: list[str] = field(default_factory=list)  # sha256 copied database -> lake
    removed_orphans: list[Path] = field(default_factory=list)  # a lost, unfinished publish

    def changed(self) -> bool:
        return bool(self.removed_tmp or self.imported or self.published or self.removed_orphans)


class Lake:
    """The raw tables of one lake, with an index of their committed folders by sha256."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.folders: dict[str, dict[str, Path]] = {}
        self.rescan()

    def table_dir(self, table: str) -> Path:
        return raw_table_dir(table, self.root)

    def rescan(self) -> list[Path]:
        """Index the committed folders; returns the uncommitted (`_tmp-`) ones."""
        tmp: list[Path] = []
        self.folders = {}
        for table in RAW_TABLES:
            index: dict[str, Path] = {}
            root = self.table_dir(table)
            if root.is_dir():
                for folder in sorted(root.iterdir()):
                    if folder.name.startswith(TMP_PREFIX):
                        tmp.append(folder)
                    elif _is_hidden(folder.name) or not folder.is_dir():
                        continue
                    elif (sha := folder_sha(folder.name)) is None:
                        log.warning("%s is not a folder the loader wrote: left alone", folder)
                    else:
                        index[sha] = folder
            self.folders[table] = index
        return tmp

    def has(self, table: str, sha256: str) -> bool:
        return sha256 in self.folders[table]

    def write(
        self,
        con: duckdb.DuckDBPyConnection,
        table: str,
        name: str,
        select_sql: str,
        params: list[object],
    ) -> Path:
        """Write `select_sql` as the folder `name` of `table`: into `_tmp-<name>`, flushed
        to disk, then renamed into place."""
        root = self.table_dir(table)
        root.mkdir(parents=True, exist_ok=True)
        tmp = root / f"{TMP_PREFIX}{name}"
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir()
        part = tmp / PART_NAME
        con.execute(f"copy ({select_sql}) to {_literal(str(part))} (format parquet)", params)
        fsync_file(part)
        fsync_file(tmp)
        _killpoints.reached("lake-folder-written")
        final = root / name
        os.rename(tmp, final)
        fsync_file(root)
        self.folders[table][folder_sha(name) or name] = final
        _killpoints.reached("lake-folder-committed")
        return final


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _select_file_rows(table: str) -> str:
    """The rows of one loaded file in `table` (loaded_at first: the rows of a file sit
    together in load order, so the min/max of each row group skips the others)."""
    order = "" if table == "loaded_files" else " order by line_number"
    return f"select * from raw.{table} where loaded_at = ? and file_sha256 = ?{order}"


def publish_file(con: duckdb.DuckDBPyConnection, lake: Lake, sha256: str) -> list[str]:
    """Write the lake folders of a file the loader-side database holds (loaded, or set
    aside) that the lake lacks; returns the tables written (none when all are there or
    the database does not hold the file)."""
    written: list[str] = []
    row = con.execute(
        "select loaded_at from raw.loaded_files where file_sha256 = ?", [sha256]
    ).fetchone()
    if row is not None:
        loaded_at: datetime = row[0]
        name = folder_name(loaded_at, sha256)
        for table in FILE_TABLES:
            if not lake.has(table, sha256):
                lake.write(con, table, name, _select_file_rows(table), [loaded_at, sha256])
                written.append(table)
        return written
    row = con.execute(
        "select rejected_at from raw.file_rejects where file_sha256 = ?", [sha256]
    ).fetchone()
    if row is not None and not lake.has(SET_ASIDE_TABLE, sha256):
        lake.write(
            con,
            SET_ASIDE_TABLE,
            folder_name(row[0], sha256),
            "select * from raw.file_rejects where file_sha256 = ?",
            [sha256],
        )
        written.append(SET_ASIDE_TABLE)
    return written


def _shas(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {str(r[0]) for r in con.execute(f"select file_sha256 from raw.{table}").fetchall()}


def _import(con: duckdb.DuckDBPyConnection, lake: Lake, sha256: str, tables: Sequence[str]) -> None:
    """Copy one file's rows from the lake back into the loader-side database, in one
    transaction."""
    con.execute("begin transaction")
    try:
        for table in tables:
            folder = lake.folders[table].get(sha256)
            parts = sorted(folder.glob("*.parquet")) if folder is not None else []
            if not parts:
                continue
            files = "[" + ", ".join(_literal(str(p)) for p in parts) + "]"
            con.execute(f"insert into raw.{table} by name select * from read_parquet({files})")
        con.execute("commit")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        raise


def sync_lake(con: duckdb.DuckDBPyConnection, lake: Lake) -> LakeSync:
    """Make the lake and the loader-side database (`con`, read-write, with the raw schema)
    hold the same files; see the module's docstring. Idempotent."""
    report = LakeSync()
    for tmp in lake.rescan():
        shutil.rmtree(tmp, ignore_errors=True)
        report.removed_tmp.append(tmp)
    # lake -> database: files whose ledger folder is committed but the database lost
    loaded = _shas(con, "loaded_files")
    for sha in sorted(
        set(lake.folders["loaded_files"]) - loaded,
        key=lambda s: lake.folders["loaded_files"][s].name,  # load order
    ):
        _import(con, lake, sha, FILE_TABLES)
        report.imported.append(sha)
    set_aside = _shas(con, SET_ASIDE_TABLE)
    for sha in sorted(set(lake.folders[SET_ASIDE_TABLE]) - set_aside):
        _import(con, lake, sha, [SET_ASIDE_TABLE])
        report.imported.append(sha)
    # the folders of an unfinished publish whose file the database does not know
    loaded = _shas(con, "loaded_files")
    for table in FILE_TABLES:
        for sha, folder in list(lake.folders[table].items()):
            if sha not in loaded:
                shutil.rmtree(folder)
                del lake.folders[table][sha]
                report.removed_orphans.append(folder)
    # database -> lake: files committed in the database, missing in the lake, in load
    # order (they appear to a reader as they would have in the first place)
    in_order = [
        str(r[0])
        for r in con.execute(
            "select file_sha256 from raw.loaded_files order by loaded_at"
        ).fetchall()
    ]
    missing = [sha for sha in in_order if not all(lake.has(t, sha) for t in FILE_TABLES)]
    missing += sorted(_shas(con, SET_ASIDE_TABLE) - set(lake.folders[SET_ASIDE_TABLE]))
    for sha in missing:
        if publish_file(con, lake, sha):
            report.published.append(sha)
    return report


def ingest_paths_to_lake(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[str | Path],
    *,
    lake: Path,
    on_file: Callable[[FileResult], None] | None = None,
    on_start: Callable[[Path], None] | None = None,
    on_progress: Callable[[Path, int], None] | None = None,
    on_sync: Callable[[LakeSync], None] | None = None,
) -> list[FileResult]:
    """`ingest_paths()` for the Spark target: `con` is the lake's loader-side database
    (`connect(loader_db_path(lake))`); the lake is synced with it first (`on_sync` gets
    what was repaired), then each file is published into the lake as soon as its
    transaction commits (or it is set aside), before `on_file(result)` is called."""
    _killpoints.arm()
    ensure_raw_schema(con)
    target = Lake(lake)
    report = sync_lake(con, target)
    if on_sync is not None:
        on_sync(report)

    def published(result: FileResult) -> None:
        if result.sha256 and result.status in ("loaded", "rejected"):
            publish_file(con, target, result.sha256)
        if on_file is not None:
            on_file(result)

    return ingest_paths(con, paths, on_file=published, on_start=on_start, on_progress=on_progress)
