"""Fixtures and helpers for the ingest tests: tiny files in tmp_path, a fresh warehouse."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingest.schema import ensure_raw_schema
from ingest.warehouse import connect


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A fresh persistent warehouse with the raw schema."""
    connection = connect(tmp_path / "warehouse" / "goals.duckdb")
    ensure_raw_schema(connection)
    try:
        yield connection
    finally:
        connection.close()


@pytest.fixture
def los_angeles() -> Iterator[None]:
    """The process runs in America/Los_Angeles (a naive timestamp must still mean UTC)."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "America/Los_Angeles"
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()
