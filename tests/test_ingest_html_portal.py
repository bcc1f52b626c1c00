"""Portal pages as they really are: cut `<title>`s, headline elements, "văn bản" metadata tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extract import extract_source
from pipeline.ingest.html import html_to_text
from pipeline.ingest.load import source_from_bytes

HEADLINE = "Kế hoạch chuyển đổi số tỉnh Hà Giang giai đoạn 2021 - 2025, định hướng đến năm 2030"
BODY = ("Đến năm 2025, 100% thủ tục hành chính đủ điều kiện được cung cấp dưới hình thức dịch vụ công "
        "trực tuyến toàn trình; kinh tế số chiếm 20% GRDP của tỉnh.")


def page(title_tag: str, headline_html: str, extra: str = "", og: str | None = None, inside: str = "") -> str:
    meta = f'<meta property="og:title" content="{og}">' if og else ""
    return f"""<html><head><meta charset="utf-8"><title>{title_tag}</title>{meta}</head><body>
<nav class="menu"><a href="/">Trang chủ</a></nav>
<div class="news-detail-page">{headline_html}<span class="date">Ngày 12/03/2024</span>{extra}
<div class="detail-content"><p>{BODY}</p>{inside}<p>Phấn đấu đến năm 2030, 80% dân số trưởng thành có điện thoại
thông minh.</p></div></div><footer>© Bản quyền Cổng thông tin điện tử tỉnh Hà Giang</footer></body></html>"""


CUT = "Kế hoạch chuyển đổi số tỉnh Hà Giang giai đoạn 2021 - 2025, định..."


@pytest.mark.parametrize(("title_tag", "headline_html", "og"), [
    (CUT + " - Cổng TTĐT tỉnh Hà Giang", f'<div class="title-detail">{HEADLINE}</div>', None),
    (CUT, f"<h1>{HEADLINE}</h1>", CUT),
    ("Kế hoạch chuyển đổi số tỉnh Hà Giang giai đoạn 2021 - 2025, định", f'<h2 class="news-title">{HEADLINE}</h2>', None),
    (CUT, f"<p><strong>{HEADLINE}</strong></p>", None),
])
def test_the_pages_own_headline_wins_over_a_cut_title(title_tag: str, headline_html: str, og: str | None) -> None:
    text, meta = html_to_text(page(title_tag, headline_html, og=og))
    assert meta["title"] == HEADLINE
    first, *rest = text.split("\n")
    assert first == HEADLINE
    assert BODY in rest  # the first paragraph whole, not joined to a cut title


def test_a_cut_title_keeps_the_documents_horizon() -> None:
    html = page(CUT + " - Cổng TTĐT", f'<div class="title-detail">{HEADLINE}</div>')
    source = source_from_bytes(html.encode("utf-8"), Path("kh.html"))
    assert "định hướng đến năm 2030" in source.text
    assert extract_source(source).targets


DOC_TABLE = """<table class="vanban-info"><tr><td>Số ký hiệu</td><td>12/KH-UBND</td>
<td>Ngày ban hành:</td><td>05/03/2024</td></tr>
<tr><th>Cơ quan ban hành</th><td>Ủy ban nhân dân tỉnh Hà Giang</td></tr>
<tr><td>Loại văn bản</td><td>Kế hoạch</td></tr>
<tr><td>Trích yếu</td><td>Kế hoạch chuyển đổi số năm 2024</td></tr></table>"""


def test_a_van_ban_table_becomes_label_value_lines_above_the_text() -> None:
    text, _ = html_to_text(page(HEADLINE, f"<h1>{HEADLINE}</h1>", extra=DOC_TABLE))
    lines = text.split("\n")
    assert lines[:6] == [HEADLINE, "Số ký hiệu: 12/KH-UBND", "Ngày ban hành: 05/03/2024",
                         "Cơ quan ban hành: Ủy ban nhân dân tỉnh Hà Giang", "Loại văn bản: Kế hoạch",
                         "Trích yếu: Kế hoạch chuyển đổi số năm 2024"]
    assert "12/KH-UBND" not in "\n".join(lines[6:])  # the table is not repeated cell by cell


def test_a_definition_list_of_document_fields_is_read_too() -> None:
    dl = "<dl><dt>Số hiệu văn bản</dt><dd>77/KH-UBND</dd><dt>Ngày ký</dt><dd>31/12/2025</dd></dl>"
    text, _ = html_to_text(page(HEADLINE, f"<h1>{HEADLINE}</h1>", extra=dl))
    assert text.split("\n")[1:3] == ["Số hiệu văn bản: 77/KH-UBND", "Ngày ký: 31/12/2025"]


def test_a_table_of_figures_in_the_text_is_left_as_it_is() -> None:
    figures = "<table><tr><td>Chỉ tiêu</td><td>2025</td></tr><tr><td>Kinh tế số</td><td>20%</td></tr></table>"
    text, _ = html_to_text(page(HEADLINE, f"<h1>{HEADLINE}</h1>", inside=figures))
    assert "Chỉ tiêu" in text and "Chỉ tiêu: 2025" not in text


def test_a_van_ban_page_gives_doc_number_issued_and_doc_type_from_its_table() -> None:
    html = page(HEADLINE, f"<h1>{HEADLINE}</h1>", extra=DOC_TABLE)
    plan = extract_source(source_from_bytes(html.encode("utf-8"), Path("vb.html")))
    assert (plan.doc_number, str(plan.issued), plan.doc_type) == ("12/KH-UBND", "2024-03-05", "Kế hoạch")
