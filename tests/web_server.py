"""A real HTTP server on 127.0.0.1 for the web tests (pytest-httpserver, threaded).

Threaded, because the fault tests hold a connection open (a timeout) while other requests
go on; bound to 127.0.0.1 so nothing reaches beyond the machine.  `FAST` are fetch
options with the politeness delays and timeouts cut to what a test can wait for.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pipeline.web.fetch import FetchOptions

FAST = FetchOptions(host_delay=0.0, connect_timeout=2.0, read_timeout=0.5, retries=2, backoff=0.05,
                    max_wait=2.0, concurrency=4)


@pytest.fixture(scope="session")
def _server() -> Iterator[HTTPServer]:
    """One server for the session: stopping a threaded werkzeug server takes 0.5 s."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.no_handler_status_code = 404  # a path no test serves is missing, as on a real site
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def site(_server: HTTPServer) -> Iterator[HTTPServer]:
    """The server with no handlers and an empty log."""
    _server.clear()
    _server.no_handler_status_code = 404  # clear() resets it
    yield _server
    _server.clear()


def requests_to(server: HTTPServer, path: str) -> list[Request]:
    """The requests the server saw for `path`, oldest first."""
    return [req for req, _ in server.log if req.path == path]


def html_response(body: str, charset: str | None = "utf-8", status: int = 200,
                  headers: dict[str, str] | None = None, content_type: str = "text/html") -> Response:
    ct = content_type + (f"; charset={charset}" if charset else "")
    data = body.encode(charset or "utf-8")
    return Response(data, status=status, headers={"Content-Type": ct, **(headers or {})})


def gzip_bomb(decoded_bytes: int) -> bytes:
    """A small gzip body that inflates to `decoded_bytes` of zeros."""
    return gzip.compress(b"\0" * decoded_bytes, compresslevel=9)
