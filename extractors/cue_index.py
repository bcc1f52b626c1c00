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
How far an attempt can read is bounded per pattern and text (`_reach`: the pattern's widest
match, each unbounded repeat of one character class counted as the longest run of that class
in the text). Starts at least that far before the window's end give the whole-text match; the
last stretch is searched directly. A pattern whose reach cannot be bounded is always searched
directly.
"""

from __future__ import annotations

import re._constants as sre  # the standard parser reads the patterns' structure (their reach)
import re._parser as sre_parse
from bisect import bisect_left
from collections.abc import Iterator
from typing import Any

import regex

from extractors.lexicon import FLAGS, Lexicon

# `CueIndex.cue` searches windows up to this long directly, all entries of a kind at once.
DIRECT_WINDOW = 4_000
# A pattern's matches over the whole text are found once its direct searches have read this
# many times the text's length (most documents never get there).
BUILD_AFTER = 1.0

_CATEGORY = {
    sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W",
}
_ONE_CHAR = (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_ANY_CHAR = r"(?s:.)"


def _char_class(op: Any, av: Any) -> str:
    """A `regex` pattern for one character of the parsed item (op, av): its class, or any character."""
    if op == sre.LITERAL:
        return regex.escape(chr(av))
    if op == sre.NOT_LITERAL:
        return "[^" + regex.escape(chr(av)) + "]"
    if op == sre.IN:
        parts: list[str] = []
        for sub_op, sub_av in av:
            if sub_op == sre.NEGATE:
                parts.insert(0, "^")
            elif sub_op == sre.LITERAL:
                parts.append(regex.escape(chr(sub_av)))
            elif sub_op == sre.RANGE:
                parts.append(regex.escape(chr(sub_av[0])) + "-" + regex.escape(chr(sub_av[1])))
            elif sub_op == sre.CATEGORY and sub_av in _CATEGORY:
                parts.append(_CATEGORY[sub_av])
            else:
                return _ANY_CHAR  # a set this reader does not know: as wide as it can be
        return "[" + "".join(parts) + "]"
    return _ANY_CHAR  # `.`, whatever the flags


class _Runs:
    """The longest run of each character class in one text (found once per class)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._longest: dict[str, int] = {}

    def longest(self, char_class: str) -> int:
        if char_class not in self._longest:
            if char_class == _ANY_CHAR:
                self._longest[char_class] = len(self.text)
            else:
                runs = regex.findall(char_class + "+", self.text, FLAGS)
                self._longest[char_class] = max(map(len, runs), default=0)
        return self._longest[char_class]


def _reach(items: Any, runs: _Runs) -> int | None:
    """How many characters from its start a match attempt of the parsed pattern can read (None: unbounded)."""
    total = 0
    for op, av in items:
        if op in _ONE_CHAR:
            total += 1
        elif op == sre.AT:
            total += 1  # `\b`, `$` read the character at the position
        elif op in _REPEATS:
            _, hi, sub = av
            if hi == sre.MAXREPEAT:
                if len(sub) != 1 or sub[0][0] not in _ONE_CHAR:
                    return None
                total += runs.longest(_char_class(*sub[0])) + 1  # the run, then the character that ends it
            else:
                width = _reach(sub, runs)
                if width is None:
                    return None
                total += hi * width
        elif op == sre.SUBPATTERN:
            width = _reach(av[3], runs)
            if width is None:
                return None
            total += width
        elif op == sre.ATOMIC_GROUP:
            width = _reach(av, runs)
            if width is None:
                return None
            total += width
        elif op == sre.BRANCH:
            widths = [_reach(branch, runs) for branch in av[1]]
            if any(w is None for w in widths):
                return None
            total += max(w for w in widths if w is not None)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            width = _reach(av[1], runs)  # a look-ahead reads on; counted for look-behinds too (harmless)
            if width is None:
                return None
            total += width
        else:
            return None  # back-references and anything else: not bounded here
    return total


class _Matches:
    """One pattern's matches at every start offset of the text (overlapping), and its reach.

    The matches are found only once direct searches of this pattern have read more than
    `BUILD_AFTER` times the text: finding them costs about one search of the whole text, so a
    document whose windows are short never pays for it, and a long one pays at most twice.
    """

    def __init__(self, pattern: regex.Pattern[str], text: str, runs: _Runs) -> None:
        self.pattern = pattern
        self.reach: int | None = None
        try:
            parsed = sre_parse.parse(pattern.pattern, sre.SRE_FLAG_IGNORECASE)
        except (sre.error, OverflowError, RecursionError):
            parsed = None
        if parsed is not None and parsed.getwidth()[0] > 0:  # empty matches: searched directly
            reach = _reach(parsed, runs)
            self.reach = None if reach is None else reach + 2
        self._text = text
        self._read = 0  # characters read by direct searches so far
        self._found: tuple[list[int], list[regex.Match[str]]] | None = None

    def indexed(self, pos: int, end: int) -> bool:
        """Whether to answer the window [pos, end) from the matches (found now if it is time)."""
        if self.reach is None or end - pos <= 2 * self.reach:
            return False
        if self._found is None:
            self._read += end - pos
            if self._read <= BUILD_AFTER * len(self._text):
                return False
            matches = list(self.pattern.finditer(self._text, overlapped=True))
            self._found = ([m.start() for m in matches], matches)
        return True

    def search(self, pos: int, end: int) -> regex.Match[str] | None:
        """Exactly `pattern.search(text, pos, end)`."""
        if not self.indexed(pos, end) or self._found is None or self.reach is None:
            return self.pattern.search(self._text, pos, end)
        starts, matches = self._found
        reach = self.reach
        i = bisect_left(starts, pos)
        if i < len(starts) and starts[i] + reach <= end:
            return matches[i]  # an attempt this far from the end reads nothing past it
        # no match starts in [pos, end - reach]: the answer, if any, starts in the last stretch
        return self.pattern.search(self._text, end - reach + 1, end)


class PatternIndex:
    """Searches of one text by patterns named by a key, answered as `Pattern.search` / `finditer` answer them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._runs = _Runs(text)
        self._matches: dict[str, _Matches] = {}

    def _of(self, key: str, pattern: regex.Pattern[str]) -> _Matches:
        found = self._matches.get(key)
        if found is None:
            found = self._matches[key] = _Matches(pattern, self.text, self._runs)
        return found

    def search(self, key: str, pattern: regex.Pattern[str], pos: int, end: int) -> regex.Match[str] | None:
        """Exactly `pattern.search(text, pos, end)`; `key` names the pattern (a lexicon entry id)."""
        return self._of(key, pattern).search(pos, end)

    def finditer(self, key: str, pattern: regex.Pattern[str], pos: int, end: int) -> Iterator[regex.Match[str]]:
        """The matches of `pattern.finditer(text, pos, end)` (non-overlapping, from `pos`)."""
        found = self._of(key, pattern)
        if found.reach is None:  # never indexed (and perhaps matching empty): finditer itself
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

    def __init__(self, text: str, lex: Lexicon) -> None:
        super().__init__(text)
        self.lex = lex
        self._marks: dict[str, list[tuple[int, int, str, str]]] = {}

    def cue(self, kind: str, pos: int = 0, endpos: int | None = None) -> tuple[str, regex.Match[str]] | None:
        """Exactly `lex.cue(kind, text, pos, endpos)`: the first entry of `kind` (file order) occurring in the window."""
        end = len(self.text) if endpos is None else endpos
        if end - pos <= DIRECT_WINDOW:
            return self.lex.cue(kind, self.text, pos, end)
        for entry_id, pattern in self.lex.cue_entries.get(kind, ()):
            m = self.search(entry_id, pattern, pos, end)
            if m is not None:
                return entry_id, m
        return None

    def marks(self, kind: str) -> list[tuple[int, int, str, str]]:
        """Every cue of `kind` in the text, as (start, end, entry id, words), sorted by start.

        Each entry's matches as `finditer` over the whole text gives them (non-overlapping); where
        two entries match at one offset, the first in file order is kept.
        """
        if kind not in self._marks:
            marks: dict[int, tuple[int, int, str, str]] = {}
            for entry, pattern in self.lex.cue_entries.get(kind, ()):
                for m in pattern.finditer(self.text):
                    marks.setdefault(m.start(), (m.start(), m.end(), entry, m.group(0).strip()))
            self._marks[kind] = sorted(marks.values())
        return self._marks[kind]
