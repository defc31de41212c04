"""Hand-computed cases straight from docs/reference.md, to test the reference implementation."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from demo.edge_cases import GOAL_COLUMNS
from tests.reference.spec_reference import (
    MISSING,
    Event,
    as_currency,
    as_number,
    at_path,
    canonical_json,
    parse_json,
    parse_timestamp,
    reference_daily,
    reference_dim_conversations,
    reference_ingest,
    reference_outcomes,
    typed_equal,
)

WS = [{"workspace_id": "w", "base_currency": "EUR", "timezone": ""}]


def goal(code="g", trigger="purchase", **kw) -> dict[str, str]:
    row = dict.fromkeys(GOAL_COLUMNS, "")
    row.update(
        workspace_id="w",
        code=code,
        name=code,
        kind="conversion",
        is_primary="false",
        trigger_event=trigger,
        value_mode="none",
    )
    row.update({k: str(v) for k, v in kw.items()})
    return row


def t(text: str) -> datetime:
    return parse_timestamp(text)


_n = 0


def ev(
    at: str,
    name="purchase",
    *,
    source="widget",
    conv=None,
    cust=None,
    flow=None,
    props=None,
    eid=None,
    ws="w",
) -> Event:
    global _n
    _n += 1
    return Event(
        ws,
        eid or f"e{_n:04d}",
        name,
        t(at),
        source,
        conv,
        cust,
        flow,
        parse_json(json.dumps(props or {})),
    )


def one(rows, **key):
    found = [r for r in rows if all(r[k] == v for k, v in key.items())]
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------- JSON / paths


def test_strict_json_and_types():
    assert parse_json("2.0") == Decimal("2.0")
    for bad in (
        "NaN",
        "[1,]",
        '{"a":1,}',
        '{"a":1} x',
        "{'a':1}",
        '{"a":Infinity}',
        "-Infinity",
    ):
        with pytest.raises(ValueError):
            parse_json(bad)


def test_typed_equality_rules():
    j = parse_json
    assert typed_equal(j("2"), j("2.0"))
    assert typed_equal(j("2"), j("20e-1"))
    assert typed_equal(j("0"), j("-0.0"))
    assert not typed_equal(j('"1"'), j("1"))
    assert not typed_equal(j('"true"'), j("true"))
    assert not typed_equal(j("true"), j("1"))  # Python's True == 1 trap
    assert not typed_equal(j("false"), j("0"))
    assert not typed_equal(j('"Premium"'), j('"premium"'))
    assert typed_equal(j("null"), j("null"))
    assert not typed_equal(j("null"), j('""'))
    assert typed_equal(j('{"a":1,"b":[2]}'), j('{"b":[2.0],"a":1.00}'))
    assert not typed_equal(j("[1,2]"), j("[2,1]"))
    assert canonical_json(j('{"b":1E+2,"a":"x"}')) == '{"a":"x","b":100}'
    # exact decimals, not doubles
    assert not typed_equal(j("9007199254740993"), j("9007199254740992"))
    assert not typed_equal(j("0.30000000000000001"), j("0.3"))
    assert typed_equal(j("0.3"), j("3E-1"))
    assert typed_equal(j("-0.0e5"), j("0"))
    assert typed_equal(j('"\\u00e9"'), j('"\u00e9"'))
    assert not typed_equal(j('"e\\u0301"'), j('"\u00e9"'))


def test_paths_walk_nested_objects_only():
    props = parse_json('{"a.b": 1, "a": {"b": 2, "c": null}, "s": "x"}')
    assert at_path(props, "a.b") == 2
    assert at_path(props, "a.c") is None
    assert at_path(props, "a.d") is MISSING
    assert at_path(props, "s.x") is MISSING
    assert at_path(parse_json('{"a.b": 1}'), "a.b") is MISSING


def test_plain_decimal_and_currency():
    assert as_number(parse_json('"49.90"')) == Decimal("49.90")
    assert as_number(parse_json('"-3"')) == Decimal(-3)
    assert as_number(parse_json("1e3")) == 1000
    for bad in (
        '"1e3"',
        '"12,50"',
        '"NaN"',
        '"+1"',
        '".5"',
        '"1."',
        '" 1"',
        '""',
        "true",
        '"1\\n"',
        "[1]",
        "{}",
    ):
        assert as_number(parse_json(bad)) is None, bad
    assert as_currency("usd") == "USD"
    assert as_currency("US") is None
    assert as_currency(Decimal(840)) is None
    assert as_currency("") is None


# --------------------------------------------------------------------------- timestamps


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-02", "2026-03-02T00:00:00"),
        ("2026-03-02T10:00", "2026-03-02T10:00:00"),
        ("2026-03-02t10:00:00z", "2026-03-02T10:00:00"),
        ("2026-03-02 10:00:00", "2026-03-02T10:00:00"),
        ("2026-03-02T10:00:00+05:30", "2026-03-02T04:30:00"),
        ("2026-03-02T10:00:00-0800", "2026-03-02T18:00:00"),
        ("2026-03-02T10:00:00+14", "2026-03-01T20:00:00"),
        ("2026-03-02T10:00:00.123456789Z", "2026-03-02T10:00:00.123456"),
        ("2026-03-02T10:00:00.5", "2026-03-02T10:00:00.500000"),
        ("2024-02-29T00:00:00Z", "2024-02-29T00:00:00"),
    ],
)
def test_timestamps_accepted(text, expected):
    assert parse_timestamp(text) == datetime.fromisoformat(expected).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",
        "2026-02-29T00:00:00Z",
        "2026-13-01",
        "2026-03-02T24:00:00Z",
        "2026-03-02T23:59:60Z",
        "2026-03-02+01:00",
        "2026-3-02",
        "2026-03-02T10",
        "2026-03-02T10:00:00.",
        "2026-03-02T10:00:00.1234567890Z",
        " 2026-03-02",
        "2026-03-02T10:00:00+24:00",
        "2026-03-02T10:00:00+05:60",
        "2026-03-02T10:00.5",
        "tomorrow",
        "2026-03-02T10:00:00ZZ",
    ],
)
def test_timestamps_rejected(text):
    with pytest.raises(ValueError):
        parse_timestamp(text)


# --------------------------------------------------------------------------- ingest


def line(**kw) -> str:
    base = {
        "event_id": "e1",
        "workspace_id": "w",
        "name": "n",
        "occurred_at": "2026-03-02T10:00:00Z",
    }
    base.update(kw)
    return json.dumps({k: v for k, v in base.items() if v is not ...})


def test_ingest_counts_rejects_duplicates(tmp_path: Path):
    lines = [
        line(event_id="a"),  # 1 accepted
        "",  # 2 blank
        "   \t",  # 3 blank
        line(event_id="a", name="other"),  # 4 duplicate
        '{"event_id": "b", ',  # 5 truncated
        line(event_id=7),  # 6 wrong type
        line(event_id=""),  # 7 empty required
        line(event_id="c", source="Widget"),  # 8 bad source
        line(event_id="d", source=None, conversation_id="", properties=None),  # 9 ok
        line(event_id="e", occurred_at="2026-02-30"),  # 10 impossible date
        "NaN",  # 11
        line(event_id="a", occurred_at="nope"),  # 12 rejected, not duplicate
        line(event_id="f", workspace_id=...),  # 13 missing required
        line(event_id="a", workspace_id="w2"),  # 14 other workspace: accepted
    ]
    f1 = tmp_path / "b.ndjson"
    f1.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    f2 = tmp_path / "a.jsonl.gz"
    f2.write_bytes(
        gzip.compress((line(event_id="a") + "\n" + line(event_id="z")).encode(), mtime=0)
    )
    (tmp_path / "c.ndjson").write_bytes(f1.read_bytes())  # same bytes: skipped
    events, counts, rejects = reference_ingest([tmp_path])
    assert [(e.workspace_id, e.event_id) for e in events] == [
        ("w", "a"),
        ("w", "z"),
        ("w", "d"),
        ("w2", "a"),
    ]
    by_path = {Path(c.path).name: c for c in counts.values()}
    assert set(by_path) == {"a.jsonl.gz", "b.ndjson"}
    a, b = by_path["a.jsonl.gz"], by_path["b.ndjson"]
    assert (a.read, a.accepted, a.rejected, a.duplicate) == (2, 2, 0, 0)
    assert (b.read, b.accepted, b.rejected, b.duplicate) == (12, 2, 8, 2)
    assert b.reject_lines == [5, 6, 7, 8, 10, 11, 12, 13]
    assert b.duplicate_lines == [1, 4]
    assert [Path(p).name for p in b.skipped_paths] == ["c.ndjson"]
    d = next(e for e in events if e.event_id == "d")
    assert d.source == "widget" and d.conversation_id is None and d.properties == {}
    assert len(rejects) == 8


# --------------------------------------------------------------------------- matching


def test_match_conditions_equality():
    goals = [
        goal("num", match_conditions='{"qty": 2.0}'),
        goal("str", match_conditions='{"plan": "premium"}'),
        goal("bool", match_conditions='{"flag": true}'),
        goal("null", match_conditions='{"note": null}'),
        goal("dot", match_conditions='{"a.b": "x"}'),
        goal("one", match_conditions='{"n": 1}'),
        goal("all", match_conditions="{}"),
        goal("none_", trigger="other"),
    ]
    events = [
        ev("2026-03-02T10:00:00Z", eid="q2", props={"qty": 2}),
        ev("2026-03-02T10:00:00Z", eid="qs", props={"qty": "2"}),
        ev("2026-03-02T10:00:00Z", eid="p1", props={"plan": "premium"}),
        ev("2026-03-02T10:00:00Z", eid="p2", props={"plan": "Premium"}),
        ev("2026-03-02T10:00:00Z", eid="b1", props={"flag": True}),
        ev("2026-03-02T10:00:00Z", eid="b2", props={"flag": "true"}),
        ev("2026-03-02T10:00:00Z", eid="b3", props={"flag": 1}),
        ev("2026-03-02T10:00:00Z", eid="n1", props={"note": None}),
        ev("2026-03-02T10:00:00Z", eid="n2", props={}),
        ev("2026-03-02T10:00:00Z", eid="d1", props={"a.b": "x"}),
        ev("2026-03-02T10:00:00Z", eid="d2", props={"a": {"b": "x"}}),
        ev("2026-03-02T10:00:00Z", eid="o1", props={"n": True}),
        ev("2026-03-02T10:00:00Z", eid="o2", props={"n": 1.0}),
        ev("2026-03-02T10:00:00Z", eid="o3", props={"n": "1"}),
        ev("2026-03-02T10:00:00Z", eid="x1", name="Purchase", props={"qty": 2}),
    ]
    rows = reference_outcomes(events, goals, [], WS)
    got = {(r["goal_code"], r["event_id"]) for r in rows}
    matched = {
        c: {e for g, e in got if g == c}
        for c in ("num", "str", "bool", "null", "dot", "one", "all", "none_")
    }
    assert matched["num"] == {"q2"}
    assert matched["str"] == {"p1"}
    assert matched["bool"] == {"b1"}
    assert matched["null"] == {"n1"}
    assert matched["dot"] == {"d1"}
    assert matched["one"] == {"o2"}
    assert len(matched["all"]) == 14  # every 'purchase', not 'Purchase'
    assert matched["none_"] == set()


def test_status_history_and_same_instant_rows():
    goals = [goal("g")]
    status = [
        {
            "workspace_id": "w",
            "goal_code": "g",
            "status": "paused",
            "changed_at": "2026-03-02T10:00:00Z",
        },
        {
            "workspace_id": "w",
            "goal_code": "g",
            "status": "active",
            "changed_at": "2026-03-03T10:00:00Z",
        },
        {
            "workspace_id": "w",
            "goal_code": "g",
            "status": "archived",
            "changed_at": "2026-03-03T10:00:00Z",
        },  # same instant: later row wins
        {
            "workspace_id": "w",
            "goal_code": "g",
            "status": "active",
            "changed_at": "2026-03-05T00:00:00Z",
        },
    ]
    events = [
        ev("2026-03-02T09:59:59.999999Z", eid="before"),
        ev("2026-03-02T10:00:00Z", eid="at_pause"),
        ev("2026-03-03T10:00:00Z", eid="at_tie"),
        ev("2026-03-04T00:00:00Z", eid="archived"),
        ev("2026-03-05T00:00:00Z", eid="at_resume"),
    ]
    rows = reference_outcomes(events, goals, status, WS)
    assert {r["event_id"] for r in rows} == {"before", "at_resume"}


def test_dedupe():
    goals = [goal("g", dedupe_property="order.id"), goal("plain")]
    events = [
        ev("2026-03-02T10:00:00Z", eid="e2", props={"order": {"id": 7}}),
        ev("2026-03-02T10:00:00Z", eid="e10", props={"order": {"id": 7.0}}),  # tie: e10 < e2
        ev("2026-03-02T09:00:00Z", eid="s1", props={"order": {"id": "7"}}),
        ev("2026-03-02T11:00:00Z", eid="b1", props={"order": {"id": True}}),
        ev("2026-03-02T11:00:00Z", eid="b2", props={"order": {"id": "true"}}),
        ev("2026-03-02T12:00:00Z", eid="m1", props={}),
        ev("2026-03-02T12:00:00Z", eid="m2", props={}),
        ev("2026-03-02T12:00:00Z", eid="z1", props={"order": {"id": None}}),
        ev("2026-03-02T12:00:00Z", eid="z2", props={"order": {"id": None}}),
        ev("2026-03-02T13:00:00Z", eid="o1", props={"order": {"id": {"a": 1, "b": 2}}}),
        ev("2026-03-02T14:00:00Z", eid="o2", props={"order": {"id": {"b": 2, "a": 1}}}),
        ev("2026-03-02T15:00:00Z", eid="one", props={"order": {"id": 1}}),
        ev("2026-03-02T16:00:00Z", eid="tru", props={"order": {"id": True}}),  # dup of b1
    ]
    rows = reference_outcomes(events, goals, [], WS)
    kept = {r["event_id"] for r in rows if r["goal_code"] == "g"}
    assert kept == {"e10", "s1", "b1", "b2", "m1", "m2", "z1", "z2", "o1", "one"}
    assert len([r for r in rows if r["goal_code"] == "plain"]) == len(events)


# --------------------------------------------------------------------------- values


def test_value_issues_and_fallbacks():
    g = goal(
        "v",
        value_mode="from_property",
        value_property="total",
        currency="usd",
        currency_property="cur",
        base_value_property="btotal",
        base_currency_property="bcur",
    )
    cases = {
        "ok": (
            {"total": "49.90", "cur": "gbp", "btotal": 55, "bcur": "chf"},
            ("49.90", "GBP", "55", "CHF", "property", None),
        ),
        "missing": ({"cur": "XX"}, (None, None, None, None, None, "value_missing")),
        "null": ({"total": None}, (None, None, None, None, None, "value_missing")),
        "sci": ({"total": "1e3"}, (None, None, None, None, None, "value_not_numeric")),
        "comma": ({"total": "12,50"}, (None, None, None, None, None, "value_not_numeric")),
        "nan": ({"total": "NaN"}, (None, None, None, None, None, "value_not_numeric")),
        "bool": ({"total": True}, (None, None, None, None, None, "value_not_numeric")),
        "defaults": ({"total": 5}, ("5", "USD", "5", "EUR", "display", None)),
        "cur_bad": (
            {"total": 5, "cur": "US", "btotal": "x", "bcur": "EURO"},
            ("5", "USD", "5", "EUR", "display", "currency_invalid"),
        ),
        "cur_num": (
            {"total": 5, "cur": 840},
            ("5", "USD", "5", "EUR", "display", "currency_invalid"),
        ),
        "base_bad": (
            {"total": 5, "btotal": "1e3", "bcur": "EURO"},
            ("5", "USD", "5", "EUR", "display", "base_value_not_numeric"),
        ),
        "bcur_bad": (
            {"total": 5, "btotal": "-3", "bcur": "EURO"},
            ("5", "USD", "-3", "EUR", "property", "base_currency_invalid"),
        ),
        "nulls": (
            {"total": 5, "cur": None, "btotal": None, "bcur": None},
            ("5", "USD", "5", "EUR", "display", None),
        ),
    }
    events = [ev("2026-03-02T10:00:00Z", eid=k, props=p) for k, (p, _) in cases.items()]
    rows = reference_outcomes(events, [g], [], WS)
    for key, (_, expected) in cases.items():
        r = one(rows, event_id=key)
        got = (
            r["value"],
            r["currency"],
            r["base_value"],
            r["base_currency"],
            r["base_value_source"],
            r["value_issue"],
        )
        want = tuple(
            Decimal(x) if i in (0, 2) and x is not None else x for i, x in enumerate(expected)
        )
        assert got == want, key


def test_fixed_and_none_and_workspace_fallback():
    goals = [
        goal("f", value_mode="fixed", fixed_value="19.99"),
        goal("n", value_mode="none", currency_property="cur"),
    ]
    rows = reference_outcomes(
        [ev("2026-03-02T10:00:00Z", eid="x", props={"cur": "bad"})], goals, [], WS
    )
    f, n = one(rows, goal_code="f"), one(rows, goal_code="n")
    assert (
        f["value"],
        f["currency"],
        f["base_value"],
        f["base_currency"],
        f["base_value_source"],
    ) == (Decimal("19.99"), "EUR", Decimal("19.99"), "EUR", "display")
    assert (n["value"], n["currency"], n["base_value_source"], n["value_issue"]) == (
        None,
        None,
        None,
        None,
    )


# --------------------------------------------------------------------------- attribution


def test_monday_thursday_ten_days_example():
    goals = [goal("buy", value_mode="fixed", fixed_value="10")]
    monday = "2026-03-02T10:00:00Z"  # a Monday
    events = [
        ev(monday, "chat_message", conv="c1", cust="alice", flow="f1", eid="chat"),
        ev("2026-03-05T16:30:00Z", source="server", cust="alice", eid="thu"),
        ev("2026-03-12T10:00:00Z", source="server", cust="alice", eid="ten"),
    ]
    rows = reference_outcomes(events, goals, [], WS)
    thu, ten = one(rows, event_id="thu"), one(rows, event_id="ten")
    assert (
        thu["attribution"],
        thu["conversation_id"],
        thu["flow_id"],
        thu["is_chat_driven"],
        thu["hours_since_chat"],
    ) == ("window", "c1", "f1", True, Decimal("78.5"))
    assert (
        ten["attribution"],
        ten["conversation_id"],
        ten["flow_id"],
        ten["is_chat_driven"],
        ten["hours_since_chat"],
    ) == ("outside_window", None, None, False, Decimal(240))


def test_window_boundary_ties_and_reasons():
    goals = [goal("g", attribution_window_hours="1")]
    events = [
        ev("2026-03-02T10:00:00Z", "chat", conv="ca", cust="bob", flow="fa"),
        ev("2026-03-02T10:00:00Z", "chat", conv="cb", cust="bob"),
        ev("2026-03-02T11:00:00Z", source="server", cust="bob", eid="edge"),
        ev("2026-03-02T11:00:00.000001Z", source="server", cust="bob", eid="past"),
        ev("2026-03-02T10:00:00Z", source="server", cust="bob", eid="same"),
        ev("2026-03-02T12:00:00Z", conv="ca", cust="zed", flow="fz", eid="inchat"),
        ev("2026-03-02T12:00:00Z", source="server", conv="cz", eid="expl"),
        ev("2026-03-02T09:00:00Z", source="server", cust="bob", eid="early"),
        ev("2026-03-02T12:00:00Z", source="server", eid="anon"),
    ]
    rows = reference_outcomes(events, goals, [], WS)
    r = {
        e: one(rows, event_id=e)
        for e in ("edge", "past", "same", "inchat", "expl", "early", "anon")
    }
    assert (r["edge"]["attribution"], r["edge"]["conversation_id"]) == ("window", "cb")
    assert r["edge"]["flow_id"] is None and r["edge"]["hours_since_chat"] == 1
    assert r["past"]["attribution"] == "outside_window"
    assert (r["same"]["attribution"], r["same"]["hours_since_chat"]) == ("window", 0)
    # in_chat credits the conversation's flow (earliest), not the event's own flow
    assert (
        r["inchat"]["attribution"],
        r["inchat"]["conversation_id"],
        r["inchat"]["flow_id"],
        r["inchat"]["customer_id"],
    ) == ("in_chat", "ca", "fa", "zed")
    assert (
        r["expl"]["attribution"],
        r["expl"]["conversation_id"],
        r["expl"]["hours_since_chat"],
    ) == ("explicit", "cz", None)
    assert r["early"]["attribution"] == "no_conversation"
    assert r["anon"]["attribution"] == "no_customer"


def test_conversation_customer_is_the_latest_naming_one():
    goals = [goal("g")]
    events = [
        ev("2026-03-02T10:00:00Z", "chat", conv="c", cust="old", eid="c1"),
        ev("2026-03-02T11:00:00Z", source="server", cust="old", eid="o_old"),
        ev("2026-03-02T11:00:00Z", source="server", cust="new", eid="o_new"),
        ev("2026-03-02T12:00:00Z", "chat", conv="c", source="server", cust="new", eid="c2"),
        ev("2026-03-02T12:00:00Z", "chat", conv="c", source="widget", eid="c3"),
    ]
    rows = reference_outcomes(events, goals, [], WS)
    assert one(rows, event_id="o_old")["attribution"] == "no_conversation"
    new = one(rows, event_id="o_new")
    assert (new["attribution"], new["conversation_id"]) == ("window", "c")
    (dim,) = reference_dim_conversations(events)
    assert (dim["customer_id"], dim["event_count"], dim["started_at"], dim["last_activity_at"]) == (
        "new",
        3,
        t("2026-03-02T10:00:00Z"),
        t("2026-03-02T12:00:00Z"),
    )


# --------------------------------------------------------------------------- daily


def test_daily_local_days():
    ws = [{"workspace_id": "w", "base_currency": "EUR", "timezone": "Pacific/Kiritimati"}]
    goals = [goal("g", value_mode="from_property", value_property="v")]
    events = [
        ev("2026-03-02T09:59:59Z", props={"v": 1}, cust="a"),  # local 23:59:59 on 03-02
        ev("2026-03-02T10:00:00Z", props={"v": 2}),  # local 00:00 on 03-03
        ev("2026-03-02T10:00:01Z", props={"v": "x"}),  # no value: own group
        ev("2026-03-02T10:00:02Z", conv="c", props={"v": "2.5"}),
    ]
    out = reference_daily(reference_outcomes(events, goals, [], ws), ws)
    by = {(r["local_date"], r["currency"]): r for r in out}
    assert by[(date(2026, 3, 2), "EUR")]["revenue"] == 1
    d3 = by[(date(2026, 3, 3), "EUR")]
    assert (
        d3["outcomes"],
        d3["chat_driven_outcomes"],
        d3["revenue"],
        d3["chat_driven_revenue"],
        d3["base_revenue"],
    ) == (2, 1, Decimal("4.5"), Decimal("2.5"), Decimal("4.5"))
    nv = by[(date(2026, 3, 3), None)]
    assert (nv["outcomes"], nv["revenue"], nv["base_currency"]) == (1, None, None)
    assert timedelta(0) == timedelta(0)


def test_duplicate_keys_are_flagged_and_the_first_value_wins():
    from tests.reference.spec_reference import JsonObject, _check_duplicate_key

    parsed = parse_json('{"a":1,"a":2,"p":{"b":1,"b":2}}')
    assert isinstance(parsed, JsonObject)
    assert parsed["a"] == 1 and parsed["p"]["b"] == 1
    with pytest.raises(ValueError):
        _check_duplicate_key(parsed)
    with pytest.raises(ValueError):
        _check_duplicate_key(parsed["p"])
