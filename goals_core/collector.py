"""Python's cyclic garbage collector paused while dbt runs.

dbt keeps its manifest, adapter cache and compiled nodes alive for the whole command, and
every full collection walks all of them again, however little garbage there is; what a
dbt command leaves as cyclic garbage is small next to DuckDB's memory, so it is collected
when the command ends (measured in docs/benchmarks-history.md, workload matrix). Reference
counting frees everything else as usual.

`goals build` (and every in-process dbt call of `goals_core.dbt_runner`) pauses it around
its dbt call; Dagster's dbt step runs `goals-dbt` (`main` below), which is dbt's own
command line with the collector off for the life of the process.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused", "main"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off for the block, and back as it was after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def main() -> None:
    """`goals-dbt ARGS`: `dbt ARGS`, the collector off from before dbt is imported."""
    gc.disable()
    from dbt.cli.main import cli

    sys.argv[0] = "dbt"  # dbt's usage and error lines name the command as `dbt`
    sys.exit(cli())
