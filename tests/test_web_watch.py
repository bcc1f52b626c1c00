"""`chitieu watch` against a portal on 127.0.0.1: listing page, RSS feed, sitemap index,
an attached .docx, ETag/Last-Modified validators; a second run on unchanged sources sends
only conditional requests and extracts nothing."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from test_ingest_render import OFFICIAL_PARAGRAPHS, portal_html, word_docx
from werkzeug import Request, Response

from pipeline.store.db import Store
from pipeline.store.export import export_store
from pipeline.web.sources import SourcesError, WebSource, load_sources
from pipeline.web.watch import watch
from tests.web_server import FAST

PARAS = list(OFFICIAL_PARAGRAPHS[1:])


def article(i: int, share: int = 95) -> str:
    """Article i of the portal: the plan with its own figure, so each page's bytes differ."""
    paras = [p.replace("95% hồ sơ", f"{share - i}% hồ sơ") for p in PARAS]
    page = portal_html(paras, style="nukeviet")
    if i == 0:  # the first article attaches the decision as a Word file
        box = '<div class="attach"><p>Tệp đính kèm: <a href="/files/kh-0.docx">Kế hoạch (DOCX)</a></p></div>'
        page = page.replace("</div></div></div>", box + "</div></div></div>", 1)
    return page


class Portal:
    """Pages that answer conditional GETs as real servers do (ETag, or Last-Modified only)."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.bodies: dict[str, tuple[bytes, str]] = {}
        self.down: set[str] = set()  # paths that answer 500 for now

    def put(self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8",
            etag: bool = True) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        fresh = path not in self.bodies
        self.bodies[path] = (data, content_type)
        if fresh:
            self.server.expect_request(path).respond_with_handler(self._handler(path, etag))

    def _handler(self, path: str, etag: bool) -> Callable[[Request], Response]:
        def answer(request: Request) -> Response:
            if path in self.down:
                return Response("lỗi máy chủ", status=500)
            data, content_type = self.bodies[path]
            tag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
            modified = f"Mon, 01 Dec 2025 {int(tag[1:3], 16) % 24:02d}:00:00 GMT"  # changes with the bytes
            if etag and request.headers.get("If-None-Match") == tag:
                return Response(status=304, headers={"ETag": tag})
            if not etag and request.headers.get("If-Modified-Since") == modified:
                return Response(status=304)
            headers = {"ETag": tag} if etag else {"Last-Modified": modified}
            return Response(data, content_type=content_type, headers=headers)

        return answer


@pytest.fixture
def portal(site: HTTPServer) -> Portal:
    p = Portal(site)
    p.put("/robots.txt", "User-agent: *\nDisallow: /noi-bo/\n", "text/plain")
    listing = "".join(f'<li><h3><a href="/tin-tuc/bai-{i}.html">Bài {i}</a></h3></li>' for i in range(3))
    p.put("/tin-tuc", f'<html><body><nav><a href="/gioi-thieu">Giới thiệu</a></nav><ul class="news-list">'
                      f'{listing}<li><h3><a href="/noi-bo/mat.html">Nội bộ</a></h3></li></ul></body></html>')
    for i in range(5):
        p.put(f"/tin-tuc/bai-{i}.html", article(i), etag=i % 2 == 0)
    p.put("/files/kh-0.docx", word_docx(PARAS), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    p.put("/rss.xml", f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>
<item><title>Bài 3</title><link>{site.url_for('/tin-tuc/bai-3.html')}</link></item>
<item><title>Ngoài</title><link>https://example.org/tin-tuc/khac.html</link></item></channel></rss>""",
          "application/rss+xml")
    p.put("/sitemap.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{site.url_for('/sitemap-news.xml')}</loc></sitemap></sitemapindex>""", "application/xml")
    p.put("/sitemap-news.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{site.url_for('/tin-tuc/bai-4.html')}</loc><lastmod>2025-11-30</lastmod></url>
<url><loc>{site.url_for('/lien-he.html')}</loc></url></urlset>""", "application/xml")
    return p


def source(server: HTTPServer) -> WebSource:
    return WebSource(
        name="Sở TT&TT (thử)", province="Hải Dương",
        listings=[server.url_for("/tin-tuc")], feeds=[server.url_for("/rss.xml")],
        sitemaps=[server.url_for("/sitemap.xml")],
        articles={"css": ".news-list h3 a", "pattern": r"/(?:tin-tuc|noi-bo)/[^/]+\.html$"},
    )


def test_watch_extracts_each_discovered_article_and_attachment_once(
    portal: Portal, site: HTTPServer, tmp_path: Path
) -> None:
    store = tmp_path / "s.duckdb"
    summary = watch([source(site)], store, FAST)
    assert summary["discovered"] == 6  # 3 listed + 1 from the feed + 1 from the sitemap + the disallowed one
    assert summary["extracted"] == 6  # 5 articles and the attached .docx
    assert [f["name"] for f in summary["failures"]] == [site.url_for("/noi-bo/mat.html")]
    assert summary["failures"][0]["reason"].startswith("disallowed by robots.txt")
    with Store.open(store, read_only=True) as db:
        plans = db.plan_records()
        _, failures = db.query("SELECT name, reason FROM failures")
        _, kinds = db.query("SELECT kind, count(*) FROM fetches GROUP BY 1 ORDER BY 1")
    assert failures == [(site.url_for("/noi-bo/mat.html"), summary["failures"][0]["reason"])]
    assert dict(kinds) == {"attachment": 1, "feed": 1, "listing": 1, "page": 6, "robots": 1, "sitemap": 2}
    by_url = {p["metadata"]["source_url"]: p for p in plans.values()}
    docx = by_url[site.url_for("/files/kh-0.docx")]
    assert docx["metadata"]["attached_to"] == site.url_for("/tin-tuc/bai-0.html")
    page = by_url[site.url_for("/tin-tuc/bai-3.html")]
    assert page["metadata"]["publisher"] == "Sở TT&TT (thử)"
    assert page["metadata"]["publisher_province"] == "Hải Dương"  # the publisher's, as metadata
    assert page["province"] != "Hải Dương" or "Hải Dương" in PARAS[0]  # the record's stays the text's
    # A folder export is a full copy: what each URL returned is in it too (README, "The web").
    written = export_store(store, "csv", tmp_path / "copy")
    assert tmp_path / "copy" / "fetches.csv" in written
    with (tmp_path / "copy" / "fetches.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == sum(kinds_n for _, kinds_n in kinds)
    assert {r["url"] for r in rows} >= {site.url_for("/files/kh-0.docx"), site.url_for("/rss.xml")}


def test_a_second_watch_on_unchanged_sources_sends_only_conditional_requests_and_extracts_nothing(
    portal: Portal, site: HTTPServer, tmp_path: Path
) -> None:
    store = tmp_path / "s.duckdb"
    watch([source(site)], store, FAST)
    with Store.open(store, read_only=True) as db:
        before = db.plan_records()
    site.clear_log()
    summary = watch([source(site)], store, FAST)
    requests = [req for req, _ in site.log]
    assert requests, "the second run asked nothing"
    unconditional = [r.path for r in requests
                     if "If-None-Match" not in r.headers and "If-Modified-Since" not in r.headers]
    assert unconditional == []
    assert all(resp.status_code == 304 for _, resp in site.log)
    assert summary["extracted"] == 0 and summary["fetched"] == 0
    assert summary["requests"] == summary["conditional_requests"] == len(requests)
    with Store.open(store, read_only=True) as db:
        assert db.plan_records() == before


def test_a_page_changed_between_runs_is_extracted_again_and_only_it(
    portal: Portal, site: HTTPServer, tmp_path: Path
) -> None:
    store = tmp_path / "s.duckdb"
    watch([source(site)], store, FAST)
    portal.put("/tin-tuc/bai-2.html", article(2, share=80))  # an ETag page
    portal.put("/tin-tuc/bai-3.html", article(3, share=80))  # a Last-Modified page
    summary = watch([source(site)], store, FAST)
    assert summary["extracted"] == 2 and summary["unchanged"] == 3, {k: v for k, v in summary.items() if k != "run_id"}
    with Store.open(store, read_only=True) as db:
        quotes = {q for (q,) in db.query("SELECT quote FROM targets")[1]}
        _, runs = db.query("SELECT processed FROM runs ORDER BY started_at")
    assert "78% hồ sơ công việc tại cấp tỉnh" in quotes and "93% hồ sơ công việc tại cấp tỉnh" in quotes
    assert [r[0] for r in runs] == [6, 2]


def test_a_source_that_fails_costs_one_line_and_keeps_what_was_stored(
    portal: Portal, site: HTTPServer, tmp_path: Path
) -> None:
    store = tmp_path / "s.duckdb"
    watch([source(site)], store, FAST)
    site.clear()  # the portal goes down: every path answers 500
    site.no_handler_status_code = 500
    summary = watch([source(site)], store, FAST)
    assert summary["extracted"] == 0 and summary["failed"] >= 1
    assert all(f["reason"].startswith("robots.txt cannot be read") for f in summary["failures"])
    with Store.open(store, read_only=True) as db:
        assert len(db.plan_records()) == 6
        (etags,) = db.query("SELECT count(*) FROM fetches WHERE sha256 IS NOT NULL")[1]
    assert etags[0] == 11  # a failure kept every earlier validator and body


def test_an_attachment_that_failed_is_fetched_again_while_its_article_is_unchanged(
    portal: Portal, site: HTTPServer, tmp_path: Path
) -> None:
    store = tmp_path / "s.duckdb"
    docx = site.url_for("/files/kh-0.docx")
    portal.down.add("/files/kh-0.docx")
    first = watch([source(site)], store, FAST)
    failed = {f["name"]: f["reason"] for f in first["failures"]}
    assert failed.keys() == {docx, site.url_for("/noi-bo/mat.html")} and first["extracted"] == 5
    assert failed[docx].startswith("HTTP 500")
    portal.down.clear()
    site.clear_log()
    again = watch([source(site)], store, FAST)
    assert again["extracted"] == 1 and [f["name"] for f in again["failures"]] == [site.url_for("/noi-bo/mat.html")]
    assert [r.path for r, resp in site.log if resp.status_code == 200] == ["/files/kh-0.docx"]
    with Store.open(store, read_only=True) as db:
        attached = [p for p in db.plan_records().values() if p["metadata"]["source_url"] == docx]
    assert attached and attached[0]["metadata"]["attached_to"] == site.url_for("/tin-tuc/bai-0.html")
    site.clear_log()
    third = watch([source(site)], store, FAST)  # now fetched well: not asked for again
    assert third["extracted"] == 0 and "/files/kh-0.docx" not in [r.path for r, _ in site.log]


@pytest.mark.parametrize(("yaml_text", "message"), [
    ("sources: []", "sources: List should have at least 1 item after validation, not 0"),
    ("sources:\n  - name: A\n    listing: [https://a.vn]", "sources.0.listing: Extra inputs are not permitted"),
    ("sources:\n  - name: A\n    feeds: [a.vn/rss]", "sources.0.feeds: Value error, 'a.vn/rss' is not an http(s) URL"),
    ("sources:\n  - name: A\n    articles: {pattern: '(['}", "sources.0.articles.pattern: Value error, not a valid"),
])
def test_a_bad_sources_file_fails_in_one_line_naming_the_field(tmp_path: Path, yaml_text: str, message: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(SourcesError) as info:
        load_sources(path)
    assert str(info.value).startswith(f"{path}: {message}")


def test_the_example_sources_file_is_valid(root: Path) -> None:
    (first, *_) = load_sources(root / "docs" / "sources.example.yaml")
    assert first.province and (first.listings or first.feeds or first.sitemaps)


def test_chitieu_watch_runs_the_flow_and_prints_failures(
    portal: Portal, site: HTTPServer, tmp_path: Path, prefect_api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipeline.cli import main

    sources = tmp_path / "sources.yaml"
    sources.write_text(json.dumps({"sources": [source(site).model_dump()]}, ensure_ascii=False), encoding="utf-8")
    code = main(["watch", "--sources", str(sources), "--store", str(tmp_path / "s.duckdb"), "--delay", "0",
                 "--timeout", "2", "--summary-json"])
    captured = capsys.readouterr()
    assert code == 1  # the robots-disallowed article
    assert f"{site.url_for('/noi-bo/mat.html')}: disallowed by robots.txt" in captured.err
    assert json.loads(captured.out)["extracted"] == 6
