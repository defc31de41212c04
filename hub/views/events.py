"""Event Explorer: the most recent raw events (at most 100, newest first) with their full
properties JSON, from the telemetry copy (shown only when the hub is given one). The URL
filters are the product's: `?range=7d|30d|90d` (default 30d) and `?name=<event name>`.
The range counts back from the copy's reference time; the sidebar's workspace applies, its
days and goals do not."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from hub import config, data, filters
from hub import format as fmt

RANGES = {"7d": 7, "30d": 30, "90d": 90}
DEFAULT_RANGE = "30d"
ALL_NAMES = "(all events)"

_, chosen = filters.current()
st.title("Event Explorer")
telemetry = config.telemetry_path()
if telemetry is None or not telemetry.is_file():
    st.error(config.MISSING_TELEMETRY.format(path=telemetry))
    st.stop()
try:
    info = data.telemetry_info(telemetry)
except data.HubDataError as exc:
    st.error(str(exc))
    st.stop()

range_text = str(st.query_params.get("range", DEFAULT_RANGE))
if range_text not in RANGES:
    st.warning(f"range={range_text} is not one of 7d, 30d, 90d: showing {DEFAULT_RANGE}.")
    range_text = DEFAULT_RANGE
name = str(st.query_params.get("name", "")).strip() or None
start, end = data.explorer_window(info, RANGES[range_text])


def _sync_range() -> None:
    st.query_params["range"] = st.session_state["explorer_range"]


def _sync_name() -> None:
    picked = st.session_state["explorer_name"]
    if picked == ALL_NAMES:
        st.query_params.pop("name", None)
    else:
        st.query_params["name"] = picked


names = data.event_names(telemetry, chosen.workspace_id, start, end)
if name is not None and name not in names:
    names.append(name)
st.session_state["explorer_range"] = range_text
st.session_state["explorer_name"] = name or ALL_NAMES
left, right = st.columns([1, 2])
left.radio("Range", list(RANGES), key="explorer_range", horizontal=True, on_change=_sync_range)
right.selectbox("Event name", [ALL_NAMES, *names], key="explorer_name", on_change=_sync_name)

events = data.recent_events(telemetry, chosen.workspace_id, start, end, name)
st.caption(
    f"{chosen.workspace_id} · {fmt.count(len(events))} most recent event(s) of the last "
    f"{range_text} up to {fmt.utc(info.as_of)} (the telemetry copy's reference time), "
    f"newest first, at most {data.MAX_EVENTS}."
)
if events.empty:
    hint = f" named {name}" if name else ""
    st.info(f"No events{hint} in the last {range_text} (try a longer range).")
    st.stop()
full = st.toggle("Full properties, one block per event", key="explorer_full")
st.dataframe(
    pd.DataFrame(
        {
            "occurred_at (UTC)": [fmt.utc_seconds(t) for t in events["occurred_at"]],
            "name": events["name"],
            "properties": events["properties"],
            "event_id": events["event_id"],
            "source": events["source"],
            "conversation_id": events["conversation_id"].fillna(""),
            "customer_id": events["customer_id"].fillna(""),
            "flow_id": events["flow_id"].fillna(""),
        }
    ),
    hide_index=True,
    width="stretch",
    column_config={"properties": st.column_config.TextColumn("properties", width="large")},
)
if full:
    for event in events.itertuples(index=False):
        st.markdown(f"**{event.name}** · {fmt.utc_seconds(event.occurred_at)} · `{event.event_id}`")
        st.code(event.properties, language="json", wrap_lines=True)
