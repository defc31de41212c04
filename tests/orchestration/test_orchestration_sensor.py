"""The landing sensor: one run per new file content, none for a loaded content or a renamed
copy of one (the ledger is filled by hand, not by the loader)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from dagster import RunRequest, SensorDefinition, build_sensor_context

from orchestration.definitions import defs
from orchestration.landing_files import decode_cursor, file_sha256
from orchestration.resources import LandingFolder, WarehouseResource
from orchestration.sensors import FILE_PATH_TAG, FILE_SHA256_TAG, LANDING_SENSOR_NAME
from tests.orchestration.conftest import (
    VALID_EVENTS,
    LockHolder,
    create_warehouse,
    ndjson,
    record_loaded,
    write_file,
)


def _sensor() -> SensorDefinition:
    return defs.resolve_sensor_def(LANDING_SENSOR_NAME)


def _tick(
    db_path: Path, landing: Path, cursor: str | None = None, settle_seconds: float = 0.0
) -> tuple[list[RunRequest], str | None, str | None]:
    context = build_sensor_context(
        cursor=cursor,
        resources={
            "warehouse": WarehouseResource(db_path=str(db_path)),
            "landing": LandingFolder(path=str(landing), settle_seconds=settle_seconds),
        },
    )
    data = _sensor().evaluate_tick(context)
    return list(data.run_requests or []), data.skip_message, data.cursor


def test_one_run_request_for_a_new_file(tmp_path: Path) -> None:
    db = create_warehouse(tmp_path / "wh" / "goals.duckdb")
    new = write_file(tmp_path / "landing" / "a.ndjson", ndjson(VALID_EVENTS))

    requests, skip, cursor = _tick(db, tmp_path / "landing")

    assert skip is None
    assert len(requests) == 1
    sha = file_sha256(new)
    assert requests[0].run_key == sha
    assert requests[0].tags[FILE_SHA256_TAG] == sha
    assert requests[0].tags[FILE_PATH_TAG] == str(new.resolve())
    assert requests[0].asset_selection is None  # the whole job
    assert str(new.resolve()) in decode_cursor(cursor)


def test_no_run_for_a_loaded_file_or_a_renamed_copy(tmp_path: Path) -> None:
    db = create_warehouse(tmp_path / "wh" / "goals.duckdb")
    landing = tmp_path / "landing"
    loaded = write_file(landing / "a.ndjson", ndjson(VALID_EVENTS))
    record_loaded(db, loaded, file_sha256(loaded))

    requests, skip, _ = _tick(db, landing)
    assert requests == []
    assert skip is not None and "loaded" in skip

    shutil.copyfile(loaded, landing / "z-renamed-copy.ndjson")
    requests, _, _ = _tick(db, landing)
    assert requests == []


def test_only_the_new_content_among_loaded_ones(tmp_path: Path) -> None:
    db = create_warehouse(tmp_path / "wh" / "goals.duckdb")
    landing = tmp_path / "landing"
    loaded = write_file(landing / "a.ndjson", ndjson(VALID_EVENTS[:1]))
    record_loaded(db, loaded, file_sha256(loaded))
    new = write_file(landing / "b.ndjson", ndjson(VALID_EVENTS[1:]))
    shutil.copyfile(new, landing / "c-same-as-b.ndjson")

    requests, _, cursor = _tick(db, landing)
    assert [r.run_key for r in requests] == [file_sha256(new)]
    assert requests[0].tags[FILE_PATH_TAG] == str(new.resolve())  # the first name in order

    # the next tick reuses the cached hashes and still asks for the same run key (Dagster
    # drops a run key it has already launched)
    requests, _, _ = _tick(db, landing, cursor=cursor)
    assert [r.run_key for r in requests] == [file_sha256(new)]


def test_new_files_before_any_warehouse_exists(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write_file(landing / "a.ndjson", ndjson(VALID_EVENTS[:1]))
    write_file(landing / "b.ndjson", ndjson(VALID_EVENTS[1:]))
    db = tmp_path / "not-yet" / "goals.duckdb"

    requests, _, _ = _tick(db, landing)

    assert len(requests) == 2
    assert not db.exists()  # the sensor only reads


def test_nothing_to_do_without_files(tmp_path: Path) -> None:
    db = create_warehouse(tmp_path / "wh" / "goals.duckdb")
    requests, skip, _ = _tick(db, tmp_path / "missing-landing")
    assert requests == []
    assert skip is not None


def test_a_file_still_being_written_waits(tmp_path: Path) -> None:
    db = create_warehouse(tmp_path / "wh" / "goals.duckdb")
    landing = tmp_path / "landing"
    growing = write_file(landing / "a.ndjson", ndjson(VALID_EVENTS))

    requests, _, _ = _tick(db, landing, settle_seconds=60)
    assert requests == []

    a_minute_ago = time.time() - 61
    os.utime(growing, (a_minute_ago, a_minute_ago))
    requests, _, _ = _tick(db, landing, settle_seconds=60)
    assert len(requests) == 1


def test_busy_warehouse_skips_the_tick(tmp_path: Path, lock_holder: type[LockHolder]) -> None:
    db = create_warehouse(tmp_path / "wh" / "goals.duckdb")
    landing = tmp_path / "landing"
    write_file(landing / "a.ndjson", ndjson(VALID_EVENTS))
    holder = lock_holder(db)

    requests, skip, cursor = _tick(db, landing)
    assert requests == []
    assert skip is not None and "being written" in skip
    assert decode_cursor(cursor)  # hashes kept for the next tick

    holder.release()
    requests, _, _ = _tick(db, landing, cursor=cursor)
    assert len(requests) == 1


def _load(db: Path, landing: Path) -> None:
    """The loader itself, on the landing folder (what a run's ingest step does)."""
    import duckdb

    from ingest.loader import ingest_paths

    con = duckdb.connect(str(db))
    try:
        ingest_paths(con, [landing])
    finally:
        con.close()


def test_a_set_aside_file_asks_for_no_run_and_a_new_good_file_does(tmp_path: Path) -> None:
    import gzip

    db = create_warehouse(tmp_path / "wh" / "goals.duckdb")
    landing = tmp_path / "landing"
    bad = landing / "a-bad.ndjson.gz"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(gzip.compress(ndjson(VALID_EVENTS).encode())[:-10])  # truncated
    _load(db, landing)  # the run the first tick asked for: it set the bad file aside

    requests, skip, cursor = _tick(db, landing)
    assert requests == []
    assert skip is not None and "1 set aside" in skip

    good = write_file(landing / "b-good.ndjson", ndjson(VALID_EVENTS))
    requests, _, _ = _tick(db, landing, cursor=cursor)
    assert [r.run_key for r in requests] == [file_sha256(good)]


def test_a_missing_landing_folder_is_named(tmp_path: Path) -> None:
    db = create_warehouse(tmp_path / "wh" / "goals.duckdb")
    _, skip, _ = _tick(db, tmp_path / "missing-landing")
    assert skip is not None and "does not exist (LANDING_DIR)" in skip


def test_hash_files_leaves_out_a_file_it_cannot_read(tmp_path: Path) -> None:
    from orchestration.landing_files import hash_files

    kept = write_file(tmp_path / "a.ndjson", ndjson(VALID_EVENTS))
    gone = tmp_path / "b.ndjson"  # listed, then removed before it was hashed
    hashed, cache = hash_files([kept, gone], {})
    assert hashed == [(kept, file_sha256(kept))]
    assert list(cache) == [str(kept)]
