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
st.subheader("Revenue")
figures = [
    (
        f"Base revenue ({currency})",
        fmt.money(amount, currency),
        "Every valued outcome rolled into the base currency.",
    )
    for currency, amount in totals.base_revenue
] + [
    (
        f"Revenue in {currency}",
        fmt.money(amount, currency),
        f"Valued outcomes whose display currency is {currency}, in {currency}.",
    )
    for currency, amount in totals.revenue
]
if not figures:
    st.caption("No valued outcome in these days.")
for start in range(0, len(figures), 4):
    for column, (label, value, help_text) in zip(
        st.columns(4), figures[start : start + 4], strict=False
    ):
        column.metric(label, value, help=help_text)

st.subheader("Outcomes per day")
trend = data.trend(path, chosen)
series = ["conversions", "engagements"] + (["custom"] if totals.custom else [])
st.bar_chart(trend.set_index("outcome_date")[series], y_label="outcomes", x_label="local day")
