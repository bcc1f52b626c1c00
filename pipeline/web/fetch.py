"""Polite, bounded HTTP fetching: the one place chitieu talks to the web.

Why httpx: a maintained client with separate connect/read/pool timeouts, streaming bodies
(so a size cap holds while reading, also after gzip/deflate/brotli decoding), connection
pools shared across threads, and redirects that can be turned off and followed here, so
each hop is checked against robots.txt and loop detection.  Prefect already depends on
it, so it adds no install weight.

Politeness: one request at a time per host with a minimum delay between them (or the
host's robots.txt `Crawl-delay` when that is longer), a global limit of requests in flight,
robots.txt honoured for every hop, and retries that back off (doubling, or as long as a
`Retry-After` says, within a cap) on connection errors, timeouts, 429 and 5xx.  A URL the
cache has seen is asked for with `If-None-Match`/`If-Modified-Since`, so an unchanged page
costs a 304 and its kept bytes are reused.

Every way a fetch can fail ends as a `FetchError` with one line of reason; nothing here
writes anything (the caller keeps bytes and fetch rows), so a failed URL loses nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Protocol, Self
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx

from pipeline.errors import ChitieuError
from pipeline.web.decode import ACCEPT_ENCODING, BodyError, decoded_body

USER_AGENT = "chitieu/0.1 (extracts targets from published plans; honours robots.txt)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(ChitieuError):
    """A URL could not be fetched; the message is the one-line reason."""


@dataclass(frozen=True)
class FetchOptions:
    """How to fetch: limits and politeness, with defaults fit for public portals.

    Tests and benchmarks shorten the delays and timeouts; nothing is read from globals.
    """

    user_agent: str = USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # one read from the socket (`--timeout`)
    max_seconds: float = 300.0  # one whole response: a server trickling bytes is cut off here
    max_bytes: int = 50 * 1024 * 1024  # of the decoded body, counted as it inflates: a gzip bomb stops here
    max_redirects: int = 5
    retries: int = 3  # after the first try
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_wait: float = 120.0  # the longest Retry-After (or backoff) honoured; beyond, give up
    host_delay: float = 1.0  # seconds between two requests to one host
    concurrency: int = 4  # requests in flight over all hosts
    robots: bool = True


@dataclass(frozen=True)
class Cached:
    """What an earlier fetch of a URL left: validators for a conditional GET, and its bytes."""

    etag: str | None
    last_modified: str | None
    sha256: str


class FetchCache(Protocol):
    """Earlier fetches (the store's `fetches` table): validators and kept bytes by URL."""

    def cached(self, url: str) -> Cached | None: ...

    def body(self, sha256: str) -> bytes | None: ...


@dataclass(frozen=True)
class FetchResult:
    """One fetched URL: where it ended, what came back, and when."""

    url: str
    final_url: str
    status: int  # the final response's status: 200, or 304 when `unchanged`
    headers: dict[str, str]
    body: bytes
    fetched_at: str  # ISO 8601 UTC
    unchanged: bool = False  # a 304: `body` is the kept bytes of the earlier fetch
    redirects: tuple[str, ...] = ()
    conditional: bool = False  # the request carried validators

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def host(self) -> str:
        return urlsplit(self.final_url).hostname or ""


def normalise_url(url: str) -> str:
    """The URL as fetched and stored: stripped, without a #fragment."""
    return urldefrag(url.strip())[0]


def check_url(url: str) -> str:
    """Refuse what is not an absolute http(s) URL, in one line."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("not an http(s) URL")
    return url


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds a `Retry-After` header asks to wait (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def utc_now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: float = 0.0  # monotonic time before which no request goes to this host


class HostLimiter:
    """One request at a time per host, `delay` seconds apart; `concurrency` in flight overall."""

    def __init__(self, delay: float, concurrency: int) -> None:
        self.delay = delay
        self._hosts: dict[str, _Host] = {}
        self._guard = threading.Lock()
        self._slots = threading.BoundedSemaphore(max(1, concurrency))

    def _host(self, host: str) -> _Host:
        with self._guard:
            return self._hosts.setdefault(host, _Host())

    def hold_off(self, host: str, seconds: float) -> None:
        """A host asked to wait (429/503 Retry-After, backoff): no request to it before then."""
        h = self._host(host)
        h.next_at = max(h.next_at, time.monotonic() + seconds)

    @contextmanager
    def slot(self, host: str, delay: float | None = None) -> Iterator[None]:
        h = self._host(host)
        with h.lock:
            wait = h.next_at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            with self._slots:
                try:
                    yield
                finally:
                    h.next_at = max(h.next_at, time.monotonic() + (self.delay if delay is None else delay))


RobotsCheck = Callable[[str], str | None]  # URL -> reason it may not be fetched, or None


class Fetcher:
    """An httpx client with the politeness and limits of `FetchOptions`; thread-safe.

    Use as a context manager.  `robots` (set by `pipeline.web.robots.Robots`) is asked
    before every hop; `cache` makes requests conditional.
    """

    def __init__(self, options: FetchOptions | None = None, cache: FetchCache | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.options = options or FetchOptions()
        self.cache = cache
        self.limiter = HostLimiter(self.options.host_delay, self.options.concurrency)
        self.robots: RobotsCheck | None = None
        self.crawl_delay: Callable[[str], float | None] = lambda host: None
        o = self.options
        # No connection is kept alive: each request opens its own, so `Deadline` knows the
        # socket to cut when a response runs past `max_seconds` (one polite request a
        # second per host makes the extra handshake cheap).
        self.client = httpx.Client(
            headers={"User-Agent": o.user_agent, "Accept-Language": "vi, en;q=0.5",
                     "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(o.read_timeout, connect=o.connect_timeout),
            follow_redirects=False,
            limits=httpx.Limits(max_connections=max(1, o.concurrency) * 2, max_keepalive_connections=0),
            transport=transport,
        )
        self.requests = 0  # HTTP requests sent (benchmarks and tests read it)
        self.conditional_requests = 0  # of which carried If-None-Match / If-Modified-Since
        self._count = threading.Lock()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    # --- one URL, following redirects ---------------------------------------------------

    def fetch(self, url: str, conditional: bool = True, check_robots: bool = True) -> FetchResult:
        """GET `url` with redirects followed (each hop checked), or raise `FetchError`."""
        url = check_url(normalise_url(url))
        cached = self.cache.cached(url) if (self.cache and conditional) else None
        seen = [url]
        current = url
        for _ in range(self.options.max_redirects + 1):
            if check_robots and self.options.robots and self.robots and (reason := self.robots(current)):
                raise FetchError(reason)
            headers = {}
            if cached and current == url:
                if cached.etag:
                    headers["If-None-Match"] = cached.etag
                if cached.last_modified:
                    headers["If-Modified-Since"] = cached.last_modified
            status, resp_headers, body = self._get(current, headers)
            if status in (301, 302, 303, 307, 308):
                location = resp_headers.get("location")
                if not location:
                    raise FetchError(f"HTTP {status} redirect without a Location")
                target = normalise_url(urljoin(current, location))
                check_url(target)
                if target in seen:
                    raise FetchError(f"redirect loop: {' -> '.join([*seen[seen.index(target):], target])}")
                seen.append(target)
                current = target
                continue
            if status == 304 and cached:
                kept = self.cache.body(cached.sha256) if self.cache else None
                if kept is None:  # the kept bytes are gone: ask again, unconditionally
                    return self.fetch(url, conditional=False, check_robots=check_robots)
                return FetchResult(url, current, 304, resp_headers, kept, utc_now_iso(), unchanged=True,
                                   redirects=tuple(seen[1:]), conditional=True)
            if status >= 400:
                raise FetchError(f"HTTP {status}{' ' + _reason(status) if _reason(status) else ''}")
            if status != 200:
                raise FetchError(f"HTTP {status}: not a document")
            return FetchResult(url, current, status, resp_headers, body, utc_now_iso(),
                               redirects=tuple(seen[1:]), conditional=bool(headers))
        raise FetchError(f"more than {self.options.max_redirects} redirects")

    # --- one request, with retries ------------------------------------------------------

    def _get(self, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        o = self.options
        host = urlsplit(url).hostname or ""
        delay = max(o.host_delay, self.crawl_delay(host) or 0.0)
        last = ""
        for attempt in range(o.retries + 1):
            wait = o.backoff * 2**attempt
            try:
                with self.limiter.slot(host, delay):
                    status, resp_headers, body = self._once(url, headers)
            except httpx.TimeoutException:
                last = f"timed out after {o.read_timeout:g} s"
            except httpx.TransportError as exc:
                last = f"connection failed: {_oneline(exc) or type(exc).__name__}"
            else:
                if status not in RETRY_STATUSES:
                    return status, resp_headers, body
                last = f"HTTP {status} {_reason(status)}".rstrip()
                asked = retry_after(resp_headers.get("retry-after"))
                if asked is not None:
                    if asked > o.max_wait:
                        raise FetchError(f"{last}: Retry-After {asked:.0f} s is over the {o.max_wait:g} s limit")
                    wait = max(wait, asked)
            if attempt < o.retries:
                self.limiter.hold_off(host, wait)
        tries = o.retries + 1
        raise FetchError(f"{last} ({tries} tr{'y' if tries == 1 else 'ies'})")

    def _once(self, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """One GET; the body is read only for a 200, and never past `max_bytes` decoded.

        The whole response must come within `max_seconds`: httpx's read timeout is per
        socket read, so a server sending a byte every few seconds never trips it.
        """
        o = self.options
        with self._count:
            self.requests += 1
            self.conditional_requests += bool(headers)
        with Deadline(o.max_seconds) as deadline:
            try:
                with self.client.stream("GET", url, headers=headers,
                                        extensions={"trace": deadline.trace}) as response:
                    resp_headers = {k.lower(): v for k, v in response.headers.items()}
                    if response.status_code != 200:
                        return response.status_code, resp_headers, b""
                    declared = resp_headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > o.max_bytes and "content-encoding" not in resp_headers:
                        raise FetchError(f"body is {declared} bytes, over the {o.max_bytes}-byte limit")
                    try:
                        body = decoded_body(response.iter_raw(), resp_headers.get("content-encoding", ""),
                                            o.max_bytes)
                    except BodyError as exc:
                        raise FetchError(str(exc)) from exc
                    if deadline.passed:  # a body that ends with its connection ends where it was cut
                        raise FetchError(deadline.reason)
                    return response.status_code, resp_headers, body
            except (httpx.TransportError, httpx.StreamError) as exc:
                if deadline.passed:  # the socket was cut: not a fault worth a retry
                    raise FetchError(deadline.reason) from exc
                raise


class Deadline:
    """Cut a request's socket once `seconds` have passed since it started.

    httpcore reports the socket of each new connection through the request's `trace`
    extension; a timer shuts it down at the deadline, so a read blocked on a server that
    trickles bytes returns at once and the fetch fails with that reason.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.passed = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True

    @property
    def reason(self) -> str:
        return f"no whole response within {self.seconds:g} s (the server sends too slowly)"

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if isinstance(sock, socket.socket):
                with self._lock:
                    self._sockets.append(sock)
                    late = self.passed
                if late:
                    self._cut()

    def _cut(self) -> None:
        with self._lock:
            self.passed = True
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> Self:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def _oneline(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


def _reason(status: int) -> str:
    try:
        from http import HTTPStatus

        return HTTPStatus(status).phrase
    except ValueError:
        return ""
