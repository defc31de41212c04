"""The demo warehouse, its serving copy and a telemetry copy, built once per test session
(shared by the xdist workers through a lock) by the real `goals demo` and
`goals publish-telemetry`, in a throwaway folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock

from tests.support import PROJECT_DIR as ROOT

DEMO_EVENTS = 3000
#: The demo data ends here, so that the figures the tests check do not move with the date.
DEMO_END = "2026-11-15T00:00:00Z"

_DEMO = """
import sys
from pathlib import Path
from cli import demo_cmd
demo_cmd.DEMO_DIR = Path(sys.argv[1])
from cli.app import app
app(["demo", "--events", sys.argv[2], "--db", sys.argv[3], "--end", sys.argv[4]])
"""


@dataclass(frozen=True)
class Demo:
    warehouse: Path
    serving: Path
    telemetry: Path

    def marts(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection to the serving copy, for the expected figures."""
        return duckdb.connect(str(self.serving), read_only=True)


def _clean_env(root: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DUCKDB_PATH",
            "GOALS_SERVING_PATH",
            "GOALS_PARQUET_DIR",
            "GOALS_TELEMETRY_PATH",
            "GOALS_REFERENCE_TIME",
        }
    }
    env["DBT_TARGET_PATH"] = str(root / "target")
    env["DBT_LOG_PATH"] = str(root / "logs")
    return env


def _build(root: Path) -> Demo:
    warehouse = root / "warehouse" / "goals.duckdb"
    demo = Demo(
        warehouse=warehouse,
        serving=warehouse.parent / "serving" / "goals_serving.duckdb",
        telemetry=warehouse.parent / "telemetry" / "goals_telemetry.duckdb",
    )
    done = root / "built"
    if done.exists():
        return demo
    env = _clean_env(root)

    def python(*args: str) -> None:
        run = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stdout + run.stderr

    python("-c", _DEMO, str(root / "data"), str(DEMO_EVENTS), str(warehouse), DEMO_END)
    python("-m", "cli.app", "publish-telemetry", "--db", str(warehouse), "--as-of", DEMO_END)
    done.touch()
    return demo


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """Built once for all workers: the folder is the session's shared temporary root."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    root = shared / "hub-demo"
    root.mkdir(exist_ok=True)
    with FileLock(str(shared / "hub-demo.lock")):
        return _build(root)


@pytest.fixture(autouse=True)
def keep_main_module() -> Iterator[None]:
    """Streamlit's AppTest runs the page as `__main__`; put the real one back, or a process
    pool spawned later in this worker (the demo generator's) would start the hub page."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture
def hub_env(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> Iterator[Demo]:
    """The environment `goals hub` gives the app: the demo's serving and telemetry copies."""
    monkeypatch.setenv("GOALS_HUB_SERVING", str(demo.serving))
    monkeypatch.setenv("GOALS_HUB_TELEMETRY", str(demo.telemetry))
    yield demo
