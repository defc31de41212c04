"""`make dev`: the Dagster UI and daemon for this project, with its instance in .dagster_home/.

python -m orchestration.dev [extra `dg dev` arguments]
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from orchestration.project import PROJECT_DIR

TEMPLATE = Path(__file__).with_name("dagster.yaml")


def dagster_home(project_dir: Path = PROJECT_DIR) -> Path:
    """$DAGSTER_HOME when set, else <project>/.dagster_home."""
    configured = os.environ.get("DAGSTER_HOME")
    return Path(configured).resolve() if configured else project_dir / ".dagster_home"


def ensure_dagster_home(home: Path) -> Path:
    """Create the instance folder and, on first use, its dagster.yaml from the template
    (pool duckdb_writer limited to 1, run queue). An existing dagster.yaml is kept."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(TEMPLATE, config)
    return config


def dev_command(extra: Sequence[str] = ()) -> list[str]:
    """`dg dev` from this virtualenv (it reads [tool.dg] in pyproject.toml)."""
    dg = Path(sys.executable).with_name("dg")
    return [str(dg) if dg.exists() else "dg", "dev", *extra]


def main(argv: Sequence[str] | None = None) -> None:
    home = dagster_home()
    ensure_dagster_home(home)
    os.environ["DAGSTER_HOME"] = str(home)
    # As if the virtualenv were activated: dg checks it against the project's .venv, and dbt
    # is then on PATH for every process dg starts.
    venv_bin = Path(sys.executable).parent
    os.environ["VIRTUAL_ENV"] = sys.prefix
    os.environ["PATH"] = os.pathsep.join([str(venv_bin), os.environ.get("PATH", "")])
    command = dev_command(sys.argv[1:] if argv is None else argv)
    print(f"DAGSTER_HOME={home}\n$ {' '.join(command)}", flush=True)
    os.chdir(PROJECT_DIR)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
