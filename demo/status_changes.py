"""The demo's goal status changes, placed relative to the end of the demo data.

The demo configuration (seeds/) records three status changes: a goal paused and resumed
two weeks later, and a goal archived. Their dates follow the demo data: with data that ends
at `end`, the changes fall on fixed days before it (at fixed times of day, UTC), so each
change has events on both sides whatever day the demo runs.

`goals demo` rewrites seeds/goal_status_changes.csv with these rows only while the file
holds exactly the demo's changes (the same workspaces, goals and statuses in the same
order, whatever their dates): once a person has recorded a change (`goals status`) or
edited the file, the demo leaves it as it is.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

HEADER = ("workspace_id", "goal_code", "status", "changed_at")


@dataclass(frozen=True)
class DemoChange:
    workspace_id: str
    goal_code: str
    status: str
    days_before_end: int  # counted from the start of the data's last day (UTC)
    time_of_day: timedelta


#: With the default anchor (data ending 2026-11-15T00:00:00Z) these are the dates the
#: committed seeds/goal_status_changes.csv holds.
DEMO_CHANGES = (
    DemoChange("ws_harbor", "size_guide_opened", "paused", 62, timedelta(hours=8)),
    DemoChange("ws_harbor", "size_guide_opened", "active", 48, timedelta(hours=8)),
    DemoChange("ws_nordwind", "newsletter_signup", "archived", 20, timedelta(hours=9, minutes=30)),
)


class Sync(StrEnum):
    """What `sync_demo_status_changes` did."""

    UNCHANGED = "unchanged"  # the file already held the demo's changes for this end
    WRITTEN = "written"  # the file held the demo's changes for another end (or none)
    KEPT = "kept"  # the file holds other changes: left as it is


def demo_change_rows(end: datetime) -> list[tuple[str, str, str, str]]:
    """The demo's status changes for data that ends at `end` (UTC)."""
    if end.tzinfo is not None:
        end = end.astimezone(UTC).replace(tzinfo=None)
    day = end.replace(hour=0, minute=0, second=0, microsecond=0)
    return [
        (
            c.workspace_id,
            c.goal_code,
            c.status,
            (day - timedelta(days=c.days_before_end) + c.time_of_day).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
        )
        for c in DEMO_CHANGES
    ]


def render(rows: list[tuple[str, str, str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


def is_demo_file(text: str) -> bool:
    """Whether a goal_status_changes.csv holds exactly the demo's changes (any dates)."""
    records = [r for r in csv.reader(io.StringIO(text)) if r]
    if not records or tuple(c.strip() for c in records[0]) != HEADER:
        return False
    body = [tuple(c.strip() for c in r[:3]) for r in records[1:]]
    expected = [(c.workspace_id, c.goal_code, c.status) for c in DEMO_CHANGES]
    return body == expected and all(len(r) == len(HEADER) for r in records[1:])


def sync_demo_status_changes(path: Path, end: datetime) -> Sync:
    """Place the demo's status changes relative to `end` in `path`, unless the file holds
    other changes (see the module docstring)."""
    wanted = render(demo_change_rows(end))
    current = path.read_text(encoding="utf-8-sig") if path.is_file() else None
    if current == wanted:
        return Sync.UNCHANGED
    if current is not None and current.strip() and not is_demo_file(current):
        return Sync.KEPT
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(wanted, encoding="utf-8", newline="")
    tmp.replace(path)
    return Sync.WRITTEN
