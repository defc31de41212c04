"""Fixtures of the dbt tests: a throwaway warehouse holding the raw tables (dbt runs,
project copies and the marts are tests/support.py's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import create_raw_tables


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    db_path = tmp_path / "warehouse.duckdb"
    create_raw_tables(db_path)
    return db_path
