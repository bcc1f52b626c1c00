"""Extraction of target statements from real sentences of the genre (labelling guide §1–3)."""

from __future__ import annotations

from typing import Any

import pytest

from extractors.targets import extract_candidates


def one(text: str) -> dict[str, Any]:
    cands = extract_candidates(text)
    assert len(cands) == 1, [c.quote for c in cands]
    return vars(cands[0])


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Kinh tế số chiếm 20% GRDP của tỉnh.", {"value": 20, "unit": "percent", "comparator": "=", "pillar": "economy"}),
        ("Đến năm 2030, đạt 30%GRDP.", {"value": 30, "deadline_year": 2030}),
        ("tỷ trọng doanh thu thương mại điện tử trong tổng mức bán lẻ đạt 7,5%.", {"value": 7.5}),
        ("kinh tế số chiếm từ 25% - 30% GRDP của tỉnh.", {"value": 25, "value_max": 30, "comparator": "="}),
        ("tỷ lệ hồ sơ đạt từ 30 đến 40%.", {"value": 30, "value_max": 40}),
        ("Năng suất lao động hàng năm tăng tối thiểu 7%.", {"direction": "increase", "comparator": ">="}),
        ("Định hướng đến năm 2030, giảm 30% các TTHC.", {"direction": "decrease", "deadline_year": 2030}),
        ("tỷ lệ không dùng tiền mặt trong TMĐT đạt từ 50% trở lên.", {"comparator": ">="}),
        ("Tỷ lệ dân số có danh tính số đạt một trăm phần trăm.", {"value": 100, "unit": "percent"}),
        ("Đến năm 2025, Đồng Tháp nằm trong top 25 tỉnh.", {"value": 25, "unit": "rank", "comparator": "<="}),
        ("phấn đấu Quảng Bình thuộc nhóm 30 tỉnh dẫn đầu về Chính quyền số.", {"value": 30, "unit": "rank", "pillar": "government"}),
        ("tối thiểu 02 đô thị trực thuộc tỉnh cơ bản đạt nền tảng về đô thị thông minh.", {"value": 2, "unit": "count", "comparator": ">="}),
        ("Tiếp tục phát triển hạ tầng mạng băng rộng cáp quang phủ tới 90% hộ gia đình (đã đạt); Tỷ lệ", {"achieved": True}),
        ("phổ cập dịch vụ mạng di động 5G đạt 100% đến xã.", {"scope": None}),
    ],
)
def test_single_target_fields(sentence: str, expected: dict[str, Any]) -> None:
    got = one(sentence)
    for key, value in expected.items():
        assert got[key] == value, (key, got[key], sentence)


def test_one_value_over_three_scopes_is_three_records() -> None:
    cands = extract_candidates("Đến năm 2025, 100% hồ sơ ở cấp tỉnh, huyện, xã được xử lý trên môi trường mạng.")
    assert [(c.value, c.scope) for c in cands] == [(100, "province"), (100, "district"), (100, "commune")]


def test_list_of_values_each_with_its_scope_shares_the_predicate() -> None:
    cands = extract_candidates(
        "Trên 90 hồ sơ công việc cấp tỉnh, 80 hồ sơ công việc cấp huyện và 60 hồ sơ công việc cấp xã "
        "được xử lý trên môi trường mạng."
    )
    assert [(c.value, c.unit, c.scope, c.comparator) for c in cands] == [
        (90, "percent", "province", ">"), (80, "percent", "district", ">"), (60, "percent", "commune", ">"),
    ]
    assert all("môi trường mạng" in c.indicator for c in cands)


def test_elided_indicator_is_inherited() -> None:
    cands = extract_candidates(
        "tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng tại cấp tỉnh đạt 100%, cấp huyện đạt 90% và cấp xã đạt trên 70%."
    )
    assert [(c.value, c.scope, c.comparator) for c in cands] == [(100, "province", "="), (90, "district", "="), (70, "commune", ">")]
    assert cands[1].indicator == cands[0].indicator


@pytest.mark.parametrize(
    "sentence",
    [
        "năm 2022 đã có 100% hồ sơ được xử lý trực tuyến.",
        "Tổng công ty đã cung cấp 100% dịch vụ trực tuyến cấp độ 4.",
        "trên 80% dân số là người dân tộc thiểu số.",
        "tốc độ tăng trưởng GRDP bình quân đạt 10%.",
        "Nghị quyết số 05-NQ/TU ngày 30/05/2022 về chuyển đổi số.",
        "100 dân số từ 15 tuổi trở lên.",
        "phổ cập dịch vụ 4G/5G, dịch vụ công trực tuyến mức độ 4.",
        "Kế hoạch đề ra 5 giải pháp cơ bản gồm.",
        "Đang truy cập124 Hôm nay27,075 Tổng lượt truy cập34,419,668",
    ],
)
def test_non_targets_are_left_out(sentence: str) -> None:
    assert extract_candidates(sentence) == []


def test_headline_restated_in_body_is_one_record() -> None:
    text = (
        "Bắc Ninh phấn đấu đến năm 2030, kinh tế số chiếm tối thiểu 35% GRDP\n"
        "Theo Nghị quyết, tỉnh đặt mục tiêu đến năm 2030, kinh tế số chiếm tối thiểu 35% GRDP.\n"
    )
    cands = extract_candidates(text)
    assert len(cands) == 1
    assert cands[0].start == text.index("kinh tế số")


def test_quote_offsets_point_into_the_text() -> None:
    text = "Về phát triển xã hội số:\nTỷ lệ dân số trưởng thành có điện thoại thông minh đạt 80%; 100% hộ gia đình có địa chỉ số.\n"
    for c in extract_candidates(text):
        assert text[c.start : c.end] == c.quote
        assert c.pillar == "society"
