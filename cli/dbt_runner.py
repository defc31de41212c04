"""Run dbt programmatically from the project root, against a chosen warehouse."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class DbtOutcome:
    success: bool
    exception: BaseException | None


def dbt_args(command: str, *extra: str) -> list[str]:
    """The argument list for one dbt command, pinned to this project and its profile."""
    return [
        command,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        *extra,
    ]


@contextmanager
def _warehouse_env(db_path: Path | None) -> Iterator[None]:
    saved = os.environ.get("DUCKDB_PATH")
    if db_path is not None:
        os.environ["DUCKDB_PATH"] = str(Path(db_path).resolve())
    try:
        yield
    finally:
        if db_path is not None:
            if saved is None:
                os.environ.pop("DUCKDB_PATH", None)
            else:
                os.environ["DUCKDB_PATH"] = saved


def run_dbt(command: str, *extra: str, db_path: Path | None = None) -> DbtOutcome:
    """Invoke dbt in-process; `db_path` overrides DUCKDB_PATH for this call only."""
    from dbt.cli.main import dbtRunner

    with _warehouse_env(db_path):
        result = dbtRunner().invoke(dbt_args(command, *extra))
    return DbtOutcome(success=bool(result.success), exception=result.exception)


def build_args(
    select: Sequence[str] = (), *, with_unit_tests: bool = False, full_refresh: bool = False
) -> list[str]:
    """Arguments for a production `dbt build`: unit tests are for CI, not scheduled runs;
    incremental unless `full_refresh`."""
    args: list[str] = ["--full-refresh"] if full_refresh else []
    if select:
        args += ["--select", *select]
    if not with_unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    return args
