"""Extraction checks that do not fit one row of the spec table.

Sentences and the records they must give live in tests/spec/targets.yaml (run by
tests/test_spec.py): add a case there as a row. What stays here asserts something a row
cannot say, such as where in the text a merged record points.
"""

from __future__ import annotations

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
