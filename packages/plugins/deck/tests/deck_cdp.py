"""A headless chromium driven over the DevTools protocol, for the deck's browser tests.

The browser is Debian's ``chromium`` (the nox session installs it). It is started with
``--remote-debugging-pipe``: DevTools messages travel as NUL-terminated JSON on the child's
file descriptors 3 (commands in) and 4 (replies and events out), so no port is opened and no
WebDriver or websocket library is needed.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import subprocess
import time
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
    "--window-size=1280,860",
    "--remote-debugging-pipe",
]


class DevToolsError(RuntimeError):
    pass


class Browser:
    """A chromium process and one page, spoken to over the DevTools pipe."""

    def __init__(self, executable: str, profile: Path, timeout: float = 30.0) -> None:
        self.timeout = timeout
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()

        def child_fds() -> None:
            # give the browser the pipe ends as fds 3 and 4; copy them above 10 first so
            # that moving one cannot overwrite the other
            low_in = fcntl.fcntl(commands_read, fcntl.F_DUPFD, 10)
            low_out = fcntl.fcntl(replies_write, fcntl.F_DUPFD, 10)
            os.dup2(low_in, 3)
            os.dup2(low_out, 4)

        self.log_path = profile / "chromium.log"
        # chromium's crash reporter writes under $XDG_CONFIG_HOME whatever --user-data-dir
        # says: keep that inside the profile too, so a test run leaves nothing in $HOME
        env = {
            **os.environ,
            "XDG_CONFIG_HOME": str(profile / "config"),
            "XDG_CACHE_HOME": str(profile / "cache"),
        }
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                close_fds=False,  # our descriptors are non-inheritable; fds 3 and 4 must stay
                preexec_fn=child_fds,
            )
        os.close(commands_read)
        os.close(replies_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self.session: str | None = None

    # -- protocol ---------------------------------------------------------------------------

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise DevToolsError(f"chromium did not answer in time; log: {self.log()}")
            ready, _, _ = select.select([self._replies], [], [], left)
            if ready:
                chunk = os.read(self._replies, 1 << 16)
                if not chunk:
                    raise DevToolsError(f"chromium closed the DevTools pipe; log: {self.log()}")
                self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def send(self, method: str, params: dict[str, Any] | None = None, *,
             browser: bool = False) -> dict[str, Any]:
        """Send a command (to the page's session unless ``browser``) and wait for its reply."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if not browser:
            message["sessionId"] = self.session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._commands, data):]
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise DevToolsError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        seen = len(self.events)
        for event in self.events[:seen]:
            if event["method"] == method:
                self.events.remove(event)
                return event
        while True:
            message = self._receive(deadline)
            if message.get("method") == method:
                return message
            if "method" in message:
                self.events.append(message)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-2000:]
        except OSError:
            return "(no log)"

    # -- page helpers -----------------------------------------------------------------------

    def open_page(self) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, browser=True)
        attached = self.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True},
            browser=True,
        )
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        # an injected alert() must not block the page (a dialog would stall every command):
        # dialogs only set a flag the tests check
        self.send("Page.addScriptToEvaluateOnNewDocument", {"source": (
            "window.alert = window.confirm = window.prompt = "
            "function () { window.__pwned = true; };"
        )})
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": 1280, "height": 860, "deviceScaleFactor": 1, "mobile": False})

    def navigate(self, url: str) -> None:
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}
        )
        if "exceptionDetails" in result:
            raise DevToolsError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element (as a user would click)."""
        box = self.evaluate(
            f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {
                "type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1,
            })

    def screenshot(self, path: Path) -> Path:
        shot = self.send("Page.captureScreenshot", {"format": "png"})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def drain(self) -> None:
        """Collect events that arrived without a command waiting for them."""
        while True:
            ready, _, _ = select.select([self._replies], [], [], 0.2)
            if not ready:
                break
            chunk = os.read(self._replies, 1 << 16)
            if not chunk:
                break
            self._buffer += chunk
            while b"\0" in self._buffer:
                message, _, self._buffer = self._buffer.partition(b"\0")
                parsed = json.loads(message)
                if "method" in parsed:
                    self.events.append(parsed)

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries seen so far."""
        self.drain()
        found = []
        for event in self.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails']}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error",
                                                                                  "assert"):
                found.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(f"log: {params['entry'].get('text')}")
            elif method == "Page.javascriptDialogOpening":
                found.append(f"dialog opened: {params.get('message')}")
        return found

    def requests(self) -> list[str]:
        self.drain()
        return [e["params"]["request"]["url"] for e in self.events
                if e["method"] == "Network.requestWillBeSent"]

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                self.send("Browser.close", browser=True)
        except (DevToolsError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        finally:
            os.close(self._commands)
            os.close(self._replies)
