"""Headless Chromium driven over its DevTools pipe: time a page's first screen without browser start-up.

A whole `chromium --screenshot` run is mostly the browser starting (about 0.8 s idle, 3 s on a
busy 2-core machine), which hides what the page itself costs.  Over `--remote-debugging-pipe`
(file descriptors 3 and 4, NUL-terminated JSON; no client library needed) the browser is
started once, then each page is opened in a fresh tab and timed from navigation to the first
screen captured, with the page's own first-contentful-paint and load-event times beside it.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Self


class Browser:
    """One headless Chromium; `first_screen(url)` times a page in a new tab."""

    def __init__(self, profile: Path, width: int = 1400, height: int = 1000) -> None:
        chromium = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--hide-scrollbars",
                   f"--user-data-dir={profile}", f"--window-size={width},{height}", "--remote-debugging-pipe",
                   "about:blank"]
        # the pipe ends become fds 3 (commands in) and 4 (answers out), where chromium expects them
        # (to_browser_r < from_browser_w, so moving 3 first never overwrites the other end)
        close = "".join(f" {fd}<&-" for fd in (to_browser_r, from_browser_w) if fd not in (3, 4))
        shell = f"exec 3<&{to_browser_r} 4>&{from_browser_w}{close}; exec {shlex.join(command)}"
        self._proc = subprocess.Popen(["sh", "-c", shell], pass_fds=(to_browser_r, from_browser_w),
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0

    def _send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed its DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        """Send a command and wait for its answer (events met on the way are dropped)."""
        wanted = self._send(method, params, session)
        while True:
            message = self._read()
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result

    def _wait_event(self, name: str, session: str) -> None:
        while True:
            message = self._read()
            if message.get("method") == name and message.get("sessionId") == session:
                return

    def first_screen(self, url: str) -> dict[str, float]:
        """Seconds from navigation to the first screen captured, and the page's own paint/load times."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", session=session)
        started = time.perf_counter()
        self._send("Page.navigate", {"url": url}, session)
        self._wait_event("Page.loadEventFired", session)
        self.call("Page.captureScreenshot", {"format": "png"}, session)
        wall = time.perf_counter() - started
        timing = self.call("Runtime.evaluate", {"returnByValue": True, "expression": (
            "JSON.stringify({fcp: (performance.getEntriesByName('first-contentful-paint')[0]||{}).startTime,"
            " load: performance.getEntriesByType('navigation')[0].loadEventEnd})")}, session)
        page = json.loads(timing["result"]["value"])
        self.call("Target.closeTarget", {"targetId": target})
        return {"first_screen_seconds": wall, "first_paint_seconds": (page.get("fcp") or 0.0) / 1000,
                "load_seconds": (page.get("load") or 0.0) / 1000}

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
