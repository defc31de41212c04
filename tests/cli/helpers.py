"""Helpers of the CLI tests: a `goals` app with the commands under test, throwaway
warehouses filled with raw events and a fixed "now" (copies of the dbt project and dbt
runs: tests/support.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import typer
from typer.testing import CliRunner, Result

from demo.edge_cases import GOAL_COLUMNS as EDGE_CASE_GOAL_COLUMNS

#: The tests' "now": every command reads the clock through goals_core.timestamps.utc_now.
NOW = datetime.now(UTC).replace(tzinfo=None, microsecond=0)

#: The header line of goals.csv.
GOAL_COLUMNS = ",".join(EDGE_CASE_GOAL_COLUMNS)


def ago(*, days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
    return NOW - timedelta(days=days, hours=hours, minutes=minutes)


@dataclass(frozen=True)
class Event:
    event_id: str
    name: str
    occurred_at: datetime
    properties: str = "{}"  # raw JSON text, stored as is
    workspace_id: str = "ws_t"
    source: str = "widget"
    conversation_id: str | None = None
    customer_id: str | None = None
    flow_id: str | None = None


def create_warehouse(path: Path, events: Sequence[Event] = (), *, raw_tables: bool = True) -> Path:
    """A warehouse file with the raw tables (ingest.schema) holding `events`."""
    from ingest.schema import ensure_raw_schema
    from ingest.warehouse import connect

    columns = [field.name for field in fields(Event)]  # an event's fields, by name
    con = connect(path)
    try:
        if raw_tables:
            ensure_raw_schema(con)
        for line, event in enumerate(events, start=1):
            con.execute(
                f"insert into raw.events ({', '.join(columns)}, file_sha256, line_number, "
                f"loaded_at) values ({', '.join('?' * len(columns))}, 'test-file', ?, ?)",
                [*astuple(event), line, NOW],
            )
    finally:
        con.close()
    return path


@contextmanager
def marts_schema(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse `db` in which schema `marts` was just created, for a
    test to make the marts it needs by hand."""
    con = duckdb.connect(str(db))
    try:
        con.execute("create schema marts")
        yield con
    finally:
        con.close()


def goals_app() -> typer.Typer:
    """The `goals` command line (cli/app.py), every subcommand registered."""
    from cli.app import app

    return app


class Goals:
    """Runs `goals ...` in-process and checks that no command ends in a traceback."""

    def __init__(self) -> None:
        self.app = goals_app()
        self.runner = CliRunner()

    def __call__(self, *args: str, expect: int | None = 0) -> Result:
        # a wide terminal, so table cells are not folded in the middle of what a test reads
        result = self.runner.invoke(self.app, list(args), env={"COLUMNS": "200"})
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(
                f"`goals {' '.join(args)}` raised {result.exception!r}\n{result.output}"
            ) from result.exception
        assert "Traceback" not in result.output, result.output
        if expect is not None:
            assert result.exit_code == expect, (
                f"`goals {' '.join(args)}` exited {result.exit_code}, not {expect}\n{result.output}"
            )
        return result


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]
