"""Python's garbage collector is paused while dbt runs (goals_core/collector.py): around
the in-process dbt calls of `goals build` and in `goals-dbt`, the dbt Dagster runs."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from goals_core import collector, dbt_runner


@pytest.fixture(autouse=True)
def collector_enabled_after() -> Iterator[None]:
    yield
    gc.enable()


def test_paused_for_the_block_and_restored_after() -> None:
    gc.enable()
    with collector.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector.collector_paused():
        raise RuntimeError("dbt failed")
    assert gc.isenabled()
    # a caller that had it off keeps it off
    gc.disable()
    with collector.collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_run_dbt_invokes_dbt_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    import dbt.cli.main

    seen: list[bool] = []

    class Runner:
        def __init__(self, callbacks: list[Any]) -> None:
            pass

        def invoke(self, args: list[str]) -> Any:
            seen.append(gc.isenabled())
            return dbt.cli.main.dbtRunnerResult(success=True)

    monkeypatch.setattr(dbt.cli.main, "dbtRunner", Runner)
    gc.enable()
    outcome = dbt_runner.run_dbt("parse")
    assert outcome.success
    assert seen == [False]
    assert gc.isenabled()


def test_goals_dbt_is_dbt_with_the_collector_off(monkeypatch: pytest.MonkeyPatch) -> None:
    import dbt.cli.main

    seen: list[bool] = []

    def cli() -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(dbt.cli.main, "cli", cli)
    monkeypatch.setattr(sys, "argv", ["goals-dbt", "--version"])
    gc.enable()
    with pytest.raises(SystemExit) as exit_info:
        collector.main()
    assert exit_info.value.code == 0
    assert seen == [False]


def test_dagster_runs_goals_dbt_which_answers_as_dbt() -> None:
    from orchestration.project import dbt_executable

    executable = dbt_executable()
    assert Path(executable).name == "goals-dbt"
    done = subprocess.run([executable, "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "installed: 1.11." in done.stdout
