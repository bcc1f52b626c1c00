"""What a regular expression's parse tells about where its matches start and how far they read.

Three questions answered per pattern, from the standard library's parse of it, once per process
(the lexicon's patterns are the same for every document):

- `openings`: the words every match starts with (`đã`, `hiện`, `theo đánh giá`), or the text's
  start. `regex` scans a pattern that opens with an alternation (or ignoring case) at every
  offset, slowly; `str.find`/`in` over the text case-folded once finds each opening word far
  faster, and the pattern need only be tried where one occurs. Where none occurs, the
  pattern does not match.
- `required_words`: words one of which every match holds (`cấp`, `quan` for a scope phrase): a
  text none of them is in holds no match, and need not be scanned.
- `reach_formula`: how far a match attempt can read from its start, as a formula over a text's
  longest runs of character classes (`cue_index.py` answers window searches from whole-text
  matches with it).

Why a case-folded look-up finds every place a case-insensitive pattern can match: a character
that `regex` matches to a letter ignoring case folds to the letter's own folding
(tests/test_pattern_shape.py checks it over every code point for the lexicon's opening letters);
a text whose folding changes its length is not looked up (`casefolded` gives None).
The standard parser reads `regex` syntax as the lexicon writes it; a pattern it cannot parse,
or one compiled with flags that change its reading, has neither.
"""

from __future__ import annotations

import re._constants as sre  # the standard parser reads the patterns' structure
import re._parser as sre_parse
import warnings
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple

import regex

_CATEGORY = {
    sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W",
}
_ONE_CHAR = (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
ANY_CHAR = r"(?s:.)"


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
                return ANY_CHAR  # a set this reader does not know: as wide as it can be
        return "[" + "".join(parts) + "]"
    return ANY_CHAR  # `.`, whatever the flags


# How far a match attempt of a pattern can read, as a formula over one text's longest runs:
# a fixed count; `_Run` (the longest run of one character class, then the character ending it);
# `_Sum` (its parts, `times` over); `_Widest` (the widest of alternatives).
class _Run(NamedTuple):
    char_class: str


class _Sum(NamedTuple):
    parts: tuple[Reach, ...]
    times: int = 1


class _Widest(NamedTuple):
    branches: tuple[Reach, ...]


Reach = int | _Run | _Sum | _Widest


def _sum(parts: list[Reach], times: int = 1) -> Reach:
    """A `_Sum`, its fixed parts added up now (most patterns' reach is one number)."""
    fixed = sum(p for p in parts if isinstance(p, int))
    rest = tuple(p for p in parts if not isinstance(p, int))
    if not rest:
        return times * fixed
    return _Sum((*rest, fixed) if fixed else rest, times)


def _formula(items: Any) -> Reach | None:
    """The reach of a parsed pattern as a formula (None: unbounded); it depends on the pattern only."""
    parts: list[Reach] = []
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
def reach_formula(pattern: str) -> Reach | None:
    """The reach formula of a pattern (None: searched directly), parsed once per pattern, not per text.

    Parsing a cue or the province-name pattern costs more than searching a short document, and
    the lexicon's patterns are the same for every document; the longest runs it is measured by
    are the text's (`measure`).
    """
    parsed = standard_parse(pattern)
    if parsed is None or parsed.getwidth()[0] == 0:  # empty matches: searched directly
        return None
    reach = _formula(parsed)
    return None if reach is None else _sum([reach, 2])


def measure(reach: Reach, longest: Callable[[str], int]) -> int:
    """A reach formula's value on one text, given the length of its longest run of a character class."""
    if isinstance(reach, int):
        return reach
    if isinstance(reach, _Run):
        return longest(reach.char_class) + 1
    if isinstance(reach, _Widest):
        return max(measure(b, longest) for b in reach.branches)
    return reach.times * sum(measure(p, longest) for p in reach.parts)


class Openings(NamedTuple):
    """What every match of a pattern starts with: one of `words` (case-folded), or the text's start."""

    words: tuple[str, ...]
    text_start: bool


_AT_START = (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING)


def _opening_words(items: Any, i: int = 0) -> tuple[set[str], bool] | None:
    """The words every match of the parsed items[i:] starts with, and whether a match can start
    at the text's start (`^`); None when some match can start otherwise.

    Zero-width items before the first literal (`\\b`, look-arounds) are passed over: they do not
    move the start. An optional item there (`(?:ở\\s+)?cấp`) opens with its own words or the
    rest's. A group, an alternation or a repeat after the literals read so far continues each of
    them with each of its own openings (`b(?:à rịa|ình dương)`: `bà`, `bình`).
    """
    word: list[str] = []
    while i < len(items):
        op, av = items[i]
        if op == sre.LITERAL:
            word.append(chr(av))
            i += 1
            continue
        if not word:
            if op == sre.AT and av in _AT_START:
                return set(), True
            if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
                i += 1
                continue
            if op in _REPEATS and av[0] == 0:
                own, rest = _opening_words(av[2]), _opening_words(items, i + 1)
                if own is None or rest is None:
                    return None
                return own[0] | rest[0], own[1] or rest[1]
        inner = _inner_openings(op, av)
        prefix = "".join(word)
        if inner is None or (prefix and inner[1]):
            return ({prefix}, False) if prefix else None
        return {prefix + w for w in inner[0]}, inner[1]
    return ({"".join(word)}, False) if word else None


def _inner_openings(op: Any, av: Any) -> tuple[set[str], bool] | None:
    """The openings of one group, alternation or repeat that must match (None for anything else)."""
    if op == sre.SUBPATTERN and not av[1] and not av[2]:  # a group that sets no flags
        return _opening_words(av[3])
    if op == sre.ATOMIC_GROUP:
        return _opening_words(av)
    if op in _REPEATS and av[0] >= 1:
        return _opening_words(av[2])
    if op == sre.BRANCH:
        words: set[str] = set()
        text_start = False
        for branch in av[1]:
            found = _opening_words(branch)
            if found is None:
                return None
            words |= found[0]
            text_start = text_start or found[1]
        return words, text_start
    return None


# Flags under which the standard parser's reading or a case-folded look-up would not hold.
_OTHER_READING = regex.MULTILINE | regex.REVERSE | regex.FULLCASE | regex.ASCII | regex.VERBOSE | regex.V1


# `regex`'s fuzzy constraints (`(?:x){e<=1}`, `{i<=1,d<=1}`, `{e}`) read as literal text to the
# standard parser, whose shape of them would be wrong (a fuzzy match may open with, hold and read
# other characters): any brace group naming an error kind is taken as fuzzy, escaped or not. A
# false alarm (`\p{Lowercase}`, `\{e}`) only sends the pattern to a direct search.
_FUZZY = regex.compile(r"\{[^}]*[eids][^}]*\}")


def standard_parse(pattern: str) -> Any:
    """The standard library's parse of a `regex` pattern, or None when it cannot be read that way:
    the one reading of a pattern's structure (the questions here and `search_at`'s read it).

    Where the two syntaxes part, the standard parser warns instead of failing (`[[:alpha:]]` is one
    POSIX class to `regex` but a set and a `]` to it; `[a-z--aeiou]` is a set difference to `regex`
    V1): its warning is taken as a refusal, so such a pattern is searched directly.
    """
    if _FUZZY.search(pattern):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", FutureWarning)
            return sre_parse.parse(pattern, sre.SRE_FLAG_IGNORECASE)
    except (sre.error, OverflowError, RecursionError, FutureWarning):
        return None


def _parse_folded(pattern: str, flags: int) -> Any:
    """The parse of a case-insensitive pattern whose words can be looked up case-folded, or None."""
    if not flags & regex.IGNORECASE or flags & _OTHER_READING:
        return None
    parsed = standard_parse(pattern)
    return None if parsed is None or parsed.state.flags & sre.SRE_FLAG_MULTILINE else parsed


@lru_cache(maxsize=4096)
def openings(pattern: str, flags: int) -> Openings | None:
    """The opening words of a pattern, compared case-folded (None: a match may start anywhere).

    Only case-insensitive patterns whose every match opens with a word of two or more letters
    (or at the text's start) have openings: a single letter opens too many places to be worth
    looking up, and a word whose case-folding changes its length could not be found by offset.
    """
    parsed = _parse_folded(pattern, flags)
    if parsed is None or parsed.getwidth()[0] == 0:
        return None
    found = _opening_words(parsed)
    if found is None:
        return None
    words = {w.casefold() for w in found[0]}
    if any(len(w) < 2 for w in words) or any(len(w) != len(w.casefold()) for w in found[0]):
        return None
    # a word that starts with another opening word adds no start of its own
    kept = sorted(w for w in words if not any(o != w and w.startswith(o) for o in words))
    return Openings(tuple(kept), found[1])


def casefolded(text: str) -> str | None:
    """`text` case-folded for looking opening words up, or None when folding moves its offsets (`İ` → `i̇`)."""
    folded = text.casefold()
    return folded if len(folded) == len(text) else None


def _required(items: Any) -> set[str] | None:
    """Words one of which every match of the parsed items holds (None: none known).

    Each item a match cannot skip (a run of literals, a group, an alternation of such, a
    repeat of at least once) gives a set; the fewest words, then the longest, is kept.
    """
    best: set[str] | None = None

    def consider(words: set[str] | None) -> None:
        nonlocal best
        if words and (best is None or (len(words), -min(map(len, words))) < (len(best), -min(map(len, best)))):
            best = words

    word: list[str] = []
    for op, av in items:
        if op == sre.LITERAL:
            word.append(chr(av))
            continue
        consider({"".join(word)} if word else None)
        word = []
        if op == sre.SUBPATTERN and not av[1] and not av[2]:
            consider(_required(av[3]))
        elif op == sre.ATOMIC_GROUP:
            consider(_required(av))
        elif op in _REPEATS and av[0] >= 1:
            consider(_required(av[2]))
        elif op == sre.BRANCH:
            each = [_required(branch) for branch in av[1]]
            if all(each):
                consider(set().union(*(w for w in each if w)))
    consider({"".join(word)} if word else None)
    return best


@lru_cache(maxsize=4096)
def required_words(pattern: str, flags: int) -> tuple[str, ...] | None:
    """Words one of which every match of a case-insensitive pattern holds, case-folded
    (`cấp` or `quan` for a scope phrase); None when no such words of two or more letters are known.

    A text none of them occurs in (`may_hold`) holds no match: most value segments name no scope.
    """
    parsed = _parse_folded(pattern, flags)
    found = None if parsed is None else _required(parsed)
    if found is None or any(len(w) < 2 or len(w.casefold()) != len(w) for w in found):
        return None
    return tuple(sorted({w.casefold() for w in found}))


def may_hold(words: tuple[str, ...] | None, folded: str | None) -> bool:
    """Whether a text (`folded`: `casefolded(text)`) can hold a match of a pattern with
    `required_words` `words`: False only when none of them occurs in it."""
    if words is None or folded is None:
        return True
    for w in words:  # a plain loop: `any` over a generator costs a frame switch per word
        if w in folded:
            return True
    return False
