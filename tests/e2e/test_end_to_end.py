"""End to end: the adversarial edge-case dataset through the real ingest and dbt build,
compared row by row with the independent reference (tests/reference/spec_reference.py).

Three builds, all with the process time zone set to America/Los_Angeles:

* `project` — the project's ingest API loads the event files, then `dbt build`; the ledger,
  rejects, duplicates, raw events and every mart are compared with the reference.
* `reference_raw` — the raw tables are filled from the reference ingest instead, then
  `dbt build`: mart differences here are the models' alone, whatever the ingest does.
* `spark` — as `project`, on the Spark target: the loader writes the lake, dbt builds on a
  local Spark session, and the lake's raw tables and marts are read back as Parquet.

On a difference the test prints every mismatching row (expected = reference, got =
warehouse) and writes the full report next to the temporary warehouse.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from demo.edge_cases import write_edge_case_dataset
from goals_core.lake import connect_lake
from tests.e2e.helpers import (
    DAILY_MEASURES,
    DIM_CONV_COLUMNS,
    EVENT_COLUMNS,
    EVENT_KEY,
    FCT_COLUMNS,
    MONEY,
    columns,
    compare_rows,
    copy_project_with_seeds,
    event_row,
    fetch,
    load_reference_raw,
    run_dbt_build,
    run_project_ingest,
    warehouse_event_row,
)
from tests.reference.spec_reference import reference_for_dataset
from tests.spark.helpers import need_java

pytestmark = pytest.mark.slow

# EDGE_CASE_SEED varies the randomized extra events on top of the fixed cases.
SEED = int(os.environ.get("EDGE_CASE_SEED", "0"))


class Build:
    def __init__(self, root: Path, mode: str):
        import duckdb

        self.root = root
        self.dataset = write_edge_case_dataset(root / "dataset", SEED)
        self.reference = reference_for_dataset(root / "dataset")
        self.project = copy_project_with_seeds(root / "project", self.dataset["seeds_dir"])
        self.db = root / "warehouse.duckdb"
        lake = root / "lake" if mode == "spark" else None
        self.ingest_results: list[dict[str, Any]] = []
        if mode in ("project", "spark"):
            events_dir = self.dataset["events_dir"]
            self.ingest_results = run_project_ingest(self.db, events_dir, lake=lake)
        else:
            load_reference_raw(self.db, self.reference)
        self.dbt = run_dbt_build(self.project, self.db, lake=lake)
        (root / "dbt_build.log").write_text(self.dbt.stdout + self.dbt.stderr)
        if lake is not None:
            self.con = connect_lake(lake, ("raw", "marts"))
        else:
            self.con = duckdb.connect(str(self.db), read_only=True)
            self.con.execute("set TimeZone = 'UTC'")

    def report(self, name: str, problems: list[str]) -> str:
        text = "\n".join(problems)
        (self.root / f"{name}.diff.txt").write_text(text)
        return f"{len(problems)} difference(s); full report in {self.root}/{name}.diff.txt\n{text}"

    def mart(
        self, name: str, required: Sequence[str]
    ) -> tuple[dict[str, str], list[dict[str, Any]], list[str]]:
        """A mart's column types, its rows and what is wrong with its columns."""
        rows = self.table(name)
        cols = columns(self.con, "marts", name)
        return cols, rows, _column_problems(name, cols, required)

    def table(self, name: str) -> list[dict[str, Any]]:
        if not columns(self.con, "marts", name):
            pytest.fail(f"marts.{name} was not built; dbt build said:\n{self.dbt_tail()}")
        return fetch(self.con, f"select * from marts.{name}")

    def dbt_tail(self) -> str:
        return "\n".join((self.dbt.stdout + self.dbt.stderr).splitlines()[-60:])


def _need_ingest() -> None:
    if importlib.util.find_spec("ingest.loader") is None:
        pytest.skip("the project's ingest package (ingest.loader) does not exist yet")


@pytest.fixture(scope="module")
def project_build(tmp_path_factory) -> Build:
    _need_ingest()
    return Build(tmp_path_factory.mktemp("e2e_project"), "project")


@pytest.fixture(scope="module")
def reference_raw_build(tmp_path_factory) -> Build:
    return Build(tmp_path_factory.mktemp("e2e_reference_raw"), "reference_raw")


@pytest.fixture(scope="module")
def spark_build(tmp_path_factory) -> Build:
    need_java()
    return Build(tmp_path_factory.mktemp("e2e_spark"), "spark")


BUILDS = ["project_build", "reference_raw_build", "spark_build"]
#: The builds whose raw tables the project's loader wrote.
LOADED = ["project_build", "spark_build"]


def _build(request, name: str) -> Build:
    return request.getfixturevalue(name)


# --------------------------------------------------------------------------- ingest


@pytest.mark.parametrize("build", LOADED)
def test_ledger_matches_reference(request, build: str):
    b = _build(request, build)
    ref = b.reference["file_counts"]
    rows = fetch(b.con, "select * from raw.loaded_files")
    expected = [
        {
            "file_sha256": c.sha256,
            "file_format": c.file_format,
            "size_bytes": c.size_bytes,
            "lines_read": c.read,
            "lines_accepted": c.accepted,
            "lines_rejected": c.rejected,
            "lines_duplicate": c.duplicate,
            "file": Path(c.path).name,
        }
        for c in ref.values()
    ]
    for r in rows:
        r["file"] = Path(r["file_path"]).name
    cols = [
        "file",
        "file_format",
        "size_bytes",
        "lines_read",
        "lines_accepted",
        "lines_rejected",
        "lines_duplicate",
    ]
    problems = compare_rows("loaded_files", expected, rows, lambda r: (r["file_sha256"],), cols)
    for r in rows:
        if r["lines_read"] != r["lines_accepted"] + r["lines_rejected"] + r["lines_duplicate"]:
            problems.append(f"loaded_files: read != accepted + rejected + duplicate: {r}")
    # FileResult statuses: the copy of 01 under another name is skipped
    skipped = {Path(p).name for c in ref.values() for p in c.skipped_paths}
    got_skipped = {Path(r["path"]).name for r in b.ingest_results if r["status"] == "skipped"}
    if skipped != got_skipped:
        problems.append(f"ingest_paths skipped {sorted(got_skipped)}, expected {sorted(skipped)}")
    assert not problems, b.report("loaded_files", problems)


@pytest.mark.parametrize("build", LOADED)
def test_rejects_and_duplicates_match_reference(request, build: str):
    b = _build(request, build)
    ref = b.reference["file_counts"]
    names = {c.sha256: Path(c.path).name for c in ref.values()}
    exp_rej = [
        {
            "file_sha256": r.file_sha256,
            "line_number": r.line_number,
            "file": names[r.file_sha256],
            "raw_text": r.raw_text,
            "reason": r.reason,
        }
        for r in b.reference["rejects"]
    ]
    exp_dup = [
        {
            "file_sha256": c.sha256,
            "line_number": n,
            "file": Path(c.path).name,
            "workspace_id": ws,
            "event_id": eid,
        }
        for c in ref.values()
        for n, (ws, eid) in zip(c.duplicate_lines, c.duplicate_keys, strict=True)
    ]
    got_rej = fetch(
        b.con, "select file_sha256, line_number, raw_text, reason from raw.event_rejects"
    )
    got_dup = fetch(
        b.con, "select file_sha256, line_number, workspace_id, event_id from raw.event_duplicates"
    )
    for r in got_rej + got_dup:
        r["file"] = names.get(r["file_sha256"], "?")
    for r in exp_rej + got_rej:  # a Parquet row has no single raw text to agree on
        if r["file"].endswith(".parquet"):
            r["raw_text"] = None
    key = lambda r: (r["file"], r["line_number"])  # noqa: E731
    # raw text must match; the reason is free text (the reference's is shown for context)
    problems = compare_rows("event_rejects", exp_rej, got_rej, key, ["raw_text"])
    problems += compare_rows(
        "event_duplicates", exp_dup, got_dup, key, ["workspace_id", "event_id"]
    )
    for r in got_rej:
        if not (r["reason"] or "").strip():
            problems.append(f"event_rejects: empty reason for {r}")
    assert not problems, b.report("rejects", problems)


@pytest.mark.parametrize("build", LOADED)
def test_raw_events_match_reference(request, build: str):
    b = _build(request, build)
    expected = [event_row(e) for e in b.reference["events"]]
    got = [warehouse_event_row(r) for r in fetch(b.con, "select * from raw.events")]
    key = lambda r: tuple(r[c] for c in EVENT_KEY)  # noqa: E731
    problems = compare_rows("raw.events", expected, got, key, EVENT_COLUMNS)
    assert not problems, b.report("raw_events", problems)


# --------------------------------------------------------------------------- marts


@pytest.mark.parametrize("build", BUILDS)
def test_dbt_build_succeeds(request, build: str):
    b = _build(request, build)
    assert b.dbt.returncode == 0, f"dbt build failed:\n{b.dbt_tail()}"


@pytest.mark.parametrize("build", BUILDS)
def test_fct_goal_outcomes_matches_reference(request, build: str):
    b = _build(request, build)
    cols, rows, problems = b.mart("fct_goal_outcomes", FCT_COLUMNS)
    ids = [r.get("outcome_id") for r in rows]
    if None in ids or len(set(ids)) != len(ids):
        problems.append("fct_goal_outcomes: outcome_id is null or not unique")
    key: Callable[[dict[str, Any]], tuple] = lambda r: (  # noqa: E731
        r["workspace_id"],
        r["goal_code"],
        r["event_id"],
    )
    compared = [c for c in FCT_COLUMNS if c != "outcome_id" and c in cols]
    problems += compare_rows(
        "fct_goal_outcomes", b.reference["outcomes"], rows, key, compared, limit=400
    )
    assert not problems, b.report(f"fct_goal_outcomes_{build}", problems)


@pytest.mark.parametrize("build", BUILDS)
def test_dim_conversations_matches_reference(request, build: str):
    b = _build(request, build)
    cols, rows, problems = b.mart("dim_conversations", DIM_CONV_COLUMNS)
    problems += compare_rows(
        "dim_conversations",
        b.reference["dim_conversations"],
        rows,
        lambda r: (r["workspace_id"], r["conversation_id"]),
        [c for c in DIM_CONV_COLUMNS[2:] if c in cols],
    )
    assert not problems, b.report(f"dim_conversations_{build}", problems)


@pytest.mark.parametrize("build", BUILDS)
def test_agg_goal_outcomes_daily_matches_reference(request, build: str):
    b = _build(request, build)
    cols, rows, problems = b.mart(
        "agg_goal_outcomes_daily",
        ["workspace_id", "goal_code", "currency", "base_currency", *DAILY_MEASURES],
    )
    dates = [c for c, t in cols.items() if t.upper() == "DATE"]
    if len(dates) != 1:
        pytest.fail(f"agg_goal_outcomes_daily: cannot tell the local day column from {cols}")
    day = dates[0]
    expected = [dict(r, **{day: r["local_date"]}) for r in b.reference["daily"]]
    problems += compare_rows(
        "agg_goal_outcomes_daily",
        expected,
        rows,
        lambda r: (
            r["workspace_id"],
            r[day],
            r["goal_code"],
            r.get("currency"),
            r.get("base_currency"),
        ),
        [c for c in DAILY_MEASURES if c in cols],
        limit=200,
    )
    assert not problems, b.report(f"agg_goal_outcomes_daily_{build}", problems)


def _column_problems(mart: str, cols: dict[str, str], expected: Sequence[str]) -> list[str]:
    """The `expected` columns the mart lacks, and its money columns whose type is not an
    exact decimal with at least 4 fractional digits."""
    problems = [f"{mart}: column {c} is missing" for c in expected if c not in cols]
    for c in sorted(MONEY & set(expected)):
        t = cols.get(c, "")
        if t and not _exact_decimal(t):
            problems.append(f"{mart}.{c} is {t}: not an exact decimal with >= 4 fractional digits")
    return problems


def _exact_decimal(sql_type: str) -> bool:
    t = sql_type.upper().replace(" ", "")
    if not t.startswith("DECIMAL(") or "," not in t:
        return False
    return int(t[t.index(",") + 1 :].rstrip(")")) >= 4
