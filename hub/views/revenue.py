"""Revenue by display currency, beside the base revenue it rolls into."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from hub import data, filters
from hub import format as fmt

path, chosen = filters.current()
st.title("Revenue")
st.caption(filters.describe(chosen))

totals = data.totals(path, chosen)
st.metric("Base revenue", fmt.money_list(totals.base_revenue))

st.subheader("By display currency")
rows = data.revenue_by_currency(path, chosen)
if rows.empty:
    st.caption("No valued outcome in these days.")
    st.stop()


def _money(amount: str, currency: str) -> list[str]:
    return [fmt.money(a, c) for a, c in zip(rows[amount], rows[currency], strict=True)]


st.dataframe(
    pd.DataFrame(
        {
            "display currency": rows["currency"],
            "valued outcomes": [fmt.count(n) for n in rows["outcomes"]],
            "revenue": _money("revenue", "currency"),
            "chat-driven revenue": _money("chat_driven_revenue", "currency"),
            "base revenue": _money("base_revenue", "base_currency"),
            "chat-driven base revenue": _money("chat_driven_base_revenue", "base_currency"),
        }
    ),
    hide_index=True,
    width="stretch",
)
st.caption(
    "Revenue stays in each sale's display currency; base revenue is the same sales in the "
    "base currency (the event's base amount, else the display amount)."
)
chart = rows.assign(amount=rows["base_revenue"].astype(float))
st.altair_chart(
    alt.Chart(chart)
    .mark_bar()
    .encode(
        x=alt.X("currency:N", title="display currency"),
        y=alt.Y("amount:Q", title="base revenue"),
        color=alt.Color("base_currency:N", title="base currency"),
        tooltip=["currency", "base_currency", alt.Tooltip("amount:Q", format=",.2f")],
    ),
    width="stretch",
)
