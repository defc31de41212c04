"""The consoles of a command: its output (wide when piped), its errors and remarks on
stderr, and `fail`, the one clear line that ends a command."""

from __future__ import annotations

import os
from typing import NoReturn

import typer
from rich.console import Console
from rich.text import Text

#: The width of output that goes to a pipe or a file (no terminal to fit): wide enough
#: that nothing a command prints is cut or wrapped at 80 columns.
PIPE_WIDTH = 200


def console_width() -> int | None:
    """$COLUMNS when set, the terminal's width on a terminal (None: rich asks it), else
    PIPE_WIDTH, so piped output is not cut at rich's default of 80 columns."""
    from cli._progress import is_terminal

    if os.environ.get("COLUMNS", "").isdigit() or is_terminal():
        return None
    return PIPE_WIDTH


def out() -> Console:
    """The console of a command's output (made per call: it reads $COLUMNS then)."""
    return Console(highlight=False, width=console_width())


def err() -> Console:
    """The console of errors and remarks (stderr)."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, *, code: int = 1) -> NoReturn:
    """Print `message` on stderr and end the command with exit status `code`."""
    err().print(Text.assemble(("Error: ", "bold red"), message))
    raise typer.Exit(code=code)


def note(message: str) -> None:
    """A remark on stderr (keeps stdout clean for --json)."""
    err().print(Text(message, style="dim"))
