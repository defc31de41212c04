"""`goals status`: the admin's "change status" action.

Appends one row to seeds/goal_status_changes.csv (`workspace_id,goal_code,status,
changed_at`). Existing rows are never edited: the file is opened for appending only, its
line ending is kept, and a final line ending is added first when the file lacks one. A
change is refused for an unknown goal or status, and when it is dated before the latest
change already recorded for the goal (history is append-only; docs/cli.md).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from cli.console import fail, out
from cli.formatting import did_you_mean, display_path, names_list
from cli.options import GoalWorkspaceOption, SeedsOption, iso8601_option
from cli.seed_replay import numbered_records
from goals_core import timestamps
from goals_core.paths import PROJECT_SEEDS_DIR
from goals_core.timestamps import format_utc, parse_iso8601_utc

CHANGE_COLUMNS = ("workspace_id", "goal_code", "status", "changed_at")


class Status(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ARCHIVED = "archived"


@dataclass(frozen=True)
class RecordedChange:
    line: int
    status: str
    changed_at: datetime | None


def _clean(value: str | None) -> str:
    """A cell as the staging models read it: surrounding spaces removed."""
    return (value or "").strip(" ")


def read_goal_rows(goals_path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header (lowercased) of a goals.csv and its rows that have a workspace_id and a
    code, each cell cleaned as the staging models read it."""
    with goals_path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = [name.strip().lower() for name in reader.fieldnames or []]
        reader.fieldnames = fields
        rows = [{k: _clean(v) for k, v in row.items() if k is not None} for row in reader]
    return fields, [r for r in rows if r.get("workspace_id") and r.get("code")]


def read_goal_keys(goals_path: Path) -> set[tuple[str, str]]:
    """(workspace_id, code) of every goal in a goals.csv."""
    fields, rows = read_goal_rows(goals_path)
    if "workspace_id" not in fields or "code" not in fields:
        fail(f"{display_path(goals_path)} has no workspace_id and code columns.")
    return {(r["workspace_id"], r["code"]) for r in rows}


def line_ending(data: bytes) -> str:
    """The file's line ending (that of its first line), `\\n` when it has none yet."""
    first = data.find(b"\n")
    if first > 0 and data[first - 1 : first] == b"\r":
        return "\r\n"
    if first < 0 and b"\r" in data:
        return "\r"
    return "\n"


def read_changes(
    data: bytes, workspace_id: str, goal_code: str, path: Path
) -> tuple[list[str], list[RecordedChange]]:
    """The header and the recorded changes of one goal, with their CSV lines."""
    header, changes = read_all_changes(data, path)
    return header, changes.get((workspace_id, goal_code), [])


def read_all_changes(
    data: bytes, path: Path
) -> tuple[list[str], dict[tuple[str, str], list[RecordedChange]]]:
    """The header and the recorded changes of every goal, by (workspace_id, goal_code),
    with their CSV lines."""
    text = data.decode("utf-8-sig")
    header: list[str] = []
    changes: dict[tuple[str, str], list[RecordedChange]] = {}
    for start, record in numbered_records(io.StringIO(text, newline="")):
        if not header:
            header = [name.strip().lower() for name in record]
            missing = [c for c in CHANGE_COLUMNS if c not in header]
            if missing:
                fail(
                    f"{display_path(path)} has no column(s) {', '.join(missing)}: its header "
                    f"must be {','.join(CHANGE_COLUMNS)}."
                )
            continue
        row = dict(zip(header, record, strict=False))
        key = (_clean(row.get("workspace_id")), _clean(row.get("goal_code")))
        changes.setdefault(key, []).append(
            RecordedChange(
                start,
                _clean(row.get("status")),
                parse_iso8601_utc(_clean(row.get("changed_at"))),
            )
        )
    return header, changes


def latest_change(
    changes: Sequence[RecordedChange], at: datetime | None = None
) -> RecordedChange | None:
    """The latest dated change (greatest changed_at, the later row on a tie;
    docs/decisions.md), among those at or before `at` when given."""
    dated = [c for c in changes if c.changed_at is not None and (at is None or c.changed_at <= at)]
    return max(dated, key=lambda c: (c.changed_at, c.line), default=None)


def choose_workspace(
    code: str, workspace: str | None, goals: set[tuple[str, str]], path: Path
) -> str:
    """The workspace of the goal `code`: the one given, or the only one that has it."""
    workspaces = sorted(ws for ws, c in goals if c == code)
    where = display_path(path)
    if workspace is not None:
        if (workspace, code) in goals:
            return workspace
        codes = sorted(c for ws, c in goals if ws == workspace)
        elsewhere = f" (it exists in workspace(s) {', '.join(workspaces)})" if workspaces else ""
        fail(
            f"Unknown goal '{code}' in workspace '{workspace}' ({where}){elsewhere}"
            f"{did_you_mean(code, codes)}; goals of that workspace: {names_list(codes)}."
        )
    if not workspaces:
        known = sorted({c for _, c in goals})
        fail(
            f"Unknown goal '{code}': no goal has that code in {where}"
            f"{did_you_mean(code, known)}; known codes: {names_list(known)}."
        )
    if len(workspaces) > 1:
        fail(
            f"Goal '{code}' exists in several workspaces ({', '.join(workspaces)}): choose one "
            "with --workspace."
        )
    return workspaces[0]


def status(
    code: Annotated[str, typer.Argument(help="Code of the goal (goals.csv `code`).")],
    new_status: Annotated[
        Status,
        typer.Argument(case_sensitive=False, metavar="STATUS", help="active, paused or archived."),
    ],
    workspace: GoalWorkspaceOption = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="When the change takes effect, ISO 8601 (no offset = UTC). Default: now.",
        ),
    ] = None,
    seeds: SeedsOption = PROJECT_SEEDS_DIR,
) -> None:
    """Record a status change of a goal (appends to goal_status_changes.csv)."""
    code = code.strip()
    changed_at = iso8601_option(at, "--at") or timestamps.utc_now().replace(microsecond=0)
    goals_path = seeds / "goals.csv"
    if not goals_path.is_file():
        fail(f"No goals file at {display_path(goals_path)}.")
    goals = read_goal_keys(goals_path)
    workspace_id = choose_workspace(code, workspace, goals, goals_path)

    changes_path = seeds / "goal_status_changes.csv"
    data = changes_path.read_bytes() if changes_path.is_file() else b""
    ending = line_ending(data)
    header, recorded = read_changes(data, workspace_id, code, changes_path)
    latest = latest_change(recorded)
    if latest is not None and latest.changed_at is not None and changed_at < latest.changed_at:
        fail(
            f"Refused: goal '{code}' of workspace '{workspace_id}' already has a change at "
            f"{format_utc(latest.changed_at)} ({latest.status}, "
            f"{display_path(changes_path)} line {latest.line}); a change dated "
            f"{format_utc(changed_at)} would come before it. Status history is append-only: "
            f"record changes at {format_utc(latest.changed_at)} or later."
        )
    current = latest.status if latest is not None else Status.ACTIVE.value
    since = f" since {format_utc(latest.changed_at)}" if latest is not None else ""
    if current == new_status.value:
        out().print(
            Text(
                f"Goal '{code}' of workspace '{workspace_id}' is already {current}{since}; "
                "nothing recorded."
            ),
            soft_wrap=True,
        )
        return

    prefix = ""
    if not data:
        header = list(CHANGE_COLUMNS)
        prefix = ",".join(CHANGE_COLUMNS) + ending
    elif not data.endswith((b"\n", b"\r")):
        prefix = ending
    values = {
        "workspace_id": workspace_id,
        "goal_code": code,
        "status": new_status.value,
        "changed_at": format_utc(changed_at),
    }
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=ending).writerow([values.get(c, "") for c in header])
    appended = prefix + buffer.getvalue()
    line = (data.decode("utf-8-sig") + prefix).count(ending) + 1
    with changes_path.open("ab") as handle:
        handle.write(appended.encode("utf-8"))

    out().print(
        Text.assemble(
            ("✓ ", "green"),
            f"Goal '{code}' of workspace '{workspace_id}': {current} → {new_status.value} "
            f"from {format_utc(changed_at)} (recorded in {display_path(changes_path)} "
            f"line {line}). Run `goals build` to apply it.",
        ),
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    app.command("status")(status)
