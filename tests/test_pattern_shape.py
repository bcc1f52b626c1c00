"""What a pattern's parse tells about where its matches start (extractors/pattern_shape.py).

A cue or province search tries a pattern only where one of its opening words occurs, so an
opening read wrong would lose a match: these tests pin the readings of each shape, and check
the case-folded look-up against `regex`'s own case-insensitive matching over every code point.
"""

from __future__ import annotations

import pytest
import regex

from extractors.lexicon import FLAGS, get_lexicon
from extractors.pattern_shape import casefolded, may_hold, openings, reach_formula, required_words
from extractors.scopes import _scope_patterns
from tests.conftest import CORPUS


def _lexicon_patterns() -> list[regex.Pattern[str]]:
    lex = get_lexicon()
    listed, _ = _scope_patterns(lex)
    return [pattern for entries in lex.cue_entries.values() for _, pattern in entries] + [lex.province_re, listed]


@pytest.mark.parametrize(
    ("pattern", "words", "text_start"),
    [
        (r"(?<!\(\s*)\bđã\s+(?!được)", ("đã",), False),  # look-arounds and `\b` do not move the start
        (r"\b(?:thời\s+gian|những\s+năm|năm)\s+qua\b|\bĐạt\s+kết", ("những", "năm", "thời", "đạt"), False),
        (r"\bhiện (?:nay|tại)\b|\bhiện\s+đang", ("hiện",), False),  # `hiện ` adds no start to `hiện`
        (r"\bqua\s+\d+\s+năm|^\s*kết\s+quả", ("qua",), True),  # `^`: the text's start only
        (r"\w+\s+đã", None, False),  # may start at any word
        (r"\bđã|\s+qua", None, False),  # one branch may start anywhere
        (r"\bx\b", None, False),  # one letter opens too many places
        (r"(?m)^đã", None, False),  # `^` at every line
        (r"(?-i:đã)", None, False),  # a group that sets flags
        (r"(?:(?:ở|tại)\s+)?\(?cấp\s+xã", None, False),  # `(` and `ở` are one letter each
        (r"(?:(?:trong|tại)\s+)?(?:từ\s+)?cấp\s+xã", ("cấp", "trong", "tại", "từ"), False),  # optional leads
        (r"(?<!\w)(b(?:à\s*rịa|ình\s*(?:dương|phước))|an\s*giang)(?!\w)", ("an", "bà", "bình"), False),  # a trie
        (r"đ(?:ã|ạt)?\s", None, False),  # the group may be skipped: `đ` alone
        (r"(?:ab)+c", ("ab",), False),
    ],
)
def test_opening_words_are_read_only_where_every_match_opens_with_one(
    pattern: str, words: tuple[str, ...] | None, text_start: bool
) -> None:
    found = openings(pattern, FLAGS)
    if words is None:
        assert found is None
    else:
        assert found is not None and sorted(found.words) == sorted(words) and found.text_start is text_start


def test_every_character_matching_an_opening_letter_ignoring_case_folds_to_it() -> None:
    """Why looking opening words up in the case-folded text finds every place a pattern can
    match: any character `regex` matches to one of their letters ignoring case folds to that
    letter's folding (checked over every code point, for every letter of the lexicon's words).
    A character whose folding is longer (`İ` folds to `i̇`) moves offsets: a text holding one
    is searched directly."""
    letters: set[str] = set()
    for pattern in _lexicon_patterns():
        found = openings(pattern.pattern, pattern.flags)
        for word in (found.words if found else ()) + (required_words(pattern.pattern, pattern.flags) or ()):
            letters.update(word)
    assert letters
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for letter in sorted(letters):
        for ch in regex.findall(regex.escape(letter), every, FLAGS):
            assert ch.casefold() == letter.casefold() or len(ch.casefold()) > 1, (letter, ch)
    assert casefolded("Tỉnh İzmir đã đạt") is None


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        (r"\bđã\s+đạt", "Tỉnh ĐÃ ĐẠT 90%", True),  # upper case is found
        (r"\bđã\s+đạt", "tỉnh sẽ hoàn thành 90%", False),
        (r"\bđã\s+đạt", "Tỉnh İzmir đã đạt", True),  # folding moves offsets: cannot tell, so searched
    ],
)
def test_a_text_without_a_required_word_holds_no_match(pattern: str, text: str, found: bool) -> None:
    words = required_words(pattern, FLAGS)
    assert words is not None
    assert may_hold(words, casefolded(text)) is found
    if not found:
        assert regex.search(pattern, text, FLAGS) is None


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"(?:(?:ở|tại)\s+)?\(?cấp\s+(?:tỉnh|huyện|xã)", ("cấp",)),  # the fewest words a match must hold
        (r"\bhiện\s+nay|theo\s+số\s+liệu", ("hiện", "theo")),  # each branch's longest (the first of equals)
        (r"(?:các\s+)?cơ\s+quan", ("quan",)),  # an optional word is not required
        (r"\d+\s*%", None),
        (r"x\s+y", None),  # one letter is too little to look for
    ],
)
def test_required_words_are_words_every_match_holds(pattern: str, words: tuple[str, ...] | None) -> None:
    assert required_words(pattern, FLAGS) == words


def test_a_segment_without_a_required_word_holds_no_scope_phrase() -> None:
    """`find_scopes` does not scan a segment none of the scope pattern's required words is in."""
    listed, _ = _scope_patterns(get_lexicon())
    words = required_words(listed.pattern, listed.flags)
    assert words is not None
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    text += " Các Cơ Quan tỉnh; CẤP XÃ; các cơ  quan  thành phố"
    skipped = 0
    for start in range(0, len(text) - 10, 7):
        segment = text[start : start + 40 + start % 90]
        if not may_hold(words, casefolded(segment)):
            skipped += 1
            assert listed.search(segment) is None, segment
        else:
            assert may_hold(words, casefolded(segment))
    assert skipped > 100
    assert all(listed.search(t) and may_hold(words, casefolded(t)) for t in ("Các Cơ Quan tỉnh", "CẤP XÃ", "ở cấp huyện"))


@pytest.mark.parametrize(
    "pattern",
    [r"(?:đã){e<=1}\s+đạt", r"\bhiện{i<=1,d<=1}\s+nay", r"(?:cấp\s+xã){e}", r"(?:theo\s+số\s+liệu){1<=e<=2}",
     r"cấp\\{e<=1}xa", r"[[:alpha:]]a\s+đạt", r"hiện[[:space:]]nay"],
)
def test_a_fuzzy_pattern_has_no_shape_from_the_standard_parser(pattern: str) -> None:
    """The standard parser reads `{e<=1}` as text and `[[:alpha:]]` as a set and a `]`: such a
    pattern is searched directly, never ruled out by a shape it does not have."""
    assert openings(pattern, FLAGS) is None
    assert required_words(pattern, FLAGS) is None
    assert reach_formula(pattern) is None
    assert regex.search(pattern, "Tỉnh đa đạt; hiện nay; cấp\\xa; theo so lieu", FLAGS)  # each matches a near spelling

