"""Seed files replayed on an in-memory DuckDB with the project's compiled models as views
(`validate` and `preview`): loaded as dbt-duckdb loads them, each row's CSV line kept."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from cli.compiled_project import CompiledProject, quote, sql_string
from cli.formatting import display_path


class SeedFileError(Exception):
    """A seed file dbt could not load (missing, unreadable, wrong columns)."""


@dataclass
class SeedFile:
    """A seed CSV as loaded: the physical line on which each row starts (1 = header)."""

    name: str
    path: Path | None
    lines: list[int] = field(default_factory=list)

    def line_of(self, row: int) -> int | None:
        """The CSV line of the `row`-th loaded row (1-based), when known."""
        return self.lines[row - 1] if 0 < row <= len(self.lines) else None

    @property
    def label(self) -> str:
        return f"{self.name}.csv"


def numbered_records(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """Every non-blank CSV record with the physical line it starts on (1 = the first line:
    a quoted value may span lines)."""
    reader = csv.reader(lines)
    previous_end = 0
    for record in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if record:
            yield start, record


def csv_record_lines(path: Path) -> tuple[list[str], list[int]]:
    """The header and the starting line of every non-blank record of a CSV file."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        records = numbered_records(handle)
        first = next(records, None)
        lines = [start for start, _ in records]
    return (first[1] if first else []), lines


class ProjectDatabase:
    """An in-memory DuckDB holding seed files and the project's compiled models as views.

    Seed tables are created as dbt-duckdb creates them (the declared column types, the
    CSV header's columns) and filled with the same `COPY ... FROM` statement. Each file
    is also kept in schema `_seed_files` with its row ordinal, so callers can load a
    subset of rows into the seed table.
    """

    FILES_SCHEMA = "_seed_files"

    def __init__(self, project: CompiledProject) -> None:
        self.project = project
        self.con = duckdb.connect(":memory:")
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute(f"attach ':memory:' as {quote(project.database)}")
        self.con.execute(f"use {quote(project.database)}")
        schemas = {m.relation.schema for m in project.models}
        schemas |= {s.relation.schema for s in project.seeds.values()}
        schemas |= {project.events.schema, self.FILES_SCHEMA}
        for schema in sorted(schemas):
            self.con.execute(f"create schema if not exists {quote(schema)}")
        self.files: dict[str, SeedFile] = {}

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> ProjectDatabase:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def relation(self, name: str) -> str:
        """The rendered relation of a model or seed."""
        if name in self.project.seeds:
            return self.project.seeds[name].relation.render(self.project.database)
        return self.project.model(name).relation.render(self.project.database)

    def file_table(self, seed: str) -> str:
        return f"{quote(self.project.database)}.{quote(self.FILES_SCHEMA)}.{quote(seed)}"

    def load_seed(self, seed: str, path: Path | None) -> SeedFile:
        """Load a seed file (or, with `path` None, an empty table of its declared columns)."""
        spec = self.project.seeds[seed]
        declared = list(spec.column_types)
        label = f"{seed}.csv"
        if path is None:
            header, lines = declared, list[int]()
        else:
            if not path.is_file():
                raise SeedFileError(f"{label}: no such file {display_path(path)}")
            try:
                header, lines = csv_record_lines(path)
            except (OSError, UnicodeDecodeError, csv.Error) as exc:
                raise SeedFileError(f"{label}: cannot be read ({exc})") from exc
            if not header:
                raise SeedFileError(f"{label}: the file is empty (it needs a header line)")
            missing = [c for c in declared if c.lower() not in {h.lower() for h in header}]
            if missing:
                raise SeedFileError(
                    f"{label}: missing column(s) {', '.join(missing)} in the header "
                    f"(expected {','.join(declared)})"
                )
        types = {k.lower(): v for k, v in spec.column_types.items()}
        columns = ", ".join(f"{quote(c)} {types.get(c.lower(), 'varchar')}" for c in header)
        raw = f"{quote(self.project.database)}.{quote(self.FILES_SCHEMA)}.{quote(seed + '__copy')}"
        self.con.execute(f"create or replace table {raw} ({columns})")
        if path is not None:
            try:
                self.con.execute(
                    f"copy {raw} from {sql_string(str(path))} "
                    "(FORMAT CSV, HEADER TRUE, DELIMITER ',')"
                )
            except duckdb.Error as exc:
                raise SeedFileError(f"{label}: dbt could not load it: {exc}") from exc
        self.con.execute(
            f"create or replace table {self.file_table(seed)} as "
            f"select row_number() over () as _row, * from {raw}"
        )
        self.con.execute(f"drop table {raw}")
        loaded = self.scalar(f"select count(*) from {self.file_table(seed)}")
        seed_file = SeedFile(seed, path, lines if loaded == len(lines) else [])
        self.files[seed] = seed_file
        self.use_rows(seed)
        return seed_file

    def use_rows(
        self, seed: str, rows: Sequence[int] | None = None, *, exclude: bool = False
    ) -> None:
        """(Re)fill the seed table from its file: all rows, only `rows`, or all but `rows`."""
        where = ""
        if rows is not None:
            listed = ", ".join(str(int(r)) for r in rows) or "null"
            where = f" where _row {'not in' if exclude else 'in'} ({listed})"
        self.con.execute(
            f"create or replace table {self.relation(seed)} as "
            f"select * exclude (_row) from {self.file_table(seed)}{where} order by _row"
        )

    def create_views(self, model_name: str) -> None:
        """A compiled model and its ancestors as views (dbt's tables give the same rows)."""
        needed = {model_name}
        for model in reversed(self.project.models):
            if model.name in needed:
                needed.update(model.parents)
        for model in self.project.models:
            if model.name not in needed:
                continue
            self.con.execute(
                f"create or replace view {model.relation.render(self.project.database)} as\n"
                f"{model.sql}"
            )

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.con.execute(sql, list(params)).fetchone()
        return row[0] if row else None

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, list(params)).fetchall()
