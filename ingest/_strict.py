"""The slow path: strict (RFC 8259) JSON checks for the few lines DuckDB cannot vouch for.

DuckDB's JSON reader is lenient (NaN, Infinity, trailing commas) and takes the first of
duplicate keys, so every line that fails the cheap SQL gate comes here. A line is either
blank, rejected with a reason, or strictly valid - then its text goes back to the one SQL
definition of the field rules.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# ASCII whitespace, as bytes.strip() sees it (the quick test; str.isspace() decides).
_WS = b" \t\n\r\x0b\x0c"

_NONSTRICT_TOKEN = re.compile(r"-?(?:nan|infinity|inf)(?![A-Za-z0-9_])", re.IGNORECASE)
_JSON_WS = " \t\r\n"


class _NonStrictConstant(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def _reject_constant(token: str) -> Any:
    raise _NonStrictConstant(token)


class _Obj(dict[str, Any]):
    """A JSON object that remembers its first duplicate key (Python keeps the last)."""

    duplicate: str | None = None


def _pairs_hook(pairs: list[tuple[str, Any]]) -> _Obj:
    obj = _Obj(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                obj.duplicate = key
                break
            seen.add(key)
    return obj


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_pairs_hook)


@dataclass(frozen=True)
class Verdict:
    """What the slow path decided about one line."""

    blank: bool = False
    reason: str | None = None  # set: the line is rejected
    text: str | None = None  # set: strictly valid JSON object, to be validated in SQL


BLANK = Verdict(blank=True)


def json_type_name(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"


def strip_terminator(raw: bytes) -> bytes:
    """The line without its `\\n` and one `\\r` before it."""
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    return raw


def is_blank(raw: bytes) -> bool:
    return not raw.strip(_WS)


def utf8_reason(raw: bytes) -> str | None:
    """Why `raw` is not UTF-8, or None when it is."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.end]
        return (
            f"line is not valid UTF-8: byte 0x{bad[0]:02x} at position {exc.start + 1} "
            f"({exc.reason}); re-export the file as UTF-8"
        )
    return None


def _syntax_reason(text: str, exc: json.JSONDecodeError) -> str:
    pos = exc.pos
    token = _NONSTRICT_TOKEN.match(text, pos)
    if token is not None and exc.msg.startswith("Expecting value"):
        return f"not strict JSON: {token.group(0)} is not allowed (use null or a string)"
    if pos < len(text) and text[pos] in "}]":
        before = text[:pos].rstrip(_JSON_WS)
        if before.endswith(","):
            return f"not strict JSON: trailing comma before '{text[pos]}' is not allowed"
    if exc.msg == "Extra data":
        return f"not valid JSON: unexpected data after the JSON value at column {exc.colno}"
    where = "column" if exc.msg.endswith(" at") else "at column"
    return f"not valid JSON: {exc.msg} {where} {exc.colno}"


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= ch <= "\udfff" for ch in item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def parse_strict(text: str) -> tuple[Any, str | None]:
    """(value, None) for strict JSON, (None, reason) otherwise."""
    try:
        value = _DECODER.decode(text)
    except _NonStrictConstant as exc:
        return None, f"not strict JSON: {exc.token} is not allowed (use null or a string)"
    except json.JSONDecodeError as exc:
        return None, _syntax_reason(text, exc)
    except RecursionError:
        return None, "not valid JSON: nested too deeply"
    if _has_lone_surrogate(value):
        return None, "not valid JSON: a string holds an unpaired UTF-16 surrogate escape"
    return value, None


def classify(raw: bytes) -> Verdict:
    """Decide about one line (bytes without its terminator)."""
    if is_blank(raw):
        return BLANK
    reason = utf8_reason(raw)
    if reason is not None:
        return Verdict(reason=reason)
    text = raw.decode("utf-8")
    if text.isspace():  # Unicode whitespace too (NO-BREAK SPACE, IDEOGRAPHIC SPACE...)
        return BLANK
    value, reason = parse_strict(text)
    if reason is not None:
        return Verdict(reason=reason)
    if not isinstance(value, dict):
        return Verdict(reason=f"line is not a JSON object (got {json_type_name(value)})")
    duplicate = getattr(value, "duplicate", None)
    if duplicate is not None:
        return Verdict(reason=f"duplicate key {json.dumps(duplicate)} in the event object")
    props = value.get("properties")
    props_duplicate = getattr(props, "duplicate", None)
    if props_duplicate is not None:
        return Verdict(reason=f"duplicate key {json.dumps(props_duplicate)} in properties")
    return Verdict(text=text)


def properties_text_reason(text: str) -> str:
    """Why a Parquet `properties` text is not a strict JSON value."""
    _, reason = parse_strict(text)
    if reason is None:
        return "properties is not valid JSON"
    for prefix in ("not valid JSON: ", "not strict JSON: "):
        if reason.startswith(prefix):
            return f"properties is {prefix[:-2]}: {reason[len(prefix) :]}"
    return f"properties: {reason}"
