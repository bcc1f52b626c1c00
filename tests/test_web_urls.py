"""URLs as inputs: `chitieu extract URL` against portal-shaped pages on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from test_ingest_render import (
    OFFICIAL_HEADER,
    OFFICIAL_PARAGRAPHS,
    needs_font,
    official_pdf,
    portal_html,
)

from pipeline.cli import main
from pipeline.evaluation.evaluate import evaluate
from pipeline.extract import extract_source
from pipeline.ingest.encodings import CP1258, encode_legacy
from pipeline.ingest.load import source_from_bytes
from pipeline.web.batch import extract_urls
from pipeline.web.raw import RawStore
from pipeline.web.urls import doc_id_for_url, is_url_list
from schemas.gold import load_dir
from tests.web_server import FAST, html_response

PARAS = list(OFFICIAL_PARAGRAPHS[1:])  # the plan's title line first, then its body
LOGIN_PAGE = """<html><head><title>Đăng nhập hệ thống</title></head><body><form action="/login" method="post">
<label>Tên đăng nhập</label><input name="u"><label>Mật khẩu</label><input type="password" name="p">
<button>Đăng nhập</button></form></body></html>"""


def article_with_attachment(href: str) -> str:
    """A NukeViet article whose body links the decision as a PDF ("Tệp đính kèm")."""
    page = portal_html(PARAS, style="nukeviet")
    box = f'<div class="attach"><p>Tệp đính kèm: <a href="{href}">Kế hoạch số 4636/KH-UBND (PDF)</a></p></div>'
    return page.replace("</div></div></div>", box + "</div></div></div>", 1)


def records(out: Path) -> dict[str, dict[str, object]]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.json")}


@needs_font
def test_an_article_and_its_attached_pdf_become_two_linked_records(site: HTTPServer, tmp_path: Path) -> None:
    out = tmp_path / "records"
    site.expect_request("/tin-tuc/ke-hoach-cds.html").respond_with_response(
        html_response(article_with_attachment("/uploads/kh-4636.pdf")))
    site.expect_request("/uploads/kh-4636.pdf").respond_with_data(
        official_pdf(PARAS, header=OFFICIAL_HEADER), content_type="application/pdf")
    url = site.url_for("/tin-tuc/ke-hoach-cds.html")
    report = extract_urls([url], out, FAST)
    assert [o.name for o in report.failures] == []
    recs = records(out)
    assert set(recs) == {"ke-hoach-cds", "kh-4636"}
    page, pdf = recs["ke-hoach-cds"], recs["kh-4636"]
    assert page["source"] == url and page["media_type"] == "text/html"
    meta = page["metadata"]
    assert isinstance(meta, dict)
    assert meta["source_url"] == meta["final_url"] == url and meta["http_status"] == "200"
    assert meta["publisher_host"] == "127.0.0.1" and meta["fetched_at"].endswith("Z")
    assert meta["attachments"] == site.url_for("/uploads/kh-4636.pdf")
    assert pdf["media_type"] == "application/pdf"
    assert pdf["metadata"]["attached_to"] == url  # type: ignore[index]
    assert pdf["doc_number"] == "4636/KH-UBND"
    # the bytes are kept by sha256, with what the server said, so no re-fetch is ever needed
    raw = RawStore(tmp_path / "records.raw")
    kept = raw.get(str(pdf["sha256"]))
    assert kept is not None and kept.startswith(b"%PDF")
    notes = json.loads(raw.path(str(pdf["sha256"])).with_suffix(".fetches.json").read_text(encoding="utf-8"))
    assert notes[site.url_for("/uploads/kh-4636.pdf")]["headers"]["content-type"] == "application/pdf"
    again = extract_source(source_from_bytes(kept, raw.path(str(pdf["sha256"]))))
    assert again.targets == load_dir(out)["kh-4636"].targets


@needs_font
def test_the_same_plan_as_page_attached_pdf_and_text_gives_the_same_targets(
    site: HTTPServer, tmp_path: Path
) -> None:
    site.expect_request("/bai-viet.html").respond_with_response(html_response(article_with_attachment("/f/kh.pdf")))
    site.expect_request("/f/kh.pdf").respond_with_data(official_pdf(PARAS), content_type="application/pdf")
    report = extract_urls([site.url_for("/bai-viet.html")], tmp_path, FAST)
    assert report.written == 2
    text = extract_source(source_from_bytes("\n".join(PARAS).encode("utf-8"), Path("kh.txt")))
    assert len(text.targets) >= 6
    for doc_id, plan in load_dir(tmp_path).items():
        result = evaluate({doc_id: text.model_copy(update={"doc_id": doc_id})}, {doc_id: plan})
        assert result["strict"]["f1"] == 1.0, (doc_id, result["errors"][:3])


@needs_font
def test_a_pdf_served_as_text_html_is_read_as_a_pdf(site: HTTPServer, tmp_path: Path) -> None:
    site.expect_request("/download").respond_with_data(official_pdf(PARAS), content_type="text/html; charset=utf-8")
    report = extract_urls([site.url_for("/download") + "?id=4636"], tmp_path, FAST)
    assert report.written == 1
    (rec,) = records(tmp_path).values()
    assert rec["media_type"] == "application/pdf" and rec["metadata"]["served_as"] == "text/html"  # type: ignore[index]
    assert rec["targets"]


def test_a_login_page_instead_of_an_article_fails_with_its_reason(site: HTTPServer, tmp_path: Path) -> None:
    site.expect_request("/van-ban/12.html").respond_with_response(html_response(LOGIN_PAGE))
    report = extract_urls([site.url_for("/van-ban/12.html")], tmp_path, FAST)
    assert [(o.name, o.reason) for o in report.failures] == [
        (site.url_for("/van-ban/12.html"), "a sign-in page, not an article (the site asks for a login)")]


@pytest.mark.parametrize(("charset_header", "meta", "encoding"), [
    (None, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">', "cp1258"),
    ("windows-1258", "", "cp1258"),
    ("iso-8859-1", '<meta charset="utf-8">', "utf-8"),  # a header that lies about a UTF-8 page
])
def test_the_charset_comes_from_header_meta_or_content(
    site: HTTPServer, tmp_path: Path, charset_header: str | None, meta: str, encoding: str
) -> None:
    body = (f"<html><head>{meta}<title>Kế hoạch chuyển đổi số</title></head><body><article><h1>Kế hoạch "
            "chuyển đổi số tỉnh Hà Giang năm 2025</h1><p>Đến năm 2025, 80% hồ sơ công việc cấp tỉnh được "
            "xử lý trên môi trường mạng; 100% cơ quan nhà nước kết nối mạng truyền số liệu chuyên dùng."
            "</p></article></body></html>")
    data = body.encode("utf-8") if encoding == "utf-8" else encode_legacy(body, CP1258)
    ct = "text/html" + (f"; charset={charset_header}" if charset_header else "")
    site.expect_request("/p.html").respond_with_data(data, content_type=ct)
    report = extract_urls([site.url_for("/p.html")], tmp_path, FAST)
    assert report.failures == []
    (rec,) = records(tmp_path).values()
    assert rec["metadata"]["title"] == "Kế hoạch chuyển đổi số tỉnh Hà Giang năm 2025"  # type: ignore[index]
    assert rec["targets"]
    assert rec["metadata"].get("encoding", "utf-8") in (encoding, "windows-1258")  # type: ignore[union-attr]


def test_the_same_bytes_under_two_urls_are_extracted_once(site: HTTPServer, tmp_path: Path) -> None:
    page = portal_html(PARAS, style="html5")
    site.expect_request("/a.html").respond_with_response(html_response(page))
    site.expect_request("/b.html").respond_with_response(html_response(page))
    report = extract_urls([site.url_for("/a.html"), site.url_for("/b.html")], tmp_path, FAST)
    assert report.written == 1 and set(records(tmp_path)) in ({"a"}, {"b"})  # whichever came first


def test_chitieu_extract_url_prints_one_line_per_failed_url_and_carries_on(
    site: HTTPServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site.expect_request("/ok.html").respond_with_response(html_response(portal_html(PARAS)))
    site.expect_request("/missing.html").respond_with_data("", status=404)
    code = main(["extract", site.url_for("/ok.html"), site.url_for("/missing.html"), "--out", str(tmp_path),
                 "--delay", "0"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{site.url_for('/missing.html')}: HTTP 404 Not Found\n" in err
    assert set(records(tmp_path)) == {"ok"}


def test_chitieu_run_reads_a_list_of_urls(site: HTTPServer, tmp_path: Path) -> None:
    site.expect_request("/ok.html").respond_with_response(html_response(portal_html(PARAS)))
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# portals to read\n{site.url_for('/ok.html')}\n\n", encoding="utf-8")
    assert is_url_list(urls)
    out = tmp_path / "out"
    assert main(["run", "--input", str(urls), "--out", str(out), "--delay", "0"]) == 0
    assert set(records(out)) == {"ok"}


@pytest.mark.parametrize(("url", "doc_id"), [
    ("https://stttt.hagiang.gov.vn/tin-tuc/ke-hoach-chuyen-doi-so-2025.html", "ke-hoach-chuyen-doi-so-2025"),
    ("https://vanban.tinh.gov.vn/van-ban/chi-tiet?id=12345", "van-ban-id-12345"),
    ("https://tinh.gov.vn/", "tinh-gov-vn"),
    ("https://tinh.gov.vn/uploads/Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%2012.pdf", "Quyết-định-12"),
])
def test_record_ids_come_from_the_url(url: str, doc_id: str) -> None:
    assert doc_id_for_url(url) == doc_id
