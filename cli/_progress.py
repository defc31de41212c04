"""How a command shows dbt's progress: on a terminal, one compact line (a bar with the
count of nodes done) in place of dbt's log lines; otherwise dbt's own lines, without
colour codes. dbt's error messages are printed in both cases."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def is_terminal(stream: Any = None) -> bool:
    """Whether `stream` (default stdout) is a terminal."""
    stream = sys.stdout if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


def dbt_output_args(*, compact: bool, terminal: bool) -> list[str]:
    """dbt arguments for how its log reaches the screen: `--quiet` (errors only) when a
    compact display replaces its lines, `--no-use-colors` when stdout is not a terminal
    (dbt_project.yml turns colours on for people at a terminal)."""
    args: list[str] = []
    if compact:
        args.append("--quiet")
    if not terminal:
        args.append("--no-use-colors")
    return args


@dataclass
class NodeCounter:
    """Counts dbt's nodes as they finish (a dbt callback); `total` from its start lines."""

    total: int | None = None
    done: int = 0
    current: str = ""
    failed: list[str] = field(default_factory=list)
    #: called after each start line or finished node (a progress display)
    listener: Callable[[NodeCounter], None] | None = None

    def __call__(self, event: Any) -> None:
        name = event.info.name
        data = event.data
        if name == "LogStartLine":
            self.total = int(data.total) or self.total
            self.current = str(data.description)
        elif name == "NodeFinished":
            self.done += 1
            status = str(getattr(data.run_result, "status", "") or "")
            if status in ("error", "fail"):
                self.failed.append(str(data.node_info.unique_id))
        else:
            return
        if self.listener is not None:
            self.listener(self)


@contextmanager
def node_progress(
    label: str, *, enabled: bool, console: Console | None = None
) -> Iterator[NodeCounter]:
    """A dbt callback counting nodes, that also advances a transient bar on `console`
    (stderr by default) while `enabled`."""
    counter = NodeCounter()
    if not enabled:
        yield counter
        return
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("nodes"),
        TimeElapsedColumn(),
        console=console or Console(stderr=True),
        transient=True,
    )
    task = progress.add_task(label, total=None)
    counter.listener = lambda c: progress.update(task, total=c.total, completed=c.done)
    with progress:
        yield counter
