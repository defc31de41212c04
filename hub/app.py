"""The goals hub: `goals hub` runs `streamlit run hub/app.py` with the copies to read in the
environment (hub.config). This entrypoint checks the serving copy, draws the shared filters
and runs the chosen page (one module per page in hub/views/)."""

from __future__ import annotations

import streamlit as st

from hub import config, data, filters

st.set_page_config(page_title="Goals hub", page_icon=":dart:", layout="wide")

serving = config.serving_path()
if not serving.is_file():
    st.error(config.MISSING_SERVING.format(path=serving))
    st.stop()
try:
    data.check_serving(serving)
except data.HubDataError as exc:
    st.error(str(exc))
    st.stop()

pages = [
    st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("views/goals.py", title="Goals", icon=":material/flag:"),
    st.Page("views/attribution.py", title="Attribution", icon=":material/forum:"),
    st.Page("views/revenue.py", title="Revenue", icon=":material/payments:"),
]
telemetry = config.telemetry_path()
if telemetry is not None:
    pages.append(st.Page("views/events.py", title="Event Explorer", icon=":material/list:"))

page = st.navigation(pages)
filters.sidebar(serving)
page.run()
