"""Extraction checks that do not fit one row of the spec table.

Sentences and the records they must give live in tests/spec/targets.yaml (run by
tests/test_spec.py): add a case there as a row. What stays here asserts something a row
cannot say, such as where in the text a merged record points.
"""

from __future__ import annotations

import pytest

from extractors.targets import extract_candidates


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


@pytest.mark.parametrize(
    ("sentence", "rules"),
    [
        ("Đến năm 2025, kinh tế số chiếm tối thiểu 20% GRDP.",
         {"value": "percent", "comparator": "ge_minimum", "deadline_year": "year_clause", "pillar": "pillar_in_clause",
          "indicator": "indicator_clause", "direction": "default_level"}),
        ("tỷ lệ không dùng tiền mặt trong TMĐT đạt từ 50% trở lên.", {"comparator": "ge_from_upwards"}),
        ("Đến năm 2025, Đồng Tháp nằm trong top 25 tỉnh.", {"value": "rank", "comparator": "rank_default"}),
        ("Năng suất lao động hàng năm tăng tối thiểu 7%.", {"direction": "increase", "comparator": "ge_minimum"}),
        ("Đến năm 2025, 100% hồ sơ ở cấp tỉnh được xử lý trên môi trường mạng.", {"scope": "province", "comparator": "default_eq"}),
        ("Tiếp tục phát triển hạ tầng mạng băng rộng cáp quang phủ tới 90% hộ gia đình (đã đạt); Tỷ lệ",
         {"achieved": "achieved_marker"}),
    ],
)
def test_every_field_knows_the_rule_that_set_it(sentence: str, rules: dict[str, str]) -> None:
    """Provenance a spec row does not state: the rule id behind each field (Candidate.rules)."""
    cands = extract_candidates(sentence)
    assert len(cands) == 1, [c.quote for c in cands]
    got = cands[0].rules
    assert {k: got.get(k) for k in rules} == rules, got


def test_list_rules_are_named_on_the_fields_they_set() -> None:
    cands = extract_candidates(
        "tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng tại cấp tỉnh đạt 100%, cấp huyện đạt 90% và cấp xã đạt trên 70%."
    )
    assert [c.rules["indicator"] for c in cands] == ["indicator_clause", "list_inherit_indicator", "list_inherit_indicator"]


def test_a_record_carries_the_rules_as_optional_provenance() -> None:
    from schemas.build import build_plan

    text = "Đến năm 2025, kinh tế số chiếm tối thiểu 20% GRDP."
    plan = build_plan(doc_id="x", text=text, candidates=extract_candidates(text), fields={})
    assert plan.targets[0].rules is not None and plan.targets[0].rules["comparator"] == "ge_minimum"
    assert "rules" in plan.targets[0].to_json()
