"""One writer at a time: the DuckDB writer pool, the retry policy of lock conflicts, and
the message of a step that could not get the warehouse (who holds it, what to do)."""

from __future__ import annotations

import re
from pathlib import Path

from dagster import Backoff, Failure, Jitter, RetryPolicy

#: The one concurrency pool every step that writes DuckDB runs in (limit 1 on the instance).
DUCKDB_WRITER_POOL = "duckdb_writer"


#: Lock conflicts are retried with exponential backoff: waits of about 2, 6, 14, 30 and 62
#: seconds (delay * (2**n - 1), +/- 2 s of jitter), about two minutes in all, then the step
#: fails with the message that names the process holding the lock.
LOCK_RETRY_POLICY = RetryPolicy(
    max_retries=5, delay=2, backoff=Backoff.EXPONENTIAL, jitter=Jitter.PLUS_MINUS
)


_LOCK_MARKERS = ("could not set lock", "conflicting lock")


_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<holder>.+?\(PID \d+\))", re.IGNORECASE)


_PID = re.compile(r"\bPID[ =:]*(\d+)", re.IGNORECASE)


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
