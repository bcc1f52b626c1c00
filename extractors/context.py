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

from extractors.cue_index import CueIndex, PatternIndex
from extractors.lexicon import Lexicon, fold
from extractors.pattern_shape import casefolded
from extractors.pillars import official_title_pillar, one_pillar
from extractors.structure import (
    CLAUSE_SPLIT_RE,
    Boundary,
    bounded_spans,
    is_heading_line,
    pick_title,
    pillar_boundaries,
    sentence_breaks,
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
    casefolded: str | None = None  # the text case-folded once (`pattern_shape.casefolded`), for word look-ups
    _para_starts: list[int] = field(default_factory=list)
    _sentences: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    _heading_starts: list[int] = field(default_factory=list)
    _heading_ends: list[int] = field(default_factory=list)
    _year_starts: list[int] = field(default_factory=list)
    _boundary_pos: list[int] = field(default_factory=list)
    _own_starts: list[int] = field(default_factory=list)
    _own_ends: list[int] = field(default_factory=list)
    _sentence_ends: dict[int, list[int]] = field(default_factory=dict)
    _sentence_at: dict[int, tuple[int, int]] = field(default_factory=dict)  # sentence_of by offset
    _clause_cuts: dict[tuple[int, int], tuple[list[int], list[int]]] = field(default_factory=dict)  # by sentence
    # Boundaries of one kind with their offsets, for bisecting (built once: boundaries never change).
    _section_heads: list[Boundary] = field(default_factory=list)
    _section_head_pos: list[int] = field(default_factory=list)
    _year_heads: list[Boundary] = field(default_factory=list)
    _year_head_pos: list[int] = field(default_factory=list)
    _leadins: list[Boundary] = field(default_factory=list)
    _leadin_pos: list[int] = field(default_factory=list)
    _governing_pos: list[int] = field(default_factory=list)  # boundaries without `until`
    _governing_pillar: list[str | None] = field(default_factory=list)  # the pillar in force after each
    _topics: list[Boundary] = field(default_factory=list)  # boundaries with `until` (paragraph topics)
    _topic_pos: list[int] = field(default_factory=list)
    _title_start: int = -1
    _cues: CueIndex | None = None
    _folded: PatternIndex | None = None

    def __post_init__(self) -> None:
        self.set_years(self.years)
        self._para_starts = [s for s, _ in self.paragraphs]
        self._heading_starts = [s for s, _ in self.headings]
        self._heading_ends = [e for _, e in self.headings]
        self._section_heads = [b for b in self.boundaries if b.heading]
        self._year_heads = [b for b in self.boundaries if b.year is not None]
        self._leadins = [b for b in self.boundaries if b.cuts and not b.heading]
        self._topics = [b for b in self.boundaries if b.until is not None]
        self._section_head_pos = [b.pos for b in self._section_heads]
        self._year_head_pos = [b.pos for b in self._year_heads]
        self._leadin_pos = [b.pos for b in self._leadins]
        self._topic_pos = [b.pos for b in self._topics]
        pillar: str | None = None
        for b in self.boundaries:
            if b.until is not None:
                continue
            if b.pillar is not None:
                pillar = b.pillar
            elif b.resets_pillar:
                pillar = None
            self._governing_pos.append(b.pos)
            self._governing_pillar.append(pillar)
        self._title_start = self.text.find(self.title) if self.title else -1

    def cues(self, lex: Lexicon) -> CueIndex:
        """The text's cue searches over long windows (`cue_index.py`), made on first use and kept with the document."""
        if self._cues is None or self._cues.lex is not lex:
            self._cues = CueIndex(self.text, lex, self.casefolded)  # the text folded once, by build_context
        return self._cues

    def folded(self) -> PatternIndex:
        """Searches of the text with old tone placement folded (`lexicon.fold`), made on first use."""
        if self._folded is None:
            self._folded = PatternIndex(fold(self.text))
        return self._folded

    def paragraph_of(self, pos: int) -> tuple[int, int]:
        i = max(0, bisect_right(self._para_starts, pos) - 1)
        return self.paragraphs[i]

    def sentence_of(self, pos: int) -> tuple[int, int]:
        """The sentence holding `pos`, kept by offset: the stages ask about a value's offset several times."""
        found = self._sentence_at.get(pos)
        if found is None:
            found = self._sentence_at[pos] = self._sentence_of(pos)
        return found

    def _sentence_of(self, pos: int) -> tuple[int, int]:
        ps, pe = self.paragraph_of(pos)
        spans = self._sentences.get(ps)
        if spans is None:
            spans = []
            start = ps
            for brk_start, brk_end in sentence_breaks(self.text, ps, pe):
                spans.extend(bounded_spans(self.text, start, brk_start))
                start = brk_end
            spans.extend(bounded_spans(self.text, start, pe))
            self._sentences[ps] = spans
            self._sentence_ends[ps] = [e for _, e in spans]
        i = bisect_left(self._sentence_ends[ps], pos)  # the first sentence ending at or after pos
        return spans[i] if i < len(spans) else spans[-1]

    def clause_of(self, pos: int) -> tuple[int, int]:
        """The clause holding `pos`: the sentence cut at `;` and ellipses, found once per sentence.

        The first clause ending at or after `pos` (a value's sentence may hold many values: in a
        text without stops each runs to the sentence bound).
        """
        ss, se = self.sentence_of(pos)
        cuts = self._clause_cuts.get((ss, se))
        if cuts is None:
            found = [m.span() for m in CLAUSE_SPLIT_RE.finditer(self.text, ss, se)]
            cuts = self._clause_cuts[ss, se] = ([a for a, _ in found], [b for _, b in found])
        starts, ends = cuts
        i = bisect_left(starts, pos)  # the first cut at or after pos
        start = ends[i - 1] if i else ss
        return (start, starts[i]) if i < len(starts) else (start, se)

    def boundaries_between(self, start: int, end: int) -> list[Boundary]:
        """The boundaries with start <= pos < end, in order (bisect: boundaries are sorted by pos)."""
        if len(self._boundary_pos) != len(self.boundaries):
            self._boundary_pos = [b.pos for b in self.boundaries]
        return self.boundaries[bisect_left(self._boundary_pos, start) : bisect_left(self._boundary_pos, end)]

    def set_years(self, years: list[YearMention]) -> None:
        """Replace `years` (bounded by `bound_years`) and the offsets derived from them, once."""
        self.years = years
        self._year_starts = [y.start for y in years]
        spans = [(y.start, y.end) for y in years if y.until is not None]
        self._own_starts, self._own_ends = [a for a, _ in spans], [b for _, b in spans]

    def year_starts(self) -> list[int]:
        """Start offsets of `years` (sorted): for bisecting."""
        return self._year_starts

    def in_own_year(self, pos: int) -> bool:
        """Whether `pos` falls inside a value's own year (`năm 2022 chiếm …`: a year with `until`).

        Bisected over the own years' spans (years do not overlap), so the `reported` filter's aim
        check stays linear over a long document.
        """
        i = bisect_right(self._own_starts, pos) - 1
        return i >= 0 and pos < self._own_ends[i]

    def heading_before(self, pos: int) -> str | None:
        """The text of the last heading line before `pos`, if any."""
        i = bisect_right(self._heading_ends, pos)  # headings are lines in order: their ends are sorted
        return self.text[self.headings[i - 1][0] : self.headings[i - 1][1]] if i else None

    def is_heading(self, pos: int) -> bool:
        i = bisect_right(self._heading_starts, pos)
        return i > 0 and pos < self.headings[i - 1][1]

    def last_heading(self, pos: int) -> Boundary | None:
        """The last section heading at or before `pos`: where the reach of earlier years ends."""
        i = bisect_right(self._section_head_pos, pos)
        return self._section_heads[i - 1] if i else None

    def leadins_between(self, start: int, end: int) -> list[Boundary]:
        """The pillar lead-ins that cut a segment (`cuts`, not headings) with start <= pos <= end, in order."""
        return self._leadins[bisect_left(self._leadin_pos, start) : bisect_right(self._leadin_pos, end)]

    def title_span(self) -> tuple[int, int]:
        """Where the title stands in the text ((0, 0) when it is not found)."""
        return (self._title_start, self._title_start + len(self.title)) if self._title_start >= 0 else (0, 0)

    def pillar_at(self, pos: int) -> str | None:
        """The pillar of the governing heading or lead-in, else of the paragraph's topic."""
        i = bisect_right(self._governing_pos, pos)  # the boundaries at or before pos, without `until`
        pillar = self._governing_pillar[i - 1] if i else None
        if pillar is not None:
            return pillar
        last = self._governing_pos[i - 1] if i else -1
        # the last topic starting after that boundary, at or before pos, that still governs pos
        lo, hi = bisect_right(self._topic_pos, last), bisect_right(self._topic_pos, pos)
        topic = next((b for b in reversed(self._topics[lo:hi]) if b.until is not None and pos < b.until), None)
        return topic.pillar if topic is not None else self.title_pillar

    def year_boundary_at(self, pos: int) -> Boundary | None:
        """The last boundary at or before `pos` that states a year (a heading's own year)."""
        i = bisect_right(self._year_head_pos, pos)
        return self._year_heads[i - 1] if i else None

    def heading_year_at(self, pos: int) -> int | None:
        b = self.year_boundary_at(pos)
        return b.year if b is not None else None



def build_context(text: str, lex: Lexicon, value_starts: list[int], folded: str | None = None) -> DocContext:
    """Find paragraphs, headings, section boundaries, years and the horizon of `text`.

    `folded` is `casefolded(text)` when the caller has it (`find_mentions` takes it too): the
    passes that look words up with `str.find` share the text folded once.
    """
    if folded is None:
        folded = casefolded(text)
    paragraphs: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        paragraphs.append((pos, pos + len(line)))
        pos += len(line) + 1
    headings: list[tuple[int, int]] = []
    boundaries: list[Boundary] = []
    years = find_years(text, folded)
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
    boundaries.extend(pillar_boundaries(text, lex, paragraphs, value_starts, heading_starts, folded))
    title = pick_title(text)
    ctx = DocContext(
        text=text,
        paragraphs=paragraphs,
        headings=headings,
        boundaries=sorted(boundaries, key=lambda b: b.pos),
        years=years,
        horizon=document_horizon(text, title, headings[0][0] if headings else None, folded),
        title=title,
        title_pillar=official_title_pillar(text, lex),
        casefolded=folded,
    )
    ctx.set_years(bound_years(ctx, sorted(value_starts)))
    return ctx

