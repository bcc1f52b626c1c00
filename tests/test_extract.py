"""Extraction of target statements from real sentences of the genre (labelling guide §1–3)."""

from __future__ import annotations

from typing import Any

import pytest

from extractors.targets import extract, extract_candidates


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
        # a status report runs until an aim is stated; the plan it measures against states none
        "Tính đến nay, tỉnh đã có 9/40 chỉ tiêu đặt ra cho năm 2026 về đích. Nổi bật, tỷ lệ hộ có cáp quang đạt 72%, tăng 4%.",
        "Trong năm 2025, tỉnh đã hoàn thành các mục tiêu của Nghị quyết. Hạ tầng số có 100% xã phủ sóng 4G.",
        # progress against the plan (a share of it reached) is a result
        "Số doanh nghiệp công nghệ số tăng thêm 30 doanh nghiệp, đạt 75% kế hoạch.",
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


def test_two_indicators_sharing_one_value_are_two_records() -> None:
    cands = extract_candidates(
        "Đến năm 2030, tỷ trọng kinh tế số trong từng ngành, lĩnh vực, thương mại điện tử trong mức bán lẻ đạt tối thiểu 20%."
    )
    assert [(c.value, c.comparator) for c in cands] == [(20, ">="), (20, ">=")]
    assert cands[0].indicator.endswith("trong từng ngành, lĩnh vực")
    assert cands[1].indicator == "thương mại điện tử trong mức bán lẻ"


def test_two_verb_phrases_sharing_one_value_are_two_records() -> None:
    cands = extract_candidates(
        "Năm 2026, ngành Y tế phấn đấu 100% cơ sở y tế hỗ trợ thanh toán không dùng tiền mặt đa phương thức "
        "và thực hiện kê đơn thuốc điện tử."
    )
    assert len(cands) == 2
    assert cands[1].indicator.startswith("cơ sở y tế thực hiện kê đơn thuốc")
    assert {c.deadline_year for c in cands} == {2026}


def test_coordinated_verb_list_stays_one_record() -> None:
    cands = extract_candidates("phấn đấu đến năm 2023, hoàn thành 100% số hóa, ký số và lưu trữ điện tử đối với hồ sơ.")
    assert len(cands) == 1


def test_elided_verb_of_a_list_is_inherited() -> None:
    cands = extract_candidates("Hạ tầng mạng băng rộng cáp quang phủ 100% trường học, bệnh viện và trên 80% hộ gia đình có nhu cầu.")
    assert [(c.value, c.comparator) for c in cands] == [(100, "="), (80, ">")]
    assert cands[1].indicator.startswith("Hạ tầng mạng băng rộng cáp quang phủ hộ gia đình")


def test_share_of_grdp_without_subject_is_the_digital_economy() -> None:
    cands = extract_candidates("Về phát triển kinh tế số, đến năm 2025 chiếm 20% GRDP.")
    assert cands[0].indicator == "kinh tế số trong GRDP"
    assert cands[0].pillar == "economy"


def test_pillar_lead_in_governs_following_paragraphs_until_the_next() -> None:
    text = (
        "Về phát triển chính quyền số, đến năm 2025, 80% thủ tục hành chính được xử lý trực tuyến.\n"
        "Đến năm 2030, 100% thủ tục hành chính được xử lý trực tuyến.\n"
        "Về phát triển xã hội số, tỷ lệ dân số có điện thoại thông minh đạt 80%.\n"
    )
    assert [c.pillar for c in extract_candidates(text)] == ["government", "government", "society"]


def test_subject_named_pillar_is_not_a_section_heading() -> None:
    text = "Mục tiêu đến năm 2025:\n- Tỷ trọng kinh tế số trong từng ngành, lĩnh vực đạt tối thiểu 10%.\n"
    cands = extract_candidates(text)
    assert cands[0].indicator.startswith("Tỷ trọng kinh tế số trong từng ngành")
    assert cands[0].deadline_year == 2025


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Đến năm 2025, Đồng Tháp nằm trong top 25 và đến năm 2030, Đồng Tháp nằm trong top 20 tỉnh.", [2025, 2030]),
        ("đóng góp 25% trong cơ cấu tăng trưởng GRDP của thành phố vào năm 2025 và đạt 40% vào năm 2030.", [2025, 2030]),
        ("Nghị quyết đặt mục tiêu năm 2030 kinh tế số sẽ chiếm hơn 30% GRDP và tăng lên 50% vào năm 2045.", [2030, 2045]),
        ("Phấn đấu đến năm 2030, tỉnh hoàn thành chuyển đổi số.\nKhi đó, 100% hồ sơ công việc được xử lý trên môi trường mạng.", [2030]),
        ("Nghị quyết về chuyển đổi số đến năm 2025, định hướng 2030\nVề phát triển xã hội số, tỷ lệ dân số có điện thoại thông minh đạt 80%.", [2025]),
        # clarified guide §3: the year that opens the lead-ins carries over each of them
        (("Kế hoạch chuyển đổi số năm 2027\nCụ thể, mục tiêu cụ thể đến năm 2026: Về chính quyền số: 90% hồ sơ được ký số.\n"
         "Về xã hội số, 70% người dân có tài khoản định danh điện tử."), [2026, 2026]),
        # a year stated inside one pillar's part stays in that part
        (("Kế hoạch chuyển đổi số đến năm 2025\nVề chính quyền số, 90% hồ sơ được ký số.\nĐến năm 2030, 100% hồ sơ được ký số.\n"
         "Về xã hội số, 70% người dân có tài khoản định danh điện tử."), [2025, 2030, 2025]),
        # unseen-errors T11: a period names the plan's horizon; a quarter is a deadline year
        ("Kế hoạch chuyển đổi số giai đoạn 2025-2027 của tỉnh\nVề kinh tế số, 40% hợp tác xã bán hàng trực tuyến.", [2027]),
        ("Giai đoạn 1 hoàn thành trong quý 2-2026, bảo đảm 100% người dân có tài khoản định danh điện tử.", [2026]),
    ],
)
def test_deadline_year_follows_the_guide_order(text: str, years: list[int]) -> None:
    assert [c.deadline_year for c in extract_candidates(text)] == years


def test_carried_year_is_withdrawn_when_a_measure_would_get_two_values() -> None:
    text = (
        "Tuyên Quang thúc đẩy phát triển kinh tế số và xã hội số trên địa bàn tỉnh.\n"
        "Với việc phát triển kinh tế số đến năm 2025, tỷ lệ doanh nghiệp sử dụng hợp đồng điện tử đạt 25% trở lên.\n"
        "Tỷ lệ doanh nghiệp sử dụng hợp đồng điện tử đạt 50% trở lên.\n"
    )
    assert [c.deadline_year for c in extract_candidates(text)] == [2025, None]


def test_rank_range_and_places_gained() -> None:
    cands = extract_candidates(
        "Phấn đấu Chỉ số DTI của tỉnh năm 2025 nằm trong nhóm Top 20 (khoảng 17-19 tỉnh/thành phố) "
        "và tăng dần (ít nhất 1-2 bậc) theo từng năm."
    )
    assert [(c.value, c.value_max, c.unit, c.comparator, c.direction) for c in cands] == [
        (20, None, "rank", "<=", "level"), (17, 19, "rank", "~", "level"), (1, 2, "rank", ">=", "increase"),
    ]
    assert cands[1].indicator == cands[0].indicator == "Chỉ số DTI của tỉnh"


def test_breakdown_after_a_colon_replaces_the_summary_value() -> None:
    cands = extract_candidates(
        "Tiếp tục rà soát thực hiện 100% hồ sơ công việc tại cấp tỉnh, cấp huyện và cấp xã được xử lý trên môi trường mạng: "
        "90% hồ sơ công việc tại cấp tỉnh, 80% hồ sơ công việc tại cấp huyện và 60% hồ sơ công việc tại cấp xã;"
    )
    assert [(c.value, c.scope) for c in cands] == [(90, "province"), (80, "district"), (60, "commune")]


def test_place_coverage_has_no_scope() -> None:
    cands = extract_candidates("hạ tầng mạng băng rộng cáp quang phủ đạt 75% hộ gia đình, 100% đơn vị cấp xã.")
    assert [(c.value, c.scope) for c in cands] == [(75, None), (100, None)]
    assert "đơn vị cấp xã" in cands[1].indicator


def test_bare_numbers_parallel_to_percents_are_percents() -> None:
    cands = extract_candidates(
        "Năm 2025, tỉnh phấn đấu 90% hồ sơ công việc cấp tỉnh, 80 hồ sơ cấp huyện và 60 hồ sơ cấp xã được xử lý trên môi trường mạng."
    )
    assert [(c.value, c.unit, c.scope) for c in cands] == [
        (90, "percent", "province"), (80, "percent", "district"), (60, "percent", "commune"),
    ]


def test_count_in_another_clause_is_not_made_a_percent() -> None:
    cands = extract_candidates(
        "Đến năm 2025, tỉnh có 100% sản phẩm OCOP được đưa lên sàn thương mại điện tử; có ít nhất 10 sản phẩm ứng dụng truy xuất nguồn gốc."
    )
    assert [(c.value, c.unit) for c in cands] == [(100, "percent"), (10, "count")]


def test_figures_about_another_province_are_not_targets() -> None:
    text = "Trong khi đó, TP Hồ Chí Minh đặt mục tiêu kinh tế số chiếm 25% GRDP; tỉnh Bình Dương phấn đấu kinh tế số chiếm 20% GRDP."
    assert [c.value for c in extract_candidates(text, province="Bình Dương")] == [20]


def test_later_vision_heading_is_not_the_document_horizon() -> None:
    text = (
        "a) Về xã hội số\nTỷ lệ dân số trưởng thành có điện thoại thông minh đạt 80%.\n"
        "Định hướng đến năm 2035\n100% hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng.\n"
    )
    assert [(c.deadline_year, c.pillar) for c in extract_candidates(text)] == [(None, "society"), (2035, None)]


def test_bulleted_boilerplate_is_not_a_heading() -> None:
    text = "Lạng Sơn đặt mục tiêu đến năm 2030\n  • Nam miền Bắc\n  • Nữ miền Nam\nTỷ lệ dân số có tài khoản thanh toán điện tử trên 80%.\n"
    assert [c.deadline_year for c in extract_candidates(text)] == [2030]


def test_annual_rate_runs_to_the_end_of_its_period() -> None:
    cands = extract_candidates(
        "Phấn đấu Chỉ số DTI của tỉnh năm 2025 nằm trong nhóm Top 20 và tăng dần (ít nhất 1-2 bậc) theo từng năm, "
        "bảo đảm đến năm 2030 nằm trong nhóm dẫn đầu."
    )
    assert [(c.value, c.deadline_year) for c in cands] == [(20, 2025), (1, 2030)]


def test_values_under_a_results_heading_are_reported_not_targets() -> None:
    text = (
        "1. Kết quả năm 2023\nToàn tỉnh có 85% hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng.\n"
        "2. Mục tiêu năm 2024\n95% hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng.\n"
    )
    assert [(c.value, c.deadline_year) for c in extract_candidates(text)] == [(95, 2024)]


def test_a_value_for_a_year_before_the_document_is_a_reported_result() -> None:
    text = "Năm 2022, tỉnh đạt 75% hồ sơ xử lý trực tuyến, tăng 10% so với năm 2021. Năm 2025, phấn đấu đạt 95%."
    assert [(c.value, c.deadline_year) for c in extract_candidates(text, doc_year=2023)] == [(95, 2025)]


def test_a_baseline_year_is_not_a_deadline() -> None:
    cands = extract_candidates("Đến năm 2025, tăng 30% số doanh nghiệp công nghệ số so với năm 2020.")
    assert [(c.direction, c.deadline_year) for c in cands] == [("increase", 2025)]


def test_year_words_are_not_left_in_the_indicator() -> None:
    cands = extract_candidates("Chỉ tiêu năm 2025: trước năm 2026 hoàn thành số hóa 100% hồ sơ lưu trữ.")
    assert (cands[0].deadline_year, cands[0].indicator) == (2026, "số hóa hồ sơ lưu trữ")


def test_a_list_of_counts_shares_its_lead_word() -> None:
    cands = extract_candidates("Tỉnh phấn đấu đến năm 2030 có 50 doanh nghiệp công nghệ số, 200 hợp tác xã ứng dụng thương mại điện tử.")
    assert [(c.value, c.unit, c.indicator) for c in cands] == [
        (50, "count", "doanh nghiệp công nghệ số"), (200, "count", "hợp tác xã ứng dụng thương mại điện tử"),
    ]


@pytest.mark.parametrize(
    ("text", "kwargs", "dropped"),
    [
        ("năm 2022 đã có 100% hồ sơ được xử lý trực tuyến.", {}, [(100, "reported_result")]),
        ("trên 80% dân số là người dân tộc thiểu số.", {}, [(80, "not_digital_population")]),
        ("tốc độ tăng trưởng GRDP bình quân đạt 10%.", {}, [(10, "not_digital_growth")]),
        ("1. Kết quả năm 2023\nToàn tỉnh có 85% hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng.\n", {},
         [(85, "report_heading")]),
        ("Trong khi đó, TP Hồ Chí Minh đặt mục tiêu kinh tế số chiếm 25% GRDP; tỉnh Bình Dương phấn đấu kinh tế số chiếm 20% GRDP.",
         {"province": "Bình Dương"}, [(25, "other_province")]),
        ("Năm 2022, tỉnh đạt 75% hồ sơ xử lý trực tuyến, tăng 10% so với năm 2021. Năm 2025, phấn đấu đạt 95%.",
         {"doc_year": 2023}, [(75, "before_document_year"), (10, "before_document_year")]),
        (("Tiếp tục rà soát thực hiện 100% hồ sơ công việc tại cấp tỉnh, cấp huyện và cấp xã được xử lý trên môi trường mạng: "
         "90% hồ sơ công việc tại cấp tỉnh, 80% hồ sơ công việc tại cấp huyện;"), {}, [(100, "summary_of_breakdown")]),
        (("Bắc Ninh phấn đấu đến năm 2030, kinh tế số chiếm tối thiểu 35% GRDP\n"
         "Theo Nghị quyết, tỉnh đặt mục tiêu đến năm 2030, kinh tế số chiếm tối thiểu 35% GRDP.\n"), {}, [(35, "restatement")]),
    ],
)
def test_every_dropped_number_names_its_rule(text: str, kwargs: dict[str, Any], dropped: list[tuple[float, str]]) -> None:
    result = extract(text, **kwargs)
    assert [(d.mention.value, d.rule) for d in result.drops] == dropped
    assert all(d.reason for d in result.drops)
    kept = {c.mention for c in result.candidates}
    assert not kept & {d.mention for d in result.drops}  # a number is either kept or dropped, never both


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # were `>`: `hơn`/`cao hơn` of gt_above shadowed the longer words (YAML order decided); longest match wins now
        ("Đến năm 2025, tỷ lệ hồ sơ trễ hạn thấp hơn 5%.", [(5, "percent", "<")]),
        ("Đến năm 2025, tỷ lệ hồ sơ trễ hạn không cao hơn 5%.", [(5, "percent", "<=")]),
        # a comparator word reaches the count detector: it was a second copy of the words that lacked `xấp xỉ`
        ("Đến năm 2025, phấn đấu xấp xỉ 20 doanh nghiệp công nghệ số.", [(20, "count", "~")]),
        ("Đến năm 2025, có từ 2 đến 3 doanh nghiệp công nghệ số.", []),  # a range start is not a count
    ],
)
def test_comparator_words_are_one_longest_match_table(sentence: str, expected: list[tuple[float, str, str]]) -> None:
    assert [(c.value, c.unit, c.comparator) for c in extract_candidates(sentence)] == expected
