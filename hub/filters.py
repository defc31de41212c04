"""The shared filters, in the sidebar of every page: workspace (a link may choose it with
`?workspace=ID`), date range (the workspace's local days) and goals. The entrypoint draws
them before the page runs; a page reads them with `current()`. Widget keys carry the
workspace, so each workspace keeps its own range and goal choice across pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st

from hub import data

_STATE_KEY = "hub_filters"
_PATH_KEY = "hub_serving_path"


def sidebar(path: Path) -> data.Filters | None:
    """Draw the filters and remember them for the page; None when there is no workspace."""
    workspaces = data.workspaces(path)
    if workspaces.empty:
        st.sidebar.warning("The serving copy has no workspaces yet.")
        st.session_state[_STATE_KEY] = None
        return None
    names = dict(zip(workspaces["workspace_id"], workspaces["workspace_name"], strict=True))
    linked = st.query_params.get("workspace")
    if linked in names and "workspace" not in st.session_state:
        st.session_state["workspace"] = linked  # a link may open a workspace: ?workspace=ID
    workspace_id = st.sidebar.selectbox(
        "Workspace",
        options=list(names),
        format_func=lambda ws: names[ws] if names[ws] == ws else f"{names[ws]} ({ws})",
        key="workspace",
        on_change=_link_workspace,
    )
    bounds = data.date_bounds(path, workspace_id)
    first, last = bounds if bounds else (date.today(), date.today())
    picked = st.sidebar.date_input(
        "Days (workspace's local time)",
        value=(first, last),
        key=f"dates:{workspace_id}",
        help="Outcomes of these local days, in the workspace's time zone.",
    )
    start, end = _date_range(picked, first, last)
    goals = data.goals(path, workspace_id)
    goal_names = dict(zip(goals["goal_code"], goals["goal_name"], strict=True))
    codes = st.sidebar.multiselect(
        "Goals",
        options=list(goal_names),
        format_func=lambda code: goal_names[code],
        key=f"goals:{workspace_id}",
        placeholder="All goals",
    )
    if bounds is None:
        st.sidebar.info("No outcomes in this workspace yet.")
    st.sidebar.caption(f"Serving copy: `{_shown(path)}`")
    chosen = data.Filters(workspace_id, start, end, tuple(codes))
    st.session_state[_STATE_KEY] = chosen
    st.session_state[_PATH_KEY] = path
    return chosen


def _link_workspace() -> None:
    """Keep a `?workspace=` of the URL in step with the choice (a reload keeps it)."""
    if "workspace" in st.query_params:
        st.query_params["workspace"] = st.session_state["workspace"]


def _shown(path: Path) -> str:
    """The path relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _date_range(picked: object, first: date, last: date) -> tuple[date, date]:
    """The picked range; one day while the second one is not picked yet."""
    if isinstance(picked, date):
        return picked, picked
    days = [day for day in picked or () if isinstance(day, date)]  # type: ignore[attr-defined]
    if not days:
        return first, last
    return min(days), max(days)


def current() -> tuple[Path, data.Filters]:
    """The serving copy and the filters drawn by the entrypoint for this run."""
    filters = st.session_state.get(_STATE_KEY)
    if filters is None:
        st.info("Nothing to show: the serving copy has no workspaces yet.")
        st.stop()
    return st.session_state[_PATH_KEY], filters


def describe(filters: data.Filters) -> str:
    """`ws_harbor · 2026-08-19 to 2026-11-14 · all goals`."""
    goals = ", ".join(filters.goal_codes) if filters.goal_codes else "all goals"
    return f"{filters.workspace_id} · {filters.start} to {filters.end} · {goals}"
