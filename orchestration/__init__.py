"""Dagster code location of goals analytics: ingest + dbt, scheduled and sensed.

`orchestration.definitions.defs` is what `dg` loads ([tool.dg] in pyproject.toml).
"""
