"""Tables as sentences: one clause per year cell, so each cell is one target with its year."""

from __future__ import annotations

import pytest

from pipeline.ingest.tables import heading_rows, is_value, table_lines

HEAD = ["STT", "Chỉ tiêu", "ĐVT", "Năm 2025", "Năm 2030"]


@pytest.mark.parametrize(("rows", "expected"), [
    pytest.param(
        [HEAD, ["1", "Tỷ lệ hồ sơ công việc cấp xã\nđược xử lý trên môi trường mạng", "%", "80", "95"]],
        [(
            "Đến năm 2025, Tỷ lệ hồ sơ công việc cấp xã được xử lý trên môi trường mạng đạt 80%; "
            "đến năm 2030, Tỷ lệ hồ sơ công việc cấp xã được xử lý trên môi trường mạng đạt 95%."
        )],
        id="unit-column-joins-the-value",
    ),
    pytest.param(
        [HEAD, ["I", "Chính quyền số", None, None, None], ["1", "Số đô thị thông minh", "đô thị", "2", "-"]],
        ["Chính quyền số", "Đến năm 2025, Số đô thị thông minh đạt 2 đô thị."],
        id="group-heading-and-empty-cell",
    ),
    pytest.param(
        [["Chỉ tiêu", "Thực hiện 2023", "Mục tiêu 2025"], ["Kinh tế số trong GRDP", "12%", "≥ 20%"]],
        ["Năm 2023, Kinh tế số trong GRDP đã đạt 12%.", "Đến năm 2025, Kinh tế số trong GRDP đạt ≥ 20%."],
        id="past-results-get-their-own-sentence",
    ),
    pytest.param(
        [["Chỉ tiêu", "Đơn vị", "Mục tiêu"], ["Tỷ lệ hộ gia đình có cáp quang", "%", "90"]],
        ["Tỷ lệ hộ gia đình có cáp quang đạt 90%."],
        id="no-year-column",
    ),
    pytest.param(
        [["ỦY BAN NHÂN DÂN\nTỈNH NAM ĐỊNH\nSố: 15/KH-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nNam Định, ngày 5 tháng 2 năm 2024"]],
        ["ỦY BAN NHÂN DÂN", "TỈNH NAM ĐỊNH", "Số: 15/KH-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
         "Nam Định, ngày 5 tháng 2 năm 2024"],
        id="official-header-cell-by-cell",
    ),
])
def test_table_rows_become_sentences(rows: list[list[str | None]], expected: list[str]) -> None:
    assert table_lines(rows) == expected


@pytest.mark.parametrize(("rows", "n"), [
    ([HEAD, ["1", "Tỷ lệ A", "%", "80", "95"]], 1),
    ([["", "", "Mục tiêu", None, None], HEAD, ["1", "Tỷ lệ A", "%", "80", "95"]], 2),
    ([["7", "Tỷ lệ B", "%", "60", "70"]], 0),  # a table continued from the previous page
])
def test_heading_rows_are_counted(rows: list[list[str | None]], n: int) -> None:
    assert heading_rows(rows) == n


@pytest.mark.parametrize(
    ("cell", "is_figure"),
    [("≥ 90%", True), ("Trên 70%", True), ("không quá 5%", True), ("xấp xỉ 60%", True), ("tối thiểu 10", True),
     ("Sở Thông tin", False), ("năm 2025", False)],
)
def test_value_cells_use_the_lexicon_comparator_words(cell: str, is_figure: bool) -> None:
    """The table reader takes its comparator words from comparators.yaml, not from a copy of its own."""
    assert is_value(cell) is is_figure
