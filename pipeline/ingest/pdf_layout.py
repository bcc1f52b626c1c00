"""From positioned words to paragraphs: the layout rules of Vietnamese official PDFs.

pdfplumber gives words with boxes; a plan needs paragraphs.  These rules are kept apart
from PDF parsing so they can be tested on plain data:

* words on one baseline form a line; a line with a wide gap is two segments;
* the two-column header of an official document (issuing body and `Số: .../KH-UBND`
  on the left, national motto and `<Place>, ngày ... tháng ... năm ...` on the right)
  is read column by column, so each of those stays a line of its own;
* running headers and footers (the same text in the page margin on several pages, page
  numbers) are dropped;
* a line that runs to the right margin continues on the next line (also across a page
  break), unless the next line starts an item or a new indented paragraph.  Vietnamese
  syllables are never hyphenated, so wrapped lines are joined with a space.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import regex


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class Line:
    """Words on one baseline, or a finished line of text (a table row) with `fixed`."""

    words: list[Word]
    page: int
    fixed: str | None = None  # text that is never joined with its neighbours
    top_: float | None = None

    @property
    def text(self) -> str:
        return self.fixed if self.fixed is not None else " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words) if self.words else 0.0

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words) if self.words else 0.0

    @property
    def top(self) -> float:
        if self.top_ is not None:
            return self.top_
        return min(w.top for w in self.words) if self.words else 0.0

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words) if self.words else self.top

    @property
    def height(self) -> float:
        return statistics.median(w.bottom - w.top for w in self.words) if self.words else 0.0


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)


# Margin zones where running headers, footers and page numbers live (share of page height).
MARGIN_ZONE = 0.12
# The official two-column header sits in the top part of the first page.
HEADER_ZONE = 0.4
# A gap wider than this many line heights splits a line into two segments (columns).
COLUMN_GAP = 2.5
PAGE_NUMBER = regex.compile(
    r"^(?:trang|page)?\s*[-–—]?\s*\d{1,4}\s*(?:(?:/|trên|of)\s*\d{1,4})?\s*[-–—]?$", regex.IGNORECASE
)
# A line that opens a list item or a numbered heading: never a continuation.
ITEM_START = regex.compile(r"^(?:[-–—•*+●○▪]\s|\(?\d{1,2}(?:\.\d{1,2})*[.)]\s|\(?[a-zđ]\)\s|[IVX]{1,5}\.\s)")


def group_lines(words: Iterable[Word], page: int) -> list[Line]:
    """Words into lines: same vertical band, left to right."""
    lines: list[Line] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines:
            last = lines[-1]
            overlap = min(last.bottom, w.bottom) - max(last.top, w.top)
            if overlap > 0.5 * min(w.bottom - w.top, last.bottom - last.top):
                last.words.append(w)
                continue
        lines.append(Line([w], page))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def split_segments(line: Line) -> list[Line]:
    """A line with a gap wider than COLUMN_GAP line heights, as its separate segments."""
    if line.fixed is not None or len(line.words) < 2:
        return [line]
    limit = COLUMN_GAP * max(line.height, 1.0)
    segments: list[Line] = [Line([line.words[0]], line.page)]
    for prev, w in zip(line.words, line.words[1:], strict=False):
        if w.x0 - prev.x1 > limit:
            segments.append(Line([w], line.page))
        else:
            segments[-1].words.append(w)
    return segments


def reorder_header_columns(page: Page) -> list[Line]:
    """Read the two-column header at the top of a page left column first, then right.

    The header ends at the first single line that spans the middle of the page (the
    document title, or the body).  Without segments on both sides nothing changes.
    """
    mid = page.width / 2
    zone_end = 0
    for i, line in enumerate(page.lines):
        if line.fixed is not None or line.top > HEADER_ZONE * page.height:
            break
        segments = split_segments(line)
        if len(segments) == 1 and line.x0 < mid < line.x1:
            break
        zone_end = i + 1
    if zone_end == 0:
        return page.lines
    left: list[Line] = []
    right: list[Line] = []
    for line in page.lines[:zone_end]:
        for seg in split_segments(line):
            (left if (seg.x0 + seg.x1) / 2 < mid else right).append(seg)
    if not left or not right:
        return page.lines
    return left + right + page.lines[zone_end:]


def _margin_key(line: Line) -> str:
    return regex.sub(r"\d+", "#", " ".join(line.text.split())).casefold()


def _in_margin(line: Line, page: Page) -> bool:
    return line.top < MARGIN_ZONE * page.height or line.bottom > (1 - MARGIN_ZONE) * page.height


def _set_apart(line: Line, page: Page, body_height: float) -> bool:
    """Smaller print than the body, with a clear gap to every other line: a running line."""
    if line.height >= 0.85 * body_height:
        return False
    others = [o for o in page.lines if o is not line]
    return all(o.top - line.bottom > 1.2 * body_height or line.top - o.bottom > 1.2 * body_height for o in others)


def drop_running_lines(pages: Sequence[Page]) -> list[Page]:
    """Pages without their running headers and footers and page numbers.

    A line in the top or bottom margin goes when it is a page number, when the same
    text (digits aside) is in the margin of another page, or when it is set apart in
    smaller print (a running header that a two-page document shows only once).
    """
    seen: Counter[str] = Counter()
    for page in pages:
        keys = {_margin_key(line) for line in page.lines if line.fixed is None and _in_margin(line, page)}
        seen.update(keys)
    heights = [ln.height for p in pages for ln in p.lines if ln.fixed is None and ln.words]
    body_height = statistics.median(heights) if heights else 0.0
    out = []
    for page in pages:
        kept = []
        for line in page.lines:
            running = line.fixed is None and _in_margin(line, page) and (
                PAGE_NUMBER.match(line.text.strip()) is not None
                or (len(pages) > 1 and seen[_margin_key(line)] >= 2)
                or _set_apart(line, page, body_height)
            )
            if not running:
                kept.append(line)
        out.append(Page(page.number, page.width, page.height, kept))
    return out


@dataclass(frozen=True)
class Margins:
    left: float
    right: float
    indent: float  # more than this right of `left` is a first-line indent
    gap: float  # usual space between two lines of a paragraph


def measure(pages: Sequence[Page]) -> Margins:
    """The body's left and right edge and line spacing, from the commonest values."""
    body = [ln for p in pages for ln in p.lines if ln.fixed is None and ln.words]
    if not body:
        return Margins(0.0, 0.0, 0.0, 0.0)
    left = Counter(round(ln.x0) for ln in body).most_common(1)[0][0]
    right = max(ln.x1 for ln in body)
    height = statistics.median(ln.height for ln in body)
    gaps = [
        b.top - a.bottom
        for p in pages
        for a, b in zip(p.lines, p.lines[1:], strict=False)
        if a.fixed is None and b.fixed is None and a.words and b.words and 0 <= b.top - a.bottom < 2 * height
    ]
    gap = statistics.median(gaps) if gaps else 0.3 * height
    return Margins(float(left), right, 1.2 * height, gap)


def _centred(line: Line, m: Margins) -> bool:
    """A line centred between the margins (a title that wraps stays one title)."""
    return abs((line.x0 - m.left) - (m.right - line.x1)) < max(6.0, line.height)


def continues(cur: Line, nxt: Line, m: Margins, same_page: bool) -> bool:
    """True when `nxt` carries on the sentence that `cur` wrapped."""
    if cur.fixed is not None or nxt.fixed is not None or not cur.words or not nxt.words:
        return False
    if ITEM_START.match(nxt.text):
        return False
    if nxt.x0 > m.left + m.indent and not (_centred(cur, m) and _centred(nxt, m)):
        return False
    if abs(cur.height - nxt.height) > 1.5:
        return False
    if same_page and nxt.top - cur.bottom > m.gap + 0.5 * cur.height:
        return False
    first = nxt.words[0]
    space = 0.3 * cur.height
    return cur.x1 + space + (first.x1 - first.x0) > m.right - 2.0


def paragraphs(pages: Sequence[Page]) -> list[str]:
    """The pages' lines joined into paragraphs, in reading order.

    Margins are measured per page (an appendix may be landscape), falling back to the
    whole document's on pages with little running text.
    """
    whole = measure(pages)
    out: list[str] = []
    prev: Line | None = None
    for page in pages:
        own = [ln for ln in page.lines if ln.fixed is None and ln.words]
        m = measure([page]) if len(own) >= 5 else whole
        for line in page.lines:
            text = " ".join(line.text.split())
            if not text:
                continue
            if prev is not None and out and continues(prev, line, m, same_page=prev.page == line.page):
                out[-1] += " " + text
            else:
                out.append(text)
            prev = line
    return out
