"""Real headless Chromium driven over the Chrome DevTools protocol (CDP), and the goals hub
run by a real `streamlit run`: the browser test and the docs' screenshots use them.

A page is ready when Streamlit's app root says the script is not running and the page's
title (`st.title`, an h1) is there; the wait happens inside the page (a promise awaited by
Runtime.evaluate), with a deadline, so nothing here sleeps.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

from tests.support import PROJECT_DIR as ROOT

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
WIDTH, HEIGHT = 1400, 1000
PAGE_TIMEOUT_S = 90

#: Resolves to true once the Streamlit page has rendered (false at the deadline).
_READY_JS = """
new Promise((resolve) => {
  const deadline = Date.now() + %d;
  const check = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-script-state');
    const title = document.querySelector('[data-testid="stMain"] h1');
    const skeleton = document.querySelector('[data-testid="stAppSkeleton"]');
    if (state === 'notRunning' && title && !skeleton) {
      setTimeout(() => resolve(true), 500);  // let charts lay out
    } else if (Date.now() > deadline) {
      resolve(false);
    } else {
      setTimeout(check, 100);
    }
  };
  check();
})
"""

#: What the page shows of Streamlit errors: exception boxes, error alerts, tracebacks.
_PROBLEMS_JS = """
(() => {
  const problems = [];
  document.querySelectorAll('[data-testid="stException"]').forEach(
    (e) => problems.push('stException: ' + e.innerText.slice(0, 500)));
  document.querySelectorAll('[data-testid="stAlertContentError"]').forEach(
    (e) => problems.push('st.error: ' + e.innerText.slice(0, 500)));
  const text = document.body.innerText;
  for (const marker of ['Traceback', 'StreamlitAPIException', 'Error running app',
                        'Page not found']) {
    if (text.includes(marker)) problems.push('page text contains ' + marker);
  }
  return JSON.stringify(problems);
})()
"""


def chromium_binary() -> str | None:
    for candidate in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(candidate)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Browser:
    """One tab of a headless Chromium, driven over CDP."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self._next_id = 0
        target = self._command("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self._command("Target.attachToTarget", {"targetId": target, "flatten": True})
        self.session = attached["sessionId"]
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
        )
        self.send("Page.enable")

    def _command(
        self, method: str, params: Mapping[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv(timeout=PAGE_TIMEOUT_S + 30))
            if reply.get("id") != self._next_id:
                continue  # an event
            if "error" in reply:
                raise RuntimeError(f"{method}: {reply['error']}")
            return dict(reply.get("result") or {})

    def send(self, method: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """A command to the tab."""
        return self._command(method, params, self.session)

    def evaluate(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str) -> bool:
        """Load `url` and wait until Streamlit has rendered it; False at the deadline."""
        self.send("Page.navigate", {"url": url})
        return bool(self.evaluate(_READY_JS % (PAGE_TIMEOUT_S * 1000)))

    def problems(self) -> list[str]:
        """The Streamlit errors the page shows."""
        return list(json.loads(self.evaluate(_PROBLEMS_JS)))

    def text(self) -> str:
        return str(self.evaluate("document.body.innerText"))

    def screenshot(self, path: Path) -> None:
        """The page at WIDTH wide, as tall as its content (at least HEIGHT)."""
        height = int(
            self.evaluate(
                "(() => { const main = document.querySelector('[data-testid=\"stMain\"]');"
                " return main ? main.scrollHeight : 0; })()"
            )
            or 0
        )
        tall = max(HEIGHT, height)
        metrics = {"width": WIDTH, "deviceScaleFactor": 1, "mobile": False}
        self.send("Emulation.setDeviceMetricsOverride", {**metrics, "height": tall})
        try:
            shot = self.send("Page.captureScreenshot", {"format": "png"})
        finally:
            self.send("Emulation.setDeviceMetricsOverride", {**metrics, "height": HEIGHT})
        path.write_bytes(base64.b64decode(shot["data"]))


def _devtools_url(process: subprocess.Popen[str]) -> str:
    """Chromium prints `DevTools listening on ws://...` on stderr once it listens."""
    assert process.stderr is not None
    seen: list[str] = []
    for line in process.stderr:
        seen.append(line)
        if "DevTools listening on " in line:
            # keep draining stderr so that Chromium never blocks on a full pipe
            threading.Thread(target=process.stderr.read, daemon=True).start()
            return line.split("DevTools listening on ", 1)[1].strip()
    raise RuntimeError("Chromium exited before listening:\n" + "".join(seen[-20:]))


@contextmanager
def browser(binary: str, user_data_dir: Path) -> Iterator[Browser]:
    """A headless Chromium with its own profile folder, and a tab of it; killed afterwards."""
    process = subprocess.Popen(
        [
            binary,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={user_data_dir}",
            f"--window-size={WIDTH},{HEIGHT}",
            "--remote-debugging-port=0",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its renderers and helpers go with it
    )
    try:
        with connect(_devtools_url(process), max_size=None, open_timeout=30) as ws:
            yield Browser(ws)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, 9)
        process.wait()


@dataclass(frozen=True)
class RunningHub:
    url: str
    process: subprocess.Popen[str]


@contextmanager
def running_hub(serving: Path, telemetry: Path | None, log: Path) -> Iterator[RunningHub]:
    """`goals hub` (a real `streamlit run`) on a free localhost port, until it answers its
    health check; stopped afterwards."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "cli.app",
        "hub",
        "--serving",
        str(serving),
        "--port",
        str(port),
        "--address",
        "127.0.0.1",
    ]
    if telemetry is not None:
        command += ["--telemetry", str(telemetry)]
    env = {**os.environ, "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            _wait_healthy(f"http://127.0.0.1:{port}", process, log)
            yield RunningHub(f"http://127.0.0.1:{port}", process)
        finally:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, 15)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()


def _wait_healthy(url: str, process: subprocess.Popen[str], log: Path) -> None:
    """Block until the server answers /_stcore/health (each try waits on the socket; a
    refused connection is retried until the server listens or exits)."""
    import time

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the hub exited ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as reply:
                if reply.status == 200:
                    return
        except OSError:
            with socket.socket() as sock:  # block until the port accepts, or 1 s
                sock.settimeout(1)
                with suppress(OSError):
                    sock.connect(("127.0.0.1", int(url.rsplit(":", 1)[1])))
                    continue
                # nothing listening yet: wait on the process for a moment instead of sleeping
                with suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=0.2)
    raise RuntimeError(f"the hub did not answer within 120 s:\n{log.read_text()}")
