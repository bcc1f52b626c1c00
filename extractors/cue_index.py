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
How far an attempt can read is bounded per pattern and text (`_pattern_reach`: the pattern's
widest match, each unbounded repeat of one character class counted as the longest run of that
class in the text). Starts at least that far before the window's end give the whole-text match;
the last stretch is searched directly. A pattern whose reach cannot be bounded is always
searched directly.

A direct search is cheaper too where every match of the pattern opens with a word (`đã`,
`hiện`, `theo đánh giá`: `_pattern_openings`): `regex` scans a pattern that opens with an
alternation at every offset, slowly, while `str.find` locates each opening word in the text
case-folded once. The pattern is tried only where one occurs; a kind of cue none of whose
openings occurs in a window is not in it. What a pattern opens with and how far it reaches
depend only on the pattern, and are read from its parse once per process.
"""

from __future__ import annotations

import re._constants as sre  # the standard parser reads the patterns' structure (their reach)
import re._parser as sre_parse
from bisect import bisect_left
from collections.abc import Iterator
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

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


# How far a match attempt of a pattern can read, as a formula over one text's longest runs:
# a fixed count; `_Run` (the longest run of one character class, then the character ending it);
# `_Sum` (its parts, `times` over); `_Widest` (the widest of alternatives).
class _Run(NamedTuple):
    char_class: str


class _Sum(NamedTuple):
    parts: tuple[_Reach, ...]
    times: int = 1


class _Widest(NamedTuple):
    branches: tuple[_Reach, ...]


_Reach = int | _Run | _Sum | _Widest


def _sum(parts: list[_Reach], times: int = 1) -> _Reach:
    """A `_Sum`, its fixed parts added up now (most patterns' reach is one number)."""
    fixed = sum(p for p in parts if isinstance(p, int))
    rest = tuple(p for p in parts if not isinstance(p, int))
    if not rest:
        return times * fixed
    return _Sum((*rest, fixed) if fixed else rest, times)


def _formula(items: Any) -> _Reach | None:
    """The reach of a parsed pattern as a formula (None: unbounded); it depends on the pattern only."""
    parts: list[_Reach] = []
    for op, av in items:
        if op in _ONE_CHAR:
            parts.append(1)
        elif op == sre.AT:
            parts.append(1)  # `\b`, `$` read the character at the position
        elif op in _REPEATS:
            _, hi, sub = av
            if hi == sre.MAXREPEAT:
                if len(sub) != 1 or sub[0][0] not in _ONE_CHAR:
                    return None
                parts.append(_Run(_char_class(*sub[0])))  # the run, then the character that ends it
            else:
                width = _formula(sub)
                if width is None:
                    return None
                parts.append(_sum([width], hi))
        elif op == sre.SUBPATTERN:
            width = _formula(av[3])
            if width is None:
                return None
            parts.append(width)
        elif op == sre.ATOMIC_GROUP:
            width = _formula(av)
            if width is None:
                return None
            parts.append(width)
        elif op == sre.BRANCH:
            widths = [_formula(branch) for branch in av[1]]
            if any(w is None for w in widths):
                return None
            branches = tuple(w for w in widths if w is not None)
            fixed = all(isinstance(w, int) for w in branches)
            parts.append(max(w for w in branches if isinstance(w, int)) if fixed else _Widest(branches))
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            width = _formula(av[1])  # a look-ahead reads on; counted for look-behinds too (harmless)
            if width is None:
                return None
            parts.append(width)
        else:
            return None  # back-references and anything else: not bounded here
    return _sum(parts)


@lru_cache(maxsize=4096)
def _pattern_reach(pattern: str) -> _Reach | None:
    """The reach formula of a pattern (None: searched directly), parsed once per pattern, not per text.

    Parsing a cue or the province-name pattern costs more than searching a short document, and
    the lexicon's patterns are the same for every document; the longest runs it is measured by
    are the text's (`_measure`).
    """
    try:
        parsed = sre_parse.parse(pattern, sre.SRE_FLAG_IGNORECASE)
    except (sre.error, OverflowError, RecursionError):
        return None
    if parsed.getwidth()[0] == 0:  # empty matches: searched directly
        return None
    reach = _formula(parsed)
    return None if reach is None else _sum([reach, 2])


def _measure(reach: _Reach, runs: _Runs) -> int:
    """A reach formula's value on one text."""
    if isinstance(reach, int):
        return reach
    if isinstance(reach, _Run):
        return runs.longest(reach.char_class) + 1
    if isinstance(reach, _Widest):
        return max(_measure(b, runs) for b in reach.branches)
    return reach.times * sum(_measure(p, runs) for p in reach.parts)


class _Openings(NamedTuple):
    """What every match of a pattern starts with: one of `words` (case-folded), or the text's start."""

    words: tuple[str, ...]
    text_start: bool


def _opening_words(items: Any) -> tuple[set[str], bool] | None:
    """The literal words every match of the parsed items starts with, and whether a match can
    start only at the text's start (`^`); None when some match can start otherwise.

    Zero-width items before the first literal (`\\b`, look-arounds) are passed over: they do not
    move the start. A group or an alternation there gives the openings of each of its branches.
    """
    word: list[str] = []
    for op, av in items:
        if word:
            if op != sre.LITERAL:
                break
            word.append(chr(av))
        elif op == sre.LITERAL:
            word.append(chr(av))
        elif op == sre.AT and av in (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING):
            return set(), True
        elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue
        elif op == sre.SUBPATTERN and not av[1] and not av[2]:  # a group that sets no flags
            return _opening_words(av[3])
        elif op == sre.BRANCH:
            words: set[str] = set()
            text_start = False
            for branch in av[1]:
                found = _opening_words(branch)
                if found is None:
                    return None
                words |= found[0]
                text_start = text_start or found[1]
            return words, text_start
        else:
            return None
    return ({"".join(word)}, False) if word else None


# Flags under which the standard parser's reading or a case-folded look-up would not hold.
_OTHER_READING = regex.MULTILINE | regex.REVERSE | regex.FULLCASE | regex.ASCII | regex.VERBOSE | regex.V1


@lru_cache(maxsize=4096)
def _pattern_openings(pattern: str, flags: int) -> _Openings | None:
    """The opening words of a pattern, compared case-folded (None: a match may start anywhere).

    Only case-insensitive patterns whose every match opens with a word of two or more letters
    (or at the text's start) have openings: a single letter opens too many places to be worth
    looking up, and a word whose case-folding changes its length could not be found by offset.
    """
    if not flags & regex.IGNORECASE or flags & _OTHER_READING:
        return None
    try:
        parsed = sre_parse.parse(pattern, sre.SRE_FLAG_IGNORECASE)
    except (sre.error, OverflowError, RecursionError):
        return None
    if parsed.state.flags & sre.SRE_FLAG_MULTILINE or parsed.getwidth()[0] == 0:
        return None
    found = _opening_words(parsed)
    if found is None:
        return None
    words = {w.casefold() for w in found[0]}
    if any(len(w) < 2 for w in words) or any(len(w) != len(w.casefold()) for w in found[0]):
        return None
    # a word that starts with another opening word adds no start of its own
    kept = sorted(w for w in words if not any(o != w and w.startswith(o) for o in words))
    return _Openings(tuple(kept), found[1])


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

    @cached_property
    def reach(self) -> int | None:
        """How far a match attempt can read (None: unbounded), measured on first need: most
        documents' windows are read where a match can start, and never need it."""
        formula = _pattern_reach(self.pattern.pattern)
        return None if formula is None else _measure(formula, self._index.runs)

    @cached_property
    def starts(self) -> list[int] | None:
        """The offsets where a match can start, sorted: where an opening word occurs (None: anywhere)."""
        openings = _pattern_openings(self.pattern.pattern, self.pattern.flags)
        folded = self._index.casefolded
        if openings is None or folded is None:
            return None
        found = {0} if openings.text_start else set()
        for word in openings.words:
            i = folded.find(word)
            while i >= 0:
                found.add(i)
                i = folded.find(word, i + 1)
        return sorted(found)

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

    def __init__(self, text: str) -> None:
        self.text = text
        self.runs = _Runs(text)
        self._matches: dict[str, _Matches] = {}

    @cached_property
    def casefolded(self) -> str | None:
        """The text case-folded, where that keeps every offset (None otherwise: no opening words are looked up).

        Why the look-up finds every place a case-insensitive pattern can match: a text character
        that matches a pattern's letter ignoring case folds to the letter's own folding
        (tests/test_cue_index.py checks it for every letter of the lexicon's opening words).
        """
        folded = self.text.casefold()
        return folded if len(folded) == len(self.text) else None

    def _of(self, key: str, pattern: regex.Pattern[str]) -> _Matches:
        found = self._matches.get(key)
        if found is None:
            found = self._matches[key] = _Matches(pattern, self)
        return found

    def search(self, key: str, pattern: regex.Pattern[str], pos: int, end: int) -> regex.Match[str] | None:
        """Exactly `pattern.search(text, pos, end)`; `key` names the pattern (a lexicon entry id)."""
        return self._of(key, pattern).search(pos, end)

    def finditer(self, key: str, pattern: regex.Pattern[str], pos: int, end: int) -> Iterator[regex.Match[str]]:
        """The matches of `pattern.finditer(text, pos, end)` (non-overlapping, from `pos`)."""
        found = self._of(key, pattern)
        if _pattern_reach(pattern.pattern) is None:  # never indexed (and perhaps matching empty): finditer itself
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
        self._starts: dict[str, list[int] | None] = {}

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
        if kind not in self._starts:
            each = [self._of(entry, pattern).starts for entry, pattern in self.lex.cue_entries.get(kind, ())]
            self._starts[kind] = None if any(s is None for s in each) else sorted({p for s in each if s for p in s})
        return self._starts[kind]

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
