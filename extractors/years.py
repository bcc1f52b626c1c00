"""Years: the year expressions of a text, how far each governs, and a value's deadline year.

The labelling guide resolves a target's deadline year in a fixed order (§3): the clause's
own year, then the year governing its sentence or paragraph (up to the next section
heading), then the document's horizon. `find_years` and `bound_years` read the years once
per document; `resolve_year` applies the order to one value.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import chain
from typing import TYPE_CHECKING

import regex

from extractors.lexicon import AT_END, FLAGS, template
from extractors.pattern_shape import casefolded, openings
from extractors.search_at import matches_at, opening_search, runs_holding, word_starts
from extractors.structure import Boundary, open_parens_at

if TYPE_CHECKING:
    from extractors.context import DocContext


# Years that govern targets: "đến năm 2030", "năm 2025", "giai đoạn 2024-2030",
# "định hướng 2030", "nhiệm kỳ 2025 - 2030", a quarter ("trong quý 2-2026", corpus-dev2 d30).
# Dates and document numbers are excluded.
_YEAR = (
    r"(?<!\w)(?:{YEAR_PREP}\s+)?"
    r"(?:{YEAR_WORD}\s+"
    r"|{QUARTER}\s+(?:[1-4]|I{1,3}|IV)\s*(?:[-/]\s*|{YEAR_NOUN}\s+))"
    r"(?:(?P<from>(?:19|20)\d\d)\s*[-–—]\s*)?(?P<year>(?:19|20)\d\d)(?![\d/])"
)
YEAR_RE = regex.compile(template(_YEAR), FLAGS)
# Dates ("ngày 5 tháng 6 năm 2023") and baselines ("tăng 10% so với năm 2021") are not deadlines.
# Both end-anchored look-backs are searched from the end (`AT_END`: `regex.REVERSE`), which tries the
# pattern where it must end instead of at every character before: the same answer (a test compares them).
_DATE_BEFORE = regex.compile(template(r"(?:{MONTH_NOUN}\s+\d{1,2}|\d{1,2}/\d{1,2}/?|{BASELINE})\s*$"), AT_END)
# The horizon a title or a plan's name gives: `đến năm 2030`, `Đến 2027, ...` (no `năm`), else the
# end of its period (`kế hoạch ... giai đoạn 2025-2027`) (guide §3 rule (3); unseen-errors T11).
_UNTIL_YEAR = template(r"{UNTIL}\s+(?:{YEAR_NOUN}\s+)?(?P<year>(?:19|20)\d\d)(?![\d/])")
_PERIOD_END = template(r"{PERIOD_NOUN}\s+(?:19|20)\d\d\s*[-–—]\s*(?P<year>(?:19|20)\d\d)(?![\d/])")
HORIZON_TITLE_RE = regex.compile(r"(?<!\w)" + _UNTIL_YEAR, FLAGS)
PERIOD_TITLE_RE = regex.compile(r"(?<!\w)" + _PERIOD_END, FLAGS)
ONE_YEAR_RE = regex.compile(
    template(r"{ONE_YEAR_PLAN}[^.\n]{0,120}?{YEAR_NOUN}\s+(?P<year>(?:19|20)\d\d)(?!\s*[-–—]\s*\d)"), FLAGS
)
PLAN_HORIZON_RE = regex.compile(template(r"{PLAN_NAME}[^.\n]{0,160}?(?<!\w)") + _UNTIL_YEAR, FLAGS)
PLAN_PERIOD_RE = regex.compile(template(r"{PLAN_NAME}[^.\n]{0,160}?(?<!\w)") + _PERIOD_END, FLAGS)
VISION_RE = regex.compile(template(r"{VISION}\s+(?:{YEAR_NOUN}\s+)?(?P<year>(?:19|20)\d\d)"), FLAGS)


@dataclass(frozen=True)
class YearMention:
    """A year expression and how far it governs."""

    start: int
    end: int
    year: int
    trailing: bool  # dates the value before it ("chiếm 20% GRDP vào năm 2025")
    # Offset before which the year may date a value: a value's own year ("40% vào năm 2040",
    # "năm 2030 chiếm 22%") or a year in parentheses governs nothing after its value or its
    # parenthesis (unseen-errors T2, T5).  None: it governs onwards.
    until: int | None = None
    # The parenthesised list of values this year follows (`3 chỉ tiêu (A đạt 8%; B đạt 60%) cùng
    # … đến năm 2026`): it dates the values inside, between `(` and `)` (unseen-errors L2).
    list_span: tuple[int, int] | None = None

    def reaches(self, pos: int) -> bool:
        return self.until is None or pos < self.until



_PUNCT_BETWEEN = regex.compile(r"[,:;()]")  # a year and the value it leads, with nothing between
_DELIM_BEFORE = regex.compile(template(r"(?:^|[,;:.(\n]|{YEAR_LEAD})\s*$"), AT_END)
_END_AFTER = regex.compile(template(r"^\s*(?:[,;.)\n]|{AND}|$)"), FLAGS)


# The characters a YEAR_RE match is made of: its words (letters and spaces), digits, the period's
# dashes and the quarter's `/`. Any other character ends a run that a year expression lies inside.
YEAR_RUN_BREAK = regex.compile(r"[^\w\s\-–—/]")
YEAR_FRAGMENTS = tuple(regex.findall(r"\{([A-Z][A-Z_]*)\}", _YEAR))  # tests/test_years.py: their words break no run
_YEAR_DIGITS = regex.compile(r"(?:19|20)\d\d")


def year_matches(text: str, folded: str | None = None) -> Iterator[regex.Match[str]]:
    """`YEAR_RE.finditer(text)`, searched only inside the runs of text that hold a `19xx`/`20xx` number,
    and there only where one of its opening words (`năm`, `giai`, `đến`, …) occurs.

    Why: YEAR_RE opens with an alternation of words, which the engine tries at every character
    of the text; four digits are found by a fast scan, and most of a text lies in runs (between
    punctuation) that hold none. Every match holds its year's digits and no run break. The
    opening words are found with `str.find` in the text case-folded (`folded`: `casefolded(text)`
    when the caller has it; a text whose folding moves offsets is searched run by run).
    """
    digits = (d.start() for d in _YEAR_DIGITS.finditer(text))
    runs = runs_holding(text, digits, YEAR_RUN_BREAK)
    if folded is None:
        folded = casefolded(text)
    opened = openings(YEAR_RE.pattern, YEAR_RE.flags)
    if folded is None or opened is None or opened.text_start:
        for start, end in runs:
            yield from YEAR_RE.finditer(text, start, end)
        return
    for start, end in runs:
        yield from matches_at(YEAR_RE, text, word_starts(folded[start:end], opened.words, start), end)


def find_years(text: str, folded: str | None = None) -> list[YearMention]:
    """Year expressions; a trailing one follows the value it dates, others govern onwards.

    `folded` is `casefolded(text)` when the caller has it.
    """
    out: list[YearMention] = []
    for m in year_matches(text, folded):
        if _DATE_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            continue
        before = text[max(0, m.start() - 40) : m.start()]
        after = text[m.end() : m.end() + 8]
        trailing = bool(_END_AFTER.match(after)) and not _DELIM_BEFORE.search(before)
        out.append(YearMention(m.start(), m.end(), int(m["year"]), trailing))
    return out


def document_horizon(
    text: str, title: str, first_heading: int | None = None, folded: str | None = None
) -> int | None:
    """Guide §3 (3): the title's `đến năm X`, a one-year plan's year or its period's end, else the vision year.

    The opening searched for a plan's name or vision is the text before the first section
    heading (at most 1,500 characters): `Định hướng đến năm X` there heads its own section.
    `folded` is `casefolded(text)` when the caller has it: the opening's folding is its slice
    (`str.casefold` maps each character on its own, and a text folded to its own length keeps
    every offset).
    """
    # each pattern opens with words (`đến`, `kế hoạch`, `tầm nhìn`): tried only where one occurs
    m = opening_search(HORIZON_TITLE_RE, title)
    if m:
        return int(m["year"])
    m = opening_search(ONE_YEAR_RE, title) or opening_search(PERIOD_TITLE_RE, title)
    if m:
        return int(m["year"])
    opening = text[: min(1500, first_heading if first_heading is not None else 1500)]
    folded = folded[: len(opening)] if folded is not None else casefolded(opening)
    m = opening_search(PLAN_HORIZON_RE, opening, folded)
    if m:
        return int(m["year"])
    m = opening_search(ONE_YEAR_RE, opening[:600], folded and folded[:600]) or opening_search(
        PLAN_PERIOD_RE, opening, folded
    )
    if m:
        return int(m["year"])
    m = opening_search(VISION_RE, opening, folded)
    if m:
        return int(m["year"])
    return None



def bound_years(ctx: DocContext, values: list[int]) -> list[YearMention]:
    """Set how far each year governs (unseen-errors T2, T5; guide §3 deadline rule (1)).

    - A year inside parentheses (`(năm 2026)`, `(đến năm 2030 là 98%)`) governs only
      inside them.
    - A trailing year after a value of its clause (`nâng lên 40% GRDP vào năm 2040`) is
      that value's own.
    - Years that each lead one value of the same sentence (`năm 2026 chiếm 12% GRDP, năm
      2030 chiếm 22% GRDP`) are per-value years: none governs a value outside its pair.
    """
    text = ctx.text
    out: list[YearMention] = []
    leads: dict[int, list[tuple[int, int]]] = {}
    starts = [y.start for y in ctx.years]
    open_at = open_parens_at(ctx, starts)
    for i, y in enumerate(ctx.years):
        _, pe = ctx.paragraph_of(y.start)
        opened = open_at[i]
        if opened is not None:
            close = text.find(")", y.end, pe)
            out.append(replace(y, until=close if close != -1 else pe))
            continue
        cs, ce = ctx.clause_of(y.start)
        k = bisect_right(values, y.start)
        before_value = values[k - 1] if k and values[k - 1] >= cs else None
        after_value = values[k] if k < len(values) and values[k] < ce else None
        if y.trailing and before_value is not None and bisect_right(starts, before_value) >= i:  # no year between
            out.append(replace(y, until=y.start))
            continue
        out.append(y)
        if after_value is not None and not _PUNCT_BETWEEN.search(text, y.end, after_value) and (
            bisect_left(starts, after_value) == bisect_left(starts, y.end)
        ):
            leads.setdefault(ctx.sentence_of(y.start)[0], []).append((i, after_value))
    for pairs in leads.values():
        if len(pairs) >= 2 and len({v for _, v in pairs}) == len(pairs):
            for i, v in pairs:
                out[i] = replace(out[i], until=v + 1)
    for i, y in enumerate(out):
        if open_at[i] is None:
            span = _list_before(text, ctx.sentence_of(y.start)[0], y.start, values, starts)
            if span is not None:
                out[i] = replace(y, list_span=span)
    return out


def _list_before(text: str, sentence_start: int, year_start: int, values: list[int], years: list[int]) -> tuple[int, int] | None:
    """The parenthesised list of values that the year at `year_start` follows in its sentence, if any.

    The `)` closing it is the last one before the year, with no value and no other year between;
    the parenthesis holds values of its own (`(tỷ trọng KTS … đạt 8%; … đạt trên 60%)`), so a
    parenthesis holding only a year (`45% (năm 2026)`) or words is no list.
    """
    close = text.rfind(")", sentence_start, year_start)
    if close == -1 or bisect_left(values, close) != bisect_left(values, year_start):
        return None
    if bisect_right(years, close) != bisect_left(years, year_start):
        return None
    depth = 0
    for pos in range(close, sentence_start - 1, -1):
        ch = text[pos]
        if ch == ")":
            depth += 1
        elif ch == "(":
            depth -= 1
            if depth == 0:
                inside = bisect_left(values, close) - bisect_right(values, pos)
                return (pos, close) if inside > 0 else None
    return None



_OWN_PAREN = regex.compile(r"\s*\(\s*")
_PERCENT = regex.compile(r"\d\s*%")


def resolve_year(
    ctx: DocContext, v_start: int, v_end: int, next_value: int | None, carry: bool = True
) -> tuple[int | None, str]:
    """Deadline year of the value at [v_start, v_end) and which rule of guide §3 gave it."""
    cs, ce = ctx.clause_of(v_start)
    ss, _ = ctx.sentence_of(v_start)
    ps, _ = ctx.paragraph_of(v_start)
    limit = min(ce, next_value) if next_value is not None and next_value > v_end else ce
    # (1) the clause's own year: trailing after the value or in parentheses right after it
    # (`45% (năm 2026)`), or earlier in the clause
    starts = ctx.year_starts()
    for y in ctx.years[bisect_left(starts, v_end) : bisect_left(starts, limit)]:
        if y.list_span is not None and y.list_span[0] < v_start < y.list_span[1]:
            return y.year, "paren_list"  # the list's year, for its last item as for the others (L2)
        if y.trailing or _OWN_PAREN.fullmatch(ctx.text, v_end, y.start):
            return y.year, "clause"
    # a year reaches up to the next section heading; a pillar lead-in is not one (guide §3),
    # but a year stated inside one pillar's part belongs to that part
    boundary = ctx.last_heading(v_start)
    section_start = 0
    if boundary is not None:
        section_start = min(boundary.pos, ctx.sentence_of(boundary.pos)[0])
    leadins = ctx.leadins_between(section_start, v_start)  # bisected: linear over a document
    part_start = min(leadins[-1].pos, ctx.sentence_of(leadins[-1].pos)[0]) if leadins else section_start
    # the years of the part before the value that reach it, the latest first, read lazily: most
    # values stop at the first, and a section without headings (a text without lines) holds every year
    before = (y for y in _latest_first(ctx, bisect_left(starts, part_start), bisect_left(starts, v_start))
              if y.end <= v_start and y.reaches(v_start))
    last = next(before, None)  # years are in text order: the latest one is in the clause if any is
    if last is not None and last.start >= cs:
        return last.year, "clause"
    # a year after the parenthesised list holding the value dates the list's items (unseen-errors L2)
    _, se = ctx.sentence_of(v_start)
    for y in ctx.years[bisect_left(starts, v_end) : bisect_left(starts, se)]:
        if y.list_span is not None and y.list_span[0] < v_start < y.list_span[1]:
            return y.year, "paren_list"
    # (2) the year governing the sentence or paragraph, then earlier paragraphs of the section
    if last is not None and last.start >= ss:
        return last.year, "sentence"
    if last is not None and last.start >= ps:
        return last.year, "paragraph"
    opener = _section_opener_year(ctx, section_start, leadins[0]) if leadins else None
    if opener is not None and opener.reaches(v_start):
        return opener.year, "heading"
    heading_year = ctx.heading_year_at(v_start)
    # the title's years give the horizon (rule 3), they are not carried as a governing year
    title_span = ctx.title_span()  # found once per document
    last_carried = next(  # the last year before the value that is neither a heading's nor the title's
        (y for y in chain([last] if last is not None else [], before)
         if not ctx.is_heading(y.start) and not title_span[0] <= y.start < title_span[1]),
        None,
    ) if carry else None
    if last_carried is not None and (heading_year is None or last_carried.start > _heading_year_pos(ctx, v_start)):
        return last_carried.year, "carried"
    if heading_year is not None:
        return heading_year, "heading"
    # (3) the document's horizon
    return ctx.horizon, "horizon"


def _section_opener_year(ctx: DocContext, section_start: int, first: Boundary) -> YearMention | None:
    """The year that opens a section's pillar lead-ins (`mục tiêu cụ thể đến năm 2025: Về chính quyền số: …`).

    It is the last year before the section's first lead-in, in the same paragraph or in a
    paragraph ending with a colon just before it, with no value between: it governs every
    lead-in of the section (clarified guide §3 rule (2)).
    """
    ps, _ = ctx.paragraph_of(first.pos)
    start = ps
    i = bisect_left(ctx._para_starts, ps)  # ps is a paragraph start
    if i > 0:
        prev_s, prev_e = ctx.paragraphs[i - 1]
        if ctx.text[prev_s:prev_e].rstrip().endswith(":"):
            start = prev_s
    start = max(start, section_start)
    starts = ctx.year_starts()
    last = next((y for y in _latest_first(ctx, bisect_left(starts, start), bisect_left(starts, first.pos))
                 if y.end <= first.pos), None)
    if last is None or _PERCENT.search(ctx.text, last.end, first.pos):
        return None
    return last


def _latest_first(ctx: DocContext, lo: int, hi: int) -> Iterator[YearMention]:
    """ctx.years[lo:hi] from the last, without copying the slice (it may hold every year of a long text)."""
    years = ctx.years
    return (years[i] for i in range(hi - 1, lo - 1, -1))


def _heading_year_pos(ctx: DocContext, pos: int) -> int:
    b = ctx.year_boundary_at(pos)
    return b.pos if b is not None else 0


# Year sources that a year stated elsewhere overrides (lists, restatements).
WEAK_YEARS = {"horizon", "carried", "heading", ""}
