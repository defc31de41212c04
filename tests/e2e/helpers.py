"""Building a throw-away copy of the project on a generated dataset, and comparing its
warehouse with tests/reference/spec_reference.py."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.reference.spec_reference import Event, canonical_json, parse_json
from tests.support import PROJECT_DIR as REPO
from tests.support import DbtRun, copy_project, machine_env, run_dbt, spark_env

GENERATED_SEEDS = ("goals.csv", "goal_status_changes.csv", "workspaces.csv")

#: What identifies a raw event.
EVENT_KEY = ("workspace_id", "event_id")
FCT_COLUMNS = [
    "outcome_id",
    "workspace_id",
    "goal_code",
    "goal_kind",
    "is_primary",
    "event_id",
    "event_name",
    "event_source",
    "occurred_at",
    "customer_id",
    "conversation_id",
    "flow_id",
    "attribution",
    "is_chat_driven",
    "hours_since_chat",
    "value",
    "currency",
    "base_value",
    "base_currency",
    "base_value_source",
    "value_issue",
]
DIM_CONV_COLUMNS = [
    "workspace_id",
    "conversation_id",
    "customer_id",
    "flow_id",
    "started_at",
    "last_activity_at",
    "event_count",
]
DAILY_MEASURES = [
    "outcomes",
    "chat_driven_outcomes",
    "revenue",
    "chat_driven_revenue",
    "base_revenue",
    "chat_driven_base_revenue",
]
MONEY = {
    "value",
    "base_value",
    "revenue",
    "chat_driven_revenue",
    "base_revenue",
    "chat_driven_base_revenue",
}


# --------------------------------------------------------------------------- project copy


def copy_project_with_seeds(dest: Path, seeds_dir: Path) -> Path:
    """The dbt project with the generated goals / status changes / workspaces seeds."""
    return copy_project(dest, seeds={name: seeds_dir / name for name in GENERATED_SEEDS})


_INGEST = """
import dataclasses, json, sys
from goals_core.raw_load import ingest_for_target, raw_db_path
from ingest.warehouse import connect
con = connect(raw_db_path())
results = ingest_for_target(con, sys.argv[1:])
con.close()
print(json.dumps([dataclasses.asdict(r) for r in results], default=str))
"""


def run_project_ingest(
    db_path: Path, *paths: Path, lake: Path | None = None
) -> list[dict[str, Any]]:
    """The project's ingest API on `paths` (files or folders), in a subprocess whose machine
    zone is not UTC: into the warehouse `db_path`, or with `lake` into that lake of the
    Spark target."""
    env = {**machine_env(db_path), **(spark_env(lake) if lake is not None else {})}
    proc = subprocess.run(
        [sys.executable, "-c", _INGEST, *map(str, paths)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        raise AssertionError(f"ingest failed:\n{proc.stdout}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


RAW_DDL = """
create schema if not exists raw;
create table if not exists raw.loaded_files (
    file_sha256 varchar primary key, file_path varchar not null, file_format varchar not null,
    size_bytes bigint not null, lines_read bigint not null, lines_accepted bigint not null,
    lines_rejected bigint not null, lines_duplicate bigint not null,
    loaded_at timestamp not null);
create table if not exists raw.events (
    workspace_id varchar not null, event_id varchar not null, name varchar not null,
    occurred_at timestamp not null, source varchar not null, conversation_id varchar,
    customer_id varchar, flow_id varchar, properties json not null,
    file_sha256 varchar not null, line_number bigint not null, loaded_at timestamp not null);
create table if not exists raw.event_rejects (
    file_sha256 varchar not null, file_path varchar not null, line_number bigint not null,
    raw_text varchar not null, reason varchar not null, loaded_at timestamp not null);
create table if not exists raw.event_duplicates (
    workspace_id varchar not null, event_id varchar not null, file_sha256 varchar not null,
    file_path varchar not null, line_number bigint not null, raw_text varchar not null,
    loaded_at timestamp not null);
"""


def _dump_json(value: Any) -> str:
    """JSON text of a parsed value; numbers keep their original spelling."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        return getattr(value, "text", None) or str(value)
    if isinstance(value, list):
        return "[" + ",".join(_dump_json(v) for v in value) + "]"
    return (
        "{"
        + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_dump_json(v)}" for k, v in value.items())
        + "}"
    )


def load_reference_raw(db_path: Path, reference: dict[str, Any]) -> None:
    """Write the reference ingest's result into the raw tables (architecture.md DDL), so the
    dbt models can be checked on exactly the reference's events."""
    import duckdb

    now = datetime(2026, 5, 1)
    con = duckdb.connect(str(db_path))
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(RAW_DDL)
        for c in reference["file_counts"].values():
            con.execute(
                "insert into raw.loaded_files values (?,?,?,?,?,?,?,?,?)",
                [
                    c.sha256,
                    c.path,
                    c.file_format,
                    c.size_bytes,
                    c.read,
                    c.accepted,
                    c.rejected,
                    c.duplicate,
                    now,
                ],
            )
        events = [
            [
                e.workspace_id,
                e.event_id,
                e.name,
                e.occurred_at.replace(tzinfo=None),
                e.source,
                e.conversation_id,
                e.customer_id,
                e.flow_id,
                _dump_json(e.properties),
                e.file_sha256,
                e.line_number,
                now,
            ]
            for e in reference["events"]
        ]
        rejects = [
            [r.file_sha256, r.file_path, r.line_number, r.raw_text, r.reason, now]
            for r in reference["rejects"]
        ]
        if events:
            con.executemany("insert into raw.events values (?,?,?,?,?,?,?,?,?,?,?,?)", events)
        if rejects:
            con.executemany("insert into raw.event_rejects values (?,?,?,?,?,?)", rejects)
    finally:
        con.close()


def run_dbt_build(project_dir: Path, db_path: Path, *, lake: Path | None = None) -> DbtRun:
    """`dbt build` of the project copy without unit tests (on the Spark target with `lake`),
    its artifacts in the copy's target/ (MetricFlow reads the semantic manifest there)."""
    return run_dbt(
        project_dir,
        db_path,
        "build",
        "--exclude-resource-type",
        "unit_test",
        target_path=project_dir / "target",
        lake=lake,
    )


# --------------------------------------------------------------------------- reading


def fetch(con, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def columns(con, schema: str, table: str) -> dict[str, str]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    return dict(rows)


def norm(value: Any) -> Any:
    """Database and reference values into comparable Python values."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def same(column: str, ours: Any, theirs: Any) -> bool:
    a, b = norm(ours), norm(theirs)
    if a is None or b is None:
        return a is None and b is None
    if column == "hours_since_chat":
        return abs(Decimal(a) - Decimal(b)) <= Decimal("0.000001")
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        if isinstance(a, bool) or isinstance(b, bool):
            return a is b
        try:
            return Decimal(a) == Decimal(b)
        except (TypeError, ValueError, ArithmeticError):
            return False
    if isinstance(a, date) and isinstance(b, date):
        return a == b and type(a) is type(b)
    return a == b and type(a) is type(b)


def compare_rows(
    what: str,
    reference: Iterable[dict[str, Any]],
    actual: Iterable[dict[str, Any]],
    key: Callable[[dict[str, Any]], tuple],
    cols: Sequence[str],
    limit: int = 60,
) -> list[str]:
    """Readable differences between two row sets keyed alike (empty when they agree)."""
    ref = {}
    problems: list[str] = []
    for row in reference:
        ref[key(row)] = row
    act: dict[tuple, dict[str, Any]] = {}
    for row in actual:
        k = key(row)
        if k in act:
            problems.append(f"{what}: duplicate key {k} in the warehouse")
        act[k] = row
    missing = sorted(set(ref) - set(act), key=str)
    extra = sorted(set(act) - set(ref), key=str)
    for k in missing:
        problems.append(f"{what}: MISSING from warehouse {k}: " + _short(ref[k], cols))
    for k in extra:
        problems.append(f"{what}: EXTRA in warehouse {k}: " + _short(act[k], cols))
    for k in sorted(set(ref) & set(act), key=str):
        diffs = [
            f"{c}: expected {_fmt(ref[k].get(c))} got {_fmt(act[k].get(c))}"
            for c in cols
            if not same(c, ref[k].get(c), act[k].get(c))
        ]
        if diffs:
            problems.append(f"{what}: {k}\n      " + "\n      ".join(diffs))
    if len(problems) > limit:
        problems = [*problems[:limit], f"{what}: ... and {len(problems) - limit} more"]
    return problems


def _fmt(v: Any) -> str:
    v = norm(v)
    if isinstance(v, datetime):
        return v.isoformat()
    return repr(v)


def _short(row: dict[str, Any], cols: Sequence[str]) -> str:
    return ", ".join(f"{c}={_fmt(row.get(c))}" for c in cols if c in row)


#: The raw.events columns compared with the reference's events: every field of its Event
#: but the key (workspace_id, event_id).
EVENT_COLUMNS = [f.name for f in dataclasses.fields(Event) if f.name not in EVENT_KEY]


def event_row(e: Event) -> dict[str, Any]:
    d = dataclasses.asdict(e)
    d["properties"] = canonical_json(e.properties)
    return d


def warehouse_event_row(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    props = row.get("properties")
    if isinstance(props, str):
        try:
            out["properties"] = canonical_json(parse_json(props))
        except ValueError:
            out["properties"] = f"<unparseable {props!r}>"
    return out
