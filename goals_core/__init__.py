"""What the `goals` command line (cli/) and the Dagster code location (orchestration/)
share: where the project and the warehouse are, dbt run in-process against a warehouse,
and instants in UTC. It imports neither of them (tests/test_import_layers.py)."""
