"""Goals, grouped by status as the product's goals list is (active, paused, archived), each
with its outcomes, revenue and last outcome in the filtered days."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from hub import data, filters
from hub import format as fmt

path, chosen = filters.current()
st.title("Goals")
st.caption(filters.describe(chosen))

outcomes = data.goal_outcomes(path, chosen)
revenue = data.goal_revenue(path, chosen)


def _revenue_of(code: str, amount: str, currency: str) -> str:
    rows = revenue[revenue["goal_code"] == code].groupby(currency, sort=True)[amount].sum()
    return fmt.money_list(rows.items())


def _table(goals: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "goal": [
                f"{name} ★" if primary else name
                for name, primary in zip(goals["goal_name"], goals["is_primary"], strict=True)
            ],
            "kind": goals["goal_kind"],
            "outcomes": [fmt.count(n) for n in goals["outcomes"]],
            "chat-driven": [fmt.count(n) for n in goals["chat_driven_outcomes"]],
            "base revenue": [
                _revenue_of(c, "base_revenue", "base_currency") for c in goals["goal_code"]
            ],
            "last outcome": [fmt.utc(t) for t in goals["last_outcome_at"]],
            "status since": [fmt.utc(t) for t in goals["status_changed_at"]],
            "revenue": [_revenue_of(c, "revenue", "currency") for c in goals["goal_code"]],
            "code": goals["goal_code"],
        }
    )


for status in data.STATUSES:
    goals = outcomes[outcomes["current_status"] == status]
    st.subheader(f"{status.capitalize()} ({len(goals)})")
    if goals.empty:
        st.caption(f"No {status} goals.")
        continue
    st.dataframe(_table(goals), hide_index=True, width="stretch")
st.caption("★ primary goal. Last outcome in UTC; outcomes and revenue of the filtered days.")
