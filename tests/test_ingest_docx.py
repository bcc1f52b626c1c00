"""Word (.docx) ingest: paragraphs and tables in document order, section headers left out."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from test_ingest_render import (
    APPENDIX,
    APPENDIX_TARGETS,
    OFFICIAL_HEADER,
    OFFICIAL_PARAGRAPHS,
    RUNNING_HEADER,
    word_docx,
)

from pipeline.errors import IngestError
from pipeline.extract import extract_source
from pipeline.ingest.encodings import ANSI, encode_legacy
from pipeline.ingest.load import DOCX, source_from_bytes


def _source(data: bytes):
    return source_from_bytes(data, Path("kh.docx"))


@pytest.fixture(scope="module")
def official() -> bytes:
    return word_docx(OFFICIAL_PARAGRAPHS, header=OFFICIAL_HEADER, tables=[APPENDIX])


def test_paragraphs_and_tables_come_in_document_order(official: bytes) -> None:
    source = _source(official)
    lines = source.text.split("\n")
    assert source.media_type == DOCX
    assert lines[:6] == [
        "ỦY BAN NHÂN DÂN", "TỈNH HẢI DƯƠNG", "Số: 4636/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hải Dương, ngày 29 tháng 09 năm 2025",
    ]
    assert lines[6 : 6 + len(OFFICIAL_PARAGRAPHS)] == list(OFFICIAL_PARAGRAPHS)
    assert lines[-3].startswith("Đến năm 2025, Tỷ lệ hồ sơ công việc cấp xã")
    assert RUNNING_HEADER not in source.text and "Trang 1" not in source.text


def test_header_table_gives_the_document_fields(official: bytes) -> None:
    plan = extract_source(_source(official))
    assert (plan.province, plan.doc_type, plan.doc_number, str(plan.issued)) == (
        "Hải Dương", "Kế hoạch", "4636/KH-UBND", "2025-09-29",
    )


def test_appendix_table_gives_one_target_per_cell_with_its_year(official: bytes) -> None:
    plan = extract_source(_source(official))
    assert {(t.value, t.deadline_year) for t in plan.targets if t.deadline_year in (2025, 2030)} == APPENDIX_TARGETS


def test_merged_heading_cell_is_read_once() -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 2).merge(table.cell(0, 3)).text = "Mục tiêu"
    for c, text in enumerate(("STT", "Chỉ tiêu", "Năm 2025", "Năm 2030")):
        table.cell(1, c).text = text
    for c, text in enumerate(("1", "Tỷ lệ hộ gia đình có kết nối cáp quang", "85%", "100%")):
        table.cell(2, c).text = text
    table.cell(0, 0).text, table.cell(0, 1).text = "STT", "Chỉ tiêu"
    out = io.BytesIO()
    document.save(out)
    text = _source(out.getvalue()).text
    assert text == (
        "Đến năm 2025, Tỷ lệ hộ gia đình có kết nối cáp quang đạt 85%; "
        "đến năm 2030, Tỷ lệ hộ gia đình có kết nối cáp quang đạt 100%."
    )


def test_legacy_font_text_in_a_docx_is_converted() -> None:
    legacy = "".join(ANSI[b] for b in encode_legacy("Kế hoạch chuyển đổi số tỉnh Bình Dương năm 2025", "vni"))
    source = _source(word_docx([legacy, legacy.replace("2025", "2026")]))
    assert source.text.split("\n")[0] == "Kế hoạch chuyển đổi số tỉnh Bình Dương năm 2025"
    assert source.metadata["encoding"] == "vni"


@pytest.mark.parametrize(("data", "reason"), [
    (b"PK", "not a zip package"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "not a zip package"),  # an old .doc renamed
])
def test_broken_docx_fails_with_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError, match=reason):
        _source(data)


def test_zip_that_is_not_a_word_file_fails_with_the_reason() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "không phải tài liệu Word")
    with pytest.raises(IngestError, match="not a readable Word .docx file"):
        _source(out.getvalue())
