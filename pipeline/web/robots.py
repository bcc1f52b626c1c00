"""robots.txt, read with protego and fetched once per host through the polite fetcher.

Why protego rather than `urllib.robotparser`: it follows Google's reading (longest match
wins, `Allow` beats an equal `Disallow`, `*` and `$` wildcards) that portals write their
files for, and reads `Crawl-delay`.  A host without robots.txt (404, 410) allows all; a
host whose robots.txt cannot be fetched (5xx, timeout) is treated as disallowing all, as
RFC 9309 §2.3.1.3 asks: a failing server is not a licence to crawl it.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit, urlunsplit

from protego import Protego

from pipeline.web.fetch import Fetcher, FetchError, FetchResult

E_DISALLOWED = "disallowed by robots.txt ({robots})"
E_UNREACHABLE = "robots.txt cannot be read ({reason}): not fetching from this host"
MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309 asks parsers to read at least 500 KiB


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def _missing(reason: str) -> bool:
    """A 4xx other than 429 means the host has no robots.txt for us: all is allowed."""
    return reason.startswith("HTTP 4") and not reason.startswith("HTTP 429")


class Robots:
    """Per-host robots.txt rules; attach to a `Fetcher` so every hop is checked."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self.user_agent = fetcher.options.user_agent
        self._rules: dict[str, Protego | str] = {}  # robots URL -> rules, or why unreadable
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}  # one per robots URL: hosts load in parallel
        self.fetched: list[FetchResult] = []  # robots.txt fetches, for the caller to keep
        fetcher.robots = self.reason
        fetcher.crawl_delay = self.crawl_delay

    def _load(self, url: str) -> Protego | str:
        key = robots_url(url)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key in self._rules:
                return self._rules[key]
            try:
                result = self.fetcher.fetch(key, check_robots=False)
            except FetchError as exc:
                reason = str(exc)
                rules: Protego | str = Protego.parse("") if _missing(reason) else reason
            else:
                self.fetched.append(result)
                text = result.body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
                rules = Protego.parse(text)
            self._rules[key] = rules
            return rules

    def reason(self, url: str) -> str | None:
        """Why `url` may not be fetched, or None when robots.txt allows it."""
        rules = self._load(url)
        if isinstance(rules, str):
            return E_UNREACHABLE.format(reason=rules)
        if not rules.can_fetch(url, self.user_agent):
            return E_DISALLOWED.format(robots=robots_url(url))
        return None

    def crawl_delay(self, host: str) -> float | None:
        """The host's Crawl-delay, once its robots.txt is loaded (never loads it itself)."""
        for key, rules in list(self._rules.items()):
            if urlsplit(key).hostname == host and not isinstance(rules, str):
                delay = rules.crawl_delay(self.user_agent)
                return float(delay) if delay is not None else None
        return None
