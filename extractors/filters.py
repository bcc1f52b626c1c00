"""The non-target rules of labelling guide §1, as an ordered registry of small named filters.

A number that reads as a target value is still not a target when it reports a result,
sits under a results heading, measures something other than digital transformation,
is a national figure, is about another province, is the summary of a breakdown, or is
stated for a year before the document. Each of those is one function here: it looks at
one window of the text (each window is defined once, on `Site`) and returns a `Verdict`
naming the rule, or None. The word patterns live in `lexicon/cues.yaml`, many entries per
kind; the rule id of a cue-based drop is the id of the entry that matched.

To add a cue of an existing kind, add a YAML entry; to add a kind of non-target, add a
function below and put it in `FILTERS` (docs/adding-rules.md).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Generic, TypeVar, overload

import regex

from extractors.context import DocContext
from extractors.document import province_matches, province_starts
from extractors.lexicon import FLAGS, Lexicon, fold, splits_old_tone, template
from extractors.nlp import (
    surely_not_a_word,
    syllable_spans,
    syllable_window,
    tagged_spans,
    tagger_spans,
)
from extractors.numbers import Mention, find_mentions
from extractors.owners import counts_population
from extractors.scopes import ScopeFind, find_scopes
from extractors.search_at import matches_at
from extractors.years import resolve_year

# A percent whose right part names places ("100% xã", "các đơn vị cấp huyện") covers places:
# its scope words are what is counted, not the target's scope.
_PLACE_COVERAGE = regex.compile(
    template(r"^\s*(?:số\s+|các\s+|tất\s+cả\s+các\s+)?(?:đơn\s+vị\s+(?:hành\s+chính\s+)?(?:cấp\s+)?)?{PLACE_NOUN}"),
    FLAGS,
)


# The end of a list item inside a sentence.
_LIST_ITEM_END = regex.compile(";")


_T = TypeVar("_T")


class _once(Generic[_T]):  # lower case: used as a decorator, like `cached_property`
    """A reading of a `Site` made on first use and kept in the instance (as `functools.cached_property`).

    Why not `cached_property`: in Python 3.11 it takes a lock on every first read, and a site
    is made for every value with about ten readings, most read once. Like it, this is a
    non-data descriptor: once the value is in the instance's `__dict__`, reads never come here.
    """

    def __init__(self, read: Callable[[Any], _T]) -> None:
        self.read = read
        self.name = read.__name__
        self.__doc__ = read.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, site: None, owner: type | None = None) -> _once[_T]: ...

    @overload
    def __get__(self, site: object, owner: type | None = None) -> _T: ...

    def __get__(self, site: object | None, owner: type | None = None) -> _T | _once[_T]:
        if site is None:
            return self
        value = site.__dict__[self.name] = self.read(site)
        return value


@dataclass(frozen=True)
class Verdict:
    """Why a number is not a target: the rule id (a lexicon entry id or a filter name) and a sentence."""

    rule: str
    reason: str


@dataclass(frozen=True)
class Site:
    """One value in its clause, as the filters see it; windows and costly readings are computed on demand."""

    ctx: DocContext
    lex: Lexicon
    mention: Mention
    clause: tuple[int, int]
    seg_start: int  # where the value's share of its clause begins
    seg_end: int  # where it ends (after the words that belong to the value)
    right: str  # the value's right part, trimmed (text[mention.end : seg_end])
    breakdown: bool  # a colon after this value introduces a breakdown of it
    next_start: int | None  # the next value of the document, if any
    national: bool
    province: str | None
    doc_year: int | None

    # -- windows: each filter reads exactly one of these
    @_once
    def sentence_left(self) -> tuple[int, int]:
        """From the start of the value's sentence to the value."""
        return self.ctx.sentence_of(self.mention.start)[0], self.mention.start

    @_once
    def paragraph(self) -> tuple[int, int]:
        """The value's whole paragraph (line)."""
        return self.ctx.paragraph_of(self.mention.start)

    @_once
    def heading(self) -> str | None:
        """The last heading line before the value."""
        h = self.ctx.heading_before(self.mention.start)
        return h.strip() if h is not None else None

    @_once
    def near_span(self) -> tuple[int, int]:
        """Where `near` is in the text: the last 80 characters of the clause before the value,
        then the value's segment."""
        at = self.mention.start
        return max(at - 80, min(self.clause[0], at)), max(self.seg_end, at)

    @_once
    def near(self) -> str:
        """The last 80 characters of the clause before the value, then the value's segment."""
        start, end = self.near_span
        return self.ctx.text[start:end]

    @_once
    def segment(self) -> str:
        """The value's share of its clause."""
        return self.ctx.text[self.seg_start : self.seg_end]

    @_once
    def clause_left(self) -> str:
        """The value's clause up to the value."""
        return self.ctx.text[self.clause[0] : self.mention.start]

    # -- readings that filters and the extractor share
    @_once
    def coverage(self) -> bool:
        """A percent of places (`100% xã`): its place words are what is counted, not a scope."""
        return self.mention.unit == "percent" and bool(_PLACE_COVERAGE.match(self.right))

    @_once
    def scope_find(self) -> ScopeFind:
        """The scopes the segment names (guide §3), the spans naming them (relative to `seg_start`)
        and the rule of each scope named without `cấp`; none for a percent of places."""
        return ScopeFind([], [], {}) if self.coverage else find_scopes(self.segment, self.lex, owners=not self.population)

    @_once
    def population(self) -> bool:
        """A share of the population, households or businesses (guide §3: it has no scope)."""
        left = self.ctx.text[self.seg_start : self.mention.start]
        return counts_population(self.right, self.lex) or counts_population(left, self.lex)

    @_once
    def scopes(self) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
        """The scopes the segment names (guide §3) and the spans naming them, relative to `seg_start`."""
        return tuple(self.scope_find.scopes), tuple(self.scope_find.spans)

    @_once
    def year(self) -> tuple[int | None, str]:
        """The value's deadline year and the guide §3 rule that gave it."""
        m = self.mention
        return resolve_year(self.ctx, m.start, m.end, self.next_start)


Filter = Callable[[Site], Verdict | None]


def _near_cue(site: Site, kind: str) -> tuple[str, str] | None:
    """The first cue of `kind` in `Site.near` (entry id, words), read as `lex.cue(kind, site.near)` reads it."""
    hit = site.ctx.cues(site.lex).window_cue(kind, *site.near_span)
    return (hit[0], hit[1].group(0).strip()) if hit else None


def reported(site: Site) -> Verdict | None:
    """Guide §1: a result already reached is not a commitment.

    Window: the sentence up to the value; or the paragraph up to the value when a reported cue
    opens it and no aim is stated after the cue's sentence (`lexicon/cues.yaml` kind `forward`).
    A status report runs until an aim is stated: an aim later in the text (`Thời gian tới, tỉnh
    dự kiến sẽ ...`) or the plan the report measures itself against (`tính đến nay, 11/54 chỉ
    tiêu đặt ra ...`) does not turn the figures into targets, and a value's own year (`năm 2022
    chiếm 4,1% GRDP`) dates a statistic, it states no aim (unseen-errors T3a, T3b; corpus-dev2 d32, d36).
    """
    ss, pos = site.sentence_left
    hit = _sentence_cue(site, ss, pos)
    if hit:
        return Verdict(hit[0], f"guide §1: a result reached, not a target ({hit[1]!r} before it in its sentence)")
    adverb = _present_adverb(site, ss, pos)
    if adverb is not None:
        return Verdict("reported_present_adverb", f"guide §1: the present state ({adverb!r} before the verb of its sentence)")
    ps, _ = site.paragraph
    found = site.ctx.cues(site.lex).cue("reported", ps, ss)  # the value's own sentence was read above
    if found and not _states_aim(site, site.ctx.sentence_of(found[1].start())[1], pos):
        return Verdict(found[0], f"guide §1: a result reached ({found[1].group(0).strip()!r} earlier in a paragraph that states no aim)")
    carried = _last_report_before(site, ps)
    if carried and not _states_aim(site, site.ctx.sentence_of(carried[1])[1], pos):
        return Verdict(carried[0], f"guide §1: a status report ({carried[2]!r} in an earlier paragraph) with no aim stated since")
    return None


def _last_report_before(site: Site, end: int) -> tuple[str, int, str] | None:
    """The last reported cue of the value's section before `end`: (entry id, start, words).

    A status report runs across paragraphs until an aim is stated or a heading opens a new
    section: a present-status paragraph (`Trong xây dựng chính quyền số, tỉnh có 100% …`)
    after `đến nay tỉnh đã có bước chuyển …` reports too, though it has no marker of its own
    (T3 family; corpus-dev2 d45). Cue positions are found once per text (linear overall).
    """
    marks = site.ctx.cues(site.lex).marks("reported")
    i = bisect_left(marks, (end,)) - 1
    if i < 0:
        return None
    start, _, entry, words = marks[i]
    headings = site.ctx.headings  # lines in text order
    h = bisect_right(headings, (site.mention.start,))
    if h and headings[h - 1][1] > start:
        return None  # a heading since the report opened a new section
    return entry, start, words


def _sentence_cue(site: Site, start: int, pos: int) -> tuple[str, str] | None:
    """The reported cue in text[start:pos] that governs the value at `pos`, if any.

    A status report runs until an aim is stated, inside a sentence too: in `Đến nay tỉnh đã có
    80% hồ sơ được số hóa, phấn đấu đến năm 2026 đạt 100%` the 80% is reported and the 100% is
    a target (`lexicon/cues.yaml` kind `aim`). A cue inside an earlier `;` item that holds a value
    of its own belongs to that item: in `… đạt tối thiểu 50% so với số trạm 4G đã phát sóng; đưa
    vào khai thác tối thiểu 01 tuyến …` the `đã` is a relative clause of the first item's noun, not
    a report over the items after the `;` (corpus-dev2 d35). A cue before the sentence's first
    value (`Năm 2022 tỉnh đã đạt 90% …; 80% …`) still governs every item.
    """
    text = site.ctx.text
    cues = site.ctx.cues(site.lex)
    marks = cues.marks("reported")
    lo, hi = bisect_left(marks, (start,)), bisect_left(marks, (pos,))
    for cue_start, cue_end, entry, words in reversed(marks[lo:hi]):  # the nearest cue first
        if cues.cue("aim", cue_end, pos):
            return None  # an aim stated since the report: it governs the value
        if _LIST_ITEM_END.search(text, cue_end, pos) and find_mentions(text[start:cue_start], site.lex):
            continue
        return entry, words
    return None


_NOW = regex.compile(r"(?<!\w)hiện(?!\w)", FLAGS)
# The syllables either side of `hiện` that the segmenter and tagger read it by (their features
# look two words either side): only these are segmented, not the whole window.
_AROUND = 5


def _present_adverb(site: Site, start: int, pos: int) -> str | None:
    """`hiện` (now) as a word of its own before a verb (`Tỉnh hiện duy trì 100% …`), with no aim since.

    The segmenter tells the adverb from the syllable of a compound verb (`thực hiện`, `thể
    hiện`, `xuất hiện` are one word each), so no list of compounds is needed; the cue words
    `hiện nay`, `hiện có`, `hiện đang` … stay in `lexicon/cues.yaml` (T3 family). Only the
    syllables around each `hiện` of the 300 characters before the value are segmented, and
    tagged only when `hiện` is a word of its own there (most are `thực hiện`, which the
    segmenter's weights show without segmenting: `nlp.surely_not_a_word`).
    """
    text = site.ctx.text
    start = max(start, pos - 300)
    folded = site.ctx.cues(site.lex).casefolded
    if folded is not None and folded.find("hiện", start, pos) < 0:
        return None  # most windows: no `hiện` in any case (a letter `_NOW` matches folds to its own folding)
    if not _NOW.search(text, start, pos):
        return None
    window = text[start:pos]
    nows = list(_NOW.finditer(window))
    if not any(_may_be_the_adverb(site, start + now.end(), pos) for now in nows):
        return None  # no `hiện` there can give the adverb: nothing to segment
    syllables = syllable_spans(window)
    for now in nows:
        _, a, b = syllable_window(syllables, now.start(), _AROUND, _AROUND)
        phrase = window[a:b]
        if surely_not_a_word(phrase, "hiện"):
            continue  # shown from the segmenter's weights: `hiện` only inside a word, no need to segment
        spans = tagger_spans(phrase)
        if spans is not None and not any(phrase[s:e].lower() == "hiện" for s, e in spans):
            continue  # `hiện` only inside a word (`thực hiện`): no need to tag
        for (s, e, _), (s2, e2, tag2) in pairwise(tagged_spans(phrase)):
            if a + s == now.start() and phrase[s:e].lower() == "hiện" and tag2 == "V":
                if site.ctx.cues(site.lex).cue("aim", start + a + s2, pos):
                    return None
                return f"hiện {phrase[s2:e2]}"
    return None


_NON_SPACE = regex.compile(r"\S")


def _may_be_the_adverb(site: Site, after: int, pos: int) -> bool:
    """Whether the `hiện` ending at `after` can give `_present_adverb` its answer, read from the text only.

    It cannot when nothing but spaces follows it before the value (no word after it to be the
    verb), or when an aim cue follows from the first character after it: the words after a
    `hiện` that is a word of its own start there (the segmenter's and spaCy's words cover
    every character that is not a space), so the full reading would find that aim and answer
    None. Such a `hiện` gives None or passes to the next one, whatever its words and tags.
    The aim is asked of the document's cue index (`CueIndex.cue`, `Lexicon.cue`'s answer), which
    tries the aim pattern only where one of its opening words occurs in the text folded once.
    """
    first = _NON_SPACE.search(site.ctx.text, after, pos)
    return first is not None and site.ctx.cues(site.lex).cue("aim", first.start(), pos) is None


def _states_aim(site: Site, start: int, end: int) -> bool:
    """A forward cue in text[start:end] that is not the own year of a value (`năm 2022 chiếm …`).

    Matches come from the text's cue index, as `finditer` over the window gives them: a
    window that reaches back to a report early in a long paragraph is not searched again.
    """
    cues = site.ctx.cues(site.lex)
    for entry, pattern in site.lex.cue_entries.get("forward", ()):
        for m in cues.finditer(entry, pattern, start, end):
            if not site.ctx.in_own_year(m.start()):
                return True
    return False


def under_report_heading(site: Site) -> Verdict | None:
    """Guide §1: values in a section headed as results or the current state report them. Window: the last heading."""
    if site.heading is None:
        return None
    hit = site.ctx.cues(site.lex).cue_of_line("report_heading", site.heading)
    return Verdict(hit[0], f"guide §1: under a results heading ({site.heading[:60]!r})") if hit else None


def not_digital(site: Site) -> Verdict | None:
    """Guide §1: general socio-economic targets and statistics are not digital-transformation targets.

    Window: `Site.near` (the 80 characters before the value in its clause, and its segment).
    """
    hit = _near_cue(site, "not_digital")
    return Verdict(hit[0], f"guide §1: not a digital-transformation measure ({hit[1]!r})") if hit else None


def progress_against_plan(site: Site) -> Verdict | None:
    """Guide §1: a share of a plan or target already reached (`hoàn thành gần 42% kế hoạch`,
    `đạt 86% chỉ tiêu`) reports progress; the plan is what the value measures, not a target.

    Window: the value and the words right after it; the cue must start inside the value.
    """
    m = site.mention
    found = site.lex.cue("progress", site.ctx.text, m.start, m.end + len(site.right))
    if found is None or found[1].start() >= m.end:
        return None
    return Verdict(found[0], f"guide §1: progress against a plan, not a target ({found[1].group(0).strip()!r})")


def national_figure(site: Site) -> Verdict | None:
    """Guide §1: a figure about the nation is not a province's target (kept in national documents).

    Window: `Site.near` (the 80 characters before the value in its clause, and its segment): the
    nation may be named before a lead verb (`cả nước đặt mục tiêu kinh tế số chiếm 20% GDP`).
    Ranks (`top 10 cả nước`) are the province's own place.
    """
    if site.national or site.mention.unit == "rank":
        return None
    hit = _near_cue(site, "national")
    return Verdict(hit[0], f"guide §1: a national figure ({hit[1]!r})") if hit else None


def other_province(site: Site) -> Verdict | None:
    """Guide §1: a figure whose clause is about another province is not this plan's target. Window: the clause up to the value."""
    if site.national or site.province is None:
        return None
    lex = site.lex
    own: str | None = None  # the document's own province, read at the first name found (most clauses name none)
    for m in provinces_named(site.ctx, lex, site.clause[0], site.mention.start):
        canon = lex.province_canon.get(_SPACES.sub(" ", m.group(1)))
        if not canon:
            continue
        if own is None:
            own = lex.province_canon.get(fold(site.province).replace("TP ", ""), fold(site.province))
        if canon != own and not (own and canon in own or own in canon):
            return Verdict("other_province", f"guide §1: about another province ({canon})")
    return None


_SPACES = regex.compile(r"\s+")


_WORD = regex.compile(r"\w", FLAGS)


# Clauses up to this long are folded and searched on their own (most clauses); a longer one is
# read from the document folded once, so that a text without punctuation stays linear.
_PROVINCE_DIRECT = 300


def provinces_named(ctx: DocContext, lex: Lexicon, start: int, end: int) -> Iterator[regex.Match[str]]:
    """The province names in text[start:end] (a clause up to its value): `province_re.finditer(fold(text[start:end]))`.

    Both ways try `province_re` only where a name can begin (`document.province_starts`, as the
    document's own province is found): a short clause is folded and read on its own
    (`document.province_matches`); a long one (a text without punctuation runs each clause to
    the sentence bound, with many values in it) is read from the document folded once, where
    the names' starts are found once: the same matches, as offsets of the document, when no
    old-tone pair is cut at the clause's edges (`splits_old_tone`) and no word character stands
    before it (`\\b` sees nothing before a string's start, but the text before `pos`).
    """
    text = ctx.text
    if end - start > _PROVINCE_DIRECT and not splits_old_tone(text, start) and not splits_old_tone(text, end):
        folded = ctx.folded()
        starts = folded.starts("province", lambda whole: province_starts(whole, lex))
        if starts is not None and (start == 0 or not _WORD.match(folded.text, start - 1)):
            within = starts[bisect_left(starts, start) : bisect_left(starts, end)]
            return matches_at(lex.province_re, folded.text, within, end)
    return province_matches(fold(text[start:end]), lex)


def summary_of_breakdown(site: Site) -> Verdict | None:
    """Guide §2: `100% hồ sơ cấp tỉnh, huyện, xã ...: 90% ..., 80% ..., 60% ...` — the breakdown is the target.

    Window: the value's segment (its scopes) and whether a colon follows it.
    """
    if site.breakdown and site.scopes[0]:
        return Verdict("summary_of_breakdown", "guide §2: a summary over scopes that a breakdown after the colon restates")
    return None


def before_document_year(site: Site) -> Verdict | None:
    """Guide §1: a value stated for a year before the document was issued is a result reported.

    Window: the value's own year, when its clause or sentence states it.
    """
    year, source = site.year
    if site.doc_year is not None and year is not None and year < site.doc_year and source in ("clause", "sentence"):
        return Verdict("before_document_year", f"guide §1: stated for {year}, before the document's year {site.doc_year}")
    return None


# The order is the order of the guide's questions; the first verdict is the one reported.
FILTERS: tuple[Filter, ...] = (
    reported,
    progress_against_plan,
    under_report_heading,
    not_digital,
    national_figure,
    other_province,
    summary_of_breakdown,
    before_document_year,
)

# Rule ids of drops made outside the registry, in the stages around it.
IN_HEADING = "in_heading"
RESTATEMENT = "restatement"


def first_verdict(site: Site, filters: tuple[Filter, ...] = FILTERS) -> Verdict | None:
    """The first filter that says the value is not a target, or None when none does."""
    for f in filters:
        verdict = f(site)
        if verdict is not None:
            return verdict
    return None
