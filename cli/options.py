"""Options shared by the `goals` commands and their parsing: `--range`, `--workspace`,
`--db`, `--seeds`, `--json` and ISO 8601 instants (a usage error, exit 2, when one does
not parse)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from goals_core.timestamps import format_utc, parse_iso8601_utc


class Range(StrEnum):
    """How far back from now a command looks."""

    DAYS_7 = "7d"
    DAYS_30 = "30d"
    DAYS_90 = "90d"

    @property
    def days(self) -> int:
        return int(self.value.removesuffix("d"))


RangeOption = Annotated[
    Range,
    typer.Option(
        "--range",
        "-r",
        case_sensitive=False,
        help="How far back from now: 7d, 30d or 90d.",
    ),
]


WorkspaceOption = Annotated[
    str | None, typer.Option("--workspace", "-w", help="Only this workspace (tenant).")
]


GoalWorkspaceOption = Annotated[
    str | None,
    typer.Option(
        "--workspace", "-w", help="The goal's workspace (needed when several have the code)."
    ),
]


DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="DuckDB warehouse file (default: $DUCKDB_PATH or warehouse/goals.duckdb).",
        dir_okay=False,
    ),
]


SeedsOption = Annotated[
    Path,
    typer.Option(
        "--seeds",
        help="Folder holding goals.csv and goal_status_changes.csv.",
        file_okay=False,
        show_default="the project's seeds/",
    ),
]


JsonOption = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print JSON lines (one object per line, values whole) instead of a table.",
    ),
]


def window(range_: Range, now: datetime) -> tuple[datetime, datetime]:
    """The half-open window (now - N days, now] a command reads."""
    return now - timedelta(days=range_.days), now


def iso8601_option(text: str | None, option: str) -> datetime | None:
    """An ISO 8601 option value as a naive UTC datetime (None when not given), or a usage
    error (exit 2) when it does not parse."""
    if text is None:
        return None
    parsed = parse_iso8601_utc(text)
    if parsed is None:
        raise typer.BadParameter(
            f"'{text}' is not an ISO 8601 timestamp (e.g. 2026-11-24T09:30:00Z).",
            param_hint=f"'{option}'",
        )
    return parsed


def reference_time_option(text: str | None, option: str = "--reference-time") -> str | None:
    """An ISO 8601 option value normalized to UTC `...Z` text (dbt vars carry it into SQL
    as a string literal), or a usage error (exit 2) when it does not parse."""
    parsed = iso8601_option(text, option)
    return format_utc(parsed) if parsed is not None else None
