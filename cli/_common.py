"""Shared pieces of the `goals` commands (`explore`, `events`, `validate`, `status`,
`preview`, `list`, `build`, `demo`, `publish`).

* options and their parsing (`--range`, `--workspace`, `--db`, `--json`, an ISO 8601
  option), UTC formatting, "did you mean" suggestions;
* output: consoles (wide when piped), JSON lines, JSON shown in tables (long strings cut);
* the warehouse path checked (a folder, a file that is not DuckDB, a missing warehouse:
  one clear line), opened read-only, with a clear message when its tables are missing;
* the dbt project compiled once (cached by the content of models/, macros/ and the project
  files) and replayed on an in-memory DuckDB loaded with seed files: `validate` and
  `preview` run the very SQL dbt builds, so the rules have one definition.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import duckdb
import typer
from rich.console import Console
from rich.text import Text

from cli.dbt_runner import PROJECT_DIR, release_dbt_connections, run_dbt

PROJECT_SEEDS_DIR = PROJECT_DIR / "seeds"

# --------------------------------------------------------------------------- options


class Range(StrEnum):
    """How far back from now a command looks."""

    DAYS_7 = "7d"
    DAYS_30 = "30d"
    DAYS_90 = "90d"

    @property
    def days(self) -> int:
        return int(self.value.removesuffix("d"))


RangeOption = Annotated[
    Range,
    typer.Option(
        "--range",
        "-r",
        case_sensitive=False,
        help="How far back from now: 7d, 30d or 90d.",
    ),
]
WorkspaceOption = Annotated[
    str | None, typer.Option("--workspace", "-w", help="Only this workspace (tenant).")
]
GoalWorkspaceOption = Annotated[
    str | None,
    typer.Option(
        "--workspace", "-w", help="The goal's workspace (needed when several have the code)."
    ),
]
DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="DuckDB warehouse file (default: $DUCKDB_PATH or warehouse/goals.duckdb).",
        dir_okay=False,
    ),
]
SeedsOption = Annotated[
    Path,
    typer.Option(
        "--seeds",
        help="Folder holding goals.csv and goal_status_changes.csv.",
        file_okay=False,
        show_default="the project's seeds/",
    ),
]
JsonOption = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print JSON lines (one object per line, values whole) instead of a table.",
    ),
]


#: The width of output that goes to a pipe or a file (no terminal to fit): wide enough
#: that nothing a command prints is cut or wrapped at 80 columns.
PIPE_WIDTH = 200


def console_width() -> int | None:
    """$COLUMNS when set, the terminal's width on a terminal (None: rich asks it), else
    PIPE_WIDTH, so piped output is not cut at rich's default of 80 columns."""
    from cli._progress import is_terminal

    if os.environ.get("COLUMNS", "").isdigit() or is_terminal():
        return None
    return PIPE_WIDTH


def out() -> Console:
    """The console of a command's output (made per call: it reads $COLUMNS then)."""
    return Console(highlight=False, width=console_width())


def err() -> Console:
    """The console of errors and remarks (stderr)."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, *, code: int = 1) -> NoReturn:
    """Print `message` on stderr and end the command with exit status `code`."""
    err().print(Text.assemble(("Error: ", "bold red"), message))
    raise typer.Exit(code=code)


def note(message: str) -> None:
    """A remark on stderr (keeps stdout clean for --json)."""
    err().print(Text(message, style="dim"))


# --------------------------------------------------------------------------- time


def utc_now() -> datetime:
    """The current instant as a naive UTC datetime (the warehouse's convention)."""
    return datetime.now(UTC).replace(tzinfo=None)


def window(range_: Range, now: datetime) -> tuple[datetime, datetime]:
    """The half-open window (now - N days, now] a command reads."""
    return now - timedelta(days=range_.days), now


def format_utc_fixed(value: datetime | None) -> str:
    """ISO 8601 in UTC with a `Z` and always milliseconds (a fixed width for columns:
    `2026-11-24T09:30:00.000Z`); microseconds when the value has some below a millisecond."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond % 1000:
        return text + f".{value.microsecond:06d}Z"
    return text + f".{value.microsecond // 1000:03d}Z"


def iso8601_option(text: str | None, option: str) -> datetime | None:
    """An ISO 8601 option value as a naive UTC datetime (None when not given), or a usage
    error (exit 2) when it does not parse."""
    if text is None:
        return None
    parsed = parse_iso8601_utc(text)
    if parsed is None:
        raise typer.BadParameter(
            f"'{text}' is not an ISO 8601 timestamp (e.g. 2026-11-24T09:30:00Z).",
            param_hint=f"'{option}'",
        )
    return parsed


def reference_time_option(text: str | None, option: str = "--reference-time") -> str | None:
    """An ISO 8601 option value normalized to UTC `...Z` text (dbt vars carry it into SQL
    as a string literal), or a usage error (exit 2) when it does not parse."""
    parsed = iso8601_option(text, option)
    return format_utc(parsed) if parsed is not None else None


def format_utc(value: datetime | None) -> str:
    """ISO 8601 in UTC with a `Z`; fractions of a second only when there are some."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"


def parse_iso8601_utc(text: str) -> datetime | None:
    """An ISO 8601 text as a naive UTC datetime, or None when it does not parse.

    The grammar is ingest's (ingest._sql.TIMESTAMP_RE, the same as
    macros/parse_iso8601_utc.sql): `YYYY-MM-DD`, optionally `T`/space and
    `HH:MM[:SS[.f]]`, optionally `Z` or an offset; without an offset the text is UTC.
    """
    from ingest._sql import TIMESTAMP_RE

    match = re.fullmatch(TIMESTAMP_RE, text.strip())
    if match is None or match[1].startswith("0000"):
        return None
    date_part, time_part, zone = match[1], match[2] or "00:00", (match[3] or "Z").upper()
    clock = time_part.split(":")
    second, _, fraction = (clock[2] if len(clock) > 2 else "0").partition(".")
    try:
        value = datetime.strptime(date_part, "%Y-%m-%d").replace(
            hour=int(clock[0]),
            minute=int(clock[1]),
            second=int(second),
            microsecond=int(fraction.ljust(6, "0")[:6]),
        )
    except ValueError:
        return None
    if zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
        value -= sign * offset
    return value


# --------------------------------------------------------------------------- output


class RawJson(str):
    """JSON text to embed verbatim in a JSON line (keeps numbers exactly as stored)."""

    __slots__ = ()


def single_line_json(text: str) -> str:
    """JSON text on one line: raw line breaks can only be insignificant whitespace."""
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def json_text(value: Any) -> str:
    """JSON text of a value: `RawJson` embedded as it is, a `Decimal` as an exact number,
    a datetime as UTC ISO 8601 with `Z`; mappings and sequences recursively."""
    if isinstance(value, RawJson):
        return single_line_json(str(value))
    if isinstance(value, Mapping):
        return (
            "{"
            + ", ".join(
                f"{json.dumps(str(k), ensure_ascii=False)}: {json_text(v)}"
                for k, v in value.items()
            )
            + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ", ".join(json_text(v) for v in value) + "]"
    if isinstance(value, datetime):
        return json.dumps(format_utc(value))
    if isinstance(value, Decimal):
        return format_decimal(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def json_line(fields: Mapping[str, Any]) -> str:
    """One JSON object on one line."""
    return json_text(fields)


def print_json_line(fields: Mapping[str, Any]) -> None:
    typer.echo(json_line(fields))


def format_decimal(value: Decimal | None) -> str:
    """An exact amount without trailing zeros past the cents: 12.5000000000 -> 12.50."""
    if value is None:
        return ""
    normalized = value.normalize()
    exponent = normalized.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        normalized = value.quantize(Decimal("0.01"))
    return f"{normalized:f}"


#: Longest JSON string a table shows whole inside a JSON value (explore's properties).
JSON_STRING_MAX_CHARS = 120


def display_json(text: str, *, string_limit: int = JSON_STRING_MAX_CHARS) -> str:
    """JSON text as a table shows it: on one line, a space after each `,` and `:` between
    tokens (so a narrow column wraps between members, never inside a number or a key),
    and every string longer than `string_limit` characters cut with a marker saying how
    much was left out. Keys, numbers and structure are kept as stored; `--json` prints
    the value whole."""
    text = single_line_json(text)
    parts: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            token = text[i : j + 1]
            inner = token[1:-1]
            if len(inner) > string_limit:
                cut = inner[:string_limit]
                if cut.endswith("\\") and not cut.endswith("\\\\"):
                    cut = cut[:-1]
                token = f'"{cut}…" [{len(inner) - len(cut):,} more characters]'
            parts.append(token)
            i = j + 1
            continue
        if char in " \t":
            i += 1
            continue
        parts.append(char)
        if char in ",:":
            parts.append(" ")
        i += 1
    return "".join(parts)


def format_count(value: int) -> str:
    return f"{value:,}"


def names_list(names: Sequence[str], *, limit: int = 30) -> str:
    """`a, b, c` (at most `limit` names, then how many more), or `(none)`."""
    if not names:
        return "(none)"
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        shown += f", … and {len(names) - limit} more"
    return shown


def close_match(name: str, known: Sequence[str]) -> str | None:
    """The known name `name` most likely meant: the same name in another case, else the
    closest by difflib's ratio (None when nothing is close)."""
    import difflib

    same = [k for k in known if k.lower() == name.lower() and k != name]
    if same:
        return same[0]
    close = difflib.get_close_matches(name, [k for k in known if k != name], n=1)
    return close[0] if close else None


def did_you_mean(name: str, known: Sequence[str]) -> str:
    """` (did you mean 'x'?)` when a known name is close to `name`, else ``."""
    match = close_match(name, known)
    return f" (did you mean '{match}'?)" if match is not None else ""


def display_path(path: Path) -> str:
    """A path relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- warehouse


def resolve_db_path(db: Path | None) -> Path:
    from ingest.warehouse import default_db_path

    return Path(db) if db is not None else default_db_path()


def _is_duckdb_file(path: Path) -> bool:
    """Whether `path` starts like a DuckDB database file (its header's magic `DUCK`)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(12)
    except OSError:
        return False
    return header[8:12] == b"DUCK"


def check_warehouse_path(path: Path, *, create: bool = False) -> bool:
    """Fail with one line unless `path` can be a warehouse: not a folder, a DuckDB file
    when it exists, and (unless `create`) existing. Returns whether it exists."""
    shown = display_path(path)
    if path.is_dir():
        fail(
            f"{shown} is a folder, not a DuckDB file: point --db (or $DUCKDB_PATH) at a file "
            "such as warehouse/goals.duckdb."
        )
    if path.exists():
        if not _is_duckdb_file(path):
            fail(
                f"{shown} is not a DuckDB database file: point --db (or $DUCKDB_PATH) at the "
                "warehouse (e.g. warehouse/goals.duckdb)."
            )
        return True
    if not create:
        fail(
            f"No warehouse at {shown}: check --db / $DUCKDB_PATH, or make one first with "
            "`goals ingest FILE...` and `goals build` (or `goals demo`)."
        )
    if path.parent.exists() and not path.parent.is_dir():
        fail(f"Cannot create the warehouse {shown}: {display_path(path.parent)} is not a folder.")
    return False


@contextmanager
def open_warehouse(db: Path | None) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    """The warehouse opened read-only (no write lock), or a clear error if it is missing."""
    from ingest.warehouse import WarehouseLockedError, connect

    path = resolve_db_path(db)
    check_warehouse_path(path)
    try:
        con = connect(path, read_only=True)
    except WarehouseLockedError as exc:
        fail(str(exc))
    except duckdb.Error as exc:
        fail(f"Cannot open the warehouse {display_path(path)} read-only: {one_line(exc)}")
    try:
        yield con, path
    finally:
        con.close()


def one_line(error: BaseException | str) -> str:
    """An error's message on one line (DuckDB's carry a type prefix and line breaks)."""
    text = " ".join(str(error).split())
    if not text and isinstance(error, BaseException):
        return type(error).__name__
    return text


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


def require_raw_events(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    if not table_exists(con, "raw", "events"):
        fail(
            f"The warehouse {display_path(path)} has no raw tables yet: load events with "
            "`goals ingest FILE...` first."
        )
    row = con.execute("select count(*) from raw.events").fetchone()
    if not row or not row[0]:
        fail(
            f"The warehouse {display_path(path)} holds no events yet: load some with "
            "`goals ingest FILE...` first."
        )


def require_mart(con: duckdb.DuckDBPyConnection, path: Path, mart: str) -> None:
    if not table_exists(con, "marts", mart):
        fail(
            f"The warehouse {display_path(path)} has no marts yet (marts.{mart} is missing): "
            "run `goals build` first."
        )


def known_values(
    con: duckdb.DuckDBPyConnection,
    column: str,
    *,
    start: datetime,
    end: datetime,
    workspace: str | None = None,
) -> list[str]:
    """Distinct values of a raw.events column (`name` or `workspace_id`) in a window."""
    if column not in ("name", "workspace_id"):
        raise ValueError(column)
    sql = f"select distinct {column} from raw.events where occurred_at > ? and occurred_at <= ?"
    params: list[Any] = [start, end]
    if workspace is not None:
        sql += " and workspace_id = ?"
        params.append(workspace)
    return sorted(row[0] for row in con.execute(sql + f" order by {column}", params).fetchall())


def unknown_name_message(
    name: str, range_: Range, known: Sequence[str], *, workspace: str | None = None
) -> str:
    """ "no events named X in the last 30d; known names: ..." (with a close match first)."""
    scope = f" of workspace '{workspace}'" if workspace else ""
    message = f"no events named '{name}'{scope} in the last {range_.value}"
    message += did_you_mean(name, known)
    return message + f"; known names: {names_list(list(known))}"


# --------------------------------------------------------------------------- compiled project

COMPILE_SELECTION = "+int_goal_outcomes_deduplicated"
CACHE_DIR_ENV = "GOALS_CLI_CACHE_DIR"
_CACHE_FORMAT = 2
_PROJECT_FILES = ("dbt_project.yml", "profiles.yml")
_PROJECT_FOLDERS = ("models", "macros", "seeds")
_EVENTS_SOURCE = "source.goals_analytics.telemetry.events"


@dataclass(frozen=True)
class Relation:
    schema: str
    identifier: str

    def render(self, database: str) -> str:
        return f"{quote(database)}.{quote(self.schema)}.{quote(self.identifier)}"


@dataclass(frozen=True)
class CompiledModel:
    name: str
    relation: Relation
    sql: str
    parents: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompiledSeed:
    name: str
    relation: Relation
    column_types: dict[str, str]


@dataclass(frozen=True)
class CompiledProject:
    """The SQL dbt compiled for `+int_goal_outcomes_deduplicated`, models in dependency order."""

    database: str
    models: tuple[CompiledModel, ...]
    seeds: dict[str, CompiledSeed]
    events: Relation

    def model(self, name: str) -> CompiledModel:
        for model in self.models:
            if model.name == name:
                return model
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": _CACHE_FORMAT,
            "database": self.database,
            "models": [
                {
                    "name": m.name,
                    "schema": m.relation.schema,
                    "identifier": m.relation.identifier,
                    "sql": m.sql,
                    "parents": list(m.parents),
                }
                for m in self.models
            ],
            "seeds": [
                {
                    "name": s.name,
                    "schema": s.relation.schema,
                    "identifier": s.relation.identifier,
                    "column_types": s.column_types,
                }
                for s in self.seeds.values()
            ],
            "events": {"schema": self.events.schema, "identifier": self.events.identifier},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CompiledProject:
        if data.get("format") != _CACHE_FORMAT:
            raise ValueError("unknown cache format")
        return cls(
            database=data["database"],
            models=tuple(
                CompiledModel(
                    m["name"], Relation(m["schema"], m["identifier"]), m["sql"], tuple(m["parents"])
                )
                for m in data["models"]
            ),
            seeds={
                s["name"]: CompiledSeed(
                    s["name"], Relation(s["schema"], s["identifier"]), dict(s["column_types"])
                )
                for s in data["seeds"]
            },
            events=Relation(data["events"]["schema"], data["events"]["identifier"]),
        )


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _project_fingerprint() -> str:
    import dbt.version

    digest = hashlib.sha256()
    digest.update(f"{_CACHE_FORMAT}|{COMPILE_SELECTION}|{dbt.version.__version__}".encode())
    with suppress(ImportError):
        from dbt.adapters.duckdb.__version__ import version as duckdb_adapter_version

        digest.update(str(duckdb_adapter_version).encode())
    paths = [PROJECT_DIR / name for name in _PROJECT_FILES]
    for folder in _PROJECT_FOLDERS:
        root = PROJECT_DIR / folder
        paths += sorted(
            p for p in root.rglob("*") if p.is_file() and p.suffix in (".sql", ".yml", ".yaml")
        )
    for path in paths:
        if path.is_file():
            digest.update(str(path.relative_to(PROJECT_DIR)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()[:24]


def _cache_dir() -> Path:
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured)
    user = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"goals-analytics-cli-{user}"


def _compile_with_dbt() -> CompiledProject:
    with tempfile.TemporaryDirectory(prefix="goals-compile-") as tmp:
        tmp_dir = Path(tmp)
        target = tmp_dir / "target"
        outcome = run_dbt(
            "compile",
            "--select",
            COMPILE_SELECTION,
            "--target-path",
            str(target),
            "--log-path",
            str(tmp_dir / "logs"),
            "--log-level",
            "none",
            "--log-level-file",
            "none",
            db_path=tmp_dir / "goals_cli.duckdb",
        )
        release_dbt_connections()
        manifest_path = target / "manifest.json"
        if not outcome.success or not manifest_path.is_file():
            detail = f": {outcome.exception}" if outcome.exception else ""
            fail(
                "dbt could not compile the project's models, which hold the rules these "
                f"checks run{detail}. Run `dbt compile` to see why."
            )
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return _project_from_manifest(manifest)


def _project_from_manifest(manifest: Mapping[str, Any]) -> CompiledProject:
    nodes: Mapping[str, Any] = manifest["nodes"]
    models = {
        uid: node
        for uid, node in nodes.items()
        if node["resource_type"] == "model" and node.get("compiled_code")
    }
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(uid: str) -> None:
        if uid in ordered or uid not in models:
            return
        if uid in visiting:
            raise ValueError(f"dependency cycle at {uid}")
        visiting.add(uid)
        for parent in models[uid]["depends_on"]["nodes"]:
            visit(parent)
        visiting.discard(uid)
        ordered.append(uid)

    for uid in sorted(models):
        visit(uid)
    seeds = {
        node["name"]: CompiledSeed(
            node["name"],
            Relation(node["schema"], node["alias"]),
            {str(k): str(v) for k, v in (node["config"].get("column_types") or {}).items()},
        )
        for node in nodes.values()
        if node["resource_type"] == "seed"
    }
    source = manifest["sources"][_EVENTS_SOURCE]
    database = next(iter(models.values()))["database"]
    return CompiledProject(
        database=database,
        models=tuple(
            CompiledModel(
                models[uid]["name"],
                Relation(models[uid]["schema"], models[uid]["alias"]),
                models[uid]["compiled_code"],
                tuple(
                    models[parent]["name"]
                    for parent in models[uid]["depends_on"]["nodes"]
                    if parent in models
                ),
            )
            for uid in ordered
        ),
        seeds=seeds,
        events=Relation(source["schema"], source["identifier"]),
    )


def compiled_project() -> CompiledProject:
    """The project's SQL as dbt compiles it; cached by the content of the project files."""
    cache_file = _cache_dir() / f"compiled-{_project_fingerprint()}.json"
    if cache_file.is_file():
        try:
            return CompiledProject.from_json(json.loads(cache_file.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError):
            pass  # a stale or damaged cache entry: compile again
    project = _compile_with_dbt()
    with suppress(OSError):
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=cache_file.parent, prefix=".compiled-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(project.to_json(), handle)
        os.replace(tmp_name, cache_file)
    return project


# --------------------------------------------------------------------------- seeds replayed


class SeedFileError(Exception):
    """A seed file dbt could not load (missing, unreadable, wrong columns)."""


@dataclass
class SeedFile:
    """A seed CSV as loaded: the physical line on which each row starts (1 = header)."""

    name: str
    path: Path | None
    lines: list[int] = field(default_factory=list)

    def line_of(self, row: int) -> int | None:
        """The CSV line of the `row`-th loaded row (1-based), when known."""
        return self.lines[row - 1] if 0 < row <= len(self.lines) else None

    @property
    def label(self) -> str:
        return f"{self.name}.csv"


def csv_record_lines(path: Path) -> tuple[list[str], list[int]]:
    """The header and the starting line of every non-blank record of a CSV file."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header: list[str] | None = None
        lines: list[int] = []
        previous_end = 0
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not record:
                continue
            if header is None:
                header = record
            else:
                lines.append(start)
    return header or [], lines


class ProjectDatabase:
    """An in-memory DuckDB holding seed files and the project's compiled models as views.

    Seed tables are created as dbt-duckdb creates them (the declared column types, the
    CSV header's columns) and filled with the same `COPY ... FROM` statement. Each file
    is also kept in schema `_seed_files` with its row ordinal, so callers can load a
    subset of rows into the seed table.
    """

    FILES_SCHEMA = "_seed_files"

    def __init__(self, project: CompiledProject) -> None:
        self.project = project
        self.con = duckdb.connect(":memory:")
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute(f"attach ':memory:' as {quote(project.database)}")
        self.con.execute(f"use {quote(project.database)}")
        schemas = {m.relation.schema for m in project.models}
        schemas |= {s.relation.schema for s in project.seeds.values()}
        schemas |= {project.events.schema, self.FILES_SCHEMA}
        for schema in sorted(schemas):
            self.con.execute(f"create schema if not exists {quote(schema)}")
        self.files: dict[str, SeedFile] = {}

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> ProjectDatabase:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def relation(self, name: str) -> str:
        """The rendered relation of a model or seed."""
        if name in self.project.seeds:
            return self.project.seeds[name].relation.render(self.project.database)
        return self.project.model(name).relation.render(self.project.database)

    def file_table(self, seed: str) -> str:
        return f"{quote(self.project.database)}.{quote(self.FILES_SCHEMA)}.{quote(seed)}"

    def load_seed(self, seed: str, path: Path | None) -> SeedFile:
        """Load a seed file (or, with `path` None, an empty table of its declared columns)."""
        spec = self.project.seeds[seed]
        declared = list(spec.column_types)
        label = f"{seed}.csv"
        if path is None:
            header, lines = declared, list[int]()
        else:
            if not path.is_file():
                raise SeedFileError(f"{label}: no such file {display_path(path)}")
            try:
                header, lines = csv_record_lines(path)
            except (OSError, UnicodeDecodeError, csv.Error) as exc:
                raise SeedFileError(f"{label}: cannot be read ({exc})") from exc
            if not header:
                raise SeedFileError(f"{label}: the file is empty (it needs a header line)")
            missing = [c for c in declared if c.lower() not in {h.lower() for h in header}]
            if missing:
                raise SeedFileError(
                    f"{label}: missing column(s) {', '.join(missing)} in the header "
                    f"(expected {','.join(declared)})"
                )
        types = {k.lower(): v for k, v in spec.column_types.items()}
        columns = ", ".join(f"{quote(c)} {types.get(c.lower(), 'varchar')}" for c in header)
        raw = f"{quote(self.project.database)}.{quote(self.FILES_SCHEMA)}.{quote(seed + '__copy')}"
        self.con.execute(f"create or replace table {raw} ({columns})")
        if path is not None:
            try:
                self.con.execute(
                    f"copy {raw} from {sql_string(str(path))} "
                    "(FORMAT CSV, HEADER TRUE, DELIMITER ',')"
                )
            except duckdb.Error as exc:
                raise SeedFileError(f"{label}: dbt could not load it: {exc}") from exc
        self.con.execute(
            f"create or replace table {self.file_table(seed)} as "
            f"select row_number() over () as _row, * from {raw}"
        )
        self.con.execute(f"drop table {raw}")
        loaded = self.scalar(f"select count(*) from {self.file_table(seed)}")
        seed_file = SeedFile(seed, path, lines if loaded == len(lines) else [])
        self.files[seed] = seed_file
        self.use_rows(seed)
        return seed_file

    def use_rows(
        self, seed: str, rows: Sequence[int] | None = None, *, exclude: bool = False
    ) -> None:
        """(Re)fill the seed table from its file: all rows, only `rows`, or all but `rows`."""
        where = ""
        if rows is not None:
            listed = ", ".join(str(int(r)) for r in rows) or "null"
            where = f" where _row {'not in' if exclude else 'in'} ({listed})"
        self.con.execute(
            f"create or replace table {self.relation(seed)} as "
            f"select * exclude (_row) from {self.file_table(seed)}{where} order by _row"
        )

    def create_views(self, model_name: str) -> None:
        """A compiled model and its ancestors as views (dbt's tables give the same rows)."""
        needed = {model_name}
        for model in reversed(self.project.models):
            if model.name in needed:
                needed.update(model.parents)
        for model in self.project.models:
            if model.name not in needed:
                continue
            self.con.execute(
                f"create or replace view {model.relation.render(self.project.database)} as\n"
                f"{model.sql}"
            )

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.con.execute(sql, list(params)).fetchone()
        return row[0] if row else None

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, list(params)).fetchall()
