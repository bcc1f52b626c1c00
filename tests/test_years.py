"""Year expressions are found as a forward search finds them, though the pattern is searched from the end."""

from __future__ import annotations

import pytest
import regex

from extractors.lexicon import FLAGS
from extractors.years import YEAR_RE, find_years


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Đến năm 2025, 100% hồ sơ được số hóa", [2025]),
        ("giai đoạn 2021-2025, định hướng đến năm 2030", [2025, 2030]),
        ("trong quý 2-2026 hoàn thành; nhiệm kỳ 2025 - 2030", [2026, 2030]),
        ("tầm nhìn đến 2045 và năm 2030 chiếm 30% GRDP", [2045, 2030]),
        ("ngày 5 tháng 6 năm 2023, tăng 10% so với năm 2021", []),
        ("Quyết định số 942/QĐ-TTg năm 2021 về chuyển đổi số", [2021]),
    ],
)
def test_years_in_text_order(text: str, years: list[int]) -> None:
    assert [y.year for y in find_years(text)] == years


@pytest.mark.parametrize(
    "text",
    [
        "Đến năm 2025, 100% hồ sơ; đến năm 2030 là 98%",
        "giai đoạn 2021 – 2025 và giai đoạn 2026-2030",
        "phấn đấu đến năm 2025 năm 2026 năm 2027",
        "trong quý IV năm 2025 hoặc quý 1/2026",
        "định hướng đến năm 2030 tầm nhìn đến năm 2045",
    ],
)
def test_reverse_search_finds_the_forward_matches(text: str) -> None:
    forward = regex.compile(YEAR_RE.pattern, FLAGS)
    assert sorted((m.span(), m.groups()) for m in YEAR_RE.finditer(text)) == [
        (m.span(), m.groups()) for m in forward.finditer(text)
    ]
