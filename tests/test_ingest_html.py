"""HTML ingest: article text of portal and news pages kept, page chrome dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import IngestError
from pipeline.extract import extract_source
from pipeline.ingest.encodings import encode_legacy
from pipeline.ingest.html import html_to_text
from pipeline.ingest.load import load_source, source_from_bytes

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"

# fixture -> (title, published, body snippets that must be kept, chrome that must go)
PAGES: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "nukeviet.html": (
        "Quảng Trị đặt mục tiêu 80% hồ sơ công việc cấp xã xử lý trên môi trường mạng",
        "2024-01-18",
        (
            "Ngày 15/01/2024, UBND tỉnh Quảng Trị ban hành Kế hoạch số 12/KH-UBND",  # .hometext sapo
            "Về phát triển chính quyền số:",
            "Kinh tế số chiếm 12% GRDP của tỉnh; tỷ lệ doanh nghiệp nhỏ và vừa",
            "tỷ lệ hộ gia đình được phủ mạng băng rộng cáp quang đạt 90%.",
            "trước ngày 15 tháng 12 năm 2024.",
        ),
        (
            "Trang chủ", "Trang nhất", "Tổng số điểm của bài viết là", "Click để đánh giá",
            "Những tin mới hơn", "Triển khai nền tảng số cấp xã", "Những tin cũ hơn", "Đang truy cập",
            "Tổng lượt truy cập", "Bản quyền", "Bạn đã không sử dụng Site", "Trình duyệt của bạn",
            "Tìm kiếm", "Hội nghị triển khai kế hoạch chuyển đổi số năm 2024",
        ),
    ),
    "html5_portal.html": (
        "Tuyên Quang: Kinh tế số chiếm 15% GRDP vào năm 2025",
        "2023-07-06",
        (
            "Tỉnh Tuyên Quang vừa phê duyệt Đề án chuyển đổi số giai đoạn 2023 - 2025",  # bold sapo
            "Theo Đề án, giai đoạn 2023 - 2025",
            "Chính quyền số",
            "Kinh tế số chiếm 15% GRDP của tỉnh vào năm 2025 và đạt 25% GRDP vào năm 2030",
            "100% trường học triển khai sổ điểm điện tử và học bạ số.",
        ),
        (
            "Đăng nhập", "Thời sự", "Lượt xem", "Chia sẻ", "In bài viết", "Từ khóa", "Tin liên quan",
            "trung tâm điều hành thông minh", "Ý kiến bạn đọc", "Gửi bình luận", "phủ sóng 5G",
            "Tin mới nhất", "Giá lúa gạo", "Quảng cáo", "Cơ quan chủ quản", "Nội dung ẩn",
            "Người dân làm thủ tục hành chính tại Trung tâm",
        ),
    ),
    "table_layout.html": (
        "Huyện Bảo Lâm triển khai chương trình chuyển đổi số giai đoạn 2022 - 2025",
        "2022-06-12",
        (
            "Ngày 08/6/2022, UBND huyện Bảo Lâm, tỉnh Lâm Đồng",
            "85% hồ sơ công việc cấp huyện và 65% hồ sơ công việc cấp xã",
            "50% hộ kinh doanh thực hiện thanh toán không dùng tiền mặt.",
            "bảo đảm hoàn thành các chỉ tiêu đề ra.",
        ),
        (
            "DANH MỤC", "Tin hoạt động", "Giới thiệu", "Các tin khác", "Hội nghị tổng kết công tác năm 2021",
            "LIÊN KẾT WEBSITE", "Chọn liên kết", "THỐNG KÊ", "Đang online", "Tổng truy cập", "Bản quyền",
        ),
    ),
    "br_text.html": (
        "Sóc Trăng phấn đấu 100% xã có điểm phục vụ dịch vụ công trực tuyến",
        "2023-09-21",
        (
            "UBND tỉnh Sóc Trăng vừa ban hành kế hoạch",
            "tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến đạt 50%;",
            "hoàn thành trước tháng 12 năm 2023.",
        ),
        (
            "TRANG CHỦ", "DỊCH VỤ CÔNG", "In trang", "Gửi email", "Lên đầu trang", "Tin cùng chuyên mục",
            "ứng dụng công dân số", "Cơ quan chủ quản", "wEPDw",
        ),
    ),
}


def _load(name: str) -> tuple[str, dict[str, str]]:
    source = load_source(FIXTURES / name)
    return source.text, source.metadata


@pytest.mark.parametrize(("name", "snippet"), [(n, s) for n, page in PAGES.items() for s in page[2]])
def test_article_paragraphs_are_kept(name: str, snippet: str) -> None:
    text, _ = _load(name)
    assert snippet in text


@pytest.mark.parametrize(("name", "chrome"), [(n, c) for n, page in PAGES.items() for c in page[3]])
def test_page_chrome_is_dropped(name: str, chrome: str) -> None:
    text, _ = _load(name)
    assert chrome not in text


@pytest.mark.parametrize("name", sorted(PAGES))
def test_title_opens_the_text_and_title_and_date_are_metadata(name: str) -> None:
    text, meta = _load(name)
    title, date, _, _ = PAGES[name]
    assert text.split("\n", 1)[0] == title
    assert meta["title"] == title
    assert meta["published"] == date


def test_paragraphs_and_br_lines_stay_separate_lines() -> None:
    text, _ = _load("br_text.html")
    assert "dịch vụ công trực tuyến;\ntỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến đạt 50%;\ntỷ lệ người dân" in text
    text, _ = _load("nukeviet.html")
    assert "Về phát triển kinh tế số:\nKinh tế số chiếm 12% GRDP" in text


def test_portal_page_yields_the_articles_targets() -> None:
    plan = extract_source(load_source(FIXTURES / "nukeviet.html"))
    found = {(t.value, t.scope.value if t.scope else None) for t in plan.targets}
    assert {(95, "province"), (90, "district"), (80, "commune"), (12, None)} <= found
    assert plan.doc_number == "12/KH-UBND"
    assert all(t.value not in (37, 2315) for t in plan.targets)  # the visit counter


def test_page_without_an_article_is_refused_with_the_reason() -> None:
    with pytest.raises(IngestError, match="no article text"):
        load_source(FIXTURES / "no_article.html")


def test_listing_page_of_teasers_is_not_an_article() -> None:
    teaser = (
        '<article class="item"><h3><a href="/t/{i}">Tin số {i} về chuyển đổi số</a></h3>'
        "<p>Tóm tắt tin số {i}: tỉnh triển khai nhiều nhiệm vụ chuyển đổi số trong năm 2024.</p></article>"
    )
    markup = "<html><body><div class='list'>" + "".join(teaser.format(i=i) for i in range(6)) + "</div></body></html>"
    with pytest.raises(IngestError, match="no article text"):
        html_to_text(markup)


def test_short_article_marked_by_the_page_is_kept() -> None:
    text, _ = html_to_text("<html><body><article><p>Kinh tế số chiếm 20% GRDP của tỉnh.</p></article></body></html>")
    assert text == "Kinh tế số chiếm 20% GRDP của tỉnh."


@pytest.mark.parametrize("markup", ["", "<html><body></body></html>", "<script>var a = 1;</script>"])
def test_empty_pages_are_refused(markup: str) -> None:
    with pytest.raises(IngestError, match="no article text"):
        html_to_text(markup)


@pytest.mark.parametrize("encoding", ["windows-1258", "tcvn3", "vni"])
def test_legacy_encoded_page_is_read_as_unicode(encoding: str) -> None:
    markup = (FIXTURES / "table_layout.html").read_text(encoding="utf-8").replace("charset=utf-8", "")
    source = source_from_bytes(encode_legacy(markup, encoding), Path("trang.html"))
    assert source.metadata["encoding"] == encoding
    assert "85% hồ sơ công việc cấp huyện và 65% hồ sơ công việc cấp xã" in source.text
