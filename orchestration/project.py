"""The dbt project as Dagster sees it, with a manifest that is never stale.

Decision (docs/orchestration.md): instead of `prepare_if_dev()` (which only acts under
`dagster dev`) or a build-time `dagster-dbt project prepare-and-package`, the code location
runs `dbt parse` itself whenever the manifest was not parsed from the dbt files as they are
now (a fingerprint of their names, sizes and mtimes stored beside the manifest). That covers
`dg dev`, `dg check defs`, the tests, `make demo` and CI alike; an unchanged project loads
without invoking dbt. Concurrent loads (pytest -n 2, a code server and a run worker) parse
once: the others wait on a file lock and find the fingerprint current.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from dagster_dbt import DbtProject
from filelock import FileLock

from goals_core.dbt_files import manifest_inputs, project_config
from goals_core.paths import PROJECT_DIR
from goals_core.target import current_target

__all__ = ["PROJECT_DIR", "dbt_project", "manifest_fingerprint", "prepared_dbt_project"]
# Dagster's own target folder: `goals build` and plain `dbt` runs rewrite target/manifest.json
# while the code location may be reading it.
TARGET_PATH = Path("target") / "dagster"
FINGERPRINT_FILE = "orchestration_manifest.fingerprint"
PARSE_TIMEOUT_SECONDS = 600

log = logging.getLogger(__name__)


def dbt_project(project_dir: Path = PROJECT_DIR) -> DbtProject:
    """The DbtProject rooted at `project_dir`, whose profiles.yml sits beside dbt_project.yml.
    Each target has its own manifest: the models' configuration depends on the engine."""
    project_dir = Path(project_dir).resolve()
    target = current_target()
    target_path = TARGET_PATH if target == "duckdb" else TARGET_PATH.with_name(f"dagster-{target}")
    return DbtProject(
        project_dir=project_dir, profiles_dir=project_dir, target_path=target_path, target=target
    )


def current_fingerprint(project: DbtProject) -> str:
    config = project_config(project.project_dir)
    return manifest_fingerprint(project.project_dir, manifest_inputs(project.project_dir, config))


def fingerprint_path(project: DbtProject) -> Path:
    return project.manifest_path.parent / FINGERPRINT_FILE


def dbt_executable() -> str:
    """The dbt that Dagster's dbt step runs: `goals-dbt` (dbt's own command line with
    Python's garbage collector paused, goals_core/collector.py), else plain dbt when the
    project is not installed as a package; this virtualenv's first (a Makefile runs
    .venv/bin/python without the venv on PATH, and another install's on PATH may hold
    another dbt), then PATH's."""
    names = ("goals-dbt", "dbt")
    for name in names:
        beside = Path(sys.executable).with_name(name)
        if beside.exists():
            return str(beside)
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return "dbt"


def ensure_manifest(project: DbtProject) -> bool:
    """Run `dbt parse` when the manifest is missing or stale. Returns whether it parsed."""
    fingerprint = current_fingerprint(project)
    marker = fingerprint_path(project)
    if not manifest_is_stale(project.manifest_path, marker, fingerprint):
        return False
    marker.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(marker.with_suffix(".lock")), timeout=PARSE_TIMEOUT_SECONDS):
        fingerprint = current_fingerprint(project)
        if not manifest_is_stale(project.manifest_path, marker, fingerprint):
            return False  # another process parsed while we waited
        log.info("dbt manifest missing or stale: running `dbt parse` in %s", project.project_dir)
        _dbt_parse(project)
        marker.write_text(fingerprint + "\n", encoding="utf-8")
    return True


def _dbt_parse(project: DbtProject) -> None:
    command = [
        dbt_executable(),
        "parse",
        "--quiet",
        "--project-dir",
        str(project.project_dir),
        "--profiles-dir",
        str(project.profiles_dir),
        "--target-path",
        str(project.project_dir / project.target_path),
    ]
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    done = subprocess.run(
        command,
        cwd=project.project_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=PARSE_TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0 or not project.manifest_path.is_file():
        output = "\n".join(part for part in (done.stdout, done.stderr) if part.strip())
        raise RuntimeError(
            f"`dbt parse` failed in {project.project_dir} (exit {done.returncode}), so the "
            f"Dagster definitions cannot be built:\n{output.strip()}"
        )


def manifest_fingerprint(project_dir: Path, inputs: Iterable[Path]) -> str:
    """A digest of the inputs' names, sizes and mtimes: it changes when a dbt file is added,
    removed, renamed or edited."""
    digest = hashlib.sha256()
    for path in sorted(inputs):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        rel = path.relative_to(project_dir) if path.is_relative_to(project_dir) else path
        digest.update(f"{rel.as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def manifest_is_stale(manifest_path: Path, fingerprint_path: Path, fingerprint: str) -> bool:
    """True when the manifest is missing or was not parsed from the current inputs."""
    if not manifest_path.is_file():
        return True
    try:
        return fingerprint_path.read_text(encoding="utf-8").strip() != fingerprint
    except FileNotFoundError:
        return True


def prepared_dbt_project(project_dir: Path = PROJECT_DIR) -> DbtProject:
    """The DbtProject with a fresh manifest."""
    project = dbt_project(project_dir)
    ensure_manifest(project)
    return project
