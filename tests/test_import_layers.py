"""The Python packages are layered, with no import cycle: `goals_core` (what the command
line and Dagster share) imports neither `cli` nor `orchestration`; `orchestration` never
imports `cli`; `cli` reaches `orchestration` only through its job runner (`goals dagster`,
`goals demo`: `orchestration.run`, and `orchestration.dev` for `goals dagster dev`)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import PROJECT_DIR as ROOT

PACKAGES = ("cli", "demo", "goals_core", "hub", "ingest", "orchestration", "serving")
#: What `cli` may import of `orchestration`: the entry points that run the Dagster job.
CLI_TO_ORCHESTRATION = {"orchestration.run", "orchestration.dev"}


def module_imports(path: Path) -> set[str]:
    """Every first-party module a file imports, at top level or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.split(".")[0] in PACKAGES}


def package_imports(package: str) -> dict[str, set[str]]:
    """module file -> first-party modules it imports, for every file of a package."""
    return {
        str(path.relative_to(ROOT)): module_imports(path)
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def imports_of(package: str, other: str) -> dict[str, set[str]]:
    found = {
        module: {name for name in names if name.split(".")[0] == other}
        for module, names in package_imports(package).items()
    }
    return {module: names for module, names in found.items() if names}


def test_core_imports_neither_cli_nor_orchestration() -> None:
    assert imports_of("goals_core", "cli") == {}
    assert imports_of("goals_core", "orchestration") == {}


def test_orchestration_never_imports_cli() -> None:
    assert imports_of("orchestration", "cli") == {}


def test_cli_reaches_orchestration_only_through_its_job_runner() -> None:
    reached = set().union(*imports_of("cli", "orchestration").values())
    outside = {
        name
        for name in reached
        if name != "orchestration"
        and not any(name == m or name.startswith(f"{m}.") for m in CLI_TO_ORCHESTRATION)
    }
    assert outside == set()


def test_no_import_cycle_between_packages() -> None:
    graph = {
        package: {
            name.split(".")[0]
            for names in package_imports(package).values()
            for name in names
            if name.split(".")[0] != package
        }
        for package in PACKAGES
    }

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = sorted(package for package in PACKAGES if reaches(package, package, {package}))
    assert cycles == [], f"packages on an import cycle: {cycles} ({graph})"


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [("goals_core.dbt_runner", ("cli", "orchestration")), ("orchestration.definitions", ("cli",))],
)
def test_importing_a_layer_loads_no_layer_above(module: str, forbidden: tuple[str, ...]) -> None:
    """Imported in a fresh interpreter, a module loads nothing of the layers above it."""
    code = (
        f"import sys, {module}; "
        "print(' '.join(sorted(n for n in sys.modules if n.split('.')[0] in "
        f"{forbidden!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""
