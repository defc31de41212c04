"""Adversarial edge-case dataset: seeds and event files full of the corner cases of the
reference (docs/reference.md).

`write_edge_case_dataset(out_dir, seed)` writes

    out_dir/seeds/goals.csv, goal_status_changes.csv, workspaces.csv
    out_dir/events/00_main.ndjson ... 99_same_bytes_as_01.ndjson

Every fixed case is deterministic; `seed` only drives the randomized extra events written to
`50_random_<seed>.ndjson` on top of them (`n_random=0` leaves them out). The expected results
are not written here: tests/reference/spec_reference.py computes them from the files.
"""

from __future__ import annotations

import csv
import gzip
import json
import random
from pathlib import Path
from typing import Any

OMIT: Any = object()

GOAL_COLUMNS = [
    "workspace_id",
    "code",
    "name",
    "description",
    "kind",
    "is_primary",
    "trigger_event",
    "match_conditions",
    "value_mode",
    "fixed_value",
    "value_property",
    "currency",
    "currency_property",
    "base_value_property",
    "base_currency_property",
    "attribution_window_hours",
    "dedupe_property",
]

WORKSPACES = [
    # workspace_id, base_currency, timezone ("" = UTC)
    ("ws_alpha", "EUR", ""),
    ("ws_la", "USD", "America/Los_Angeles"),
    ("ws_kiri", "JPY", "Pacific/Kiritimati"),
    ("ws_quiet", "GBP", "Europe/London"),  # no goals: conversations only
    ("ws_ktm", "NPR", "Asia/Kathmandu"),  # +05:45
]


def ev(
    eid: str,
    ws: str,
    name: str,
    at: str,
    *,
    source: Any = OMIT,
    conv: Any = OMIT,
    cust: Any = OMIT,
    flow: Any = OMIT,
    props: Any = OMIT,
    props_raw: str | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """One event line. OMIT leaves a key out; None writes JSON null; props_raw is spliced
    verbatim so number spellings such as 20e-1 or 100.00 survive."""
    fields: list[tuple[str, str]] = [
        ("event_id", json.dumps(eid)),
        ("workspace_id", json.dumps(ws)),
        ("name", json.dumps(name)),
        ("occurred_at", json.dumps(at)),
    ]
    for key, value in (
        ("source", source),
        ("conversation_id", conv),
        ("customer_id", cust),
        ("flow_id", flow),
    ):
        if value is not OMIT:
            fields.append((key, json.dumps(value)))
    if props_raw is not None:
        fields.append(("properties", props_raw))
    elif props is not OMIT:
        fields.append(("properties", json.dumps(props, ensure_ascii=False)))
    for key, value in (extra or {}).items():
        fields.append((key, json.dumps(value)))
    return "{" + ", ".join(f'"{k}": {v}' for k, v in fields) + "}"


def goal(ws: str, code: str, trigger: str, *, kind: str = "conversion", **cells: str) -> dict:
    row = dict.fromkeys(GOAL_COLUMNS, "")
    row.update(
        workspace_id=ws,
        code=code,
        name=code.replace("_", " ").capitalize(),
        kind=kind,
        trigger_event=trigger,
        value_mode="none",
        is_primary="false",
    )
    row.update(cells)
    return row


# --------------------------------------------------------------------------- seeds


def _goals() -> list[dict]:
    a = "ws_alpha"
    rows = [
        # 3.1 equality, all on trigger eq_evt
        goal(a, "eq_string", "eq_evt", kind="engagement", match_conditions='{"plan": "premium"}'),
        goal(a, "eq_number", "eq_evt", kind="engagement", match_conditions='{"qty": 2.0}'),
        goal(a, "eq_bool", "eq_evt", kind="engagement", match_conditions='{"flag": true}'),
        goal(a, "eq_false", "eq_evt", kind="engagement", match_conditions='{"flag": false}'),
        goal(a, "eq_null", "eq_evt", kind="engagement", match_conditions='{"note": null}'),
        goal(a, "eq_dotted", "eq_evt", kind="engagement", match_conditions='{"a.b": "x"}'),
        goal(a, "eq_one", "eq_evt", kind="engagement", match_conditions='{"n": 1}'),
        goal(a, "eq_zero", "eq_evt", kind="engagement", match_conditions='{"z": 0}'),
        goal(a, "eq_str_one", "eq_evt", kind="engagement", match_conditions='{"code": "1"}'),
        goal(a, "eq_str_true", "eq_evt", kind="engagement", match_conditions='{"t": "true"}'),
        goal(a, "eq_exp", "eq_evt", kind="engagement", match_conditions='{"amount": 1e2}'),
        goal(
            a,
            "eq_unicode",
            "eq_evt",
            kind="engagement",
            match_conditions='{"city": "Z\\u00fcrich"}',
        ),
        goal(a, "eq_empty_str", "eq_evt", kind="engagement", match_conditions='{"ref": ""}'),
        goal(
            a,
            "eq_multi",
            "eq_evt",
            kind="custom",
            match_conditions='{"plan": "premium", "qty": 2, "flag": false, "note": null}',
        ),
        # numbers compare exactly, not as doubles
        goal(
            a,
            "eq_bigint",
            "eq_evt",
            kind="engagement",
            match_conditions='{"big": 9007199254740993}',
        ),
        goal(a, "eq_point3", "eq_evt", kind="engagement", match_conditions='{"x": 0.3}'),
        # keys that would break a naive JSON path: quotes, brackets, $, apostrophes
        goal(
            a,
            "eq_odd_keys",
            "eq_evt",
            kind="engagement",
            match_conditions=json.dumps(
                {'we"ird': "q", "a[0]": 1, "$": True, "it's": "y", "sp ace": None}
            ),
        ),
        # a multi-line CSV cell
        goal(
            a,
            "eq_multiline",
            "eq_evt",
            kind="engagement",
            match_conditions='{\n  "plan": "premium",\n  "qty": 2\n}',
        ),
        goal(a, "eq_all", "eq_evt", kind="custom", is_primary="TRUE"),
        goal(a, "eq_empty_obj", "eq_evt", kind="custom", match_conditions="{}", is_primary=""),
        # 2.3 status history, trigger st_evt
        goal(a, "st_cycle", "st_evt", kind="engagement", is_primary="True"),
        goal(a, "st_tie", "st_evt", kind="engagement"),
        goal(a, "st_later", "st_evt", kind="engagement"),
        goal(a, "shared_code", "shared_evt", value_mode="fixed", fixed_value="1"),
        # 3.1 dedupe, trigger order_placed
        goal(
            a,
            "dd_order",
            "order_placed",
            value_mode="fixed",
            fixed_value="10",
            currency="EUR",
            dedupe_property="order_id",
            is_primary="true",
        ),
        goal(a, "dd_nested", "order_placed", dedupe_property="order.id"),
        goal(
            a,
            "dd_cond",
            "order_placed",
            dedupe_property="order_id",
            match_conditions='{"channel": "web"}',
        ),
        goal(a, "dd_paused", "order_placed", dedupe_property="order_id"),
        goal(a, "plain_orders", "order_placed", kind="engagement"),
        # 3.2 value, trigger purchase_v
        goal(
            a,
            "val_full",
            "purchase_v",
            value_mode="from_property",
            value_property="grand_total",
            currency="usd",
            currency_property="currency",
            base_value_property="base_grand_total",
            base_currency_property="base_currency",
        ),
        goal(
            a,
            "val_nested",
            "purchase_v",
            value_mode="from_property",
            value_property="order.grand_total",
            currency_property="order.currency",
        ),
        goal(a, "val_fixed", "purchase_v", value_mode="fixed", fixed_value="19.99", currency="GBP"),
        goal(
            a,
            "val_fixed_int",
            "purchase_v",
            value_mode="fixed",
            fixed_value="5",
            base_currency_property="base_currency",
        ),
        goal(
            a,
            "val_none_cur",
            "purchase_v",
            kind="engagement",
            currency_property="currency",
            base_currency_property="base_currency",
        ),
        # 3.3 attribution, trigger purchase
        goal(
            a,
            "att_buy",
            "purchase",
            value_mode="fixed",
            fixed_value="10",
            is_primary="True",
            description="Default window",
        ),
        goal(a, "att_short", "purchase", attribution_window_hours="1"),
        goal(a, "att_long", "purchase", kind="custom", attribution_window_hours="720"),
        # other workspaces
        goal("ws_la", "shared_code", "shared_evt", value_mode="fixed", fixed_value="2.5"),
        goal(
            "ws_la",
            "la_purchase",
            "purchase",
            value_mode="from_property",
            value_property="total",
            currency="USD",
            currency_property="currency",
            attribution_window_hours="24",
            is_primary="true",
        ),
        goal(
            "ws_ktm",
            "ktm_visit",
            "visit",
            kind="engagement",
            value_mode="fixed",
            fixed_value="0.0001",
            currency="npr",
        ),
        goal(
            "ws_kiri",
            "ki_signup",
            "signup",
            kind="engagement",
            value_mode="fixed",
            fixed_value="1500",
        ),
        goal(
            "ws_kiri",
            "ki_purchase",
            "purchase",
            value_mode="from_property",
            value_property="amount",
            currency_property="cur",
            base_value_property="amount_jpy",
        ),
    ]
    return rows


STATUS_CHANGES = [
    ("ws_alpha", "st_cycle", "paused", "2026-03-03T13:00:00+01:00"),  # = 12:00Z
    ("ws_alpha", "st_cycle", "active", "2026-03-04 12:00:00"),  # naive = UTC
    ("ws_alpha", "st_cycle", "archived", "2026-03-06T12:00:00Z"),
    # same instant: the later row wins
    ("ws_alpha", "st_tie", "paused", "2026-03-05T00:00:00Z"),
    ("ws_alpha", "st_tie", "active", "2026-03-05T00:00:00Z"),
    ("ws_alpha", "st_tie", "active", "2026-03-05T06:00:00Z"),
    ("ws_alpha", "st_tie", "paused", "2026-03-05T06:00:00Z"),
    ("ws_alpha", "st_tie", "archived", "2026-03-05T09:00:00Z"),
    ("ws_alpha", "st_tie", "active", "2026-03-05T09:00:00Z"),
    ("ws_alpha", "st_later", "active", "2026-03-01T00:00:00Z"),
    ("ws_alpha", "st_later", "paused", "2026-03-10T00:00:00Z"),
    ("ws_alpha", "dd_paused", "paused", "2026-03-03T00:00:00Z"),
    ("ws_alpha", "dd_paused", "active", "2026-03-03T06:00:00Z"),
    # same code in another workspace: only ws_la's goal pauses
    ("ws_la", "shared_code", "paused", "2026-03-04T00:00:00Z"),
    # pausing after the fact never removes earlier outcomes
    ("ws_alpha", "val_fixed", "archived", "2026-04-01T00:00:00Z"),
]


# --------------------------------------------------------------------------- events


def _equality_events() -> list[str]:
    a, t = "ws_alpha", "2026-03-02T09:00:00Z"
    raws = [
        '{"plan": "premium"}',
        '{"plan": "Premium"}',
        '{"plan": "premium "}',
        '{"plan": null}',
        '{"qty": 2}',
        '{"qty": 2.0}',
        '{"qty": "2"}',
        '{"qty": 20e-1}',
        '{"qty": 2.000001}',
        '{"qty": true}',
        '{"qty": [2]}',
        '{"qty": 2E0}',
        '{"flag": true}',
        '{"flag": "true"}',
        '{"flag": 1}',
        '{"flag": false}',
        '{"flag": 0}',
        '{"flag": "false"}',
        '{"note": null}',
        "{}",
        '{"note": "null"}',
        '{"note": ""}',
        '{"Note": null}',
        '{"a.b": "x"}',
        '{"a": {"b": "x"}}',
        '{"a.b": "X"}',
        '{"a.b": "x", "a": {"b": "y"}}',
        '{"n": 1}',
        '{"n": 1.0}',
        '{"n": "1"}',
        '{"n": true}',
        '{"n": 1e0}',
        '{"n": 10e-1}',
        '{"z": 0}',
        '{"z": -0}',
        '{"z": 0.0}',
        '{"z": false}',
        '{"z": "0"}',
        '{"z": null}',
        '{"z": -0.0e5}',
        '{"code": "1"}',
        '{"code": 1}',
        '{"code": "01"}',
        '{"t": "true"}',
        '{"t": true}',
        '{"t": "True"}',
        '{"amount": 1e2}',
        '{"amount": 100}',
        '{"amount": 100.00}',
        '{"amount": "100"}',
        '{"amount": 1.0E+2}',
        '{"city": "Z\\u00fcrich"}',
        '{"city": "Zu\\u0308rich"}',
        '{"city": "z\\u00fcrich"}',
        '{"ref": ""}',
        '{"ref": null}',
        '{"ref": " "}',
        '{"plan": "premium", "qty": 2.0, "flag": false, "note": null}',
        '{"plan": "premium", "qty": 2, "flag": false}',
        '{"plan": "premium", "qty": 2, "flag": 0, "note": null}',
        '{"plan": "premium", "qty": 2e0, "flag": false, "note": null, "extra": [1, {"x": 2}]}',
        '{"plan": "premium", "qty": "2", "flag": false, "note": null}',
        '{"big": 9007199254740992}',
        '{"big": 9007199254740993}',
        '{"x": 0.3}',
        '{"x": 3e-1}',
        '{"we\\"ird": "q", "a[0]": 1, "$": true, "it\'s": "y", "sp ace": null}',
        '{"we\\"ird": "q", "a": [1], "$": true, "it\'s": "y", "sp ace": null}',
        '{"we\\"ird": "q", "a[0]": 1, "$": true, "it\'s": "y"}',
        '{"city": "Zürich"}',
        '{"plan": "prem\\u0069um"}',
        '{"plan": "premium\\u0000"}',
        '{"plan": "premium", "qty": 2.0, "PLAN": "x"}',
    ]
    lines = [ev(f"eq-{i:02d}", a, "eq_evt", t, props_raw=raw) for i, raw in enumerate(raws)]
    # trigger names are exact
    for i, name in enumerate(["EQ_EVT", "eq_evt ", "eq-evt", "Eq_evt"]):
        lines.append(ev(f"eq-name-{i}", a, name, t, props={"plan": "premium"}))
    # same name in a workspace without those goals
    lines.append(ev("eq-other-ws", "ws_la", "eq_evt", t, props={"plan": "premium"}))
    # properties null / absent count as {}: they match the unconditioned goals only
    lines.append(ev("eq-props-null", a, "eq_evt", t, props=None))
    lines.append(ev("eq-props-absent", a, "eq_evt", t))
    return lines


def _status_events() -> list[str]:
    a = "ws_alpha"
    times = {
        "st-01": "2026-03-03T11:59:59.999999Z",
        "st-02": "2026-03-03T12:00:00Z",  # paused at this instant
        "st-03": "2026-03-03T13:00:00+01:00",  # same instant, with an offset
        "st-04": "2026-03-03T18:00:00Z",
        "st-05": "2026-03-04T11:59:59Z",
        "st-06": "2026-03-04 12:00:00",  # naive = UTC: resumed exactly now
        "st-07": "2026-03-04T04:00:00-08:00",  # = 12:00Z too
        "st-08": "2026-03-04T23:00:00Z",
        "st-09": "2026-03-04T23:59:59.999999Z",
        "st-10": "2026-03-05T00:00:00Z",  # st_tie: paused+active rows -> active
        "st-11": "2026-03-05T05:59:59Z",
        "st-12": "2026-03-05T06:00:00Z",  # st_tie: active+paused rows -> paused
        "st-13": "2026-03-05T08:59:59.999999Z",
        "st-14": "2026-03-05T09:00:00Z",  # st_tie: archived+active -> active
        "st-15": "2026-03-06T11:59:59.999999Z",
        "st-16": "2026-03-06T12:00:00Z",  # st_cycle archived
        "st-17": "2026-03-07T00:00:00Z",
        "st-18": "2026-03-09T23:59:59Z",
        "st-19": "2026-03-10T00:00:00Z",  # st_later paused
        "st-20": "2026-02-28T00:00:00Z",  # before any change: active
    }
    lines = [ev(eid, a, "st_evt", at) for eid, at in times.items()]
    for i, at in enumerate(
        ["2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z", "2026-03-05T00:00:00Z"]
    ):
        lines.append(ev(f"sh-a-{i}", a, "shared_evt", at))
        lines.append(ev(f"sh-l-{i}", "ws_la", "shared_evt", at))
    lines.append(ev("sh-l-3", "ws_la", "shared_evt", "2026-03-03T16:00:00-08:00"))  # =04T00Z
    return lines


def _dedupe_events() -> list[str]:
    a, n = "ws_alpha", "order_placed"
    spec = [
        (
            "dd-01",
            "2026-03-02T10:00:00Z",
            '{"order_id": "A", "channel": "web", "order": {"id": 1}}',
        ),
        (
            "dd-02",
            "2026-03-02T11:00:00Z",
            '{"order_id": "A", "channel": "app", "order": {"id": 1.0}}',
        ),
        ("dd-03", "2026-03-02T11:30:00Z", '{"order_id": "a", "channel": "web"}'),
        ("dd-04", "2026-03-02T12:00:00Z", '{"order_id": 7, "order": {"id": "7"}}'),
        ("dd-05", "2026-03-02T12:30:00Z", '{"order_id": 7.0, "order": {"id": 7}}'),
        ("dd-06", "2026-03-02T13:00:00Z", '{"order_id": "7", "order": {"id": 7.00}}'),
        ("dd-07", "2026-03-02T13:30:00Z", '{"order_id": true, "order": {"id": 1}}'),
        ("dd-08", "2026-03-02T14:00:00Z", '{"order_id": "true", "order": {"id": true}}'),
        ("dd-09", "2026-03-02T14:30:00Z", '{"order_id": true}'),
        ("dd-10", "2026-03-02T15:00:00Z", "{}"),
        ("dd-11", "2026-03-02T15:00:00Z", '{"order": {}}'),
        ("dd-12", "2026-03-02T15:30:00Z", '{"order_id": null, "order": {"id": null}}'),
        ("dd-13", "2026-03-02T15:30:00Z", '{"order_id": null, "order": {"id": null}}'),
        ("dd-14", "2026-03-02T15:31:00Z", '{"order_id": 1, "order": "not-an-object"}'),
        # tie on occurred_at: the smaller event_id wins ("dd-tie-10" < "dd-tie-9")
        ("dd-tie-9", "2026-03-02T16:00:00Z", '{"order_id": "TIE", "order": {"id": "TIE"}}'),
        ("dd-tie-10", "2026-03-02T16:00:00Z", '{"order_id": "TIE", "order": {"id": "TIE"}}'),
        # earlier by the instant, later by the wall clock
        ("dd-tz-b", "2026-03-02T16:30:00Z", '{"order_id": "TZ"}'),
        ("dd-tz-a", "2026-03-02T17:00:00+01:00", '{"order_id": "TZ"}'),
        # objects by canonical JSON, arrays by order
        ("dd-obj-1", "2026-03-02T17:00:00Z", '{"order_id": {"sku": "x", "n": 1}}'),
        ("dd-obj-2", "2026-03-02T17:01:00Z", '{"order_id": {"n": 1, "sku": "x"}}'),
        ("dd-obj-3", "2026-03-02T17:02:00Z", '{"order_id": {"n": 2, "sku": "x"}}'),
        ("dd-arr-1", "2026-03-02T17:03:00Z", '{"order_id": [1, 2]}'),
        ("dd-arr-2", "2026-03-02T17:04:00Z", '{"order_id": [2, 1]}'),
        ("dd-arr-3", "2026-03-02T17:05:00Z", '{"order_id": [1, 2]}'),
        ("dd-arr-4", "2026-03-02T17:06:00Z", '{"order_id": []}'),
        ("dd-obj-4", "2026-03-02T17:07:00Z", '{"order_id": {}}'),
        ("dd-num-1", "2026-03-02T17:08:00Z", '{"order_id": 1e2}'),
        ("dd-num-2", "2026-03-02T17:09:00Z", '{"order_id": 100}'),
        ("dd-num-3", "2026-03-02T17:10:00Z", '{"order_id": 0}'),
        ("dd-num-4", "2026-03-02T17:11:00Z", '{"order_id": -0.0}'),
        ("dd-num-5", "2026-03-02T17:12:00Z", '{"order_id": false}'),
        ("dd-str-1", "2026-03-02T17:13:00Z", '{"order_id": ""}'),
        ("dd-str-2", "2026-03-02T17:14:00Z", '{"order_id": ""}'),
        ("dd-big-1", "2026-03-02T17:15:00Z", '{"order_id": 9007199254740993}'),
        ("dd-big-2", "2026-03-02T17:16:00Z", '{"order_id": 9007199254740992}'),
        ("dd-big-4", "2026-03-02T17:18:00Z", '{"order_id": 0.3}'),
        ("dd-big-5", "2026-03-02T17:19:00Z", '{"order_id": 3E-1}'),
        ("dd-str-3", "2026-03-02T17:20:00Z", '{"order_id": "\\u00e9"}'),
        ("dd-str-4", "2026-03-02T17:21:00Z", '{"order_id": "é"}'),
        ("dd-str-5", "2026-03-02T17:22:00Z", '{"order_id": "e\\u0301"}'),
        # the paused goal: the earlier equal value fell in a pause, so it is no outcome
        ("dd-p1", "2026-03-03T01:00:00Z", '{"order_id": "P"}'),
        ("dd-p2", "2026-03-03T06:00:00Z", '{"order_id": "P"}'),
        ("dd-p3", "2026-03-03T07:00:00Z", '{"order_id": "P"}'),
        # conditions: a non-matching event does not take the value
        ("dd-c1", "2026-03-03T08:00:00Z", '{"order_id": "C", "channel": "app"}'),
        ("dd-c2", "2026-03-03T09:00:00Z", '{"order_id": "C", "channel": "web"}'),
        ("dd-c3", "2026-03-03T10:00:00Z", '{"order_id": "C", "channel": "web"}'),
        # literal dotted key is not the path order.id
        ("dd-dot", "2026-03-03T11:00:00Z", '{"order.id": "TIE"}'),
    ]
    return [ev(eid, a, n, at, source="server", props_raw=raw) for eid, at, raw in spec]


def _value_events() -> list[str]:
    a, n = "ws_alpha", "purchase_v"
    spec: list[tuple[str, str]] = [
        (
            "v01",
            '{"grand_total": 49.9, "currency": "usd", "base_grand_total": 45.1, '
            '"base_currency": "eur"}',
        ),
        (
            "v02",
            '{"grand_total": "49.90", "currency": "GBP", "base_grand_total": "44.10", '
            '"base_currency": "EUR"}',
        ),
        ("v03", '{"grand_total": "-3"}'),
        ("v04", '{"grand_total": "1e3"}'),
        ("v05", '{"grand_total": 1e3, "currency": "eur"}'),
        ("v06", '{"grand_total": "12,50"}'),
        ("v07", '{"grand_total": "NaN"}'),
        ("v08", '{"grand_total": "+1"}'),
        ("v09", '{"grand_total": ".5"}'),
        ("v10", '{"grand_total": "1."}'),
        ("v11", '{"grand_total": " 1"}'),
        ("v12", '{"grand_total": ""}'),
        ("v13", '{"grand_total": true}'),
        ("v14", '{"grand_total": {"amount": 1}}'),
        ("v15", '{"grand_total": [1]}'),
        ("v16", '{"currency": "chf"}'),
        ("v17", '{"grand_total": null, "currency": "chf"}'),
        ("v18", '{"grand_total": 0}'),
        ("v19", '{"grand_total": "0.0001"}'),
        ("v20", '{"grand_total": "12345678901234.5678", "base_grand_total": 9876543210.1234}'),
        ("v21", '{"grand_total": 10, "currency": "US"}'),
        ("v22", '{"grand_total": 10, "currency": 840}'),
        ("v23", '{"grand_total": 10, "currency": ""}'),
        ("v24", '{"grand_total": 10, "currency": null, "base_currency": null}'),
        ("v25", '{"grand_total": 10, "currency": "xyz"}'),
        ("v26", '{"grand_total": 10, "base_grand_total": "abc"}'),
        ("v27", '{"grand_total": 10, "base_grand_total": true}'),
        ("v28", '{"grand_total": 10, "base_grand_total": null}'),
        ("v29", '{"grand_total": 10, "base_currency": "EURO"}'),
        ("v30", '{"grand_total": 10, "base_currency": "gbp", "base_grand_total": 11}'),
        (
            "v31",
            '{"grand_total": 10, "currency": "US", "base_grand_total": "x", '
            '"base_currency": "EURO"}',
        ),
        ("v32", '{"grand_total": 10, "base_grand_total": "x", "base_currency": "EURO"}'),
        ("v33", '{"currency": "US", "base_grand_total": "x", "base_currency": "EURO"}'),
        ("v34", '{"grand_total": 10, "base_grand_total": "1e3"}'),
        ("v35", '{"grand_total": 10, "base_currency": 978}'),
        ("v36", '{"grand_total": "10.50000", "currency": "Eur"}'),
        ("v37", '{"grand_total": 10, "currency": {"code": "USD"}}'),
        ("v38", '{"grand_total": "0012.5", "base_grand_total": "-0"}'),
        ("v39", '{"grand_total": "\\uff11\\uff12"}'),
        ("v40", '{"grand_total": "1\\n"}'),
        ("v41", '{"grand_total": 1E+1, "base_grand_total": -2.5e-2}'),
        ("v42", '{"grand_total": "-0.5", "currency": "usd ", "base_currency": " eur"}'),
        ("v43", '{"grand_total": "12.5 "}'),
        ("v44", '{"grand_total": 10, "currency": "XXX", "base_currency": "xts"}'),
        ("v45", '{"grand_total": "1_000"}'),
        ("v46", '{"grand_total": "--1"}'),
        ("v47", '{"grand_total": 10, "base_grand_total": [], "base_currency": []}'),
        ("v48", '{"grand_total": 10, "base_grand_total": {}, "currency": false}'),
        # exact money: JSON numbers keep 15 significant digits (docs/decisions.md);
        # strings holding plain decimals keep every digit
        ("v49", '{"grand_total": 123456789012.345, "base_grand_total": "1234567890123456.78"}'),
        ("v50", '{"grand_total": 9007199254740993, "base_grand_total": "9007199254740993.0001"}'),
        # nested paths for val_nested (value order.grand_total, currency order.currency)
        ("vn1", '{"order": {"grand_total": 12.5, "currency": "chf"}}'),
        ("vn2", '{"order.grand_total": 5, "order.currency": "USD"}'),
        ("vn3", '{"order": "12.5"}'),
        ("vn4", '{"order": {"grand_total": null, "currency": "chf"}}'),
        ("vn5", '{"order": {"grand_total": {"value": 1}}}'),
        ("vn6", '{"order": [{"grand_total": 1}]}'),
        ("vn7", '{"order": {"grand_total": "7.25", "currency": "nope"}}'),
        ("vn8", '{"order": {"grand_total": 3, "currency": null}}'),
        ("vn9", '{"order": null}'),
    ]
    lines = []
    for i, (eid, raw) in enumerate(spec):
        at = f"2026-03-04T{8 + i // 60:02d}:{i % 60:02d}:00Z"
        lines.append(ev(eid, a, n, at, source="server", cust=f"vc-{i % 3}", props_raw=raw))
    # one valued event much later, after val_fixed is archived: no val_fixed outcome
    lines.append(ev("v-late", a, n, "2026-04-02T00:00:00Z", props={"grand_total": 1}))
    return lines


def _attribution_events() -> list[str]:
    a, P = "ws_alpha", "purchase"
    L: list[str] = []

    def chat(eid, at, conv, cust=OMIT, flow=OMIT, ws=a, name="chat_message"):
        L.append(ev(eid, ws, name, at, conv=conv, cust=cust, flow=flow, props={"text": "hi"}))

    def buy(eid, at, cust=OMIT, conv=OMIT, source="server", flow=OMIT, ws=a, props=OMIT):
        L.append(
            ev(
                eid,
                ws,
                P,
                at,
                source=source,
                conv=conv,
                cust=cust,
                flow=flow,
                props={"sku": eid} if props is OMIT else props,
            )
        )

    # Monday chat, Thursday purchase, ten days later, the 168 h boundary
    chat("mon-0", "2026-03-02T09:50:00Z", "c_mon")  # no customer, no flow
    chat("mon-1", "2026-03-02T10:00:00Z", "c_mon", cust="cust_mon", flow="f_sales")
    buy("mon-thu", "2026-03-05T15:00:00Z", cust="cust_mon")
    buy("mon-thu-widget", "2026-03-05T16:00:00Z", cust="cust_mon", source="widget")
    buy("mon-edge", "2026-03-09T10:00:00Z", cust="cust_mon")
    buy("mon-edge-off", "2026-03-09T02:00:00-08:00", cust="cust_mon")
    buy("mon-trunc", "2026-03-09T10:00:00.0000009Z", cust="cust_mon")
    buy("mon-past-us", "2026-03-09T10:00:00.000001Z", cust="cust_mon")
    buy("mon-past", "2026-03-09T10:00:01Z", cust="cust_mon")
    buy("mon-ten", "2026-03-12T10:00:00Z", cust="cust_mon")
    buy("mon-before", "2026-03-02T09:59:59Z", cust="cust_mon")
    # same customer and conversation ids in another workspace must not leak
    chat("la-mon", "2026-03-09T09:00:00Z", "c_mon", cust="cust_mon", flow="f_la", ws="ws_la")

    # 1 h goal boundary, naive and date-only timestamps
    chat("sh-chat", "2026-03-03T08:00:00Z", "c_short", cust="cust_short", flow="f_short")
    buy("sh-edge", "2026-03-03T09:00:00Z", cust="cust_short")
    buy("sh-naive", "2026-03-03 09:00:00", cust="cust_short")
    buy("sh-lower", "2026-03-03t09:00:01z", cust="cust_short")
    buy("sh-date", "2026-03-04", cust="cust_short")
    buy("sh-hhmm", "2026-03-03T08:59", cust="cust_short")
    buy("sh-plus", "2026-03-03T09:00:00.5+00", cust="cust_short")

    # two conversations at the same instant: the greater id ("c_tie_9" > "c_tie_10")
    chat("tie-1", "2026-03-03T12:00:00Z", "c_tie_10", cust="cust_tie", flow="f10")
    chat("tie-2", "2026-03-03T12:00:00Z", "c_tie_9", cust="cust_tie", flow="f9")
    buy("tie-buy", "2026-03-03T12:30:00Z", cust="cust_tie")
    buy("tie-same", "2026-03-03T12:00:00Z", cust="cust_tie")

    # in-chat and explicit
    chat("live-1", "2026-03-04T10:00:00Z", "c_live", cust="cust_live", flow="f_live")
    buy(
        "live-buy",
        "2026-03-04T10:05:00Z",
        cust="cust_live",
        conv="c_live",
        source="widget",
        flow="f_wrong",
    )
    buy("live-late", "2026-04-20T10:00:00Z", cust="cust_live", conv="c_live", source="widget")
    buy("live-nocust", "2026-03-04T10:06:00Z", conv="c_live", source=None)
    buy("live-other-cust", "2026-03-04T10:07:00Z", conv="c_live", source="", cust="cust_live")
    buy("expl-1", "2026-03-20T10:00:00Z", cust="cust_live", conv="c_live")
    buy("expl-srv", "2026-03-04T11:00:00Z", cust="cust_srv", conv="c_srv_only", flow="f_srv")
    buy("expl-srv-2", "2026-03-04T12:00:00Z", cust="cust_srv")  # server-only conv: no activity
    buy("expl-unknown", "2026-03-04T13:00:00Z", conv="c_never_seen_elsewhere")

    # neither customer nor conversation
    buy("nocust-1", "2026-03-04T14:00:00Z")
    buy("nocust-2", "2026-03-04T14:00:01Z", cust="", conv="")
    buy("nocust-3", "2026-03-04T14:00:02Z", cust=None, conv=None, flow="f_x")
    buy("nocust-4", "2026-03-04T14:00:03Z", source="widget", flow="")
    # customers without (prior) chat
    buy("noconv-1", "2026-03-04T15:00:00Z", cust="cust_nobody")
    chat("late-chat", "2026-03-10T00:00:00Z", "c_late", cust="cust_late")
    buy("noconv-2", "2026-03-09T23:59:59.999999Z", cust="cust_late")
    buy("late-after", "2026-03-10T00:00:00Z", cust="cust_late")

    # the conversation's customer is its latest naming event, over all time
    chat("sw-1", "2026-03-05T10:00:00Z", "c_switch", cust="cust_old", flow="f_sw")
    chat("sw-2", "2026-03-05T11:00:00Z", "c_switch", cust="cust_new")
    buy("sw-old", "2026-03-05T12:00:00Z", cust="cust_old")
    buy("sw-new", "2026-03-05T10:30:00Z", cust="cust_new")
    # ... a server event may be that latest event
    chat("sw2-1", "2026-03-06T10:00:00Z", "c_switch2", cust="cust_x", flow="f_x")
    L.append(
        ev(
            "sw2-crm",
            a,
            "crm_sync",
            "2026-03-06T20:00:00Z",
            source="server",
            conv="c_switch2",
            cust="cust_y",
            flow="f_y",
        )
    )
    buy("sw2-x", "2026-03-06T11:00:00Z", cust="cust_x")
    buy("sw2-y", "2026-03-06T11:00:00Z", cust="cust_y")
    # customer tie on occurred_at: the greater event_id ("ctie-b") names it
    chat("ctie-b", "2026-03-07T10:00:00Z", "c_ctie", cust="cust_p")
    chat("ctie-a", "2026-03-07T10:00:00Z", "c_ctie", cust="cust_q")
    buy("ctie-p", "2026-03-07T11:00:00Z", cust="cust_p")
    buy("ctie-q", "2026-03-07T11:00:00Z", cust="cust_q")
    # flow tie: the smaller event_id ("ftie-10" < "ftie-2") names it
    chat("ftie-2", "2026-03-07T12:00:00Z", "c_ftie", flow="fl_2", cust="cust_f")
    chat("ftie-10", "2026-03-07T12:00:00Z", "c_ftie", flow="fl_10")
    buy("ftie-buy", "2026-03-07T12:30:00Z", cust="cust_f", conv="c_ftie")
    buy("ftie-win", "2026-03-07T12:30:01Z", cust="cust_f")
    # a chat without customer: the customer comes from a later server event
    chat("anon-1", "2026-03-08T10:00:00Z", "c_anon")
    L.append(
        ev(
            "anon-crm",
            a,
            "crm_link",
            "2026-03-08T10:05:00Z",
            source="server",
            conv="c_anon",
            cust="cust_anon",
        )
    )
    buy("anon-buy", "2026-03-08T12:00:00Z", cust="cust_anon")
    # the most recent of two conversations; activity after the outcome is ignored
    chat("two-a", "2026-03-10T08:00:00Z", "c_two_a", cust="cust_two", flow="f_two_a")
    chat("two-b", "2026-03-10T06:00:00Z", "c_two_b", cust="cust_two", flow="f_two_b")
    chat("two-b2", "2026-03-10T09:30:00Z", "c_two_b", cust="cust_two")
    buy("two-buy", "2026-03-10T09:00:00Z", cust="cust_two")
    # a chat at the very instant of the outcome
    chat("same-chat", "2026-03-11T10:00:00Z", "c_same", cust="cust_same")
    buy("same-buy", "2026-03-11T10:00:00Z", cust="cust_same")
    # a widget purchase with a conversation is itself chat activity for later outcomes
    buy(
        "inchat-act",
        "2026-03-12T08:00:00Z",
        cust="cust_act",
        conv="c_act",
        source="widget",
        flow="f_act",
    )
    buy("inchat-later", "2026-03-12T08:30:00Z", cust="cust_act")
    # hours_since_chat with microseconds
    chat("us-chat", "2026-03-13T00:00:00.123456Z", "c_us", cust="cust_us")
    buy("us-buy", "2026-03-13T00:20:34.567891Z", cust="cust_us")
    return L


def _local_day_events() -> list[str]:
    L: list[str] = []
    la, ki = "ws_la", "ws_kiri"
    la_times = [
        "2026-03-08T07:59:59Z",
        "2026-03-08T08:00:00Z",  # PST midnight
        "2026-03-08T09:59:59Z",
        "2026-03-08T10:00:00Z",  # 01:59:59 PST / 03:00 PDT
        "2026-03-09T06:59:59.999999Z",
        "2026-03-09T07:00:00Z",  # PDT midnight
        "2026-03-08T23:30:00-08:00",
        "2026-03-10T03:00:00Z",
        "2026-03-10",
        "2026-11-01T07:59:59Z",
        "2026-11-01T08:00:00Z",
        "2026-11-02T07:59:59Z",
        "2026-11-02T08:00:00Z",  # back to PST
    ]
    for i, at in enumerate(la_times):
        L.append(
            ev(
                f"la-{i:02d}",
                la,
                "purchase",
                at,
                source="server",
                cust=f"la-cust-{i % 2}",
                props={"total": f"{i + 1}.25", "currency": ["usd", "cad", "USD"][i % 3]},
            )
        )
    # 24 h window in ws_la
    L.append(
        ev(
            "la-chat",
            la,
            "chat_message",
            "2026-03-08T07:00:00Z",
            conv="la_c1",
            cust="la-buyer",
            flow="la_f",
        )
    )
    L.append(
        ev(
            "la-w-edge",
            la,
            "purchase",
            "2026-03-09T07:00:00Z",
            source="server",
            cust="la-buyer",
            props={"total": 3},
        )
    )
    L.append(
        ev(
            "la-w-past",
            la,
            "purchase",
            "2026-03-09T00:00:01-07:00",
            source="server",
            cust="la-buyer",
            props={"total": "4"},
        )
    )
    L.append(ev("la-nototal", la, "purchase", "2026-03-09T08:00:00Z", cust="la-buyer"))

    ki_times = [
        "2026-03-02T09:59:59.999999Z",
        "2026-03-02T10:00:00Z",  # local midnight (+14)
        "2026-03-03T00:00:00+14:00",
        "2026-03-02T23:59:59+14",
        "2026-03-02T23:59:59+1400",
        "2026-03-03",
        "2026-03-02 09:59:59",
        "2026-03-02T10:00:00.000001Z",
    ]
    for i, at in enumerate(ki_times):
        L.append(ev(f"ki-s-{i}", ki, "signup", at, cust="ki-cust"))
    ki_buys = [
        ('{"amount": 1200, "cur": "jpy"}', "2026-03-02T09:00:00Z"),
        ('{"amount": "99.99", "cur": "usd", "amount_jpy": 15000}', "2026-03-02T10:30:00Z"),
        ('{"amount": "12.3456", "cur": "EUR", "amount_jpy": "2000.5"}', "2026-03-02T11:00:00Z"),
        ('{"amount": 5, "cur": "JPN", "amount_jpy": "x"}', "2026-03-02T11:30:00Z"),
        ('{"amount": "abc", "cur": "usd"}', "2026-03-02T12:00:00Z"),
    ]
    for i, (raw, at) in enumerate(ki_buys):
        L.append(
            ev(f"ki-p-{i}", ki, "purchase", at, source="server", conv="ki_conv", props_raw=raw)
        )
    L.append(
        ev(
            "ki-chat",
            ki,
            "chat_message",
            "2026-03-01T00:00:00Z",
            conv="ki_conv",
            cust="ki-cust",
            flow="ki-flow",
        )
    )
    # ws_ktm (+05:45): local midnight of 03-03 is 2026-03-02T18:15:00Z
    for i, at in enumerate(
        [
            "2026-03-02T18:14:59.999999Z",
            "2026-03-02T18:15:00Z",
            "2026-03-03T00:00:00+05:45",
            "2026-03-02T23:59:59+0545",
        ]
    ):
        L.append(ev(f"ktm-{i}", "ws_ktm", "visit", at, cust="ktm-cust"))
    # ws_quiet: conversations only; same conversation id as ws_alpha's
    L.append(
        ev(
            "q-1",
            "ws_quiet",
            "chat_message",
            "2026-03-02T10:00:00Z",
            conv="c_mon",
            cust="q-cust",
            flow="q-flow",
        )
    )
    L.append(
        ev(
            "q-2",
            "ws_quiet",
            "purchase",
            "2026-03-02T11:00:00Z",
            conv="c_mon",
            source="server",
            cust="q-cust-2",
        )
    )
    L.append(ev("q-3", "ws_quiet", "chat_message", "2026-03-02T12:00:00Z", conv="c_q2"))
    return L


def _reject_lines() -> list[str]:
    """Every class of reject, with a few valid lines between them."""
    ok = {
        "event_id": "rj-ok-1",
        "workspace_id": "ws_alpha",
        "name": "eq_evt",
        "occurred_at": "2026-03-02T09:00:00Z",
    }

    def variant(**kw: Any) -> str:
        d = dict(ok)
        for k, v in kw.items():
            if v is OMIT:
                d.pop(k, None)
            else:
                d[k] = v
        return json.dumps(d, ensure_ascii=False)

    return [
        json.dumps(ok),  # accepted
        '{"event_id": "rj-trunc", "workspace_id": "ws_alpha", "name": "eq_e',
        json.dumps(dict(ok, event_id="rj-garbage")) + " x",
        json.dumps(dict(ok, event_id="rj-two")) + json.dumps(dict(ok, event_id="rj-two-b")),
        "NaN",
        "[1, 2]",
        '"just a string"',
        "42",
        "null",
        "true",
        '{"event_id": "rj-nan", "workspace_id": "ws_alpha", "name": "eq_evt", '
        '"occurred_at": "2026-03-02T09:00:00Z", "properties": {"x": NaN}}',
        '{"event_id": "rj-inf", "workspace_id": "ws_alpha", "name": "eq_evt", '
        '"occurred_at": "2026-03-02T09:00:00Z", "properties": {"x": -Infinity}}',
        '{"event_id": "rj-comma", "workspace_id": "ws_alpha", "name": "eq_evt", '
        '"occurred_at": "2026-03-02T09:00:00Z",}',
        "{'event_id': 'rj-single'}",
        '{"event_id": "rj-dupkey", "event_id": "rj-dupkey-2", "workspace_id": "ws_alpha", '
        '"name": "eq_evt", "occurred_at": "2026-03-02T09:00:00Z"}',
        '{"event_id": "rj-dupprop", "workspace_id": "ws_alpha", "name": "eq_evt", '
        '"occurred_at": "2026-03-02T09:00:00Z", "properties": {"plan": "a", "plan": "b"}}',
        '{"event_id": "rj-dupnested", "workspace_id": "ws_alpha", "name": "eq_evt", '
        '"occurred_at": "2026-03-02T09:00:00Z", "properties": {"o": {"k": 1, "k": 2}}}',
        variant(event_id=OMIT),
        variant(event_id=""),
        variant(event_id=None),
        variant(event_id=123),
        variant(workspace_id=OMIT),
        variant(workspace_id=""),
        variant(workspace_id=["ws_alpha"]),
        variant(name=OMIT),
        variant(name=""),
        variant(name=5),
        variant(occurred_at=OMIT),
        variant(occurred_at=""),
        variant(occurred_at=None),
        variant(occurred_at=1772442000),
        variant(occurred_at="2026-02-30T00:00:00Z"),
        variant(occurred_at="2026-02-29"),
        variant(occurred_at="2026-13-01T00:00:00Z"),
        variant(occurred_at="2026-03-02T24:00:00Z"),
        variant(occurred_at="2026-03-02T23:59:60Z"),
        variant(occurred_at="2026-03-02T12:60:00Z"),
        variant(occurred_at="2026-03-02+01:00"),
        variant(occurred_at="2026-3-02T10:00:00Z"),
        variant(occurred_at="2026-03-02T10"),
        variant(occurred_at="2026-03-02T10:00:00."),
        variant(occurred_at="2026-03-02T10:00:00.1234567890Z"),
        variant(occurred_at="2026-03-02T10:00:00+05:3"),
        variant(occurred_at="2026-03-02T10:00:00 +05:00"),
        variant(occurred_at="yesterday"),
        variant(occurred_at=" 2026-03-02T10:00:00Z"),
        variant(occurred_at="2026-03-02T10:00:00ZZ"),
        variant(source="Widget"),
        variant(source="SERVER"),
        variant(source="mobile"),
        variant(source=1),
        variant(source=False),
        variant(conversation_id=42),
        variant(customer_id=True),
        variant(flow_id=[]),
        variant(conversation_id={"id": "c"}),
        variant(properties="plan=premium"),
        variant(properties=[1, 2]),
        variant(properties=7),
        variant(properties=True),
        variant(event_id="rj-ok-2", extra_field={"ignored": True}),  # accepted
        variant(
            event_id="rj-ok-3",
            occurred_at="2024-02-29T23:59:59.999999999+14:00",
            source="server",
            properties={"nested": {"deep": [1, {"x": None}]}},
        ),
    ]


def _duplicate_lines() -> list[str]:
    a = "ws_alpha"
    return [
        # same id as 00_main, different content: ignored
        ev(
            "mon-thu",
            a,
            "purchase",
            "2026-03-05T15:00:00Z",
            source="server",
            cust="cust_other",
            props={"sku": "CHANGED"},
        ),
        ev(
            "mon-1",
            a,
            "chat_message",
            "2026-03-30T10:00:00Z",
            conv="c_mon",
            cust="cust_hijack",
            flow="f_hijack",
        ),
        ev("dd-01", a, "order_placed", "2026-03-01T00:00:00Z", props={"order_id": "A"}),
        # duplicates inside this file
        ev("dupwithin-1", a, "purchase", "2026-03-06T01:00:00Z", source="server", cust="cust_mon"),
        ev("dupwithin-1", a, "purchase", "2026-03-06T02:00:00Z", source="server", cust="cust_mon"),
        # same id, another workspace: not a duplicate
        ev(
            "mon-thu",
            "ws_la",
            "purchase",
            "2026-03-05T15:00:00Z",
            source="server",
            props={"total": 7, "currency": "usd"},
        ),
        # rejected although its id exists: counted as rejected
        ev("mon-ten", a, "purchase", "2026-02-30T00:00:00Z"),
        # a rejected line does not claim its id: the next valid one is accepted
        ev("late-valid", a, "purchase", "not-a-time", cust="cust_mon"),
        ev("late-valid", a, "purchase", "2026-03-06T03:00:00Z", source="server", cust="cust_mon"),
        ev("late-valid", a, "purchase", "2026-03-06T04:00:00Z", source="server", cust="cust_mon"),
    ]


def _parquet_rows() -> list[dict[str, Any]]:
    k = "ws_kiri"

    def row(eid, at, name="signup", props: Any = "{}", **kw):
        r = {
            "event_id": eid,
            "workspace_id": k,
            "name": name,
            "occurred_at": at,
            "source": None,
            "conversation_id": None,
            "customer_id": None,
            "flow_id": None,
            "properties": props,
        }
        r.update(kw)
        return r

    return [
        row("pq-1", "2026-03-05T09:59:59Z", props='{"plan": "a"}', customer_id="ki-cust"),
        row("pq-2", "2026-03-05T10:00:00Z", props=None, source="server"),
        row(
            "pq-3",
            "2026-03-05T10:00:00+14:00",
            props='{"n": 1}',
            conversation_id="",
            customer_id="",
        ),
        row("pq-4", "2026-02-30T10:00:00Z"),  # reject
        row("pq-5", "2026-03-05T11:00:00Z", props="[1]"),  # reject
        row("pq-6", "2026-03-05T11:00:00Z", props='{"a": 1, "a": 2}'),  # reject
        row("pq-7", "2026-03-05T11:00:00Z", props='{"a": NaN}'),  # reject
        row("ki-s-0", "2026-03-05T12:00:00Z"),  # duplicate
        row("pq-8", "2026-03-05T12:00:00Z", source="mobile"),  # reject
        row(
            "pq-9",
            "2026-03-05T13:00:00Z",
            name="purchase",
            source="server",
            props='{"amount": "7.5", "cur": "usd"}',
            conversation_id="ki_conv",
        ),
        row("pq-1", "2026-03-05T14:00:00Z"),  # duplicate within
        row("pq-10", "2026-03-05T15:00:00Z", source=""),  # "" source = widget
        row("pq-11", None),  # reject: no timestamp
    ]


def _random_lines(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    workspaces = ["ws_alpha", "ws_alpha", "ws_alpha", "ws_la", "ws_kiri"]
    names = [
        "purchase",
        "purchase",
        "purchase_v",
        "order_placed",
        "eq_evt",
        "chat_message",
        "st_evt",
        "signup",
        "shared_evt",
    ]
    values = [
        "12.5",
        "-3",
        "1e3",
        "12,50",
        "NaN",
        "",
        " 7",
        0,
        3.25,
        1e2,
        True,
        None,
        OMIT,
        {"v": 1},
        "0.0001",
        "100",
        42,
    ]
    currencies = ["usd", "EUR", "gbp", "US", "", None, OMIT, 840, "jpy", "xts"]
    order_ids = ["R1", "R2", "r1", 1001, 1001.0, "1001", None, OMIT, {"k": 1001}, [1001]]
    lines, used = [], []
    for i in range(n):
        ws = rng.choice(workspaces)
        name = rng.choice(names)
        day, sec = rng.randint(1, 14), rng.randint(0, 86399)
        micro = rng.choice([0, 0, 0, rng.randint(0, 999999)])
        h, m, s = sec // 3600, sec // 60 % 60, sec % 60
        fmt = rng.choice(["Z", "Z", "off", "naive", "space"])
        if fmt == "off":
            oh = rng.choice([-8, -7, 5, 14, 0])
            at = (
                f"2026-03-{day:02d}T{h:02d}:{m:02d}:{s:02d}.{micro:06d}"
                f"{'+' if oh >= 0 else '-'}{abs(oh):02d}:00"
            )
        elif fmt == "naive":
            at = f"2026-03-{day:02d}T{h:02d}:{m:02d}:{s:02d}"
        elif fmt == "space":
            at = f"2026-03-{day:02d} {h:02d}:{m:02d}:{s:02d}.{micro:06d}Z"
        else:
            at = f"2026-03-{day:02d}T{h:02d}:{m:02d}:{s:02d}Z"
        eid = f"r{seed}-{i}"
        if used and rng.random() < 0.05:
            eid = rng.choice(used)  # duplicate
        used.append(eid)
        conv = rng.choice([OMIT, OMIT, None, "", f"r_conv_{rng.randint(1, 6)}"])
        cust = rng.choice([OMIT, None, "", *[f"r_cust_{j}" for j in range(1, 5)]])
        flow = rng.choice([OMIT, OMIT, f"r_flow_{rng.randint(1, 3)}"])
        source = rng.choice([OMIT, "widget", "server", None, ""])
        props: dict[str, Any] = {}
        for key, palette in (
            ("grand_total", values),
            ("total", values),
            ("amount", values),
            ("currency", currencies),
            ("cur", currencies),
            ("base_grand_total", values),
            ("base_currency", currencies),
            ("amount_jpy", values),
            ("order_id", order_ids),
            ("plan", ["premium", "Premium", None]),
            ("qty", [2, 2.0, "2"]),
            ("flag", [True, False, 1, 0, "true"]),
        ):
            if rng.random() < 0.5:
                v = rng.choice(palette)
                if v is not OMIT:
                    props[key] = v
        if rng.random() < 0.3:
            props["order"] = {
                "grand_total": rng.choice([1, "2.5", None]),
                "id": rng.choice(order_ids[:6]),
            }
        lines.append(
            ev(
                eid,
                ws,
                name,
                at,
                source=source,
                conv=conv,
                cust=cust,
                flow=flow,
                props=props if rng.random() < 0.9 else OMIT,
            )
        )
    return lines


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def write_edge_case_dataset(out_dir: Path, seed: int = 0, *, n_random: int = 150) -> dict:
    """Write the seeds and event files; return where they are and what was written."""
    out_dir = Path(out_dir)
    seeds, events = out_dir / "seeds", out_dir / "events"
    seeds.mkdir(parents=True, exist_ok=True)
    events.mkdir(parents=True, exist_ok=True)

    goals = _goals()
    _write_csv(seeds / "goals.csv", GOAL_COLUMNS, [[g[c] for c in GOAL_COLUMNS] for g in goals])
    _write_csv(
        seeds / "goal_status_changes.csv",
        ["workspace_id", "goal_code", "status", "changed_at"],
        [list(r) for r in STATUS_CHANGES],
    )
    _write_csv(
        seeds / "workspaces.csv",
        ["workspace_id", "base_currency", "timezone"],
        [list(r) for r in WORKSPACES],
    )

    files: list[Path] = []

    def put(name: str, data: bytes) -> None:
        path = events / name
        path.write_bytes(data)
        files.append(path)

    main = (
        _equality_events()
        + _status_events()
        + _dedupe_events()
        + _value_events()
        + _attribution_events()
    )
    put("00_main.ndjson", ("\n".join(main) + "\n").encode())

    # BOM, CRLF, blank and whitespace-only lines, no final line end
    local = _local_day_events()
    body: list[str] = []
    for i, line in enumerate(local):
        body.append(line)
        if i % 4 == 1:
            body.append("")
        if i % 5 == 2:
            body.append("  \t ")
    body.insert(3, '{"event_id": "crlf-bad", "workspace_id": "ws_la"')  # a reject among them
    crlf = b"\xef\xbb\xbf" + "\r\n".join(body).encode()
    put("01_bom_crlf.ndjson", crlf)

    rejects = _reject_lines()
    raw = ("\n".join(rejects)).encode()  # no final line end
    raw += b"\n" + b'{"event_id": "rj-bytes", "name": "\xff\xfe"}' + b"\n"  # not UTF-8
    raw += json.dumps(
        {
            "event_id": "rj-ok-4",
            "workspace_id": "ws_alpha",
            "name": "eq_evt",
            "occurred_at": "2026-03-02T09:00:00Z",
            "source": "server",
        }
    ).encode()
    put("02_rejects.jsonl", raw)

    put("03_duplicates.ndjson", ("\n".join(_duplicate_lines()) + "\n\n").encode())

    gz_lines = [
        ev(
            "gz-1",
            "ws_la",
            "purchase",
            "2026-03-11T07:30:00Z",
            source="server",
            cust="la-buyer",
            props={"total": "8.80", "currency": "CAD"},
        ),
        "",
        ev(
            "gz-2",
            "ws_la",
            "chat_message",
            "2026-03-11T07:00:00Z",
            conv="la_c2",
            cust="la-buyer",
            flow="la_f2",
        ),
        ev("gz-1", "ws_la", "purchase", "2026-03-11T08:00:00Z"),  # duplicate inside gz
        "{bad json",
    ]
    put("04_compressed.ndjson.gz", gzip.compress("\n".join(gz_lines).encode(), mtime=0))

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = _parquet_rows()
    # every field a string column, in the order of an event line's fields
    table = pa.Table.from_pylist(rows, schema=pa.schema([(c, pa.string()) for c in rows[0]]))
    pq_path = events / "05_rows.parquet"
    pq.write_table(table, pq_path)
    files.append(pq_path)

    put("06_blank_only.jsonl", b"\n   \n\t\r\n\n")
    put("07_empty.ndjson", b"")
    # every line already loaded from 00_main: all duplicates (different bytes, so not skipped)
    put("08_main_subset.jsonl.gz", gzip.compress(("\n".join(main[:25]) + "\n").encode(), mtime=0))
    # a nested folder, an upper-case extension and a file that is not an event file
    nested = events / "60_nested"
    nested.mkdir(exist_ok=True)
    put(
        "60_nested/part-1.ndjson",
        (
            ev(
                "nest-1",
                "ws_alpha",
                "purchase",
                "2026-03-05T15:00:00Z",
                source="server",
                cust="cust_mon",
            )
            + "\n"
        ).encode(),
    )
    put(
        "70_UPPER.JSONL",
        (
            ev("upper-1", "ws_ktm", "visit", "2026-03-03T00:00:00Z")
            + "\n"
            + ev("nest-1", "ws_alpha", "purchase", "2026-03-06T00:00:00Z")
            + "\n"
        ).encode(),
    )
    (events / "README.txt").write_text("not an event file: ignored\n")
    if n_random:
        put(f"50_random_{seed}.ndjson", ("\n".join(_random_lines(seed, n_random)) + "\n").encode())
    # the same bytes as 01 under another name: skipped as already loaded
    put("99_same_bytes_as_01.ndjson", crlf)

    return {
        "out_dir": out_dir,
        "seeds_dir": seeds,
        "events_dir": events,
        "event_files": files,
        "goals": len(goals),
        "status_changes": len(STATUS_CHANGES),
        "workspaces": [w[0] for w in WORKSPACES],
    }


if __name__ == "__main__":  # pragma: no cover
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "data/edge_cases")
    info = write_edge_case_dataset(target, int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    print(f"wrote {len(info['event_files'])} event files and seeds under {target}")
