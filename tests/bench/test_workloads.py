"""The workload generator (bench/workloads.py): its goal plans reach each shape's outcomes
per event, and the files, seeds and properties it writes honour the shape."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bench import workloads as wl

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _matches(events: list[dict[str, Any]], goals: list[dict[str, str]]) -> int:
    """Goal matches of the unique events by name and match conditions (reference §3.1 rule 3
    on these files: flat string and integer conditions), statuses and dedupe aside."""
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for goal in goals:
        conditions = json.loads(goal["match_conditions"]) if goal["match_conditions"] else {}
        by_key.setdefault((goal["workspace_id"], goal["trigger_event"]), []).append(conditions)
    seen: set[tuple[str, str]] = set()
    matches = 0
    for event in events:
        key = (event["workspace_id"], event["event_id"])
        if key in seen:
            continue
        seen.add(key)
        props = event["properties"]
        for conditions in by_key.get((event["workspace_id"], event["name"]), []):
            if all(k in props and props[k] == v for k, v in conditions.items()):
                matches += 1
    return matches


def _generate(tmp_path: Path, shape: wl.Shape, events: int) -> tuple[Path, dict[str, Any]]:
    out = tmp_path / shape.name
    return out, wl.generate(shape, events, wl.DEFAULT_SEED, out)


@pytest.mark.parametrize("name", list(wl.SHAPES))
def test_every_plan_expects_its_shapes_outcomes_per_event(name: str) -> None:
    shape = wl.SHAPES[name]
    plan = wl.plan_goals(shape)
    assert plan.outcomes_per_event == pytest.approx(shape.outcomes_per_event, rel=1e-6)
    assert sum(p.goals for p in plan.names) == shape.goals_per_workspace
    assert sum(p.share for p in plan.names) == pytest.approx(1.0)
    for p in plan.names:
        assert 0.0 <= p.covered <= 1.0 and p.values >= 1
    assert plan.by_name()[wl.PURCHASE].goals >= 1


def test_the_matrix_varies_one_thing_at_a_time_from_the_middle() -> None:
    middle = asdict(wl.MIDDLE)
    for shape in wl.SHAPES.values():
        if shape.name in ("middle", "goal_dense"):
            continue
        changed = {
            k
            for k, v in asdict(shape).items()
            if middle[k] != v and k not in ("name", "description")
        }
        assert len(changed) == 1, (shape.name, changed)
    dense = wl.SHAPES["goal_dense"]
    assert dense.workspaces * dense.goals_per_workspace == 40
    assert (dense.outcomes_per_event, dense.purchase_share, dense.files) == (2.0, 0.15, 8)


@pytest.mark.parametrize("name", ["sparse_outcomes", "middle", "dense_outcomes"])
def test_the_events_match_the_goals_as_planned(tmp_path: Path, name: str) -> None:
    out, manifest = _generate(tmp_path, wl.SHAPES[name], 20_000)
    events = [e for p in manifest["history_files"] for e in _lines(out / p)]
    with (out / "seeds" / "goals.csv").open() as handle:
        goals = list(csv.DictReader(handle))
    per_event = _matches(events, goals) / manifest["unique_events"]
    assert per_event == pytest.approx(wl.SHAPES[name].outcomes_per_event, rel=0.1)


@pytest.mark.parametrize("chunk", [wl.CHUNK_EVENTS, 1_500], ids=["one-chunk", "four-chunks"])
def test_files_lines_next_day_and_seeds_honour_the_shape(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(wl, "CHUNK_EVENTS", chunk)
    shape = wl.SHAPES["goal_dense"]
    out, manifest = _generate(tmp_path, shape, 5_000)
    files = sorted((out / "history").iterdir())
    assert [f.name for f in files] == [
        f"events-{i:05d}.ndjson" for i in range(1, 9)
    ]  # no parts left
    counts = [len(_lines(f)) for f in files]
    assert sum(counts) == 5_000 and max(counts) - min(counts) <= 1
    events = [e for f in files for e in _lines(f)]
    ids = Counter((e["workspace_id"], e["event_id"]) for e in events)
    assert sum(ids.values()) - len(ids) == round(5_000 * shape.duplicate_share)
    assert len(ids) == manifest["unique_events"]
    times = [e["occurred_at"] for e in events]
    assert times == sorted(times)  # files in time order, lines in time order
    names = Counter(e["name"] for e in events)
    assert names["purchase"] / len(events) == pytest.approx(shape.purchase_share, abs=0.02)

    next_day = _lines(out / "next-day" / wl.NEXT_DAY_FILE)
    assert len(next_day) == manifest["next_day_events"] == 50
    end = max(times)
    late = [e for e in next_day if e["occurred_at"] <= end]
    assert len(late) == manifest["late_events"] == round(50 * shape.late_share)
    assert not {(e["workspace_id"], e["event_id"]) for e in next_day} & set(ids)

    goals = list(csv.DictReader((out / "seeds" / "goals.csv").open()))
    assert len(goals) == 40 and len({g["workspace_id"] for g in goals}) == 2
    modes = Counter(g["value_mode"] for g in goals)
    assert modes.keys() == {"none", "fixed", "from_property"}
    money = [g for g in goals if g["dedupe_property"]]
    assert money and all(
        g["value_property"] and g["currency_property"] and g["base_value_property"] for g in money
    )
    workspaces = list(csv.DictReader((out / "seeds" / "workspaces.csv").open()))
    assert [w["timezone"] for w in workspaces] == ["Europe/Berlin", "America/New_York"]
    statuses = list(csv.DictReader((out / "seeds" / "goal_status_changes.csv").open()))
    codes = {(g["workspace_id"], g["code"]) for g in goals}
    assert statuses and all((s["workspace_id"], s["goal_code"]) in codes for s in statuses)
    for s in statuses:
        datetime.fromisoformat(s["changed_at"])


@pytest.mark.parametrize(
    ("name", "low", "high"), [("middle", 80, 260), ("large_properties", 1500, 2600)]
)
def test_properties_size(tmp_path: Path, name: str, low: int, high: int) -> None:
    out, manifest = _generate(tmp_path, wl.SHAPES[name], 2_000)
    events = [e for p in manifest["history_files"] for e in _lines(out / p)]
    sizes = [len(json.dumps(e["properties"], separators=(",", ":"))) for e in events]
    assert low <= sum(sizes) / len(sizes) <= high
    if name == "large_properties":
        assert any(isinstance(v, dict) for v in events[0]["properties"].values())


def test_many_small_files(tmp_path: Path) -> None:
    out, manifest = _generate(tmp_path, wl.SHAPES["many_files"], 5_000)
    files = list((out / "history").iterdir())
    assert len(files) == len(manifest["history_files"]) == 500
    assert {len(_lines(f)) for f in files} == {10}


def test_the_output_depends_only_on_shape_events_and_seed(tmp_path: Path) -> None:
    def digest(folder: Path) -> str:
        h = hashlib.sha256()
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name != wl.MANIFEST:
                h.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
        return h.hexdigest()

    shape = wl.SHAPES["middle"]
    first = wl.generate(shape, 3_000, 7, tmp_path / "a")
    second = wl.generate(shape, 3_000, 7, tmp_path / "b")
    wl.generate(shape, 3_000, 8, tmp_path / "c")
    assert first["expected_outcomes_per_event"] == second["expected_outcomes_per_event"]
    assert digest(tmp_path / "a") == digest(tmp_path / "b") != digest(tmp_path / "c")


def test_an_unknown_shape_is_one_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown shape 'nope': choose one of middle"):
        wl.get_shape("nope")
