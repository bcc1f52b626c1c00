"""Fetched pages under the per-document bounds of files (issue 12, "left alone"): served from
127.0.0.1, read and extracted in a sandboxed worker, so a page over its time or memory bound
fails alone, as one `url: reason` line naming the bound, and the good page beside it is
stored, for `chitieu watch`, `run --input urls.txt` (with and without `--store`) and
`extract URL`.

The hostile pages: a run-on text that takes well over 2 s to extract (`--max-seconds 2`),
and an HTML page whose parse needs more than 150 MB (`--max-memory 150`), refused before it
is parsed, in the worker and in the main process's search for links.  Before, watch and
`run --store` read and extracted a page in their own process: the first ran for as long
as it took, the second was parsed and extracted whatever `--max-memory` said.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from pytest_httpserver import HTTPServer
from test_ingest_render import OFFICIAL_PARAGRAPHS, portal_html
from test_web_watch import Portal

from pipeline.batch.sandbox import Bounds
from pipeline.cli import main
from pipeline.store.db import Store
from pipeline.web.links import attachment_links
from pipeline.web.sources import WebSource
from pipeline.web.watch import watch
from tests.web_server import FAST as WEB_FAST
from tests.web_server import html_response

GOOD_PAGE = portal_html(list(OFFICIAL_PARAGRAPHS[1:]))
SLOW_TEXT = "đến năm 2025 đạt 90% hồ sơ " * 2184 * 12  # run-on, 0.8 MB: about 7 s to extract on a quiet machine
BIG_PAGE = "<html><body>" + "<p>x</p>" * 700_000 + "</body></html>"  # 5.6 MB whose tree needs about 200 MB
BOUNDS = ["--max-seconds", "2", "--max-memory", "150"]
FAST = ["--delay", "0", "--timeout", "5"]
TIME_BOUND = "took more than 2 s to extract (the per-document time bound; raise --max-seconds)"
# Every hostile page in every command is opt-in (each time-bound failure costs a new worker, ~7 s
# on a loaded machine); by default each command meets the page too big to parse, and watch both.
EVERY_CASE = os.environ.get("CHITIEU_STRESS") == "1"


def _is_memory_bound(reason: str) -> bool:
    """The memory bound's refusal of a page too big to parse within it (its figures vary with the worker)."""
    return reason.startswith(f"HTML page of {len(BIG_PAGE)} characters needs about") and \
        reason.endswith("(raise --max-memory)")


@pytest.fixture
def serve(site: HTTPServer) -> Callable[..., dict[str, str]]:
    """Serve the good article and the hostile pages named: name -> URL, the hostile ones first."""
    bodies = {"slow.txt": (SLOW_TEXT, "text/plain"), "big.html": (BIG_PAGE, "text/html"),
              "good.html": (GOOD_PAGE, "text/html")}

    def pages(*hostile: str) -> dict[str, str]:
        names = [*(hostile if not EVERY_CASE else ("slow.txt", "big.html")), "good.html"]
        for name in names:
            text, media = bodies[name]
            site.expect_request(f"/{name}").respond_with_response(html_response(text, content_type=media))
        return {name: site.url_for(f"/{name}") for name in names}

    return pages


def _url_list(tmp_path: Path, urls: dict[str, str]) -> Path:
    listed = tmp_path / "urls.txt"
    listed.write_text("".join(f"{u}\n" for u in urls.values()), encoding="utf-8")
    return listed


def _failed_alone(err: str, urls: dict[str, str]) -> dict[str, str]:
    """The failure lines, URL -> reason: one for each hostile page, none for the good one."""
    failed = dict(line.split(": ", 1) for line in err.splitlines() if line.startswith("http://"))
    assert set(failed) == {url for name, url in urls.items() if name != "good.html"}
    _check_reasons(failed, urls)
    return failed


def _check_reasons(failed: dict[str, str], urls: dict[str, str]) -> None:
    if "slow.txt" in urls:
        assert failed[urls["slow.txt"]] == TIME_BOUND
    if "big.html" in urls:
        assert _is_memory_bound(failed[urls["big.html"]]), failed[urls["big.html"]]


def _stored(store: Path) -> tuple[list[str], dict[str, str]]:
    """The URLs the store has a plan for, and its failures (URL -> reason)."""
    with Store.open(store, read_only=True) as db:
        _, named = db.query("SELECT n.name FROM names n JOIN plans p USING (sha256) ORDER BY 1")
        _, failed = db.query("SELECT name, reason FROM failures")
    return [n for (n,) in named], dict(failed)


def test_extract_url_reads_each_page_in_a_bounded_worker(
        serve: Callable[..., dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pages = serve("big.html")
    out = tmp_path / "out"
    code = main(["extract", *pages.values(), "--out", str(out), "-q", *BOUNDS, *FAST])
    assert code == 1
    _failed_alone(capsys.readouterr().err, pages)
    assert sorted(p.name for p in out.glob("*.json")) == ["good.json"]


def test_run_over_a_url_list_applies_the_bounds_it_is_given(
        serve: Callable[..., dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pages = serve("big.html")
    out = tmp_path / "out"
    code = main(["run", "--input", str(_url_list(tmp_path, pages)), "--out", str(out), "-q", *BOUNDS, *FAST])
    assert code == 1
    _failed_alone(capsys.readouterr().err, pages)
    assert sorted(p.name for p in out.glob("*.json")) == ["good.json"]


def test_run_over_a_url_list_into_a_store_stores_the_good_page_and_names_the_bad_one(
        serve: Callable[..., dict[str, str]], tmp_path: Path, prefect_api: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    pages = serve("big.html")
    store = tmp_path / "s.duckdb"
    code = main(["run", "--input", str(_url_list(tmp_path, pages)), "--store", str(store), "-q",
                 "--summary-json", *BOUNDS, *FAST])
    captured = capsys.readouterr()
    assert code == 1
    failed = _failed_alone(captured.err, pages)
    summary = json.loads(captured.out.splitlines()[-1])
    assert (summary["extracted"], summary["failed"]) == (1, len(failed))
    assert _stored(store) == ([pages["good.html"]], failed)


def test_watch_stores_the_good_article_and_names_the_bad_ones(
        serve: Callable[..., dict[str, str]], site: HTTPServer, tmp_path: Path, prefect_api: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    pages = serve("slow.txt", "big.html")
    links = "".join(f'<li><a href="{u}">{name}</a></li>' for name, u in pages.items())
    site.expect_request("/tin-tuc").respond_with_response(html_response(f"<html><body><ul>{links}</ul></body></html>"))
    sources = tmp_path / "sources.yaml"
    sources.write_text(json.dumps({"sources": [{"name": "Sở (thử)", "listings": [site.url_for("/tin-tuc")]}]},
                                  ensure_ascii=False), encoding="utf-8")
    store = tmp_path / "s.duckdb"
    code = main(["watch", "--sources", str(sources), "--store", str(store), "-q", "--ignore-robots",
                 *BOUNDS, *FAST])
    assert code == 1
    failed = _failed_alone(capsys.readouterr().err, pages)
    assert _stored(store) == ([pages["good.html"]], failed)


def test_a_listing_page_too_big_to_parse_within_the_memory_bound_fails_by_its_url(
        site: HTTPServer, tmp_path: Path) -> None:
    site.expect_request("/tin-tuc").respond_with_response(html_response(BIG_PAGE))
    listing = WebSource(name="Sở (thử)", listings=[site.url_for("/tin-tuc")])
    summary = watch([listing], tmp_path / "s.duckdb", WEB_FAST, bounds=Bounds(max_memory_mb=150))
    [(name, reason)] = [(f["name"], f["reason"]) for f in summary["failures"]]
    assert name == site.url_for("/tin-tuc") and _is_memory_bound(reason)
    assert reason.endswith("more than the per-document memory bound leaves (150 MB): not read (raise --max-memory)")


@pytest.mark.parametrize(("links", "limit"), [(2_000, 10), (3, 10)])
def test_links_are_found_once_each_in_page_order(links: int, limit: int) -> None:
    """Each link once, in page order, up to the limit (kept in a dict now: a list made it quadratic)."""
    hrefs = [f"/files/{i % (links - 1)}.pdf" for i in range(links)]  # the last one repeats the first
    markup = "<html><body>" + "".join(f'<a href="{h}">{i}</a>' for i, h in enumerate(hrefs)) + "</body></html>"
    found = attachment_links(markup, "http://127.0.0.1/tin-tuc/a.html", limit)
    assert found == [f"http://127.0.0.1/files/{i}.pdf" for i in range(min(limit, links - 1))]


def test_the_bounds_of_fetched_pages_are_in_the_help_of_every_command_that_fetches(
        capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("extract", "run", "watch"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert "--max-seconds S a document (a file or a fetched page" in text
        assert "--max-memory MB a document (a file or a fetched page)" in text


SIGN_IN = ('<html><head><title>Đăng nhập hệ thống</title></head><body><form method="post"><input name="u">'
           '<input type="{kind}" name="p"><button>Đăng nhập</button></form></body></html>')


@pytest.mark.parametrize(("page", "reason"), [
    (SIGN_IN.format(kind="password"), "a sign-in page, not an article (the site asks for a login)"),
    (SIGN_IN.format(kind="PASSWORD"), "a sign-in page, not an article (the site asks for a login)"),
    (SIGN_IN.format(kind="text"), None),
    (GOOD_PAGE, None),
])
def test_the_sign_in_check_parses_only_a_page_that_writes_password(
        page: str, reason: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """An article is parsed once (by ingest), not twice: no password field without the word."""
    from pipeline.web import urls

    parses: list[str] = []
    real = urls.BeautifulSoup

    def counted(markup: str, *args: Any) -> BeautifulSoup:
        parses.append(markup)
        return real(markup, *args)

    monkeypatch.setattr(urls, "BeautifulSoup", counted)
    assert urls._login_page(page) == reason
    assert len(parses) == ("password" in page.lower())


MANY_TARGETS = "\n".join(f"Đến năm 2025 đạt {i % 90 + 1}% hồ sơ loại {i}." for i in range(30))
OVER_TEN = "30 targets, over the 10 bound for one document (a phrase repeated without end?)"


def test_a_page_that_failed_is_read_again_when_it_answers_304(site: HTTPServer, tmp_path: Path) -> None:
    """A page over a bound is not 'unchanged' on the next watch: its kept bytes have no plan."""
    Portal(site).put("/ke-hoach.txt", MANY_TARGETS, "text/plain; charset=utf-8")
    url, store = site.url_for("/ke-hoach.txt"), tmp_path / "s.duckdb"
    first = watch([], store, WEB_FAST, urls=[url], bounds=Bounds(max_targets=10, isolate=False))
    assert [(f["name"], f["reason"]) for f in first["failures"]] == [(url, OVER_TEN)]
    again = watch([], store, WEB_FAST, urls=[url], bounds=Bounds(isolate=False))
    assert (again["conditional_requests"], again["unchanged"], again["extracted"], again["targets"]) == (1, 0, 1, 30)
    assert watch([], store, WEB_FAST, urls=[url], bounds=Bounds(isolate=False))["unchanged"] == 1


def test_the_same_failed_bytes_under_a_second_url_fail_saying_so(site: HTTPServer, tmp_path: Path) -> None:
    for path in ("/a.txt", "/b.txt"):
        site.expect_request(path).respond_with_data(MANY_TARGETS.encode(), content_type="text/plain; charset=utf-8")
    a, b = site.url_for("/a.txt"), site.url_for("/b.txt")
    summary = watch([], tmp_path / "s.duckdb", WEB_FAST, urls=[a, b], bounds=Bounds(max_targets=10, isolate=False))
    reasons = {f["name"]: f["reason"] for f in summary["failures"]}
    first, second = (a, b) if reasons[a] == OVER_TEN else (b, a)
    assert reasons == {first: OVER_TEN, second: f"same bytes as {first}, which failed: {OVER_TEN}"}
    assert (summary["duplicates"], summary["extracted"]) == (0, 0)
    with Store.open(tmp_path / "s.duckdb", read_only=True) as db:
        assert db.query("SELECT name FROM names")[1] == [(first,)]  # the copy is no other document's name
