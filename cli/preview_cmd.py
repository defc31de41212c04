"""`goals preview`: a dry run of one goal - also a draft row in a CSV file - against the
recent raw events.

Nothing here re-implements the matching or value rules: the goal row is loaded (as dbt
loads seeds) into an in-memory DuckDB next to the goal's trigger events, copied from the
warehouse opened read-only, and the project's compiled models (`int_config_problems_listed`,
`int_goal_events_matched`, `int_goal_outcomes_deduplicated`) run on them. Per-condition counts
come from the same model run with one condition at a time. Only the near-miss hints
("1" vs 1, a case difference, a dotted key that is a nested path) are computed here: they
explain failures and never decide a match.

Status history is ignored: every trigger event in the range is evaluated as if the goal
were active (the output says so, with the goal's recorded changes when there are some).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from cli.compiled_project import compiled_project
from cli.console import fail, out
from cli.formatting import (
    RawJson,
    did_you_mean,
    display_path,
    format_count,
    format_decimal,
    names_list,
    print_json_line,
)
from cli.options import DbOption, GoalWorkspaceOption, Range, RangeOption, window
from cli.seed_replay import ProjectDatabase, SeedFileError
from cli.status_cmd import read_changes
from cli.validate_cmd import list_problems
from cli.warehouse import (
    check_warehouse_path,
    open_warehouse,
    require_raw_events,
    unknown_name_message,
)
from goals_core import timestamps
from goals_core.paths import PROJECT_SEEDS_DIR, resolve_db_path
from goals_core.target import current_target
from goals_core.timestamps import format_utc

EXAMPLES = 3
RECENT_OUTCOMES = 5
MISSING = object()


# --------------------------------------------------------------------------- near misses


def json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    return "array"


def typed_equal(left: Any, right: Any) -> bool:
    """reference §3.1 equality, for hints only (the models decide matches)."""
    if json_kind(left) != json_kind(right):
        return False
    if json_kind(left) == "number":
        return float(left) == float(right)
    return bool(left == right)


def value_at_path(properties: dict[str, Any], path: str) -> Any:
    """The value at a dotted path of nested objects, or MISSING."""
    current: Any = properties
    for segment in path.split("."):
        if not isinstance(current, dict) or segment not in current:
            return MISSING
        current = current[segment]
    return current


def render_value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Bucket:
    """Failing events of one kind, with their most common values."""

    count: int = 0
    values: Counter[str] = field(default_factory=Counter)

    def add(self, value: Any) -> None:
        self.count += 1
        self.values[render_value(value)] += 1

    def examples(self) -> list[dict[str, Any]]:
        return [
            {"value": RawJson(text), "events": n} for text, n in self.values.most_common(EXAMPLES)
        ]

    def describe(self) -> str:
        shown = ", ".join(
            f"{text} x{format_count(n)}" for text, n in self.values.most_common(EXAMPLES)
        )
        more = len(self.values) - EXAMPLES
        return shown + (f", … ({more} more)" if more > 0 else "")


@dataclass
class ConditionReport:
    key: str
    value_text: str
    passing: int
    failing: int
    other_type: Bucket = field(default_factory=Bucket)
    case_only: Bucket = field(default_factory=Bucket)
    nested_path: Bucket = field(default_factory=Bucket)
    nested_path_would_match: int = 0
    missing: int = 0
    other_value: Bucket = field(default_factory=Bucket)

    def classify(self, properties: dict[str, Any]) -> None:
        wanted = json.loads(self.value_text)
        if self.key in properties:
            value = properties[self.key]
            if json_kind(value) != json_kind(wanted):
                self.other_type.add(value)
            elif (
                isinstance(value, str)
                and isinstance(wanted, str)
                and value.casefold() == wanted.casefold()
            ):
                self.case_only.add(value)
            else:
                self.other_value.add(value)
            return
        nested = value_at_path(properties, self.key) if "." in self.key else MISSING
        if nested is not MISSING:
            self.nested_path.add(nested)
            self.nested_path_would_match += typed_equal(nested, wanted)
        else:
            self.missing += 1

    def near_miss_lines(self) -> list[str]:
        lines = []
        if self.other_type.count:
            wanted = json_kind(json.loads(self.value_text))
            lines.append(
                f"{format_count(self.other_type.count)} with another JSON type "
                f"(the condition's is {wanted}): {self.other_type.describe()}"
            )
        if self.case_only.count:
            lines.append(
                f"{format_count(self.case_only.count)} differing only in case: "
                f"{self.case_only.describe()}"
            )
        if self.nested_path.count:
            would = (
                f", {format_count(self.nested_path_would_match)} of them equal"
                if self.nested_path_would_match
                else ""
            )
            path = " → ".join(self.key.split("."))
            lines.append(
                f"{format_count(self.nested_path.count)} without the key '{self.key}' but with "
                f"the nested path {path} (condition keys are literal names, not paths){would}: "
                f"{self.nested_path.describe()}"
            )
        return lines

    def other_lines(self) -> list[str]:
        lines = []
        if self.missing:
            lines.append(f"{format_count(self.missing)} without the key")
        if self.other_value.count:
            lines.append(
                f"{format_count(self.other_value.count)} with other values: "
                f"{self.other_value.describe()}"
            )
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": RawJson(self.value_text),
            "passing": self.passing,
            "failing": self.failing,
            "near_misses": {
                "other_json_type": {
                    "events": self.other_type.count,
                    "examples": self.other_type.examples(),
                },
                "case_only": {
                    "events": self.case_only.count,
                    "examples": self.case_only.examples(),
                },
                "nested_path": {
                    "events": self.nested_path.count,
                    "would_match": self.nested_path_would_match,
                    "examples": self.nested_path.examples(),
                },
            },
            "missing_key": self.missing,
            "other_value": {
                "events": self.other_value.count,
                "examples": self.other_value.examples(),
            },
        }


def condition_json(key: str, value_text: str) -> str:
    return "{" + json.dumps(key) + ": " + value_text + "}"


# --------------------------------------------------------------------------- the goal


@dataclass(frozen=True)
class GoalRow:
    row: int
    line: int | None
    workspace_id: str


def select_goal(db: ProjectDatabase, code: str, workspace: str | None, goals_file: Path) -> GoalRow:
    """The one row of the goals file for `code` (and `workspace`), or a clear error."""
    rows = db.rows(
        f"select _row, nullif(trim(workspace_id), ''), nullif(trim(code), '') "
        f"from {db.file_table('goals')} order by _row"
    )
    where = display_path(goals_file)
    matches = [(int(r), ws) for r, ws, c in rows if c == code]
    if workspace is not None:
        in_workspace = [(r, ws) for r, ws in matches if ws == workspace]
        if not in_workspace:
            codes = sorted({c for _, ws, c in rows if ws == workspace and c})
            fail(
                f"No goal '{code}' in workspace '{workspace}' in {where}"
                f"{did_you_mean(code, codes)}; goals of that workspace: "
                f"{names_list(codes)}."
            )
        matches = in_workspace
    if not matches:
        codes = sorted({c for *_, c in rows if c})
        fail(
            f"No goal '{code}' in {where}{did_you_mean(code, codes)}; known codes: "
            f"{names_list(codes)}."
        )
    workspaces = sorted({ws or "" for _, ws in matches})
    if len(workspaces) > 1:
        fail(
            f"Goal '{code}' exists in several workspaces ({', '.join(workspaces)}) in {where}: "
            "choose one with --workspace."
        )
    seed_file = db.files["goals"]
    if len(matches) > 1:
        lines = ", ".join(str(seed_file.line_of(r) or "?") for r, _ in matches)
        fail(
            f"Goal '{code}' of workspace '{workspaces[0]}' is defined {len(matches)} times in "
            f"{where} (lines {lines}); keep one row."
        )
    row, ws = matches[0]
    return GoalRow(row, seed_file.line_of(row), ws or "")


def status_note(changes_file: Path, workspace_id: str, code: str, now: datetime) -> str:
    base = (
        "Status history is ignored: every trigger event in the range counts as if the goal "
        "were active"
    )
    if not changes_file.is_file():
        return base + "."
    _, changes = read_changes(changes_file.read_bytes(), workspace_id, code, changes_file)
    if not changes:
        return base + f" (no status change recorded in {display_path(changes_file)})."
    dated = [c for c in changes if c.changed_at is not None and c.changed_at <= now]
    latest = max(dated, key=lambda c: (c.changed_at, c.line), default=None)
    current = (
        f"{latest.status} since {format_utc(latest.changed_at)}" if latest is not None else "active"
    )
    return (
        base + f"; {len(changes)} change(s) are recorded in {display_path(changes_file)} (now: "
        f"{current}), and the build counts only events that occur while it is active."
    )


def beside_or_project(goals_file: Path, name: str) -> Path:
    """A seed file next to the goals file, else the project's."""
    beside = goals_file.parent / name
    return beside if beside.is_file() else PROJECT_SEEDS_DIR / name


# --------------------------------------------------------------------------- the command


def preview(
    code: Annotated[str, typer.Argument(help="Code of the goal (goals.csv `code`).")],
    workspace: GoalWorkspaceOption = None,
    range_: RangeOption = Range.DAYS_30,
    goals_file: Annotated[
        Path,
        typer.Option(
            "--goals-file",
            help="CSV with the goals.csv columns holding the goal (a draft, say). "
            "workspaces.csv next to it is used when present, else the project's.",
            dir_okay=False,
            show_default="the project's seeds/goals.csv",
        ),
    ] = PROJECT_SEEDS_DIR / "goals.csv",
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Print the report as one JSON object (on one line) instead of text."
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Dry-run a goal on recent events: matches per condition, near misses, outcomes, values."""
    code = code.strip()
    now = timestamps.utc_now()
    start, end = window(range_, now)
    if not goals_file.is_file():
        fail(f"No goals file at {display_path(goals_file)}.")
    if db is not None or current_target() != "spark":  # on Spark, open_warehouse reads the lake
        check_warehouse_path(resolve_db_path(db))
    project = compiled_project()
    with ProjectDatabase(project) as pdb:
        try:
            pdb.load_seed("goals", goals_file)
        except SeedFileError as exc:
            fail(str(exc))
        goal = select_goal(pdb, code, workspace, goals_file)
        pdb.use_rows("goals", [goal.row])
        try:
            pdb.load_seed("workspaces", beside_or_project(goals_file, "workspaces.csv"))
            pdb.load_seed("currencies", beside_or_project(goals_file, "currencies.csv"))
            pdb.load_seed("goal_status_changes", None)
        except SeedFileError as exc:
            fail(str(exc))
        pdb.create_views("int_config_problems_listed")
        problems = [
            p
            for p in list_problems(pdb)
            if p.file != "workspaces.csv" or p.workspace_id == goal.workspace_id
        ]
        if problems:
            for problem in problems:
                located = problem.located()
                if problem.file == "goals.csv":
                    located = located.replace("goals.csv", display_path(goals_file), 1)
                out().print(Text.assemble(("✗ ", "red"), located), soft_wrap=True)
            fail(
                f"Goal '{code}' cannot be previewed: {len(problems)} configuration problem(s); "
                "`goals build` would stop on them too."
            )
        goal_info = _goal_info(pdb)
        trigger = str(goal_info["trigger_event"])

        with open_warehouse(db) as (con, path):
            require_raw_events(con, path)
            name_counts = con.execute(
                "select name, count(*) from raw.events where workspace_id = ? "
                "and occurred_at > ? and occurred_at <= ? group by name order by name",
                [goal.workspace_id, start, end],
            ).fetchall()
            incoming = con.sql(
                "select * from raw.events where workspace_id = ? and name = ? "
                "and occurred_at > ? and occurred_at <= ?",
                params=[goal.workspace_id, trigger, start, end],
            ).to_arrow_table()
        events_relation = project.events.render(project.database)
        pdb.con.register("incoming_events", incoming)
        pdb.con.execute(
            f"create or replace table {events_relation} as "
            "select * replace (cast(properties as json) as properties) from incoming_events"
        )
        pdb.con.unregister("incoming_events")
        pdb.create_views("int_goal_outcomes_deduplicated")
        report = _evaluate(pdb, goal, events_relation)

    report = {
        **{
            "goal": {"workspace_id": goal.workspace_id, "code": code, **goal_info},
            "goals_file": display_path(goals_file),
            "goals_file_line": goal.line,
            "range": range_.value,
            "window": {
                "after": format_utc(start.replace(microsecond=0)),
                "until": format_utc(end.replace(microsecond=0)),
            },
            "status_note": status_note(
                goals_file.parent / "goal_status_changes.csv", goal.workspace_id, code, now
            ),
        },
        **report,
    }
    if report["trigger_events"] == 0:
        known = [str(n) for n, _ in name_counts]
        report["trigger_note"] = unknown_name_message(
            trigger, range_, known, workspace=goal.workspace_id
        )
    if as_json:
        print_json_line({k: v for k, v in report.items() if k != "condition_reports"})
    else:
        _print_report(report)


def _goal_info(pdb: ProjectDatabase) -> dict[str, Any]:
    columns = (
        "goal_name",
        "goal_kind",
        "trigger_event",
        "match_conditions",
        "value_mode",
        "fixed_value",
        "value_property",
        "currency",
        "currency_property",
        "base_value_property",
        "base_currency_property",
        "dedupe_property",
    )
    row = pdb.rows(f"select {', '.join(columns)} from {pdb.relation('stg_seeds__goals')}")[0]
    return dict(zip(columns, row, strict=True))


def _matched_ids(pdb: ProjectDatabase, conditions: str | None, dedupe: str | None) -> set[str]:
    """Event ids int_goal_events_matched yields for the goal with other settings."""
    pdb.con.execute(
        f"update {pdb.relation('goals')} set match_conditions = ?, dedupe_property = ?",
        [conditions, dedupe],
    )
    relation = pdb.relation("int_goal_events_matched")
    return {str(r[0]) for r in pdb.rows(f"select event_id from {relation}")}


def _evaluate(pdb: ProjectDatabase, goal: GoalRow, events_relation: str) -> dict[str, Any]:
    staged = pdb.relation("stg_seeds__goals")
    conditions = [
        (str(key), "null" if value is None else str(value))
        for key, value in pdb.rows(
            "select entry.key, entry.value from ("
            "select unnest(map_entries(json_transform(match_conditions, "
            "'\"MAP(VARCHAR, JSON)\"'))) as entry "
            f"from {staged} where match_conditions is not null)"
        )
    ]
    all_conditions = pdb.scalar(f"select match_conditions from {staged}")
    trigger_ids = {str(r[0]) for r in pdb.rows(f"select event_id from {events_relation}")}
    properties = {
        str(event_id): text
        for event_id, text in pdb.rows(f"select event_id, properties from {events_relation}")
    }
    parsed: dict[str, dict[str, Any]] = {}

    def props(event_id: str) -> dict[str, Any]:
        if event_id not in parsed:
            value = json.loads(properties[event_id])
            parsed[event_id] = value if isinstance(value, dict) else {}
        return parsed[event_id]

    reports = []
    for key, value_text in conditions:
        passing = _matched_ids(pdb, condition_json(key, value_text), None)
        failing = sorted(trigger_ids - passing)
        report = ConditionReport(key, value_text, len(passing), len(failing))
        for event_id in failing:
            report.classify(props(event_id))
        reports.append(report)
    passing_all = _matched_ids(pdb, all_conditions, None) if conditions else trigger_ids

    pdb.use_rows("goals", [goal.row])  # the goal exactly as written
    valued = pdb.relation("int_goal_outcomes_deduplicated")
    outcomes = pdb.scalar(f"select count(*) from {valued}")
    value_issues = dict(
        pdb.rows(
            f"select value_issue, count(*) from {valued} where value_issue is not null "
            "group by value_issue order by value_issue"
        )
    )
    revenue = [
        {"currency": currency, "outcomes": n, "value": total}
        for currency, n, total in pdb.rows(
            f"select currency, count(*), sum(value) from {valued} where value is not null "
            "group by currency order by currency"
        )
    ]
    base_revenue = [
        {"base_currency": currency, "outcomes": n, "base_value": total}
        for currency, n, total in pdb.rows(
            f"select base_currency, count(*), sum(base_value) from {valued} "
            "where base_value is not null group by base_currency order by base_currency"
        )
    ]
    display_in_other_base = pdb.scalar(
        f"select count(*) from {valued} where base_value_source = 'display' "
        "and currency <> base_currency"
    )
    recent = [
        {
            "occurred_at": format_utc(occurred_at),
            "event_id": event_id,
            "value": value,
            "currency": currency,
            "value_issue": issue,
        }
        for occurred_at, event_id, value, currency, issue in pdb.rows(
            f"select occurred_at, event_id, value, currency, value_issue from {valued} "
            f"order by occurred_at desc, event_id desc limit {RECENT_OUTCOMES}"
        )
    ]
    return {
        "trigger_events": len(trigger_ids),
        "conditions": [r.to_json() for r in reports],
        "condition_reports": reports,
        "passing_all_conditions": len(passing_all),
        "outcomes": int(outcomes or 0),
        "merged_by_dedupe": len(passing_all) - int(outcomes or 0),
        "valued": sum(int(r["outcomes"]) for r in revenue),
        "value_issues": value_issues,
        "revenue": revenue,
        "base_revenue": base_revenue,
        "display_value_in_other_base_currency": int(display_in_other_base or 0),
        "recent_outcomes": recent,
    }


# --------------------------------------------------------------------------- output


def _print_report(report: dict[str, Any]) -> None:
    console = out()
    goal = report["goal"]
    line = f" line {report['goals_file_line']}" if report["goals_file_line"] else ""
    console.print(
        Text.assemble(
            ("Preview of goal ", "bold"),
            (goal["code"], "bold cyan"),
            (f" ({goal['goal_name']}), workspace {goal['workspace_id']}", "bold"),
            (f" — {report['goals_file']}{line}", "dim"),
        ),
        soft_wrap=True,
    )
    console.print(
        Text(
            f"Events after {report['window']['after']} up to {report['window']['until']} "
            f"(last {report['range']}), read-only from the warehouse.",
            style="dim",
        ),
        soft_wrap=True,
    )
    console.print(Text(report["status_note"], style="yellow"), soft_wrap=True)
    console.print()
    console.print(
        Text.assemble(
            "Trigger event ",
            (goal["trigger_event"], "bold"),
            f": {format_count(report['trigger_events'])} event(s)",
        )
    )
    if "trigger_note" in report:
        console.print(Text(report["trigger_note"], style="yellow"), soft_wrap=True)

    reports: Sequence[ConditionReport] = report["condition_reports"]
    if reports:
        table = Table(
            box=box.SIMPLE_HEAD, show_lines=True, title="Match conditions", title_justify="left"
        )
        table.add_column("condition")
        table.add_column("pass", justify="right")
        table.add_column("fail", justify="right")
        table.add_column("near misses / other failures", overflow="fold")
        for cond in reports:
            notes = Text()
            for index, text in enumerate(cond.near_miss_lines()):
                notes.append(("\n" if index else "") + "⚠ " + text, style="yellow")
            for text in cond.other_lines():
                notes.append(("\n" if notes else "") + text, style="dim")
            table.add_row(
                Text(f"{cond.key} = {cond.value_text}"),
                format_count(cond.passing),
                format_count(cond.failing),
                notes,
            )
        console.print(table)
        console.print(
            f"All conditions: {format_count(report['passing_all_conditions'])} of "
            f"{format_count(report['trigger_events'])} trigger event(s)."
        )
    else:
        console.print("No match conditions: every trigger event counts.")

    merged = report["merged_by_dedupe"]
    dedupe = goal["dedupe_property"]
    merged_text = f" ({format_count(merged)} merged by dedupe_property {dedupe})" if dedupe else ""
    console.print(
        Text.assemble(
            "Outcomes it would produce: ",
            (format_count(report["outcomes"]), "bold green"),
            merged_text,
        )
    )
    _print_values(report)


def _print_values(report: dict[str, Any]) -> None:
    console = out()
    goal = report["goal"]
    if goal["value_mode"] == "none":
        console.print(Text("value_mode none: outcomes carry no value.", style="dim"))
    else:
        issues = report["value_issues"]
        issue_text = (
            ", ".join(f"{k} {format_count(v)}" for k, v in issues.items()) if issues else "none"
        )
        console.print(
            f"Valued: {format_count(report['valued'])} of {format_count(report['outcomes'])}; "
            f"value issues: {issue_text}"
        )
        if report["revenue"]:
            table = Table(
                box=box.SIMPLE_HEAD, title="Value per display currency", title_justify="left"
            )
            table.add_column("currency")
            table.add_column("outcomes", justify="right")
            table.add_column("sum", justify="right")
            for entry in report["revenue"]:
                table.add_row(
                    entry["currency"], format_count(entry["outcomes"]), _money(entry["value"])
                )
            console.print(table)
            base = ", ".join(
                f"{_money(e['base_value'])} {e['base_currency']}" for e in report["base_revenue"]
            )
            console.print(f"Base value: {base}")
        if report["display_value_in_other_base_currency"]:
            console.print(
                Text(
                    f"⚠ {report['display_value_in_other_base_currency']} outcome(s) use their "
                    "display value as base value in another currency (no base_value_property "
                    "value): the build reports them as a data-quality warning.",
                    style="yellow",
                ),
                soft_wrap=True,
            )
    if report["recent_outcomes"]:
        valued = goal["value_mode"] != "none"
        table = Table(box=box.SIMPLE_HEAD, title="Most recent outcomes", title_justify="left")
        table.add_column("occurred_at (UTC)", no_wrap=True)
        table.add_column("event")
        if valued:
            table.add_column("value", justify="right")
            table.add_column("issue")
        for entry in report["recent_outcomes"]:
            value = entry["value"]
            cells: list[str | Text] = [entry["occurred_at"], Text(str(entry["event_id"]))]
            if valued:
                cells.append(f"{_money(value)} {entry['currency']}" if value is not None else "")
                cells.append(entry["value_issue"] or "")
            table.add_row(*cells)
        console.print(table)


def _money(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format_decimal(value)
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-')):,}"
    return sign + whole + (f".{fraction}" if fraction else "")


def register(app: typer.Typer) -> None:
    app.command("preview")(preview)
