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
class MartDescription:
    """A mart's description and its columns' descriptions (empty strings left out)."""

    description: str = ""
    columns: Mapping[str, str] = field(default_factory=dict)


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
        found[table] = MartDescription(
            description=str(props.get("description") or "").strip(),
            columns={name: text for name, text in columns.items() if text},
        )
    return found


def withheld_marts(manifest: Mapping[str, Any], schema: str = MARTS_SCHEMA) -> frozenset[str]:
    """Marts whose config sets `meta: {serving: false}`: kept out of the serving copy on
    purpose (event_catalog, whose examples are raw property values - SPEC 5)."""
    return frozenset(table for table, props in _marts(manifest, schema) if _withheld(props))


def _marts(manifest: Mapping[str, Any], schema: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(table name, node) of every dbt model built into `schema`."""
    for props in (manifest.get("nodes") or {}).values():
        if props.get("resource_type") != "model" or props.get("schema") != schema:
            continue
        table = str(props.get("alias") or props.get("name") or "")
        if table:
            yield table, props


def _withheld(props: Mapping[str, Any]) -> bool:
    meta = (props.get("config") or {}).get("meta") or props.get("meta") or {}
    return meta.get("serving") is False


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
