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
        lex.cmp_before_re, clause._any_word_at_end(lex), clause._LINK_VERB, clause._HAVE_VERB,
        *(p for p, _ in lex.direction_before),
    ]


@pytest.mark.parametrize("index", range(len(_end_patterns())))
def test_words_before_a_value_matched_at_the_end_as_searched_forward(index: int) -> None:
    """`_comparator_before` (and `Lexicon.comparator_before`) try their end patterns once, at the
    end: the same match as a forward search, also for a left part ending in a line break."""
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
    assert found or index > 3  # the corpus has comparator, linking and having words before its values


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


@lru_cache(maxsize=1)
def _corpus_right_parts() -> tuple[str, ...]:
    """The 300 characters after each number of the repository's corpus."""
    out = []
    for path in expand_inputs([CORPUS]):
        text = load_source(path).text
        out += [text[m.end : m.end + 300] for m in find_mentions(text, get_lexicon())]
    return tuple(out)


def _cut_phrases() -> list[str]:
    lex = get_lexicon()
    words = [*lex.indicator.clause_openers, *lex.fragment_words("PURPOSE_LINK")]
    out = []
    for w in words:
        for join in (", ", ",", " và ", " VÀ ", "và", " Và\t", " - ", " "):
            out += [f"hồ sơ{join}{w} chỉ số", f"{join}{w.upper()}", f"dữ liệu{join}{w.replace(' ', '  ')}"]
    return out


def test_clause_cut_hints_found_where_they_can_open() -> None:
    """`_cut_new_clause` tries its hint only at a comma, `và` or purpose word: the same offsets as
    scanning for it at every character."""
    lex = get_lexicon()
    hint = clause._cut_hint(lex)
    hits = 0
    for right in [*_cut_phrases(), *_corpus_right_parts(), "İstanbul, là", ""]:
        every = [h.start() for h in hint.finditer(right, overlapped=True)]
        assert clause._hint_starts(right, lex) == every, right
        hits += bool(every)
    assert hits > len(_cut_phrases()) // 2


def _leadin_by_whole_alternation(left: str) -> int:
    """`_cut_leadin` as written before its shortcuts: every kind searched for."""
    cut = 0
    for m in clause._cut_before((True,) * len(clause._LEADIN_KINDS)).finditer(left):
        cut = m.end()
    m = clause._AND_HAVE.search(left, cut)
    return m.end() if m else cut


def test_leadins_searched_only_where_their_words_are_cut_the_same() -> None:
    lex = get_lexicon()
    leads = [w for name in ("DISCOURSE_MARKER", "AIM_LEAD", "AND", "HAVE_VERB") for w in lex.fragment_words(name)]
    phrases = [f"{a}, {b} 2025, {a.upper()} và có ít nhất" for a in leads for b in ("Đến năm", "giai đoạn")]
    cut = 0
    for text, start, end in _corpus_left_parts():
        left = text[start:end]
        assert clause._cut_leadin(left) == _leadin_by_whole_alternation(left), left
        cut += clause._cut_leadin(left) > 0
    for left in phrases:
        assert clause._cut_leadin(left) == _leadin_by_whole_alternation(left), left
    assert cut  # the corpus has lead-ins before its values


def _word_tested_patterns() -> list[regex.Pattern[str]]:
    from extractors import coordination, predicates

    return [*clause._LEADIN_ALONE, clause._AND_HAVE, *get_lexicon().drop_anywhere, predicates._PURPOSE_IN, coordination._VA]


@pytest.mark.parametrize("index", range(len(_word_tested_patterns())))
def test_a_text_without_a_patterns_words_holds_no_match(index: int) -> None:
    """A text none of `words_in_every_match` is in is ruled out: it holds no match of the pattern."""
    from extractors.indicator_text import words_in_every_match
    from extractors.pattern_shape import casefolded, may_hold

    pattern = _word_tested_patterns()[index]
    texts = [*_lexicon_phrases(), *_cut_phrases(), *(t[s:e] for t, s, e in _corpus_left_parts()), *_corpus_right_parts()]
    texts += ["được triển khai đồng bộ và có ít nhất", "VÀ CÓ", "hồ sơ (đã đạt) và", "(TRỪ văn bản mật)", "(bao gồm cả cấp xã", "TỶ LỆ hồ sơ", "mục tiêu để", "x và y"]
    texts += [t.upper() for t in texts[:2000]]
    assert any(pattern.search(text) for text in texts)  # the texts hold matches to rule out wrongly
    for text in texts:
        if pattern.search(text):
            assert may_hold(words_in_every_match(pattern), casefolded(text)), text


@pytest.mark.parametrize(
    ("text", "pos", "expected"),
    [
        ("85% hồ sơ cấp tỉnh (đến năm 2030 là 98%)", 36, True),
        ("85% hồ sơ cấp tỉnh (trừ hồ sơ mật) và 98%", 38, False),
        ("hồ sơ cấp tỉnh (đến năm 2030 là 98%)", 32, False),  # no value before the parenthesis
        ("85% hồ sơ cấp tỉnh, đến năm 2030 là 98%", 36, False),
    ],
)
def test_a_value_nested_in_a_parenthesis_after_an_earlier_one(text: str, pos: int, expected: bool) -> None:
    assert clause.nested(text, 0, pos) is expected
