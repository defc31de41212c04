"""The demo telemetry generator: deterministic, exact line counts, valid per reference §2.1."""

from __future__ import annotations

import csv
import gzip
import json
import math
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from demo.generate import (
    BAD_LINE_RATE,
    DEFAULT_LATE_FRACTION,
    DEFAULT_START,
    DUPLICATE_RATE,
    LATE_DAYS,
    WORKSPACES,
    data_end,
    file_names,
    generate_events,
    generate_next_day,
    iso_ms,
    iso_s,
    main,
    next_day_events,
    next_day_file_name,
)
from tests.support import PROJECT_DIR as ROOT

OPTIONAL_STRINGS = ("conversation_id", "customer_id", "flow_id")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$")


def parse_valid(line: str) -> dict[str, Any] | None:
    """The event when `line` is valid per reference §2.1, else None (the loader would reject it)."""
    try:
        event = json.loads(line, parse_constant=_reject_constant)
    except ValueError:
        return None
    if not isinstance(event, dict):
        return None
    for key in ("event_id", "workspace_id", "name", "occurred_at"):
        if not isinstance(event.get(key), str) or not event[key]:
            return None
    if not TIMESTAMP.match(event["occurred_at"]):
        return None
    try:
        datetime.fromisoformat(event["occurred_at"].replace("Z", "+00:00"))
    except ValueError:
        return None
    if event.get("source") not in (None, "widget", "server"):
        return None
    for key in OPTIONAL_STRINGS:
        if event.get(key) is not None and not isinstance(event[key], str):
            return None
    if event.get("properties") is not None and not isinstance(event["properties"], dict):
        return None
    return event


def _reject_constant(name: str) -> float:
    raise ValueError(f"bare {name}")


def occurred(event: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(event["occurred_at"].replace("Z", "+00:00"))


def read_lines(path: Path) -> list[str]:
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    text = data.decode("utf-8")
    assert text.endswith("\n")
    return text[:-1].split("\n")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    out = tmp_path_factory.mktemp("sample")
    (path,) = generate_events(30_000, out)
    return read_lines(path)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    a = generate_events(3_000, tmp_path / "a", seed=7)
    b = generate_events(3_000, tmp_path / "b", seed=7)
    c = generate_events(3_000, tmp_path / "c", seed=8)
    assert [p.name for p in a] == ["events-00001.ndjson"]
    assert a[0].read_bytes() == b[0].read_bytes()
    assert a[0].read_bytes() != c[0].read_bytes()


@pytest.mark.parametrize(("n", "files"), [(0, 1), (1, 1), (7, 2), (1_000, 1), (12_345, 3)])
def test_exactly_n_lines(tmp_path: Path, n: int, files: int) -> None:
    paths = generate_events(n, tmp_path, files=files)
    assert [p.name for p in paths] == file_names(files)
    lines = [line for p in paths if p.stat().st_size for line in read_lines(p)]
    assert len(lines) == n
    assert all(line.strip() for line in lines)


def test_files_split_the_same_stream(tmp_path: Path) -> None:
    (one,) = generate_events(20_000, tmp_path / "one")
    parts = generate_events(20_000, tmp_path / "parts", files=4)
    assert len(parts) == 4
    assert sorted(read_lines(one)) == sorted(line for p in parts for line in read_lines(p))


def test_gzip_is_deterministic_and_holds_the_same_lines(tmp_path: Path) -> None:
    (plain,) = generate_events(2_000, tmp_path / "plain")
    (gz,) = generate_events(2_000, tmp_path / "gz", compress=True)
    (again,) = generate_events(2_000, tmp_path / "again", compress=True)
    assert gz.name == "events-00001.ndjson.gz"
    assert gz.read_bytes() == again.read_bytes()
    assert read_lines(gz) == read_lines(plain)


def test_no_temporary_files_left(tmp_path: Path) -> None:
    generate_events(500, tmp_path, files=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == file_names(2)


def test_bad_lines_and_duplicates_are_a_small_fraction(sample: list[str]) -> None:
    n = len(sample)
    bad = [line for line in sample if parse_valid(line) is None]
    assert abs(len(bad) / n - BAD_LINE_RATE) < 0.0015
    ids = Counter()
    for line in sample:
        event = parse_valid(line)
        if event is not None:
            ids[(event["workspace_id"], event["event_id"])] += 1
    duplicates = sum(count - 1 for count in ids.values())
    assert abs(duplicates / n - DUPLICATE_RATE) < 0.001
    # several kinds of breakage, so the loader's reasons get exercised
    kinds = {
        "truncated or not one object": any(_not_json(line) for line in bad),
        "number id": any(re.search(r'"event_id":\d', line) for line in bad),
        "impossible date": any("-02-30T" in line for line in bad),
        "unknown source": any('"source":"mobile_app"' in line for line in bad),
        "NaN": any("NaN" in line for line in bad),
    }
    assert all(kinds.values()), kinds


def _not_json(line: str) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return True
    return False


def test_good_lines_are_valid_and_sorted_by_time(tmp_path: Path) -> None:
    paths = generate_events(15_000, tmp_path, files=3)
    for path in paths:
        times = [occurred(e) for e in map(parse_valid, read_lines(path)) if e is not None]
        assert times == sorted(times), path.name
    (single,) = generate_events(15_000, tmp_path / "single")
    times = [occurred(e) for e in map(parse_valid, read_lines(single)) if e is not None]
    assert times == sorted(times)
    assert times[0] >= DEFAULT_START
    assert times[-1] < data_end()


def test_events_belong_to_the_demo_workspaces(sample: list[str]) -> None:
    with (ROOT / "seeds" / "workspaces.csv").open(newline="") as f:
        seeded = {row["workspace_id"] for row in csv.DictReader(f)}
    events = [e for e in map(parse_valid, sample) if e is not None]
    assert {e["workspace_id"] for e in events} == seeded == {w.workspace_id for w in WORKSPACES}
    names = Counter(e["name"] for e in events)
    assert set(names) == {"message_sent", "page_view", "add_to_cart", "form_submit", "purchase"}
    for event in events:
        assert event["event_id"].startswith("evt_")
        assert event["occurred_at"].endswith("Z")


def test_average_line_size(sample: list[str]) -> None:
    average = sum(len(line.encode()) + 1 for line in sample) / len(sample)
    assert 240 <= average <= 300


def _matches(event: dict[str, Any], conditions: dict[str, Any]) -> bool:
    props = event.get("properties") or {}
    for key, expected in conditions.items():
        if key not in props:
            return False
        actual = props[key]
        if type(actual) is not type(expected) and not (
            isinstance(actual, int | float)
            and isinstance(expected, int | float)
            and not isinstance(actual, bool)
            and not isinstance(expected, bool)
        ):
            return False
        if actual != expected:
            return False
    return True


def test_every_demo_goal_has_matching_events(sample: list[str]) -> None:
    events = [e for e in map(parse_valid, sample) if e is not None]
    with (ROOT / "seeds" / "goals.csv").open(newline="") as f:
        goals = list(csv.DictReader(f))
    for goal in goals:
        conditions = json.loads(goal["match_conditions"]) if goal["match_conditions"] else {}
        hits = [
            e
            for e in events
            if e["workspace_id"] == goal["workspace_id"]
            and e["name"] == goal["trigger_event"]
            and _matches(e, conditions)
        ]
        assert len(hits) >= 5, goal["code"]
        if goal["value_mode"] == "from_property":
            values = [e["properties"].get(goal["value_property"]) for e in hits]
            assert sum(isinstance(v, int | float) for v in values) > len(values) * 0.8


def test_purchases_exercise_attribution_and_dedupe(sample: list[str]) -> None:
    events = [e for e in map(parse_valid, sample) if e is not None]
    activity: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    conversation_customer: dict[tuple[str, str], str] = {}
    for e in events:
        if e.get("conversation_id") and e.get("customer_id"):
            conversation_customer[(e["workspace_id"], e["conversation_id"])] = e["customer_id"]
    for e in events:
        if e.get("source", "widget") in (None, "widget") and e.get("conversation_id"):
            customer = conversation_customer.get((e["workspace_id"], e["conversation_id"]))
            if customer:
                activity[(e["workspace_id"], customer)].append(occurred(e))
    kinds: Counter[str] = Counter()
    orders: Counter[tuple[str, Any]] = Counter()
    for e in events:
        if e["name"] != "purchase":
            continue
        orders[(e["workspace_id"], e["properties"].get("order_id"))] += 1
        if e.get("conversation_id"):
            kinds["in_chat" if e.get("source", "widget") in (None, "widget") else "explicit"] += 1
        elif not e.get("customer_id"):
            kinds["no_customer"] += 1
        else:
            before = [
                t for t in activity[(e["workspace_id"], e["customer_id"])] if t <= occurred(e)
            ]
            if not before:
                kinds["no_conversation"] += 1
            elif occurred(e) - max(before) <= timedelta(hours=168):
                kinds["window"] += 1
            else:
                kinds["outside_window"] += 1
    expected = ("in_chat", "explicit", "window", "outside_window", "no_conversation", "no_customer")
    assert all(kinds[k] > 0 for k in expected), kinds
    assert sum(1 for count in orders.values() if count > 1) > 0  # echoed orders to deduplicate


def test_purchase_properties_carry_the_money_fields(sample: list[str]) -> None:
    purchases = [
        e
        for e in map(parse_valid, sample)
        if e is not None and e["name"] == "purchase" and e["workspace_id"] != "ws_brightdesk"
    ]
    full = [
        p
        for p in (e["properties"] for e in purchases)
        if {"order_id", "grand_total", "currency", "base_grand_total", "base_currency", "items"}
        <= p.keys()
    ]
    assert len(full) > 0.9 * len(purchases)
    for props in full:
        if isinstance(props["grand_total"], float) and props["currency"] == props["base_currency"]:
            assert math.isclose(props["grand_total"], props["base_grand_total"])
    currencies = Counter(p["currency"] for p in full)
    assert {"EUR", "USD", "GBP", "CAD"} <= set(currencies)
    assert any(isinstance(p.get("grand_total"), str) for p in full)  # "49.90" as a string


def test_timestamp_formatting() -> None:
    ms = int(datetime(2026, 8, 17, 9, 5, 3, 7000, tzinfo=UTC).timestamp() * 1000)
    assert iso_ms(ms) == "2026-08-17T09:05:03.007Z"
    assert iso_s(ms) == "2026-08-17T09:05:03Z"


def test_invalid_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_events(-1, tmp_path)
    with pytest.raises(ValueError):
        generate_events(10, tmp_path, days=0)
    with pytest.raises(ValueError):
        generate_events(10, tmp_path, files=0)


def test_start_and_days(tmp_path: Path) -> None:
    start = datetime(2025, 1, 1)
    (path,) = generate_events(2_000, tmp_path, start=start, days=3)
    times = [occurred(e) for e in map(parse_valid, read_lines(path)) if e is not None]
    assert times[0] >= start.replace(tzinfo=UTC)
    assert times[-1] < start.replace(tzinfo=UTC) + timedelta(days=3)


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--events", "500", "--out", str(tmp_path), "--files", "2", "--gz"]) == 0
    out = capsys.readouterr()
    assert sorted(p.name for p in tmp_path.iterdir()) == file_names(2, compress=True)
    assert "500 events" in out.err
    assert sum(len(read_lines(p)) for p in tmp_path.iterdir()) == 500


# --------------------------------------------------------------------------- next day

HISTORY_N = 20_000
NEXT_N = 2_000


@pytest.fixture(scope="module")
def next_day(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str]]:
    """(history lines, next-day lines) for a small data set."""
    out = tmp_path_factory.mktemp("next_day")
    history = generate_events(HISTORY_N, out / "history", files=2)
    batch = generate_next_day(HISTORY_N, out / "next", n=NEXT_N, files=2)
    assert batch.name == next_day_file_name() == "events-2026-11-15.ndjson"
    assert sorted([*file_names(2), batch.name])[-1] == batch.name  # loads after the history
    return [line for p in history for line in read_lines(p)], read_lines(batch)


def _valid(lines: list[str]) -> list[dict[str, Any]]:
    return [e for e in map(parse_valid, lines) if e is not None]


def test_next_day_has_exactly_n_lines_of_that_day(next_day: tuple[list[str], list[str]]) -> None:
    _, batch = next_day
    assert len(batch) == NEXT_N and all(line.strip() for line in batch)
    end = data_end()
    times = [occurred(e) for e in _valid(batch)]
    assert min(times) >= end - timedelta(days=LATE_DAYS)
    assert max(times) < end + timedelta(days=1, seconds=10)  # (a retry lands seconds later)
    # the usual share of broken lines and duplicates
    assert 0 < len(batch) - len(times) < 4 * BAD_LINE_RATE * NEXT_N
    ids = Counter((e["workspace_id"], e["event_id"]) for e in _valid(batch))
    assert 0 < sum(count - 1 for count in ids.values()) < 4 * DUPLICATE_RATE * NEXT_N


def test_next_day_ids_never_repeat_the_history(next_day: tuple[list[str], list[str]]) -> None:
    history, batch = next_day
    seen = {(e["workspace_id"], e["event_id"]) for e in _valid(history)}
    assert not [e for e in _valid(batch) if (e["workspace_id"], e["event_id"]) in seen]
    # nor an order id (goals deduplicate purchases by order_id), but for backend echoes
    # of in-chat orders, which repeat the order of the same conversation
    orders = {
        (e["workspace_id"], e["properties"].get("order_id")): e
        for e in _valid(history)
        if e["name"] == "purchase"
    }
    for e in _valid(batch):
        key = (e["workspace_id"], (e.get("properties") or {}).get("order_id"))
        if e["name"] == "purchase" and key in orders:
            assert e.get("source") == "server"
            assert orders[key].get("source", "widget") == "widget"


def test_next_day_continues_customers_and_conversations(
    next_day: tuple[list[str], list[str]],
) -> None:
    history, batch = next_day
    old, new = _valid(history), _valid(batch)
    chatted = {
        (e["workspace_id"], e["customer_id"])
        for e in old
        if e.get("customer_id") and e.get("conversation_id")
    }
    conversations = {
        (e["workspace_id"], e["conversation_id"]) for e in old if e.get("conversation_id")
    }
    customers = {(e["workspace_id"], e["customer_id"]) for e in new if e.get("customer_id")}
    assert len(customers & chatted) > 0.5 * len(customers)
    continued = {(e["workspace_id"], e["conversation_id"]) for e in new if e.get("conversation_id")}
    assert len(continued & conversations) >= 10
    assert {e["workspace_id"] for e in new} == {w.workspace_id for w in WORKSPACES}
    # a customer who chatted before buys through the shop backend, without a conversation
    later = [
        e
        for e in new
        if e["name"] == "purchase"
        and e.get("source") == "server"
        and not e.get("conversation_id")
        and (e["workspace_id"], e.get("customer_id")) in chatted
    ]
    assert len(later) >= 10


def test_next_day_has_late_events(next_day: tuple[list[str], list[str]]) -> None:
    _, batch = next_day
    end = data_end()
    late = [e for e in _valid(batch) if occurred(e) < end]
    assert abs(len(late) - DEFAULT_LATE_FRACTION * NEXT_N) <= 2
    assert {e["name"] for e in late} == {"purchase", "message_sent"}
    # they arrive during the day, in order of arrival: not all at the start of the file
    positions = [
        i for i, line in enumerate(batch) if (e := parse_valid(line)) and occurred(e) < end
    ]
    assert positions[-1] - positions[0] > NEXT_N // 2


def test_next_day_is_deterministic(tmp_path: Path) -> None:
    a = generate_next_day(5_000, tmp_path / "a", n=500)
    b = generate_next_day(5_000, tmp_path / "b", n=500)
    c = generate_next_day(5_000, tmp_path / "c", n=500, seed=8)
    gz = generate_next_day(5_000, tmp_path / "gz", n=500, compress=True)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    assert gz.name == "events-2026-11-15.ndjson.gz"
    assert read_lines(gz) == read_lines(a)
    none_late = generate_next_day(5_000, tmp_path / "d", n=500, late_fraction=0.0)
    assert all(occurred(e) >= data_end() for e in _valid(read_lines(none_late)))


def test_next_day_arguments(tmp_path: Path) -> None:
    assert next_day_events(1_000_000) == 10_000
    assert next_day_events(10_000_000) == 100_000
    start = datetime(2025, 1, 1, tzinfo=UTC)
    path = generate_next_day(3_000, tmp_path, start=start, days=10)
    assert path.name == "events-2025-01-11.ndjson"
    assert len(read_lines(path)) == 30
    assert generate_next_day(0, tmp_path / "empty").read_bytes() == b""
    with pytest.raises(ValueError):
        generate_next_day(1_000, tmp_path, late_fraction=1.5)
    with pytest.raises(ValueError):
        generate_next_day(1_000, tmp_path, n=-1)


def test_next_day_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--events", "10000", "--out", str(tmp_path), "--next-day", "--late-fraction", "0.1"]
    assert main(args) == 0
    out = capsys.readouterr()
    (path,) = tmp_path.iterdir()
    assert out.out.strip() == str(path)
    assert "100 events" in out.err
    lines = read_lines(path)
    assert len(lines) == 100
    assert sum(1 for e in _valid(lines) if occurred(e) < data_end()) == 10
