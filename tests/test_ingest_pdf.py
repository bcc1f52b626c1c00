"""PDF ingest: reading order, running lines, wrapped lines, the official header, tables, OCR."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
from fpdf import FPDF
from test_ingest_render import (
    APPENDIX,
    APPENDIX_TARGETS,
    CORPUS_DOCS,
    FONT,
    FONT_BOLD,
    OFFICIAL_HEADER,
    OFFICIAL_PARAGRAPHS,
    RUNNING_HEADER,
    corpus_paragraphs,
    needs_font,
    official_pdf,
    scanned_pdf,
)

from pipeline.errors import IngestError
from pipeline.extract import extract_source
from pipeline.ingest import pdf as ingest_pdf
from pipeline.ingest.load import source_from_bytes
from pipeline.ingest.ocr import ocr_unavailable
from pipeline.ingest.pdf_layout import PAGE_NUMBER, Line, Page, Word, reorder_header_columns

pytestmark = needs_font


def _source(data: bytes, name: str = "kh.pdf"):
    return source_from_bytes(data, Path(name))


@pytest.fixture(scope="module")
def official() -> bytes:
    return official_pdf(OFFICIAL_PARAGRAPHS, header=OFFICIAL_HEADER, tables=[APPENDIX])


def test_official_header_is_read_column_by_column_for_the_document_fields(official: bytes) -> None:
    source = _source(official)
    lines = source.text.split("\n")
    assert "Số: 4636/KH-UBND" in lines
    assert "Hải Dương, ngày 29 tháng 09 năm 2025" in lines
    assert lines.index("ỦY BAN NHÂN DÂN") < lines.index("TỈNH HẢI DƯƠNG") < lines.index("Số: 4636/KH-UBND")
    plan = extract_source(source)
    assert (plan.province, plan.doc_type, plan.doc_number, str(plan.issued)) == (
        "Hải Dương", "Kế hoạch", "4636/KH-UBND", "2025-09-29",
    )


def test_appendix_table_gives_one_target_per_cell_with_its_year(official: bytes) -> None:
    plan = extract_source(_source(official))
    from_table = {(t.value, t.deadline_year) for t in plan.targets if t.deadline_year in (2025, 2030)}
    assert from_table == APPENDIX_TARGETS
    commune = [t for t in plan.targets if t.value == 80 and t.deadline_year == 2025]
    assert commune[0].scope is not None and commune[0].scope.value == "commune"
    assert "hồ sơ công việc" in commune[0].indicator


def test_table_continued_on_next_page_without_headings_keeps_its_years() -> None:
    rows = [APPENDIX[0]] + [
        (str(i), f"Tỷ lệ hồ sơ công việc của đơn vị số {i} được xử lý trên môi trường mạng", "%", str(40 + i), str(60 + i))
        for i in range(1, 36)
    ]
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    with pdf.table(col_widths=(12, 100, 16, 22, 22), repeat_headings=0) as table:
        for row in rows:
            cells = table.row()
            for text in row:
                cells.cell(text)
    data = bytes(pdf.output())
    with pdfplumber.open(io.BytesIO(data)) as doc:
        assert len(doc.pages) >= 2 and "Năm 2025" not in (doc.pages[1].extract_text() or "")
    lines = _source(data).text.split("\n")
    assert len(lines) == 35
    assert all(line.startswith("Đến năm 2025, ") and "; đến năm 2030, " in line for line in lines)


@pytest.mark.parametrize("doc", CORPUS_DOCS, ids=lambda p: p.stem[:3])
def test_running_lines_go_and_every_paragraph_comes_back_whole(doc: Path) -> None:
    paras = corpus_paragraphs(doc)
    data = official_pdf(paras)
    text = _source(data).text
    assert RUNNING_HEADER not in text
    assert "Trang " not in text
    assert text.split("\n") == [p.strip() for p in paras]


def test_a_paragraph_broken_by_a_page_break_is_joined() -> None:
    paras = corpus_paragraphs(CORPUS_DOCS[2])
    data = official_pdf(paras)
    with pdfplumber.open(io.BytesIO(data)) as doc:
        last = (doc.pages[0].extract_text() or "").split("\n")[-2]  # above the page number
        first = (doc.pages[1].extract_text() or "").split("\n")[1]  # below the running header
    assert not any(p.startswith(first) for p in paras), "the rendering must split a paragraph"
    assert f"{last} {first}" in _source(data).text


@pytest.mark.parametrize(("line", "number"), [
    ("12", True), ("- 3 -", True), ("Trang 2/5", True), ("Trang 2 trên 5", True), ("Page 4 of 9", True),
    ("Năm 2025", False), ("2. Về kinh tế số:", False), ("80%", False),
])
def test_page_numbers_are_recognised(line: str, number: bool) -> None:
    assert bool(PAGE_NUMBER.match(line)) is number


def test_header_columns_are_read_left_then_right() -> None:
    def seg(text: str, x0: float, top: float) -> list[Word]:
        words, x = [], x0
        for w in text.split():
            words.append(Word(w, x, x + 7 * len(w), top, top + 11))
            x += 7 * len(w) + 3
        return words

    lines = [
        Line(seg("ỦY BAN NHÂN DÂN", 80, 60) + seg("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 300, 60), 1),
        Line(seg("Số: 12/KH-UBND", 85, 90) + seg("Hà Nam, ngày 02 tháng 3 năm 2024", 320, 91), 1),
        Line(seg("KẾ HOẠCH phát triển chính quyền số", 170, 130), 1),
    ]
    page = Page(1, 595, 842, lines)
    assert [ln.text for ln in reorder_header_columns(page)] == [
        "ỦY BAN NHÂN DÂN", "Số: 12/KH-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Hà Nam, ngày 02 tháng 3 năm 2024", "KẾ HOẠCH phát triển chính quyền số",
    ]


def _pdf(password: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "Kinh tế số chiếm 20% GRDP của tỉnh vào năm 2025. " * 20)
    if password:
        pdf.set_encryption(owner_password="chu-so-huu", user_password=password)
    return bytes(pdf.output())


@pytest.mark.parametrize(("make", "reason"), [
    (lambda: _pdf(password="bi-mat"), "encrypted"),
    (lambda: _pdf()[: len(_pdf()) // 2], "truncated"),
    (lambda: b"%PDF-1.4 truncated", "truncated"),
    (lambda: b"<html>not a pdf</html>" * 10, "not a PDF"),
])
def test_unreadable_pdfs_fail_with_the_reason(make, reason: str) -> None:
    with pytest.raises(IngestError, match=reason):
        _source(make())


def test_pdf_with_an_owner_password_only_is_read() -> None:
    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    pdf.cell(0, 10, "Kinh tế số chiếm 20% GRDP của tỉnh.")
    pdf.set_encryption(owner_password="chu-so-huu")
    assert "Kinh tế số chiếm 20% GRDP" in _source(bytes(pdf.output())).text


@pytest.fixture(scope="module")
def scan() -> bytes:
    return scanned_pdf(official_pdf(OFFICIAL_PARAGRAPHS, header=OFFICIAL_HEADER), dpi=200)


def test_scan_without_ocr_fails_saying_how_to_install_it(scan: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_pdf, "ocr_unavailable", lambda: "the tesseract program is not installed")
    with pytest.raises(IngestError) as err:
        _source(scan)
    message = str(err.value)
    assert "no text layer" in message and "tesseract program is not installed" in message
    assert "apt-get install tesseract-ocr tesseract-ocr-vie" in message and "chitieu[ocr]" in message
    assert "\n" not in message


def test_scanned_page_inside_a_text_pdf_is_reported_in_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_pdf, "ocr_unavailable", lambda: "the tesseract program is not installed")
    with pdfplumber.open(io.BytesIO(official_pdf(OFFICIAL_PARAGRAPHS[:4]))) as doc:
        image = doc.pages[0].to_image(resolution=72).original
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=12)
    for _ in range(3):
        pdf.add_page()
        pdf.multi_cell(0, 8, "Kinh tế số chiếm 20% GRDP của tỉnh vào năm 2025. " * 12)
    pdf.add_page()
    pdf.image(image, x=0, y=0, w=pdf.w, h=pdf.h)  # a signed page, scanned
    source = _source(bytes(pdf.output()))
    assert source.metadata["scanned_pages_not_read"] == "4"
    assert "Kinh tế số chiếm 20% GRDP của tỉnh" in source.text


@pytest.mark.skipif(ocr_unavailable() is not None, reason=f"OCR unavailable: {ocr_unavailable()}")
def test_scan_is_read_with_vietnamese_ocr(scan: bytes) -> None:
    source = _source(scan)
    assert source.metadata["ocr_pages"] == "1"
    assert "Số: 4636/KH-UBND" in source.text.split("\n")
    plan = extract_source(source)
    assert (plan.doc_number, str(plan.issued)) == ("4636/KH-UBND", "2025-09-29")
    found = {(t.value, t.deadline_year) for t in plan.targets}
    assert {(95, 2027), (85, 2027), (75, 2027), (22, 2027), (60, 2027), (12, 2027)} <= found
