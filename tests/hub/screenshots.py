"""The screenshots of docs/hub.md: every page of the hub on the demo data, in headless
Chromium at 1400x1000.

    make demo && .venv/bin/goals publish-telemetry --as-of 2026-11-15T00:00:00Z
    .venv/bin/python -m tests.hub.screenshots warehouse/serving/goals_serving.duckdb \\
        warehouse/telemetry/goals_telemetry.duckdb docs/hub
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.hub.browser import browser, chromium_binary, running_hub

WORKSPACE = "ws_nordwind"
SHOTS = {
    "overview.png": f"?workspace={WORKSPACE}",
    "goals.png": f"goals?workspace={WORKSPACE}",
    "attribution.png": f"attribution?workspace={WORKSPACE}",
    "revenue.png": f"revenue?workspace={WORKSPACE}",
    "event-explorer.png": f"events?workspace={WORKSPACE}&range=7d&name=purchase",
}


def main(serving: Path, telemetry: Path, out: Path) -> None:
    binary = chromium_binary()
    if binary is None:
        raise SystemExit("Chromium is not installed: apt-get install chromium")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as scratch:
        folder = Path(scratch)
        with (
            running_hub(serving, telemetry, folder / "hub.log") as hub,
            browser(binary, folder / "chromium") as page,
        ):
            for name, path in SHOTS.items():
                if not page.open(f"{hub.url}/{path}") or page.problems():
                    raise SystemExit(f"/{path} did not render cleanly: {page.problems()}")
                page.screenshot(out / name)
                print(out / name)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
