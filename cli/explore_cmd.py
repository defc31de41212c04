"""`goals explore`: the Event Explorer (reference §5).

The most recent raw events (at most 100), newest first, each with its timestamp, name
and full properties JSON, from the window (now - range, now]. The warehouse is opened
read-only, so exploring never takes DuckDB's write lock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.padding import Padding
from rich.text import Text

from cli.console import fail, note, out
from cli.formatting import RawJson, display_json, names_list, print_json_line
from cli.options import DbOption, JsonOption, Range, RangeOption, WorkspaceOption, window
from cli.warehouse import known_values, open_warehouse, require_raw_events, unknown_name_message
from goals_core import timestamps
from goals_core.timestamps import format_utc, format_utc_fixed

MAX_EVENTS = 100


def explore(
    range_: RangeOption = Range.DAYS_30,
    name: Annotated[
        str | None, typer.Option("--name", "-n", help="Only events with this name.")
    ] = None,
    workspace: WorkspaceOption = None,
    limit: Annotated[
        int,
        typer.Option("--limit", "-l", min=1, max=MAX_EVENTS, help="How many events (1-100)."),
    ] = MAX_EVENTS,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The most recent raw events, newest first, with their full properties JSON."""
    now = timestamps.utc_now()
    start, end = window(range_, now)
    with open_warehouse(db) as (con, path):
        require_raw_events(con, path)
        sql = (
            "select occurred_at, workspace_id, event_id, name, source, conversation_id, "
            "customer_id, flow_id, properties from raw.events "
            "where occurred_at > ? and occurred_at <= ?"
        )
        params: list[Any] = [start, end]
        if workspace is not None:
            sql += " and workspace_id = ?"
            params.append(workspace)
        if name is not None:
            sql += " and name = ?"
            params.append(name)
        sql += " order by occurred_at desc, workspace_id, event_id desc limit ?"
        params.append(limit)
        rows = con.execute(sql, params).fetchall()
        if not rows:
            _explain_empty(con, range_, start, end, name=name, workspace=workspace)
            return

    if as_json:
        for row in rows:
            print_json_line(_event_fields(row))
        return
    # One block per event: a line of timestamp, workspace, name and ids, then the
    # properties on their own lines, wrapping between JSON tokens at the terminal's width
    # (a table column would leave them a narrow strip and fold them mid-token).
    console = out()
    console.print(
        Text(
            f"Most recent events, newest first ({_scope(range_, now, workspace, name)})",
            style="bold",
        ),
        soft_wrap=True,
    )
    console.print()
    cut = False
    for occurred_at, ws, event_id, event_name, source, conversation, customer, flow, props in rows:
        head = Text(format_utc_fixed(occurred_at), style="cyan")
        if workspace is None:
            head.append(f"  {ws}")
        head.append("  ")
        head.append(str(event_name), style="bold")
        head.append(f"  {event_id}")
        head.append(f" ({source})", style="dim")
        ids = "  ".join(
            f"{label} {value}"
            for label, value in (("conv", conversation), ("cust", customer), ("flow", flow))
            if value
        )
        shown = display_json(str(props))
        cut = cut or "more characters]" in shown
        console.print(head)
        if ids:
            console.print(Padding(Text(ids, style="dim"), (0, 0, 0, 4)))
        console.print(Padding(Text(shown, overflow="fold"), (0, 0, 1, 4)))
    more = " (the limit: narrow with --name, --workspace or --range)" if len(rows) == limit else ""
    whole = " Long strings are cut; --json prints every value whole." if cut else ""
    out().print(Text(f"{len(rows)} event(s){more}.{whole}", style="dim"))


def _scope(range_: Range, now: datetime, workspace: str | None, name: str | None) -> str:
    parts = [f"last {range_.value} up to {format_utc(now.replace(microsecond=0))}"]
    if workspace is not None:
        parts.append(f"workspace {workspace}")
    if name is not None:
        parts.append(f"name {name}")
    return ", ".join(parts)


def _event_fields(row: tuple[Any, ...]) -> dict[str, Any]:
    occurred_at, ws, event_id, name, source, conversation, customer, flow, props = row
    return {
        "occurred_at": format_utc(occurred_at),
        "workspace_id": ws,
        "event_id": event_id,
        "name": name,
        "source": source,
        "conversation_id": conversation,
        "customer_id": customer,
        "flow_id": flow,
        "properties": RawJson(props),
    }


def _explain_empty(
    con: Any,
    range_: Range,
    start: Any,
    end: Any,
    *,
    name: str | None,
    workspace: str | None,
) -> None:
    """Why nothing was found: an unknown workspace or name fails, an empty range does not."""
    if workspace is not None:
        workspaces = known_values(con, "workspace_id", start=start, end=end)
        if workspace not in workspaces:
            fail(
                f"no events of workspace '{workspace}' in the last {range_.value}; workspaces "
                f"with events then: {names_list(workspaces)}"
            )
    if name is not None:
        known = known_values(con, "name", start=start, end=end, workspace=workspace)
        fail(unknown_name_message(name, range_, known, workspace=workspace))
    note(f"No events in the last {range_.value} (try a longer --range).")


def register(app: typer.Typer) -> None:
    app.command("explore")(explore)
