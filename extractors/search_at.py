"""A pattern's matches, searched only where they can be.

Why: the `regex` engine tries a pattern at every character of a text, and a pattern opening
with look-behinds or a long alternation of words costs a branch test per character. When a
cheap scan tells where matches can start (after a punctuation mark, at a document noun) or
which stretches of the text can hold one (the runs of words around a year's digits), trying
the pattern there alone finds the same matches, for much less.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import regex


def matches_at(pattern: regex.Pattern[str], text: str, starts: Iterable[int]) -> Iterator[regex.Match[str]]:
    """`pattern.finditer(text)`, given every offset where a match can start (in `starts`, ascending).

    The matches must not be empty. As in `finditer`, a match starts at or after the end of the
    one before: a start inside it is tried at its end instead (the earliest place `finditer`
    tries next), so a caller may give a start whose match would begin a little later (see
    `pillars.clause_matches`).
    """
    done, tried = 0, -1
    for start in starts:
        start = max(start, done)
        if start == tried:
            continue
        tried = start
        m = pattern.match(text, start)
        if m:
            yield m
            done = m.end()


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
