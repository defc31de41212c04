"""Where things are: the dbt project (this checkout's root) and its seeds, the warehouse
(`--db`, else $DUCKDB_PATH, else warehouse/goals.duckdb), and whether a file is a DuckDB
database."""

from __future__ import annotations

from pathlib import Path

#: The dbt project: dbt_project.yml and profiles.yml sit at the root of this checkout.
PROJECT_DIR = Path(__file__).resolve().parent.parent
PROJECT_SEEDS_DIR = PROJECT_DIR / "seeds"


def resolve_db_path(db: Path | str | None) -> Path:
    """`db` when given, else the default warehouse ($DUCKDB_PATH, else warehouse/goals.duckdb)."""
    from ingest.warehouse import default_db_path

    return Path(db) if db is not None else default_db_path()


def is_duckdb_file(path: Path) -> bool:
    """Whether `path` starts like a DuckDB database file (its header's magic `DUCK`)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(12)
    except OSError:
        return False
    return header[8:12] == b"DUCK"
