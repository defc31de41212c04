"""The telemetry copy (`goals publish-telemetry`): the window, the columns, the atomic
swap; and the errors of `goals hub` / `goals publish-telemetry`."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cli.app import app
from serving.publishing import PublishError, WarehouseMissingError
from serving.telemetry_copy import EVENT_COLUMNS, publish_telemetry

AS_OF = datetime(2026, 11, 15)


def make_warehouse(path: Path, instants: list[datetime]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute(
            "create table raw.events (workspace_id varchar, event_id varchar, name varchar, "
            "occurred_at timestamp, source varchar, conversation_id varchar, "
            "customer_id varchar, flow_id varchar, properties json, file_sha256 varchar, "
            "line_number bigint, loaded_at timestamp)"
        )
        for n, instant in enumerate(instants):
            con.execute(
                "insert into raw.events values ('ws', ?, 'purchase', ?, 'widget', 'c1', "
                "'u1', null, ?, 'sha', ?, ?)",
                [f"e{n}", instant, f'{{"n": {n}, "total": "49.90"}}', n, AS_OF],
            )
    return path


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOALS_TELEMETRY_PATH", raising=False)
    monkeypatch.setenv("GOALS_LOCK_TIMEOUT_S", "0")


def test_the_copy_holds_the_window_up_to_as_of(tmp_path: Path) -> None:
    instants = [
        AS_OF - timedelta(days=7),  # out: the window is (as_of - 7d, as_of]
        AS_OF - timedelta(days=7) + timedelta(microseconds=1),
        AS_OF - timedelta(hours=1),
        AS_OF,
        AS_OF + timedelta(seconds=1),  # out: after as_of
    ]
    warehouse = make_warehouse(tmp_path / "w" / "goals.duckdb", instants)
    copy = publish_telemetry(warehouse, days=7, as_of=AS_OF)
    assert copy.path == tmp_path / "w" / "telemetry" / "goals_telemetry.duckdb"
    assert copy.events == 3
    with duckdb.connect(str(copy.path), read_only=True) as con:
        columns = [
            row[0]
            for row in con.execute(
                "select column_name from duckdb_columns() where schema_name = 'telemetry' "
                "and table_name = 'events' order by column_index"
            ).fetchall()
        ]
        assert tuple(columns) == EVENT_COLUMNS  # no loader bookkeeping
        ids = con.execute("select event_id from telemetry.events order by occurred_at").fetchall()
        assert ids == [("e1",), ("e2",), ("e3",)]
        props = con.execute(
            "select cast(properties as varchar) from telemetry.events where event_id = 'e2'"
        ).fetchone()
        assert props == ('{"n": 2, "total": "49.90"}',)
        info = con.execute("select as_of, days, events from telemetry.copy_info").fetchall()
        assert info == [(AS_OF, 7, 3)]
        schemas = con.execute("select distinct schema_name from duckdb_tables()").fetchall()
        assert schemas == [("telemetry",)]


def test_a_reader_keeps_its_copy_and_a_new_one_sees_the_next(tmp_path: Path) -> None:
    warehouse = make_warehouse(
        tmp_path / "goals.duckdb", [AS_OF - timedelta(days=n) for n in range(10)]
    )
    out = tmp_path / "t" / "copy.duckdb"
    publish_telemetry(warehouse, out, days=3, as_of=AS_OF)
    with duckdb.connect(str(out), read_only=True) as old:
        publish_telemetry(warehouse, out, days=30, as_of=AS_OF)
        assert old.execute("select count(*) from telemetry.events").fetchone() == (3,)
    with duckdb.connect(str(out), read_only=True) as new:
        assert new.execute("select count(*) from telemetry.events").fetchone() == (10,)
    assert sorted(p.name for p in out.parent.iterdir()) == [".copy.duckdb.lock", "copy.duckdb"]


def test_a_failed_publish_leaves_the_copy_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = make_warehouse(tmp_path / "goals.duckdb", [AS_OF])
    out = tmp_path / "copy.duckdb"
    publish_telemetry(warehouse, out, as_of=AS_OF)
    before = out.read_bytes()

    def broken(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("serving.telemetry_copy.os.replace", broken)
    with pytest.raises(OSError, match="disk full"):
        publish_telemetry(warehouse, out, days=1, as_of=AS_OF)
    assert out.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


def test_errors_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(WarehouseMissingError, match="goals ingest"):
        publish_telemetry(tmp_path / "none.duckdb")
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(PublishError, match="no raw events"):
        publish_telemetry(empty, tmp_path / "copy.duckdb")
    assert not (tmp_path / "copy.duckdb").exists()


def test_the_commands_fail_with_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["hub", "--serving", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 1
    assert "No serving copy at" in missing.output and "make demo" in missing.output
    assert "Traceback" not in missing.output
    serving = make_warehouse(tmp_path / "s.duckdb", [])
    no_telemetry = runner.invoke(
        app, ["hub", "--serving", str(serving), "--telemetry", str(tmp_path / "t.duckdb")]
    )
    assert no_telemetry.exit_code == 1
    assert "goals publish-telemetry" in no_telemetry.output
    bad = runner.invoke(app, ["publish-telemetry", "--as-of", "yesterday"])
    assert bad.exit_code == 1 and "is not an ISO 8601 time" in bad.output
    warehouse = make_warehouse(tmp_path / "w.duckdb", [AS_OF])
    out = tmp_path / "x" / "copy.duckdb"
    ok = runner.invoke(
        app,
        [
            *("publish-telemetry", "--db", str(warehouse), "--out", str(out)),
            *("--as-of", "2026-11-15T00:00:00Z", "--days", "7"),
        ],
        env={**os.environ, "COLUMNS": "200"},
    )
    assert ok.exit_code == 0, ok.output
    assert "Published 1 raw event(s) of the 7 days up to 2026-11-15T00:00:00Z" in ok.output
