"""The pillar landmarks' search helpers (extractors/pillars.py) give what a plain scan gives."""

from __future__ import annotations

import pytest

from extractors.lexicon import get_lexicon
from extractors.pillars import _patterns, clause_matches

TOPIC = _patterns(get_lexicon()).topic  # `Về kinh tế số, …`: opens with the clause-start look-behinds


@pytest.mark.parametrize(
    "line",
    [
        "Về kinh tế số, phấn đấu tỷ trọng kinh tế số đạt 20% GRDP",
        "Cụ thể, về kinh tế số, tỷ trọng đạt 20%; trong lĩnh vực xã hội số, 80% người dân",
        "a) Về chính quyền số:   về kinh tế số,    Đối với xã hội số, 100% hồ sơ",  # spaces after the marks
        "1. Trong lĩnh vực phát triển kinh tế số, tỷ trọng; - Về xã hội số: 50%",
        "tỉnh tập trung về kinh tế số, xã hội số",  # no clause start before the topic word
        "Về kinh tế số,về chính quyền số,, về xã hội số:",
        "",
    ],
)
def test_clause_matches_are_the_patterns_matches(line: str) -> None:
    # trying only the places a clause can start finds what a scan of every character finds
    expected = [(m.span(), m.groupdict()) for m in TOPIC.finditer(line)]
    assert [(m.span(), m.groupdict()) for m in clause_matches(TOPIC, line)] == expected
