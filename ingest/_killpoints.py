"""Test hook: the loader kills its own process with SIGKILL at a named point.

Only the crash-safety tests (tests/ingest/test_crash_safety.py and test_lake.py) use it.
With

    GOALS_INGEST_KILL_AT="<stage>:<n>"

in the environment of an ingest process, the process sends itself SIGKILL the n-th time
(1-based, counted over the process's lifetime) it reaches `stage`, so a test can stop a
load at an exact point without sleeping or racing. The stages, in the order one file
reaches them:

| stage | reached |
|---|---|
| `begin` | the file's transaction has begun |
| `chunk-validated` | a chunk of lines (Parquet: the whole file) is in the staging table |
| `before-events` | duplicates found, nothing written to the raw tables yet |
| `after-events` | rows inserted into `raw.events` |
| `after-rejects` | rows inserted into `raw.event_rejects` |
| `before-ledger` | rows inserted into `raw.event_duplicates`, the ledger row not yet |
| `before-commit` | the ledger row inserted, `commit` not yet sent |
| `after-commit` | the file's transaction committed |
| `lake-folder-written` | Spark target: one table's folder of the file written under `_tmp-` |
| `lake-folder-committed` | Spark target: that folder renamed into place |

`ingest_paths()` (and `ingest.lake.ingest_paths_to_lake()`) reads the variable once per
call (`arm()`); when it is unset, reaching a stage costs one global lookup (a few per 64 MB
chunk).
"""

from __future__ import annotations

import os
import signal

KILL_AT_ENV = "GOALS_INGEST_KILL_AT"

STAGES = (
    "begin",
    "chunk-validated",
    "before-events",
    "after-events",
    "after-rejects",
    "before-ledger",
    "before-commit",
    "after-commit",
    "lake-folder-written",
    "lake-folder-committed",
)

_target: tuple[str, int] | None = None
_reached: dict[str, int] = {}


def parse(value: str) -> tuple[str, int]:
    """'<stage>:<n>' -> (stage, n); ValueError for anything else."""
    stage, sep, count = value.strip().rpartition(":")
    if not sep or stage not in STAGES or not count.isdigit() or int(count) < 1:
        raise ValueError(
            f"{KILL_AT_ENV}={value!r}: expected '<stage>:<n>' with n >= 1 and stage one of "
            + ", ".join(STAGES)
        )
    return stage, int(count)


def arm() -> None:
    """Read GOALS_INGEST_KILL_AT (unset or empty: no kill point)."""
    global _target
    value = os.environ.get(KILL_AT_ENV, "")
    _target = parse(value) if value.strip() else None


def reached(stage: str) -> None:
    """The loader reached `stage`: die here if this is the armed occurrence."""
    if _target is None:
        return
    count = _reached.get(stage, 0) + 1
    _reached[stage] = count
    if _target == (stage, count):
        os.kill(os.getpid(), signal.SIGKILL)
