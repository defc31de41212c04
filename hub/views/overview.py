"""Overview: conversions and engagements apart, revenue and base revenue, the chat-driven
share of conversions, and outcomes per day."""

from __future__ import annotations

import streamlit as st

from hub import data, filters
from hub import format as fmt

path, chosen = filters.current()
st.title("Overview")
st.caption(filters.describe(chosen))

totals = data.totals(path, chosen)
columns = st.columns(4)
columns[0].metric("Conversions", fmt.count(totals.conversions))
columns[1].metric("Engagements", fmt.count(totals.engagements))
columns[2].metric("Custom outcomes", fmt.count(totals.custom))
columns[3].metric(
    "Chat-driven share of conversions",
    fmt.share(totals.chat_driven_share),
    help="Conversions credited to a chat (in chat, explicit or within the attribution "
    "window) out of all conversions. Engagements and custom outcomes are not counted.",
)
money = st.columns(2)
money[0].metric(
    "Revenue (display currencies)",
    fmt.money_list(totals.revenue),
    help="Sum of the valued outcomes' values, per display currency.",
)
money[1].metric(
    "Base revenue",
    fmt.money_list(totals.base_revenue),
    help="Every valued outcome rolled into the base currency.",
)

st.subheader("Outcomes per day")
trend = data.trend(path, chosen)
series = ["conversions", "engagements"] + (["custom"] if totals.custom else [])
st.line_chart(trend.set_index("outcome_date")[series], y_label="outcomes", x_label="local day")
