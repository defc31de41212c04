"""Thousands of random lines - valid, oddly formatted, subtly broken - checked against a
plain-Python reading of reference §2.1.

The loader takes a vectorized fast path for most lines and a strict Python path for the
rest; whichever path a line takes, the outcome must be the reference's.
"""

from __future__ import annotations

import json
import random
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingest import loader
from ingest._sql import FIELDS
from tests.ingest.helpers import load

REQUIRED = FIELDS[:4]

_TS = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[Tt ]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,9}))?)?"
    r"([Zz]|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?)?"
)


# ----------------------------------------------------------------------------- reference


class _Dup(Exception):
    pass


def _reference_timestamp(text: str) -> datetime | None:
    m = _TS.fullmatch(text)
    if m is None or m[1] == "0000":
        return None
    try:
        value = datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0))
    except ValueError:
        return None
    value += timedelta(seconds=int(m[6] or 0), microseconds=int((m[7] or "").ljust(6, "0")[:6]))
    zone = (m[8] or "Z").upper()
    if zone != "Z":
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
        value = value - offset if zone[0] == "+" else value + offset
    return value


def _type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    return "null" if value is None else "number"


def reference(raw: str) -> tuple[str, Any]:
    """('blank', None) | ('reject', kind-or-reason) | ('ok', stored values)."""
    if not raw or raw.isspace():
        return "blank", None

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):  # remember the first repeated key
            obj["\0dup"] = next(k for i, (k, _) in enumerate(pairs) if k in dict(pairs[:i]))
        return obj

    def constant(token: str) -> Any:
        raise ValueError(token)

    try:
        value = json.loads(raw, parse_constant=constant, object_pairs_hook=pairs_hook)
    except (ValueError, RecursionError):
        return "reject", "json"
    if not isinstance(value, dict):
        return "reject", f"line is not a JSON object (got {_type(value)})"
    if "\0dup" in value:
        return "reject", f'duplicate key "{value[chr(0) + "dup"]}" in the event object'
    props = value.get("properties")
    if isinstance(props, dict) and "\0dup" in props:
        return "reject", f'duplicate key "{props[chr(0) + "dup"]}" in properties'

    def strip_dups(item: Any) -> Any:  # deeper duplicates are kept (not checked)
        if isinstance(item, dict):
            return {k: strip_dups(v) for k, v in item.items() if k != "\0dup"}
        if isinstance(item, list):
            return [strip_dups(v) for v in item]
        return item

    for field in FIELDS:
        present = field in value
        v = value.get(field)
        if field in REQUIRED:
            if not present:
                return "reject", f"missing required field {field}"
            if v is None:
                return "reject", f"required field {field} is null"
        if field == "properties":
            if v is not None and not isinstance(v, dict):
                return "reject", f"properties must be an object, got {_type(v)}"
            continue
        if v is not None and not isinstance(v, str):
            return "reject", f"{field} must be a string, got {_type(v)}"
        if field in REQUIRED and v == "":
            return "reject", f"required field {field} is empty"
        if field == "occurred_at" and _reference_timestamp(v) is None:
            return "reject", f"occurred_at {json.dumps(v, ensure_ascii=False)} is not a valid"
        if field == "source" and v not in (None, "", "widget", "server"):
            return "reject", 'source must be "widget" or "server", got'
    return "ok", (
        value["workspace_id"],
        value["event_id"],
        value["name"],
        _reference_timestamp(value["occurred_at"]),
        value.get("source") or "widget",
        value.get("conversation_id") or None,
        value.get("customer_id") or None,
        value.get("flow_id") or None,
        strip_dups(props) if props is not None else {},
    )


# ----------------------------------------------------------------------------- generator

_NUMBERS = ["0", "-0", "1", "-17", "1.50", "2.5e3", "1E2", "1e-2", "12345678901234567890", "0.1"]
_STRINGS = ["", "plain", "caf\u00e9", "tab\\there", 'q\\"uote', "\\u00e9t\\u00e9", "a/b\\/c", "😀"]
_TIMES = [
    "2026-03-01T10:00:00Z",
    "2026-03-01t10:00:00.123456789z",
    "2026-03-01 23:59:59+05:30",
    "2026-03-01T10:00-0800",
    "2026-03-01T10:00:00+02",
    "2026-03-01",
    "2026-03-01T10:00:00",
    "2026-02-30T10:00:00Z",
    "2026-03-01T24:00:00Z",
    "2026-03-01T10:00:60Z",
    "tomorrow",
    "2026-03-01T10:00:00 UTC",
    "0000-01-01",
]


class _Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.sep = ","
        self.colon = ":"

    def ws(self) -> str:
        return self.r.choice(["", "", "", " ", "  ", "\t"]) if self.spaced else ""

    def string(self, text: str | None = None) -> str:
        return '"' + (text if text is not None else self.r.choice(_STRINGS)) + '"'

    def value(self, depth: int) -> str:
        kind = self.r.random()
        if depth < 3 and kind < 0.15:
            return self.obj({f"k{i}": self.value(depth + 1) for i in range(self.r.randint(0, 3))})
        if depth < 3 and kind < 0.25:
            items = [self.value(depth + 1) for _ in range(self.r.randint(0, 3))]
            return "[" + self.ws() + f"{self.ws()},{self.ws()}".join(items) + self.ws() + "]"
        if kind < 0.5:
            return self.r.choice(_NUMBERS)
        if kind < 0.6:
            return self.r.choice(["true", "false", "null"])
        return self.string()

    def obj(self, members: dict[str, str]) -> str:
        parts = [
            f"{self.ws()}{json.dumps(k)}{self.ws()}:{self.ws()}{v}" for k, v in members.items()
        ]
        return "{" + ",".join(parts) + self.ws() + "}"

    def line(self) -> str:
        self.spaced = self.r.random() < 0.3
        ts = self.r.choice(_TIMES)
        members: dict[str, str] = {
            "event_id": self.string(f"e{self.r.randint(0, 400)}"),
            "workspace_id": self.string(self.r.choice(["ws_a", "ws_b"])),
            "name": self.string(self.r.choice(["purchase", "view", ""])),
            "occurred_at": self.string(ts),
        }
        if self.r.random() < 0.5:
            members["source"] = self.r.choice(['"widget"', '"server"', "null", '""', '"Server"'])
        for optional in ("conversation_id", "customer_id", "flow_id"):
            if self.r.random() < 0.4:
                members[optional] = self.r.choice(['"x1"', "null", '""', '"c\\u00e9"'])
        if self.r.random() < 0.8:
            props = {f"p{i}": self.value(1) for i in range(self.r.randint(0, 5))}
            members["properties"] = self.obj(props) if self.r.random() < 0.95 else "[1]"
        if self.r.random() < 0.05:
            members["extra"] = self.value(1)
        if self.r.random() < 0.05:
            field = self.r.choice(list(members))
            members[field] = self.r.choice(["1", "true", "[]", "{}", "null"])
        keys = list(members)
        self.r.shuffle(keys)
        text = self.obj({k: members[k] for k in keys})
        return self.corrupt(text) if self.r.random() < 0.15 else text

    def corrupt(self, text: str) -> str:
        how = self.r.randrange(8)
        if how == 0:  # NaN / Infinity instead of a number, or as a new member
            token = self.r.choice(["NaN", "nan", "-Infinity", "inf", "INF"])
            numbers = list(re.finditer(r"(?<=[:\[,])(\s*)-?\d[\d.eE+-]*", text))
            if numbers:
                m = self.r.choice(numbers)
                return text[: m.start()] + m[1] + token + text[m.end() :]
            return '{"odd":' + token + "," + text[1:]
        if how == 1:  # trailing comma before a closing bracket
            spots = [i for i, ch in enumerate(text) if ch in "}]" and text[i - 1] not in "{["]
            at = self.r.choice(spots)
            return text[:at] + "," + text[at:]
        if how == 2:  # duplicated top-level member
            return text[:-1] + ',"event_id":"again"}'
        if how == 3:  # duplicated property
            if '"properties":{"' in text:
                return text.replace('"properties":{', '"properties":{"dup":1,"dup":2,', 1)
            return text
        if how == 4:  # truncated
            return text[: self.r.randrange(1, len(text))]
        if how == 5:  # trailing garbage
            return text + self.r.choice(["}", " x", "{}", ","])
        if how == 6:  # leading/trailing whitespace (valid)
            return " " + text + "\t"
        return text.replace('"event_id"', '"event\\u005fid"', 1)  # escaped key (valid)


def _stored(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return (*row[:8], json.loads(row[8]))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_lines_match_the_reference(
    con: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
) -> None:
    monkeypatch.setattr(loader, "_chunk_bytes", lambda: 64 * 1024)  # several chunks
    gen = _Gen(seed)
    lines = [gen.line() for _ in range(1500)]
    path = tmp_path / "random.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [result] = load(con, path)

    got_events = {
        int(r[0]): _stored(r[1:])
        for r in con.execute(
            "select line_number, workspace_id, event_id, name, occurred_at, source, "
            "conversation_id, customer_id, flow_id, properties from raw.events"
        ).fetchall()
    }
    got_rejects = dict(con.execute("select line_number, reason from raw.event_rejects").fetchall())
    got_dups = {
        n for (n,) in con.execute("select line_number from raw.event_duplicates").fetchall()
    }

    seen: set[tuple[str, str]] = set()
    expected_dups = 0
    for number, raw in enumerate(lines, start=1):
        verdict, detail = reference(raw)
        where = f"line {number}: {raw!r}"
        if verdict == "reject":
            assert number in got_rejects, where
            reason = got_rejects[number]
            if detail == "json":
                assert reason.startswith(("not valid JSON", "not strict JSON")), where
            else:
                assert reason.startswith(detail), (where, reason)
            continue
        assert number not in got_rejects, (where, got_rejects.get(number))
        key = (detail[0], detail[1])
        if key in seen:
            assert number in got_dups, where
            expected_dups += 1
            continue
        seen.add(key)
        assert got_events.get(number) == detail, where
    assert result.read == len(lines)
    assert result.duplicate == expected_dups == len(got_dups)
    assert len(got_events) == result.accepted
