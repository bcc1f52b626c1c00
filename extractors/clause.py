"""Each value's share of its clause, and the comparator and direction read from its words.

A value's clause is cut between it and its neighbours (`segments`): the split depends on
the neighbour, so this is the one sequential stage. After it, every value's left part
gives its comparator and direction (`comparators.yaml`, `directions.yaml`), and a word
after the value (`50% trở lên`) may give the comparator instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

from extractors.context import DocContext
from extractors.first_match import FirstMatch, Tried
from extractors.indicator_text import cut_end, longest_from_end, words_in_every_match
from extractors.lexicon import AT_END, FLAGS, Lexicon, loose_pattern, template
from extractors.nlp import syllable_spans, syllable_window, word_spans
from extractors.numbers import Mention
from extractors.pattern_shape import casefolded, may_hold
from extractors.search_at import word_starts
from extractors.structure import open_paren

_SPLIT_DELIMS = regex.compile(template(r":|,|;|\(|\s+{CONJ}\s+|\s+-\s+"), FLAGS)
# Compiled from the end (`AT_END`) and tried with `.match`, anchored at the end: one attempt there, the
# same match as a forward search (longest word first; tests/test_fast_paths.py and
# tests/test_reading_shortcuts.py compare the ways). A `.search` from the end that fails would try
# every character before giving up, as a forward search does.
_LINK_VERB = regex.compile(template(r"{LINK_VERB}\s*$"), AT_END)
_HAVE_VERB = regex.compile(template(r"(?<!\w){HAVE_VERB}\s*$"), AT_END)
# A value's left part is cut after its last lead-in: a colon, a fronted period (`Đến năm 2025,`), a
# discourse marker and its comma, or an aim. Each kind needs a mark of its own in the text (a colon,
# a year then a comma, a comma: a character it holds, looked for with `in`, and a finer pattern) and,
# for the word kinds, one of its words (`indicator_text.words_in_every_match`), so only the kinds
# whose mark and words are there are searched for: the same matches as the whole alternation, for
# less work at every character.
_LEADIN_KINDS = (
    (":", "", ":"),
    (",", r"\d{4}\s*,", r"(?<!\w)(?:{YEAR_PREP})?\s*{PERIOD_WORD}\s+(?:\d{4}\s*[-–—]\s*)?\d{4}\s*,"),
    (",", "", r"{DISCOURSE_MARKER}\s*,"),
    ("", "", r"{AIM_LEAD}"),
)
_LEADIN_CHARS = tuple(char for char, _, _ in _LEADIN_KINDS)
_LEADIN_MARKS = tuple(regex.compile(mark) if mark else None for _, mark, _ in _LEADIN_KINDS)


@lru_cache(maxsize=16)
def _cut_before(kinds: tuple[bool, ...]) -> regex.Pattern[str]:
    """The lead-in alternation of the kinds marked present, in their order."""
    return regex.compile(template("|".join(p for (*_, p), on in zip(_LEADIN_KINDS, kinds) if on)), FLAGS)


_LEADIN_ALONE = tuple(_cut_before(tuple(j == i for j in range(len(_LEADIN_KINDS)))) for i in range(len(_LEADIN_KINDS)))
_LEADIN_WORDS = tuple(words_in_every_match(p) for p in _LEADIN_ALONE)


def _comparator_before(
    left: str, lex: Lexicon, mention: Mention, rules: dict[str, str] | None = None, probe: _WordsAtEnd | None = None
) -> tuple[str | None, str, str]:
    """(comparator or None, direction, left with those words removed); `rules` gets the entry ids that set them.

    Each word is looked for at the end of the text as it stands (`_WordsAtEnd`: one union match
    answers the patterns up to the first that matches)."""
    comparator: str | None = None
    direction = "level"
    rules = rules if rules is not None else {}
    ends = probe if probe is not None else _WordsAtEnd(lex)
    text = left.rstrip()
    for _ in range(4):
        text = text.rstrip(" (")
        if not ends.any(text):
            break  # no comparator, linking, direction or having word ends the text: nothing to read
        hit = False
        found = ends.comparator(text)  # the longest comparator word over all entries
        if found:
            cmp, entry, at = found
            # with a range, "từ" opens the range ("từ 25% - 30%"): not a floor (comparators.yaml ge_from)
            if not (entry == "ge_from" and mention.value_max is not None) and comparator is None:
                comparator, rules["comparator"] = cmp, entry
            text, hit = text[:at].rstrip(), True
        m = ends.match(_LINK, text)
        if m:
            if comparator is None:
                comparator, rules["comparator"] = "=", "LINK_VERB"
            text, hit = text[: m.start()].rstrip(), True
        for k, (_, dirn) in enumerate(lex.direction_before):
            m = ends.match(_DIRECTION + k, text)
            if m:
                if direction == "level":
                    direction = dirn
                    rules["direction"] = lex.direction_ids[dirn]
                text, hit = text[: m.start()].rstrip(), True
                break
        # `ít nhất có 4 doanh nghiệp`: a verb of having between the comparator word and the number
        m = ends.match(ends.have, text) if not hit else None
        if m and lex.comparator_before(text[: m.start()].rstrip()):
            text, hit = text[: m.start()].rstrip(), True
        if not hit:
            break
    return comparator, direction, text


# The words `_comparator_before` reads at the end of a left part, by their index in `_end_patterns`:
# comparator, linking verb, then each direction from `_DIRECTION` on, then the verb of having.
_COMPARATOR, _LINK, _DIRECTION = 0, 1, 2


def _end_patterns(lex: Lexicon) -> tuple[regex.Pattern[str], ...]:
    """The patterns `_comparator_before` tries at the end of a left part, in its order."""
    return (lex.cmp_before_re, _LINK_VERB, *(p for p, _ in lex.direction_before), _HAVE_VERB)


@lru_cache(maxsize=4)
def _words_at_end(lex: Lexicon) -> FirstMatch:
    """`_end_patterns` as one union tried from the end (`first_match`): one attempt tells which ends the text."""
    return FirstMatch(_end_patterns(lex))


def _any_word_at_end(lex: Lexicon) -> regex.Pattern[str]:
    """Whether any word `_comparator_before` reads ends the text: one search from the end instead of six."""
    union = _words_at_end(lex).union
    assert union is not None  # the end patterns share their flags and join as one alternation
    return union


class _WordsAtEnd(Tried):
    """The end words of one left part (`first_match.Tried`): `_comparator_before` looks for each
    after the one before was cut off, and the comparator words are stripped again for `_Segment.bare`."""

    def __init__(self, lex: Lexicon) -> None:
        super().__init__(_words_at_end(lex))
        self.lex = lex
        self.have = len(self.patterns.patterns) - 1  # the verb of having, after the directions

    def comparator(self, text: str) -> tuple[str, str, int] | None:
        """`Lexicon.comparator_before(text)`: (comparator, entry id, start) of the comparator word ending `text`."""
        m = self.match(_COMPARATOR, text)
        if m is None:
            return None
        comparator, entry = self.lex.comparator_of(m.group(self.patterns.group(_COMPARATOR, 1)))
        return comparator, entry, m.start()


def _strip_comparators(left: str, lex: Lexicon, probe: _WordsAtEnd | None = None) -> str:
    """`left` without the comparator words just before the value."""
    ends = probe if probe is not None else _WordsAtEnd(lex)
    text = left.rstrip()
    while (found := ends.comparator(text)) is not None:
        text = text[: found[2]].rstrip()
    return text


# `… được triển khai đồng bộ và có ít nhất 85% văn bản`: `và` + a verb of having opens the value's
# own predicate; what stands before it is another clause, not the indicator (unseen-errors T6).
_AND_HAVE = regex.compile(template(r"{AND}\s+(?={HAVE_VERB}\s+(?:{COMPARATOR_BEFORE}\s*)?$)"), FLAGS)
_AND_HAVE_WORDS = words_in_every_match(_AND_HAVE)


def _cut_leadin(left: str) -> int:
    """Offset in `left` after its last lead-in (year, pillar heading, discourse marker).

    Each lead-in holds a mark or a word: blank words (a value right after the previous one's
    delimiter, a fifth of them) hold none."""
    if not left or left.isspace():
        return 0
    cut = 0
    folded = casefolded(left)
    kinds = tuple(
        char in left and (mark is None or mark.search(left) is not None) and may_hold(words, folded)
        for char, mark, words in zip(_LEADIN_CHARS, _LEADIN_MARKS, _LEADIN_WORDS)
    )
    if any(kinds):
        for m in _cut_before(kinds).finditer(left):
            cut = m.end()
    m = _AND_HAVE.search(left, cut) if may_hold(_AND_HAVE_WORDS, folded) else None
    return m.end() if m else cut


_LINK_AT_END = regex.compile(
    template(r"(?:{LINK_VERB}|{CHANGE_VERB})(?:\s*\(?\s*(?:{AVERAGE}|{COMPARATOR_BEFORE}))*\s*$"), AT_END
)
_CONJ_ONLY = regex.compile(template(r"^(?:[\s,;:.\-–—•*+]|{LIST_JOIN})*$"), FLAGS)
_TRAILING_CONJ = regex.compile(template(r"[\s,;:]+{CONJ}?\s*$"), FLAGS)
_TRAILING_CONJ_FROM_END = longest_from_end(_TRAILING_CONJ)  # `cut_end`: one attempt for its `sub`
# What `_TRAILING_CONJ` needs at the very end: a space or mark, or a conjunction (searched from the end).
_TRAILING_MARK = regex.compile(r"[\s,;:]", FLAGS)
_ENDS_IN_CONJ = regex.compile(template(r"{CONJ}$"), AT_END)
_COMMA_OR_COLON = regex.compile(r"[,:]")
_PAREN = regex.compile(r"[()]")
_DIGIT = regex.compile(r"\d")  # `\d\s*%|\d` finds a digit wherever a digit is
_SHARE_VERB = regex.compile(template(r"{SHARE_VERB}\s*(?:\S+\s*)?$"), AT_END)
# (read from the pattern compiled forward: the same words; a left part without them is not tried)
_SHARE_VERB_WORDS = words_in_every_match(regex.compile(_SHARE_VERB.pattern, FLAGS))
# A comparator after the value ("50% trở lên"), within 30 characters, not an age ("15 tuổi trở lên").
_AFTER_WORD = regex.compile(template(r"^[^,;]{0,30}?(?<!{AGE_NOUN}\s)(?P<w>{COMPARATOR_AFTER})"), FLAGS)


def _split_between(text: str, a_end: int, b_start: int) -> tuple[int, bool]:
    """Where one value's share of a clause ends and the next one's begins.

    Returns the split offset and whether a colon introduced the next values (a breakdown).
    Before a value with its own linking verb ("X đạt 80%, Y đạt 70%") the first delimiter
    separates them, so the next value keeps its whole subject; before a bare list item
    ("90% hồ sơ cấp tỉnh, 80% hồ sơ cấp huyện", "phủ 100% khu vực dân cư sinh sống,
    làm việc và trên 60% hộ gia đình") the last one does.
    """
    delims = list(_SPLIT_DELIMS.finditer(text, a_end, b_start))
    if not delims:
        return b_start, False
    colon = [d for d in delims if d.group(0) == ":"]
    if colon:
        return colon[-1].end(), True
    chosen = delims[0] if _LINK_AT_END.match(text, a_end, b_start) else delims[-1]
    return chosen.end(), False


_PURPOSE_WORD = regex.compile(template(r"^(?:{PURPOSE_LINK})$"), FLAGS)


_CUT_JOINS = (",", "và")  # what stands before a clause opener where a new clause begins


@lru_cache(maxsize=4)
def _cut_hint(lex: Lexicon) -> regex.Pattern[str]:
    """Where `_cut_new_clause` may cut: a comma or `và` then a clause opener, or a purpose word,
    however spaced and wherever the words' edges fall. It matches wherever the word-level test
    cuts (a word is a stretch of the text), so the segmenter reads only the words around a match."""
    joins = "|".join(regex.escape(j) for j in _CUT_JOINS)
    return regex.compile(
        rf"(?:{joins})\W*" + loose_pattern(lex.indicator.clause_openers) + "|" + loose_pattern(lex.fragment_words("PURPOSE_LINK")),
        FLAGS,
    )


@lru_cache(maxsize=4)
def _hint_leads(lex: Lexicon) -> tuple[str, ...]:
    """What every match of `_cut_hint` opens with, case-folded: a join, or a purpose word's first syllable."""
    return (*_CUT_JOINS, *sorted({w.split()[0].casefold() for w in lex.fragment_words("PURPOSE_LINK")}))


def _hint_starts(right: str, lex: Lexicon) -> list[int]:
    """Each offset where `_cut_hint` matches (`finditer(..., overlapped=True)`), tried only where a
    match can open (`_hint_leads`, found by `str.find` in the case-folded text): `regex` scans a
    case-insensitive alternation slowly at every character, and a right part holds few commas."""
    hint, folded = _cut_hint(lex), casefolded(right)
    if folded is None:  # folding moves offsets (`İ`): no look-up by offset
        return [h.start() for h in hint.finditer(right, overlapped=True)]
    return [at for at in word_starts(folded, _hint_leads(lex)) if hint.match(right, at)]


# The syllables before and after a possible cut that the segmenter reads it by (its features
# look two syllables either side; the opener after a comma may have three syllables of its own).
_BEFORE_CUT, _AFTER_CUT = 5, 8


def _cut_new_clause(right: str, lex: Lexicon) -> str:
    """Stop a value's right part where a comma or `và` opens a new clause (a clause-opening word:
    `… có tài khoản thanh toán và duy trì chỉ số …` goes on about the plan, not the measure), or
    where a purpose clause begins (`… cung cấp dữ liệu mở để phục vụ …`, unseen-errors T6).

    Read on underthesea's words (`mở` does not open a clause inside `mở rộng`), but only on the
    syllables around each place a cheap text test says a cut may be (`_cut_hint`): most right
    parts have none, and the others are not segmented whole (`cut_by_words` reads them whole).
    """
    hints = _hint_starts(right, lex) if right else []
    if not hints:
        return right  # no opener or purpose word anywhere: no word can cut, no need to segment
    syllables = syllable_spans(right)
    for at in hints:
        first, a, b = syllable_window(syllables, at, _BEFORE_CUT, _AFTER_CUT)
        words = [(s + a, e + a) for s, e in word_spans(right[a:b])]
        j = next((j for j, (s, _) in enumerate(words) if s == at), None)
        if j is None or (b == len(right) and j == len(words) - 1):
            continue  # the hint starts inside a word, or at the last word of the right part
        if _cuts_at(right, words, j, j >= 2 or first > 0, lex):
            return right[:at]
    return right


def _cuts_at(right: str, words: list[tuple[int, int]], k: int, not_first: bool, lex: Lexicon) -> bool:
    """Whether word `k` (not the last) opens a new clause: a purpose word after the first two words
    (`not_first`), or a comma or `và` followed by a clause opener of one or two words."""
    word = right[words[k][0] : words[k][1]]
    if not_first and _PURPOSE_WORD.match(word):
        return True
    if word != "," and word.lower() != "và":
        return False
    one = right[words[k + 1][0] : words[k + 1][1]].lower()
    two = " ".join(right[s:e].lower() for s, e in words[k + 1 : k + 3])
    return one in lex.clause_openers or two in lex.clause_openers


def cut_by_words(right: str, lex: Lexicon) -> str:
    """`_cut_new_clause` read on all the words of the right part (the reference of its shortcut)."""
    words = list(word_spans(right))
    for k in range(len(words) - 1):
        if _cuts_at(right, words, k, k >= 2, lex):
            return right[: words[k][0]]
    return right


@dataclass
class _Segment:
    """A value's share of its clause, with what was read from it."""

    start: int
    left_raw: str
    comparator: str | None
    direction: str
    left_core: str
    bare: bool
    share_verb: bool
    rules: dict[str, str]  # field -> rule id of what this segment read


def _open_list_paren(text: str, start: int, value: int) -> int | None:
    """After a `(` still open at the value that starts a list item of three words or more."""
    if text.find("(", start, value) < 0:
        return None
    depth_open: list[int] = []
    for p in _PAREN.finditer(text, start, value):
        if p.group() == "(":
            depth_open.append(p.start())
        elif depth_open:
            depth_open.pop()
    if not depth_open:
        return None
    after = depth_open[-1] + 1
    return after if len(text[after:value].split()) >= 3 else None


def _before_unmatched_close(right: str) -> str:
    """A value inside parentheses ends at the `)` that closes them."""
    if ")" not in right:
        return right
    depth = 0
    for p in _PAREN.finditer(right):
        if p.group() == "(":
            depth += 1
        elif depth == 0:
            return right[: p.start()].rstrip()
        else:
            depth -= 1
    return right


def _segment(ctx: DocContext, lex: Lexicon, m: Mention, seg_start: int) -> _Segment:
    text = ctx.text
    for b in ctx.boundaries_between(seg_start, m.start):
        if b.cuts and seg_start <= b.pos < m.start:
            stop = _COMMA_OR_COLON.search(text, b.pos, m.start)
            if stop:
                seg_start = stop.end()
    cut = _cut_leadin(text[seg_start : m.start])
    seg_start += cut
    opened = _open_list_paren(text, seg_start, m.start)
    if opened is not None:
        seg_start = opened  # "3 chỉ tiêu về KTS (tỷ trọng KTS … đạt 8%; …)": the lead stays outside (L3)
    left_raw = text[seg_start : m.start]
    rules: dict[str, str] = {}
    if not left_raw or left_raw.isspace():
        # no words before the value (a list item right after its delimiter, a quarter of them): what
        # the readings below give for blank words, read once (`_BLANK`)
        return _Segment(start=seg_start, left_raw=left_raw, rules=rules, **_BLANK)
    ends = _WordsAtEnd(lex)
    comparator, direction, left_core = _comparator_before(left_raw, lex, m, rules, ends)
    share_verb = may_hold(_SHARE_VERB_WORDS, casefolded(left_raw)) and bool(_SHARE_VERB.match(left_raw))
    return _Segment(
        start=seg_start,
        left_raw=left_raw,
        comparator=comparator,
        direction=direction,
        left_core=left_core,
        bare=bool(_CONJ_ONLY.match(_strip_comparators(left_raw, lex, ends))),
        share_verb=share_verb,
        rules=rules,
    )


# What `_segment` reads from blank words: no comparator or direction word, no share verb (each
# needs letters), nothing left, and a bare list item (`_CONJ_ONLY` holds for "").
_BLANK: dict[str, Any] = {
    "comparator": None, "direction": "level", "left_core": "", "share_verb": False, "bare": bool(_CONJ_ONLY.match("")),
}


def _without_trailing_conj(right: str) -> str:
    """`right` without the marks and conjunction that end it (`hồ sơ cấp tỉnh, và`): the pattern,
    anchored at the end, is tried at every space of a long right part, so it is run only when the
    right part ends as a match must (a space or mark last, or a conjunction)."""
    if right and not _TRAILING_MARK.match(right, len(right) - 1) and _ENDS_IN_CONJ.match(right) is None:
        return right
    return cut_end(_TRAILING_CONJ_FROM_END, _TRAILING_CONJ, right)


def nested(text: str, clause_start: int, pos: int) -> bool:
    """A value in a parenthesis opened after an earlier value (`85% … cấp tỉnh (đến năm 2030 là 98%)`)."""
    if text.find("(", clause_start, pos) < 0:
        return False  # no parenthesis opened (most clauses): nothing to scan
    opened = open_paren(text, clause_start, pos)
    return opened is not None and _DIGIT.search(text, clause_start, opened) is not None




@dataclass(frozen=True)
class ValueClause:
    """One value in its clause: where its share begins and ends, and its left and right words."""

    mention: Mention
    next: Mention | None  # the next value of the document, if any
    clause: tuple[int, int]
    seg: _Segment  # the left part and what was read from it
    end: int  # where the value's share ends (after the words that belong to it)
    right_raw: str  # text[mention.end : the split before the next value]
    right: str  # right_raw trimmed: trailing conjunctions, a new clause, an unmatched `)`
    breakdown: bool  # a colon after this value introduces a breakdown of it
    opens_clause: bool  # the share starts at its clause's start: no earlier phrase carries into it


def segments(ctx: DocContext, lex: Lexicon, mentions: list[Mention]) -> Iterator[ValueClause]:
    """Each value's share of its clause, cut between it and its neighbours, in text order.

    This is the sequential stage: where one value's share ends is where the next one's begins.
    """
    text = ctx.text
    next_start: int | None = None
    for i, m in enumerate(mentions):
        cs, ce = ctx.clause_of(m.start)
        seg_start = next_start if next_start is not None and next_start >= cs else cs
        seg = _segment(ctx, lex, m, seg_start)
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        breakdown = False
        if nxt is not None and nxt.start < ce:
            seg_end, breakdown = _split_between(text, m.end, nxt.start)
            next_start = seg_end
        else:
            seg_end, next_start = ce, None
        right_raw = text[m.end : seg_end]
        right_trim = _without_trailing_conj(right_raw)
        right_trim = _cut_new_clause(right_trim, lex)
        right_trim = _before_unmatched_close(right_trim)
        yield ValueClause(
            mention=m, next=nxt, clause=(cs, ce), seg=seg, end=m.end + len(right_trim), right_raw=right_raw,
            right=right_trim, breakdown=breakdown, opens_clause=seg_start == cs,
        )


def read_comparator(vc: ValueClause, lex: Lexicon) -> tuple[str, bool, dict[str, str]]:
    """(comparator, whether a word stated it, the rule ids read so far) of one value (guide §3)."""
    m = vc.mention
    comparator = vc.seg.comparator
    rules = {"value": m.rule, "direction": "default_level", "quote": "value_segment", **vc.seg.rules}
    after = _AFTER_WORD.match(vc.right)
    if after:
        comparator, rules["comparator"] = lex.comparator_of(after["w"])
    if m.unit == "rank" and comparator in (None, "="):
        comparator, rules["comparator"] = "<=", "rank_default"  # guide §3: "top 20" is at most 20th
    cmp_from_word = comparator is not None and comparator != "="
    if comparator is None:
        comparator, rules["comparator"] = "=", "default_eq"
    return comparator, cmp_from_word, rules
