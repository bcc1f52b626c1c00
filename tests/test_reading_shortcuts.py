"""Cheaper ways of reading a value's words give the answer of the plain reading.

A value's left and right words are read by patterns anchored at their end (a comparator,
linking or trail word just before the value) and by lead-in and clause-cut patterns. Those
anchored at the end are compiled from the end and tried once there (`.match`), instead of a
search that tries every character: each is compared here with the plain forward search, on
phrases built from the lexicon's words and on every left part of the repository's corpus.
"""

from __future__ import annotations

from functools import lru_cache

import pytest
import regex

from extractors import clause, indicator_text
from extractors.lexicon import FLAGS, get_lexicon
from extractors.numbers import find_mentions
from pipeline.ingest.load import expand_inputs, load_source
from tests.conftest import CORPUS

_HEADS = ["", "tỷ lệ hồ sơ ", "Đến năm 2025, ", "x", "(", "đạt "]
_TAILS = ["", " ", "  ", "\n", " \n", " (", "x", "trên", ","]


@lru_cache(maxsize=1)
def _lexicon_phrases() -> tuple[str, ...]:
    """Phrases that end in (or just after) each word the end patterns look for, in several casings."""
    lex = get_lexicon()
    words = [w for c in lex.comparators for w in c.words]
    words += [w for name in ("LINK_VERB", "HAVE_VERB", "SHARE_VERB", "CHANGE_VERB", "AVERAGE", "CONJ") for w in lex.fragment_words(name)]
    words += [w for d in lex.directions for w in d.words]
    out = []
    for w in words:
        for head in _HEADS:
            for tail in _TAILS:
                out += [f"{head}{w}{tail}", f"{head}{w.upper()}{tail}", f"{head}{w.replace(' ', '   ')}{tail}"]
        out += [f"{w} {other}" for other in words[:10]]
    return tuple(out)


@lru_cache(maxsize=1)
def _corpus_left_parts() -> tuple[tuple[str, int, int], ...]:
    """(text, start, end) of the 200 characters before each number of the repository's corpus,
    and of the text between each two numbers: the windows the clause stage reads."""
    out = []
    for path in expand_inputs([CORPUS]):
        text = load_source(path).text
        found = find_mentions(text, get_lexicon())
        for prev, m in zip([None, *found], found, strict=False):
            out.append((text, max(0, m.start - 200), m.start))
            if prev is not None and prev.end <= m.start:
                out.append((text, prev.end, m.start))
    return tuple(out)


def _end_patterns() -> list[regex.Pattern[str]]:
    lex = get_lexicon()
    return [
        clause._any_word_at_end(lex), clause._LINK_VERB, clause._HAVE_VERB, *(p for p, _ in lex.direction_before),
    ]


@pytest.mark.parametrize("index", range(len(_end_patterns())))
def test_words_before_a_value_matched_at_the_end_as_searched_forward(index: int) -> None:
    """`_comparator_before` tries its end patterns once, at the end: the same match as a forward search."""
    reverse = _end_patterns()[index]
    forward = regex.compile(reverse.pattern, FLAGS)
    for phrase in _lexicon_phrases():
        f, r = forward.search(phrase), reverse.match(phrase)
        assert (f.span() if f else None) == (r.span() if r else None), phrase
    found = 0
    for text, start, end in _corpus_left_parts():
        left = text[start:end].rstrip(" (")
        f, r = forward.search(left), reverse.match(left)
        assert (f.span() if f else None) == (r.span() if r else None), left
        found += f is not None
    assert found or index > 2  # the corpus has comparator, linking and having words before its values


@pytest.mark.parametrize("pattern", [clause._SHARE_VERB, clause._LINK_AT_END], ids=["share_verb", "link_at_end"])
def test_share_and_link_verbs_found_at_the_end_as_searched_forward(pattern: regex.Pattern[str]) -> None:
    """The clause stage asks only whether these end the words (a share verb before the value, a
    linking verb before the next one): the same answer as a forward search, also within a window."""
    forward = regex.compile(pattern.pattern, FLAGS)
    for phrase in _lexicon_phrases():
        assert (pattern.match(phrase) is None) == (forward.search(phrase) is None), phrase
    hits = 0
    for text, start, end in _corpus_left_parts():
        answer = forward.search(text, start, end) is not None
        assert (pattern.match(text, start, end) is not None) == answer, text[start:end]
        hits += answer
    assert hits


def test_trail_words_tested_at_the_end_as_searched_forward() -> None:
    """`strip_ends` tests each trail pattern at the end of a text with no space last (it strips
    the text first): the same answer as the pattern's own search."""
    lex = get_lexicon()
    phrases = [p.strip() for p in _lexicon_phrases()] + [text[s:e].strip() for text, s, e in _corpus_left_parts()]
    for pattern, from_end in indicator_text._at_end(lex):
        assert from_end is not None
        for phrase in phrases:
            assert (from_end.match(phrase) is None) == (pattern.search(phrase) is None), phrase


def test_a_conjunction_ending_a_right_part_found_at_the_end() -> None:
    """`_without_trailing_conj` asks for a conjunction at the end only of a text whose last
    character is no space or mark: the same answer as a forward search there."""
    forward = regex.compile(clause._ENDS_IN_CONJ.pattern, FLAGS)
    for phrase in _lexicon_phrases():
        if phrase and not clause._TRAILING_MARK.match(phrase, len(phrase) - 1):
            assert (clause._ENDS_IN_CONJ.match(phrase) is None) == (forward.search(phrase) is None), phrase


@pytest.mark.parametrize(
    ("right", "expected"),
    [
        ("hồ sơ cấp tỉnh, và", "hồ sơ cấp tỉnh"),
        ("hồ sơ cấp tỉnh và", "hồ sơ cấp tỉnh"),
        ("hồ sơ cấp tỉnh VÀ", "hồ sơ cấp tỉnh"),
        ("hồ sơ cấp tỉnh vào", "hồ sơ cấp tỉnh vào"),
        ("hồ sơ cấp tỉnh", "hồ sơ cấp tỉnh"),
    ],
)
def test_trailing_conjunction_cut(right: str, expected: str) -> None:
    assert clause._without_trailing_conj(right) == expected
