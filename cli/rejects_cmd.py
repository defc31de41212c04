"""`goals rejects`: what the loader did not accept, read from the warehouse (read-only).

* default: rejected lines grouped by reason_code (count, files, one example each), then
  the files set aside;
* `--lines`: the rejected lines themselves (file:line, code, reason, raw text), at most
  `--limit`;
* `--files`: only the files set aside (raw.file_rejects);
* `--file F` / `--reason CODE` narrow every view; `--json` prints one JSON object a line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

from cli.console import fail
from cli.formatting import print_json_line
from cli.options import DbOption, JsonOption
from cli.warehouse import open_warehouse

if TYPE_CHECKING:
    from ingest.rejects import RejectGroup, SetAsideFile

DEFAULT_LIMIT = 50


def rejects(
    db: DbOption = None,
    file: Annotated[
        str | None,
        typer.Option(
            "--file",
            "-f",
            help="Only this file: its path as loaded, a path ending (e.g. the file name) "
            "or its sha256.",
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            "-r",
            help="Only this reason_code (e.g. invalid_json, missing_field, invalid_gzip).",
        ),
    ] = None,
    lines: Annotated[
        bool, typer.Option("--lines", "-l", help="List the rejected lines, not the summary.")
    ] = False,
    files: Annotated[
        bool, typer.Option("--files", help="List only the files set aside (not loaded).")
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="At most this many lines (--lines).")
    ] = DEFAULT_LIMIT,
    as_json: JsonOption = False,
) -> None:
    """Rejected lines grouped by reason (a count and one example each) and the files set
    aside; --lines lists the lines, --files only the files."""
    from ingest.reasons import FILE_CODES, line_codes
    from ingest.rejects import (
        count_reject_lines,
        cut,
        reject_groups,
        reject_lines,
        set_aside_files,
    )

    if lines and files:
        fail("--lines and --files cannot be combined: choose one list.")
    known = [*line_codes(), *FILE_CODES]
    if reason is not None and reason not in known:
        fail(f"unknown reason code {reason!r}; the codes are: {', '.join(known)}.")
    console = Console(highlight=False, soft_wrap=True)
    with open_warehouse(db) as (con, _path):
        if lines:
            rows = reject_lines(con, file=file, code=reason, limit=limit)
            total = count_reject_lines(con, file=file, code=reason)
            if as_json:
                for row in rows:
                    print_json_line(row.as_dict())
                return
            for row in rows:
                console.print(
                    Text.assemble(
                        f"{row.file_path}:{row.line_number}  ",
                        (row.reason_code, "red"),
                        f"  {row.reason}\n    ",
                        (cut(row.raw_text, 100), "dim"),
                    )
                )
            shown = f"{len(rows):,} of {total:,}" if total > len(rows) else f"{total:,}"
            more = "  (--limit N shows more)" if total > len(rows) else ""
            console.print(Text(f"{shown} rejected line(s){more}", style="bold"))
            return
        groups = [] if files else reject_groups(con, file=file, code=reason)
        set_aside = set_aside_files(con, file=file, code=reason)
        if as_json:
            for group in groups:
                print_json_line({"kind": "reject_group", **group.as_dict()})
            for item in set_aside:
                print_json_line({"kind": "file_set_aside", **item.as_dict()})
            return
        if not files:
            _print_groups(console, groups)
        _print_set_aside(console, set_aside, always=files)


def _print_groups(console: Console, groups: list[RejectGroup]) -> None:
    if not groups:
        console.print("No rejected lines.")
        return
    total = sum(g.lines for g in groups)
    console.print(Text(f"{total:,} rejected line(s) by reason:", style="bold"))
    print_reject_groups(console, groups, with_files=True)


def print_reject_groups(console: Console, groups: list[RejectGroup], *, with_files: bool) -> None:
    """Two lines per reason_code: the count, the code, (with_files: in how many files) and
    its example's file:line and reason; then the example's raw text, dimmed."""
    from ingest.rejects import cut

    width = max(len(g.reason_code) for g in groups)
    for group in groups:
        in_files = ""
        if with_files:
            in_files = f"in {group.files:,} file{'s' if group.files != 1 else ''}, "
        console.print(
            Text.assemble(
                f"  {group.lines:>9,}  ",
                (f"{group.reason_code:<{width}}", "red"),
                f"  {in_files}e.g. {group.example_file}:{group.example_line}: ",
                group.example_reason,
            )
        )
        console.print(Text(f"  {'':>9}  {'':<{width}}  {cut(group.example_raw_text)}", style="dim"))


def set_aside_line(path: str, code: str | None, reason: str | None, note: str = "") -> Text:
    """One file set aside: its path, [reason_code] and reason, then `note` dimmed."""
    return Text.assemble(f"  {path}  ", (f"[{code}]", "red"), f" {reason}", (note, "dim"))


def _print_set_aside(console: Console, set_aside: list[SetAsideFile], *, always: bool) -> None:
    from goals_core.timestamps import format_utc

    if not set_aside:
        if always:
            console.print("No files set aside.")
        return
    console.print(Text(f"{len(set_aside)} file(s) set aside, not loaded:", style="bold"))
    for item in set_aside:
        when = f"  ({format_utc(item.rejected_at)}, sha256 {item.file_sha256[:12]})"
        console.print(set_aside_line(item.file_path, item.reason_code, item.reason, when))


def register(app: typer.Typer) -> None:
    app.command("rejects")(rejects)
