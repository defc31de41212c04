"""The dbt project compiled once (cached by the content of models/, macros/, seeds/ and
the project files) for `validate` and `preview`, which replay the very SQL dbt builds
(cli/seed_replay.py), so the rules have one definition."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cli.console import fail
from goals_core.dbt_runner import PROJECT_DIR, release_dbt_connections, run_dbt

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
            # the SQL runs in the command's own DuckDB, whatever engine builds the marts
            "--target",
            "duckdb",
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
