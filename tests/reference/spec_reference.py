"""An independent reference implementation of the product contract (docs/reference.md,
sections 2-4).

Written from the contract alone, without reading the dbt models or the ingest code, so that
comparing the two catches mistakes in either. Pure Python: json, decimal, datetime and
zoneinfo; pyarrow only to read the rows of a Parquet file and the `iso4217` package only
for the list of currency codes.

Readings chosen where the contract leaves room (also listed in tests/reference/README.md):

Ingest (2.1)
* A line is "blank" when it is empty or only whitespace (`str.isspace`); blank lines are
  skipped and not counted, but line numbers stay physical (1-based).
* Lines are split on LF only; a CR before the LF is part of the line end. A UTF-8 BOM is
  stripped from the start of the file only (elsewhere it makes the line unparseable).
* A line that is not valid UTF-8 is a reject.
* Strict JSON: no NaN/Infinity, no trailing commas, no comments; a duplicate key in the
  line's object or at the top level of `properties` is a reject (the project's reading,
  docs/decisions.md); deeper down the first occurrence wins, as in DuckDB.
* Checks run in this order: JSON, object, required fields, types, timestamp, source,
  properties; only an accepted line claims its (workspace_id, event_id), so a rejected
  line is counted `rejected` even when its id was already loaded, and a valid line after
  a rejected one with the same id is accepted.
* Unknown extra fields are ignored.
* Timestamps: `YYYY-MM-DD` optionally followed by `T`/`t`/space and `HH:MM`, `HH:MM:SS`
  or `HH:MM:SS.f` (1-9 digits, truncated to microseconds), then optionally `Z`/`z`,
  `+HH:MM`, `+HHMM` or `+HH` (or `-`); offsets need a time, their minutes < 60 and their
  hours < 24. No 24:00, no leap second, no surrounding whitespace. Date only = midnight
  UTC; no offset = UTC.
* Folders are expanded recursively; files ending `.ndjson`, `.jsonl` (optionally `.gz`)
  or `.parquet` (case-insensitive) are loaded in lexicographic order of their path strings;
  other files are ignored. Paths given one by one load in the order given.
* File identity is the sha256 of the bytes as stored (compressed bytes for `.gz`).
* Parquet: one row = one line; `properties` is JSON text (null = `{}`); a column that is
  absent is a field that is absent.

Outcomes (3, 4)
* A property path walks nested objects only: the path `a.b` never reads a literal key
  `a.b`; walking through a non-object (array, string, ...) is "missing".
* Typed equality (match conditions and dedupe): null / boolean / number / string / object
  / array are distinct kinds; numbers compare as Decimal; objects and arrays compare by
  canonical JSON (sorted keys, numbers normalised).
* Dedupe runs over outcomes (events that matched an active goal), per goal.
* Plain decimal string: `^-?[0-9]+(\\.[0-9]+)?$` exactly ("+1", ".5", "1.", " 1", "1e3",
  "12,50", "NaN", "" are not numbers).
* `value_mode = none`: no value, no currency and no value_issue, even when a currency
  property is configured and invalid on the event (currency is only evaluated for an
  outcome that has a value).
* A currency code property must be a JSON string whose `str.upper()` is an ISO 4217 code;
  `""` is present (not missing) and therefore invalid; no trimming.
* A base value from a property may be a number or a plain-decimal string.
* `base_value_source` is null when the outcome has no value.
* `hours_since_chat` = exact seconds / 3600 (Decimal).
* dim_conversations: started_at / last_activity_at / event_count are over every accepted
  event carrying the conversation id (widget and server).
* agg_goal_outcomes_daily: revenue measures are the SUM of the non-null values; None when
  no value contributed (a group of goals that only count has no revenue, not a revenue of
  0); chat-driven revenue of a group with values is 0 when no chat-driven outcome has one.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

# --------------------------------------------------------------------------- JSON


class JsonProblem(ValueError):
    """The text is not strict JSON."""


def _no_constants(name: str) -> Any:
    raise JsonProblem(f"{name} is not valid JSON")


class JsonObject(dict):  # type: ignore[type-arg]
    """A parsed object that remembers its first duplicate key (the first value wins)."""

    duplicate_key: str | None = None


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = JsonObject()
    for key, value in pairs:
        if key in out:
            if out.duplicate_key is None:
                out.duplicate_key = key
            continue
        out[key] = value
    return out


def _check_duplicate_key(value: Any) -> None:
    if isinstance(value, JsonObject) and value.duplicate_key is not None:
        raise JsonProblem(f"duplicate key {value.duplicate_key!r}")


class JsonNumber(Decimal):
    """A Decimal that remembers how the number was spelled in the JSON text."""

    text: str

    def __new__(cls, text: str) -> JsonNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number


def parse_json(text: str) -> Any:
    """Strict JSON with exact numbers: every number becomes a Decimal (a JsonNumber)."""
    try:
        return json.loads(
            text,
            parse_float=JsonNumber,
            parse_int=JsonNumber,
            parse_constant=_no_constants,
            object_pairs_hook=_no_duplicate_keys,
        )
    except JsonProblem:
        raise
    except (ValueError, RecursionError) as exc:
        raise JsonProblem(str(exc)) from exc


MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()


def json_kind(value: Any) -> str:
    """JSON type of a parsed value. bool is checked before numbers (True == 1 trap)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, Decimal | int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    raise TypeError(f"not a JSON value: {value!r}")


def _canonical_number(value: Decimal | int | float) -> str:
    d = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if d.is_zero():
        return "0"
    d = d.normalize()
    sign, digits, exp = d.as_tuple()
    text = "".join(map(str, digits))
    if exp >= 0:
        text = text + "0" * exp
    else:
        point = len(text) + exp
        text = ("0" * (1 - point) + text) if point <= 0 else text
        point = len(text) + exp
        text = text[:point] + "." + text[point:]
    return ("-" if sign else "") + text


def canonical_json(value: Any) -> str:
    """Canonical JSON text: sorted keys, no spaces, numbers in plain normalised form."""
    kind = json_kind(value)
    if kind == "null":
        return "null"
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "number":
        return _canonical_number(value)
    if kind == "string":
        return json.dumps(value, ensure_ascii=False)
    if kind == "array":
        return "[" + ",".join(canonical_json(v) for v in value) + "]"
    items = sorted(value.items())
    return (
        "{"
        + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{canonical_json(v)}" for k, v in items)
        + "}"
    )


def typed_key(value: Any) -> tuple[str, Any]:
    """A hashable key such that typed_key(a) == typed_key(b) iff a and b are typed-equal."""
    kind = json_kind(value)
    if kind == "null":
        return ("null", None)
    if kind == "boolean":
        return ("boolean", bool(value))
    if kind == "number":
        return ("number", _canonical_number(value))
    if kind == "string":
        return ("string", value)
    return (kind, canonical_json(value))


def typed_equal(a: Any, b: Any) -> bool:
    return typed_key(a) == typed_key(b)


def at_path(properties: Any, path: str) -> Any:
    """Walk nested objects by dots; MISSING when a step is absent or not an object."""
    current = properties
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current:
            return MISSING
        current = current[part]
    return current


_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def as_number(value: Any) -> Decimal | None:
    """A JSON number, or a string holding a plain decimal; None for anything else."""
    kind = json_kind(value)
    if kind == "number":
        return Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if kind == "string" and _PLAIN_DECIMAL.fullmatch(value):
        return Decimal(value)
    return None


_ISO_CODES: frozenset[str] | None = None


def iso_codes() -> frozenset[str]:
    global _ISO_CODES
    if _ISO_CODES is None:
        from iso4217 import Currency

        _ISO_CODES = frozenset(c.code for c in Currency)
    return _ISO_CODES


def as_currency(value: Any) -> str | None:
    """Upper-cased ISO 4217 code from a JSON string; None when invalid."""
    if isinstance(value, str):
        code = value.upper()
        if code in iso_codes():
            return code
    return None


# --------------------------------------------------------------------------- timestamps

_TS = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})"
    r"(?:[Tt ](?P<h>[0-9]{2}):(?P<mi>[0-9]{2})"
    r"(?::(?P<s>[0-9]{2})(?:\.(?P<f>[0-9]{1,9}))?)?"
    r"(?P<tz>[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
)


class BadTimestamp(ValueError):
    pass


def parse_timestamp(text: str) -> datetime:
    """Parse an event timestamp (see module docstring) into an aware UTC datetime."""
    m = _TS.fullmatch(text)
    if not m:
        raise BadTimestamp(f"occurred_at {text!r} is not an ISO 8601 timestamp")
    try:
        hour = int(m["h"] or 0)
        minute = int(m["mi"] or 0)
        second = int(m["s"] or 0)
        micro = int((m["f"] or "")[:6].ljust(6, "0"))
        local = datetime(int(m["y"]), int(m["mo"]), int(m["d"]), hour, minute, second, micro)
    except ValueError as exc:
        raise BadTimestamp(f"occurred_at {text!r} is not a real date/time: {exc}") from exc
    tz = m["tz"]
    offset = timedelta(0)
    if tz and tz not in ("Z", "z"):
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        oh, om = int(digits[:2]), int(digits[2:4] or 0)
        if oh > 23 or om > 59:
            raise BadTimestamp(f"occurred_at {text!r} has an impossible offset")
        offset = sign * timedelta(hours=oh, minutes=om)
    try:
        return local.replace(tzinfo=timezone(offset)).astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise BadTimestamp(f"occurred_at {text!r} is out of range") from exc


# --------------------------------------------------------------------------- ingest


@dataclass
class Event:
    workspace_id: str
    event_id: str
    name: str
    occurred_at: datetime  # aware, UTC
    source: str
    conversation_id: str | None
    customer_id: str | None
    flow_id: str | None
    properties: dict[str, Any]
    file_sha256: str = ""
    line_number: int = 0


@dataclass
class FileCounts:
    sha256: str
    path: str
    file_format: str
    size_bytes: int
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicate: int = 0
    reject_lines: list[int] = field(default_factory=list)
    duplicate_lines: list[int] = field(default_factory=list)
    duplicate_keys: list[tuple[str, str]] = field(default_factory=list)  # (workspace, event)
    skipped_paths: list[str] = field(default_factory=list)  # same bytes loaded again


@dataclass
class Reject:
    file_sha256: str
    file_path: str
    line_number: int
    raw_text: str
    reason: str


class Rejected(ValueError):
    pass


_REQUIRED = ("event_id", "workspace_id", "name", "occurred_at")
_OPTIONAL = ("conversation_id", "customer_id", "flow_id")
_SUFFIXES = (".ndjson", ".jsonl", ".ndjson.gz", ".jsonl.gz", ".parquet")


def validate_event(obj: Any, *, properties_is_text: bool = False) -> Event:
    """Turn one parsed JSON value (or Parquet row) into an Event, or raise Rejected."""
    if not isinstance(obj, dict):
        raise Rejected(f"line is a JSON {json_kind(obj)}, not an object")
    for name in _REQUIRED:
        value = obj.get(name)
        if value is None:
            raise Rejected(f"required field {name} is missing")
        if not isinstance(value, str):
            raise Rejected(f"field {name} must be a string, not a {json_kind(value)}")
        if value == "":
            raise Rejected(f"required field {name} is empty")
    optional: dict[str, str | None] = {}
    for name in _OPTIONAL:
        value = obj.get(name)
        if value is not None and not isinstance(value, str):
            raise Rejected(f"field {name} must be a string, not a {json_kind(value)}")
        optional[name] = value or None
    source = obj.get("source")
    if source is not None and not isinstance(source, str):
        raise Rejected(f"field source must be a string, not a {json_kind(source)}")
    if source in (None, ""):
        source = "widget"
    if source not in ("widget", "server"):
        raise Rejected(f"source {source!r} is neither 'widget' nor 'server'")
    try:
        occurred_at = parse_timestamp(obj["occurred_at"])
    except BadTimestamp as exc:
        raise Rejected(str(exc)) from exc
    props = obj.get("properties")
    if properties_is_text and isinstance(props, str):
        try:
            props = parse_json(props)
            _check_duplicate_key(props)
        except JsonProblem as exc:
            raise Rejected(f"properties is not valid JSON: {exc}") from exc
    if props is None:
        props = {}
    if not isinstance(props, dict):
        raise Rejected(f"properties must be an object, not a {json_kind(props)}")
    return Event(
        workspace_id=obj["workspace_id"],
        event_id=obj["event_id"],
        name=obj["name"],
        occurred_at=occurred_at,
        source=source,
        conversation_id=optional["conversation_id"],
        customer_id=optional["customer_id"],
        flow_id=optional["flow_id"],
        properties=props,
    )


def discover(paths: Sequence[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = [f for f in p.rglob("*") if f.is_file() and f.name.lower().endswith(_SUFFIXES)]
            out.extend(sorted(found, key=str))
        else:
            out.append(p)
    return out


def _ndjson_lines(data: bytes) -> Iterable[tuple[int, str | None, str]]:
    """(line_number, text or None when undecodable, raw text) of every non-blank line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    chunks = data.split(b"\n")
    if chunks and chunks[-1] == b"":
        chunks.pop()
    for number, chunk in enumerate(chunks, start=1):
        if chunk.endswith(b"\r"):
            chunk = chunk[:-1]
        try:
            text: str | None = chunk.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        raw = chunk.decode("utf-8", errors="replace")
        if text is not None and (text == "" or text.isspace()):
            continue
        yield number, text, raw


def _parquet_rows(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    import pyarrow.parquet as pq

    yield from enumerate(pq.read_table(path).to_pylist(), start=1)


def _parquet_value(value: Any) -> Any:
    """Parquet scalars into JSON-like values (timestamps become ISO text)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    return value


def reference_ingest(
    paths: Sequence[str | Path],
) -> tuple[list[Event], dict[str, FileCounts], list[Reject]]:
    """Reference 2.1: (accepted events in load order, counts per file sha256, rejects)."""
    events: list[Event] = []
    counts: dict[str, FileCounts] = {}
    rejects: list[Reject] = []
    seen: set[tuple[str, str]] = set()
    for path in discover(paths):
        stored = path.read_bytes()
        sha = hashlib.sha256(stored).hexdigest()
        if sha in counts:
            counts[sha].skipped_paths.append(str(path))
            continue
        is_parquet = path.name.lower().endswith(".parquet")
        fc = FileCounts(sha, str(path), "parquet" if is_parquet else "ndjson", len(stored))
        counts[sha] = fc

        def handle(
            number: int,
            obj: Any,
            raw: str,
            problem: str | None,
            fc: FileCounts = fc,
            sha: str = sha,
            path: Path = path,
            is_parquet: bool = is_parquet,
        ) -> None:
            fc.read += 1
            event = None
            if problem is None:
                try:
                    event = validate_event(obj, properties_is_text=is_parquet)
                except Rejected as exc:
                    problem = str(exc)
            if event is None:
                fc.rejected += 1
                fc.reject_lines.append(number)
                rejects.append(Reject(sha, str(path), number, raw, problem or "?"))
                return
            key = (event.workspace_id, event.event_id)
            if key in seen:
                fc.duplicate += 1
                fc.duplicate_lines.append(number)
                fc.duplicate_keys.append(key)
                return
            seen.add(key)
            event.file_sha256, event.line_number = sha, number
            fc.accepted += 1
            events.append(event)

        if is_parquet:
            for number, row in _parquet_rows(path):
                obj = {
                    k: (v if k == "properties" else _parquet_value(v))
                    for k, v in row.items()
                    if v is not None
                }
                handle(number, obj, json.dumps(row, default=str), None)
        else:
            data = gzip.decompress(stored) if path.name.lower().endswith(".gz") else stored
            for number, text, raw in _ndjson_lines(data):
                if text is None:
                    handle(number, None, raw, "line is not valid UTF-8")
                    continue
                try:
                    obj = parse_json(text)
                    _check_duplicate_key(obj)
                    if isinstance(obj, dict):
                        _check_duplicate_key(obj.get("properties"))
                except JsonProblem as exc:
                    handle(number, None, raw, f"line is not one JSON object: {exc}")
                    continue
                handle(number, obj, raw, None)
    return events, counts, rejects


# --------------------------------------------------------------------------- seeds


def read_csv(path: str | Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _cell(row: dict[str, Any], key: str) -> str | None:
    value = row.get(key)
    return None if value is None or value == "" else value


@dataclass
class Goal:
    workspace_id: str
    code: str
    kind: str
    is_primary: bool
    trigger_event: str
    conditions: dict[str, Any]
    value_mode: str
    fixed_value: Decimal | None
    value_property: str | None
    currency: str | None
    currency_property: str | None
    base_value_property: str | None
    base_currency_property: str | None
    window_hours: int
    dedupe_property: str | None


def parse_goal(row: dict[str, Any]) -> Goal:
    conditions_text = _cell(row, "match_conditions")
    conditions = parse_json(conditions_text) if conditions_text else {}
    fixed = _cell(row, "fixed_value")
    window = _cell(row, "attribution_window_hours")
    currency = _cell(row, "currency")
    return Goal(
        workspace_id=row["workspace_id"],
        code=row["code"],
        kind=row["kind"],
        is_primary=(_cell(row, "is_primary") or "false").lower() == "true",
        trigger_event=row["trigger_event"],
        conditions=conditions,
        value_mode=row["value_mode"],
        fixed_value=Decimal(fixed) if fixed is not None else None,
        value_property=_cell(row, "value_property"),
        currency=currency.upper() if currency else None,
        currency_property=_cell(row, "currency_property"),
        base_value_property=_cell(row, "base_value_property"),
        base_currency_property=_cell(row, "base_currency_property"),
        window_hours=int(window) if window is not None else 168,
        dedupe_property=_cell(row, "dedupe_property"),
    )


class StatusHistory:
    """Goal status at an instant (reference 2.3); same instant: the later CSV row wins."""

    def __init__(self, rows: Iterable[dict[str, Any]]):
        self._changes: dict[tuple[str, str], list[tuple[datetime, int, str]]] = defaultdict(list)
        for index, row in enumerate(rows):
            at = row["changed_at"]
            at = at if isinstance(at, datetime) else parse_timestamp(at)
            self._changes[(row["workspace_id"], row["goal_code"])].append(
                (at, index, row["status"])
            )

    def status_at(self, workspace_id: str, code: str, at: datetime) -> str:
        best = None
        for change in self._changes.get((workspace_id, code), []):
            if change[0] <= at and (best is None or change[:2] > best[:2]):
                best = change
        return best[2] if best else "active"


@dataclass
class Workspace:
    workspace_id: str
    base_currency: str
    timezone: str


def parse_workspaces(rows: Iterable[dict[str, Any]]) -> dict[str, Workspace]:
    return {
        r["workspace_id"]: Workspace(
            r["workspace_id"], r["base_currency"].upper(), _cell(r, "timezone") or "UTC"
        )
        for r in rows
    }


# --------------------------------------------------------------------------- outcomes


def _conditions_match(conditions: dict[str, Any], properties: dict[str, Any]) -> bool:
    for key, expected in conditions.items():
        if key not in properties or not typed_equal(properties[key], expected):
            return False
    return True


@dataclass
class Conversation:
    workspace_id: str
    conversation_id: str
    customer_id: str | None
    flow_id: str | None
    started_at: datetime
    last_activity_at: datetime
    event_count: int


def conversations(events: Iterable[Event]) -> dict[tuple[str, str], Conversation]:
    grouped: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for e in events:
        if e.conversation_id is not None:
            grouped[(e.workspace_id, e.conversation_id)].append(e)
    out = {}
    for (ws, cid), evs in grouped.items():
        evs.sort(key=lambda e: (e.occurred_at, e.event_id))
        customers = [e.customer_id for e in evs if e.customer_id is not None]
        flows = [e.flow_id for e in evs if e.flow_id is not None]
        out[(ws, cid)] = Conversation(
            ws,
            cid,
            customers[-1] if customers else None,
            flows[0] if flows else None,
            evs[0].occurred_at,
            max(e.occurred_at for e in evs),
            len(evs),
        )
    return out


def reference_dim_conversations(events: Sequence[Event]) -> list[dict[str, Any]]:
    return [vars(c).copy() for c in conversations(events).values()]


def _hours(delta: timedelta) -> Decimal:
    micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    with localcontext() as ctx:
        ctx.prec = 40
        return Decimal(micros) / Decimal(3_600_000_000)


_ISSUE_ORDER = (
    "value_missing",
    "value_not_numeric",
    "currency_invalid",
    "base_value_not_numeric",
    "base_currency_invalid",
)


def value_outcome(goal: Goal, properties: dict[str, Any], base_currency: str) -> dict[str, Any]:
    """Reference 3.2 for one outcome: value, currency, base_value, base_currency, source, issue."""
    issues: list[str] = []
    value: Decimal | None = None
    if goal.value_mode == "fixed":
        value = goal.fixed_value
    elif goal.value_mode == "from_property":
        raw = at_path(properties, goal.value_property or "")
        if raw is MISSING or raw is None:
            issues.append("value_missing")
        else:
            value = as_number(raw)
            if value is None:
                issues.append("value_not_numeric")
    out: dict[str, Any] = {
        "value": value,
        "currency": None,
        "base_value": None,
        "base_currency": None,
        "base_value_source": None,
    }
    if value is not None:
        currency = None
        if goal.currency_property:
            raw = at_path(properties, goal.currency_property)
            if raw is not MISSING and raw is not None:
                currency = as_currency(raw)
                if currency is None:
                    issues.append("currency_invalid")
        out["currency"] = currency or goal.currency or base_currency
        out["base_value"], out["base_value_source"] = value, "display"
        if goal.base_value_property:
            raw = at_path(properties, goal.base_value_property)
            if raw is not MISSING and raw is not None:
                number = as_number(raw)
                if number is None:
                    issues.append("base_value_not_numeric")
                else:
                    out["base_value"], out["base_value_source"] = number, "property"
        base = None
        if goal.base_currency_property:
            raw = at_path(properties, goal.base_currency_property)
            if raw is not MISSING and raw is not None:
                base = as_currency(raw)
                if base is None:
                    issues.append("base_currency_invalid")
        out["base_currency"] = base or base_currency
    out["value_issue"] = next((i for i in _ISSUE_ORDER if i in issues), None)
    return out


def reference_outcomes(
    events: Sequence[Event],
    goals_rows: Iterable[dict[str, Any]],
    status_rows: Iterable[dict[str, Any]],
    workspaces_rows: Iterable[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Reference 3 and 4: every row of fct_goal_outcomes."""
    goals = [parse_goal(r) for r in goals_rows]
    status = StatusHistory(status_rows)
    workspaces = parse_workspaces(workspaces_rows)
    convs = conversations(events)

    # chat activity per (workspace, customer of the conversation)
    activity: dict[tuple[str, str], list[tuple[datetime, str]]] = defaultdict(list)
    for e in events:
        if e.source == "widget" and e.conversation_id is not None:
            owner = convs[(e.workspace_id, e.conversation_id)].customer_id
            if owner is not None:
                activity[(e.workspace_id, owner)].append((e.occurred_at, e.conversation_id))

    by_trigger: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for e in events:
        by_trigger[(e.workspace_id, e.name)].append(e)

    rows: list[dict[str, Any]] = []
    for goal in goals:
        matched = [
            e
            for e in by_trigger.get((goal.workspace_id, goal.trigger_event), [])
            if status.status_at(goal.workspace_id, goal.code, e.occurred_at) == "active"
            and _conditions_match(goal.conditions, e.properties)
        ]
        matched.sort(key=lambda e: (e.occurred_at, e.event_id))
        if goal.dedupe_property:
            kept, seen = [], set()
            for e in matched:
                raw = at_path(e.properties, goal.dedupe_property)
                if raw is MISSING or raw is None:
                    kept.append(e)
                    continue
                key = typed_key(raw)
                if key not in seen:
                    seen.add(key)
                    kept.append(e)
            matched = kept
        ws = workspaces.get(goal.workspace_id)
        for e in matched:
            row: dict[str, Any] = {
                "outcome_id": f"{goal.workspace_id}:{goal.code}:{e.event_id}",
                "workspace_id": goal.workspace_id,
                "goal_code": goal.code,
                "goal_kind": goal.kind,
                "is_primary": goal.is_primary,
                "event_id": e.event_id,
                "event_name": e.name,
                "event_source": e.source,
                "occurred_at": e.occurred_at,
                "customer_id": e.customer_id,
            }
            conv, attribution, hours = None, None, None
            if e.conversation_id is not None:
                conv = e.conversation_id
                attribution = "in_chat" if e.source == "widget" else "explicit"
            elif e.customer_id is not None:
                prior = [
                    a
                    for a in activity.get((e.workspace_id, e.customer_id), [])
                    if a[0] <= e.occurred_at
                ]
                if not prior:
                    attribution = "no_conversation"
                else:
                    at, cid = max(prior)
                    delta = e.occurred_at - at
                    hours = _hours(delta)
                    if delta <= timedelta(hours=goal.window_hours):
                        conv, attribution = cid, "window"
                    else:
                        attribution = "outside_window"
            else:
                attribution = "no_customer"
            credited = convs.get((e.workspace_id, conv)) if conv is not None else None
            row.update(
                conversation_id=conv,
                flow_id=credited.flow_id if credited else None,
                attribution=attribution,
                is_chat_driven=conv is not None,
                hours_since_chat=hours,
            )
            row.update(value_outcome(goal, e.properties, ws.base_currency if ws else None))
            rows.append(row)
    return rows


def local_day(at: datetime, tz_name: str | None) -> date:
    return at.astimezone(ZoneInfo(tz_name or "UTC")).date()


def _add(total: Decimal | None, value: Decimal | None) -> Decimal | None:
    if value is None:
        return total
    with localcontext() as ctx:
        ctx.prec = 60
        return value if total is None else total + value


def reference_daily(
    outcomes: Iterable[dict[str, Any]], workspaces_rows: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """agg_goal_outcomes_daily: group by workspace, local day, goal, currency, base currency."""
    workspaces = parse_workspaces(workspaces_rows)
    groups: dict[tuple, dict[str, Any]] = {}
    for o in outcomes:
        ws = workspaces.get(o["workspace_id"])
        day = local_day(o["occurred_at"], ws.timezone if ws else "UTC")
        key = (o["workspace_id"], day, o["goal_code"], o["currency"], o["base_currency"])
        g = groups.setdefault(
            key,
            {
                "workspace_id": key[0],
                "local_date": day,
                "goal_code": key[2],
                "currency": key[3],
                "base_currency": key[4],
                "outcomes": 0,
                "chat_driven_outcomes": 0,
                "revenue": None,
                "chat_driven_revenue": None,
                "base_revenue": None,
                "chat_driven_base_revenue": None,
            },
        )
        g["outcomes"] += 1
        g["revenue"] = _add(g["revenue"], o["value"])
        g["base_revenue"] = _add(g["base_revenue"], o["base_value"])
        if o["is_chat_driven"]:
            g["chat_driven_outcomes"] += 1
            g["chat_driven_revenue"] = _add(g["chat_driven_revenue"], o["value"])
            g["chat_driven_base_revenue"] = _add(g["chat_driven_base_revenue"], o["base_value"])
    for g in groups.values():
        for total, part in (
            ("revenue", "chat_driven_revenue"),
            ("base_revenue", "chat_driven_base_revenue"),
        ):
            if g[total] is not None and g[part] is None:
                g[part] = Decimal(0)
    return list(groups.values())


def reference_for_dataset(dataset_dir: str | Path) -> dict[str, Any]:
    """Everything for a dataset laid out by demo.edge_cases (seeds/ and events/)."""
    root = Path(dataset_dir)
    events, counts, rejects = reference_ingest([root / "events"])
    goals = read_csv(root / "seeds" / "goals.csv")
    status = read_csv(root / "seeds" / "goal_status_changes.csv")
    workspaces = read_csv(root / "seeds" / "workspaces.csv")
    outcomes = reference_outcomes(events, goals, status, workspaces)
    return {
        "events": events,
        "file_counts": counts,
        "rejects": rejects,
        "outcomes": outcomes,
        "dim_conversations": reference_dim_conversations(events),
        "daily": reference_daily(outcomes, workspaces),
    }
