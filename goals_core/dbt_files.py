"""The files of a dbt project that dbt reads: what its manifest is parsed from (Dagster's
code location re-parses when they change) and what a copy of the project needs (the tests
and the workload matrix build throwaway copies)."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

_DBT_PATH_KEYS = {
    "model-paths": ["models"],
    "seed-paths": ["seeds"],
    "macro-paths": ["macros"],
    "test-paths": ["tests"],
    "analysis-paths": ["analyses"],
    "snapshot-paths": ["snapshots"],
}
_DBT_FILES = (
    "dbt_project.yml",
    "profiles.yml",
    "packages.yml",
    "dependencies.yml",
    "selectors.yml",
)
#: Files dbt reads from those folders (Python files only count under model-paths: test-paths
#: may hold pytest modules, which are not dbt's).
_DBT_SUFFIXES = frozenset({".sql", ".yml", ".yaml", ".csv", ".md", ".jinja", ".jinja2"})


def manifest_inputs(project_dir: Path, dbt_project: Mapping[str, Any]) -> list[Path]:
    """Every file whose content can change dbt's manifest: dbt_project.yml and the package
    files, and the dbt files under the model/seed/macro/test/analysis/snapshot paths."""
    inputs = [project_dir / name for name in _DBT_FILES if (project_dir / name).is_file()]
    for key, default in _DBT_PATH_KEYS.items():
        for rel in dbt_project.get(key) or default:
            root = project_dir / str(rel)
            if not root.is_dir():
                continue
            for path in root.rglob("*"):
                suffix = path.suffix.lower()
                wanted = suffix in _DBT_SUFFIXES or (suffix == ".py" and key == "model-paths")
                if wanted and path.is_file():
                    inputs.append(path)
    return sorted(set(inputs))


def project_config(project_dir: Path) -> dict[str, Any]:
    """dbt_project.yml of `project_dir`, parsed."""
    with open(project_dir / "dbt_project.yml", encoding="utf-8") as handle:
        config: dict[str, Any] = yaml.safe_load(handle) or {}
    return config


def copy_project(
    destination: Path,
    source: Path | None = None,
    *,
    seeds: Mapping[str, Path] | None = None,
) -> Path:
    """A throwaway copy at `destination` of every file dbt reads in the project at `source`
    (default: this checkout's), the relative paths kept; `seeds` maps a seed file name
    (`goals.csv`) to a file copied in its place, e.g. a generated data set's."""
    from goals_core.paths import PROJECT_DIR

    source = Path(source or PROJECT_DIR)
    destination = Path(destination)
    config = project_config(source)
    for path in manifest_inputs(source, config):
        target = destination / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    seed_dir = destination / str((config.get("seed-paths") or ["seeds"])[0])
    seed_dir.mkdir(parents=True, exist_ok=True)
    for name, replacement in (seeds or {}).items():
        shutil.copy2(replacement, seed_dir / name)
    return destination
