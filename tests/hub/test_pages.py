"""Every page of the hub in Streamlit's AppTest on the demo data, the figures it shows
checked against SQL of our own on the marts of the serving copy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from hub import data
from hub import format as fmt
from tests.hub.conftest import ROOT, Demo

APP = str(ROOT / "hub" / "app.py")
PAGES = ["views/goals.py", "views/attribution.py", "views/revenue.py", "views/events.py"]
MONEY = r"^-?\d{1,3}(,\d{3})*\.\d{2} [A-Z]{3}$"


def open_hub(workspace: str, page: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(query)
    at.run()
    at.selectbox(key="workspace").set_value(workspace).run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def rows(demo: Demo, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with demo.marts() as con:
        return con.execute(sql, params).fetchall()


def money_list(pairs: list[tuple[Any, ...]]) -> str:
    return " · ".join(fmt.money(amount, currency) for currency, amount in pairs) or "-"


# --------------------------------------------------------------------------- overview


@pytest.mark.parametrize("workspace", ["ws_nordwind", "ws_harbor", "ws_brightdesk"])
def test_overview_figures_are_the_marts(hub_env: Demo, workspace: str) -> None:
    at = open_hub(workspace)
    assert [t.value for t in at.title] == ["Overview"]
    shown = metrics(at)
    by_kind = dict(
        rows(
            hub_env,
            "select goal_kind, count(*) from marts.fct_goal_outcomes where workspace_id = ? "
            "group by goal_kind",
            [workspace],
        )
    )
    assert shown["Conversions"] == fmt.count(by_kind.get("conversion", 0))
    assert shown["Engagements"] == fmt.count(by_kind.get("engagement", 0))
    assert shown["Custom outcomes"] == fmt.count(by_kind.get("custom", 0))
    # the share is of conversions only, not of all outcomes
    ((chat, conversions),) = rows(
        hub_env,
        "select count(*) filter (where is_chat_driven), count(*) from marts.fct_goal_outcomes "
        "where workspace_id = ? and goal_kind = 'conversion'",
        [workspace],
    )
    assert shown["Chat-driven share of conversions"] == f"{chat / conversions * 100:.1f} %"
    revenue = rows(
        hub_env,
        "select currency, sum(value) from marts.fct_goal_outcomes where workspace_id = ? "
        "and value is not null group by currency order by currency",
        [workspace],
    )
    base = rows(
        hub_env,
        "select base_currency, sum(base_value) from marts.fct_goal_outcomes "
        "where workspace_id = ? and base_value is not null group by 1 order by 1",
        [workspace],
    )
    revenue_shown = {k: v for k, v in shown.items() if k.startswith(("Revenue", "Base revenue"))}
    assert revenue_shown == {
        **{f"Base revenue ({c})": fmt.money(amount, c) for c, amount in base},
        **{f"Revenue in {c}": fmt.money(amount, c) for c, amount in revenue},
    }


def test_overview_share_is_not_of_all_outcomes(hub_env: Demo) -> None:
    """ws_harbor: 26 conversions, 19 chat-driven, but most engagements are chat-driven too;
    the share shown is 19/26, not the share of all outcomes."""
    shown = metrics(open_hub("ws_harbor"))
    ((all_share,),) = rows(
        hub_env,
        "select count(*) filter (where is_chat_driven) / count(*) "
        "from marts.fct_goal_outcomes where workspace_id = 'ws_harbor'",
        [],
    )
    assert shown["Chat-driven share of conversions"] != f"{all_share * 100:.1f} %"


def test_overview_follows_the_date_and_goal_filters(hub_env: Demo) -> None:
    at = open_hub("ws_harbor")
    at.date_input(key="dates:ws_harbor").set_value((date(2026, 10, 1), date(2026, 10, 31)))
    at.multiselect(key="goals:ws_harbor").set_value(["product_purchase"])
    at.run()
    shown = metrics(at)
    ((outcomes, chat),) = rows(
        hub_env,
        "select sum(outcomes), sum(chat_driven_outcomes) from marts.agg_goal_outcomes_daily "
        "where workspace_id = 'ws_harbor' and goal_code = 'product_purchase' "
        "and outcome_date between '2026-10-01' and '2026-10-31'",
        [],
    )
    assert 0 < outcomes < 26
    assert shown["Conversions"] == fmt.count(outcomes)
    assert shown["Engagements"] == "0"
    assert shown["Chat-driven share of conversions"] == f"{chat / outcomes * 100:.1f} %"
    base = rows(
        hub_env,
        "select base_currency, sum(base_revenue) from marts.agg_goal_outcomes_daily "
        "where workspace_id = 'ws_harbor' and goal_code = 'product_purchase' "
        "and outcome_date between '2026-10-01' and '2026-10-31' group by 1 order by 1",
        [],
    )
    ((currency, amount),) = base
    assert shown[f"Base revenue ({currency})"] == fmt.money(amount, currency)
    # the filters are shared: the next page shows the same days and goal
    at.switch_page("views/revenue.py").run()
    assert metrics(at)["Base revenue"] == money_list(base)


def test_trend_has_every_day_and_sums_to_the_outcomes(hub_env: Demo) -> None:
    filters = data.Filters("ws_nordwind", date(2026, 9, 1), date(2026, 9, 30))
    trend = data.trend(hub_env.serving, filters)
    assert list(trend["outcome_date"]) == [date(2026, 9, d) for d in range(1, 31)]
    expected = dict(
        rows(
            hub_env,
            "select g.goal_kind, sum(a.outcomes) from marts.agg_goal_outcomes_daily as a "
            "join marts.dim_goals as g using (workspace_id, goal_code) "
            "where a.workspace_id = 'ws_nordwind' "
            "and a.outcome_date between '2026-09-01' and '2026-09-30' group by 1",
            [],
        )
    )
    assert trend["conversions"].sum() == expected.get("conversion", 0)
    assert trend["engagements"].sum() == expected.get("engagement", 0)


# --------------------------------------------------------------------------- goals


def test_goals_grouped_by_status_with_outcomes_revenue_and_last_outcome(hub_env: Demo) -> None:
    at = open_hub("ws_nordwind", "views/goals.py")
    statuses = rows(
        hub_env,
        "select current_status, count(*) from marts.dim_goals "
        "where workspace_id = 'ws_nordwind' group by 1",
        [],
    )
    counts = dict(statuses)
    assert [h.value for h in at.subheader] == [
        f"{s.capitalize()} ({counts.get(s, 0)})" for s in ("active", "paused", "archived")
    ]
    tables = [d.value for d in at.dataframe]
    assert len(tables) == sum(1 for s in ("active", "paused", "archived") if counts.get(s))
    shown = {row["code"]: row for table in tables for _, row in table.iterrows()}
    goals = rows(
        hub_env,
        "select g.goal_code, g.current_status, count(o.outcome_id), max(o.occurred_at) "
        "from marts.dim_goals as g left join marts.fct_goal_outcomes as o "
        "using (workspace_id, goal_code) where g.workspace_id = 'ws_nordwind' group by 1, 2",
        [],
    )
    assert set(shown) == {code for code, *_ in goals}
    archived = {row["code"] for _, row in tables[-1].iterrows()}
    assert archived == {code for code, status, *_ in goals if status == "archived"}
    for code, _, outcomes, last in goals:
        assert shown[code]["outcomes"] == fmt.count(outcomes)
        assert shown[code]["last outcome"] == (f"{last:%Y-%m-%d %H:%M} UTC" if last else "-")
        revenue = rows(
            hub_env,
            "select currency, sum(value) from marts.fct_goal_outcomes "
            "where workspace_id = 'ws_nordwind' and goal_code = ? and value is not null "
            "group by 1 order by 1",
            [code],
        )
        assert shown[code]["revenue"] == money_list(revenue)
    purchase = shown["product_purchase"]
    assert purchase["goal"].endswith("★")
    assert "SEK" in purchase["revenue"] and purchase["base revenue"].endswith(" EUR")
    for part in purchase["revenue"].split(" · "):
        assert part and __import__("re").match(MONEY, part)


# --------------------------------------------------------------------------- attribution


def test_attribution_counts_histogram_and_flows(hub_env: Demo) -> None:
    at = open_hub("ws_harbor", "views/attribution.py")
    counts, flows = (d.value for d in at.dataframe)
    expected = dict(
        rows(
            hub_env,
            "select attribution, count(*) from marts.fct_goal_outcomes "
            "where workspace_id = 'ws_harbor' group by 1",
            [],
        )
    )
    assert list(counts["attribution"]) == [
        "in chat",
        "explicit",
        "window",
        "outside window",
        "no conversation",
        "no customer",
    ]
    assert list(counts["outcomes"]) == [fmt.count(expected.get(a, 0)) for a in data.ATTRIBUTIONS]
    by_flow = rows(
        hub_env,
        "select coalesce(flow_id, '(no flow)'), count(*), sum(base_value), base_currency "
        "from marts.fct_goal_outcomes where workspace_id = 'ws_harbor' "
        "and base_value is not null group by flow_id, base_currency order by 3 desc",
        [],
    )
    assert [tuple(r) for r in flows.itertuples(index=False)] == [
        (flow, fmt.count(n), fmt.money(amount, currency)) for flow, n, amount, currency in by_flow
    ]
    assert len(at.get("vega_lite_chart")) == 3


def test_hours_since_chat_histogram(hub_env: Demo) -> None:
    filters = data.Filters("ws_harbor", date(2026, 8, 1), date(2026, 12, 1))
    hist = data.hours_since_chat(hub_env.serving, filters)
    expected = dict(
        rows(
            hub_env,
            "select cast(floor(hours_since_chat / 24) as bigint), count(*) "
            "from marts.fct_goal_outcomes where workspace_id = 'ws_harbor' "
            "and hours_since_chat is not null group by 1",
            [],
        )
    )
    assert list(hist["bin_start"]) == [24 * b for b in range(max(expected) + 1)]
    assert list(hist["outcomes"]) == [expected.get(b, 0) for b in range(max(expected) + 1)]
    assert hist["bin_label"].iloc[0] == "0-24 h"


# --------------------------------------------------------------------------- revenue


def test_revenue_by_display_currency_beside_base_revenue(hub_env: Demo) -> None:
    at = open_hub("ws_nordwind", "views/revenue.py")
    (table,) = (d.value for d in at.dataframe)
    expected = rows(
        hub_env,
        "select currency, count(*), sum(value), sum(value) filter (where is_chat_driven), "
        "base_currency, sum(base_value), sum(base_value) filter (where is_chat_driven) "
        "from marts.fct_goal_outcomes where workspace_id = 'ws_nordwind' "
        "and value is not null group by currency, base_currency order by 1, 5",
        [],
    )
    assert len(expected) > 1  # the demo sells in several display currencies
    assert [tuple(r) for r in table.itertuples(index=False)] == [
        (
            cur,
            fmt.count(n),
            fmt.money(rev, cur),
            fmt.money(chat or Decimal(0), cur),
            fmt.money(base, base_cur),
            fmt.money(chat_base or Decimal(0), base_cur),
        )
        for cur, n, rev, chat, base_cur, base, chat_base in expected
    ]
    ((total,),) = rows(
        hub_env,
        "select sum(base_value) from marts.fct_goal_outcomes where workspace_id = 'ws_nordwind'",
        [],
    )
    assert metrics(at)["Base revenue"] == fmt.money(total, "EUR")


# --------------------------------------------------------------------------- event explorer


def _raw_events(demo: Demo, days: int, name: str | None) -> list[tuple[Any, ...]]:
    """The newest 100 raw events of the warehouse in the window, as the explorer must."""
    import duckdb

    sql = (
        "select occurred_at, name, cast(properties as varchar), event_id from raw.events "
        "where workspace_id = 'ws_harbor' and occurred_at > ?::timestamp - to_days(?) "
        "and occurred_at <= ?::timestamp"
    )
    as_of = "2026-11-15 00:00:00"
    params: list[Any] = [as_of, days, as_of]
    if name:
        sql += " and name = ?"
        params.append(name)
    sql += " order by occurred_at desc, event_id desc limit 100"
    with duckdb.connect(str(demo.warehouse), read_only=True) as con:
        return con.execute(sql, params).fetchall()


@pytest.mark.parametrize(
    ("query", "days", "name"),
    [
        ({}, 30, None),
        ({"range": "7d"}, 7, None),
        ({"range": "90d", "name": "purchase"}, 90, "purchase"),
    ],
)
def test_event_explorer_url_filters(
    hub_env: Demo, query: dict[str, str], days: int, name: str | None
) -> None:
    at = open_hub("ws_harbor", "views/events.py", **query)
    assert at.radio(key="explorer_range").value == query.get("range", "30d")
    (table,) = (d.value for d in at.dataframe)
    expected = _raw_events(hub_env, days, name)
    assert 0 < len(table) <= 100
    assert [
        (t, n, p, e)
        for t, n, p, e in zip(
            table["occurred_at (UTC)"],
            table["name"],
            table["properties"],
            table["event_id"],
            strict=True,
        )
    ] == [(fmt.utc_seconds(t), n, p, e) for t, n, p, e in expected]
    if name:
        assert set(table["name"]) == {name}


def test_event_explorer_widgets_write_the_url(hub_env: Demo) -> None:
    at = open_hub("ws_harbor", "views/events.py")
    at.radio(key="explorer_range").set_value("7d").run()
    assert at.query_params["range"] == "7d"
    at.selectbox(key="explorer_name").set_value("purchase").run()
    assert at.query_params["name"] == "purchase"
    table = at.dataframe[0].value
    assert set(table["name"]) == {"purchase"}
    # full properties, exactly as stored, one block per event
    at.toggle(key="explorer_full").set_value(True).run()
    assert [c.value for c in at.code] == list(table["properties"])


def test_event_explorer_bad_range_falls_back_to_30d(hub_env: Demo) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["range"] = "1y"
    at.run()
    at.switch_page("views/events.py").run()
    assert "not one of 7d, 30d, 90d" in at.warning[0].value
    assert at.radio(key="explorer_range").value == "30d"


def test_no_event_explorer_without_a_telemetry_copy(
    hub_env: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOALS_HUB_TELEMETRY")
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/events.py")
    # and the analysts' serving copy holds no raw telemetry at all
    schemas = rows(hub_env, "select distinct schema_name from duckdb_tables()", [])
    assert schemas == [("marts",)]


def test_a_missing_serving_copy_is_one_clear_line(
    hub_env: Demo, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("GOALS_HUB_SERVING", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    (error,) = at.error
    assert "No serving copy at" in error.value and "make demo" in error.value
    assert "goals publish" in error.value


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_every_workspace(hub_env: Demo, page: str) -> None:
    for workspace in ("ws_nordwind", "ws_harbor", "ws_brightdesk"):
        at = open_hub(workspace, page)
        assert len(at.title) == 1


def test_outcome_pages_use_the_workspaces_local_days(hub_env: Demo) -> None:
    """Attribution and goals count outcomes by the workspace's local day, as the daily mart
    does: over October in New York, their totals are the mart's."""
    at = open_hub("ws_harbor")
    at.date_input(key="dates:ws_harbor").set_value((date(2026, 10, 1), date(2026, 10, 31)))
    at.run()
    ((expected,),) = rows(
        hub_env,
        "select sum(outcomes) from marts.agg_goal_outcomes_daily where workspace_id = "
        "'ws_harbor' and outcome_date between '2026-10-01' and '2026-10-31'",
        [],
    )
    ((utc_days,),) = rows(
        hub_env,
        "select count(*) from marts.fct_goal_outcomes where workspace_id = 'ws_harbor' "
        "and cast(occurred_at as date) between '2026-10-01' and '2026-10-31'",
        [],
    )
    at.switch_page("views/attribution.py").run()
    counts = at.dataframe[0].value
    assert sum(int(n.replace(",", "")) for n in counts["outcomes"]) == expected
    at.switch_page("views/goals.py").run()
    goals = at.dataframe[0].value
    assert sum(int(n.replace(",", "")) for n in goals["outcomes"]) == expected
    assert utc_days != expected  # the demo has outcomes near midnight: the days matter


def test_a_link_chooses_the_workspace_and_follows_the_choice(hub_env: Demo) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["workspace"] = "ws_harbor"
    at.run()
    assert at.selectbox(key="workspace").value == "ws_harbor"
    assert "ws_harbor · " in at.caption[0].value
    at.selectbox(key="workspace").set_value("ws_nordwind").run()
    assert at.query_params["workspace"] == "ws_nordwind"
    at.query_params["workspace"] = "ws_unknown"  # an unknown id is ignored
    assert not at.run().exception
