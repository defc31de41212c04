"""Workload shapes for the benchmark matrix: event files and the seeds that go with them.

    python bench/workloads.py --shape goal_dense --events 1000000 --out DIR [--seed 42]
    python bench/workloads.py --list

A shape (:class:`Shape`) fixes what varies between workloads: outcomes per event, goals
per workspace, workspaces, purchases and the share of them that arrive server-side without
a conversation id, files per load, the size of ``properties`` and the share of
late-arriving events in the next day's file. :data:`SHAPES` holds a realistic ``middle``
and variants of it that change one of these at a time (plus ``goal_dense``, the shape of
a reported slow build).

:func:`generate` writes into one folder:

* ``history/events-NNNNN.ndjson``: the data set, cut by time into ``files`` files of
  equal line counts (lexicographic order = time order);
* ``next-day/events-next-day.ndjson``: the following day's load, about 1 % of the
  events: the day's chats and purchases (customers of the history buy again), plus
  ``late_share`` of it that occurred 12 to 72 hours before the day;
* ``seeds/goals.csv``, ``goal_status_changes.csv``, ``workspaces.csv``: goals whose
  match conditions make the events produce the shape's outcomes per event (every value
  mode, currency and base-value properties, ``dedupe_property``, nested paths, window
  overrides), a few pauses and an archival, workspaces in several time zones and base
  currencies;
* ``manifest.json``, written last: the shape, the counts and the expected outcomes per
  event. Its presence marks a complete data set (the benchmark's cache).

How the outcomes per event are hit: every goal listens to one event name and, unless it
matches every event of that name, requires one "selector" property (``section`` for
``page_view``, ``slot`` for ``add_to_cart``...) to equal its value; half of them also
require ``schema_version: 2``, which every event carries. With ``c`` goals on a name
whose selectors take ``K`` values round-robin, an event whose selector falls among the
``K`` covered values (probability ``q``; otherwise it gets a value no goal asks for)
matches ``c / K`` goals on average. The goals are spread over the names roughly by their
share of the events, and ``K`` and ``q`` per name are solved so that the expected matches
per event equal the target (:func:`plan_goals`). Pauses, the archival, duplicate lines
and echoed order ids (deduplicated by the purchase goal) take off a percent or two.

Fast: the random draws are numpy arrays, and DuckDB formats and writes the JSON (10M
events take about a minute). Deterministic: the output depends only on the shape, the
event count and the seed.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

#: Bumped whenever the output for the same arguments changes (part of the cache key).
GENERATOR_VERSION = 3
#: Most lines generated at once (the generator's memory bound: ~0.6 GB per million).
CHUNK_EVENTS = 1_000_000
DEFAULT_SEED = 42
START = datetime(2026, 9, 1, tzinfo=UTC)
DAYS = 60
HISTORY_DIR = "history"
NEXT_DAY_DIR = "next-day"
SEEDS_DIR = "seeds"
MANIFEST = "manifest.json"
NEXT_DAY_FILE = "events-next-day.ndjson"
SEED_FILES = ("goals.csv", "goal_status_changes.csv", "workspaces.csv")

_HOUR_MS = 3_600_000
_DAY_MS = 24 * _HOUR_MS


# --------------------------------------------------------------------------- shapes


@dataclass(frozen=True)
class Shape:
    """What a workload looks like. Shares are of the (unique) events unless stated."""

    name: str
    description: str
    outcomes_per_event: float = 1.0
    goals_per_workspace: int = 10
    workspaces: int = 3
    #: share of the events that are purchases
    purchase_share: float = 0.10
    #: share of the purchases sent server-side without a conversation id (attributed by
    #: the customer's latest chat within the window)
    server_share: float = 0.05
    #: files the history is cut into (the next day is always one file)
    files: int = 8
    #: "small" (about 150 B of properties) or "large" (about 2 KB: nested objects, long
    #: strings)
    properties: str = "small"
    #: share of the next day's lines that occurred 12-72 hours before that day
    late_share: float = 0.02
    #: share of the lines that repeat an earlier line (counted as duplicates by the load)
    duplicate_share: float = 0.002

    def key(self) -> str:
        """A short digest of everything that shapes the output (the cache key)."""
        fields = asdict(self)
        fields.pop("description")
        fields["generator"] = GENERATOR_VERSION
        text = json.dumps(fields, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:8]


MIDDLE = Shape(
    name="middle",
    description="the realistic middle: 1 outcome/event, 3 workspaces x 10 goals, "
    "10 % purchases (5 % of them server-side without conversation), 8 files, small "
    "properties, 2 % late events",
)


def _variant(name: str, description: str, **changes: Any) -> Shape:
    return replace(MIDDLE, name=name, description=description, **changes)


SHAPES: dict[str, Shape] = {
    shape.name: shape
    for shape in (
        MIDDLE,
        _variant(
            "sparse_outcomes", "0.1 outcome/event (the demo's density)", outcomes_per_event=0.1
        ),
        _variant("dense_outcomes", "3 outcomes/event", outcomes_per_event=3.0),
        _variant("many_goals", "300 goals per workspace", goals_per_workspace=300),
        _variant("many_workspaces", "300 workspaces (Zipf-sized)", workspaces=300),
        _variant(
            "server_heavy",
            "40 % of purchases server-side without conversation id",
            server_share=0.40,
        ),
        _variant("one_file", "the history in 1 file", files=1),
        _variant("many_files", "the history in 500 small files", files=500),
        _variant(
            "large_properties",
            "about 2 KB of properties (nested objects, long strings)",
            properties="large",
        ),
        _variant("late_heavy", "30 % of the next day's events arrive late", late_share=0.30),
        Shape(
            name="goal_dense",
            description="the reported slow shape: 40 goals over 2 workspaces, ~2 "
            "outcomes/event, 15 % purchases, 8 files",
            outcomes_per_event=2.0,
            goals_per_workspace=20,
            workspaces=2,
            purchase_share=0.15,
        ),
    )
}


def get_shape(name: str) -> Shape:
    try:
        return SHAPES[name]
    except KeyError:
        known = ", ".join(SHAPES)
        raise ValueError(f"unknown shape {name!r}: choose one of {known}") from None


# --------------------------------------------------------------------------- goal plan


@dataclass(frozen=True)
class EventName:
    name: str
    weight: float  # share among the non-purchase events (purchases: unused)
    selector: str  # the property the goals' conditions test
    numeric: bool  # selector values are numbers (else strings with a prefix)
    prefix: str
    kind: str  # kind of the goals on it


PURCHASE = "purchase"
EVENT_NAMES: tuple[EventName, ...] = (
    EventName("page_view", 0.40, "section", False, "s", "engagement"),
    EventName("message_sent", 0.26, "intent", False, "i", "engagement"),
    EventName("add_to_cart", 0.14, "slot", True, "", "engagement"),
    EventName("form_submit", 0.12, "form", False, "f", "conversion"),
    EventName("widget_opened", 0.08, "placement", False, "p", "custom"),
    EventName(PURCHASE, 0.0, "channel", False, "c", "conversion"),
)


@dataclass(frozen=True)
class NamePlan:
    """The goals on one event name: ``goals`` of them, selector values ``0..values-1``
    round-robin; an event's selector is a covered value with probability ``covered``."""

    name: str
    share: float
    goals: int
    values: int
    covered: float

    @property
    def rate(self) -> float:
        """Expected matches of one event of this name."""
        return self.covered * self.goals / self.values if self.goals else 0.0


@dataclass(frozen=True)
class GoalPlan:
    names: tuple[NamePlan, ...]

    @property
    def outcomes_per_event(self) -> float:
        return sum(p.share * p.rate for p in self.names)

    def by_name(self) -> dict[str, NamePlan]:
        return {p.name: p for p in self.names}


def name_shares(shape: Shape) -> dict[str, float]:
    """Share of the events per name."""
    rest = 1.0 - shape.purchase_share
    shares = {n.name: n.weight * rest for n in EVENT_NAMES if n.name != PURCHASE}
    shares[PURCHASE] = shape.purchase_share
    return shares


def _allocate(goals: int, shares: dict[str, float], target: float) -> dict[str, int]:
    """Goals per name: proportional to the names' shares (purchases get at least one),
    then moved from the rarest names to the most frequent until the target is reachable
    with some slack (each goal matches each event at most once)."""
    names = sorted(shares, key=lambda n: -shares[n])
    raw = {n: goals * shares[n] for n in names}
    counts = {n: math.floor(raw[n]) for n in names}
    for n in sorted(names, key=lambda n: -(raw[n] - counts[n]))[: goals - sum(counts.values())]:
        counts[n] += 1
    if counts[PURCHASE] == 0:
        donor = max(names, key=lambda n: counts[n])
        counts[donor] -= 1
        counts[PURCHASE] = 1

    def reachable() -> float:
        return sum(shares[n] * counts[n] for n in names)

    top = names[0]
    while reachable() < 1.1 * target:
        donors = [n for n in reversed(names) if n != top and counts[n] > (n == PURCHASE)]
        if not donors:
            raise ValueError(
                f"{goals} goals per workspace cannot reach {target} outcomes per event"
            )
        counts[donors[0]] -= 1
        counts[top] += 1
    return counts


def plan_goals(shape: Shape) -> GoalPlan:
    """Goals per event name and the selector layout that yields the shape's outcomes per
    event (in expectation): water-filling, each name matches min(goals, level) per event,
    with the level that makes the weighted sum the target."""
    shares = name_shares(shape)
    counts = _allocate(shape.goals_per_workspace, shares, shape.outcomes_per_event)
    target = shape.outcomes_per_event

    def total(level: float) -> float:
        return sum(shares[n] * min(counts[n], level) for n in shares)

    low, high = 0.0, float(max(counts.values()))
    for _ in range(100):
        mid = (low + high) / 2
        low, high = (mid, high) if total(mid) < target else (low, mid)
    level = high
    plans = []
    for event in EVENT_NAMES:
        n = event.name
        goals = counts[n]
        rate = min(goals, level)
        if goals == 0:
            plans.append(NamePlan(n, shares[n], 0, 1, 0.0))
            continue
        per_value = max(1, math.ceil(rate - 1e-9))
        values = max(1, goals // per_value)
        covered = min(1.0, rate * values / goals)
        plans.append(NamePlan(n, shares[n], goals, values, covered))
    return GoalPlan(tuple(plans))


# --------------------------------------------------------------------------- seeds


BASE_CURRENCIES = ("EUR", "USD", "GBP", "JPY", "CHF", "SEK", "CAD", "AUD")
#: value of one unit of the first currency in the second's units (display -> base)
_PER_EUR = {
    "EUR": 1.0,
    "USD": 1.08,
    "GBP": 0.85,
    "JPY": 160.0,
    "CHF": 0.95,
    "SEK": 11.5,
    "CAD": 1.47,
    "AUD": 1.64,
}
TIME_ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Europe/London",
)


def workspace_ids(shape: Shape) -> list[str]:
    return [f"ws_{i + 1:04d}" for i in range(shape.workspaces)]


def _iso(ms: int) -> str:
    moment = START + timedelta(milliseconds=ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def goal_code(name: str, index: int) -> str:
    return f"{name}_{index:03d}"


def _condition(event: EventName, value: int, schema: bool) -> str:
    selector: Any = value if event.numeric else f"{event.prefix}{value}"
    conditions: dict[str, Any] = {event.selector: selector}
    if schema:
        conditions["schema_version"] = 2
    return json.dumps(conditions)


def goal_rows(shape: Shape, plan: GoalPlan) -> list[dict[str, str]]:
    """goals.csv: per workspace, the same layout of goals (plan_goals)."""
    rows: list[dict[str, str]] = []
    plans = plan.by_name()
    for w, ws in enumerate(workspace_ids(shape)):
        base = BASE_CURRENCIES[w % len(BASE_CURRENCIES)]
        for event in EVENT_NAMES:
            p = plans[event.name]
            for j in range(p.goals):
                unconditional = p.values == 1 and p.covered >= 1.0
                conditions = "" if unconditional else _condition(event, j % p.values, j % 2 == 1)
                row = {
                    "workspace_id": ws,
                    "code": goal_code(event.name, j),
                    "name": f"{event.name.replace('_', ' ').capitalize()} {j}",
                    "description": f"Benchmark goal {j} on {event.name}",
                    "kind": event.kind,
                    "is_primary": "true" if (event.name == PURCHASE and j == 0) else "false",
                    "trigger_event": event.name,
                    "match_conditions": conditions,
                    "value_mode": "none",
                    "fixed_value": "",
                    "value_property": "",
                    "currency": "",
                    "currency_property": "",
                    "base_value_property": "",
                    "base_currency_property": "",
                    "attribution_window_hours": "",
                    "dedupe_property": "",
                }
                if event.name == PURCHASE and j % 3 == 0:
                    # the full money configuration, nested base paths, deduplicated orders
                    row.update(
                        value_mode="from_property",
                        value_property="grand_total",
                        currency=base,
                        currency_property="currency",
                        base_value_property="totals.base",
                        base_currency_property="totals.currency",
                        dedupe_property="order_id",
                    )
                elif event.name == PURCHASE and j % 3 == 1:
                    row.update(
                        value_mode="from_property",
                        value_property="grand_total",
                        currency_property="currency",
                        attribution_window_hours="72",
                    )
                elif event.name == PURCHASE:
                    row.update(value_mode="fixed", fixed_value="1.00", currency="EUR")
                elif event.name == "form_submit":
                    row.update(
                        value_mode="fixed",
                        fixed_value="2.50",
                        currency=base,
                        attribution_window_hours="336" if j % 2 else "24",
                    )
                rows.append(row)
    return rows


def status_rows(shape: Shape, plan: GoalPlan) -> list[dict[str, str]]:
    """goal_status_changes.csv: per workspace, every 7th goal paused for 5 % of the range
    (40-45 %), and its last page_view goal archived at 95 % of the range."""
    span = DAYS * _DAY_MS
    rows: list[dict[str, str]] = []
    codes = [
        goal_code(p.name, j) for p in plan.names for j in range(p.goals)
    ]  # same order as goal_rows
    page_views = plan.by_name()["page_view"].goals
    for ws in workspace_ids(shape):
        for i, code in enumerate(codes):
            if i % 7 == 3:
                rows.append(_status(ws, code, "paused", int(span * 0.40)))
                rows.append(_status(ws, code, "active", int(span * 0.45)))
        if page_views >= 3:
            last = goal_code("page_view", page_views - 1)
            rows.append(_status(ws, last, "archived", int(span * 0.95)))
    return rows


def _status(ws: str, code: str, status: str, ms: int) -> dict[str, str]:
    return {"workspace_id": ws, "goal_code": code, "status": status, "changed_at": _iso(ms)}


def workspace_rows(shape: Shape) -> list[dict[str, str]]:
    return [
        {
            "workspace_id": ws,
            "base_currency": BASE_CURRENCIES[w % len(BASE_CURRENCIES)],
            "timezone": TIME_ZONES[w % len(TIME_ZONES)],
        }
        for w, ws in enumerate(workspace_ids(shape))
    ]


def write_csv(path: Path, rows: list[dict[str, str]], columns: Sequence[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_seeds(shape: Shape, plan: GoalPlan, folder: Path) -> None:
    from demo.edge_cases import GOAL_COLUMNS

    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "goals.csv", goal_rows(shape, plan), GOAL_COLUMNS)
    write_csv(
        folder / "goal_status_changes.csv",
        status_rows(shape, plan),
        ("workspace_id", "goal_code", "status", "changed_at"),
    )
    write_csv(
        folder / "workspaces.csv",
        workspace_rows(shape),
        ("workspace_id", "base_currency", "timezone"),
    )


# --------------------------------------------------------------------------- events


@dataclass
class Population:
    """Who is there: workspace sizes, customers and conversations (shared by the history
    and the next day, so next-day purchases land on customers who chatted before)."""

    workspace_weights: np.ndarray
    customers: np.ndarray  # customers per workspace
    conversations_per_day: np.ndarray  # per workspace


def population(shape: Shape, events: int) -> Population:
    ranks = np.arange(1, shape.workspaces + 1, dtype=np.float64)
    weights = ranks**-0.9
    weights /= weights.sum()
    per_ws = weights * events
    customers = np.maximum(20, np.round(per_ws / 25)).astype(np.int64)
    conversations = np.maximum(1.0, per_ws / 9.0 / DAYS)
    return Population(weights, customers, conversations)


#: event-name codes in the arrays (index into EVENT_NAMES)
_NAME_INDEX = {n.name: i for i, n in enumerate(EVENT_NAMES)}
#: share of each (non-purchase) name's events that carry the conversation id
_IN_CONVERSATION = {
    "page_view": 0.5,
    "message_sent": 1.0,
    "add_to_cart": 0.8,
    "form_submit": 0.9,
    "widget_opened": 1.0,
}
#: purchases sent server-side that still name their conversation (attribution `explicit`)
EXPLICIT_SHARE = 0.05
ECHO_SHARE = 0.03  # purchases that repeat an earlier order id of the workspace
ANONYMOUS_SHARE = 0.05  # events without customer_id


@dataclass
class Batch:
    """Column arrays of one batch of unique events."""

    columns: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.columns["ws"])


def _draw_batch(
    rng: np.random.Generator,
    shape: Shape,
    plan: GoalPlan,
    pop: Population,
    count: int,
    t_lo: int,
    t_hi: int,
    id_offset: int,
    conv_offset: int,
) -> Batch:
    """`count` unique events occurring in [t_lo, t_hi) ms after START."""
    names = [n.name for n in EVENT_NAMES]
    shares = name_shares(shape)
    p_names = np.array([shares[n] for n in names])
    name = rng.choice(len(names), size=count, p=p_names / p_names.sum()).astype(np.int8)
    ws = rng.choice(shape.workspaces, size=count, p=pop.workspace_weights).astype(np.int32)

    # conversations: each event belongs to one of its workspace's conversations of the
    # period (numbered per workspace), started uniformly in it; chat events follow the
    # start by minutes
    days = max(1.0, (t_hi - t_lo) / _DAY_MS)
    convs_in_ws = np.maximum(1, np.round(pop.conversations_per_day * days)).astype(np.int64)
    conv_local = (rng.random(count) * convs_in_ws[ws]).astype(np.int64)
    conv = conv_offset + conv_local
    # the conversation's start and customer are functions of (workspace, conversation)
    start_hash = _hash01(ws.astype(np.int64) * 1_000_003 + conv, 1)
    conv_start = t_lo + (start_hash * max(1, t_hi - t_lo - _HOUR_MS)).astype(np.int64)
    customer = (_hash01(ws.astype(np.int64) * 1_000_003 + conv, 2) * pop.customers[ws]).astype(
        np.int64
    )
    flow = (_hash01(ws.astype(np.int64) * 1_000_003 + conv, 3) * 4).astype(np.int8)
    t = conv_start + rng.exponential(8 * 60_000, size=count).astype(np.int64)

    is_purchase = name == _NAME_INDEX[PURCHASE]
    u = rng.random(count)
    server_plain = is_purchase & (u < shape.server_share)
    explicit_end = shape.server_share + EXPLICIT_SHARE
    server_explicit = is_purchase & (u >= shape.server_share) & (u < explicit_end)
    server = server_plain | server_explicit
    # a server purchase happens hours to weeks after the chat: 70 % within three days,
    # the rest log-normal around a week (some beyond the 168 h window)
    delay = np.where(
        rng.random(count) < 0.7,
        rng.random(count) * 72 * _HOUR_MS,
        rng.lognormal(math.log(7 * 24), 0.8, size=count) * _HOUR_MS,
    ).astype(np.int64)
    t = np.where(server, conv_start + delay, t)
    span = t_hi - t_lo
    t = t_lo + np.mod(t - t_lo, span)  # wrap into the period

    in_conv_share = np.array([_IN_CONVERSATION.get(n, 1.0) for n in names])
    has_conv = (rng.random(count) < in_conv_share[name]) & ~server_plain
    has_customer = rng.random(count) >= ANONYMOUS_SHARE

    # the goals' selector: a covered value with the name's probability, else one no goal
    # asks for
    by_name = plan.by_name()
    values = np.array([by_name[n].values for n in names], dtype=np.int64)
    covered = np.array([by_name[n].covered for n in names])
    selector = np.where(
        rng.random(count) < covered[name],
        (rng.random(count) * values[name]).astype(np.int64),
        values[name] + rng.integers(0, 8, size=count),
    )

    # purchases: amount in display currency (cents), 15 % in another currency than the
    # workspace's base; 20 % of amounts as strings, 1 % null, 0.5 % not numeric
    amount = np.round(rng.lognormal(math.log(6000), 0.7, size=count)).astype(np.int64)
    foreign = rng.random(count) < 0.15
    display_cur = np.where(
        foreign,
        (ws + 1 + rng.integers(0, len(BASE_CURRENCIES) - 1, size=count)) % len(BASE_CURRENCIES),
        ws % len(BASE_CURRENCIES),
    ).astype(np.int8)
    value_kind = np.digitize(rng.random(count), [0.785, 0.985, 0.995]).astype(np.int8)
    has_totals = rng.random(count) < 0.9
    order = id_offset + np.arange(count, dtype=np.int64)
    echo = is_purchase & (rng.random(count) < ECHO_SHARE)
    order = _echo_orders(rng, order, ws, is_purchase, echo)

    columns = {
        "id": id_offset + np.arange(count, dtype=np.int64),
        "ws": ws,
        "name": name,
        "t": t,
        "server": server,
        "conv": np.where(has_conv, conv, -1),
        "customer": np.where(has_customer, customer, -1),
        "flow": flow,
        "selector": selector,
        "amount": amount,
        "display_cur": display_cur,
        "value_kind": value_kind,
        "has_totals": has_totals,
        "order": order,
        "text": rng.integers(0, _TEXTS, size=count).astype(np.int16),
        "source_missing": rng.random(count) < 0.3,
    }
    return Batch(columns)


def _hash01(keys: np.ndarray, salt: int) -> np.ndarray:
    """A deterministic uniform [0, 1) per key (splitmix64)."""
    x = keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(salt)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def _echo_orders(
    rng: np.random.Generator,
    order: np.ndarray,
    ws: np.ndarray,
    is_purchase: np.ndarray,
    echo: np.ndarray,
) -> np.ndarray:
    """Echoed purchases take the order id of a random purchase of the same workspace."""
    purchases = np.flatnonzero(is_purchase)
    if not echo.any() or purchases.size == 0:
        return order
    by_ws = purchases[np.argsort(ws[purchases], kind="stable")]
    ws_sorted = ws[by_ws]
    rows = np.flatnonzero(echo)
    lo = np.searchsorted(ws_sorted, ws[rows], side="left")
    hi = np.searchsorted(ws_sorted, ws[rows], side="right")
    pick = lo + (rng.random(rows.size) * (hi - lo)).astype(np.int64)
    result = order.copy()
    result[rows] = order[by_ws[pick]]
    return result


def _with_duplicates(rng: np.random.Generator, batch: Batch, extra: int) -> dict[str, np.ndarray]:
    """The batch's rows plus `extra` repeated rows (exact copies of random ones)."""
    n = len(batch)
    columns = dict(batch.columns)
    if extra:
        picks = rng.integers(0, n, size=extra)
        columns = {k: np.concatenate([v, v[picks]]) for k, v in columns.items()}
    return columns


# --------------------------------------------------------------------------- JSON


_TEXTS = 64
_WORDS = (
    *("the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "our"),
    *("assistant", "explains", "sizes", "shipping", "returns", "and", "discounts", "to"),
    *("a", "curious", "customer", "who", "asks", "about", "waterproof", "jackets", "boots"),
    *("tents", "and", "a", "gift", "card", "for", "a", "friend"),
)


def _texts(seed: int) -> list[str]:
    rng = np.random.default_rng(seed + 7)
    out = []
    for _ in range(_TEXTS):
        n = int(rng.integers(100, 170))
        out.append(" ".join(_WORDS[int(i)] for i in rng.integers(0, len(_WORDS), size=n)))
    return out


def _sql_list(items: Sequence[str]) -> str:
    return "[" + ", ".join("'" + s.replace("'", "''") + "'" for s in items) + "]"


def _properties_sql(large: bool) -> str:
    """The ``properties`` JSON of a row of the arrow table ``b`` (joined to texts ``x``)."""
    names = [n.name for n in EVENT_NAMES]
    currencies = _sql_list(BASE_CURRENCIES)
    rates = "[" + ", ".join(f"{_PER_EUR[c]}" for c in BASE_CURRENCIES) + "]"
    cases = []
    for i, event in enumerate(EVENT_NAMES):
        if event.numeric:
            selector = "to_json(b.selector)"
        else:
            selector = f"to_json('{event.prefix}' || b.selector)"
        common = (
            f"'{event.selector}', {selector}, 'schema_version', 2, "
            "'url', 'https://www.example-shop.com/products/' || (b.id % 997), "
            "'locale', 'en-GB', 'app_version', '4.12.' || (b.id % 9)"
        )
        if event.name == PURCHASE:
            display = f"{currencies}[b.display_cur + 1]"
            base = f"{currencies}[b.ws % {len(BASE_CURRENCIES)} + 1]"
            rate = f"({rates}[b.ws % {len(BASE_CURRENCIES)} + 1] / {rates}[b.display_cur + 1])"
            amount = "(b.amount / 100.0)::decimal(18, 2)"
            value = (
                f"case b.value_kind when 0 then to_json({amount}) "
                f"when 1 then to_json({amount}::varchar) "
                "when 2 then 'null'::json else to_json('n/a') end"
            )
            totals = (
                f"case when b.has_totals then json_object('base', "
                f"round(b.amount / 100.0 * {rate}, 2)::decimal(18, 2), 'currency', {base}) "
                "else 'null'::json end"
            )
            body = (
                f"{common}, 'order_id', 'o' || b.order, 'grand_total', {value}, "
                f"'currency', {display}, 'totals', {totals}, 'items', 1 + b.selector % 4"
            )
        elif event.name == "page_view":
            body = f"{common}, 'path', '/p/' || (b.id % 997), 'referrer', 'search'"
        elif event.name == "message_sent":
            body = f"{common}, 'role', case when b.id % 2 = 0 then 'user' else 'bot' end"
        elif event.name == "add_to_cart":
            body = f"{common}, 'sku', 'sku-' || (b.id % 499), 'quantity', 1 + b.id % 3"
        elif event.name == "form_submit":
            body = f"{common}, 'plan', 'premium', 'consent', true"
        else:
            body = f"{common}, 'trigger', 'button'"
        if large:
            body += (
                ", 'context', json_object("
                "'page', json_object('url', 'https://shop.example/' || b.ws || '/p/' || b.id, "
                "'title', x.text, 'language', 'en-GB'), "
                "'device', json_object('type', 'desktop', 'os', 'Linux', 'browser', 'Firefox', "
                "'screen', json_object('width', 1920, 'height', 1080)), "
                "'utm', json_object('source', 'newsletter', 'medium', 'email', "
                "'campaign', 'autumn-sale-' || (b.id % 31))), "
                "'note', x.text2, 'tags', ['alpha', 'beta', 'gamma', 'delta']"
            )
        cases.append(f"when {i} then json_object({body})")
    del names
    return "case b.name " + " ".join(cases) + " end"


def _events_sql(large: bool) -> str:
    names = _sql_list([n.name for n in EVENT_NAMES])
    return f"""
        select
            'e' || lpad(b.id::varchar, 10, '0') as event_id,
            'ws_' || lpad((b.ws + 1)::varchar, 4, '0') as workspace_id,
            {names}[b.name + 1] as name,
            strftime(make_timestamp(({int(START.timestamp()) * 1000}::bigint + b.t) * 1000),
                     '%Y-%m-%dT%H:%M:%S.%gZ') as occurred_at,
            case when b.server then 'server' when b.source_missing then null
                 else 'widget' end as source,
            case when b.conv >= 0 then 'cv' || b.ws || '-' || b.conv end as conversation_id,
            case when b.customer >= 0 then 'cu' || b.ws || '-' || b.customer end
                as customer_id,
            case when b.conv >= 0 and b.name in (1, 4) then 'fl' || b.ws || '-' || b.flow end
                as flow_id,
            {_properties_sql(large)}::json as properties,
        from b
        {"join x on x.i = b.text" if large else ""}
        order by b.t, b.id
    """


def write_events(
    columns: dict[str, np.ndarray],
    files: int,
    folder: Path,
    names: Sequence[str],
    *,
    large: bool,
    seed: int,
    offset: int = 0,
    total: int | None = None,
    part: int | None = None,
) -> list[Path]:
    """Sort the rows by time and write them as NDJSON with DuckDB, cut into `files` files
    of equal line counts. A chunk of a larger data set passes its first row's position in
    it (`offset`), its size (`total`) and its number (`part`): its rows go to part files
    (``<name>.part<part>``) of the files they fall in, for :func:`join_parts`."""
    import duckdb
    import pyarrow as pa

    folder.mkdir(parents=True, exist_ok=True)
    n = len(columns["t"])
    total = n if total is None else total
    order = np.lexsort((columns["id"], columns["t"]))
    table = pa.table({k: v[order] for k, v in columns.items()})
    texts = _texts(seed)
    x = pa.table(  # noqa: F841  (read by DuckDB's replacement scan)
        {"i": np.arange(_TEXTS, dtype=np.int16), "text": texts, "text2": texts[::-1]}
    )
    query = _events_sql(large)
    con = duckdb.connect()
    paths = []
    try:
        con.execute("set enable_progress_bar = false")
        con.execute("set TimeZone = 'UTC'")
        for k, name in enumerate(names):
            lo = max(k * total // files, offset) - offset
            hi = min((k + 1) * total // files, offset + n) - offset
            if hi <= lo:
                continue
            b = table.slice(lo, hi - lo)  # noqa: F841
            path = folder / (name if part is None else f"{name}.part{part:05d}")
            con.execute(f"copy ({query}) to '{path}' (format json)")
            paths.append(path)
    finally:
        con.close()
    return paths


# --------------------------------------------------------------------------- generate


def history_file_names(files: int) -> list[str]:
    from demo.generate import file_names

    return file_names(files)


def next_day_size(events: int) -> int:
    from demo.generate import next_day_events

    return max(1, next_day_events(events))


def generate(shape: Shape, events: int, seed: int, out: Path) -> dict[str, Any]:
    """Write the shape's data set of `events` lines (history), its next day and seeds into
    `out` (replaced); returns the manifest."""
    began = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    plan = plan_goals(shape)
    write_seeds(shape, plan, out / SEEDS_DIR)
    pop = population(shape, events)
    span = DAYS * _DAY_MS
    conv_base = 10 ** (len(str(events)) + 1)  # conversation numbers never repeat

    # the history in time chunks of at most CHUNK_EVENTS lines (bounded memory): chunk c
    # covers the c-th part of the time range, so the chunks in order are in time order
    duplicates = round(events * shape.duplicate_share)
    unique = events - duplicates
    chunks = max(1, math.ceil(events / CHUNK_EVENTS))
    names = history_file_names(shape.files)
    written = 0
    for c in range(chunks):
        rng = np.random.default_rng([seed, GENERATOR_VERSION, c])
        count = unique * (c + 1) // chunks - unique * c // chunks
        extra = duplicates * (c + 1) // chunks - duplicates * c // chunks
        t_lo, t_hi = span * c // chunks, span * (c + 1) // chunks
        id_offset = unique * c // chunks
        batch = _draw_batch(rng, shape, plan, pop, count, t_lo, t_hi, id_offset, c * conv_base)
        write_events(
            _with_duplicates(rng, batch, extra),
            shape.files,
            out / HISTORY_DIR,
            names,
            large=shape.properties == "large",
            seed=seed,
            offset=written,
            total=events,
            part=c,
        )
        written += count + extra
        del batch
    history_paths = join_parts(out / HISTORY_DIR, names)

    next_n = next_day_size(events)
    late_n = round(next_n * shape.late_share)
    rng = np.random.default_rng([seed, GENERATOR_VERSION, chunks])
    late_window = (span - 3 * _DAY_MS, span - 12 * _HOUR_MS)
    late = _draw_batch(rng, shape, plan, pop, late_n, *late_window, unique, chunks * conv_base)
    day = _draw_batch(
        rng,
        shape,
        plan,
        pop,
        next_n - late_n,
        span,
        span + _DAY_MS,
        unique + late_n,
        (chunks + 1) * conv_base,
    )
    merged = {k: np.concatenate([late.columns[k], day.columns[k]]) for k in day.columns}
    next_paths = write_events(
        merged,
        1,
        out / NEXT_DAY_DIR,
        [NEXT_DAY_FILE],
        large=shape.properties == "large",
        seed=seed,
    )
    manifest = {
        "shape": asdict(shape),
        "shape_key": shape.key(),
        "generator_version": GENERATOR_VERSION,
        "events": events,
        "unique_events": unique,
        "next_day_events": next_n,
        "late_events": late_n,
        "seed": seed,
        "start": START.isoformat(),
        "days": DAYS,
        "expected_outcomes_per_event": plan.outcomes_per_event,
        "goal_plan": [asdict(p) for p in plan.names],
        "history_files": [str(p.relative_to(out)) for p in history_paths],
        "next_day_files": [str(p.relative_to(out)) for p in next_paths],
        "history_bytes": sum(p.stat().st_size for p in history_paths),
        "next_day_bytes": sum(p.stat().st_size for p in next_paths),
        "seconds": round(time.perf_counter() - began, 2),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def join_parts(folder: Path, names: Sequence[str]) -> list[Path]:
    """Concatenate each file's part files (NDJSON: byte concatenation) into the file."""
    paths = []
    for name in names:
        path = folder / name
        parts = sorted(folder.glob(f"{name}.part*"))
        if len(parts) == 1:
            parts[0].rename(path)
        else:
            with path.open("wb") as target:
                for part in parts:
                    with part.open("rb") as source:
                        shutil.copyfileobj(source, target, 1 << 20)
                    part.unlink()
        paths.append(path)
    return paths


def read_manifest(folder: Path) -> dict[str, Any] | None:
    path = folder / MANIFEST
    return json.loads(path.read_text()) if path.is_file() else None


# --------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a workload shape's event files and seeds (bench/workloads.py)."
    )
    parser.add_argument("--shape", default="middle", help="a shape name (--list shows them)")
    parser.add_argument("--events", type=int, default=100_000, help="lines of the history")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, help="output folder (replaced)")
    parser.add_argument("--list", action="store_true", help="list the shapes and exit")
    args = parser.parse_args(argv)
    if args.list:
        for shape in SHAPES.values():
            print(f"{shape.name:18} {shape.description}")
        return 0
    if args.out is None:
        parser.error("--out is required")
    if args.events < 100:
        parser.error("--events must be at least 100")
    try:
        shape = get_shape(args.shape)
    except ValueError as error:
        parser.error(str(error))
    manifest = generate(shape, args.events, args.seed, args.out)
    print(
        f"{shape.name}: {args.events:,} events in {manifest['seconds']} s into {args.out} "
        f"(expected {manifest['expected_outcomes_per_event']:.2f} outcomes/event)"
    )
    return 0


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    raise SystemExit(main())
