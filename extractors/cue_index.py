"""Cue searches over long windows of one text, answered from matches found once per text.

The `reported` filter asks, for every value, which cue of a kind occurs between the start of
the value's paragraph and its sentence, or between a report and the value. In a text without
punctuation or line breaks the paragraph is the whole text, so searching each window again
costs the square of the text's length (issue 12 item 10). `CueIndex` answers the same
questions with the same matches, from each pattern's matches found once over the whole text.

Why the answers are the same (tests/test_cue_index.py compares them on many windows):
`regex` tries a match at a start offset the same way whatever `pos` the search began at
(look-behinds and `\\b` see the text before `pos`, `^` holds only at the text's real start);
only the end of the window changes a match, and only for a match attempt that reads up to it.
How far an attempt can read is bounded per pattern and text (`pattern_shape.reach_formula`: the pattern's
widest match, each unbounded repeat of one character class counted as the longest run of that
class in the text). Starts at least that far before the window's end give the whole-text match;
the last stretch is searched directly. A pattern whose reach cannot be bounded is always
searched directly.

A direct search is cheaper too where every match of the pattern opens with a word (`đã`,
`hiện`, `theo đánh giá`: `pattern_shape.openings`): each opening word is found once per text
with `str.find` in the text case-folded, and the pattern is tried only where one occurs; a
kind of cue none of whose openings occurs in a window is not in it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator
from functools import cached_property

import regex

from extractors.lexicon import FLAGS, Lexicon
from extractors.pattern_shape import ANY_CHAR, casefolded, measure, openings, reach_formula
from extractors.search_at import word_starts

# `CueIndex.cue` searches windows up to this long directly, all entries of a kind at once.
DIRECT_WINDOW = 4_000
# A pattern's matches over the whole text are found once its direct searches have read this
# many times the text's length (most documents never get there).
BUILD_AFTER = 1.0

class _Runs:
    """The longest run of each character class in one text (found once per class)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._longest: dict[str, int] = {}

    def longest(self, char_class: str) -> int:
        if char_class not in self._longest:
            if char_class == ANY_CHAR:
                self._longest[char_class] = len(self.text)
            else:
                runs = regex.findall(char_class + "+", self.text, FLAGS)
                self._longest[char_class] = max(map(len, runs), default=0)
        return self._longest[char_class]


class _Matches:
    """One pattern's searches of one text: where its matches can start, its matches at every
    start offset (overlapping), and its reach.

    Where the pattern has opening words, a search tries the pattern only where one of them
    occurs (`starts`, found once per text). The matches are found only once direct searches of
    this pattern have read more than `BUILD_AFTER` times the text: finding them costs about one
    search of the whole text, so a document whose windows are short never pays for it, and a
    long one pays at most twice.
    """

    def __init__(self, pattern: regex.Pattern[str], index: PatternIndex) -> None:
        self.pattern = pattern
        self._index = index
        self._text = index.text
        self._read = 0  # characters read by direct searches so far
        self._found: tuple[list[int], list[regex.Match[str]]] | None = None
        # the offsets where a match can start, sorted (None: anywhere): every search reads them
        self.starts = self._opening_starts()

    @cached_property
    def reach(self) -> int | None:
        """How far a match attempt can read (None: unbounded), measured on first need: most
        documents' windows are read where a match can start, and never need it."""
        formula = reach_formula(self.pattern.pattern)
        return None if formula is None else measure(formula, self._index.runs.longest)

    def _opening_starts(self) -> list[int] | None:
        """Where an opening word of the pattern occurs in the text, sorted (None: not known)."""
        opened = openings(self.pattern.pattern, self.pattern.flags)
        folded = self._index.casefolded
        if opened is None or folded is None:
            return None
        found = word_starts(folded, opened.words)
        return sorted({0, *found}) if opened.text_start else found

    def _direct(self, pos: int, end: int) -> regex.Match[str] | None:
        """`pattern.search(text, pos, end)`, tried only where a match can start when that is known."""
        starts = self.starts
        if starts is None:
            return self.pattern.search(self._text, pos, end)
        for i in range(bisect_left(starts, pos), len(starts)):
            if starts[i] >= end:
                return None
            m = self.pattern.match(self._text, starts[i], end)
            if m is not None:
                return m
        return None

    def every_match(self) -> Iterator[regex.Match[str]]:
        """The matches of `pattern.finditer(text)` over the whole text."""
        starts = self.starts
        if starts is None:
            yield from self.pattern.finditer(self._text)
            return
        end = 0  # a pattern with openings never matches empty
        for start in starts:
            if start >= end:
                m = self.pattern.match(self._text, start)
                if m is not None:
                    yield m
                    end = m.end()

    def indexed(self, pos: int, end: int) -> bool:
        """Whether to answer the window [pos, end) from the matches (found now if it is time).

        Until direct searches have read the text's length, nothing else is measured: the reach
        needs the text's longest runs, which cost more than most documents' searches.
        """
        if self._found is None:
            self._read += end - pos
            if self._read <= BUILD_AFTER * len(self._text):
                return False
        reach = self.reach
        if reach is None or end - pos <= 2 * reach:
            return False
        if self._found is None:
            starts = self.starts
            if starts is None:
                matches = list(self.pattern.finditer(self._text, overlapped=True))
            else:
                matches = [m for m in (self.pattern.match(self._text, s) for s in starts) if m is not None]
            self._found = ([m.start() for m in matches], matches)
        return True

    def search(self, pos: int, end: int) -> regex.Match[str] | None:
        """Exactly `pattern.search(text, pos, end)`."""
        if not self.indexed(pos, end) or self._found is None or self.reach is None:
            return self._direct(pos, end)
        starts, matches = self._found
        reach = self.reach
        i = bisect_left(starts, pos)
        if i < len(starts) and starts[i] + reach <= end:
            return matches[i]  # an attempt this far from the end reads nothing past it
        # no match starts in [pos, end - reach]: the answer, if any, starts in the last stretch
        return self._direct(end - reach + 1, end)


class PatternIndex:
    """Searches of one text by patterns named by a key, answered as `Pattern.search` / `finditer` answer them."""

    def __init__(self, text: str, folded: str | None = None) -> None:
        """`folded` is `casefolded(text)` when the caller has it (a document is case-folded once)."""
        self.text = text
        self.runs = _Runs(text)
        self._matches: dict[str, _Matches] = {}
        self._starts: dict[str, list[int] | None] = {}
        # the text case-folded, where that keeps every offset (None: no opening words are looked up)
        self.casefolded = folded if folded is not None else casefolded(text)

    def _of(self, key: str, pattern: regex.Pattern[str]) -> _Matches:
        found = self._matches.get(key)
        if found is None:
            found = self._matches[key] = _Matches(pattern, self)
        return found

    def starts(self, key: str, find: Callable[[str], list[int] | None]) -> list[int] | None:
        """Where the matches of the pattern named `key` can start, sorted, found once per text by
        `find` (given the text; None: not known): `document.province_starts`, for one."""
        if key not in self._starts:
            self._starts[key] = find(self.text)
        return self._starts[key]

    def search(self, key: str, pattern: regex.Pattern[str], pos: int, end: int) -> regex.Match[str] | None:
        """Exactly `pattern.search(text, pos, end)`; `key` names the pattern (a lexicon entry id)."""
        return self._of(key, pattern).search(pos, end)

    def finditer(self, key: str, pattern: regex.Pattern[str], pos: int, end: int) -> Iterator[regex.Match[str]]:
        """The matches of `pattern.finditer(text, pos, end)` (non-overlapping, from `pos`)."""
        found = self._of(key, pattern)
        if reach_formula(pattern.pattern) is None:  # never indexed (and perhaps matching empty): finditer itself
            yield from pattern.finditer(self.text, pos, end)
            return
        while True:
            m = found.search(pos, end)
            if m is None:
                return
            yield m
            pos = m.end()  # an indexed pattern never matches empty


class CueIndex(PatternIndex):
    """The cue questions of one text: `cue` as `Lexicon.cue` answers it, and every cue of a kind."""

    def __init__(self, text: str, lex: Lexicon, folded: str | None = None) -> None:
        super().__init__(text, folded)
        self.lex = lex
        self._marks: dict[str, list[tuple[int, int, str, str]]] = {}
        self._kinds: dict[str, list[int] | None] = {}
        self._lines: dict[tuple[str, str], tuple[str, regex.Match[str]] | None] = {}

    def window_cue(self, kind: str, start: int, end: int) -> tuple[str, regex.Match[str]] | None:
        """Exactly `lex.cue(kind, text[start:end])`: the window read as a string of its own.

        Its case-folding is a slice of the text's, folded once: `str.casefold` maps each
        character on its own, so where the text's folding keeps its length, the slice of the
        folded text is the folded slice (tests/test_cue_index.py checks both on many windows).
        """
        folded = None if self.casefolded is None else self.casefolded[start:end]
        return self.lex.cue(kind, self.text[start:end], folded=folded)

    def cue_of_line(self, kind: str, line: str) -> tuple[str, regex.Match[str]] | None:
        """`lex.cue(kind, line)` for a line of this text, answered once per line: every value
        of a section asks about its heading."""
        key = (kind, line)
        if key not in self._lines:
            self._lines[key] = self.lex.cue(kind, line)
        return self._lines[key]

    def cue(self, kind: str, pos: int = 0, endpos: int | None = None) -> tuple[str, regex.Match[str]] | None:
        """Exactly `lex.cue(kind, text, pos, endpos)`: the first entry of `kind` (file order) occurring in the window."""
        end = len(self.text) if endpos is None else endpos
        starts = self._kind_starts(kind)
        if starts is None and end - pos <= DIRECT_WINDOW:
            return self.lex.cue(kind, self.text, pos, end)
        if starts is not None:
            i = bisect_left(starts, pos)
            if i == len(starts) or starts[i] >= end:
                return None  # most windows: no cue of the kind can start in them
        for entry_id, pattern in self.lex.cue_entries.get(kind, ()):
            m = self.search(entry_id, pattern, pos, end)
            if m is not None:
                return entry_id, m
        return None

    def _kind_starts(self, kind: str) -> list[int] | None:
        """Where a cue of `kind` can start, sorted (None: anywhere, when an entry has no opening words)."""
        if kind not in self._kinds:
            each = [self._of(entry, pattern).starts for entry, pattern in self.lex.cue_entries.get(kind, ())]
            self._kinds[kind] = None if any(s is None for s in each) else sorted({p for s in each if s for p in s})
        return self._kinds[kind]

    def marks(self, kind: str) -> list[tuple[int, int, str, str]]:
        """Every cue of `kind` in the text, as (start, end, entry id, words), sorted by start.

        Each entry's matches as `finditer` over the whole text gives them (non-overlapping); where
        two entries match at one offset, the first in file order is kept.
        """
        if kind not in self._marks:
            marks: dict[int, tuple[int, int, str, str]] = {}
            for entry, pattern in self.lex.cue_entries.get(kind, ()):
                for m in self._of(entry, pattern).every_match():
                    marks.setdefault(m.start(), (m.start(), m.end(), entry, m.group(0).strip()))
            self._marks[kind] = sorted(marks.values())
        return self._marks[kind]
