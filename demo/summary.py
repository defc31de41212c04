"""A short, human summary of a built warehouse: what was loaded and what the goals produced.

Reads the load ledger (``raw.loaded_files``) and the marts (``fct_goal_outcomes``,
``agg_goal_outcomes_daily``, ``dim_conversations``, ``dim_goals``, ``event_catalog``).
The warehouse is opened read-only (on the Spark target, the lake's Parquet is read).
Marts that are missing (not built yet) are reported as such instead of failing, so the
summary also works right after an ingest.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

MART_TABLES = (
    "fct_goal_outcomes",
    "agg_goal_outcomes_daily",
    "dim_conversations",
    "dim_goals",
    "event_catalog",
)
ATTRIBUTIONS = ("in_chat", "explicit", "window", "outside_window", "no_conversation", "no_customer")


@contextmanager
def _open_read_only(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    if not db_path.exists():
        raise FileNotFoundError(
            f"No warehouse at {db_path}: run `goals demo` or `goals ingest` first."
        )
    if db_path.is_dir():  # the Spark target's lake: its Parquet tables, read by DuckDB
        from goals_core.lake import connect_lake

        con = connect_lake(db_path, ("raw", "marts"))
        try:
            yield con
        finally:
            con.close()
        return
    try:
        from ingest.warehouse import connect
    except ImportError:  # the ingest package is optional for reading
        con = duckdb.connect(str(db_path), read_only=True)
    else:
        con = connect(db_path, read_only=True)
    try:
        yield con
    finally:
        con.close()


def _locate(con: duckdb.DuckDBPyConnection, table: str, schema: str) -> str | None:
    """The qualified name of `table`, preferring `schema`, then any schema ending with it."""
    rows = con.execute(
        "select table_schema from information_schema.tables "
        "where table_name = ? and (table_schema = ? or table_schema like ?) "
        "order by table_schema = ? desc, table_schema",
        [table, schema, f"%_{schema}", schema],
    ).fetchall()
    if not rows:
        return None
    return f'"{rows[0][0]}"."{table}"'


def _columns(con: duckdb.DuckDBPyConnection, qualified: str) -> set[str]:
    return {row[0] for row in con.execute(f"select * from {qualified} limit 0").description or ()}


def _pick(columns: set[str], *names: str) -> str | None:
    return next((name for name in names if name in columns), None)


def _int(value: Any) -> str:
    return f"{int(value or 0):,}"


def _money(value: Any) -> str:
    if value is None:
        return "-"
    return f"{Decimal(value):,.2f}"


def _share(part: Any, whole: Any) -> str:
    if not whole:
        return "-"
    return f"{100 * float(part or 0) / float(whole):.0f}%"


def _mb(size: Any) -> str:
    return f"{(size or 0) / 1e6:,.1f} MB"


def _ledger(con: duckdb.DuckDBPyConnection) -> RenderableType:
    table = _locate(con, "loaded_files", "raw")
    if table is None:
        return Text("No load ledger (raw.loaded_files): nothing has been ingested.", style="yellow")
    files, size, read, accepted, rejected, duplicate = con.execute(
        f"select count(*), sum(size_bytes), sum(lines_read), sum(lines_accepted), "
        f"sum(lines_rejected), sum(lines_duplicate) from {table}"
    ).fetchone() or (0, 0, 0, 0, 0, 0)
    text = Text()
    text.append("Loaded: ", style="bold")
    text.append(f"{_int(files)} file(s), {_mb(size)}, {_int(read)} lines read: ")
    text.append(f"{_int(accepted)} accepted", style="green")
    text.append(", ")
    text.append(f"{_int(rejected)} rejected", style="red" if rejected else "")
    text.append(", ")
    text.append(f"{_int(duplicate)} duplicate", style="yellow" if duplicate else "")
    return text


def _overview(
    con: duckdb.DuckDBPyConnection, marts: dict[str, str | None]
) -> RenderableType | None:
    parts: list[str] = []
    if marts["dim_conversations"]:
        (conversations,) = con.execute(
            f"select count(*) from {marts['dim_conversations']}"
        ).fetchone() or (0,)
        parts.append(f"{_int(conversations)} conversations")
    if marts["event_catalog"]:
        names, workspaces = con.execute(
            f"select count(distinct name_key), count(distinct workspace_id) from ("
            f"select *, {_catalog_name(con, marts['event_catalog'])} as name_key "
            f"from {marts['event_catalog']})"
        ).fetchone() or (0, 0)
        parts.append(f"{_int(names)} event names in {_int(workspaces)} workspace(s)")
    if marts["fct_goal_outcomes"]:
        (outcomes,) = con.execute(
            f"select count(*) from {marts['fct_goal_outcomes']}"
        ).fetchone() or (0,)
        parts.append(f"{_int(outcomes)} goal outcomes")
    if not parts:
        return None
    return Text.assemble(("Contents: ", "bold"), " · ".join(parts))


def _catalog_name(con: duckdb.DuckDBPyConnection, qualified: str | None) -> str:
    columns = _columns(con, qualified) if qualified else set()
    return _pick(columns, "event_name", "name") or "null"


def _table(title: str, left: Sequence[str], right: Sequence[str]) -> Table:
    table = Table(
        title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, pad_edge=False
    )
    for header in left:
        table.add_column(header, no_wrap=True)
    for header in right:
        table.add_column(header, justify="right", no_wrap=True)
    return table


def _goals_table(con: duckdb.DuckDBPyConnection, marts: dict[str, str | None]) -> RenderableType:
    fct = marts["fct_goal_outcomes"]
    goals = marts["dim_goals"]
    if fct is None:
        return Text(
            "No goal outcomes yet (marts.fct_goal_outcomes is missing: run `goals build`).",
            style="yellow",
        )
    per_goal = con.execute(
        f"""
        select workspace_id, goal_code, bool_or(is_primary), count(*),
               count(*) filter (where is_chat_driven),
               string_agg(distinct base_currency, '/' order by base_currency)
                   filter (where base_value is not null),
               sum(base_value), sum(base_value) filter (where is_chat_driven)
        from {fct}
        group by all
        """
    ).fetchall()
    rows: dict[tuple[str, str], list[Any]] = {
        (ws, code): [primary, "", n, chat, currency, revenue, chat_revenue]
        for ws, code, primary, n, chat, currency, revenue, chat_revenue in per_goal
    }
    if goals is not None:
        columns = _columns(con, goals)
        code_col = _pick(columns, "goal_code", "code")
        primary_col = _pick(columns, "is_primary")
        status_col = _pick(columns, "current_status", "status")
        if code_col:
            for ws, code, primary, status in con.execute(
                f"select workspace_id, {code_col}, {primary_col or 'false'}, "
                f"{status_col or 'null'} from {goals}"
            ).fetchall():
                row = rows.setdefault((ws, code), [primary, "", 0, 0, None, None, None])
                row[0] = bool(row[0] or primary)
                row[1] = status or ""
    table = _table(
        "Outcomes by goal (★ primary)",
        ["goal"],
        ["outcomes", "chat-driven", "base\nrevenue", "chat-driven\nbase revenue"],
    )
    workspaces = sorted({ws for ws, _ in rows})
    for ws in workspaces:
        goal_rows = sorted((code, row) for (w, code), row in rows.items() if w == ws)
        currencies = {row[4] for _, row in goal_rows if row[4]}
        single = (
            next(iter(currencies)) if len(currencies) == 1 and "/" not in min(currencies) else None
        )
        unit_cells = [Text(single, style="dim")] * 2 if single else []
        table.add_row(Text(ws, style="bold"), "", "", *unit_cells)
        for code, (primary, status, n, chat, currency, revenue, chat_revenue) in goal_rows:
            label = Text(f"  {code}")
            if primary:
                label.append(" ★", style="cyan")
            if status and status != "active":
                label.append(f" {status}", style="yellow")
            unit = "" if single or not currency else f" {currency}"
            table.add_row(
                label,
                _int(n),
                f"{_int(chat)} ({_share(chat, n)})" if n else "-",
                (_money(revenue) + unit) if revenue is not None else "-",
                (_money(chat_revenue) + unit) if chat_revenue is not None else "-",
                style="dim" if status in ("paused", "archived") else None,
            )
    return table


def _revenue_table(
    con: duckdb.DuckDBPyConnection, marts: dict[str, str | None]
) -> RenderableType | None:
    daily = marts["agg_goal_outcomes_daily"]
    if daily is None:
        return None
    result = con.execute(
        f"""
        select workspace_id, base_currency, sum(outcomes), sum(chat_driven_outcomes),
               sum(base_revenue), sum(chat_driven_base_revenue)
        from {daily}
        where base_currency is not null
        group by all
        order by workspace_id, base_currency
        """
    ).fetchall()
    table = _table(
        "Base revenue by workspace",
        ["workspace", "currency"],
        ["valued\noutcomes", "base\nrevenue", "chat-driven\nbase revenue", "chat\nshare"],
    )
    for ws, currency, n, _chat, revenue, chat_revenue in result:
        table.add_row(
            ws,
            currency or "-",
            _int(n),
            _money(revenue),
            _money(chat_revenue or 0),
            _share(chat_revenue, revenue),
        )
    return table


def _attribution(con: duckdb.DuckDBPyConnection, fct: str | None) -> RenderableType | None:
    if fct is None:
        return None
    counts = dict(con.execute(f"select attribution, count(*) from {fct} group by all").fetchall())
    if not counts:
        return None
    total = sum(counts.values())
    chat = con.execute(f"select count(*) filter (where is_chat_driven) from {fct}").fetchone()
    order = [a for a in ATTRIBUTIONS if a in counts] + sorted(
        k for k in counts if k not in ATTRIBUTIONS
    )
    text = Text.assemble(
        ("Attribution: ", "bold"),
        " · ".join(f"{name} {_int(counts[name])}" for name in order),
        f"  (chat-driven {_share(chat[0] if chat else 0, total)} of all outcomes)",
    )
    return text


def _quality(con: duckdb.DuckDBPyConnection, fct: str | None) -> RenderableType | None:
    if fct is None:
        return None
    issues = con.execute(
        f"select value_issue, count(*) from {fct} where value_issue is not null "
        "group by all order by 2 desc, 1"
    ).fetchall()
    (mixed,) = con.execute(
        f"select count(*) from {fct} "
        "where base_value_source = 'display' and currency <> base_currency"
    ).fetchone() or (0,)
    if not issues and not mixed:
        return Text.assemble(("Data quality: ", "bold"), "no value issues.")
    text = Text.assemble(("Data quality: ", "bold"))
    if issues:
        text.append(", ".join(f"{issue} {_int(n)}" for issue, n in issues), style="yellow")
    if mixed:
        if issues:
            text.append("; ")
        text.append(
            f"{_int(mixed)} outcome(s) valued in a display currency other than their base "
            "currency (base value = display value)",
            style="yellow",
        )
    return text


def summarize(db_path: str | Path) -> RenderableType:
    """The summary of the warehouse at `db_path` as a rich renderable (see :func:`render_text`)."""
    path = Path(db_path)
    with _open_read_only(path) as con:
        marts = {name: _locate(con, name, "marts") for name in MART_TABLES}
        parts: list[RenderableType | None] = [
            Text(f"Warehouse {path}", style="bold underline"),
            _ledger(con),
            _overview(con, marts),
            _goals_table(con, marts),
            _revenue_table(con, marts),
            _attribution(con, marts["fct_goal_outcomes"]),
            _quality(con, marts["fct_goal_outcomes"]),
        ]
        missing = [name for name, where in marts.items() if where is None]
        if missing:
            parts.append(Text(f"Marts not built yet: {', '.join(missing)}.", style="yellow"))
    return Group(*(part for part in parts if part is not None))


def render_text(renderable: RenderableType, *, width: int = 140) -> str:
    """Plain text of a renderable (for logs and tests)."""
    console = Console(
        width=width, record=True, color_system=None, force_terminal=False, file=_Null()
    )
    console.print(renderable)
    return console.export_text()


class _Null:
    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        return None
