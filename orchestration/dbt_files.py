"""The files of a dbt project that dbt reads: what the manifest is parsed from, and what
a configuration fingerprint digests. Dagster-free, so `goals build` and the bench import
it without loading Dagster."""

from __future__ import annotations

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
