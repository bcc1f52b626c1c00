"""The shape of a document: paragraphs, sentences, clauses, heading lines, parentheses, boundaries.

Every later stage asks "which sentence, clause or section holds this offset?"; the
patterns and helpers that answer it live here, apart from the years (`years.py`) and
the pillar words (`pillars.py`). `context.py` assembles them into one `DocContext`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import regex

from extractors.lexicon import FLAGS, Lexicon, template
from extractors.pillars import WordPlaces, goal_lists, leadins, topics
from extractors.search_at import word_starts

if TYPE_CHECKING:
    from extractors.context import DocContext


# A line that opens a section: numbered/lettered/bulleted heading or a short line with a colon.
HEADING_MARK_RE = regex.compile(r"^\s*(?:[IVX]{1,5}\.|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\))\s*", FLAGS)
# Between the sentences of a line: the spaces after a stop, before a capital, a digit or a quote.
# Matched from the stop (not with a look-behind for it, which the engine tries at every character).
_STOP_SPACES = regex.compile(r"[.!?…]\s+(?=[\p{Lu}\d\"“(])")
# Inside a sentence, clauses of a target list end at ";" or an ellipsis ("…", "...").
CLAUSE_SPLIT_RE = regex.compile(r";|…|\.\.\.")
_PAREN = regex.compile(r"[()]")


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


def sentence_breaks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The spans of spaces that end the sentences of the line text[start:end] (a paragraph: no `\\n`)."""
    return ((m.start() + 1, m.end()) for m in _STOP_SPACES.finditer(text, start, end))


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


_SECTION_WORDS = regex.compile(template(r"^{SECTION_WORD}"), FLAGS)


def is_heading_line(line: str, has_value: bool) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > 160:
        return False
    if _SECTION_WORDS.match(stripped) and len(stripped) <= 80 and not has_value and not stripped.endswith("."):
        return True
    if stripped.endswith(":") and not has_value:
        return True
    return bool(HEADING_MARK_RE.match(stripped) and not has_value and len(stripped) < 120 and not stripped.endswith("."))



def pick_title(text: str) -> str:
    """The first line that reads like a title (five words or more)."""
    for line in text.split("\n")[:8]:
        if len(line.split()) >= 5:
            return line
    return text.split("\n", 1)[0]


def open_paren(text: str, start: int, pos: int) -> int | None:
    """Offset of the parenthesis still open at `pos` (searching from `start`), if any."""
    depth_open: list[int] = []
    for m in _PAREN.finditer(text[start:pos]):
        if m.group(0) == "(":
            depth_open.append(start + m.start())
        elif depth_open:
            depth_open.pop()
    return depth_open[-1] if depth_open else None


def _parens(text: str) -> list[tuple[int, str]]:
    """Every `(` and `)` of `text` with its offset, in order: found with `str.find` (`word_starts`),
    which reads a text many times faster than a regex scan (`_PAREN.finditer`) tries each character."""
    return [(i, text[i]) for i in word_starts(text, "()")]


def open_parens_at(ctx: DocContext, positions: list[int]) -> list[int | None]:
    """`open_paren(text, paragraph start, pos)` for each of the sorted `positions`, in one pass over the text."""
    out: list[int | None] = []
    if not positions:
        return out
    parens = _parens(ctx.text)
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


def pillar_boundaries(
    text: str, lex: Lexicon, paragraphs: list[tuple[int, int]], values: list[int], headings: set[int],
    folded: str | None = None,
) -> list[Boundary]:
    """Lead-ins, target-set phrases, new sections and paragraph topics (extractors/pillars.py).

    `folded` is `casefolded(text)` when the caller has it.
    """
    values = sorted(values)
    places = WordPlaces(text, lex, folded)  # where pillar words can be, found once for both passes
    marks = goal_lists(leadins(text, lex, paragraphs, values, headings, places), text, values, paragraphs)
    starts = [ps for ps, _ in paragraphs]
    governed = {starts[bisect_right(starts, m.pos) - 1] for m in marks if m.kind != "reset"}
    marks += topics(text, lex, paragraphs, values, governed | headings, places)
    out = []
    for m in marks:
        if m.kind == "topic":
            out.append(Boundary(m.pos, None, m.pillar, resets_pillar=False, cuts=False, until=m.until))
        else:
            out.append(Boundary(m.pos, None, m.pillar, resets_pillar=True, cuts=m.cuts))
    return out
