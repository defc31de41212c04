"""The configuration fingerprint: what it digests, where it is kept, when a build may leave
the configuration out, and that the configuration nodes depend on nothing else."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.configuration_state import (
    CONFIGURATION_TAG,
    can_skip_configuration,
    configuration_fingerprint,
    configuration_relations,
    exclude_configuration_args,
    record_fingerprint,
    stored_fingerprint,
)
from orchestration.helpers import dbt_build_args
from orchestration.project import dbt_project
from tests.orchestration.conftest import PROJECT_DIR

#: macros whose output depends on when or where the run happens
_RUN_DEPENDENT_MACROS = {"reference_time", "current_utc_timestamp"}


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for part in ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds"):
        source = PROJECT_DIR / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        else:
            root.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / part)
    return root


def test_fingerprint_follows_content_variables_and_target(tmp_path: Path) -> None:
    root = _project(tmp_path)
    first = configuration_fingerprint(root)
    assert configuration_fingerprint(root) == first

    seed = root / "seeds" / "workspaces.csv"
    os.utime(seed, (1, 1))  # a checkout with other times: same content, same fingerprint
    assert configuration_fingerprint(root) == first

    assert configuration_fingerprint(root, {"reference_time": "2026-01-01"}) != first
    assert configuration_fingerprint(root, target="spark") != first

    original = seed.read_text(encoding="utf-8")
    seed.write_text(original + "ws_new,EUR,Europe/Paris\n", encoding="utf-8")
    assert configuration_fingerprint(root) != first
    seed.write_text(original, encoding="utf-8")
    assert configuration_fingerprint(root) == first

    model = root / "models" / "intermediate" / "config" / "int_goals_validated.sql"
    model.write_text(model.read_text(encoding="utf-8") + "\n-- edited\n", encoding="utf-8")
    assert configuration_fingerprint(root) != first


def test_fingerprint_is_kept_in_the_warehouse_while_its_relations_are(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        assert stored_fingerprint(con) is None
        con.execute("create schema seeds; create table seeds.goals (x int)")
        con.execute("create schema staging; create view staging.stg_goals as select 1 as x")
        record_fingerprint(con, "abc", ["seeds.goals", "staging.stg_goals"])
        assert stored_fingerprint(con) == "abc"
        record_fingerprint(con, "def", ["seeds.goals", "staging.stg_goals"])
        assert stored_fingerprint(con) == "def"
        rows = con.execute("select count(*) from intermediate.configuration_fingerprint")
        assert rows.fetchone() == (1,)

        con.execute("drop view staging.stg_goals")  # dropped by hand: not to be trusted
        assert stored_fingerprint(con) is None
        con.execute("create view staging.stg_goals as select 1 as x")
        assert stored_fingerprint(con) == "def"
        con.execute("drop table seeds.goals")
        assert stored_fingerprint(con) is None
    finally:
        con.close()


def test_configuration_relations_are_the_tagged_seeds_and_models() -> None:
    nodes = [
        {"resource_type": "seed", "tags": ["configuration"], "schema": "seeds", "alias": "goals"},
        {"resource_type": "model", "tags": ["configuration"], "schema": "s", "alias": "m"},
        {"resource_type": "test", "tags": ["configuration"], "schema": "s", "alias": "t"},
        {"resource_type": "model", "tags": [], "schema": "marts", "alias": "dim_goals"},
    ]
    assert configuration_relations(nodes) == ["s.m", "seeds.goals"]


@pytest.mark.parametrize(
    ("stored", "options", "expected"),
    [
        ("f", {}, True),
        (None, {}, False),
        ("other", {}, False),
        ("f", {"select": ["dim_goals"]}, False),
        ("f", {"full_refresh": True}, False),
        ("f", {"with_unit_tests": True}, False),
    ],
)
def test_only_a_plain_build_with_an_unchanged_configuration_leaves_it_out(
    stored: str | None, options: dict[str, object], expected: bool
) -> None:
    assert can_skip_configuration(stored, "f", **options) is expected  # type: ignore[arg-type]


def test_dbt_build_args_leave_the_configuration_out() -> None:
    assert exclude_configuration_args() == ["--exclude", "tag:configuration"]
    args = dbt_build_args(skip_configuration=True)
    assert args == ["build", "--exclude-resource-type", "unit_test", *exclude_configuration_args()]
    assert "--exclude" not in dbt_build_args()


def test_the_configuration_depends_on_the_seeds_alone() -> None:
    """What may be left out must be a function of the seeds and the code: no raw events,
    no reference time, no environment variable read by the nodes themselves."""
    manifest = json.loads(dbt_project().manifest_path.read_text(encoding="utf-8"))
    nodes = manifest["nodes"]
    tagged = {
        uid: props
        for uid, props in nodes.items()
        if CONFIGURATION_TAG in props.get("tags", [])
        and props["resource_type"] in ("seed", "model")
    }
    assert {props["name"] for props in tagged.values()} >= {
        "goals",
        "goal_status_changes",
        "workspaces",
        "currencies",
        "stg_seeds__goals",
        "int_config_validated",
        "int_goals_fingerprinted",
    }
    assert "dim_goals" not in {props["name"] for props in tagged.values()}

    macros = manifest["macros"]

    def macro_closure(names: list[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(names)
        while todo:
            uid = todo.pop()
            if uid in seen or uid not in macros:
                continue
            seen.add(uid)
            todo += macros[uid]["depends_on"]["macros"]
        return seen

    for uid, props in tagged.items():
        parents = props.get("depends_on", {}).get("nodes", [])
        assert all(parent in tagged for parent in parents), (uid, parents)
        used = {m.split(".")[-1] for m in macro_closure(props["depends_on"].get("macros", []))}
        assert not used & _RUN_DEPENDENT_MACROS, (uid, used & _RUN_DEPENDENT_MACROS)
        assert "env_var(" not in props.get("raw_code", ""), uid
