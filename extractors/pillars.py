"""Which pillar governs a value (guide §3 pillar): lead-ins, target-set phrases, paragraph topics.

The guide takes the pillar from the governing heading or lead-in, else from the value's own
clause.  Texts announce a pillar in several shapes, and several look-alikes announce none:

- a lead-in opens with a topic word (`Về/Trong/Riêng/Đối với (phát triển) kinh tế số, …`), or is a
  bare `(Phát triển) kinh tế số:` ending in a colon; a verb phrase ending in a comma
  (`Phát triển chính quyền điện tử, du lịch thông minh …`) is an action, not a lead-in (P3);
- a target-set phrase names the pillar of the values it introduces (`các chỉ tiêu về kinh tế số.`,
  `mục tiêu phát triển kinh tế số, trong đó: …`, `3 chỉ tiêu về KTS (…)`); one naming no pillar
  (`Mục tiêu cụ thể, …`, `các mục tiêu cụ thể về chuyển đổi số …`) opens a new section (P1);
- a colon introducing values after a stretch that names one pillar (`trọng tâm là phát triển
  chính quyền số, với các chỉ tiêu như: …`) is a lead-in;
- a paragraph topic is a pillar named in a sentence without values before the paragraph's
  first value, or a sentence opening with `(Với việc) phát triển kinh tế số …`; it governs
  its paragraph and the paragraphs that continue it (`Theo đó, …`), nothing further (P2).
  The subject of a value (`kinh tế số … dự kiến đóng góp 26%`) or the plan's own subject
  (`Kế hoạch … về kinh tế số`) is no topic.
- a list that names each pillar in turn (goals, pillars of a strategy) heads nothing (P1).

This module finds those landmarks; `structure.py` turns them into section boundaries.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import regex

from extractors.lexicon import FLAGS, Lexicon, template
from extractors.pattern_shape import casefolded, may_hold, openings, required_words
from extractors.search_at import matches_at, word_starts

# Words live in `lexicon/fragments.yaml` (each with examples run through the pattern that uses it);
# the shapes, digits and look-arounds stay here.
_CLAUSE_START = r"(?:^|(?<=[.;:!?]\s{0,3})|(?<=,\s{0,3}))\s*(?:[*•+\-–]\s*)?(?:[a-zđ]\)\s*|\d{1,2}[.)]\s*)?"
# `_CLAUSE_START`'s look-behinds hold right after one of these marks (and up to three spaces later).
_CLAUSE_MARK = regex.compile(r"[.;:!?,]")
_DATELINE = r"(?:[\p{Lu}Đ]{2,}\s*[-–]\s*)?"  # `HÀ NỘI - `
_LINE_START = r"(?:^|(?<=[.!?]\s{1,3}))\s*(?:[*•+\-–]\s*)?(?:[a-zđ]\)\s*|\d{1,2}[.)]\s*)?"
# What opens a lead-in before its pillar: `Về (lĩnh vực) (phát triển) …`, `Cụ thể, đối với …`.
TOPIC_LEAD = regex.compile(
    template(_CLAUSE_START + r"(?:{DETAIL},?\s*)?{TOPIC_WORD}(?:\s+{FIELD_NOUN})?\s+(?:{PILLAR_VERB}\s+)?"), FLAGS
)
# Goal and indicator nouns that announce a set of targets, with their usual modifiers.
TARGET_SET = regex.compile(template(r"(?<!\w)(?:{TARGET_NOUN})(?P<mod>(?:\s+{TARGET_MODIFIER})*)"), FLAGS)
# A target-set phrase up to its pillar (`các chỉ tiêu về (lĩnh vực) (phát triển) …`).
SET_LEAD = regex.compile(
    TARGET_SET.pattern + template(r"(?:\s+{SET_OF})?(?:\s+(?:{FIELD_NOUN}\s+)?{PILLAR_VERB})?\s+"), FLAGS
)
# A sentence opening with its pillar as the object of a development verb (`(Với việc) phát triển …`).
OPENER_LEAD = regex.compile(template(r"^\s*" + _DATELINE + r"(?:{TOPIC_ACT}\s+)?{PILLAR_VERB}\s+"), FLAGS)
# A target-set phrase ends at its pillar: the sentence, a colon or a parenthesis follows, or a
# comma opening the list (`…, trong đó: …`); a comma and another noun make it one goal of several.
SET_ENDS = regex.compile(template(r"[^,.;:(\n]{0,60}?\s*(?:[.:(\n]|$|,\s*{SET_LIST_WORD})"), FLAGS)
# Words between a pillar and a colon that announce the targets listed after it.
ANNOUNCES = regex.compile(template(r"{ANNOUNCE_WORD}"), FLAGS)
# A pillar as the subject of its sentence's predicate (`kinh tế số sẽ trở thành …, đóng góp 25%`).
SUBJECT_FOLLOW = regex.compile(template(r"^(?:\s+{POSSESSIVE}\s+[^,.;:]{1,40}?)?\s+{SUBJECT_MODAL}"), FLAGS)
# Paragraphs that continue the one before them.
CONTINUATION = regex.compile(template(r"^\s*{PARAGRAPH_CONTINUES}\s*,"), FLAGS)
_DOC_SUBJECT = regex.compile(template(r"{PLAN_DOC_NOUN}[^.,;\n]{0,80}$"), FLAGS)
_ANOTHER_LEAD = template(r"\s*(?:,|{AND}|;)?\s*(?:{PILLAR_VERB}\s+)?")
_NO_LIST_AFTER = template(r"(?!\s*(?:,|;|{AND}))")  # "Phát triển X, Y, …" coordinates objects: an action, no topic
_STOP_SPACES = regex.compile(r"[.!?…]\s+")  # after a stop, the next sentence of the line (matched from the stop: fast)


@dataclass(frozen=True)
class Landmark:
    """A place in the text where the governing pillar changes.

    `kind` is `leadin` (governs until the next heading or lead-in), `reset` (a new section
    naming no pillar) or `topic` (governs [pos, until) only, where no lead-in governs).
    """

    pos: int
    pillar: str | None
    kind: str
    until: int | None = None
    cuts: bool = True  # a lead-in's words end at its comma or colon; a phrase inside a sentence cuts nothing


def pillars_named(text: str, lex: Lexicon) -> set[str]:
    """The distinct pillars that `text` names."""
    if not _patterns(lex).pillar.search(text):
        return set()  # one search for any pillar word first: most texts name none
    return {pillar for pattern, pillar in lex.pillar_words if pattern.search(text)}


def one_pillar(text: str, lex: Lexicon) -> str | None:
    """The pillar `text` names when it names exactly one; a list of pillars names none."""
    named = pillars_named(text, lex)
    return named.pop() if len(named) == 1 else None


def _value_between(values: list[int], start: int, end: int) -> bool:
    """Whether a value starts in [start, end); `values` is sorted (bisect keeps this linear overall)."""
    i = bisect_left(values, start)
    return i < len(values) and values[i] < end


def _next_value(values: list[int], pos: int) -> int | None:
    i = bisect_left(values, pos)
    return values[i] if i < len(values) else None


@dataclass(frozen=True)
class _Patterns:
    """The landmark patterns over the lexicon's pillar words."""

    topic: regex.Pattern[str]  # `Về kinh tế số, …`
    bare: regex.Pattern[str]  # `Kinh tế số: …`
    target_set: regex.Pattern[str]  # `các chỉ tiêu về kinh tế số`
    specific: regex.Pattern[str]  # `Mục tiêu cụ thể`
    another: regex.Pattern[str]  # `, xã hội số` after a pillar
    pillar: regex.Pattern[str]  # any pillar word
    opener: regex.Pattern[str]  # `Phát triển kinh tế số …` opening a sentence


@lru_cache(maxsize=4)
def _patterns(lex: Lexicon) -> _Patterns:
    """Compiled once per lexicon: they are tried on every paragraph of every document."""
    pillar = lex.pillar_any
    return _Patterns(
        topic=regex.compile(TOPIC_LEAD.pattern + r"(?P<p>" + pillar + r")(?P<rest>[^,:;.\n]{0,90}?)\s*(?P<end>[,:])", FLAGS),
        bare=regex.compile(
            _LINE_START + template(r"(?:{PILLAR_VERB}\s+)?") + r"(?P<p>" + pillar + r")(?P<rest>[^,:;.\n]{0,90}?)\s*(?P<end>:)",
            FLAGS,
        ),
        target_set=regex.compile(SET_LEAD.pattern + r"(?P<p>" + pillar + r")", FLAGS),
        specific=TARGET_SET,
        another=regex.compile(_ANOTHER_LEAD + pillar, FLAGS),
        pillar=regex.compile(pillar, FLAGS),
        opener=regex.compile(OPENER_LEAD.pattern + r"(?P<p>" + pillar + r")" + _NO_LIST_AFTER, FLAGS),
    )


class WordPlaces:
    """Where the pillar words and the target-set nouns (`mục tiêu`, `chỉ tiêu`) can start in one text.

    Why: `leadins` and `topics` search every line and sentence for them, and most hold none.
    Every match of those patterns opens with (or holds) a pillar word or a target noun, whose
    opening words (`pattern_shape.openings`) are found once in the text case-folded with
    `str.find`; a stretch in which none starts is not searched. None: not known (the text's
    case-folding moves offsets, or the lexicon's pattern has no opening words): searched.
    """

    def __init__(self, text: str, lex: Lexicon, folded: str | None = None) -> None:
        """`folded` is `casefolded(text)` when the caller has it (the document is folded once for every pass)."""
        pats = _patterns(lex)
        self.folded = folded if folded is not None else casefolded(text)
        self.pillar = self._starts(pats.pillar)
        self.target = self._starts(pats.specific)
        self.topic_words = required_words(pats.topic.pattern, pats.topic.flags)

    def _starts(self, pattern: regex.Pattern[str]) -> list[int] | None:
        opened = openings(pattern.pattern, pattern.flags)
        if opened is None or opened.text_start or self.folded is None:
            return None
        return word_starts(self.folded, opened.words)

    @staticmethod
    def within(starts: list[int] | None, start: int, end: int) -> bool:
        """Whether one of `starts` lies in [start, end) (when they are not known, it may)."""
        if starts is None:
            return True
        i = bisect_left(starts, start)
        return i < len(starts) and starts[i] < end

    def targets_in(self, start: int, end: int) -> list[int] | None:
        """Where a target noun's opening word starts in text[start:end], as offsets in that slice (None: not known).

        The target-set patterns (`_Patterns.target_set`, `.specific`) open with `TARGET_SET`, so
        with its opening words (tests/test_pass_shortcuts.py checks both have the same)."""
        if self.target is None:
            return None
        return [p - start for p in self.target[bisect_left(self.target, start) : bisect_left(self.target, end)]]

    def may_lead(self, start: int, end: int) -> bool:
        """Whether text[start:end] can hold a topic lead-in (`Về …`): it holds one of the topic pattern's required words."""
        return self.folded is None or may_hold(self.topic_words, self.folded[start:end])


_SUBJECT_WORDS = regex.compile(template(r"\d|{SUBJECT_VERB}"), FLAGS)
_STOP_BEFORE_VALUE = regex.compile(r"[.:(\n]")
_GENERAL_MOD = regex.compile(template(r"{GENERAL_MODIFIER}"), FLAGS)
_COLON = regex.compile(r":")
_SENTENCE_STOP = regex.compile(r"[.!?]\s")


def leadins(
    text: str, lex: Lexicon, paragraphs: list[tuple[int, int]], values: list[int], headings: set[int],
    places: WordPlaces | None = None,
) -> list[Landmark]:
    """Lead-ins, target-set phrases and colon lead-ins of every non-heading paragraph."""
    pats = _patterns(lex)
    set_re, another = pats.target_set, pats.another
    places = places or WordPlaces(text, lex)
    within = places.within
    out: list[Landmark] = []
    for s, e in paragraphs:
        if s in headings or s == e:
            continue
        line = text[s:e]
        # every lead-in names a pillar: most lines name none
        named = within(places.pillar, s, e) and pats.pillar.search(line) is not None
        topic_leads = clause_matches(pats.topic, line) if named and places.may_lead(s, e) else iter(())
        for m in chain(topic_leads, pats.bare.finditer(line)) if named else ():
            if _SUBJECT_WORDS.search(m["rest"]):
                continue  # "kinh tế số chiếm 20% GRDP" names a subject, not a section
            if _lists_pillars(line, m, another, lex):
                continue  # "phát triển kinh tế số, xã hội số" lists pillars; it heads nothing
            out.append(Landmark(s + m.start("p"), one_pillar(m["p"], lex), "leadin"))
        targets = within(places.target, s, e)  # a target-set phrase opens with a target noun
        nouns = places.targets_in(s, e) if targets else None  # where, in the line
        for m in _opening_at(set_re, line, nouns) if named and targets else ():
            if _lists_pillars(line, m, another, lex):
                continue
            if not SET_ENDS.match(line[m.end("p") :]):
                continue  # "mục tiêu xây dựng chính quyền điện tử, đô thị thông minh, …": one goal among others
            nxt = _next_value(values, s + m.end())
            stop = min(nxt if nxt is not None else e, e)
            if nxt is not None and nxt < e and not _STOP_BEFORE_VALUE.search(text, s + m.end(), stop):
                continue  # "đặt mục tiêu phát triển kinh tế số chiếm 20%": the value's subject
            out.append(Landmark(s + m.start(), one_pillar(m["p"], lex), "leadin", cuts=False))
        for m in _opening_at(pats.specific, line, nouns) if targets else ():
            if m["mod"] and _GENERAL_MOD.search(m["mod"]) and not set_re.match(line, m.start()):
                out.append(Landmark(s + m.start(), None, "reset", cuts=False))
        if named:
            out.extend(_colon_leadins(text, lex, s, e, values))
    return out


def _opening_at(pattern: regex.Pattern[str], line: str, starts: list[int] | None) -> Iterator[regex.Match[str]]:
    """`pattern.finditer(line)`, tried only at `starts` (the line's target nouns) when they are known."""
    return pattern.finditer(line) if starts is None else matches_at(pattern, line, starts)


def clause_matches(pattern: regex.Pattern[str], line: str) -> Iterator[regex.Match[str]]:
    """`pattern.finditer(line)` for a pattern opening with `_CLAUSE_START`, tried only where a clause can start.

    A match starts at the line's start or up to three spaces after a mark of `_CLAUSE_MARK`, and
    one starting after spaces would also match from right after the mark (its leading spaces
    take them): the line's start and the place after each mark are the places to try.
    """
    return matches_at(pattern, line, chain([0], (m.end() for m in _CLAUSE_MARK.finditer(line))))


def _lists_pillars(line: str, m: regex.Match[str], another: regex.Pattern[str], lex: Lexicon) -> bool:
    """The pillar at `m` is the first of a list naming another pillar (`kinh tế số, xã hội số`)."""
    for tail in (line[m.end("p") :], m.groupdict().get("rest") or ""):
        nxt = another.match(tail)
        if nxt and one_pillar(nxt.group(0), lex) not in (None, one_pillar(m["p"], lex)):
            return True
    return False


def _colon_leadins(text: str, lex: Lexicon, s: int, e: int, values: list[int]) -> list[Landmark]:
    """`…, trọng tâm là phát triển chính quyền số, với các chỉ tiêu như: 100% …; 60% …`."""
    out = []
    for colon in _COLON.finditer(text, s, e):
        c = colon.start()
        start = max(text.rfind(". ", s, c), text.rfind(";", s, c), s - 1) + 1
        stretch = text[start:c]
        if _value_between(values, start, c):
            continue
        nxt = _next_value(values, c)
        if nxt is None or nxt >= e or _SENTENCE_STOP.search(text, c, nxt):
            continue
        p = one_pillar(stretch, lex)
        last = None
        for last in _patterns(lex).pillar.finditer(stretch):
            pass
        if p is None or last is None or len(stretch) - last.end() > 45:
            continue  # the pillar is far from the colon: the object of some verb, not the list's topic
        if not ANNOUNCES.search(stretch, last.end()) or pillars_named(text[c:nxt], lex):
            continue
        out.append(Landmark(c, p, "leadin", cuts=False))
    return out


def goal_lists(marks: list[Landmark], text: str, values: list[int], paragraphs: list[tuple[int, int]]) -> list[Landmark]:
    """P1: inline lead-ins naming different pillars in turn, none governing a value, are a list of goals.

    The last of such a run is one too when no value stands on its own line: the targets
    after it belong to no pillar.
    """
    leads = sorted((m for m in marks if m.kind == "leadin"), key=lambda m: m.pos)
    out = list(marks)
    i = 0
    while i < len(leads):
        j = i
        while j + 1 < len(leads) and not _value_between(values, leads[j].pos, leads[j + 1].pos):
            j += 1
        run = leads[i : j + 1]
        if len({m.pillar for m in run}) >= 2:
            last_line = paragraphs[max(0, bisect_right([ps for ps, _ in paragraphs], run[-1].pos) - 1)]
            neutral = run if not _value_between(values, run[-1].pos, last_line[1]) else run[:-1]
            for m in neutral:
                out[out.index(m)] = Landmark(m.pos, None, "reset", cuts=m.cuts)
        i = j + 1
    return out


def topics(
    text: str, lex: Lexicon, paragraphs: list[tuple[int, int]], values: list[int], governed: set[int],
    places: WordPlaces | None = None,
) -> list[Landmark]:
    """Paragraph topics (P2), for paragraphs with values and no lead-in of their own."""
    opener = _patterns(lex).opener
    places = places or WordPlaces(text, lex)
    pillar_at = places.pillar
    within = places.within
    out: list[Landmark] = []
    k = 0
    while k < len(paragraphs):
        s, e = paragraphs[k]
        first = _next_value(values, s)
        if s in governed or first is None or first >= e:
            k += 1
            continue
        topic: str | None = None
        start = s
        for sep in [(m.start() + 1, m.end()) for m in _STOP_SPACES.finditer(text, s, e)] + [None]:
            end = sep[0] if sep is not None else e
            sentence = text[start:end]
            names = within(pillar_at, start, end)  # the sentence may name a pillar (the opener holds one too)
            if end <= first and names:  # a sentence with no value, before the first one
                named = one_pillar(sentence, lex)
                if named is not None and not _DOC_SUBJECT.search(text, start, start + _first_pillar(sentence, lex)):
                    topic = named
            if start <= first and names:
                om = opener.match(sentence)
                if om:
                    topic = one_pillar(om["p"], lex)
            own_first = _next_value(values, start)
            if topic is None and own_first is not None and own_first < end and within(pillar_at, start, own_first):
                subject = _subject_pillar(text, lex, start, own_first)
                if subject is not None:
                    out.append(Landmark(start, subject, "topic", end))
            if sep is None or start > first:
                break
            start = sep[1]
        until = e
        if topic is not None:
            k2 = k + 1
            while k2 < len(paragraphs):
                ns, ne = paragraphs[k2]
                if ns == ne or not text[ns:ne].strip():
                    k2 += 1
                    continue
                if CONTINUATION.match(text[ns:ne]) and ns not in governed:
                    until = ne
                    k2 += 1
                    continue
                break
            out.append(Landmark(s, topic, "topic", until))
        k += 1
    return out


def _subject_pillar(text: str, lex: Lexicon, start: int, first: int) -> str | None:
    """A pillar before a sentence's first value that is the subject of a modal (`kinh tế số sẽ …`)."""
    before = text[start:first]
    named = one_pillar(before, lex)
    if named is None:
        return None
    for m in _patterns(lex).pillar.finditer(before):
        if SUBJECT_FOLLOW.match(before[m.end() :]):
            return named
    return None


def _first_pillar(sentence: str, lex: Lexicon) -> int:
    m = _patterns(lex).pillar.search(sentence)
    return m.start() if m else len(sentence)


def official_title_pillar(text: str, lex: Lexicon) -> str | None:
    """Guide §3: the title of an official document naming one pillar governs the whole document.

    An official title follows the document kind in capitals (`KẾ HOẠCH` on its own line, then
    `Phát triển chính quyền số tỉnh …`) or is one capitalised line (`KẾ HOẠCH PHÁT TRIỂN CHÍNH
    QUYỀN SỐ …`). A news headline in sentence case governs nothing.
    """
    lines = [line.strip(" |\t") for line in text[:2500].split("\n")]
    for i, line in enumerate(lines):
        if not line or line != line.upper() or not lex.doctype_re.match(line):
            continue
        if lex.doctype_re.fullmatch(line):
            title = next((nxt for nxt in lines[i + 1 :] if nxt), "")
        else:
            title = line
        return one_pillar(title, lex)
    return None


def pillar_in_clause(clause: str, lex: Lexicon) -> str | None:
    """Guide §3: a clause that names its pillar (`kinh tế số chiếm 20% GRDP`); a list of pillars names none."""
    return one_pillar(clause, lex)
