"""`goals events`: the event catalog (marts.event_catalog) - what an author needs to
write a goal: event names, how often they occurred, and their property keys with JSON
types and an example value."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from cli.console import fail, out
from cli.formatting import RawJson, display_json, names_list, print_json_line
from cli.options import DbOption, JsonOption, WorkspaceOption
from cli.warehouse import open_warehouse, require_mart
from goals_core.timestamps import format_utc, format_utc_fixed

CATALOG_COLUMNS = (
    "workspace_id",
    "event_name",
    "events_last_7_days",
    "events_last_30_days",
    "events_last_90_days",
    "events_total",
    "first_seen_at",
    "last_seen_at",
    "property_keys",
)


def events(
    workspace: WorkspaceOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The event catalog: names, 7/30/90-day counts, first/last seen, property keys."""
    with open_warehouse(db) as (con, path):
        require_mart(con, path, "event_catalog")
        sql = f"select {', '.join(CATALOG_COLUMNS)} from marts.event_catalog"
        params: list[Any] = []
        if workspace is not None:
            sql += " where workspace_id = ?"
            params.append(workspace)
        rows = con.execute(sql + " order by workspace_id, event_name", params).fetchall()
        if not rows:
            workspaces = [
                r[0]
                for r in con.execute(
                    "select distinct workspace_id from marts.event_catalog order by 1"
                ).fetchall()
            ]
            if not workspaces:
                fail(
                    "The event catalog is empty: no events were loaded when the marts were "
                    "built. Load events with `goals ingest FILE...`, then run `goals build`."
                )
            fail(
                f"No events of workspace '{workspace}' in the event catalog; workspaces: "
                f"{names_list(workspaces)}."
            )

    if as_json:
        for row in rows:
            fields = dict(zip(CATALOG_COLUMNS, row, strict=True))
            fields["first_seen_at"] = format_utc(fields["first_seen_at"])
            fields["last_seen_at"] = format_utc(fields["last_seen_at"])
            fields["property_keys"] = RawJson(fields["property_keys"])
            print_json_line(fields)
        return

    table = Table(
        title="Event catalog (counts as of the last `goals build`)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_lines=True,
    )
    if workspace is None:
        table.add_column("workspace", no_wrap=True)
    table.add_column("event", no_wrap=True)
    table.add_column("7d", justify="right", no_wrap=True)
    table.add_column("30d", justify="right", no_wrap=True)
    table.add_column("90d", justify="right", no_wrap=True)
    table.add_column("first / last seen (UTC)", no_wrap=True)
    table.add_column("property keys: types, example", overflow="fold", ratio=1)
    for row in rows:
        fields = dict(zip(CATALOG_COLUMNS, row, strict=True))
        cells: list[Text] = []
        if workspace is None:
            cells.append(Text(str(fields["workspace_id"])))
        cells += [
            Text(str(fields["event_name"]), style="bold"),
            Text(f"{fields['events_last_7_days']:,}"),
            Text(f"{fields['events_last_30_days']:,}"),
            Text(f"{fields['events_last_90_days']:,}"),
            Text(
                f"{format_utc_fixed(fields['first_seen_at'])}\n"
                f"{format_utc_fixed(fields['last_seen_at'])}"
            ),
            _keys_cell(fields["property_keys"]),
        ]
        table.add_row(*cells)
    out().print(table)


def _keys_cell(property_keys: str) -> Text:
    """One line per key: `key  type|type  e.g. example`."""
    cell = Text()
    keys = json.loads(property_keys) if property_keys else []
    for index, entry in enumerate(keys):
        if index:
            cell.append("\n")
        cell.append(str(entry.get("key")), style="bold")
        cell.append(f"  {'|'.join(entry.get('types') or [])}", style="cyan")
        if entry.get("example") is not None:
            example = display_json(json.dumps(entry["example"], ensure_ascii=False))
            cell.append(f"  e.g. {example}", style="dim")
    if not keys:
        cell.append("(no properties)", style="dim")
    return cell


def register(app: typer.Typer) -> None:
    app.command("events")(events)
