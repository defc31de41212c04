"""dbt's model and column descriptions of the marts, carried into the serving copy as
`COMMENT ON TABLE/COLUMN` (Metabase, Superset and the DuckDB CLI show them).

Read from a parsed dbt manifest: the code location has one in memory; the command line
takes the newest of the project's `target/manifest.json` (written by `goals build`) and
`target/dagster/manifest.json` (the code location's). Without a manifest the copy simply
has no comments beyond those already in the warehouse.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MARTS_SCHEMA = "marts"

#: Manifests a project may hold, relative to its root.
MANIFEST_CANDIDATES = (
    Path("target") / "manifest.json",
    Path("target") / "dagster" / "manifest.json",
)


@dataclass(frozen=True)
class ForeignKey:
    """`columns` of a mart reference `to_columns` of the mart `to` (a table of the same
    schema)."""

    columns: tuple[str, ...]
    to: str
    to_columns: tuple[str, ...]


@dataclass(frozen=True)
class MartDescription:
    """A mart's description, its columns' descriptions (empty strings left out) and the keys
    its dbt contract declares (carried into the serving copy's DDL for BI tools)."""

    description: str = ""
    columns: Mapping[str, str] = field(default_factory=dict)
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()


def mart_descriptions(
    manifest: Mapping[str, Any], schema: str = MARTS_SCHEMA
) -> dict[str, MartDescription]:
    """Table name -> descriptions, for every dbt model built into `schema` that may be
    served (see withheld_marts)."""
    found: dict[str, MartDescription] = {}
    for table, props in _marts(manifest, schema):
        if _withheld(props):
            continue
        columns = {
            str(column.get("name") or name): str(column.get("description") or "").strip()
            for name, column in (props.get("columns") or {}).items()
        }
        primary_key, foreign_keys = _keys(props)
        found[table] = MartDescription(
            description=str(props.get("description") or "").strip(),
            columns={name: text for name, text in columns.items() if text},
            primary_key=primary_key,
            foreign_keys=foreign_keys,
        )
    return found


def _keys(props: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[ForeignKey, ...]]:
    """The primary key and foreign keys of a model's contract, declared on the model
    (`columns: [...]`) or on a column (that column alone)."""
    declared: list[tuple[tuple[str, ...], Mapping[str, Any]]] = [
        (tuple(str(c) for c in constraint.get("columns") or ()), constraint)
        for constraint in props.get("constraints") or ()
    ]
    for name, column in (props.get("columns") or {}).items():
        for constraint in column.get("constraints") or ():
            declared.append(((str(column.get("name") or name),), constraint))
    # foreign keys may also be declared under `config.meta.foreign_keys` (a dbt
    # foreign_key constraint's `to: ref(...)` would make the model depend on the other)
    for item in _meta(props).get("foreign_keys") or ():
        if isinstance(item, Mapping):
            declared.append(
                (tuple(str(c) for c in item.get("columns") or ()), {"type": "foreign_key", **item})
            )
    primary_key: tuple[str, ...] = ()
    foreign_keys: list[ForeignKey] = []
    for columns, constraint in declared:
        kind = constraint.get("type")
        if kind == "primary_key" and columns and not primary_key:
            primary_key = columns
        elif kind == "foreign_key" and columns:
            to = _table_name(str(constraint.get("to") or ""))
            to_columns = tuple(str(c) for c in constraint.get("to_columns") or ())
            if to and len(to_columns) == len(columns):
                foreign_keys.append(ForeignKey(columns, to, to_columns))
    return primary_key, tuple(foreign_keys)


def _table_name(relation: str) -> str:
    """`"db"."marts"."dim_goals"` (how the manifest renders `to: ref('dim_goals')`) ->
    `dim_goals`."""
    last = relation.rsplit(".", 1)[-1].strip()
    return last[1:-1].replace('""', '"') if last.startswith('"') and last.endswith('"') else last


def withheld_marts(manifest: Mapping[str, Any], schema: str = MARTS_SCHEMA) -> frozenset[str]:
    """Marts whose config sets `meta: {serving: false}`: kept out of the serving copy on
    purpose (event_catalog, whose examples are raw property values - reference §5)."""
    return frozenset(table for table, props in _marts(manifest, schema) if _withheld(props))


def _marts(manifest: Mapping[str, Any], schema: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(table name, node) of every dbt model built into `schema`."""
    for props in (manifest.get("nodes") or {}).values():
        if props.get("resource_type") != "model" or props.get("schema") != schema:
            continue
        table = str(props.get("alias") or props.get("name") or "")
        if table:
            yield table, props


def _meta(props: Mapping[str, Any]) -> Mapping[str, Any]:
    """A model's `meta`: its `config.meta`, else the top-level one."""
    return (props.get("config") or {}).get("meta") or props.get("meta") or {}


def _withheld(props: Mapping[str, Any]) -> bool:
    return _meta(props).get("serving") is False


def find_manifest(project_dir: Path) -> Path | None:
    """The most recently written manifest of the project, if any."""
    existing = [project_dir / rel for rel in MANIFEST_CANDIDATES if (project_dir / rel).is_file()]
    if not existing:
        return None
    return max(existing, key=lambda path: path.stat().st_mtime_ns)


def load_manifest(project_dir: Path) -> Mapping[str, Any]:
    """The project's newest manifest; empty when there is none or it cannot be read."""
    path = find_manifest(project_dir)
    if path is None:
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, Mapping) else {}


def load_mart_descriptions(project_dir: Path) -> dict[str, MartDescription]:
    """The marts' descriptions from the project's newest manifest; empty when there is none
    or it cannot be read (comments are a convenience, never a reason to fail a publish)."""
    return mart_descriptions(load_manifest(project_dir))
