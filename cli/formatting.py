"""Values as commands print them: JSON lines (values whole), JSON shown in tables (long
strings cut), exact amounts, counts, lists of names, "did you mean" and paths."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer

from goals_core.timestamps import format_utc


class RawJson(str):
    """JSON text to embed verbatim in a JSON line (keeps numbers exactly as stored)."""

    __slots__ = ()


def single_line_json(text: str) -> str:
    """JSON text on one line: raw line breaks can only be insignificant whitespace."""
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def json_text(value: Any) -> str:
    """JSON text of a value: `RawJson` embedded as it is, a `Decimal` as an exact number,
    a datetime as UTC ISO 8601 with `Z`; mappings and sequences recursively."""
    if isinstance(value, RawJson):
        return single_line_json(str(value))
    if isinstance(value, Mapping):
        return (
            "{"
            + ", ".join(
                f"{json.dumps(str(k), ensure_ascii=False)}: {json_text(v)}"
                for k, v in value.items()
            )
            + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ", ".join(json_text(v) for v in value) + "]"
    if isinstance(value, datetime):
        return json.dumps(format_utc(value))
    if isinstance(value, Decimal):
        return format_decimal(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def json_line(fields: Mapping[str, Any]) -> str:
    """One JSON object on one line."""
    return json_text(fields)


def print_json_line(fields: Mapping[str, Any]) -> None:
    typer.echo(json_line(fields))


def format_decimal(value: Decimal | None) -> str:
    """An exact amount without trailing zeros past the cents: 12.5000000000 -> 12.50."""
    if value is None:
        return ""
    normalized = value.normalize()
    exponent = normalized.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        normalized = value.quantize(Decimal("0.01"))
    return f"{normalized:f}"


#: Longest JSON string a table shows whole inside a JSON value (explore's properties).
JSON_STRING_MAX_CHARS = 120


def display_json(text: str, *, string_limit: int = JSON_STRING_MAX_CHARS) -> str:
    """JSON text as a table shows it: on one line, a space after each `,` and `:` between
    tokens (so a narrow column wraps between members, never inside a number or a key),
    and every string longer than `string_limit` characters cut with a marker saying how
    much was left out. Keys, numbers and structure are kept as stored; `--json` prints
    the value whole."""
    text = single_line_json(text)
    parts: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            token = text[i : j + 1]
            inner = token[1:-1]
            if len(inner) > string_limit:
                cut = inner[:string_limit]
                if cut.endswith("\\") and not cut.endswith("\\\\"):
                    cut = cut[:-1]
                token = f'"{cut}…" [{len(inner) - len(cut):,} more characters]'
            parts.append(token)
            i = j + 1
            continue
        if char in " \t":
            i += 1
            continue
        parts.append(char)
        if char in ",:":
            parts.append(" ")
        i += 1
    return "".join(parts)


def format_count(value: int) -> str:
    return f"{value:,}"


def names_list(names: Sequence[str], *, limit: int = 30) -> str:
    """`a, b, c` (at most `limit` names, then how many more), or `(none)`."""
    if not names:
        return "(none)"
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        shown += f", … and {len(names) - limit} more"
    return shown


def close_match(name: str, known: Sequence[str]) -> str | None:
    """The known name `name` most likely meant: the same name in another case, else the
    closest by difflib's ratio (None when nothing is close)."""
    import difflib

    same = [k for k in known if k.lower() == name.lower() and k != name]
    if same:
        return same[0]
    close = difflib.get_close_matches(name, [k for k in known if k != name], n=1)
    return close[0] if close else None


def did_you_mean(name: str, known: Sequence[str]) -> str:
    """` (did you mean 'x'?)` when a known name is close to `name`, else ``."""
    match = close_match(name, known)
    return f" (did you mean '{match}'?)" if match is not None else ""


def display_path(path: Path) -> str:
    """A path relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
