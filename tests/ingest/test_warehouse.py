"""The warehouse connection: path, folder, UTC session, and what happens when another
process holds DuckDB's file lock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingest.warehouse import (
    LockHolder,
    WarehouseLockedError,
    connect,
    default_db_path,
    lock_timeout_s,
    parse_lock_conflict,
)
from tests.support import LockHolder as HoldingProcess

LOCK_MESSAGE = (
    'IO Error: Could not set lock on file "/data/wh/goals.duckdb": Conflicting lock is held '
    "in /usr/local/bin/python3.11 (PID 4242). See also "
    "https://duckdb.org/docs/current/connect/concurrency"
)


def test_parse_lock_conflict() -> None:
    assert parse_lock_conflict(LOCK_MESSAGE) == LockHolder(
        file="/data/wh/goals.duckdb", program="/usr/local/bin/python3.11", pid=4242
    )
    with_user = LOCK_MESSAGE.replace("(PID 4242).", "(PID 4242) by user ann.")
    holder = parse_lock_conflict(with_user)
    assert holder is not None
    assert (holder.pid, holder.user) == (4242, "ann")
    spaced = LOCK_MESSAGE.replace("/usr/local/bin/python3.11", "/opt/My Apps/dagster daemon")
    holder = parse_lock_conflict(spaced)
    assert holder is not None
    assert holder.program == "/opt/My Apps/dagster daemon"
    assert parse_lock_conflict("IO Error: Cannot open file: permission denied") is None


def test_locked_error_message_says_who_and_what_to_do() -> None:
    holder = parse_lock_conflict(LOCK_MESSAGE)
    error = WarehouseLockedError(Path("wh/goals.duckdb"), holder, 30.2)
    text = str(error)
    assert "wh/goals.duckdb" in text
    assert "/usr/local/bin/python3.11 (PID 4242)" in text
    assert "kill 4242" in text
    assert "30.2 s" in text
    assert "GOALS_LOCK_TIMEOUT_S" in text


def test_default_db_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUCKDB_PATH", raising=False)
    assert default_db_path() == Path("warehouse") / "goals.duckdb"
    monkeypatch.setenv("DUCKDB_PATH", "/somewhere/else.duckdb")
    assert default_db_path() == Path("/somewhere/else.duckdb")


def test_lock_timeout_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOALS_LOCK_TIMEOUT_S", raising=False)
    assert lock_timeout_s() == 30.0
    monkeypatch.setenv("GOALS_LOCK_TIMEOUT_S", "2.5")
    assert lock_timeout_s() == 2.5
    monkeypatch.setenv("GOALS_LOCK_TIMEOUT_S", "soon")
    assert lock_timeout_s() == 30.0


def test_connect_creates_folder_and_sets_utc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, los_angeles: None
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCKDB_PATH", raising=False)
    with connect() as con:
        assert con.execute("select current_setting('TimeZone')").fetchone() == ("UTC",)
    assert (tmp_path / "warehouse" / "goals.duckdb").is_file()
    nested = tmp_path / "a" / "b" / "w.duckdb"
    with connect(nested) as con:
        con.execute("create table t as select 1 as x")
    with connect(str(nested), read_only=True) as con:
        assert con.execute("select x from t").fetchall() == [(1,)]


@pytest.fixture
def lock_holder(tmp_path: Path) -> Iterator[tuple[HoldingProcess, Path]]:
    """Another process holding the write lock on a warehouse until the test ends."""
    path = tmp_path / "locked.duckdb"
    duckdb.connect(str(path)).close()
    with HoldingProcess(path) as holder:
        yield holder, path


def test_lock_conflict_retries_then_names_the_holder(
    lock_holder: tuple[HoldingProcess, Path],
) -> None:
    proc, path = lock_holder
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # a clock of its own: how slow a try is does not count
        waits.append(seconds)

    with pytest.raises(WarehouseLockedError) as caught:
        connect(path, lock_timeout=0.3, sleep=sleep, clock=lambda: sum(waits))
    error = caught.value
    assert error.holder is not None
    assert error.holder.pid == proc.pid
    assert f"(PID {proc.pid})" in str(error)
    assert f"kill {proc.pid}" in str(error)
    assert len(waits) >= 2
    assert waits[1] == 2 * waits[0]  # exponential backoff
    assert sum(waits) <= 0.3 + 1e-9


def test_lock_conflict_with_env_timeout(
    lock_holder: tuple[HoldingProcess, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = lock_holder
    monkeypatch.setenv("GOALS_LOCK_TIMEOUT_S", "0")
    with pytest.raises(WarehouseLockedError):
        connect(path, read_only=True)


def test_lock_released_during_retry_connects(
    lock_holder: tuple[HoldingProcess, Path],
) -> None:
    proc, path = lock_holder
    waits: list[float] = []

    def release_then_continue(seconds: float) -> None:
        waits.append(seconds)
        proc.release()

    with connect(path, lock_timeout=60, sleep=release_then_continue) as con:
        assert con.execute("select 42").fetchone() == (42,)
    assert len(waits) == 1


def _shown(limit: str) -> str:
    """How DuckDB shows a memory limit once set (8GB -> '7.4 GiB')."""
    with duckdb.connect() as plain:
        plain.execute(f"SET memory_limit = '{limit}'")
        row = plain.execute("select current_setting('memory_limit')").fetchone()
    assert row is not None
    return str(row[0])


def _settings(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    row = con.execute(
        "select current_setting('memory_limit'), current_setting('temp_directory')"
    ).fetchone()
    assert row is not None
    return str(row[0]), str(row[1])


def test_memory_limit_and_spill_folder_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Like dbt's profile: 6GB and a spill folder `<warehouse file>.tmp`."""
    monkeypatch.delenv("DUCKDB_MEMORY_LIMIT", raising=False)
    monkeypatch.delenv("DUCKDB_TEMP_DIRECTORY", raising=False)
    db = tmp_path / "wh" / "goals.duckdb"
    with connect(db) as con:
        assert _settings(con) == (_shown("6GB"), str(tmp_path / "wh" / "goals.duckdb.tmp"))
    with connect(db, read_only=True) as con:
        assert _settings(con) == (_shown("6GB"), str(tmp_path / "wh" / "goals.duckdb.tmp"))


def test_memory_limit_and_spill_folder_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spill = tmp_path / "spill here"
    monkeypatch.setenv("DUCKDB_MEMORY_LIMIT", "300MB")
    monkeypatch.setenv("DUCKDB_TEMP_DIRECTORY", str(spill))
    with connect(tmp_path / "goals.duckdb") as con:
        assert _settings(con) == (_shown("300MB"), str(spill))
        # a sort far beyond the limit spills there instead of failing
        row = con.execute(
            "select count(*), max(s) from (select i, md5(i::varchar) || repeat('x', 100) as s "
            "from range(3000000) t(i) order by s)"
        ).fetchone()
        assert row is not None and row[0] == 3_000_000
        assert spill.is_dir()  # DuckDB creates the folder when it first spills


def test_memory_limit_that_is_not_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUCKDB_MEMORY_LIMIT", "plenty")
    with pytest.raises(ValueError, match="DUCKDB_MEMORY_LIMIT='plenty'"):
        connect(tmp_path / "goals.duckdb")


def test_in_memory_keeps_duckdbs_spill_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUCKDB_TEMP_DIRECTORY", raising=False)
    monkeypatch.delenv("DUCKDB_MEMORY_LIMIT", raising=False)
    with connect(":memory:") as con, duckdb.connect() as plain:
        assert _settings(con)[1] == _settings(plain)[1]


def test_second_connection_after_a_spill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB cannot move a spill folder in use; a second connection of the same process
    to the same warehouse keeps it instead of failing."""
    monkeypatch.setenv("DUCKDB_MEMORY_LIMIT", "300MB")
    monkeypatch.delenv("DUCKDB_TEMP_DIRECTORY", raising=False)
    db = tmp_path / "goals.duckdb"
    with connect(db) as first:
        first.execute(
            "create temp table big as select i, md5(i::varchar) || repeat('x', 100) as s "
            "from range(3000000) t(i) order by s"
        )
        assert (tmp_path / "goals.duckdb.tmp").is_dir()
        monkeypatch.setenv("DUCKDB_TEMP_DIRECTORY", str(tmp_path / "elsewhere"))
        with connect(db) as second:
            assert _settings(second)[1] == str(tmp_path / "goals.duckdb.tmp")
