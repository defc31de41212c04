"""Help text that wraps to the terminal: a command's docstring is reflowed so that only
blank lines (paragraph breaks) survive, and rich wraps each paragraph at the terminal's
width instead of keeping the source's line breaks."""

from __future__ import annotations

import inspect
import re

import typer


def reflow(text: str) -> str:
    """Paragraphs of `text` (split at blank lines), each on one line."""
    paragraphs = re.split(r"\n\s*\n", inspect.cleandoc(text))
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def reflow_help(app: typer.Typer) -> None:
    """Give every command of `app` (and of its sub-apps) its docstring reflowed as help."""
    for command in app.registered_commands:
        if command.help is None and command.callback is not None and command.callback.__doc__:
            command.help = reflow(command.callback.__doc__)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            reflow_help(group.typer_instance)
