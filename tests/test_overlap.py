"""Indicator overlap: the syllables cut at spaces first are the plain split's, so the scorer and
the restatement merge read the same overlap."""

from __future__ import annotations

import itertools
import sys
import unicodedata

import pytest

from extractors import merge
from extractors.overlap import _SPLIT, indicator_overlap, set_overlap, syllables

PHRASES = [
    "tỷ lệ hồ sơ được xử lý trực tuyến",
    "Tỷ lệ Hồ sơ (DVCTT) toàn trình/một phần",
    "doanh nghiệp công nghệ số; kinh tế số chiếm 20% GRDP",
    "hoa\u0300 mạng  cáp quang\u00a0băng rộng\tđến thôn, bản",  # a combining mark, no-break space, tab
    "km² x\u200dy n_a ... -- «4.0»",
    "",
    "   ",
]


def plain_syllables(phrase: str) -> set[str]:
    """The definition: NFC, lower case, split on white space and punctuation in one pass."""
    return {s for s in _SPLIT.split(unicodedata.normalize("NFC", phrase).lower()) if s}


def test_a_space_separates_and_a_letter_never_does() -> None:
    # `syllables` keeps a token of letters whole after cutting at spaces: both facts of `_SPLIT`,
    # checked over every code point
    every = (chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    letters = "".join(ch for ch in every if ch.isalpha())
    assert _SPLIT.search(letters) is None
    assert _SPLIT.fullmatch(" ")


@pytest.mark.parametrize("phrase", PHRASES)
def test_syllables_are_the_plain_split(phrase: str) -> None:
    assert syllables(phrase) == plain_syllables(phrase)


@pytest.mark.parametrize("a, b", list(itertools.combinations(PHRASES[:5] + ["hồ sơ", "Hồ sơ trực tuyến"], 2)))
def test_overlap_of_held_sets_is_the_indicator_overlap(a: str, b: str) -> None:
    assert set_overlap(syllables(a), syllables(b)) == indicator_overlap(a, b)
    assert merge._overlap(a, b) == indicator_overlap(a, b)


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("hồ sơ trực tuyến", "Hồ sơ trực tuyến", 1.0),
        ("hồ sơ", "hồ sơ trực tuyến", 2 * 1.0 * 0.5 / 1.5),
        ("hồ sơ", "doanh nghiệp", 0.0),
        ("", "", 1.0),
        ("", "hồ sơ", 0.0),
    ],
)
def test_overlap_is_the_f1_of_syllable_sets(a: str, b: str, expected: float) -> None:
    assert indicator_overlap(a, b) == pytest.approx(expected)
