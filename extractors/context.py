"""Where a value stands: one document's landmarks, built once and queried by offset.

`DocContext` holds the paragraphs, heading lines, section boundaries (headings and pillar
lead-ins), years and horizon of a document and answers "which sentence, clause, section,
year or pillar governs this offset?". The landmarks are found by `structure.py` (shape),
`years.py` (years, horizon) and `pillars.py` (pillar words); `build_context` puts them
together; `targets.py` and the stages it calls ask it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from extractors.lexicon import Lexicon
from extractors.pillars import official_title_pillar, one_pillar
from extractors.structure import (
    CLAUSE_SPLIT_RE,
    SENTENCE_END_RE,
    Boundary,
    bounded_spans,
    is_heading_line,
    pick_title,
    pillar_boundaries,
)
from extractors.years import YearMention, bound_years, document_horizon, find_years


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
        if is_heading_line(line, has_value):
            headings.append((s, e))
            heading_starts.add(s)
            yi = bisect_left(year_starts, s)
            year = years[yi].year if yi < len(years) and years[yi].start < e else None
            boundaries.append(Boundary(s, year, one_pillar(line, lex), resets_pillar=True, heading=True))
    boundaries.extend(pillar_boundaries(text, lex, paragraphs, value_starts, heading_starts))
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
    ctx.years = bound_years(ctx, sorted(value_starts))
    return ctx

