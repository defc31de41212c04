"""What the hub reads, handed over by `goals hub` in the environment of `streamlit run`."""

from __future__ import annotations

import os
from pathlib import Path

#: The serving copy (schema `marts`) the hub reads.
SERVING_ENV = "GOALS_HUB_SERVING"
#: The telemetry copy of the Event Explorer; without it the page is not shown.
TELEMETRY_ENV = "GOALS_HUB_TELEMETRY"

MISSING_SERVING = (
    "No serving copy at {path}: run `make demo` for demo data, or `goals build` then "
    "`goals publish` (or give its path: `goals hub --serving FILE`)."
)
MISSING_TELEMETRY = (
    "No telemetry copy at {path}: publish one with `goals publish-telemetry` "
    "(or leave --telemetry out to run the hub without the Event Explorer)."
)


def serving_path() -> Path:
    """The serving copy given by `goals hub` (default: the project's default copy)."""
    configured = os.environ.get(SERVING_ENV, "").strip()
    if configured:
        return Path(configured)
    from ingest.warehouse import default_db_path
    from serving.paths import resolve_targets

    return resolve_targets(default_db_path()).database


def telemetry_path() -> Path | None:
    """The telemetry copy given explicitly, else None (no Event Explorer)."""
    configured = os.environ.get(TELEMETRY_ENV, "").strip()
    return Path(configured) if configured else None
