"""`goals validate`: check the seeds before a build, with the build's own rules.

The rules live in one place, the dbt model `int_config_problems_listed` (with its staging
parents and macros). This command runs that model's compiled SQL on an in-memory DuckDB
loaded with the seed files, so it reports exactly the problems a `goals build` would fail
with, and adds the CSV line of every problem.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from cli.compiled_project import compiled_project, quote
from cli.console import fail, note, out
from cli.formatting import close_match, display_path, print_json_line
from cli.options import JsonOption
from cli.seed_replay import ProjectDatabase, SeedFileError
from goals_core.paths import PROJECT_SEEDS_DIR

CONFIG_SEEDS = ("goals", "goal_status_changes", "workspaces")
SEED_ORDER = {f"{name}.csv": index for index, name in enumerate(CONFIG_SEEDS)}
# Columns that identify a row in each seed, as int_config_problems_listed reports it
# (workspace_id, goal_code); workspaces.csv rows have no goal.
KEY_COLUMNS: dict[str, tuple[str, str | None]] = {
    "goals": ("workspace_id", "code"),
    "goal_status_changes": ("workspace_id", "goal_code"),
    "workspaces": ("workspace_id", None),
}

Key = tuple[str | None, str | None]
#: A value outside an allowed list, as int_config_problems_listed words it.
ONE_OF = re.compile(r"'([^']*)' is not one of ([a-z_]+(?:, [a-z_]+)+)$")


@dataclass(frozen=True)
class Problem:
    """One distinct problem message of int_config_problems_listed, with its CSV lines."""

    file: str
    workspace_id: str | None
    goal_code: str | None
    problem: str
    message: str
    lines: tuple[int, ...]

    @property
    def suggestion(self) -> str | None:
        """The allowed value a misspelt one most likely meant (`kind 'conversoin' is not one
        of conversion, ...` -> conversion), else None."""
        match = ONE_OF.search(self.message)
        if match is None:
            return None
        return close_match(match[1], [v.strip() for v in match[2].split(",")])

    def located(self) -> str:
        """The dbt message with the file's line number(s) after the file name, and a
        "did you mean" for a misspelt value."""
        prefix = f"{self.file}: "
        rest = self.message.removeprefix(prefix)
        if self.suggestion is not None:
            rest += f" (did you mean '{self.suggestion}'?)"
        if not self.lines:
            return f"{self.file}: {rest}"
        label = "line" if len(self.lines) == 1 else "lines"
        return f"{self.file} {label} {', '.join(map(str, self.lines))}: {rest}"


def _listed(db: ProjectDatabase) -> list[tuple[str, str | None, str | None, str, str]]:
    relation = db.relation("int_config_problems_listed")
    return [
        (str(r[0]), r[1], r[2], str(r[3]), str(r[4]))
        for r in db.rows(
            f"select seed_name, workspace_id, goal_code, problem, problem_message from {relation}"
        )
    ]


def _row_keys(db: ProjectDatabase, seed: str) -> dict[Key, list[int]]:
    """Loaded rows of a seed file by their key, normalized as the staging models do."""
    first, second = KEY_COLUMNS[seed]
    second_sql = f"nullif(trim({quote(second)}), '')" if second else "null"
    keys: dict[Key, list[int]] = defaultdict(list)
    for row, workspace_id, goal_code in db.rows(
        f"select _row, nullif(trim({quote(first)}), ''), {second_sql} "
        f"from {db.file_table(seed)} order by _row"
    ):
        keys[(workspace_id, goal_code)].append(int(row))
    return keys


def list_problems(db: ProjectDatabase) -> list[Problem]:
    """Every distinct problem of the loaded seeds, each with the rows it comes from.

    A problem names its file, workspace and goal; when several rows share that key (a
    duplicated code, repeated status changes) each row is checked alone, with its
    siblings left out, to tell which of them a message belongs to. A message no single
    row produces (a duplicate code) belongs to all of them.
    """
    listed = _listed(db)
    messages_by_key: dict[tuple[str, Key], dict[str, tuple[str | None, str | None, str]]] = (
        defaultdict(dict)
    )
    for file, workspace_id, goal_code, problem, message in listed:
        messages_by_key[(file, (workspace_id, goal_code))][message] = (
            workspace_id,
            goal_code,
            problem,
        )
    row_keys = {seed: _row_keys(db, seed) for seed in CONFIG_SEEDS if seed in db.files}
    problems: list[Problem] = []
    for (file, key), messages in messages_by_key.items():
        seed = file.removesuffix(".csv")
        seed_file = db.files.get(seed)
        rows = row_keys.get(seed, {}).get(key, [])
        rows_of: dict[str, list[int]] = {message: list(rows) for message in messages}
        if len(rows) > 1:
            alone: dict[int, set[str]] = {}
            for row in rows:
                db.use_rows(seed, [r for r in rows if r != row], exclude=True)
                alone[row] = {
                    message for f, w, g, _, message in _listed(db) if f == file and (w, g) == key
                }
            db.use_rows(seed)
            for message in messages:
                own = [row for row in rows if message in alone[row]]
                rows_of[message] = own or list(rows)
        for message, (workspace_id, goal_code, problem) in messages.items():
            lines = []
            if seed_file is not None:
                lines = [line for r in rows_of[message] if (line := seed_file.line_of(r))]
            problems.append(
                Problem(file, workspace_id, goal_code, problem, message, tuple(sorted(lines)))
            )
    return sorted(
        problems,
        key=lambda p: (SEED_ORDER.get(p.file, 99), p.lines[:1] or (0,), p.message),
    )


def load_config_seeds(
    db: ProjectDatabase,
    files: dict[str, Path | None],
) -> list[str]:
    """Load the seed files (`None`: an empty table); the files that cannot be loaded."""
    errors = []
    for seed, path in files.items():
        try:
            db.load_seed(seed, path)
        except SeedFileError as exc:
            errors.append(str(exc))
    return errors


def seed_files(seeds_dir: Path) -> dict[str, Path | None]:
    """The seed files of a folder; currencies.csv falls back to the project's."""
    files: dict[str, Path | None] = {seed: seeds_dir / f"{seed}.csv" for seed in CONFIG_SEEDS}
    currencies = seeds_dir / "currencies.csv"
    if not currencies.is_file():
        currencies = PROJECT_SEEDS_DIR / "currencies.csv"
    files["currencies"] = currencies
    return files


def print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        out().print(Text.assemble(("✗ ", "red"), problem.located()), soft_wrap=True)


def validate(
    seeds: Annotated[
        Path,
        typer.Option(
            "--seeds",
            help="Folder holding goals.csv, goal_status_changes.csv and workspaces.csv.",
            file_okay=False,
            show_default="the project's seeds/",
        ),
    ] = PROJECT_SEEDS_DIR,
    as_json: JsonOption = False,
) -> None:
    """Check the seeds with the build's own rules; every problem with its file and line."""
    if not seeds.is_dir():
        fail(f"No seeds folder at {display_path(seeds)}.")
    project = compiled_project()
    with ProjectDatabase(project) as db:
        errors = load_config_seeds(db, seed_files(seeds))
        if errors:
            for error in errors:
                if as_json:
                    print_json_line({"file": error.split(":", 1)[0], "message": error})
                else:
                    out().print(Text.assemble(("✗ ", "red"), error))
            fail(
                f"{len(errors)} seed file(s) in {display_path(seeds)} cannot be loaded; "
                "`goals build` would fail on them too."
            )
        db.create_views("int_config_problems_listed")
        problems = list_problems(db)
        goals = db.scalar(f"select count(*) from {db.relation('stg_seeds__goals')}")
        workspaces = db.scalar(f"select count(*) from {db.relation('stg_seeds__workspaces')}")
        changes = db.scalar(f"select count(*) from {db.relation('stg_seeds__goal_status_changes')}")
    if as_json:
        for problem in problems:
            print_json_line(
                {
                    "file": problem.file,
                    "lines": list(problem.lines),
                    "workspace_id": problem.workspace_id,
                    "goal_code": problem.goal_code,
                    "problem": problem.problem,
                    "message": problem.message,
                    "did_you_mean": problem.suggestion,
                }
            )
    else:
        print_problems(problems)
    if problems:
        fail(
            f"{len(problems)} problem(s) in {display_path(seeds)}: `goals build` would stop "
            'with "Invalid goals configuration".'
        )
    summary = (
        f"The seeds in {display_path(seeds)}/ are valid: {goals} goal(s), {changes} status "
        f"change(s), {workspaces} workspace(s)."
    )
    if as_json:
        note(summary)
    else:
        out().print(Text.assemble(("✓ ", "green"), summary))


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
