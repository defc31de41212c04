"""`goals hub` (the goals hub, a Streamlit app over the serving copy) and
`goals publish-telemetry` (the separate copy of recent raw events its Event Explorer reads).

The hub reads published copies only, read-only, never the warehouse (docs/hub.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

HUB_APP = Path(__file__).resolve().parents[1] / "hub" / "app.py"
DEFAULT_PORT = 8501


def hub(
    serving_path: Annotated[
        Path | None,
        typer.Option(
            "--serving",
            help="The serving copy to read (default: $GOALS_SERVING_PATH, else "
            "serving/goals_serving.duckdb beside $DUCKDB_PATH or warehouse/goals.duckdb).",
            dir_okay=False,
        ),
    ] = None,
    telemetry: Annotated[
        Path | None,
        typer.Option(
            "--telemetry",
            help="A telemetry copy (`goals publish-telemetry`): adds the Event Explorer. "
            "Without it the hub shows the marts only.",
            dir_okay=False,
        ),
    ] = None,
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port of the web server.")
    ] = DEFAULT_PORT,
    address: Annotated[
        str, typer.Option("--address", help="Address to listen on (default: localhost only).")
    ] = "localhost",
) -> None:
    """The goals hub: a web app over the serving copy (overview, goals, attribution,
    revenue; the Event Explorer only with --telemetry). Stop it with Ctrl-C."""
    from cli.console import fail, note
    from cli.formatting import display_path
    from hub.config import MISSING_SERVING, MISSING_TELEMETRY, SERVING_ENV, TELEMETRY_ENV
    from ingest.warehouse import default_db_path
    from serving.paths import resolve_targets

    serving = (serving_path or resolve_targets(default_db_path()).database).absolute()
    if not serving.is_file():
        fail(MISSING_SERVING.format(path=display_path(serving)))
    env = {**os.environ, SERVING_ENV: str(serving)}
    env.pop(TELEMETRY_ENV, None)
    if telemetry is not None:
        if not telemetry.is_file():
            fail(MISSING_TELEMETRY.format(path=display_path(telemetry)))
        env[TELEMETRY_ENV] = str(telemetry.absolute())
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(HUB_APP),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
    ]
    note(f"Goals hub on http://{address}:{port} over {display_path(serving)} (Ctrl-C stops it)")
    try:
        code = subprocess.call(command, env=env)
    except KeyboardInterrupt:
        code = 0
    raise typer.Exit(code=code)


def publish_telemetry(
    days: Annotated[
        int, typer.Option("--days", min=1, help="Keep the events of this many days.")
    ] = 90,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="The telemetry copy to write (default: $GOALS_TELEMETRY_PATH, else "
            "telemetry/goals_telemetry.duckdb beside the warehouse).",
            dir_okay=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Reference time, ISO 8601 (default: now); the copy holds the events of the "
            "--days before it, and the Event Explorer counts back from it.",
        ),
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="DuckDB warehouse file, opened read-only "
            "(default: $DUCKDB_PATH or warehouse/goals.duckdb).",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Publish the recent raw events for the hub's Event Explorer: a DuckDB file apart from
    the serving copy (reading raw telemetry is a separate permission), swapped in
    atomically."""
    from cli.console import fail
    from cli.console import out as console
    from cli.formatting import display_path
    from goals_core.paths import resolve_db_path
    from goals_core.timestamps import parse_iso8601_utc
    from ingest.warehouse import WarehouseLockedError
    from serving.publishing import PublishError
    from serving.telemetry_copy import publish_telemetry as publish

    reference: datetime | None = None
    if as_of is not None:
        reference = parse_iso8601_utc(as_of)
        if reference is None:
            fail(f"--as-of {as_of!r} is not an ISO 8601 time (e.g. 2026-11-15T00:00:00Z).")
    try:
        copy = publish(resolve_db_path(db), out, days=days, as_of=reference)
    except (PublishError, WarehouseLockedError) as exc:
        fail(str(exc))
    console().print(
        f"Published {copy.events:,} raw event(s) of the {copy.days} days up to "
        f"{copy.as_of:%Y-%m-%dT%H:%M:%SZ} to {display_path(copy.path)} "
        f"({copy.bytes / 1e6:,.1f} MB, {copy.seconds:.2f} s). Give it to the hub with "
        f"`goals hub --telemetry {display_path(copy.path)}`; keep it from BI tools."
    )


def register(app: typer.Typer) -> None:
    app.command("hub")(hub)
    app.command("publish-telemetry")(publish_telemetry)
