"""Deterministic, realistic chat telemetry for the demo workspaces (seeds/workspaces.csv).

Three tenants share the stream:

* ``ws_nordwind``  an outdoor-clothing shop selling in EUR (and GBP, CHF, SEK), base EUR;
* ``ws_harbor``    a US outfitter selling in USD (and CAD, EUR), base USD;
* ``ws_brightdesk`` a help-desk SaaS billing in GBP, no base-currency properties.

Customers browse, open the chat widget and talk to a flow (``message_sent``), view
products (``page_view``), fill carts (``add_to_cart``), submit forms (``form_submit``) and
sometimes buy inside the chat (``purchase`` from the widget, with ``conversation_id``).
Many buy later through the shop backend: ``purchase`` events with ``source = server`` and
no conversation id, some within the attribution window and some after it; some backends
echo an in-chat order (same ``order_id``, deduplicated by the goal). A small share of the
lines are broken (truncated JSON, impossible timestamps, wrong types...) or delivered
twice, so the reject and duplicate paths of the loader run.

Determinism: the output depends only on ``(n, seed, start, days)`` (and, when ``files``
exceeds the number of time buckets, on ``files``). The time range is cut into buckets,
each generated from its own random stream; ``files`` groups consecutive buckets, so any
``files`` yields the same set of lines. Events are sorted by time within each file; an
event that happens after the last bucket of its file (a late server-side purchase) is
written at the end of the file that generated it. Exactly ``n`` non-blank lines are
written in total.

Memory stays bounded: a bucket holds at most ~40 000 events and only the events already
scheduled for later buckets (deferred purchases) are kept beyond it.

:func:`generate_next_day` (``--next-day``) writes the day after such a data set, as a
daily batch that continues it: the purchases its sessions scheduled for that day, chats
that go on, customers from the same pools, a share of late-arriving events that occurred
in the days before, and event ids that never repeat one of the data set's.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import math
import os
import random
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

DEFAULT_SEED = 42
#: First instant of the demo data; fixed so the same command always writes the same bytes.
DEFAULT_START = datetime(2026, 8, 17, tzinfo=UTC)
DEFAULT_DAYS = 90
#: Share of lines that are not valid events (rejected by the loader).
BAD_LINE_RATE = 0.003
#: Share of lines that repeat an earlier event id (counted as duplicates by the loader).
DUPLICATE_RATE = 0.002
#: Upper bound on the events of one time bucket (memory bound of the generator).
BUCKET_EVENTS = 40_000

_DAY_MS = 86_400_000
_HOUR_MS = 3_600_000
_MINUTE_MS = 60_000

Event = dict[str, Any]


# --------------------------------------------------------------------------- tenants


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    category: str
    base_price_cents: int


@dataclass(frozen=True)
class Workspace:
    workspace_id: str
    kind: str  # "store" | "saas"
    base_currency: str
    utc_offset_hours: int  # approximate; only shapes the daily rhythm of traffic
    share: float  # share of the conversations
    host: str
    customer_prefix: str
    order_prefix: str
    flows: tuple[str, ...]
    flow_weights: tuple[float, ...]
    # display currency, weight, value of one display unit in the base currency
    currencies: tuple[tuple[str, float, float], ...]
    locales: tuple[str, ...]
    countries: tuple[str, ...]
    widget_sends_source: bool  # older widget versions leave `source` out (it defaults to widget)


WORKSPACES: tuple[Workspace, ...] = (
    Workspace(
        workspace_id="ws_nordwind",
        kind="store",
        base_currency="EUR",
        utc_offset_hours=1,
        share=0.46,
        host="shop.nordwind.example",
        customer_prefix="nw-c",
        order_prefix="NW-",
        flows=("flow_nw_welcome", "flow_nw_product_finder", "flow_nw_order_help"),
        flow_weights=(0.5, 0.35, 0.15),
        currencies=(
            ("EUR", 0.82, 1.0),
            ("GBP", 0.08, 1.17),
            ("CHF", 0.06, 1.06),
            ("SEK", 0.04, 0.087),
        ),
        locales=("de-DE", "de-AT", "en-GB", "sv-SE", "fr-CH"),
        countries=("DE", "AT", "GB", "SE", "CH", "NL"),
        widget_sends_source=False,
    ),
    Workspace(
        workspace_id="ws_harbor",
        kind="store",
        base_currency="USD",
        utc_offset_hours=-5,
        share=0.40,
        host="harbor-outfitters.example",
        customer_prefix="C",
        order_prefix="HB",
        flows=("flow_hb_greeter", "flow_hb_gift_guide", "flow_hb_returns"),
        flow_weights=(0.55, 0.3, 0.15),
        currencies=(("USD", 0.88, 1.0), ("CAD", 0.09, 0.73), ("EUR", 0.03, 1.08)),
        locales=("en-US", "en-CA", "es-US", "fr-CA"),
        countries=("US", "CA", "US", "US", "MX"),
        widget_sends_source=True,
    ),
    Workspace(
        workspace_id="ws_brightdesk",
        kind="saas",
        base_currency="GBP",
        utc_offset_hours=0,
        share=0.14,
        host="www.brightdesk.example",
        customer_prefix="usr_",
        order_prefix="INV-",
        flows=("flow_bd_pricing_bot", "flow_bd_onboarding"),
        flow_weights=(0.6, 0.4),
        currencies=(("GBP", 0.9, 1.0), ("EUR", 0.06, 0.86), ("USD", 0.04, 0.79)),
        locales=("en-GB", "en-US", "de-DE", "nl-NL"),
        countries=("GB", "IE", "US", "DE", "NL"),
        widget_sends_source=False,
    ),
)
_WS_CUMULATIVE = tuple(sum(w.share for w in WORKSPACES[: i + 1]) for i in range(len(WORKSPACES)))


def _catalog(
    rng: random.Random, prefix: str, lines: Sequence[tuple[str, str, int, int]]
) -> list[Product]:
    adjectives = ("Classic", "Trail", "Urban", "Alpine", "Coastal", "Everyday", "Storm", "Summit")
    products: list[Product] = []
    number = 100
    for category, noun, low, high in lines:
        for adjective in rng.sample(adjectives, 5):
            number += rng.randint(1, 9)
            price = rng.randint(low, high) * 100 + rng.choice((90, 95, 99, 0))
            products.append(
                Product(f"{prefix}{number:05d}", f"{adjective} {noun}", category, price)
            )
    return products


_CATALOG_RNG = random.Random(20260817)
CATALOGS: dict[str, list[Product]] = {
    "ws_nordwind": _catalog(
        _CATALOG_RNG,
        "NW-SKU-",
        (
            ("jackets", "Regenjacke", 89, 249),
            ("knitwear", "Wollpullover Größe M", 49, 139),
            ("footwear", "Wanderstiefel", 99, 229),
            ("accessories", "Mütze", 12, 39),
            ("bags", "Rucksack 28 L", 59, 169),
        ),
    ),
    "ws_harbor": _catalog(
        _CATALOG_RNG,
        "HB-",
        (
            ("outerwear", "Rain Shell", 79, 259),
            ("tops", "Merino Crew", 39, 99),
            ("bags", "Canvas Tote", 24, 89),
            ("footwear", "Deck Shoe", 59, 149),
            ("gift_cards", "Gift Card", 25, 100),
        ),
    ),
}
_SAAS_PLANS = (("starter", 1900), ("premium", 4900), ("enterprise", 19900))
_REFERRERS = (
    "https://www.google.com/",
    "https://www.instagram.com/",
    "https://duckduckgo.com/",
    "",
    "",
    "https://newsletter.example/",
)
_INTENTS = ("product_question", "sizing", "shipping", "order_status", "returns", "discount")
_SAAS_INTENTS = ("pricing", "features", "integrations", "security", "billing")
_BOT_NODES = ("greeting", "answer", "suggest", "handover")
_PAYMENT = ("card", "card", "card", "paypal", "klarna", "apple_pay")
# Hour-of-day weights (local time) of chat traffic.
_DIURNAL = (
    0.15, 0.08, 0.05, 0.04, 0.05, 0.1, 0.25, 0.45, 0.7, 0.85, 0.9, 0.95,
    1.0, 0.95, 0.9, 0.88, 0.9, 0.95, 1.0, 1.0, 0.95, 0.8, 0.55, 0.3,
)  # fmt: skip
_WEEKDAY = (1.0, 0.98, 0.97, 1.0, 1.04, 1.12, 1.08)  # Monday .. Sunday

# --------------------------------------------------------------------------- helpers

_DAY_PREFIX: dict[int, str] = {}


def iso_ms(ms: int) -> str:
    """Milliseconds since the epoch as ``YYYY-MM-DDTHH:MM:SS.mmmZ``."""
    day, rem = divmod(ms, _DAY_MS)
    prefix = _DAY_PREFIX.get(day)
    if prefix is None:
        prefix = (datetime(1970, 1, 1) + timedelta(days=day)).strftime("%Y-%m-%dT")
        _DAY_PREFIX[day] = prefix
    hours, rem = divmod(rem, _HOUR_MS)
    minutes, rem = divmod(rem, _MINUTE_MS)
    seconds, millis = divmod(rem, 1000)
    return f"{prefix}{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}Z"


def iso_s(ms: int) -> str:
    """Like :func:`iso_ms` at whole seconds (server events carry no milliseconds)."""
    text = iso_ms(ms - ms % 1000)
    return text[:-5] + "Z"


def _money(cents: int) -> float:
    return cents / 100


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
_encode = _ENCODER.encode


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class _Plan:
    n: int
    seed: int
    start_ms: int
    end_ms: int
    bucket_ms: int
    targets: tuple[int, ...]
    # A batch that continues a data set (see generate_next_day): the data set's size
    # sizes the customer pools, `stream` keeps the random streams apart from the data
    # set's own, and `label_offset` keeps order ids apart from the data set's.
    pool_n: int = 0
    stream: str = ""
    label_offset: int = 0


@dataclass(frozen=True)
class _FileJob:
    plan: _Plan
    path: str
    first_bucket: int
    last_bucket: int  # exclusive
    compress: bool


def _add_given(event: Event, **fields: str | None) -> None:
    """The `fields` that are given (not None) appended to `event`, in order."""
    event.update((key, value) for key, value in fields.items() if value is not None)


def _plan(n: int, seed: int, start: datetime, days: int, files: int) -> _Plan:
    if n < 0:
        raise ValueError("n must be >= 0")
    if days < 1:
        raise ValueError("days must be >= 1")
    if files < 1:
        raise ValueError("files must be >= 1")
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    start_ms = int(start.timestamp() * 1000)
    per_day = 24
    for divisor in (1, 2, 3, 4, 6, 8, 12, 24):
        if n <= days * divisor * BUCKET_EVENTS and days * divisor >= files:
            per_day = divisor
            break
    buckets = days * per_day
    if files > buckets:
        raise ValueError(f"files must be at most {buckets} for {days} days")
    bucket_ms = _DAY_MS // per_day
    weights: list[float] = []
    for b in range(buckets):
        day = b // per_day
        weekday = (datetime.fromtimestamp(start_ms / 1000, UTC) + timedelta(days=day)).weekday()
        trend = 1.0 + 0.6 * day / days
        weight = trend * _WEEKDAY[weekday]
        if per_day > 1:
            hours = range((b % per_day) * 24 // per_day, (b % per_day + 1) * 24 // per_day)
            weight *= sum(_DIURNAL[h] for h in hours) / len(hours) + 0.3
        weights.append(weight)
    total = sum(weights)
    raw = [n * w / total for w in weights]
    targets = [int(x) for x in raw]
    short = n - sum(targets)
    by_remainder = sorted(range(buckets), key=lambda i: (targets[i] - raw[i], i))
    for i in by_remainder[:short]:
        targets[i] += 1
    return _Plan(n, seed, start_ms, start_ms + days * _DAY_MS, bucket_ms, tuple(targets))


# --------------------------------------------------------------------------- sessions


class _BucketGenerator:
    """Generates the events of one time bucket from its own random stream."""

    def __init__(self, plan: _Plan, bucket: int) -> None:
        self.plan = plan
        self.bucket = bucket
        stream = f"{plan.stream}:" if plan.stream else ""
        self.rng = random.Random(f"goals-demo:{plan.seed}:{stream}{bucket}")
        self.bucket_start = plan.start_ms + bucket * plan.bucket_ms
        self.label = plan.label_offset + bucket
        self.orders = 0
        # Pool sizes depend on the whole run, so customers return across buckets.
        pool_n = plan.pool_n or plan.n
        self.pools = {w.workspace_id: max(40, int(pool_n * w.share / 28)) for w in WORKSPACES}

    # ids ---------------------------------------------------------------
    def event_id(self, ms: int) -> str:
        return f"evt_{ms:011x}{self.rng.getrandbits(32):08x}"

    def customer(self, ws: Workspace) -> str:
        pool = self.pools[ws.workspace_id]
        index = int(pool * self.rng.random() ** 1.7)
        return f"{ws.customer_prefix}{index:07d}"

    def order_id(self, ws: Workspace) -> str:
        self.orders += 1
        return f"{ws.order_prefix}{self.label:05d}{self.orders:05d}"

    # one bucket ----------------------------------------------------------
    def pick_workspace(self) -> Workspace:
        """A workspace drawn by its share of the events."""
        pick = self.rng.random()
        for candidate, cumulative in zip(WORKSPACES, _WS_CUMULATIVE, strict=True):
            if pick < cumulative:
                return candidate
        return WORKSPACES[-1]

    def session_start(self, ws: Workspace) -> int:
        rng = self.rng
        offset = ws.utc_offset_hours * _HOUR_MS
        while True:
            ms = self.bucket_start + int(rng.random() * self.plan.bucket_ms)
            hour = ((ms + offset) // _HOUR_MS) % 24
            if rng.random() < _DIURNAL[hour]:
                return ms

    def candidates(
        self, count: int, overflow: list[tuple[int, Event]] | None = None
    ) -> list[tuple[int, Event]]:
        """`count` events (time, event) of sessions starting in this bucket.

        Events of these sessions at or after the end of the data are left out; when
        `overflow` is given they are appended to it (what a later batch would receive).
        """
        end_ms = self.plan.end_ms
        out: list[tuple[int, Event]] = []
        while len(out) < count:
            ws = self.pick_workspace()
            t0 = self.session_start(ws)
            events = self.store_session(ws, t0) if ws.kind == "store" else self.saas_session(ws, t0)
            events.sort(key=lambda item: item[0])
            for index, item in enumerate(events):
                if item[0] >= end_ms:
                    if overflow is not None:
                        overflow.extend(events[index:])
                    break
                out.append(item)
                if len(out) == count:
                    break
        return out

    # event builders -----------------------------------------------------
    def widget(
        self,
        ws: Workspace,
        ms: int,
        name: str,
        properties: Event,
        conversation_id: str | None,
        customer_id: str | None,
        flow_id: str | None,
    ) -> tuple[int, Event]:
        event = self.event_head(ws, ms, name, iso_ms(ms))
        _add_given(
            event,
            source="widget" if ws.widget_sends_source else None,
            conversation_id=conversation_id,
            customer_id=customer_id,
            flow_id=flow_id,
        )
        event["properties"] = properties
        return ms, event

    def server(
        self,
        ws: Workspace,
        ms: int,
        name: str,
        properties: Event,
        conversation_id: str | None,
        customer_id: str | None,
    ) -> tuple[int, Event]:
        event = self.event_head(ws, ms, name, iso_s(ms))
        event["source"] = "server"
        if conversation_id is None and self.rng.random() < 0.1:
            event["conversation_id"] = None  # backends send an explicit null now and then
        _add_given(event, conversation_id=conversation_id, customer_id=customer_id)
        event["properties"] = properties
        return ms, event

    def event_head(self, ws: Workspace, ms: int, name: str, occurred_at: str) -> Event:
        """The fields every event line starts with (a new event id drawn)."""
        return {
            "event_id": self.event_id(ms),
            "workspace_id": ws.workspace_id,
            "name": name,
            "occurred_at": occurred_at,
        }

    def page(self, ws: Workspace, product: Product | None, page_type: str) -> Event:
        rng = self.rng
        if product is None:
            path = {"home": "/", "size_guide": "/help/size-guide", "pricing": "/pricing"}.get(
                page_type, f"/{page_type}"
            )
        else:
            path = f"/p/{product.sku.lower()}"
        page: Event = {"url": f"https://{ws.host}{path}", "page_type": page_type}
        referrer = rng.choice(_REFERRERS)
        if referrer:
            page["referrer"] = referrer
        return page

    def purchase_properties(
        self, ws: Workspace, cart: list[tuple[Product, int]], plan: str | None
    ) -> Event:
        rng = self.rng
        roll = rng.random()
        code, rate = ws.currencies[0][0], ws.currencies[0][2]
        for candidate, weight, candidate_rate in ws.currencies:
            if roll < weight:
                code, rate = candidate, candidate_rate
                break
            roll -= weight
        items = []
        base_cents = 0
        for product, qty in cart:
            display = int(round(product.base_price_cents / rate, -1)) - 1
            items.append({"sku": product.sku, "qty": qty, "price": _money(display)})
            base_cents += qty * product.base_price_cents
        shipping_base = 0 if base_cents >= 7500 else 495
        total_cents = sum(qty * int(round(p.base_price_cents / rate, -1)) - qty for p, qty in cart)
        total_cents += round(shipping_base / rate)
        base_cents += shipping_base
        properties: Event = {
            "order_id": self.order_id(ws),
            "grand_total": _money(total_cents),
            "currency": code,
            "base_grand_total": _money(round(total_cents * rate)),
            "base_currency": ws.base_currency,
            "items": items,
            "payment_method": rng.choice(_PAYMENT),
            "shipping_country": rng.choice(ws.countries),
        }
        if plan is not None:
            properties["plan"] = plan
        quirk = rng.random()
        if quirk < 0.04:
            properties["grand_total"] = f"{total_cents / 100:.2f}"  # a plain decimal string
        elif quirk < 0.045:
            properties["currency"] = code.lower()
        elif quirk < 0.048:
            properties["currency"] = {"EUR": "EURO", "USD": "US$"}.get(code, "€")
        elif quirk < 0.068:
            # an older checkout version: display value only
            del properties["base_grand_total"]
            del properties["base_currency"]
        elif quirk < 0.070:
            del properties["grand_total"]
        elif quirk < 0.071:
            properties["grand_total"] = "n/a"
        return properties

    # store sessions -------------------------------------------------------
    def store_session(self, ws: Workspace, t: int) -> list[tuple[int, Event]]:
        rng = self.rng
        rand = rng.random
        catalog = CATALOGS[ws.workspace_id]
        events: list[tuple[int, Event]] = []
        known = rand() < 0.7
        customer = self.customer(ws) if known else None
        # index of the first conversation step at which the customer is logged in
        login_step = 0 if known and rand() < 0.6 else (rng.randint(1, 4) if known else 1 << 30)
        plan = "premium" if rand() < 0.25 else "standard"
        flow = rng.choices(ws.flows, ws.flow_weights)[0]
        conversation = f"conv_{rng.getrandbits(48):012x}"
        browsing = rng.choice((0, 0, 1, 1, 1, 2, 3))
        for _ in range(browsing):
            product = rng.choice(catalog) if rand() < 0.7 else None
            page = self.page(ws, product, "product" if product else "home")
            events.append(
                self.widget(
                    ws, t, "page_view", page, None, customer if login_step == 0 else None, None
                )
            )
            t += int(rng.expovariate(1 / 45_000)) + 2_000
        step = 0

        def say(role: str, first: bool = False) -> None:
            nonlocal t, step
            who = customer if step >= login_step else None
            if role == "customer":
                props: Event = {"role": "customer", "length": rng.randint(8, 240)}
                if first:
                    props["intent"] = rng.choice(_INTENTS)  # the topic the chat opened with
            else:
                props = {"role": "bot", "node": rng.choice(_BOT_NODES)}
            if first:
                props["first_message"] = True
            # the flow stamps the events it drives: bot turns and conversions
            flow_id = flow if role == "bot" else None
            events.append(self.widget(ws, t, "message_sent", props, conversation, who, flow_id))
            t += int(rng.expovariate(1 / 25_000)) + 1_500
            step += 1

        say("bot", first=True)
        say("customer", first=True)
        say("bot")
        cart: list[tuple[Product, int]] = []
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
            say("customer")
            say("bot")
            who = customer if step >= login_step else None
            if rand() < 0.55:
                product = rng.choice(catalog)
                page = self.page(ws, product, "product")
                events.append(self.widget(ws, t, "page_view", page, conversation, who, None))
                t += int(rng.expovariate(1 / 40_000)) + 3_000
                if rand() < 0.45:
                    qty = 1 if rand() < 0.85 else 2
                    cart.append((product, qty))
                    props = {
                        "sku": product.sku,
                        "product_name": product.name,
                        "category": product.category,
                        "price": _money(product.base_price_cents),
                        "quantity": qty,
                        "cart_size": len(cart),
                    }
                    events.append(self.widget(ws, t, "add_to_cart", props, conversation, who, flow))
                    t += int(rng.expovariate(1 / 30_000)) + 2_000
            step += 1
        who = customer if step >= login_step else None
        if ws.workspace_id == "ws_harbor" and rand() < 0.12:
            page = self.page(ws, None, "size_guide")
            events.append(self.widget(ws, t, "page_view", page, conversation, who, None))
            t += int(rng.expovariate(1 / 60_000)) + 5_000
        form = rand()
        if form < 0.07:
            props = {"form": "newsletter", "consent": True, "locale": rng.choice(ws.locales)}
            events.append(self.widget(ws, t, "form_submit", props, conversation, who, flow))
            t += 20_000
        elif form < 0.12 and ws.workspace_id == "ws_nordwind":
            props = {"form": "membership", "plan": plan, "locale": rng.choice(ws.locales)}
            events.append(self.widget(ws, t, "form_submit", props, conversation, who, flow))
            t += 20_000
        elif form < 0.15:
            props = {"form": "contact", "topic": rng.choice(_INTENTS)}
            events.append(self.widget(ws, t, "form_submit", props, conversation, who, flow))
            t += 20_000
        if cart:
            # an anonymous chatter may check out as a known customer, or as a guest
            buyer = customer
            if buyer is None and rand() < 0.75:
                buyer = self.customer(ws)
            if rand() < 0.24:
                # bought inside the chat
                props = self.purchase_properties(ws, cart, plan)
                events.append(self.widget(ws, t, "purchase", props, conversation, who, flow))
                say("bot")
                if rand() < 0.3:
                    # the shop backend reports the same order (deduplicated by order_id)
                    echo = dict(props)
                    later = t + rng.randint(30_000, 600_000)
                    explicit = conversation if rand() < 0.5 else None
                    events.append(self.server(ws, later, "purchase", echo, explicit, buyer))
            elif rand() < 0.38:
                # bought later in the shop: hours to weeks after the chat
                delay = int(_HOUR_MS * rng.lognormvariate(math.log(40), 1.2)) + 10 * _MINUTE_MS
                later = t + delay
                explicit = conversation if rand() < 0.12 else None
                payer = buyer if rand() > 0.03 else None
                props = self.purchase_properties(ws, cart, plan)
                events.append(self.server(ws, later, "purchase", props, explicit, payer))
        if rand() < 0.07:
            # a returning customer orders in the shop without chatting first
            other = self.customer(ws)
            later = t + int(rand() * 96 * _HOUR_MS)
            basket = [(rng.choice(catalog), 1) for _ in range(rng.randint(1, 3))]
            props = self.purchase_properties(ws, basket, None)
            events.append(self.server(ws, later, "purchase", props, None, other))
        return events

    # SaaS sessions ----------------------------------------------------------
    def saas_session(self, ws: Workspace, t: int) -> list[tuple[int, Event]]:
        rng = self.rng
        rand = rng.random
        events: list[tuple[int, Event]] = []
        visitor = self.customer(ws)
        known = rand() < 0.45
        plan, price = rng.choice(_SAAS_PLANS)
        flow = rng.choices(ws.flows, ws.flow_weights)[0]
        conversation = f"conv_{rng.getrandbits(48):012x}"
        for page_type in ("home", "pricing")[: rng.randint(1, 2)]:
            props = self.page(ws, None, page_type)
            if page_type == "pricing":
                props["plan"] = plan
            events.append(
                self.widget(ws, t, "page_view", props, None, visitor if known else None, None)
            )
            t += int(rng.expovariate(1 / 50_000)) + 3_000
        for index in range(rng.randint(2, 7)):
            if index % 2 == 0:
                props: Event = {"role": "bot", "node": rng.choice(_BOT_NODES)}
            else:
                props = {"role": "customer", "length": rng.randint(10, 300)}
            if index < 2:
                props["first_message"] = True
                if index == 1:
                    props["intent"] = rng.choice(_SAAS_INTENTS)
            who = visitor if known or index > 2 else None
            flow_id = flow if index % 2 == 0 else None
            events.append(self.widget(ws, t, "message_sent", props, conversation, who, flow_id))
            t += int(rng.expovariate(1 / 30_000)) + 2_000
        if rand() < 0.3:
            props = self.page(ws, None, "pricing")
            props["plan"] = plan
            events.append(self.widget(ws, t, "page_view", props, conversation, visitor, flow))
            t += 15_000
        roll = rand()
        if roll < 0.16:
            account = f"acct_{rng.getrandbits(48):012x}"
            props = {
                "form": "signup",
                "plan": plan,
                "account_id": account,
                "company_size": rng.choice(("1-10", "11-50", "51-200", "201+")),
            }
            events.append(self.widget(ws, t, "form_submit", props, conversation, visitor, flow))
            if rand() < 0.06:
                # the form was submitted twice (deduplicated by account_id)
                events.append(
                    self.widget(
                        ws,
                        t + rng.randint(2_000, 90_000),
                        "form_submit",
                        dict(props),
                        conversation,
                        visitor,
                        flow,
                    )
                )
            if rand() < 0.35:
                # converts to a paid subscription after the trial, through billing
                later = t + rng.randint(3, 25) * _DAY_MS + rng.randint(0, _DAY_MS)
                billing = self.subscription(ws, plan, price, account)
                explicit = conversation if rand() < 0.1 else None
                events.append(self.server(ws, later, "purchase", billing, explicit, visitor))
        elif roll < 0.22:
            props = {
                "form": "demo_request",
                "company_size": rng.choice(("11-50", "51-200", "201+")),
                "plan": plan,
            }
            events.append(self.widget(ws, t, "form_submit", props, conversation, visitor, flow))
        return events

    def subscription(self, ws: Workspace, plan: str, price: int, account: str) -> Event:
        """The properties of a subscription payment reported by the billing backend."""
        rand = self.rng.random
        roll = rand()
        code = "GBP" if roll < 0.9 else ("EUR" if roll < 0.96 else "USD")
        amount = price if code == "GBP" else int(price * 1.16)
        return {
            "order_id": self.order_id(ws),
            "plan": plan,
            "grand_total": _money(amount),
            "currency": code,
            "account_id": account,
            "billing_period": "monthly" if rand() < 0.8 else "annual",
        }

    # bad lines and duplicates ---------------------------------------------------
    def corrupt(self, ms: int, event: Event, line: str) -> str:
        """A line the loader must reject, derived from a real event."""
        rng = self.rng
        kind = rng.randrange(11)
        broken = dict(event)
        if kind == 0:
            return line[: rng.randint(10, max(11, len(line) - 5))]  # truncated write
        if kind == 1:
            del broken["event_id"]
        elif kind == 2:
            broken["event_id"] = rng.randint(10**8, 10**9)  # a number, not a string
        elif kind == 3:
            year = iso_ms(ms)[:4]
            broken["occurred_at"] = f"{year}-02-30T{iso_ms(ms)[11:]}"
        elif kind == 4:
            broken["source"] = "mobile_app"
        elif kind == 5:
            broken["properties"] = "plan=premium"
        elif kind == 6:
            return line.replace('"properties":{', '"properties":{"score":NaN,', 1)
        elif kind == 7:
            return line + "}"
        elif kind == 8:
            broken["name"] = ""
        elif kind == 9:
            broken["occurred_at"] = "yesterday 10:15"
        else:
            del broken["workspace_id"]
        return _encode(broken)


# --------------------------------------------------------------------------- files


def _bucket_counts(rng: random.Random, target: int) -> tuple[int, int]:
    """How many of a bucket's `target` lines are broken and how many are duplicates."""
    n_bad = min(target, int(target * BAD_LINE_RATE + rng.random()))
    n_dup = min((target - n_bad) // 2, int(target * DUPLICATE_RATE + rng.random()))
    return n_bad, n_dup


def _generate_bucket(plan: _Plan, bucket: int, emit: list[tuple[int, int, str]]) -> None:
    target = plan.targets[bucket]
    if target == 0:
        return
    gen = _BucketGenerator(plan, bucket)
    rng = gen.rng
    n_bad, n_dup = _bucket_counts(rng, target)
    candidates = gen.candidates(target - n_dup)
    picks = rng.sample(range(len(candidates)), n_bad + n_dup) if candidates else []
    bad = set(picks[:n_bad])
    dups = set(picks[n_bad:])
    seq = bucket * 10_000_000
    for index, (ms, event) in enumerate(candidates):
        line = _encode(event)
        if index in bad:
            line = gen.corrupt(ms, event, line)
        emit.append((ms, seq, line))
        seq += 1
        if index in dups:
            if rng.random() < 0.7:
                emit.append((ms, seq, line))  # delivered twice
            else:
                retry_ms = ms + rng.randint(1_000, 5_000)
                again = dict(event)
                again["occurred_at"] = iso_ms(retry_ms)
                emit.append((retry_ms, seq, _encode(again)))  # retried with a fresh timestamp
            seq += 1


def _write_file(job: _FileJob) -> str:
    plan = job.plan
    path = Path(job.path)
    tmp = path.with_name(path.name + ".tmp")
    pending: dict[int, list[tuple[int, int, str]]] = {}
    raw = open(tmp, "wb")  # noqa: SIM115 - closed below, wrapped by gzip when asked
    out: Any = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) if job.compress else raw

    def flush(items: list[tuple[int, int, str]]) -> None:
        if items:
            items.sort()
            out.write(("\n".join(item[2] for item in items) + "\n").encode("utf-8"))

    # Only acyclic objects are made here: the cyclic collector would just rescan the
    # buffered lines again and again.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for bucket in range(job.first_bucket, job.last_bucket):
            produced: list[tuple[int, int, str]] = []
            _generate_bucket(plan, bucket, produced)
            for item in produced:
                key = (item[0] - plan.start_ms) // plan.bucket_ms
                pending.setdefault(key, []).append(item)
            flush(pending.pop(bucket, []))
        # late events of this file's sessions (after its last bucket), in time order
        for key in sorted(pending):
            flush(pending.pop(key))
        if job.compress:
            out.close()
        raw.close()
        os.replace(tmp, path)
    except BaseException:
        raw.close()
        tmp.unlink(missing_ok=True)
        raise
    finally:
        if gc_was_enabled:
            gc.enable()
    return str(path)


def file_names(files: int, *, compress: bool = False) -> list[str]:
    """Names of the files :func:`generate_events` writes (lexicographic = time order)."""
    suffix = ".ndjson.gz" if compress else ".ndjson"
    return [f"events-{i + 1:05d}{suffix}" for i in range(files)]


def generate_events(
    n: int,
    out_dir: Path,
    *,
    seed: int = DEFAULT_SEED,
    files: int = 1,
    start: datetime | None = None,
    days: int = DEFAULT_DAYS,
    compress: bool = False,
) -> list[Path]:
    """Write `n` NDJSON event lines for the demo workspaces into `files` files in `out_dir`.

    The files split the time range into consecutive parts; with more than one file they
    are written in parallel processes. Returns the paths in load (lexicographic) order.
    """
    plan = _plan(n, seed, start or DEFAULT_START, days, files)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    buckets = len(plan.targets)
    jobs = [
        _FileJob(
            plan=plan,
            path=str(out_dir / name),
            first_bucket=i * buckets // files,
            last_bucket=(i + 1) * buckets // files,
            compress=compress,
        )
        for i, name in enumerate(file_names(files, compress=compress))
    ]
    workers = min(files, os.cpu_count() or 1)
    if workers <= 1:
        written = [_write_file(job) for job in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            written = list(pool.map(_write_file, jobs))
    return [Path(p) for p in written]


def data_end(start: datetime | None = None, days: int = DEFAULT_DAYS) -> datetime:
    """The instant after the last generated event (the start of the range plus `days`)."""
    begin = start or DEFAULT_START
    if begin.tzinfo is None:
        begin = begin.replace(tzinfo=UTC)
    return begin + timedelta(days=days)


# --------------------------------------------------------------------------- next day

#: Default share of a next-day batch's lines that arrive late: events that occurred in
#: the days before (server conversions delivered late, widget events buffered offline).
DEFAULT_LATE_FRACTION = 0.02
#: Share of a next-day batch's lines that continue a conversation of the data set.
CONTINUED_FRACTION = 0.03
#: Late events occurred at most this many days before the batch's day; the conversations
#: they and the continued conversations belong to were active within this many days.
LATE_DAYS = 3
#: Days at the end of the data set regenerated to find the events its sessions scheduled
#: for the next day (later shop purchases, backend echoes of in-chat orders).
TAIL_DAYS = 7


def next_day_events(history_n: int) -> int:
    """The default size of a next-day batch: 1 % of the data set it continues."""
    return round(history_n / 100)


def next_day_file_name(
    start: datetime | None = None, days: int = DEFAULT_DAYS, *, compress: bool = False
) -> str:
    """Name of the file :func:`generate_next_day` writes: the batch's day, which sorts
    after the data set's ``events-NNNNN`` files."""
    day = data_end(start, days).strftime("%Y-%m-%d")
    return f"events-{day}.ndjson" + (".gz" if compress else "")


@dataclass(slots=True)
class _Conversation:
    workspace: Workspace
    conversation_id: str
    customer_id: str | None
    flow_id: str | None
    last_ms: int


def _history_tail(
    history: _Plan, day_end: int
) -> tuple[list[tuple[int, Event]], list[_Conversation]]:
    """Regenerates the last TAIL_DAYS of the data set (same random streams, nothing
    written): the events its sessions scheduled in [end, `day_end`) and the conversations
    active in its last LATE_DAYS."""
    per_day = _DAY_MS // history.bucket_ms
    buckets = len(history.targets)
    since = history.end_ms - LATE_DAYS * _DAY_MS
    scheduled: list[tuple[int, Event]] = []
    conversations: dict[tuple[str, str], _Conversation] = {}
    by_id = {w.workspace_id: w for w in WORKSPACES}
    for bucket in range(max(0, buckets - TAIL_DAYS * per_day), buckets):
        target = history.targets[bucket]
        if target == 0:
            continue
        gen = _BucketGenerator(history, bucket)
        _, n_dup = _bucket_counts(gen.rng, target)  # the same draws as _generate_bucket
        overflow: list[tuple[int, Event]] = []
        candidates = gen.candidates(target - n_dup, overflow)
        scheduled.extend(item for item in overflow if item[0] < day_end)
        for ms, event in candidates:
            conversation_id = event.get("conversation_id")
            if ms < since or not conversation_id or event.get("source") == "server":
                continue
            key = (event["workspace_id"], conversation_id)
            known = conversations.get(key)
            if known is None:
                known = _Conversation(by_id[key[0]], conversation_id, None, None, ms)
                conversations[key] = known
            known.last_ms = max(known.last_ms, ms)
            known.customer_id = event.get("customer_id") or known.customer_id
            known.flow_id = known.flow_id or event.get("flow_id")
    return scheduled, list(conversations.values())


class _NextDayExtras(_BucketGenerator):
    """The late events and the continued conversations of a next-day batch."""

    def __init__(self, day: _Plan, conversations: list[_Conversation]) -> None:
        # A bucket number after the day's own buckets: a random stream and order ids
        # of its own.
        super().__init__(day, 24)
        self.day_start = day.start_ms
        self.day_end = day.end_ms
        self.conversations = conversations
        self.with_customer = [c for c in conversations if c.customer_id]

    def purchase(
        self, ws: Workspace, ms: int, conversation_id: str | None, customer_id: str | None
    ) -> tuple[int, Event]:
        """A purchase reported by the shop or billing backend."""
        rng = self.rng
        if ws.kind == "store":
            catalog = CATALOGS[ws.workspace_id]
            basket = [(rng.choice(catalog), 1) for _ in range(rng.randint(1, 3))]
            props = self.purchase_properties(ws, basket, None)
        else:
            plan, price = rng.choice(_SAAS_PLANS)
            props = self.subscription(ws, plan, price, f"acct_{rng.getrandbits(48):012x}")
        return self.server(ws, ms, "purchase", props, conversation_id, customer_id)

    def message(self, conversation: _Conversation, ms: int, role: str) -> tuple[int, Event]:
        rng = self.rng
        if role == "customer":
            props: Event = {"role": "customer", "length": rng.randint(8, 240)}
            flow_id = None
        else:
            props = {"role": "bot", "node": rng.choice(_BOT_NODES)}
            flow_id = conversation.flow_id
        return self.widget(
            conversation.workspace,
            ms,
            "message_sent",
            props,
            conversation.conversation_id,
            conversation.customer_id,
            flow_id,
        )

    def late(self, count: int) -> list[tuple[int, Event]]:
        """`count` events (delivery time, event) that occurred before the day and arrive
        during it; their ids carry the delivery time, so they never repeat an id of the
        data set (whose ids carry times before its end)."""
        rng = self.rng
        rand = rng.random
        out: list[tuple[int, Event]] = []
        while len(out) < count:
            roll = rand()
            delivered = self.day_start + int(rand() * _DAY_MS)
            if roll < 0.6 and self.with_customer:
                # a later purchase of a recent chatter, reported by a backend that was
                # down or retried: usually without the conversation id
                chat = rng.choice(self.with_customer)
                ms = chat.last_ms + int(rand() * (self.day_start - chat.last_ms))
                explicit = chat.conversation_id if rand() < 0.15 else None
                _, event = self.purchase(chat.workspace, ms, explicit, chat.customer_id)
            elif roll < 0.85 and self.conversations:
                # a chat message buffered by a phone that was offline
                chat = rng.choice(self.conversations)
                ms = min(chat.last_ms + rng.randint(1_000, 120_000), self.day_start - 1)
                role = "customer" if rand() < 0.5 else "bot"
                _, event = self.message(chat, ms, role)
            else:
                # a returning customer's shop order, reported late
                ws = self.pick_workspace()
                ms = self.day_start - 1 - int(rand() * LATE_DAYS * _DAY_MS)
                _, event = self.purchase(ws, ms, None, self.customer(ws))
            event["event_id"] = f"evt_{delivered:011x}{event['event_id'][15:]}"
            out.append((delivered, event))
        return out

    def day_time(self, ws: Workspace) -> int:
        """A time of the day, following the workspace's daily rhythm."""
        rng = self.rng
        offset = ws.utc_offset_hours * _HOUR_MS
        while True:
            ms = self.day_start + int(rng.random() * _DAY_MS)
            if rng.random() < _DIURNAL[((ms + offset) // _HOUR_MS) % 24]:
                return ms

    def continued(self, count: int) -> list[tuple[int, Event]]:
        """`count` events of conversations of the data set that go on during the day."""
        rng = self.rng
        rand = rng.random
        out: list[tuple[int, Event]] = []
        while len(out) < count and self.conversations:
            chat = rng.choice(self.conversations)
            ws = chat.workspace
            t = self.day_time(ws)
            events: list[tuple[int, Event]] = []
            for _ in range(rng.randint(1, 3)):
                events.append(self.message(chat, t, "customer"))
                t += int(rng.expovariate(1 / 25_000)) + 1_500
                events.append(self.message(chat, t, "bot"))
                t += int(rng.expovariate(1 / 25_000)) + 1_500
            who, conversation, flow = chat.customer_id, chat.conversation_id, chat.flow_id
            if ws.kind == "store" and rand() < 0.35:
                product = rng.choice(CATALOGS[ws.workspace_id])
                page = self.page(ws, product, "product")
                events.append(self.widget(ws, t, "page_view", page, conversation, who, None))
                t += int(rng.expovariate(1 / 40_000)) + 3_000
                props: Event = {
                    "sku": product.sku,
                    "product_name": product.name,
                    "category": product.category,
                    "price": _money(product.base_price_cents),
                    "quantity": 1,
                    "cart_size": 1,
                }
                events.append(self.widget(ws, t, "add_to_cart", props, conversation, who, flow))
                t += int(rng.expovariate(1 / 30_000)) + 2_000
                if rand() < 0.4:
                    props = self.purchase_properties(ws, [(product, 1)], None)
                    events.append(self.widget(ws, t, "purchase", props, conversation, who, flow))
            elif ws.kind == "saas" and rand() < 0.15:
                props = {
                    "form": "demo_request",
                    "company_size": rng.choice(("11-50", "51-200", "201+")),
                    "plan": rng.choice(_SAAS_PLANS)[0],
                }
                events.append(self.widget(ws, t, "form_submit", props, conversation, who, flow))
            for item in events:
                if item[0] >= self.day_end:
                    break
                out.append(item)
                if len(out) == count:
                    break
        return out


def generate_next_day(
    history_n: int,
    out_dir: Path,
    *,
    n: int | None = None,
    seed: int = DEFAULT_SEED,
    files: int = 1,
    start: datetime | None = None,
    days: int = DEFAULT_DAYS,
    late_fraction: float = DEFAULT_LATE_FRACTION,
    compress: bool = False,
) -> Path:
    """Write the day after a data set as one NDJSON file of `n` lines in `out_dir`.

    The data set is the one :func:`generate_events` writes for `history_n`, `seed`,
    `files`, `start` and `days` (it is not read: its last days are regenerated in
    memory). The batch holds, in order of arrival:

    * the events the data set's sessions scheduled for that day (later shop purchases
      without a conversation id, backend echoes of in-chat orders, chats that ran past
      midnight);
    * about `late_fraction` of the lines that arrive late: they occurred in the
      LATE_DAYS before the day (delayed server purchases of recent chatters, buffered
      chat messages of recent conversations);
    * about CONTINUED_FRACTION of the lines from recent conversations going on;
    * new sessions of the same workspaces, with customers drawn from the data set's
      customer pools, and the usual share of broken and duplicate lines.

    No event id of the batch is one of the data set's. Depends only on the arguments.
    Default `n`: :func:`next_day_events` (1 % of `history_n`).
    """
    n = next_day_events(history_n) if n is None else n
    if n < 0:
        raise ValueError("n must be >= 0")
    if not 0.0 <= late_fraction <= 1.0:
        raise ValueError("late_fraction must be between 0 and 1")
    history = _plan(history_n, seed, start or DEFAULT_START, days, files)
    day_start = history.end_ms
    scheduled, conversations = _history_tail(history, day_start + _DAY_MS)

    n_late = round(n * late_fraction)
    n_continued = min(n - n_late, round(n * CONTINUED_FRACTION)) if conversations else 0
    n_scheduled = min(len(scheduled), n - n_late - n_continued)
    day = _plan(
        n - n_late - n_continued - n_scheduled,
        seed,
        datetime.fromtimestamp(day_start / 1000, UTC),
        1,
        1,
    )
    day = replace(day, pool_n=history_n, stream="next-day", label_offset=len(history.targets))

    lines: list[tuple[int, int, str]] = []
    for bucket in range(len(day.targets)):
        _generate_bucket(day, bucket, lines)
    extras = _NextDayExtras(day, conversations)
    seq = 1_000_000_000  # after every bucket's own sequence numbers
    for ms, event in [
        *scheduled[:n_scheduled],
        *extras.late(n_late),
        *extras.continued(n_continued),
    ]:
        lines.append((ms, seq, _encode(event)))
        seq += 1
    lines.sort()

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / next_day_file_name(start, days, compress=compress)
    tmp = path.with_name(path.name + ".tmp")
    data = "".join(line + "\n" for _, _, line in lines).encode("utf-8")
    try:
        tmp.write_bytes(gzip.compress(data, mtime=0) if compress else data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


# --------------------------------------------------------------------------- CLI


def _parse_start(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demo.generate",
        description="Write deterministic demo chat telemetry as NDJSON files.",
    )
    parser.add_argument("--events", type=int, required=True, help="number of lines to write")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--files", type=int, default=1, help="number of files (time-ordered parts)")
    parser.add_argument("--gz", action="store_true", help="gzip the files")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--start", type=_parse_start, default=None, help="ISO 8601 start (UTC)")
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS)
    parser.add_argument(
        "--next-day",
        action="store_true",
        help="write instead the day after the data set that --events, --seed, --files, "
        "--start and --days describe: one file of --next-day-events lines",
    )
    parser.add_argument(
        "--next-day-events",
        type=int,
        default=None,
        help="lines of the --next-day file (default: 1%% of --events)",
    )
    parser.add_argument(
        "--late-fraction",
        type=float,
        default=DEFAULT_LATE_FRACTION,
        help="share of the --next-day lines that occurred in the days before "
        f"(default {DEFAULT_LATE_FRACTION})",
    )
    args = parser.parse_args(argv)
    began = time.perf_counter()
    if args.next_day:
        events = (
            next_day_events(args.events) if args.next_day_events is None else args.next_day_events
        )
        paths = [
            generate_next_day(
                args.events,
                args.out,
                n=events,
                seed=args.seed,
                files=args.files,
                start=args.start,
                days=args.days,
                late_fraction=args.late_fraction,
                compress=args.gz,
            )
        ]
    else:
        events = args.events
        paths = generate_events(
            args.events,
            args.out,
            seed=args.seed,
            files=args.files,
            start=args.start,
            days=args.days,
            compress=args.gz,
        )
    seconds = time.perf_counter() - began
    size = sum(p.stat().st_size for p in paths)
    for p in paths:
        print(p)
    rate = events / seconds if seconds else float("inf")
    print(
        f"{events:,} events, {len(paths)} file(s), {size / 1e6:,.1f} MB in {seconds:.1f} s "
        f"({rate:,.0f} events/s, {size / 1e6 / seconds:,.1f} MB/s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
