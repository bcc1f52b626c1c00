"""A pattern's matches, searched only where they can be.

Why: the `regex` engine tries a pattern at every character of a text, and a pattern opening
with look-behinds or a long alternation of words costs a branch test per character. When a
cheap scan tells where matches can start (after a punctuation mark, at a document noun) or
which stretches of the text can hold one (the runs of words around a year's digits), trying
the pattern there alone finds the same matches, for much less.
"""

from __future__ import annotations

import re._constants as sre
from collections.abc import Iterable, Iterator
from functools import lru_cache

import regex

from extractors.pattern_shape import casefolded, openings, standard_parse


def matches_at(
    pattern: regex.Pattern[str], text: str, starts: Iterable[int], endpos: int | None = None
) -> Iterator[regex.Match[str]]:
    """`pattern.finditer(text, 0, endpos)`, given every offset where a match can start (in `starts`, ascending).

    The matches must not be empty. As in `finditer`, a match starts at or after the end of the
    one before: a start inside it is tried at its end instead (the earliest place `finditer`
    tries next), so a caller may give a start whose match would begin a little later (see
    `pillars.clause_matches`).
    """
    done, tried = 0, -1
    match = pattern.match
    end = len(text) if endpos is None else endpos
    for start in starts:
        if start < done:  # noqa: PLR1730 (not `max`: a call per start costs as much as the rest of the loop)
            start = done
        if start == tried:
            continue
        tried = start
        m = match(text, start, end)
        if m:
            yield m
            done = m.end()


@lru_cache(maxsize=256)
def opens_at_line_start(pattern: regex.Pattern[str]) -> bool:
    """Whether every match of `pattern` starts a line: it opens with `^` under `(?m)`, outside any alternation.

    Read from the pattern's parse (`pattern_shape.standard_parse`): `(?m)^a|b` opens with an
    alternation whose second branch matches anywhere; a pattern the parser cannot read is not one.
    """
    if pattern.flags & regex.REVERSE:
        return False
    parsed = standard_parse(pattern.pattern)
    if parsed is None or not len(parsed) or parsed[0] != (sre.AT, sre.AT_BEGINNING):
        return False
    return bool(parsed.state.flags & sre.SRE_FLAG_MULTILINE or pattern.flags & regex.MULTILINE)


def at_line_starts(pattern: regex.Pattern[str], text: str) -> Iterator[regex.Match[str]]:
    """`pattern.finditer(text)` for a pattern whose matches start lines (`opens_at_line_start`), tried at each line's start.

    Such a match starts at the text's start or after a `\\n`, which `str.find` finds far faster
    than `regex` tries the pattern at every character.
    """
    if not opens_at_line_start(pattern):
        raise ValueError(f"not opening at a line's start: {pattern.pattern[:40]!r}")
    return matches_at(pattern, text, _line_starts(text))


def _line_starts(text: str) -> Iterator[int]:
    yield 0
    i = text.find("\n")
    while i >= 0:
        yield i + 1
        i = text.find("\n", i + 1)


def opening_search(pattern: regex.Pattern[str], text: str, folded: str | None = None) -> regex.Match[str] | None:
    """`pattern.search(text)`, tried only where one of the pattern's opening words occurs (`pattern_shape.openings`).

    `folded` is `casefolded(text)` when the caller has it. A pattern without opening words, or a
    text whose case-folding moves offsets, is searched directly.
    """
    opened = openings(pattern.pattern, pattern.flags)
    if folded is None:
        folded = casefolded(text)
    if opened is None or folded is None:
        return pattern.search(text)
    starts = word_starts(folded, opened.words)
    return next(matches_at(pattern, text, [0, *starts] if opened.text_start else starts), None)


def word_starts(text: str, words: Iterable[str], offset: int = 0) -> list[int]:
    """Every offset where one of `words` occurs in `text` (overlapping ones too), sorted, plus `offset`
    (for `text` a slice of a longer text starting at `offset`: its offsets in that text).

    `str.find` reads a text far faster than `regex` tries a pattern at each of its characters.
    For a case-insensitive pattern's opening words, `text` is the text case-folded
    (`pattern_shape.casefolded`) and the words are case-folded: a character such a pattern
    matches to a letter folds to that letter's folding (tests/test_pass_shortcuts.py checks it
    for the words looked up), so every place the pattern can match is found.
    """
    found: set[int] = set()
    for word in words:
        i = text.find(word)
        while i >= 0:
            found.add(i + offset)
            i = text.find(word, i + 1)
    return sorted(found)


@lru_cache(maxsize=8)
def _backwards(pattern: regex.Pattern[str]) -> regex.Pattern[str]:
    return regex.compile(pattern.pattern, pattern.flags | regex.REVERSE)


def runs_holding(text: str, anchors: Iterable[int], run_break: regex.Pattern[str]) -> Iterator[tuple[int, int]]:
    """The runs of `text` between two `run_break` characters that hold one of `anchors` (ascending), each once.

    A pattern whose matches hold no `run_break` character and hold an anchor (a year's digits, a
    document noun) has all its matches inside these runs: searched with `pos` and `endpos` set
    to a run, it finds there what it finds in the whole text, as long as its look-arounds see a
    run break like the end of a text (both are non-word characters, for `(?<!\\w)` and `(?!\\w)`).
    Each character is read by one scan only, so this stays linear in the text's length.
    """
    end = 0
    for a in anchors:
        if a < end:
            continue  # in the run already given
        brk = _backwards(run_break).search(text, end, a)
        nxt = run_break.search(text, a)
        start, end = brk.end() if brk else end, nxt.start() if nxt else len(text)
        yield start, end
