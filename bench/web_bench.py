"""Benchmark of the web input (issue #13): N portal pages served on this machine.

Serves N synthetic portal articles (corpus paragraphs recombined, bench/synth.py, each
wrapped in a NukeViet-style page with menus, related news and a footer) from H loopback
hosts (127.0.0.1 … 127.0.0.H, one threaded `http.server` each, with ETag and 304
support), then measures, in one run:

1. fetch only (`Fetcher`, robots.txt read), politeness delay off;
2. fetch + extract + store (`watch` over the URL list into a fresh DuckDB store), delay off;
3. the same second run over the unchanged pages: only conditional requests, all 304;
4. fetch only with the per-host delay on (0.25 s, and the default 1 s), where the delay,
   not the machine, sets the pace: N / H pages per host, one request per delay.

    .venv/bin/python bench/web_bench.py [--n 200] [--hosts 4] [--no-default-delay]

Figures are wall-clock seconds and pages/s, with each row's ratio to row 1.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import html
import platform
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synth import documents

from pipeline.web.fetch import Fetcher, FetchOptions
from pipeline.web.robots import Robots
from pipeline.web.watch import watch


def page(title: str, text: str) -> bytes:
    paras = "\n".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line.strip())
    menu = "".join(f'<li><a href="/m{i}">Mục {i}</a></li>' for i in range(12))
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)} - Cổng
thông tin</title></head><body><nav><ul>{menu}</ul></nav><div class="news_column"><h1>{html.escape(title)}</h1>
<span class="h5">Thứ năm - 18/01/2024 09:30</span><div id="news-bodyhtml">{paras}</div></div>
<div class="other-news"><p><strong>Những tin mới hơn</strong></p><ul>{menu}</ul></div>
<footer>© Bản quyền thuộc về Sở Thông tin và Truyền thông.</footer></body></html>""".encode()


class Site(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, bytes]] = {}  # the site's pages, set once before serving

    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
        elif self.path in self.pages:
            body, ctype = self.pages[self.path], "text/html; charset=utf-8"
        else:
            self.send_error(404)
            return
        tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == tag:
            self.send_response(304)
            self.send_header("ETag", tag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", tag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(hosts: int) -> tuple[list[ThreadingHTTPServer], list[str]]:
    servers = []
    bases = []
    for i in range(1, hosts + 1):
        server = ThreadingHTTPServer((f"127.0.0.{i}", 0), Site)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        bases.append(f"http://127.0.0.{i}:{server.server_address[1]}")
    return servers, bases


def fetch_only(urls: list[str], options: FetchOptions) -> tuple[float, int]:
    with Fetcher(options) as fetcher:
        Robots(fetcher)
        started = time.perf_counter()
        with ThreadPoolExecutor(options.concurrency) as pool:
            list(pool.map(fetcher.fetch, urls))
        return time.perf_counter() - started, fetcher.requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--no-default-delay", action="store_true", help="skip the 1 s delay row")
    args = parser.parse_args()
    for i, (name, text) in enumerate(documents(args.n)):
        Site.pages[f"/tin-tuc/{i:04d}-{name}.html"] = page(text.split("\n", 1)[0][:120], text)
    servers, bases = serve(args.hosts)
    urls = [f"{bases[i % args.hosts]}{path}" for i, path in enumerate(sorted(Site.pages))]
    off = FetchOptions(host_delay=0.0, concurrency=4)
    print(f"# {args.n} pages ({sum(map(len, Site.pages.values())) / args.n / 1024:.1f} kB each) on "
          f"{args.hosts} loopback hosts; {platform.python_version()}, {platform.machine()}, "
          f"concurrency {off.concurrency}")
    rows: list[tuple[str, float, int]] = []
    seconds, requests = fetch_only(urls, off)
    rows.append(("fetch only, delay off", seconds, requests))
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "web.duckdb"
        first = watch([], store, off, urls=urls, attachments=False)
        rows.append((f"fetch+extract+store, delay off ({first['extracted']} extracted)", first["seconds"],
                     first["requests"]))
        second = watch([], store, off, urls=urls, attachments=False)
        label = (f"second run, unchanged ({second['conditional_requests']} conditional, "
                 f"{second['extracted']} extracted)")
        rows.append((label, second["seconds"], second["requests"]))
    for delay in (0.25,) + (() if args.no_default_delay else (1.0,)):
        seconds, requests = fetch_only(urls, dataclasses.replace(off, host_delay=delay))
        rows.append((f"fetch only, delay {delay:g} s per host", seconds, requests))
    base = rows[0][1]
    print("| run | seconds | pages/s | requests | time vs row 1 |\n|---|---|---|---|---|")
    for label, seconds, requests in rows:
        print(f"| {label} | {seconds:.2f} | {args.n / seconds:.1f} | {requests} | {seconds / base:.1f}x |")
    for server in servers:
        server.shutdown()


if __name__ == "__main__":
    main()
