"""Fast checks of the edge-case generator itself: deterministic, and it really covers the
classes the end-to-end comparison relies on (judged by the reference)."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

from demo.edge_cases import write_edge_case_dataset
from tests.reference.spec_reference import reference_for_dataset


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_deterministic_for_a_seed(tmp_path: Path):
    write_edge_case_dataset(tmp_path / "a", seed=3)
    write_edge_case_dataset(tmp_path / "b", seed=3)
    write_edge_case_dataset(tmp_path / "c", seed=4)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_covers_every_class(tmp_path: Path):
    info = write_edge_case_dataset(tmp_path, seed=0)
    ref = reference_for_dataset(tmp_path)
    outcomes = ref["outcomes"]
    assert {o["attribution"] for o in outcomes} == {
        "in_chat",
        "explicit",
        "window",
        "outside_window",
        "no_conversation",
        "no_customer",
    }
    assert {o["value_issue"] for o in outcomes} == {
        None,
        "value_missing",
        "value_not_numeric",
        "currency_invalid",
        "base_value_not_numeric",
        "base_currency_invalid",
    }
    assert {o["base_value_source"] for o in outcomes} == {None, "display", "property"}
    hours = {o["event_id"]: o["hours_since_chat"] for o in outcomes if o["goal_code"] == "att_buy"}
    assert hours["mon-thu"] == 77 and hours["mon-edge"] == 168 and hours["mon-ten"] == 240
    by_key = {(o["goal_code"], o["event_id"]): o for o in outcomes}
    assert by_key[("att_buy", "mon-edge")]["attribution"] == "window"
    assert by_key[("att_buy", "mon-trunc")]["attribution"] == "window"
    assert by_key[("att_buy", "mon-past-us")]["attribution"] == "outside_window"
    assert by_key[("att_buy", "tie-buy")]["conversation_id"] == "c_tie_9"
    assert ("dd_order", "dd-tie-10") in by_key and ("dd_order", "dd-tie-9") not in by_key
    assert ("st_cycle", "st-02") not in by_key and ("st_cycle", "st-06") in by_key
    counts = ref["file_counts"].values()
    names = {Path(c.path).name: c for c in counts}
    assert names["08_main_subset.jsonl.gz"].duplicate == names["08_main_subset.jsonl.gz"].read
    assert [Path(p).name for p in names["01_bom_crlf.ndjson"].skipped_paths] == [
        "99_same_bytes_as_01.ndjson"
    ]
    assert names["07_empty.ndjson"].read == 0 and names["06_blank_only.jsonl"].read == 0
    assert sum(c.rejected for c in counts) >= 60
    assert all(c.read == c.accepted + c.rejected + c.duplicate for c in counts)
    assert len(info["workspaces"]) == 5
    assert Counter(o["workspace_id"] for o in outcomes).keys() >= {
        "ws_alpha",
        "ws_la",
        "ws_kiri",
        "ws_ktm",
    }
