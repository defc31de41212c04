"""Fixtures of the serving tests: an isolated environment, a throwaway warehouse and
reader processes that are cleaned up (helpers in tests/serving/helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serving.helpers import Reader, make_warehouse


@pytest.fixture
def reader() -> Iterator[type[Reader]]:
    started: list[Reader] = []

    class _Tracked(Reader):
        def __init__(self, path: Path, *, old_client: bool = False) -> None:
            super().__init__(path, old_client=old_client)
            started.append(self)

    yield _Tracked
    for item in started:
        if item.process.poll() is None:
            item.process.kill()
            item.process.wait()


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing here may touch the developer's warehouse or serving copy."""
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "default-warehouse" / "goals.duckdb"))
    monkeypatch.delenv("GOALS_SERVING_PATH", raising=False)
    monkeypatch.delenv("GOALS_PARQUET_DIR", raising=False)
    monkeypatch.setenv("GOALS_LOCK_TIMEOUT_S", "0")


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return make_warehouse(tmp_path / "wh" / "goals.duckdb")
