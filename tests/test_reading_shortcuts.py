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
from extractors.lexicon import FLAGS, Lexicon, get_lexicon
from extractors.numbers import Mention, find_mentions
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
    trails = indicator_text._ends(lex)[1]
    assert trails is not None
    for pattern, from_end in zip(lex.strip_right, trails.patterns, strict=True):
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


def _comparator_before_by_each_pattern(left: str, lex: Lexicon, value_max: float | None) -> tuple[str | None, str, str, dict[str, str]]:
    """`_comparator_before` as written before `_WordsAtEnd`: each pattern tried on its own."""
    comparator: str | None = None
    direction, rules, text = "level", {}, left.rstrip()
    for _ in range(4):
        text = text.rstrip(" (")
        if clause._any_word_at_end(lex).match(text) is None:
            break
        hit = False
        found = lex.comparator_before(text)
        if found:
            if not (found[1] == "ge_from" and value_max is not None) and comparator is None:
                comparator, rules["comparator"] = found[0], found[1]
            text, hit = text[: found[2]].rstrip(), True
        m = clause._LINK_VERB.match(text)
        if m:
            if comparator is None:
                comparator, rules["comparator"] = "=", "LINK_VERB"
            text, hit = text[: m.start()].rstrip(), True
        for pattern, dirn in lex.direction_before:
            m = pattern.match(text)
            if m:
                if direction == "level":
                    direction, rules["direction"] = dirn, lex.direction_ids[dirn]
                text, hit = text[: m.start()].rstrip(), True
                break
        m = clause._HAVE_VERB.match(text) if not hit else None
        if m and lex.comparator_before(text[: m.start()].rstrip()):
            text, hit = text[: m.start()].rstrip(), True
        if not hit:
            break
    return comparator, direction, text, rules


def _strip_comparators_by_lexicon(left: str, lex: Lexicon) -> str:
    text = left.rstrip()
    while (found := lex.comparator_before(text)) is not None:
        text = text[: found[2]].rstrip()
    return text


def test_words_before_a_value_read_from_one_union_match_as_pattern_by_pattern() -> None:
    """`_WordsAtEnd` answers each end pattern from the union's match where it can: the comparator,
    direction, rules and stripped left part of every corpus left part and lexicon phrase are those
    of trying each pattern on its own (stacked words: `đạt trên`, `tăng thêm ít nhất`, `ít nhất có`)."""
    lex = get_lexicon()
    words = [w for c in lex.comparators for w in c.words] + [w for d in lex.directions for w in d.words]
    words += lex.fragment_words("LINK_VERB") + lex.fragment_words("HAVE_VERB")
    stacked = [f"tỷ lệ {a} {b} (" for a in words for b in words[::3]]
    lefts = [*_lexicon_phrases(), *stacked, *(t[s:e] for t, s, e in _corpus_left_parts())]
    read = 0
    for left in lefts:
        for value_max in (None, 30.0):
            mention = Mention(start=0, end=1, value=25.0, value_max=value_max, unit="percent", rule="r")
            rules: dict[str, str] = {}
            ends = clause._WordsAtEnd(lex)
            got = (*clause._comparator_before(left, lex, mention, rules, ends), rules)
            assert got == _comparator_before_by_each_pattern(left, lex, value_max), left
            assert clause._strip_comparators(left, lex, ends) == _strip_comparators_by_lexicon(left, lex), left
            read += got[0] is not None and got[1] != "level"
    assert read  # some left parts state both a comparator and a direction


def _strip_ends_pattern_by_pattern(text: str, lex: Lexicon, left: bool) -> str:
    """`strip_ends` as written before its unions: each lead and trail pattern tried on its own."""
    for pattern in lex.drop_anywhere:
        text = pattern.sub(" ", text)
    text = " ".join(text.split())
    changed = True
    while changed and text:
        changed = False
        for pattern in lex.strip_left if left else ():
            m = pattern.match(text)
            new = text[m.end() :].strip() if m else text
            if new != text:
                text, changed = new, True
        for pattern in lex.strip_right:
            new = pattern.sub("", text, count=1).strip()
            if new != text:
                text, changed = new, True
    return text


def test_lead_and_trail_words_stripped_by_their_unions_as_pattern_by_pattern() -> None:
    """`strip_ends` asks its lead and trail patterns as one union each (`first_match`): the same
    text as trying each on its own, on every corpus left and right part and on stacked lexicon words."""
    lex = get_lexicon()
    words = [w for name in ("LINK_VERB", "HAVE_VERB", "CONJ") for w in lex.fragment_words(name)]
    stacked = [f"{a} tỷ lệ hồ sơ {b}" for a in ("cụ thể, phấn đấu", "Trong đó:", "- ", "") for b in [*words, "lần lượt là", "của và", ","]]
    texts = [*stacked, *_lexicon_phrases(), *(t[s:e] for t, s, e in _corpus_left_parts()), *_corpus_right_parts()]
    stripped = 0
    for text in texts:
        for left in (True, False):
            got = indicator_text.strip_ends.__wrapped__(text, lex, left)  # type: ignore[attr-defined]
            assert got == _strip_ends_pattern_by_pattern(text, lex, left), text
            stripped += got != " ".join(text.split())
    assert stripped > len(texts) // 4


@pytest.mark.parametrize("unit", ["percent", "count", "rank"])
def test_blank_words_kept_blank_by_every_step_the_shortcuts_skip(unit: str) -> None:
    """`clean_right`, `build_indicator`, `strip_ends`, `_strip_provinces`, `without_years`, `_cut_leadin`
    and `_cut_new_clause` return at once for empty (or blank) words: each step they skip keeps them."""
    lex = get_lexicon()
    it = indicator_text
    assert it._PER_YEAR.sub("", "") == it.YEAR_PHRASE.sub(" ", "") == it.without_parens("") == ""
    assert it._AFTER_AT_START.sub("", "") == it._RANK_LEAD.sub("", "") == it._SHARE_HEAD.sub("", "") == ""
    assert it._RANK_GROUP.match("") is None and it._LOCATIVE.search("") is None and it._OBJECT_OF_SHARE.match("") is None
    assert _strip_ends_pattern_by_pattern("", lex, True) == ""
    for blank in ("", " ", "  \n"):
        assert it._strip_provinces(blank, lex) == blank and not lex.province_re.search(blank)
        assert clause._cut_new_clause(blank, lex) == blank
        assert not clause._cut_before((True,) * len(clause._LEADIN_KINDS)).search(blank) and not clause._AND_HAVE.search(blank)
        assert clause._cut_leadin(blank) == _leadin_by_whole_alternation(blank) == 0
    assert it.clean_right("", lex, unit) == ""
    for right in ("", "GRDP", "hồ sơ"):
        for share_verb in (True, False):
            assert it.build_indicator("", right, lex, share_verb, unit) == _build_indicator_every_step("", right, lex, share_verb, unit)


def _build_indicator_every_step(left: str, right: str, lex: Lexicon, share_verb: bool, unit: str) -> str:
    """`build_indicator` as written before its shortcut for empty left words."""
    it = indicator_text
    left = it.without_years(left)
    if right:
        left = left.rsplit(",", 1)[-1]
    left = it._strip_provinces(_strip_ends_pattern_by_pattern(left, lex, True), lex)
    if unit == "rank":
        left = it._RANK_LEAD.sub("", left).strip()
    left = _strip_ends_pattern_by_pattern(left, lex, True)
    bare_left = it._SHARE_HEAD.sub("", left).strip()
    if it._OBJECT_OF_SHARE.match(right):
        subject = (left if bare_left and not share_verb else bare_left) or it._DIGITAL_ECONOMY
        return f"{subject} trong {it._SHARE_OWNER.sub('', right)}"
    return " ".join(p for p in (left, right) if p)


def _cut_cases() -> list[tuple[regex.Pattern[str], str, list[str]]]:
    """(pattern, name, texts) of each end-anchored pattern whose `sub` is done by `cut_end`."""
    lex = get_lexicon()
    lefts = [t[s:e] for t, s, e in _corpus_left_parts()]
    rights = [*_corpus_right_parts(), *(r[:k] for r in _corpus_right_parts()[:300] for k in (20, 40, 60))]
    words = lex.fragment_words("CONJ") + [w for name in ("RANK_VERB", "RANK_IN", "RANK_GROUP", "RANK_TOP") for w in lex.fragment_words(name)]
    phrases = [f"hồ sơ{mark}{w}{tail}" for w in words for mark in (" ", ", ", " ; ", ",") for tail in ("", " ", " \n", "\n", " ,")]
    phrases += [f"tỷ lệ đạt {w}" for w in ("lần lượt", "lần  lượt là", "đạt được", "phủ đạt", "được kỳ vọng sẽ", "của", "(")]
    normal = [" ".join(t.split()) for t in [*lefts, *rights, *phrases, *_lexicon_phrases()]]
    out = [(clause._TRAILING_CONJ, "trailing_conj", [*rights, *phrases, *normal]), (indicator_text._RANK_LEAD, "rank_lead", normal)]
    out += [(p, f"strip_right{i}", normal) for i, p in enumerate(lex.strip_right)]
    return out


@pytest.mark.parametrize("index", range(len(_cut_cases())))
def test_end_anchored_sub_done_by_one_longest_match_from_the_end(index: int) -> None:
    """`cut_end` with `longest_from_end(pattern)` gives `pattern.sub("", text)` (its leftmost match,
    which ends the text, replaced): on corpus left and right parts (with line breaks for the
    trailing conjunction), the lexicon's words stacked at the end, and their upper case."""
    pattern, _, texts = _cut_cases()[index]
    from_end = indicator_text.longest_from_end(pattern)
    assert from_end is not None
    cut = 0
    for text in [*texts, *(t.upper() for t in texts[:1000])]:
        expected = pattern.sub("", text, count=1)
        assert indicator_text.cut_end(from_end, pattern, text, count=1) == expected, text
        cut += expected != text
    assert cut  # the texts hold matches to cut


@pytest.mark.parametrize(("pattern", "text"), [
    (regex.compile(r"(?:và)$"), "A và\n"),  # `$` before the final line break: the match from the end cannot take it
    (regex.compile(r"(?:và)$", regex.MULTILINE), "A và\nB"),  # `$` at every line's end
    (regex.compile(r"\s*(?:và)$"), "A và"),
])
def test_cut_end_gives_sub_where_a_match_from_the_end_would_not(pattern: regex.Pattern[str], text: str) -> None:
    """A text ending with a line break, and a MULTILINE pattern, are left to `sub` (review finding)."""
    from_end = indicator_text.longest_from_end(pattern)
    assert indicator_text.cut_end(from_end, pattern, text) == pattern.sub("", text)


def test_two_shares_tried_only_where_a_whole_is_named_on_each_side() -> None:
    """`lists._may_be_two_shares` passes every text `_TWO_SHARES` matches (and rules out most others)."""
    from extractors import lists

    texts = [t[s:e] for t, s, e in _corpus_left_parts()] + list(_corpus_right_parts())
    texts += [f"tỷ trọng {a} trong {b}, {c} trong {d}" for a in ("A", "kinh tế số") for b in ("GRDP", "x, y") for c in ("B", "") for d in ("C", "D, E")]
    texts += [t.upper() for t in texts] + ["İ trong a, b trong c", "a trong b,c trong d"]
    matched = ruled_out = 0
    for text in texts:
        if lists._TWO_SHARES.match(text):
            matched += 1
            assert lists._may_be_two_shares(text), text
        ruled_out += not lists._may_be_two_shares(text)
    assert matched and ruled_out > len(texts) // 2


@pytest.mark.parametrize("blank", ["", " ", "  ", "\t", " \n ", "\x1c", "\u3000"])
def test_blank_words_before_a_value_read_as_the_full_reading_reads_them(blank: str) -> None:
    """`_segment` returns `_BLANK` for blank left words without reading them: the same comparator,
    direction, core, share verb and list-item reading as the full one, for a range too."""
    lex = get_lexicon()
    for value_max in (None, 30.0):
        mention = Mention(start=0, end=1, value=25.0, value_max=value_max, unit="percent", rule="r")
        rules: dict[str, str] = {}
        comparator, direction, core = clause._comparator_before(blank, lex, mention, rules)
        share_verb = bool(clause._SHARE_VERB.match(blank))
        bare = bool(clause._CONJ_ONLY.match(clause._strip_comparators(blank, lex)))
        full = {"comparator": comparator, "direction": direction, "left_core": core, "share_verb": share_verb, "bare": bare}
        assert full == clause._BLANK and rules == {}


@pytest.mark.parametrize(("patterns", "text"), [
    ([r"x", r"(y)\1"], "yy"),  # a back-reference: renumbered in a union, it would point at another branch's group
    ([r"x", r"(?P<w>y)(?P=w)"], "yy"),  # a named group and a reference to it
    ([r"ab", r"abc"], "abc"),  # POSIX: the longest match, not the first branch's
    ([r"a(b)", r"c"], "c"),
])
def test_first_match_answers_as_the_patterns_one_by_one(patterns: list[str], text: str) -> None:
    """Which pattern matches first, and where, is the same from `FirstMatch` as from trying each in turn (review finding)."""
    from extractors.first_match import FirstMatch

    flags = regex.POSIX if patterns == [r"ab", r"abc"] else 0
    compiled = [regex.compile(p, flags) for p in patterns]
    expected = next(((i, m.span()) for i, p in enumerate(compiled) if (m := p.match(text))), (len(compiled), None))
    index, m = FirstMatch(compiled).first(text)
    assert (index, m.span() if m else None) == expected
