"""Unit tests of the pure functions of the code location (orchestration/dbt_nodes.py,
locks.py, landing_files.py, project.py's manifest freshness, dbt_assets.dbt_build_args)
and of goals_core/dbt_files.py."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from dagster import AssetKey, Backoff, Failure, RetryPolicy

from goals_core.dbt_files import manifest_inputs
from orchestration.dbt_assets import dbt_build_args
from orchestration.dbt_nodes import (
    asset_key_path,
    dbt_group_name,
    model_names_in_layer,
    model_relations,
    source_tables,
)
from orchestration.landing_files import (
    decode_cursor,
    encode_cursor,
    file_sha256,
    hash_files,
    is_settled,
    new_file_contents,
)
from orchestration.locks import (
    DUCKDB_WRITER_POOL,
    LOCK_RETRY_POLICY,
    WarehouseBusyError,
    is_lock_error,
    lock_exception,
    lock_failure_message,
    lock_holder,
)
from orchestration.project import manifest_fingerprint, manifest_is_stale

DUCKDB_LOCK = (
    'IO Error: Could not set lock on file "/tmp/w/goals.duckdb": Conflicting lock is held in '
    "/usr/bin/python3.11 (PID 4242) by user root. See also "
    "https://duckdb.org/docs/current/connect/concurrency"
)


# ------------------------------------------------------------------------------ dbt args


def test_build_args_exclude_unit_tests_by_default() -> None:
    assert dbt_build_args() == ["build", "--exclude-resource-type", "unit_test"]


def test_build_args_can_include_unit_tests_and_vars() -> None:
    args = dbt_build_args(with_unit_tests=True, dbt_vars={"reference_time": "2026-06-01T00:00:00Z"})
    assert "unit_test" not in args
    assert args[:1] == ["build"]
    assert json.loads(args[args.index("--vars") + 1]) == {"reference_time": "2026-06-01T00:00:00Z"}


# ----------------------------------------------------------------------- keys and groups


@pytest.mark.parametrize(
    ("props", "group"),
    [
        ({"resource_type": "model", "fqn": ["goals_analytics", "marts", "dim_goals"]}, "marts"),
        (
            {"resource_type": "model", "fqn": ["goals_analytics", "intermediate", "config", "x"]},
            "intermediate",
        ),
        ({"resource_type": "model", "fqn": ["goals_analytics", "staging", "stg"]}, "staging"),
        ({"resource_type": "model", "fqn": ["goals_analytics", "other"]}, "dbt"),
        ({"resource_type": "seed", "fqn": ["goals_analytics", "goals"]}, "seeds"),
        ({"resource_type": "source", "fqn": ["goals_analytics", "telemetry", "events"]}, None),
    ],
)
def test_group_is_the_dbt_layer(props: dict[str, object], group: str | None) -> None:
    assert dbt_group_name(props) == group


MANIFEST = {
    "sources": {
        "source.p.telemetry.events": {
            "source_name": "telemetry",
            "name": "events",
            "schema": "raw",
            "identifier": "events",
        },
        "source.p.telemetry.loaded_files": {
            "source_name": "telemetry",
            "name": "loaded_files",
            "schema": "raw",
            "identifier": None,
        },
        "source.p.other.x": {"source_name": "other", "name": "x", "schema": "s"},
    },
    "nodes": {
        "model.p.dim_goals": {
            "resource_type": "model",
            "name": "dim_goals",
            "alias": "dim_goals",
            "schema": "marts",
            "fqn": ["p", "marts", "dim_goals"],
            "config": {"materialized": "table"},
            "relation_name": '"goals"."marts"."dim_goals"',
        },
        "model.p.stg": {
            "resource_type": "model",
            "name": "stg",
            "alias": "stg",
            "schema": "staging",
            "fqn": ["p", "staging", "stg"],
            "config": {"materialized": "view"},
        },
        "seed.p.goals": {
            "resource_type": "seed",
            "name": "goals",
            "alias": "goals",
            "schema": "seeds",
            "fqn": ["p", "goals"],
            "config": {"materialized": "seed"},
        },
        "test.p.not_null": {"resource_type": "test", "name": "not_null", "config": {}},
    },
}


def test_source_tables_lists_the_raw_source() -> None:
    tables = source_tables(MANIFEST, "telemetry")
    assert [t.name for t in tables] == ["events", "loaded_files"]
    assert tables[1].identifier == "loaded_files"
    assert tables[0].relation == '"raw"."events"'


def test_source_tables_names_a_missing_source() -> None:
    with pytest.raises(KeyError, match="telemetry"):
        source_tables({"sources": {}}, "telemetry")


def test_model_relations_skip_views_and_the_database_part() -> None:
    assert model_relations(MANIFEST) == {
        "model.p.dim_goals": '"marts"."dim_goals"',
        "seed.p.goals": '"seeds"."goals"',
    }


def test_models_of_a_layer() -> None:
    assert model_names_in_layer(MANIFEST, "marts") == ["dim_goals"]
    assert model_names_in_layer(MANIFEST, "staging") == ["stg"]


def test_asset_key_path() -> None:
    assert asset_key_path(AssetKey(["telemetry", "events"])) == "telemetry/events"


# ---------------------------------------------------------------------------- lock errors


def test_lock_errors_are_recognised() -> None:
    assert is_lock_error(DUCKDB_LOCK)
    assert is_lock_error("Runtime Error\n  IO Error: Could not set lock on file x")
    assert not is_lock_error("Catalog Error: Table with name events does not exist")


def test_lock_holder_names_the_process() -> None:
    assert lock_holder(DUCKDB_LOCK) == "/usr/bin/python3.11 (PID 4242)"
    assert lock_holder("The warehouse is locked by PID 77 (goals ingest)") == "PID 77"
    assert lock_holder("no process named") is None


def test_lock_failure_message_says_who_and_what_to_do() -> None:
    message = lock_failure_message(Path("/tmp/w/goals.duckdb"), DUCKDB_LOCK)
    assert "/tmp/w/goals.duckdb" in message
    assert "PID 4242" in message
    assert DUCKDB_WRITER_POOL in message
    assert "Wait for it to finish" in message


def test_lock_exception_retries_then_fails_with_the_message() -> None:
    policy = RetryPolicy(max_retries=2, delay=1, backoff=Backoff.EXPONENTIAL)
    assert isinstance(lock_exception(0, policy, "held by PID 1"), WarehouseBusyError)
    assert isinstance(lock_exception(1, policy, "held by PID 1"), WarehouseBusyError)
    final = lock_exception(2, policy, "held by PID 1")
    assert isinstance(final, Failure)
    assert not final.allow_retries
    assert "held by PID 1" in str(final.description)


def test_lock_retry_policy_backs_off_exponentially() -> None:
    assert LOCK_RETRY_POLICY.backoff is Backoff.EXPONENTIAL
    assert LOCK_RETRY_POLICY.max_retries >= 3
    delays = [
        LOCK_RETRY_POLICY._replace(jitter=None).calculate_delay(n)
        for n in range(1, LOCK_RETRY_POLICY.max_retries + 1)
    ]
    assert delays == sorted(delays) and delays[-1] >= 4 * delays[0]


# -------------------------------------------------------------------------- landing files


def test_file_sha256_is_the_sha_of_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.ndjson"
    path.write_bytes(b'{"a": 1}\n' * 1000)
    assert file_sha256(path, chunk_size=7) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_cursor_round_trip_and_garbage() -> None:
    cache = {"/l/a.ndjson": (10, 123, "abc")}
    assert decode_cursor(encode_cursor(cache)) == cache
    assert decode_cursor(None) == {}
    assert decode_cursor("not json") == {}
    assert decode_cursor("[1, 2]") == {}
    assert decode_cursor(json.dumps({"x": [1, "bad", "c"]})) == {}


def test_hash_files_reuses_the_cache_only_for_unchanged_files(tmp_path: Path) -> None:
    a = tmp_path / "a.ndjson"
    b = tmp_path / "b.ndjson"
    a.write_text("one\n")
    b.write_text("two\n")
    hashed, cache = hash_files([a, b], {})
    assert hashed == [(a, file_sha256(a)), (b, file_sha256(b))]

    # A cached entry with the file's size and mtime is trusted (not re-read) ...
    fake = {str(a): (*cache[str(a)][:2], "cached-sha")}
    hashed, _ = hash_files([a], fake)
    assert hashed == [(a, "cached-sha")]

    # ... a changed file is hashed again, and vanished files leave the cache.
    a.write_text("one, longer now\n")
    hashed, new_cache = hash_files([a], fake)
    assert hashed == [(a, file_sha256(a))]
    assert set(new_cache) == {str(a)}


def test_new_file_contents_one_per_content() -> None:
    files = [
        (Path("a.ndjson"), "sha-a"),
        (Path("b.ndjson"), "sha-b"),
        (Path("b-copy.ndjson"), "sha-b"),
        (Path("c.ndjson"), "sha-loaded"),
    ]
    assert new_file_contents(files, {"sha-loaded"}) == [
        (Path("a.ndjson"), "sha-a"),
        (Path("b.ndjson"), "sha-b"),
    ]
    assert new_file_contents(files, {"sha-a", "sha-b", "sha-loaded"}) == []


def test_is_settled() -> None:
    assert is_settled(mtime=100.0, now=103.0, settle_seconds=2.0)
    assert not is_settled(mtime=100.0, now=101.0, settle_seconds=2.0)
    assert is_settled(mtime=100.0, now=100.0, settle_seconds=0.0)


# -------------------------------------------------------------------- manifest freshness


def _dbt_tree(root: Path) -> dict[str, object]:
    (root / "models" / "marts").mkdir(parents=True)
    (root / "macros").mkdir()
    (root / "tests" / "dbt").mkdir(parents=True)
    (root / "dbt_project.yml").write_text("name: p\n")
    (root / "models" / "marts" / "m.sql").write_text("select 1")
    (root / "models" / "marts" / "_m.yml").write_text("version: 2\n")
    (root / "macros" / "x.sql").write_text("{% macro x() %}{% endmacro %}")
    (root / "tests" / "dbt" / "t.sql").write_text("select 1 where false")
    (root / "tests" / "dbt" / "test_py.py").write_text("def test(): pass\n")
    return {"model-paths": ["models"], "macro-paths": ["macros"], "test-paths": ["tests/dbt"]}


def test_manifest_inputs_are_the_dbt_files(tmp_path: Path) -> None:
    config = _dbt_tree(tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in manifest_inputs(tmp_path, config)}
    assert names == {
        "dbt_project.yml",
        "models/marts/m.sql",
        "models/marts/_m.yml",
        "macros/x.sql",
        "tests/dbt/t.sql",
    }


def test_manifest_staleness_follows_edits_additions_and_deletions(tmp_path: Path) -> None:
    config = _dbt_tree(tmp_path)
    manifest = tmp_path / "target" / "manifest.json"
    marker = tmp_path / "target" / "fingerprint"

    def fingerprint() -> str:
        return manifest_fingerprint(tmp_path, manifest_inputs(tmp_path, config))

    assert manifest_is_stale(manifest, marker, fingerprint())  # no manifest yet
    manifest.parent.mkdir()
    manifest.write_text("{}")
    assert manifest_is_stale(manifest, marker, fingerprint())  # no fingerprint yet
    marker.write_text(fingerprint())
    assert not manifest_is_stale(manifest, marker, fingerprint())

    # pytest caches next to dbt tests do not count
    (tmp_path / "tests" / "dbt" / "__pycache__").mkdir()
    (tmp_path / "tests" / "dbt" / "__pycache__" / "x.pyc").write_bytes(b"")
    assert not manifest_is_stale(manifest, marker, fingerprint())

    model = tmp_path / "models" / "marts" / "m.sql"
    stat = model.stat()
    os.utime(model, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert manifest_is_stale(manifest, marker, fingerprint())  # edited
    marker.write_text(fingerprint())

    (tmp_path / "macros" / "new.sql").write_text("{% macro y() %}{% endmacro %}")
    assert manifest_is_stale(manifest, marker, fingerprint())  # added
    marker.write_text(fingerprint())

    (tmp_path / "macros" / "new.sql").unlink()
    assert manifest_is_stale(manifest, marker, fingerprint())  # deleted
