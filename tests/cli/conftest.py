"""Fixtures of the CLI tests: a fixed clock, a private compile cache, the `goals` runner
and, once per session, a warehouse whose marts dbt built from tests/cli/built.py."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from cli import compiled_project
from goals_core import timestamps
from tests.cli.built import Built, build
from tests.cli.helpers import NOW, Goals


@pytest.fixture(scope="session", autouse=True)
def _compile_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A compile cache of this test session (the first command compiles the project)."""
    saved = os.environ.get(compiled_project.CACHE_DIR_ENV)
    os.environ[compiled_project.CACHE_DIR_ENV] = str(tmp_path_factory.mktemp("compile-cache"))
    yield
    if saved is None:
        os.environ.pop(compiled_project.CACHE_DIR_ENV, None)
    else:
        os.environ[compiled_project.CACHE_DIR_ENV] = saved


@pytest.fixture(autouse=True)
def _fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timestamps, "utc_now", lambda: NOW)
    monkeypatch.delenv("DUCKDB_PATH", raising=False)
    monkeypatch.setenv("GOALS_LOCK_TIMEOUT_S", "0")


@pytest.fixture
def goals() -> Goals:
    return Goals()


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory)
