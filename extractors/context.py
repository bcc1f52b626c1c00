"""Where a value stands: paragraph, sentence, clause, section, governing year and pillar.

The labelling guide resolves a target's deadline year in a fixed order: the clause's
own year, then the year governing its sentence or paragraph (up to the next section
heading), then the document's horizon.  Pillars come from the governing heading or
lead-in.  This module finds those landmarks once per document; `targets.py` asks it.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

import regex

from extractors.lexicon import FLAGS, Lexicon

# Years that govern targets: "đến năm 2030", "năm 2025", "giai đoạn 2024-2030",
# "định hướng 2030", "nhiệm kỳ 2025 - 2030".  Dates and document numbers are excluded.
YEAR_RE = regex.compile(
    r"(?<!\w)(?:(?:đến|tới|đế|vào|trong|từ\s+nay\s+đến|đến\s+hết|đến\s+cuối|cuối)\s+)?"
    r"(?:năm|giai\s+đoạn|nhiệm\s+kỳ|thời\s+kỳ|định\s+hướng(?:\s+đến)?|tầm\s+nhìn(?:\s+đến)?|đến)\s+"
    r"(?:(?P<from>(?:19|20)\d\d)\s*[-–—]\s*)?(?P<year>(?:19|20)\d\d)(?![\d/])",
    FLAGS,
)
# Dates ("ngày 5 tháng 6 năm 2023") and baselines ("tăng 10% so với năm 2021") are not deadlines.
_DATE_BEFORE = regex.compile(r"(?:tháng\s+\d{1,2}|\d{1,2}/\d{1,2}/?|so\s+với(?:\s+cùng\s+kỳ)?)\s*$", FLAGS)
HORIZON_TITLE_RE = regex.compile(r"(?:đến|tới)\s+năm\s+(?P<year>(?:19|20)\d\d)", FLAGS)
ONE_YEAR_RE = regex.compile(r"\b(?:kế\s+hoạch|chương\s+trình)\b[^.\n]{0,120}?\bnăm\s+(?P<year>(?:19|20)\d\d)(?!\s*[-–—]\s*\d)", FLAGS)
PLAN_HORIZON_RE = regex.compile(
    r"\b(?:kế\s+hoạch|nghị\s+quyết|đề\s+án|chương\s+trình|chiến\s+lược)\b[^.\n]{0,160}?(?:đến|tới)\s+năm\s+(?P<year>(?:19|20)\d\d)",
    FLAGS,
)
VISION_RE = regex.compile(r"(?:tầm\s+nhìn|định\s+hướng)\s+(?:đến\s+)?(?:năm\s+)?(?P<year>(?:19|20)\d\d)", FLAGS)
# A line that opens a section: numbered/lettered/bulleted heading or a short line with a colon.
HEADING_MARK_RE = regex.compile(r"^\s*(?:[IVX]{1,5}\.|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\))\s*", FLAGS)
SENTENCE_END_RE = regex.compile(r"(?<=[.!?…])\s+(?=[\p{Lu}\d\"“(])|\n")
# Inside a sentence, clauses of a target list end at ";" or an ellipsis ("…", "...").
CLAUSE_SPLIT_RE = regex.compile(r";|…|\.\.\.")


@dataclass(frozen=True)
class YearMention:
    start: int
    end: int
    year: int
    trailing: bool  # dates the value before it ("chiếm 20% GRDP vào năm 2025")


@dataclass(frozen=True)
class Boundary:
    """A section boundary: a heading line or a pillar lead-in."""

    pos: int
    year: int | None  # a heading's own year governs its whole section
    pillar: str | None
    resets_pillar: bool
    cuts: bool = True  # a lead-in ends at its comma; a paragraph's topic phrase cuts nothing


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
    _para_starts: list[int] = field(default_factory=list)
    _sentences: dict[int, list[tuple[int, int]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._para_starts = [s for s, _ in self.paragraphs]

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
                spans.append((start, m.start()))
                start = m.end()
            spans.append((start, pe))
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

    def heading_before(self, pos: int) -> str | None:
        """The text of the last heading line before `pos`, if any."""
        before = [(s, e) for s, e in self.headings if e <= pos]
        return self.text[before[-1][0] : before[-1][1]] if before else None

    def is_heading(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.headings)

    def last_boundary(self, pos: int) -> Boundary | None:
        before = [b for b in self.boundaries if b.pos <= pos and b.cuts]
        return before[-1] if before else None

    def pillar_at(self, pos: int) -> str | None:
        pillar: str | None = None
        for b in self.boundaries:
            if b.pos > pos:
                break
            if b.pillar is not None:
                pillar = b.pillar
            elif b.resets_pillar:
                pillar = None
        return pillar

    def heading_year_at(self, pos: int) -> int | None:
        year: int | None = None
        for b in self.boundaries:
            if b.pos > pos:
                break
            if b.year is not None:
                year = b.year
        return year


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
    """Guide §3 (3): the title's `đến năm X`, a one-year plan's year, else the vision year.

    The opening searched for a plan's name or vision is the text before the first section
    heading (at most 1,500 characters): `Định hướng đến năm X` there heads its own section.
    """
    m = HORIZON_TITLE_RE.search(title)
    if m:
        return int(m["year"])
    m = ONE_YEAR_RE.search(title)
    if m:
        return int(m["year"])
    opening = text[: min(1500, first_heading if first_heading is not None else 1500)]
    m = PLAN_HORIZON_RE.search(opening)
    if m:
        return int(m["year"])
    m = ONE_YEAR_RE.search(opening[:600])
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


_LEADIN = (
    r"(?:^|(?<=[.;:]\s{0,3})|(?<=,\s{0,3}))\s*(?:[*•+\-–]\s*)?(?:[a-zđ]\)\s*|\d{1,2}[.)]\s*)?(?:cụ\s+thể,?\s*)?"
    r"(?P<prefix>(?:về|riêng|đối\s+với|trong)\s+(?:lĩnh\s+vực\s+)?(?:(?:phát\s+triển|xây\s+dựng)\s+)?"
    r"|(?:phát\s+triển|xây\s+dựng)\s+)?"
)
# A pillar named as the topic of a paragraph's opening ("việc phát triển chính quyền số ..."),
# not as the subject of its first value ("kinh tế số chiếm 20% GRDP").
_SUBJECT_OF_VALUE = r"\s+(?:sẽ\s+|phải\s+)?(?:chiếm|đạt|đóng\s+góp|là)(?!\w)"


def build_context(text: str, lex: Lexicon, value_starts: list[int]) -> DocContext:
    """Find paragraphs, headings, section boundaries, years and the horizon of `text`."""
    paragraphs: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        paragraphs.append((pos, pos + len(line)))
        pos += len(line) + 1
    headings: list[tuple[int, int]] = []
    boundaries: list[Boundary] = []
    leadin_re = regex.compile(_LEADIN + r"(?P<p>" + lex.pillar_any + r")(?P<rest>[^,:;.\n]{0,90}?)\s*(?P<end>[,:])", FLAGS)
    next_pillar_re = regex.compile(r"\s*(?:và\s+)?" + lex.pillar_any, FLAGS)
    topic_re = regex.compile(lex.pillar_any + r"(?!" + _SUBJECT_OF_VALUE + r")", FLAGS)
    years = find_years(text)
    for s, e in paragraphs:
        line = text[s:e]
        has_value = any(s <= v < e for v in value_starts)
        heading = _is_heading_line(line, has_value)
        if heading:
            headings.append((s, e))
            year = next((y.year for y in years if s <= y.start < e), None)
            pillar = _pillar_named(line, lex)
            boundaries.append(Boundary(s, year, pillar, resets_pillar=True))
            continue
        found = False
        for m in leadin_re.finditer(line):
            rest = m["rest"]
            # "kinh tế số chiếm 20% GRDP" names a subject, not a section
            if regex.search(r"\d|\b(?:chiếm|đạt|là)\b", rest, FLAGS):
                continue
            # "phát triển kinh tế số, xã hội số" lists pillars; it heads nothing
            if next_pillar_re.match(line, m.end()) or regex.match(r"\s*,?\s*(?:và\s+)?" + lex.pillar_any, rest, FLAGS):
                continue
            # without "Về ..."/"Phát triển ..." only a heading-like "Kinh tế số:" counts
            if not m["prefix"] and (m["end"] != ":" or line[: m.start("p")].rstrip().endswith(",")):
                continue
            pillar = _pillar_named(m["p"], lex)
            boundaries.append(Boundary(s + m.start("p"), None, pillar, resets_pillar=True))
            found = True
        first_value = min((v for v in value_starts if s <= v < e), default=None)
        if not found and first_value is not None:
            topics = {_pillar_named(t.group(0), lex) for t in topic_re.finditer(text, s, first_value)}
            if len(topics) == 1:
                boundaries.append(Boundary(s, None, topics.pop(), resets_pillar=True, cuts=False))
    title = pick_title(text)
    return DocContext(
        text=text,
        paragraphs=paragraphs,
        headings=headings,
        boundaries=sorted(boundaries, key=lambda b: b.pos),
        years=years,
        horizon=document_horizon(text, title, headings[0][0] if headings else None),
        title=title,
    )


def _pillar_named(text: str, lex: Lexicon) -> str | None:
    for pattern, pillar in lex.pillar_words:
        if pattern.search(text):
            return pillar
    return None


def pillar_in_clause(clause: str, lex: Lexicon) -> str | None:
    """Guide §3: a clause that names its pillar (`kinh tế số chiếm 20% GRDP`)."""
    return _pillar_named(clause, lex)


def resolve_year(
    ctx: DocContext, v_start: int, v_end: int, next_value: int | None, carry: bool = True
) -> tuple[int | None, str]:
    """Deadline year of the value at [v_start, v_end) and which rule of guide §3 gave it."""
    cs, ce = ctx.clause_of(v_start)
    ss, _ = ctx.sentence_of(v_start)
    ps, _ = ctx.paragraph_of(v_start)
    limit = min(ce, next_value) if next_value is not None and next_value > v_end else ce
    # (1) the clause's own year: trailing after the value, or earlier in the clause
    for y in ctx.years:
        if v_end <= y.start < limit and y.trailing:
            return y.year, "clause"
    boundary = ctx.last_boundary(v_start)
    section_start = 0
    if boundary is not None:
        section_start = min(boundary.pos, ctx.sentence_of(boundary.pos)[0])
    before = [y for y in ctx.years if y.end <= v_start and y.start >= section_start]
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
    heading_year = ctx.heading_year_at(v_start)
    carried = [y for y in before if not ctx.is_heading(y.start)]
    if carry and carried and (heading_year is None or carried[-1].start > _heading_year_pos(ctx, v_start)):
        return carried[-1].year, "carried"
    if heading_year is not None:
        return heading_year, "heading"
    # (3) the document's horizon
    return ctx.horizon, "horizon"


def _heading_year_pos(ctx: DocContext, pos: int) -> int:
    last = 0
    for b in ctx.boundaries:
        if b.pos > pos:
            break
        if b.year is not None:
            last = b.pos
    return last
