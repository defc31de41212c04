"""`goals list`: the goals grouped by status (active, paused, archived), as the product's
goals list shows them, with kind, trigger event and last outcome.

Goals and statuses come from the seeds (goals.csv and goal_status_changes.csv: the
status now, by the rule `goals status` and the build use - the latest change at or before
now, the later row on a tie). The last outcome comes from marts.fct_goal_outcomes when the
warehouse has been built ("never" when a built warehouse holds no outcome of the goal,
"—" when there are no marts to read).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from cli.console import fail, note, out
from cli.formatting import did_you_mean, display_path, names_list, print_json_line
from cli.options import DbOption, JsonOption, SeedsOption, WorkspaceOption
from cli.status_cmd import (
    RecordedChange,
    Status,
    latest_change,
    read_all_changes,
    read_goal_rows,
)
from cli.warehouse import open_warehouse, table_exists
from goals_core import timestamps
from goals_core.paths import PROJECT_SEEDS_DIR, resolve_db_path
from goals_core.timestamps import format_utc, format_utc_fixed

STATUS_ORDER = tuple(s.value for s in Status)
NOT_BUILT = "—"
NEVER = "never"


@dataclass(frozen=True)
class GoalEntry:
    workspace_id: str
    code: str
    name: str
    kind: str
    is_primary: bool
    trigger_event: str
    status: str
    status_since: datetime | None
    last_outcome: datetime | None
    outcomes: int | None  # None: no marts to read

    def last_outcome_text(self, *, short: bool = False) -> str:
        """The last outcome's time (to the minute when `short`), "never" or "—"."""
        if self.outcomes is None:
            return NOT_BUILT
        if self.last_outcome is None:
            return NEVER
        if short:
            return self.last_outcome.strftime("%Y-%m-%d %H:%M")
        return format_utc_fixed(self.last_outcome)

    def to_json(self) -> dict[str, Any]:
        return {
            "workspace_id": self.workspace_id,
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "is_primary": self.is_primary,
            "trigger_event": self.trigger_event,
            "status": self.status,
            "status_since": format_utc(self.status_since) or None,
            "last_outcome_at": format_utc(self.last_outcome) or None,
            "outcomes": self.outcomes,
        }


def _status_now(changes: list[RecordedChange], now: datetime) -> tuple[str, datetime | None]:
    latest = latest_change(changes, now)
    if latest is None or latest.status not in STATUS_ORDER:
        return Status.ACTIVE.value, None
    return latest.status, latest.changed_at


def _last_outcomes(db: Path | None) -> dict[tuple[str, str], tuple[datetime, int]] | None:
    """(workspace, code) -> (last occurred_at, count) from the marts; None when unbuilt."""
    path = resolve_db_path(db)
    if db is None and not path.exists():
        return None  # no warehouse yet at the default place: nothing built to read
    with open_warehouse(db) as (con, _):
        if not table_exists(con, "marts", "fct_goal_outcomes"):
            return None
        rows = con.execute(
            "select workspace_id, goal_code, max(occurred_at), count(*) "
            "from marts.fct_goal_outcomes group by all"
        ).fetchall()
    return {(str(ws), str(code)): (last, int(n)) for ws, code, last, n in rows}


def goals_list(
    workspace: WorkspaceOption = None,
    as_json: JsonOption = False,
    seeds: SeedsOption = PROJECT_SEEDS_DIR,
    db: DbOption = None,
) -> None:
    """The goals grouped by status (active, paused, archived): kind, trigger event, last
    outcome (from the marts of the last `goals build`)."""
    now = timestamps.utc_now()
    goals_path = seeds / "goals.csv"
    if not goals_path.is_file():
        fail(f"No goals file at {display_path(goals_path)}.")
    _, rows = read_goal_rows(goals_path)
    if workspace is not None:
        known = sorted({r["workspace_id"] for r in rows})
        rows = [r for r in rows if r["workspace_id"] == workspace]
        if not rows:
            fail(
                f"No goals of workspace '{workspace}' in {display_path(goals_path)}"
                f"{did_you_mean(workspace, known)}; workspaces: {names_list(known)}."
            )
    changes_path = seeds / "goal_status_changes.csv"
    data = changes_path.read_bytes() if changes_path.is_file() else b""
    _, changes = read_all_changes(data, changes_path)
    outcomes = _last_outcomes(db)
    entries = []
    for row in rows:
        key = (row["workspace_id"], row["code"])
        status, since = _status_now(changes.get(key, []), now)
        last, count = (outcomes or {}).get(key, (None, 0))
        entries.append(
            GoalEntry(
                workspace_id=key[0],
                code=key[1],
                name=row.get("name", ""),
                kind=row.get("kind", ""),
                is_primary=row.get("is_primary", "").lower() == "true",
                trigger_event=row.get("trigger_event", ""),
                status=status,
                status_since=since,
                last_outcome=last,
                outcomes=None if outcomes is None else count,
            )
        )
    entries.sort(key=lambda e: (STATUS_ORDER.index(e.status), e.workspace_id, e.code))
    if as_json:
        for entry in entries:
            print_json_line(entry.to_json())
        return
    _print_table(entries, show_workspace=workspace is None, built=outcomes is not None)


def _print_table(entries: list[GoalEntry], *, show_workspace: bool, built: bool) -> None:
    console = out()
    for status in STATUS_ORDER:
        group = [e for e in entries if e.status == status]
        title = f"{status.capitalize()} ({len(group)})"
        if not group:
            console.print(Text(f"{title}: none", style="dim"))
            console.print()
            continue
        table = Table(
            title=title,
            title_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            collapse_padding=True,
        )
        table.add_column("goal: code, name", no_wrap=True)
        table.add_column("kind", no_wrap=True)
        table.add_column("trigger", no_wrap=True)
        table.add_column("last outcome (UTC)", no_wrap=True)
        with_since = status != Status.ACTIVE.value
        if with_since:
            table.add_column("since", no_wrap=True)
        shown_workspace = None
        for e in group:
            if show_workspace and e.workspace_id != shown_workspace:
                table.add_row(Text(e.workspace_id, style="bold underline"))
                shown_workspace = e.workspace_id
            goal = Text(("  " if show_workspace else "") + e.code, style="bold")
            if e.is_primary:
                goal.append(" ★", style="yellow")
            goal.append(("\n  " if show_workspace else "\n") + e.name, style="dim")
            since = [e.status_since.strftime("%Y-%m-%d") if e.status_since else ""]
            table.add_row(
                goal,
                e.kind,
                e.trigger_event,
                e.last_outcome_text(short=True),
                *(since if with_since else []),
            )
        console.print(table)
    if not built:
        note(
            "Last outcomes need the marts: run `goals build` (— means not built yet). "
            "★ = primary goal."
        )
    else:
        note("★ = primary goal; last outcomes as of the last `goals build`.")


def register(app: typer.Typer) -> None:
    app.command("list")(goals_list)
