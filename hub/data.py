"""Every query of the goals hub, on the serving copy (schema `marts`) and on the telemetry
copy (schema `telemetry`). No Streamlit here: the pages render what these return.

Each query opens its own read-only connection and closes it: the hub never takes a writer
lock, never blocks a publish, and sees a new publish at its next query (docs/hub.md).

Dates: the filters' dates are the workspaces' local days, as `agg_goal_outcomes_daily`'s
`outcome_date`; outcome-level queries turn `occurred_at` (UTC) into the local day with the
workspace's time zone from `dim_workspaces`, the same expression the mart uses.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

#: The attributions of docs/reference.md 3.3, in the order the hub shows them.
ATTRIBUTIONS = (
    "in_chat",
    "explicit",
    "window",
    "outside_window",
    "no_conversation",
    "no_customer",
)
#: The goal statuses, in the order of the product's goals list.
STATUSES = ("active", "paused", "archived")
#: Width of a bar of the hours-since-chat histogram.
HOURS_BIN = 24
#: The Event Explorer shows at most this many events.
MAX_EVENTS = 100


class HubDataError(RuntimeError):
    """A copy that cannot be read; the message says what to do."""


@dataclass(frozen=True)
class Filters:
    """The hub's shared filters: one workspace, local days [start, end], goals (empty:
    every goal of the workspace)."""

    workspace_id: str
    start: date
    end: date
    goal_codes: tuple[str, ...] = field(default=())

    def params(self) -> list[Any]:
        goals = list(self.goal_codes)
        return [self.workspace_id, self.start, self.end, goals, goals]


@contextmanager
def connect(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to a published copy, closed afterwards."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise HubDataError(f"Cannot open {path} read-only: {exc}") from exc
    try:
        yield con
    finally:
        con.close()


def _frame(cursor: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The result as a DataFrame that keeps money exact (`Decimal` objects, not floats)."""
    columns = [str(column[0]) for column in cursor.description or []]
    return pd.DataFrame(cursor.fetchall(), columns=columns)


def _df(path: Path, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    with connect(path) as con:
        return _frame(con.execute(sql, list(params)))


def _rows(path: Path, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with connect(path) as con:
        return con.execute(sql, list(params)).fetchall()


# --------------------------------------------------------------------------- serving copy


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


def check_serving(path: Path) -> None:
    """Raise HubDataError unless `path` is a serving copy with the marts the hub reads."""
    with connect(path) as con:
        missing = [
            table
            for table in ("fct_goal_outcomes", "dim_goals", "agg_goal_outcomes_daily")
            if not _has_table(con, "marts", table)
        ]
    if missing:
        raise HubDataError(
            f"{path} lacks marts.{', marts.'.join(missing)}: it is not a serving copy; "
            "publish one with `goals publish` (or `make demo`)."
        )


def _goal_filter(column: str) -> str:
    """`column` is one of the chosen goals, or no goal is chosen (two parameters: the goal
    codes twice)."""
    return f"(len(?::varchar[]) = 0 or list_contains(?::varchar[], {column}))"


def _filters_where(workspace: str, day: str, goal: str) -> str:
    """The condition of the shared filters (parameters: Filters.params())."""
    return f"{workspace} = ? and {day} between ? and ? and {_goal_filter(goal)}"


#: An outcome's local day: `occurred_at` (UTC) in its workspace's time zone.
_LOCAL_DAY = "cast(timezone(workspaces.time_zone, timezone('UTC', outcomes.occurred_at)) as date)"


def _workspaces_cte(con: duckdb.DuckDBPyConnection) -> str:
    """`workspaces(workspace_id, workspace_name, base_currency, time_zone)`: from
    marts.dim_workspaces; a copy published before it existed falls back to the goals'
    workspaces, named by id, on UTC days."""
    if _has_table(con, "marts", "dim_workspaces"):
        return (
            "workspaces as (select workspace_id, coalesce(workspace_name, workspace_id) "
            "as workspace_name, base_currency, coalesce(nullif(timezone, ''), 'UTC') "
            "as time_zone from marts.dim_workspaces)"
        )
    return (
        "workspaces as (select distinct workspace_id, workspace_id as workspace_name, "
        "cast(null as varchar) as base_currency, 'UTC' as time_zone from marts.dim_goals)"
    )


def _outcomes_cte(con: duckdb.DuckDBPyConnection) -> str:
    """`with workspaces, outcomes`: the filtered outcomes with their local `outcome_date`
    (parameters: Filters.params())."""
    return (
        f"with {_workspaces_cte(con)}, "
        "outcomes as ("
        f"select outcomes.*, {_LOCAL_DAY} as outcome_date "
        "from marts.fct_goal_outcomes as outcomes "
        "inner join workspaces on outcomes.workspace_id = workspaces.workspace_id "
        f"where {_filters_where('outcomes.workspace_id', _LOCAL_DAY, 'outcomes.goal_code')})"
    )


_DAILY = (
    "with daily as (select daily.*, goals.goal_kind "
    "from marts.agg_goal_outcomes_daily as daily "
    "inner join marts.dim_goals as goals "
    "on daily.workspace_id = goals.workspace_id and daily.goal_code = goals.goal_code "
    f"where {_filters_where('daily.workspace_id', 'daily.outcome_date', 'daily.goal_code')})"
)


def workspaces(path: Path) -> pd.DataFrame:
    """workspace_id, workspace_name, base_currency, time_zone; by name."""
    with connect(path) as con:
        sql = f"with {_workspaces_cte(con)} select * from workspaces order by workspace_name"
        return _frame(con.execute(sql))


def goals(path: Path, workspace_id: str) -> pd.DataFrame:
    """The workspace's goals: goal_code, goal_name, goal_kind, is_primary, current_status,
    status_changed_at; by status (the goals list's order), primary first, then name."""
    return _df(
        path,
        "select goal_code, goal_name, goal_kind, is_primary, current_status, status_changed_at "
        "from marts.dim_goals where workspace_id = ? "
        "order by list_position(?::varchar[], current_status) nulls last, "
        "is_primary desc, goal_name, goal_code",
        [workspace_id, list(STATUSES)],
    )


def date_bounds(path: Path, workspace_id: str) -> tuple[date, date] | None:
    """The first and last local day with outcomes in the workspace, if any."""
    rows = _rows(
        path,
        "select min(outcome_date), max(outcome_date) from marts.agg_goal_outcomes_daily "
        "where workspace_id = ?",
        [workspace_id],
    )
    first, last = rows[0] if rows else (None, None)
    return (first, last) if first is not None and last is not None else None


@dataclass(frozen=True)
class Totals:
    """The overview's figures."""

    conversions: int
    chat_driven_conversions: int
    engagements: int
    custom: int
    revenue: list[tuple[str, Any]]
    base_revenue: list[tuple[str, Any]]

    @property
    def chat_driven_share(self) -> float | None:
        """Chat-driven conversions / conversions (None without conversions)."""
        if not self.conversions:
            return None
        return self.chat_driven_conversions / self.conversions


def totals(path: Path, filters: Filters) -> Totals:
    """Outcomes by kind, chat-driven conversions, revenue by display currency and base
    revenue by base currency (from agg_goal_outcomes_daily)."""
    params = filters.params()
    with connect(path) as con:
        counts = con.execute(
            f"{_DAILY} select "
            "coalesce(sum(outcomes) filter (where goal_kind = 'conversion'), 0), "
            "coalesce(sum(chat_driven_outcomes) filter (where goal_kind = 'conversion'), 0), "
            "coalesce(sum(outcomes) filter (where goal_kind = 'engagement'), 0), "
            "coalesce(sum(outcomes) filter (where goal_kind not in "
            "('conversion', 'engagement')), 0) "
            "from daily",
            params,
        ).fetchone() or (0, 0, 0, 0)
        revenue = con.execute(
            f"{_DAILY} select currency, sum(revenue) from daily "
            "where currency is not null and revenue is not null "
            "group by currency order by currency",
            params,
        ).fetchall()
        base = con.execute(
            f"{_DAILY} select base_currency, sum(base_revenue) from daily "
            "where base_currency is not null and base_revenue is not null "
            "group by base_currency order by base_currency",
            params,
        ).fetchall()
    conversions, chat_driven, engagements, custom = (int(n) for n in counts)
    return Totals(
        conversions=conversions,
        chat_driven_conversions=chat_driven,
        engagements=engagements,
        custom=custom,
        revenue=[(str(c), v) for c, v in revenue],
        base_revenue=[(str(c), v) for c, v in base],
    )


def trend(path: Path, filters: Filters) -> pd.DataFrame:
    """One row per local day of the range: outcome_date, conversions, engagements,
    custom (0 on days without outcomes)."""
    return _df(
        path,
        f"{_DAILY}, days as (select cast(unnest(range(cast(? as date), "
        "cast(? as date) + interval 1 day, interval 1 day)) as date) as outcome_date) "
        "select days.outcome_date, "
        "cast(coalesce(sum(daily.outcomes) filter (where daily.goal_kind = 'conversion'), 0) "
        "as bigint) as conversions, "
        "cast(coalesce(sum(daily.outcomes) filter (where daily.goal_kind = 'engagement'), 0) "
        "as bigint) as engagements, "
        "cast(coalesce(sum(daily.outcomes) filter (where daily.goal_kind not in "
        "('conversion', 'engagement')), 0) as bigint) as custom "
        "from days left join daily on days.outcome_date = daily.outcome_date "
        "group by days.outcome_date order by days.outcome_date",
        [*filters.params(), filters.start, filters.end],
    )


def goal_outcomes(path: Path, filters: Filters) -> pd.DataFrame:
    """Every goal of the workspace (the goal filter applied) with its outcomes in the range:
    goal_code, goal_name, goal_kind, is_primary, current_status, status_changed_at,
    outcomes, chat_driven_outcomes, last_outcome_at (UTC)."""
    with connect(path) as con:
        sql = (
            f"{_outcomes_cte(con)} "
            "select goals.goal_code, goals.goal_name, goals.goal_kind, goals.is_primary, "
            "goals.current_status, goals.status_changed_at, "
            "count(outcomes.outcome_id) as outcomes, "
            "count(outcomes.outcome_id) filter (where outcomes.is_chat_driven) "
            "as chat_driven_outcomes, "
            "max(outcomes.occurred_at) as last_outcome_at "
            "from marts.dim_goals as goals "
            "left join outcomes on goals.workspace_id = outcomes.workspace_id "
            "and goals.goal_code = outcomes.goal_code "
            f"where goals.workspace_id = ? and {_goal_filter('goals.goal_code')} "
            "group by goals.goal_code, goals.goal_name, goals.goal_kind, goals.is_primary, "
            "goals.current_status, goals.status_changed_at "
            "order by list_position(?::varchar[], goals.current_status) nulls last, "
            "goals.is_primary desc, goals.goal_name, goals.goal_code"
        )
        goals_list = list(filters.goal_codes)
        return _frame(
            con.execute(
                sql,
                [*filters.params(), filters.workspace_id, goals_list, goals_list, list(STATUSES)],
            )
        )


def goal_revenue(path: Path, filters: Filters) -> pd.DataFrame:
    """goal_code, currency, revenue, base_currency, base_revenue of the valued outcomes in
    the range (one row per goal, display currency and base currency)."""
    with connect(path) as con:
        return _frame(
            con.execute(
                f"{_outcomes_cte(con)} "
                "select goal_code, currency, sum(value) as revenue, base_currency, "
                "sum(base_value) as base_revenue "
                "from outcomes where value is not null "
                "group by goal_code, currency, base_currency "
                "order by goal_code, currency, base_currency",
                filters.params(),
            )
        )


def attribution_counts(path: Path, filters: Filters) -> pd.DataFrame:
    """attribution, outcomes, chat-driven: one row per attribution of ATTRIBUTIONS (0 when
    none), in that order."""
    with connect(path) as con:
        return _frame(
            con.execute(
                f"{_outcomes_cte(con)}, kinds as ("
                "select unnest(?::varchar[]) as attribution, "
                "generate_subscripts(?::varchar[], 1) as position) "
                "select kinds.attribution, count(outcomes.outcome_id) as outcomes "
                "from kinds left join outcomes on kinds.attribution = outcomes.attribution "
                "group by kinds.attribution, kinds.position order by kinds.position",
                [*filters.params(), list(ATTRIBUTIONS), list(ATTRIBUTIONS)],
            )
        )


def hours_since_chat(path: Path, filters: Filters) -> pd.DataFrame:
    """Histogram of hours_since_chat (outcomes credited through the attribution window or
    outside it): bin_start (hours), bin_label, outcomes; bins of HOURS_BIN hours from 0 to
    the last non-empty one, empty bins included."""
    with connect(path) as con:
        return _frame(
            con.execute(
                f"{_outcomes_cte(con)}, binned as ("
                "select cast(floor(hours_since_chat / ?) as bigint) as bin from outcomes "
                "where hours_since_chat is not null), "
                "bins as (select unnest(range(0, coalesce((select max(bin) from binned), -1) + 1)) "
                "as bin) "
                "select bins.bin * ? as bin_start, "
                "format('{}-{} h', bins.bin * ?, (bins.bin + 1) * ?) as bin_label, "
                "count(binned.bin) as outcomes "
                "from bins left join binned on bins.bin = binned.bin "
                "group by bins.bin order by bins.bin",
                [*filters.params(), HOURS_BIN, HOURS_BIN, HOURS_BIN, HOURS_BIN],
            )
        )


def revenue_by_flow(path: Path, filters: Filters) -> pd.DataFrame:
    """flow_id (credited; null when none), base_currency, valued outcomes, base_revenue;
    the biggest first."""
    with connect(path) as con:
        return _frame(
            con.execute(
                f"{_outcomes_cte(con)} "
                "select flow_id, base_currency, count(*) as outcomes, "
                "sum(base_value) as base_revenue "
                "from outcomes where base_value is not null "
                "group by flow_id, base_currency "
                "order by base_revenue desc, flow_id nulls last, base_currency",
                filters.params(),
            )
        )


def revenue_by_currency(path: Path, filters: Filters) -> pd.DataFrame:
    """currency, base_currency, outcomes, revenue, chat_driven_revenue, base_revenue,
    chat_driven_base_revenue of the valued outcomes (agg_goal_outcomes_daily), by display
    currency."""
    return _df(
        path,
        f"{_DAILY} select currency, base_currency, "
        "cast(sum(outcomes) as bigint) as outcomes, "
        "sum(revenue) as revenue, sum(chat_driven_revenue) as chat_driven_revenue, "
        "sum(base_revenue) as base_revenue, "
        "sum(chat_driven_base_revenue) as chat_driven_base_revenue "
        "from daily where currency is not null and revenue is not null "
        "group by currency, base_currency order by currency, base_currency",
        filters.params(),
    )


# --------------------------------------------------------------------------- telemetry copy


@dataclass(frozen=True)
class TelemetryInfo:
    """The telemetry copy's `copy_info` row."""

    as_of: datetime
    days: int
    published_at: datetime
    events: int


def telemetry_info(path: Path) -> TelemetryInfo:
    """The copy's reference time and extent; HubDataError when `path` is not one."""
    with connect(path) as con:
        if not (
            _has_table(con, "telemetry", "events") and _has_table(con, "telemetry", "copy_info")
        ):
            raise HubDataError(
                f"{path} is not a telemetry copy: publish one with `goals publish-telemetry`."
            )
        row = con.execute(
            "select as_of, days, published_at, events from telemetry.copy_info"
        ).fetchone()
    if row is None:
        raise HubDataError(f"{path} has no copy_info row: publish it again.")
    return TelemetryInfo(as_of=row[0], days=int(row[1]), published_at=row[2], events=int(row[3]))


def explorer_window(info: TelemetryInfo, days: int) -> tuple[datetime, datetime]:
    """(as_of - days, as_of]: the Event Explorer counts back from the copy's reference time."""
    return info.as_of - timedelta(days=days), info.as_of


def event_names(path: Path, workspace_id: str, start: datetime, end: datetime) -> list[str]:
    """The event names of the workspace in (start, end], sorted."""
    rows = _rows(
        path,
        "select distinct name from telemetry.events "
        "where workspace_id = ? and occurred_at > ? and occurred_at <= ? order by name",
        [workspace_id, start, end],
    )
    return [str(row[0]) for row in rows]


def recent_events(
    path: Path,
    workspace_id: str,
    start: datetime,
    end: datetime,
    name: str | None = None,
) -> pd.DataFrame:
    """The most recent events of (start, end] (at most MAX_EVENTS, newest first): occurred_at,
    name, event_id, source, conversation_id, customer_id, flow_id, properties (full JSON)."""
    sql = (
        "select occurred_at, name, event_id, source, conversation_id, customer_id, flow_id, "
        "cast(properties as varchar) as properties from telemetry.events "
        "where workspace_id = ? and occurred_at > ? and occurred_at <= ?"
    )
    params: list[Any] = [workspace_id, start, end]
    if name:
        sql += " and name = ?"
        params.append(name)
    sql += " order by occurred_at desc, event_id desc limit ?"
    params.append(MAX_EVENTS)
    return _df(path, sql, params)
