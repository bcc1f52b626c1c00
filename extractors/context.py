"""Where a value stands: paragraph, sentence, clause, section, governing year and pillar.

The labelling guide resolves a target's deadline year in a fixed order: the clause's
own year, then the year governing its sentence or paragraph (up to the next section
heading), then the document's horizon.  Pillars come from the governing heading or
lead-in.  This module finds those landmarks once per document; `targets.py` asks it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace

import regex

from extractors.lexicon import FLAGS, Lexicon, template
from extractors.pillars import goal_lists, leadins, official_title_pillar, one_pillar, topics

# Years that govern targets: "đến năm 2030", "năm 2025", "giai đoạn 2024-2030",
# "định hướng 2030", "nhiệm kỳ 2025 - 2030", a quarter ("trong quý 2-2026", corpus-dev2 d30).
# Dates and document numbers are excluded.
YEAR_RE = regex.compile(
    template(
        r"(?<!\w)(?:{YEAR_PREP}\s+)?"
        r"(?:(?:năm|giai\s+đoạn|nhiệm\s+kỳ|thời\s+kỳ|định\s+hướng(?:\s+đến)?|tầm\s+nhìn(?:\s+đến)?|đến)\s+"
        r"|quý\s+(?:[1-4]|I{1,3}|IV)\s*(?:[-/]\s*|năm\s+))"
        r"(?:(?P<from>(?:19|20)\d\d)\s*[-–—]\s*)?(?P<year>(?:19|20)\d\d)(?![\d/])"
    ),
    FLAGS,
)
# Dates ("ngày 5 tháng 6 năm 2023") and baselines ("tăng 10% so với năm 2021") are not deadlines.
_DATE_BEFORE = regex.compile(r"(?:tháng\s+\d{1,2}|\d{1,2}/\d{1,2}/?|so\s+với(?:\s+cùng\s+kỳ)?)\s*$", FLAGS)
# The horizon a title or a plan's name gives: `đến năm 2030`, `Đến 2027, ...` (no `năm`), else the
# end of its period (`kế hoạch ... giai đoạn 2025-2027`) (guide §3 rule (3); unseen-errors T11).
_UNTIL_YEAR = r"(?:đến|tới)\s+(?:năm\s+)?(?P<year>(?:19|20)\d\d)(?![\d/])"
_PERIOD_END = r"giai\s+đoạn\s+(?:19|20)\d\d\s*[-–—]\s*(?P<year>(?:19|20)\d\d)(?![\d/])"
HORIZON_TITLE_RE = regex.compile(r"(?<!\w)" + _UNTIL_YEAR, FLAGS)
PERIOD_TITLE_RE = regex.compile(r"(?<!\w)" + _PERIOD_END, FLAGS)
ONE_YEAR_RE = regex.compile(r"\b(?:kế\s+hoạch|chương\s+trình)\b[^.\n]{0,120}?\bnăm\s+(?P<year>(?:19|20)\d\d)(?!\s*[-–—]\s*\d)", FLAGS)
PLAN_HORIZON_RE = regex.compile(
    r"\b(?:kế\s+hoạch|nghị\s+quyết|đề\s+án|chương\s+trình|chiến\s+lược)\b[^.\n]{0,160}?(?<!\w)" + _UNTIL_YEAR,
    FLAGS,
)
PLAN_PERIOD_RE = regex.compile(
    r"\b(?:kế\s+hoạch|nghị\s+quyết|đề\s+án|chương\s+trình|chiến\s+lược)\b[^.\n]{0,160}?(?<!\w)" + _PERIOD_END,
    FLAGS,
)
VISION_RE = regex.compile(r"(?:tầm\s+nhìn|định\s+hướng)\s+(?:đến\s+)?(?:năm\s+)?(?P<year>(?:19|20)\d\d)", FLAGS)
# A line that opens a section: numbered/lettered/bulleted heading or a short line with a colon.
HEADING_MARK_RE = regex.compile(r"^\s*(?:[IVX]{1,5}\.|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\))\s*", FLAGS)
SENTENCE_END_RE = regex.compile(r"(?<=[.!?…])\s+(?=[\p{Lu}\d\"“(])|\n")
# Inside a sentence, clauses of a target list end at ";" or an ellipsis ("…", "...").
CLAUSE_SPLIT_RE = regex.compile(r";|…|\.\.\.")


# A "sentence" without a full stop is cut at a space after this many characters (the
# longest real sentence of the corpora is about 1,100); pipeline/limits.py lists it.
MAX_SENTENCE_CHARS = 2_000


def bounded_spans(text: str, start: int, end: int, limit: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """A sentence span, cut at a space every `limit` characters when it runs on without a stop.

    Each target stores its sentence, and a text that repeats a phrase without a full stop
    (323 KB of it made 8,738 targets each carrying the same 236,000-character "sentence")
    would otherwise grow the record with the square of its length.
    """
    spans = []
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = cut if cut > start else start + limit
        spans.append((start, cut))
        start = cut + 1 if text[cut : cut + 1] == " " else cut
    spans.append((start, end))
    return spans


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

    def reaches(self, pos: int) -> bool:
        return self.until is None or pos < self.until


@dataclass(frozen=True)
class Boundary:
    """A section boundary: a heading line or a pillar lead-in."""

    pos: int
    year: int | None  # a heading's own year governs its whole section
    pillar: str | None
    resets_pillar: bool
    cuts: bool = True  # a lead-in ends at its comma; a paragraph's topic phrase cuts nothing
    until: int | None = None  # a paragraph topic governs [pos, until) only, where no lead-in does
    heading: bool = False  # a heading line ends the reach of a year; a pillar lead-in does not (guide §3)


@dataclass
class DocContext:
    """Landmarks of one document, queried by offset."""

    text: str
    paragraphs: list[tuple[int, int]]
    headings: list[tuple[int, int]]
    boundaries: list[Boundary]
    years: list[YearMention]
    horizon: int | None
    title: str
    title_pillar: str | None = None  # an official document's title naming one pillar governs it all
    _para_starts: list[int] = field(default_factory=list)
    _sentences: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    _heading_starts: list[int] = field(default_factory=list)
    _heading_ends: list[int] = field(default_factory=list)
    _year_starts: list[int] = field(default_factory=list)
    _year_key: int = -1
    _boundary_pos: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._para_starts = [s for s, _ in self.paragraphs]
        self._heading_starts = [s for s, _ in self.headings]
        self._heading_ends = [e for _, e in self.headings]

    def paragraph_of(self, pos: int) -> tuple[int, int]:
        i = max(0, bisect_right(self._para_starts, pos) - 1)
        return self.paragraphs[i]

    def sentence_of(self, pos: int) -> tuple[int, int]:
        ps, pe = self.paragraph_of(pos)
        spans = self._sentences.get(ps)
        if spans is None:
            spans = []
            start = ps
            for m in SENTENCE_END_RE.finditer(self.text, ps, pe):
                spans.extend(bounded_spans(self.text, start, m.start()))
                start = m.end()
            spans.extend(bounded_spans(self.text, start, pe))
            self._sentences[ps] = spans
        for s, e in spans:
            if pos <= e:
                return s, e
        return spans[-1]

    def clause_of(self, pos: int) -> tuple[int, int]:
        ss, se = self.sentence_of(pos)
        start = ss
        for m in CLAUSE_SPLIT_RE.finditer(self.text[ss:se]):
            if ss + m.start() >= pos:
                return start, ss + m.start()
            start = ss + m.end()
        return start, se

    def boundaries_between(self, start: int, end: int) -> list[Boundary]:
        """The boundaries with start <= pos < end, in order (bisect: boundaries are sorted by pos)."""
        if len(self._boundary_pos) != len(self.boundaries):
            self._boundary_pos = [b.pos for b in self.boundaries]
        return self.boundaries[bisect_left(self._boundary_pos, start) : bisect_left(self._boundary_pos, end)]

    def year_starts(self) -> list[int]:
        """Start offsets of `years` (sorted), recomputed only when `years` is replaced: for bisecting."""
        key = id(self.years)
        if self._year_key != key:
            self._year_starts, self._year_key = [y.start for y in self.years], key
        return self._year_starts

    def heading_before(self, pos: int) -> str | None:
        """The text of the last heading line before `pos`, if any."""
        i = bisect_right(self._heading_ends, pos)  # headings are lines in order: their ends are sorted
        return self.text[self.headings[i - 1][0] : self.headings[i - 1][1]] if i else None

    def is_heading(self, pos: int) -> bool:
        i = bisect_right(self._heading_starts, pos)
        return i > 0 and pos < self.headings[i - 1][1]

    def last_heading(self, pos: int) -> Boundary | None:
        """The last section heading at or before `pos`: where the reach of earlier years ends."""
        before = [b for b in self.boundaries if b.pos <= pos and b.heading]
        return before[-1] if before else None

    def pillar_at(self, pos: int) -> str | None:
        """The pillar of the governing heading or lead-in, else of the paragraph's topic."""
        pillar: str | None = None
        last = -1
        for b in self.boundaries:
            if b.pos > pos:
                break
            if b.until is not None:
                continue
            last = b.pos
            if b.pillar is not None:
                pillar = b.pillar
            elif b.resets_pillar:
                pillar = None
        if pillar is not None:
            return pillar
        topic = [b for b in self.boundaries if b.until is not None and last < b.pos <= pos < b.until]
        return topic[-1].pillar if topic else self.title_pillar

    def year_boundary_at(self, pos: int) -> Boundary | None:
        """The last boundary at or before `pos` that states a year (a heading's own year)."""
        last: Boundary | None = None
        for b in self.boundaries:
            if b.pos > pos:
                break
            if b.year is not None:
                last = b
        return last

    def heading_year_at(self, pos: int) -> int | None:
        b = self.year_boundary_at(pos)
        return b.year if b is not None else None


_SECTION_WORDS = regex.compile(r"^(?:mục\s+tiêu|định\s+hướng|tầm\s+nhìn|giai\s+đoạn|chỉ\s+tiêu)\b", FLAGS)


def _is_heading_line(line: str, has_value: bool) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > 160:
        return False
    if _SECTION_WORDS.match(stripped) and len(stripped) <= 80 and not has_value and not stripped.endswith("."):
        return True
    if stripped.endswith(":") and not has_value:
        return True
    return bool(HEADING_MARK_RE.match(stripped) and not has_value and len(stripped) < 120 and not stripped.endswith("."))


_DELIM_BEFORE = regex.compile(r"(?:^|[,;:.(\n]|\bvà|\bphấn\s+đấu|\bmục\s+tiêu|\bthì)\s*$", FLAGS)
_END_AFTER = regex.compile(r"^\s*(?:[,;.)\n]|và\b|$)", FLAGS)


def find_years(text: str) -> list[YearMention]:
    """Year expressions; a trailing one follows the value it dates, others govern onwards."""
    out: list[YearMention] = []
    for m in YEAR_RE.finditer(text):
        if _DATE_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            continue
        before = text[max(0, m.start() - 40) : m.start()]
        after = text[m.end() : m.end() + 8]
        trailing = not _DELIM_BEFORE.search(before) and bool(_END_AFTER.match(after))
        out.append(YearMention(m.start(), m.end(), int(m["year"]), trailing))
    return out


def document_horizon(text: str, title: str, first_heading: int | None = None) -> int | None:
    """Guide §3 (3): the title's `đến năm X`, a one-year plan's year or its period's end, else the vision year.

    The opening searched for a plan's name or vision is the text before the first section
    heading (at most 1,500 characters): `Định hướng đến năm X` there heads its own section.
    """
    m = HORIZON_TITLE_RE.search(title)
    if m:
        return int(m["year"])
    m = ONE_YEAR_RE.search(title) or PERIOD_TITLE_RE.search(title)
    if m:
        return int(m["year"])
    opening = text[: min(1500, first_heading if first_heading is not None else 1500)]
    m = PLAN_HORIZON_RE.search(opening)
    if m:
        return int(m["year"])
    m = ONE_YEAR_RE.search(opening[:600]) or PLAN_PERIOD_RE.search(opening)
    if m:
        return int(m["year"])
    m = VISION_RE.search(opening)
    if m:
        return int(m["year"])
    return None


def pick_title(text: str) -> str:
    """The first line that reads like a title (five words or more)."""
    for line in text.split("\n")[:8]:
        if len(line.split()) >= 5:
            return line
    return text.split("\n", 1)[0]


def build_context(text: str, lex: Lexicon, value_starts: list[int]) -> DocContext:
    """Find paragraphs, headings, section boundaries, years and the horizon of `text`."""
    paragraphs: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        paragraphs.append((pos, pos + len(line)))
        pos += len(line) + 1
    headings: list[tuple[int, int]] = []
    boundaries: list[Boundary] = []
    years = find_years(text)
    heading_starts: set[int] = set()
    sorted_values = sorted(value_starts)
    year_starts = [y.start for y in years]
    for s, e in paragraphs:
        line = text[s:e]
        vi = bisect_left(sorted_values, s)
        has_value = vi < len(sorted_values) and sorted_values[vi] < e
        if _is_heading_line(line, has_value):
            headings.append((s, e))
            heading_starts.add(s)
            yi = bisect_left(year_starts, s)
            year = years[yi].year if yi < len(years) and years[yi].start < e else None
            boundaries.append(Boundary(s, year, one_pillar(line, lex), resets_pillar=True, heading=True))
    boundaries.extend(_pillar_boundaries(text, lex, paragraphs, value_starts, heading_starts))
    title = pick_title(text)
    ctx = DocContext(
        text=text,
        paragraphs=paragraphs,
        headings=headings,
        boundaries=sorted(boundaries, key=lambda b: b.pos),
        years=years,
        horizon=document_horizon(text, title, headings[0][0] if headings else None),
        title=title,
        title_pillar=official_title_pillar(text, lex),
    )
    ctx.years = _bound_years(ctx, sorted(value_starts))
    return ctx


def open_paren(text: str, start: int, pos: int) -> int | None:
    """Offset of the parenthesis still open at `pos` (searching from `start`), if any."""
    depth_open: list[int] = []
    for m in regex.finditer(r"[()]", text[start:pos]):
        if m.group(0) == "(":
            depth_open.append(start + m.start())
        elif depth_open:
            depth_open.pop()
    return depth_open[-1] if depth_open else None


def _open_parens_at(ctx: DocContext, positions: list[int]) -> list[int | None]:
    """`_open_paren(text, paragraph start, pos)` for each of the sorted `positions`, in one pass over the text."""
    out: list[int | None] = []
    parens = [(m.start(), m.group(0)) for m in regex.finditer(r"[()]", ctx.text)]
    k = 0
    stack: list[int] = []
    para = -1
    for pos in positions:
        ps = ctx.paragraph_of(pos)[0]
        if ps != para:  # a paragraph starts with nothing open
            para, stack = ps, []
            k = bisect_left(parens, (ps, ""))
        while k < len(parens) and parens[k][0] < pos:
            if parens[k][1] == "(":
                stack.append(parens[k][0])
            elif stack:
                stack.pop()
            k += 1
        out.append(stack[-1] if stack else None)
    return out


def _bound_years(ctx: DocContext, values: list[int]) -> list[YearMention]:
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
    open_at = _open_parens_at(ctx, starts)
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
        if after_value is not None and not regex.search(r"[,:;()]", text[y.end : after_value]) and (
            bisect_left(starts, after_value) == bisect_left(starts, y.end)
        ):
            leads.setdefault(ctx.sentence_of(y.start)[0], []).append((i, after_value))
    for pairs in leads.values():
        if len(pairs) >= 2 and len({v for _, v in pairs}) == len(pairs):
            for i, v in pairs:
                out[i] = replace(out[i], until=v + 1)
    return out


def _pillar_boundaries(
    text: str, lex: Lexicon, paragraphs: list[tuple[int, int]], values: list[int], headings: set[int]
) -> list[Boundary]:
    """Lead-ins, target-set phrases, new sections and paragraph topics (extractors/pillars.py)."""
    values = sorted(values)
    marks = goal_lists(leadins(text, lex, paragraphs, values, headings), text, values, paragraphs)
    starts = [ps for ps, _ in paragraphs]
    governed = {starts[bisect_right(starts, m.pos) - 1] for m in marks if m.kind != "reset"}
    marks += topics(text, lex, paragraphs, values, governed | headings)
    out = []
    for m in marks:
        if m.kind == "topic":
            out.append(Boundary(m.pos, None, m.pillar, resets_pillar=False, cuts=False, until=m.until))
        else:
            out.append(Boundary(m.pos, None, m.pillar, resets_pillar=True, cuts=m.cuts))
    return out


def pillar_in_clause(clause: str, lex: Lexicon) -> str | None:
    """Guide §3: a clause that names its pillar (`kinh tế số chiếm 20% GRDP`); a list of pillars names none."""
    return one_pillar(clause, lex)


_OWN_PAREN = regex.compile(r"\s*\(\s*")


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
        if y.trailing or _OWN_PAREN.fullmatch(ctx.text, v_end, y.start):
            return y.year, "clause"
    # a year reaches up to the next section heading; a pillar lead-in is not one (guide §3),
    # but a year stated inside one pillar's part belongs to that part
    boundary = ctx.last_heading(v_start)
    section_start = 0
    if boundary is not None:
        section_start = min(boundary.pos, ctx.sentence_of(boundary.pos)[0])
    leadins = [b for b in ctx.boundaries if b.cuts and not b.heading and section_start <= b.pos <= v_start]
    part_start = min(leadins[-1].pos, ctx.sentence_of(leadins[-1].pos)[0]) if leadins else section_start
    window = ctx.years[bisect_left(starts, part_start) : bisect_left(starts, v_start)]
    before = [y for y in window if y.end <= v_start and y.reaches(v_start)]
    in_clause = [y for y in before if y.start >= cs]
    if in_clause:
        return in_clause[-1].year, "clause"
    # (2) the year governing the sentence or paragraph, then earlier paragraphs of the section
    in_sentence = [y for y in before if y.start >= ss]
    if in_sentence:
        return in_sentence[-1].year, "sentence"
    in_paragraph = [y for y in before if y.start >= ps]
    if in_paragraph:
        return in_paragraph[-1].year, "paragraph"
    opener = _section_opener_year(ctx, section_start, leadins[0]) if leadins else None
    if opener is not None and opener.reaches(v_start):
        return opener.year, "heading"
    heading_year = ctx.heading_year_at(v_start)
    # the title's years give the horizon (rule 3), they are not carried as a governing year
    title_start = ctx.text.find(ctx.title) if ctx.title else -1
    title_span = (title_start, title_start + len(ctx.title)) if title_start >= 0 else (0, 0)
    last_carried = next(  # the last year before the value that is neither a heading's nor the title's
        (y for y in reversed(before) if not ctx.is_heading(y.start) and not title_span[0] <= y.start < title_span[1]),
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
    i = ctx._para_starts.index(ps)
    if i > 0:
        prev_s, prev_e = ctx.paragraphs[i - 1]
        if ctx.text[prev_s:prev_e].rstrip().endswith(":"):
            start = prev_s
    start = max(start, section_start)
    years = [y for y in ctx.years if start <= y.start and y.end <= first.pos]
    if not years:
        return None
    last = years[-1]
    if regex.search(r"\d\s*%", ctx.text[last.end : first.pos]):
        return None
    return last


def _heading_year_pos(ctx: DocContext, pos: int) -> int:
    b = ctx.year_boundary_at(pos)
    return b.pos if b is not None else 0
