"""Pure helpers of the code location: dbt arguments, asset keys and groups, lock errors,
landing-file bookkeeping and manifest freshness.

Nothing here imports Dagster definitions or touches the warehouse, so every function is
unit-tested on its own (tests/orchestration/test_orchestration_helpers.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dagster import AssetKey, Backoff, Failure, Jitter, RetryPolicy

from cli.dbt_runner import build_args

#: The one concurrency pool every step that writes DuckDB runs in (limit 1 on the instance).
DUCKDB_WRITER_POOL = "duckdb_writer"

#: The dbt source the ingest step fills (`source('telemetry', ...)`, schema `raw`).
RAW_SOURCE_NAME = "telemetry"

#: The raw table whose asset carries the per-run ingest summary.
RAW_EVENTS_TABLE = "events"

#: Dagster's well-known metadata key for a table's row count.
ROW_COUNT_KEY = "dagster/row_count"

#: dbt model layers (first folder under models/) that become Dagster asset groups.
DBT_LAYERS = ("staging", "intermediate", "marts")

#: Lock conflicts are retried with exponential backoff: waits of about 2, 6, 14, 30 and 62
#: seconds (delay * (2**n - 1), +/- 2 s of jitter), about two minutes in all, then the step
#: fails with the message that names the process holding the lock.
LOCK_RETRY_POLICY = RetryPolicy(
    max_retries=5, delay=2, backoff=Backoff.EXPONENTIAL, jitter=Jitter.PLUS_MINUS
)

_LOCK_MARKERS = ("could not set lock", "conflicting lock")
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<holder>.+?\(PID \d+\))", re.IGNORECASE)
_PID = re.compile(r"\bPID[ =:]*(\d+)", re.IGNORECASE)


# --------------------------------------------------------------------------- dbt arguments


def dbt_build_args(
    *,
    with_unit_tests: bool = False,
    dbt_vars: Mapping[str, Any] | None = None,
    full_refresh: bool = False,
    skip_configuration: bool = False,
) -> list[str]:
    """Arguments of the `dbt build` the dbt assets run.

    Selection is left to dagster-dbt (it adds `--select`/`--selector` for the assets and
    checks of the run). Unit tests are for CI (`goals build --unit-tests`, pytest), never
    for scheduled runs, so they are excluded unless asked for. A scheduled run is
    incremental; `full_refresh` rebuilds the incremental models from every raw event.
    `skip_configuration` leaves the configuration nodes out (unchanged since their last
    successful build: orchestration/configuration_state.py).
    """
    return [
        "build",
        *build_args(
            with_unit_tests=with_unit_tests,
            full_refresh=full_refresh,
            skip_configuration=skip_configuration,
            dbt_vars=dbt_vars,
        ),
    ]


# ----------------------------------------------------------------- asset keys and groups


def dbt_group_name(dbt_resource_props: Mapping[str, Any]) -> str | None:
    """Asset group of a dbt node: its layer (`staging`, `intermediate`, `marts`), `seeds`
    for seeds, `dbt` for anything else; None for sources (their assets are ingest's)."""
    resource_type = dbt_resource_props.get("resource_type")
    if resource_type == "source":
        return None
    if resource_type == "seed":
        return "seeds"
    fqn = list(dbt_resource_props.get("fqn") or [])
    if len(fqn) >= 3 and fqn[1] in DBT_LAYERS:
        return str(fqn[1])
    return "dbt"


@dataclass(frozen=True)
class RawTable:
    """A table of the raw source as dbt declares it."""

    unique_id: str
    name: str  # the dbt source table name, e.g. "events"
    schema: str  # e.g. "raw"
    identifier: str  # the physical table name (dbt `identifier`, defaults to the name)

    @property
    def relation(self) -> str:
        return f'"{self.schema}"."{self.identifier}"'


def source_tables(manifest: Mapping[str, Any], source_name: str) -> list[RawTable]:
    """Every table of dbt source `source_name` in a parsed manifest, sorted by name."""
    tables = [
        RawTable(
            unique_id=unique_id,
            name=str(props["name"]),
            schema=str(props["schema"]),
            identifier=str(props.get("identifier") or props["name"]),
        )
        for unique_id, props in manifest.get("sources", {}).items()
        if props.get("source_name") == source_name
    ]
    if not tables:
        raise KeyError(
            f"The dbt project declares no source named {source_name!r}: the ingest assets "
            "need `sources: - name: telemetry` (schema raw) in models/."
        )
    return sorted(tables, key=lambda table: table.name)


def model_relations(manifest: Mapping[str, Any]) -> dict[str, str]:
    """unique_id -> `"schema"."table"` of every model, seed and snapshot stored as a table
    (views are not counted: counting one runs its whole query). The database part of dbt's
    relation_name is left out: DuckDB names it after the file, which differs per warehouse."""
    relations: dict[str, str] = {}
    for unique_id, props in manifest.get("nodes", {}).items():
        if props.get("resource_type") not in ("model", "seed", "snapshot"):
            continue
        materialized = (props.get("config") or {}).get("materialized")
        if materialized in ("view", "ephemeral"):
            continue
        table = props.get("alias") or props.get("name")
        if props.get("schema") and table:
            relations[unique_id] = f'"{props["schema"]}"."{table}"'
    return relations


def model_names_in_layer(manifest: Mapping[str, Any], layer: str) -> list[str]:
    """Names of the dbt models of one layer (first folder under models/), sorted."""
    return sorted(
        str(props["name"])
        for props in manifest.get("nodes", {}).values()
        if props.get("resource_type") == "model" and dbt_group_name(props) == layer
    )


def asset_key_path(key: AssetKey) -> str:
    """`telemetry/events` for AssetKey(["telemetry", "events"])."""
    return "/".join(key.path)


# ----------------------------------------------------------------------------- lock errors


class WarehouseBusyError(RuntimeError):
    """The warehouse is locked by another process. Raised (not a `Failure`) so that the
    step's RetryPolicy retries it with backoff; its message names the holder."""


def lock_exception(retry_number: int, retry_policy: RetryPolicy, message: str) -> Exception:
    """What a step raises on a lock conflict: a retryable WarehouseBusyError while the policy
    has retries left, then a final `Failure` whose message is the lock message itself
    (rather than Dagster's "Exceeded max_retries")."""
    if retry_number < retry_policy.max_retries:
        return WarehouseBusyError(message)
    attempts = retry_number + 1
    return Failure(
        description=f"Gave up after {attempts} attempt(s). {message}", allow_retries=False
    )


def is_lock_error(text: str) -> bool:
    """Whether an error message is DuckDB's file-lock conflict (another process has the
    warehouse open for writing)."""
    lowered = text.lower()
    return any(marker in lowered for marker in _LOCK_MARKERS)


def lock_holder(text: str) -> str | None:
    """The process named by a DuckDB lock error, e.g. `/usr/bin/python3 (PID 4242)`."""
    match = _LOCK_HOLDER.search(text)
    if match:
        return match.group("holder").strip()
    pid = _PID.search(text)
    return f"PID {pid.group(1)}" if pid else None


def lock_failure_message(db_path: Path | str, error_text: str) -> str:
    """The message of a step that could not get the warehouse: which file, who holds it,
    what to do."""
    holder = lock_holder(error_text)
    who = f"process {holder}" if holder else "another process"
    return (
        f"The DuckDB warehouse {db_path} is locked by {who}: only one writer at a time. "
        "Wait for it to finish (or stop it) and re-run; runs started by this Dagster "
        f"instance already queue on the {DUCKDB_WRITER_POOL!r} pool.\n\nDuckDB said: "
        f"{error_text.strip()}"
    )


# ------------------------------------------------------------------------- landing files


def file_sha256(path: Path | str, *, chunk_size: int = 1 << 20) -> str:
    """sha256 of a file's bytes as stored (the ledger's identity of a file)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


#: One landing file as the sensor saw it: path -> (size, mtime_ns, sha256).
HashCache = dict[str, tuple[int, int, str]]


def decode_cursor(cursor: str | None) -> HashCache:
    """The sensor cursor (a JSON hash cache) back to a dict; anything unreadable is empty."""
    if not cursor:
        return {}
    try:
        raw = json.loads(cursor)
    except ValueError:
        return {}
    if not isinstance(raw, dict):
        return {}
    cache: HashCache = {}
    for path, entry in raw.items():
        if (
            isinstance(entry, list)
            and len(entry) == 3
            and isinstance(entry[0], int)
            and isinstance(entry[1], int)
            and isinstance(entry[2], str)
        ):
            cache[str(path)] = (entry[0], entry[1], entry[2])
    return cache


def encode_cursor(cache: Mapping[str, tuple[int, int, str]]) -> str:
    return json.dumps({path: list(entry) for path, entry in sorted(cache.items())})


def hash_files(
    paths: Iterable[Path], cache: Mapping[str, tuple[int, int, str]]
) -> tuple[list[tuple[Path, str]], HashCache]:
    """(path, sha256) of every file, re-hashing only files whose size or mtime changed since
    the cache was written; returns the new cache (entries of vanished files dropped). A file
    that cannot be read (gone, no permission, an I/O error) is left out: tried next time."""
    hashed: list[tuple[Path, str]] = []
    new_cache: HashCache = {}
    for path in paths:
        key = str(path)
        try:
            stat = path.stat()
            cached = cache.get(key)
            if cached is not None and cached[:2] == (stat.st_size, stat.st_mtime_ns):
                sha = cached[2]
            else:
                sha = file_sha256(path)
        except OSError:
            continue
        new_cache[key] = (stat.st_size, stat.st_mtime_ns, sha)
        hashed.append((path, sha))
    return hashed, new_cache


def new_file_contents(
    files: Sequence[tuple[Path, str]], loaded_sha256: set[str] | frozenset[str]
) -> list[tuple[Path, str]]:
    """The files whose content is not in the ledger, one per content (the first path in the
    given, lexicographic, order): a renamed copy of a loaded or listed file asks for nothing."""
    seen: set[str] = set(loaded_sha256)
    todo: list[tuple[Path, str]] = []
    for path, sha in files:
        if sha in seen:
            continue
        seen.add(sha)
        todo.append((path, sha))
    return todo


def is_settled(mtime: float, now: float, settle_seconds: float) -> bool:
    """A landing file is picked up once it has not changed for `settle_seconds` (a writer
    still appending to it would otherwise have half a file loaded)."""
    return now - mtime >= settle_seconds


# --------------------------------------------------------------------- manifest freshness


def manifest_fingerprint(project_dir: Path, inputs: Iterable[Path]) -> str:
    """A digest of the inputs' names, sizes and mtimes: it changes when a dbt file is added,
    removed, renamed or edited."""
    digest = hashlib.sha256()
    for path in sorted(inputs):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        rel = path.relative_to(project_dir) if path.is_relative_to(project_dir) else path
        digest.update(f"{rel.as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def manifest_is_stale(manifest_path: Path, fingerprint_path: Path, fingerprint: str) -> bool:
    """True when the manifest is missing or was not parsed from the current inputs."""
    if not manifest_path.is_file():
        return True
    try:
        return fingerprint_path.read_text(encoding="utf-8").strip() != fingerprint
    except FileNotFoundError:
        return True
