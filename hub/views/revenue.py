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

rows = data.revenue_by_currency(path, chosen)
base_revenue = rows.groupby("base_currency", sort=True)["base_revenue"].sum()
st.metric("Base revenue", fmt.money_list(base_revenue.items()))

st.subheader("By display currency")
if rows.empty:
    st.caption("No valued outcome in these days.")
    st.stop()

st.dataframe(
    pd.DataFrame(
        {
            "display currency": rows["currency"],
            "valued outcomes": [fmt.count(n) for n in rows["outcomes"]],
            "revenue": fmt.money_column(rows["revenue"], rows["currency"]),
            "chat-driven revenue": fmt.money_column(rows["chat_driven_revenue"], rows["currency"]),
            "base revenue": fmt.money_column(rows["base_revenue"], rows["base_currency"]),
            "chat-driven base revenue": fmt.money_column(
                rows["chat_driven_base_revenue"], rows["base_currency"]
            ),
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
