"""Open the serving copy in a real Apache Superset 6.1 and report what it shows of the keys
(the joins) and the descriptions; exit 1 if a key or a description the copy declares is
missing (docs/serving.md, "Superset").

    make superset-check                      # after `make demo`
    .venv/bin/python scripts/superset_check.py --help

Superset gets a virtualenv of its own (build/superset/venv: apache-superset 6.1,
duckdb-engine, DuckDB 1.4, never in the project's .venv), a SQLite metadata database in
build/superset/home, an admin user and a server on 127.0.0.1. The copy is added read-only
through Superset's REST API as the UI does; the checks read SQL Lab's table metadata and a
dataset of fct_goal_outcomes through the same API. `--screenshots DIR` also photographs
SQL Lab and the dataset editor in headless Chromium.
"""

from __future__ import annotations

import argparse
import base64
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from serving.superset_keys import KEYS_SQL  # noqa: E402

ADDON = ROOT / "serving" / "superset_keys.py"
REQUIREMENTS = (
    "apache-superset>=6.1,<6.2",
    "duckdb-engine",
    "duckdb>=1.4,<1.5",
    # what Superset 6.1's own requirements leave out or let resolve too new
    "rich",
    "cachetools",
    "flask-caching==2.3.1",
)
ADMIN = ("admin", "superset-check")
DATABASE_NAME = "goals_serving"
DATASET_TABLE = "fct_goal_outcomes"
START_TIMEOUT_S = 180


class CheckError(RuntimeError):
    """The check could not run; the message says what to do."""


@dataclass
class TableReport:
    """What Superset's SQL Lab metadata says of one table, beside what the copy declares."""

    name: str
    primary_key: list[str]
    foreign_keys: list[tuple[list[str], str, list[str]]]
    comment: str
    columns: int
    described_columns: int
    indexes: int
    problems: list[str] = field(default_factory=list)


# -- the copy --------------------------------------------------------------------------


@dataclass
class Declared:
    """What the copy itself declares for a table (read with the project's DuckDB)."""

    primary_key: list[str]
    foreign_keys: list[tuple[list[str], str, list[str]]]
    comment: str
    described_columns: int


def declared(serving: Path) -> dict[str, Declared]:
    con = duckdb.connect(str(serving), read_only=True)
    try:
        tables = con.execute(
            "select table_name, coalesce(comment, '') from duckdb_tables() "
            "where schema_name = 'marts' order by table_name"
        ).fetchall()
        columns = dict(
            con.execute(
                "select table_name, count(comment) from duckdb_columns() "
                "where schema_name = 'marts' group by table_name"
            ).fetchall()
        )
        keys = con.execute(KEYS_SQL).fetchall()
    finally:
        con.close()
    found: dict[str, Declared] = {}
    for table, comment in tables:
        mine = [row for row in keys if row[1] == "marts" and row[2] == table]
        found[table] = Declared(
            primary_key=next((list(r[5]) for r in mine if r[3] == "PRIMARY KEY"), []),
            foreign_keys=sorted(
                (list(r[5]), str(r[6]), list(r[7])) for r in mine if r[3] == "FOREIGN KEY"
            ),
            comment=str(comment),
            described_columns=int(columns.get(table, 0)),
        )
    return found


# -- Superset's side virtualenv and home ----------------------------------------------


def ensure_venv(venv: Path, python: str) -> Path:
    """build/superset/venv with Superset and the DuckDB dialect; reused while REQUIREMENTS
    are unchanged."""
    stamp = venv / ".superset-check"
    wanted = "\n".join(REQUIREMENTS)
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == wanted:
        return venv / "bin"
    if shutil.which(python) is None and not Path(python).is_file():
        raise CheckError(f"{python} not found: pass --python /path/to/python3.11")
    print(f"Installing Superset into {venv} (a few minutes, once)", flush=True)
    run([python, "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    run([*pip, "--upgrade", "pip"])
    run([*pip, *REQUIREMENTS])
    stamp.write_text(wanted, encoding="utf-8")
    return venv / "bin"


def write_config(home: Path, with_addon: bool) -> Path:
    """superset_config.py: SQLite metadata in `home`, a secret key kept in `home`, and
    (unless --no-addon) serving/superset_keys.py loaded as FLASK_APP_MUTATOR."""
    home.mkdir(parents=True, exist_ok=True)
    secret = home / "secret_key"
    if not secret.is_file():
        secret.write_text(secrets.token_urlsafe(48), encoding="utf-8")
    lines = [
        "# written by scripts/superset_check.py",
        "import sys",
        f"SECRET_KEY = open({str(secret)!r}).read().strip()",
        f"SQLALCHEMY_DATABASE_URI = 'sqlite:///{home / 'superset.db'}'",
    ]
    if with_addon:
        shutil.copy2(ADDON, home / ADDON.name)
        lines += [
            f"sys.path.insert(0, {str(home)!r})",
            "import superset_keys",
            "FLASK_APP_MUTATOR = superset_keys.flask_app_mutator",
        ]
    else:
        (home / ADDON.name).unlink(missing_ok=True)
    config = home / "superset_config.py"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def superset_env(home: Path, config: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SUPERSET_CONFIG_PATH": str(config),
        "SUPERSET_HOME": str(home),
        "FLASK_APP": "superset",
        "PYTHONPATH": "",
    }


def initialise(bin_dir: Path, home: Path, env: dict[str, str]) -> None:
    """`superset db upgrade`, the admin user and `superset init`, once per home."""
    stamp = home / ".initialised"
    if stamp.is_file():
        return
    print(f"Initialising Superset's metadata in {home}", flush=True)
    superset = str(bin_dir / "superset")
    run([superset, "db", "upgrade"], env=env)
    user, password = ADMIN
    run(
        [
            *(superset, "fab", "create-admin", "--username", user, "--password", password),
            *("--firstname", "Superset", "--lastname", "Check", "--email", "admin@example.invalid"),
        ],
        env=env,
    )
    run([superset, "init"], env=env)
    stamp.touch()


def run(command: Sequence[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise CheckError(f"`{' '.join(command[:3])} ...` failed:\n{tail}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_superset(bin_dir: Path, env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    """`superset run` on 127.0.0.1:`port` until the block ends (its process group is
    stopped then)."""
    url = f"http://127.0.0.1:{port}"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [
                str(bin_dir / "superset"),
                "run",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "--with-threads",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _healthy(url):
            if process.poll() is not None:
                raise CheckError(f"Superset stopped while starting; see {log}")
            if time.monotonic() > deadline:
                raise CheckError(f"Superset did not answer on {url} in {START_TIMEOUT_S} s")
            time.sleep(0.5)
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=5) as reply:
            return bool(reply.status == 200)
    except (OSError, urllib.error.URLError):
        return False


# -- Superset's REST API, as the UI uses it -------------------------------------------


class Api:
    """A logged-in client of Superset's REST API (JWT from /api/v1/security/login, plus the
    CSRF token its writes need), and a browser-style session for the UI's own views."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        user, password = ADMIN
        login = self.call(
            "POST",
            "/api/v1/security/login",
            {"username": user, "password": password, "provider": "db", "refresh": True},
        )
        self.token = str(login["access_token"])
        self.csrf = str(self.call("GET", "/api/v1/security/csrf_token/")["result"])

    def call(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"Content-Type": "application/json", "Referer": self.url}
        if getattr(self, "token", None):
            headers["Authorization"] = f"Bearer {self.token}"
        if getattr(self, "csrf", None):
            headers["X-CSRFToken"] = self.csrf
        data = None if body is None else json.dumps(body).encode()
        return self._open(urllib.request.Request(self.url + path, data, headers, method=method))

    def form(self, path: str, fields: dict[str, str], method: str = "POST") -> Any:
        """A form request to the UI's session views (SQL Lab's tab state); after
        login_session."""
        data = urllib.parse.urlencode({**fields, "csrf_token": self.csrf}).encode()
        headers = {"X-CSRFToken": self.csrf, "Referer": self.url}
        return self._open(urllib.request.Request(self.url + path, data, headers, method=method))

    def login_session(self) -> str:
        """Log in through the login form, as a person does; the session cookie's value."""
        page = self._raw(urllib.request.Request(self.url + "/login/"))
        match = re.search(r'id="csrf_token"\s+value="([^"]+)"', page)
        if match is None:
            raise CheckError("Superset's login page has no CSRF token")
        user, password = ADMIN
        fields = {"csrf_token": match.group(1), "username": user, "password": password}
        self._raw(
            urllib.request.Request(self.url + "/login/", urllib.parse.urlencode(fields).encode())
        )
        for cookie in self.cookies:
            if cookie.name == "session" and cookie.value:
                return cookie.value
        raise CheckError("logging in through Superset's login form failed")

    def _raw(self, request: urllib.request.Request) -> str:
        with self.opener.open(request, timeout=120) as reply:
            return str(reply.read().decode())

    def _open(self, request: urllib.request.Request) -> Any:
        try:
            with self.opener.open(request, timeout=120) as reply:
                text = reply.read().decode()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:500]
            raise CheckError(
                f"{request.get_method()} {request.full_url}: {exc.code} {detail}"
            ) from None
        return json.loads(text) if text else None


def register(api: Api, serving: Path) -> int:
    """The copy as a Superset database, read-only (created, or updated if it exists)."""
    body = {
        "database_name": DATABASE_NAME,
        "sqlalchemy_uri": f"duckdb:///{serving.resolve()}",
        "expose_in_sqllab": True,
        "allow_dml": False,
        "extra": json.dumps({"engine_params": {"connect_args": {"read_only": True}}}),
    }
    query = urllib.parse.quote(f"(filters:!((col:database_name,opr:eq,value:'{DATABASE_NAME}')))")
    existing = api.call("GET", f"/api/v1/database/?q={query}")["result"]
    if existing:
        pk = int(existing[0]["id"])
        api.call("PUT", f"/api/v1/database/{pk}", body)
        return pk
    return int(api.call("POST", "/api/v1/database/", body)["id"])


def marts_schema(api: Api, pk: int) -> str:
    """The schema Superset lists for the marts (duckdb-engine names it `<file stem>.marts`)."""
    schemas = [str(s) for s in api.call("GET", f"/api/v1/database/{pk}/schemas/")["result"]]
    for schema in schemas:
        if schema == "marts" or schema.endswith(".marts"):
            return schema
    raise CheckError(f"Superset lists no marts schema in the copy, only {schemas}")


def table_report(api: Api, pk: int, schema: str, table: str, expected: Declared) -> TableReport:
    query = urllib.parse.urlencode({"name": table, "schema": schema})
    meta = api.call("GET", f"/api/v1/database/{pk}/table_metadata/?{query}")
    primary = meta.get("primaryKey") or {}
    report = TableReport(
        name=table,
        primary_key=list(primary.get("constrained_columns") or primary.get("column_names") or []),
        foreign_keys=sorted(
            (list(fk["column_names"]), str(fk["referred_table"]), list(fk["referred_columns"]))
            for fk in meta.get("foreignKeys") or []
        ),
        comment=str(meta.get("comment") or ""),
        columns=len(meta["columns"]),
        described_columns=sum(1 for c in meta["columns"] if c.get("comment")),
        indexes=len(meta.get("indexes") or []),
    )
    if report.primary_key != expected.primary_key:
        report.problems.append(
            f"primary key: the copy declares {expected.primary_key or 'none'}, "
            f"Superset shows {report.primary_key or 'none'}"
        )
    for fk in expected.foreign_keys:
        if fk not in report.foreign_keys:
            report.problems.append(f"foreign key {_fk(fk)} is not shown")
    if not expected.comment:
        report.problems.append("the copy has no table description")
    elif report.comment != expected.comment:
        report.problems.append("the table description is not shown")
    if expected.described_columns < report.columns:
        report.problems.append(
            f"the copy describes {expected.described_columns} of {report.columns} columns"
        )
    if report.described_columns < expected.described_columns:
        report.problems.append(
            f"{report.described_columns} of {expected.described_columns} column descriptions shown"
        )
    return report


def _fk(fk: tuple[list[str], str, list[str]]) -> str:
    columns, table, to = fk
    return f"({', '.join(columns)}) -> {table}({', '.join(to)})"


def dataset(api: Api, pk: int, schema: str, table: str) -> tuple[int, int, int, list[str]]:
    """A new dataset of `table`, as *Datasets → + Dataset* makes it (one left by an earlier
    run is deleted first): (id, columns, columns with a description, problems)."""
    query = urllib.parse.quote(f"(filters:!((col:table_name,opr:eq,value:'{table}')))")
    for earlier in api.call("GET", f"/api/v1/dataset/?q={query}")["result"]:
        if earlier.get("database", {}).get("id") == pk:
            api.call("DELETE", f"/api/v1/dataset/{earlier['id']}")
    body = {"database": pk, "schema": schema, "table_name": table}
    ident = int(api.call("POST", "/api/v1/dataset/", body)["id"])
    result = api.call("GET", f"/api/v1/dataset/{ident}")["result"]
    columns = result["columns"]
    if not result.get("description"):
        print(f"dataset {ident} ({table}): no description (Superset copies no table comment)")
    described = sum(1 for c in columns if c.get("description"))
    problems = (
        []
        if described == len(columns)
        else [f"{described} of {len(columns)} dataset columns have a description"]
    )
    return ident, len(columns), described, problems


# -- screenshots -----------------------------------------------------------------------

#: JavaScript: the element of `selector` whose text starts with `text`, if any.
_FIND = (
    "[...document.querySelectorAll({selector})]"
    ".filter((e) => e.innerText && e.innerText.trim().startsWith({text})).pop()"
)


def screenshots(api: Api, pk: int, schema: str, dataset_id: int, out: Path) -> list[Path]:
    """SQL Lab's view of fct_goal_outcomes (its columns, then its keys) and the dataset
    editor's columns, as PNGs in `out`, from headless Chromium (CDP) logged in through
    Superset's login form. SQL Lab's tab is prepared through the UI's own tab-state views."""
    from tests.hub.browser import browser, chromium_binary

    binary = chromium_binary()
    if binary is None:
        raise CheckError("Chromium is not installed: apt-get install chromium")
    session = api.login_session()
    catalog = schema.split(".", 1)[0] if "." in schema else None
    editor = {
        "dbId": pk,
        "catalog": catalog,
        "schema": schema,
        "name": "Goals marts",
        "sql": f"select *\nfrom marts.{DATASET_TABLE}\nlimit 100",
    }
    tab = api.form("/tabstateview/", {"queryEditor": json.dumps(editor)})["id"]
    for table in ("dim_goals", DATASET_TABLE):
        shown = {"dbId": pk, "catalog": catalog, "schema": schema, "name": table}
        api.form("/tableschemaview/", {"table": json.dumps({**shown, "queryEditorId": tab})})
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    profile = out / ".chromium-profile"
    try:
        with browser(binary, profile) as page:
            page.send(
                "Network.setCookie",
                {"name": "session", "value": session, "url": api.url, "httpOnly": True},
            )
            page.send("Page.navigate", {"url": f"{api.url}/sqllab/"})
            table_tab = _find(".ant-tabs-tab-btn", f"{schema}.{DATASET_TABLE}")
            _click(page, table_tab)
            _wait(page, f"{_find('.ant-tabs-tab-btn', 'Columns (')} && true")
            written.append(_capture(page, out / "superset-sqllab-columns.png", 1000))
            indexes = _find(".ant-tabs-tab-btn", "Indexes (")
            if page.evaluate(f"!!({indexes})"):  # SQL Lab shows the tab only with keys
                _click(page, indexes)
                _wait(page, "document.body.innerText.includes('\"type\": ')")
                written.append(_capture(page, out / "superset-sqllab-keys.png", 1900))
            explore = f"/explore/?datasource_type=table&datasource_id={dataset_id}"
            page.send("Page.navigate", {"url": api.url + explore})
            _click(page, "document.querySelector('[data-test=datasource-menu-trigger]')")
            _click(page, _find(".ant-dropdown-menu-item, [role=menuitem]", "Edit dataset"))
            _click(page, _find(".ant-modal .ant-tabs-tab-btn", "Columns"))
            row = (
                "[...document.querySelectorAll('.ant-modal tr')]"
                ".find((r) => r.innerText.trim().startsWith('workspace_id'))"
            )
            _click(page, f"({row} || {{querySelector: () => null}}).querySelector('button')")
            _wait(
                page,
                "[...document.querySelectorAll('.ant-modal input, .ant-modal textarea')]"
                ".some((e) => e.value.includes('Joins to'))",
            )
            written.append(_capture(page, out / "superset-dataset-columns.png", 1000))
    finally:
        shutil.rmtree(profile, ignore_errors=True)
        api.form(f"/tabstateview/{tab}", {}, method="DELETE")  # no tab piles up per run
    return written


def _find(selector: str, text: str) -> str:
    return _FIND.format(selector=json.dumps(selector), text=json.dumps(text))


def _wait(page: Any, condition: str, timeout_s: int = 90) -> None:
    """Until `condition` (JavaScript) holds in the page, then let it settle for a moment;
    the waiting happens inside the page, with a deadline."""
    waiting = (
        "new Promise((resolve) => { const deadline = Date.now() + "
        f"{timeout_s * 1000}; const check = () => {{ if ({condition}) "
        "{ setTimeout(() => resolve(true), 1000); } else if (Date.now() > deadline) "
        "{ resolve(false); } else { setTimeout(check, 200); } }; check(); })"
    )
    for _ in range(3):
        try:
            ready = page.evaluate(waiting)
            break
        except RuntimeError as exc:  # the page navigated while waiting: wait in the new one
            if "context" not in str(exc).lower():
                raise
    else:
        ready = False
    if not ready:
        raise CheckError(f"Superset's page did not show what was expected: {condition}")


def _click(page: Any, element: str) -> None:
    """Wait for `element` (a JavaScript expression) to exist, then click it."""
    _wait(page, f"{element}")
    page.evaluate(f"({element}).click()")


def _capture(page: Any, path: Path, height: int) -> Path:
    """A PNG of the page at 1400 x `height` (SQL Lab's panels grow with the window)."""
    metrics = {"width": 1400, "height": height, "deviceScaleFactor": 1, "mobile": False}
    page.send("Emulation.setDeviceMetricsOverride", metrics)
    try:
        _wait(page, "true")
        shot = page.send("Page.captureScreenshot", {"format": "png"})
    finally:
        page.send("Emulation.setDeviceMetricsOverride", {**metrics, "height": 1000})
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


# -- main ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Open the serving copy in Apache Superset 6.1 and report the keys and "
        "descriptions it shows; exit 1 if one the copy declares is missing.",
    )
    parser.add_argument(
        "--serving",
        type=Path,
        default=ROOT / "warehouse" / "serving" / "goals_serving.duckdb",
        help="the serving copy (default: warehouse/serving/goals_serving.duckdb)",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=ROOT / "build" / "superset",
        help="Superset's virtualenv and home (default: build/superset)",
    )
    parser.add_argument("--python", default="python3.11", help="Python 3.11 for Superset's venv")
    parser.add_argument("--port", type=int, default=0, help="Superset's port (default: any free)")
    parser.add_argument(
        "--no-addon",
        action="store_true",
        help="plain Superset, without serving/superset_keys.py (shows what it lacks)",
    )
    parser.add_argument(
        "--screenshots", type=Path, help="write PNGs of SQL Lab and the dataset editor here"
    )
    args = parser.parse_args(argv)
    serving: Path = args.serving.resolve()
    if not serving.is_file():
        print(f"No serving copy at {serving}: run `make demo` (or `goals publish`) first.")
        return 1
    try:
        return check(args, serving)
    except CheckError as exc:
        print(f"superset-check: {exc}")
        return 1


def check(args: argparse.Namespace, serving: Path) -> int:
    expected = declared(serving)
    work: Path = args.work_dir.resolve()
    bin_dir = ensure_venv(work / "venv", args.python)
    home = work / "home"
    config = write_config(home, with_addon=not args.no_addon)
    env = superset_env(home, config)
    initialise(bin_dir, home, env)
    versions = _versions(bin_dir)
    port = args.port or free_port()
    with running_superset(bin_dir, env, port, home / "superset.log") as url:
        api = Api(url)
        pk = register(api, serving)
        schema = marts_schema(api, pk)
        addon = "without" if args.no_addon else "with"
        print(f"{versions}; {addon} serving/superset_keys.py")
        print(f"Superset at {url}: database {pk} = {serving} (read-only), schema {schema}\n")
        reports = [table_report(api, pk, schema, t, expected[t]) for t in expected]
        for report in reports:
            _print(report)
        ident, columns, described, dataset_problems = dataset(api, pk, schema, DATASET_TABLE)
        print(
            f"dataset {ident} ({DATASET_TABLE}): {described} of {columns} columns "
            "described in the dataset editor"
        )
        if args.screenshots:
            for path in screenshots(api, pk, schema, ident, args.screenshots):
                print(f"screenshot {path}")
    problems = [f"{r.name}: {p}" for r in reports for p in r.problems] + dataset_problems
    if problems:
        print("\nMissing in Superset:\n  " + "\n  ".join(problems))
        return 1
    print("\nSuperset shows every key and description of the copy.")
    return 0


def _print(report: TableReport) -> None:
    pk = ", ".join(report.primary_key) or "none"
    print(f"{report.name}")
    print(f"  primary key   {pk}")
    for fk in report.foreign_keys:
        print(f"  foreign key   {_fk(fk)}")
    if not report.foreign_keys:
        print("  foreign keys  none")
    comment = report.comment if len(report.comment) <= 90 else report.comment[:87] + "..."
    print(f"  description   {comment or 'none'}")
    print(f"  columns       {report.described_columns} of {report.columns} described")
    tab = f"Indexes ({report.indexes})" if report.indexes else "no Indexes tab (no keys)"
    print(f"  SQL Lab       {tab}")


def _versions(bin_dir: Path) -> str:
    names = ("apache-superset", "duckdb-engine", "duckdb", "SQLAlchemy")
    code = (
        "import importlib.metadata as m; "
        f"print(', '.join(n + ' ' + m.version(n) for n in {names!r}))"
    )
    done = subprocess.run(
        [str(bin_dir / "python"), "-c", code], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
