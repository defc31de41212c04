"""Attribution: outcomes by how they were credited to a chat, the hours between chat and
outcome, and base revenue by the credited flow."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from hub import data, filters
from hub import format as fmt

path, chosen = filters.current()
st.title("Attribution")
st.caption(filters.describe(chosen))

st.subheader("Outcomes by attribution")
counts = data.attribution_counts(path, chosen)
counts["label"] = counts["attribution"].str.replace("_", " ")  # in_chat: "in chat"
left, right = st.columns([2, 3])
left.dataframe(
    pd.DataFrame(
        {
            "attribution": counts["label"],
            "outcomes": [fmt.count(n) for n in counts["outcomes"]],
        }
    ),
    hide_index=True,
    width="stretch",
)
right.altair_chart(
    alt.Chart(counts)
    .mark_bar()
    .encode(
        x=alt.X("label:N", sort=list(counts["label"]), title="attribution"),
        y=alt.Y("outcomes:Q", title="outcomes"),
        tooltip=["label", "outcomes"],
    ),
    width="stretch",
)

st.subheader("Hours since chat")
st.caption(
    f"Outcomes credited through the attribution window or found outside it, by hours between "
    f"the customer's last chat and the outcome ({data.HOURS_BIN}-hour bars)."
)
hours = data.hours_since_chat(path, chosen)
if hours.empty:
    st.caption("No outcome with hours since chat in these days.")
else:
    bars = hours.assign(bin_end=hours["bin_start"] + data.HOURS_BIN)
    st.altair_chart(
        alt.Chart(bars)
        .mark_bar(stroke="white")
        .encode(
            x=alt.X("bin_start:Q", title="hours since chat", axis=alt.Axis(tickMinStep=24)),
            x2="bin_end:Q",
            y=alt.Y("outcomes:Q", title="outcomes"),
            y2=alt.datum(0),
            tooltip=[alt.Tooltip("bin_label:N", title="hours"), "outcomes"],
        ),
        width="stretch",
    )

st.subheader("Base revenue by flow")
flows = data.revenue_by_flow(path, chosen)
if flows.empty:
    st.caption("No valued outcome in these days.")
else:
    flows["flow"] = flows["flow_id"].fillna("(no flow)")
    st.dataframe(
        pd.DataFrame(
            {
                "flow": flows["flow"],
                "valued outcomes": [fmt.count(n) for n in flows["outcomes"]],
                "base revenue": fmt.money_column(flows["base_revenue"], flows["base_currency"]),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    chart = flows.assign(amount=flows["base_revenue"].astype(float))
    st.altair_chart(
        alt.Chart(chart)
        .mark_bar()
        .encode(
            x=alt.X("amount:Q", title="base revenue"),
            y=alt.Y("flow:N", sort="-x", title="flow"),
            color=alt.Color("base_currency:N", title="currency"),
            tooltip=["flow", "base_currency", alt.Tooltip("amount:Q", format=",.2f")],
        ),
        width="stretch",
    )
