"""Normalisation at the door: NFC, spaces, and hard-wrapped lines re-joined."""

from __future__ import annotations

import unicodedata

import pytest

from pipeline.ingest.normalize import normalize_text, rejoin_wrapped_lines


def test_nfd_input_becomes_nfc_without_losing_diacritics() -> None:
    nfd = unicodedata.normalize("NFD", "Chuyển đổi số tỉnh Khánh Hoà")
    out = normalize_text(nfd)
    assert out == "Chuyển đổi số tỉnh Khánh Hoà"
    assert unicodedata.is_normalized("NFC", out)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("đạt\u00a080%", "đạt 80%"),
        ("kinh\u200btế số", "kinhtế số"),
        ("dòng 1\r\ndòng 2", "dòng 1\ndòng 2"),
        ("tab\there", "tab here"),
        ("\ufeffBOM", "BOM"),
    ],
)
def test_odd_spaces_and_marks_are_cleaned(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


WRAPPED = (
    "Tiêu đề kế hoạch\n"
    "Về phát triển chính quyền số:\n"
    "Tiếp tục rà soát thực hiện 100% thủ tục hành chính đủ điều kiện\n"
    "theo quy định của pháp luật được cung cấp dưới hình thức dịch vụ công trực\n"
    "tuyến toàn trình; 90% hồ sơ công việc tại cấp tỉnh, 80% hồ sơ công việc\n"
    "tại cấp huyện và 60% hồ sơ công việc tại cấp xã;\n"
    "Phát triển kinh tế số:\n"
    "Kinh tế số chiếm 20%\n"
    "GRDP của tỉnh.\n"
)


def test_hard_wrapped_lines_are_rejoined_keeping_length() -> None:
    out = rejoin_wrapped_lines(WRAPPED)
    assert len(out) == len(WRAPPED)
    assert "dịch vụ công trực tuyến toàn trình" in out
    assert "Kinh tế số chiếm 20% GRDP của tỉnh." in out
    assert "Về phát triển chính quyền số:\nTiếp tục" in out
    assert "tại cấp xã;\nPhát triển kinh tế số:" in out
    assert out.startswith("Tiêu đề kế hoạch\n")


def test_paragraph_text_is_not_rejoined() -> None:
    text = "Tiêu đề\nĐoạn một kết thúc.\nĐoạn hai kết thúc.\nĐoạn ba.\nĐoạn bốn.\nĐoạn năm."
    assert rejoin_wrapped_lines(text) == text
