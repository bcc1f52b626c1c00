"""A value's indicator text: the words around it that name what is measured (guide §2 "indicator").

The clause is cut elsewhere (`clause.py`); here its left and right words are cleaned of
years, parentheses, scope words, provinces, lead and trail words (`lexicon/indicator.yaml`)
and joined, with the forms a share of GRDP and a rank take.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from extractors.first_match import FirstMatch
from extractors.lexicon import FLAGS, Lexicon, fold, get_lexicon, template
from extractors.nlp import phrase_cache, tagged_spans
from extractors.pattern_shape import casefolded, may_hold, openings, required_words

YEAR_PHRASE = regex.compile(
    template(r"(?<!\w)(?:(?:{YEAR_PREP}|{DEADLINE_BEFORE})\s+)?{PERIOD_WORD}\s+(?:\d{4}\s*[-–—]\s*)?\d{4}(?!\d)"),
    FLAGS,
)
_PER_YEAR = regex.compile(template(r"^\s*/\s*{YEAR_NOUN}"), FLAGS)
PARENS = regex.compile(r"\([^()]*\)")
_FOUR_DIGITS = regex.compile(r"\d{4}")


@phrase_cache
def without_years(text: str) -> str:
    """`text` with each year phrase (`đến năm 2025`, `giai đoạn 2026-2030`) replaced by a space;
    searched for only when the text holds four digits in a row (most phrases hold no year, and
    many are empty: a value with no words after it). Cached: a value's left words are read
    for its indicator, its subject and its measures."""
    return YEAR_PHRASE.sub(" ", text) if len(text) >= 4 and _FOUR_DIGITS.search(text) else text


def without_parens(text: str) -> str:
    """`text` with each innermost parenthesis replaced by a space (searched for only when it holds a `(`)."""
    return PARENS.sub(" ", text) if "(" in text else text
_OBJECT_OF_SHARE = regex.compile(template(r"^\s*{SHARE_OBJECT}"), FLAGS)
_SHARE_HEAD = regex.compile(template(r"^{SHARE_HEAD}\s*"), FLAGS)
_SHARE_OWNER = regex.compile(template(r"\s+{SHARE_OWNER}.*$"), FLAGS)
_PROVINCE_TITLE = regex.compile(template(r"\s*(?:{PROVINCE_TITLE}\s+)?"), FLAGS)
_RANK_LEAD = regex.compile(
    template(
        r"(?:{RANK_VERB}\s*)?(?:(?:{RANK_ONE}|(?<!\w)1)\s+)?(?:{RANK_IN}\s*)?(?:{RANK_GROUP}\s*)?(?:{RANK_TOP}\s*)?$"
    ),
    FLAGS,
)
# (the same pattern tried once from the end: `cut_end`, for `sub`)
_RANK_LEAD_FROM_END = regex.compile(_RANK_LEAD.pattern, _RANK_LEAD.flags | regex.REVERSE | regex.POSIX)
_RANK_PLACES = template(r"^\s*(?:{RANKED_PLACE}\s*[/,]?\s*)+")
_RANK_GROUP = regex.compile(_RANK_PLACES + r"\)?\s*$", FLAGS)
_RANK_PLACES_HEAD = regex.compile(_RANK_PLACES + r"(?=\w)", FLAGS)
_LOCATIVE = regex.compile(template(r"\s{LOCATIVE}\s"), FLAGS)
_AFTER_AT_START = regex.compile(template(r"^\s*{COMPARATOR_AFTER}"), FLAGS)
_LIGHT_VERBS = frozenset(next(f.words for f in get_lexicon().fragments if f.id == "LIGHT_VERB"))
# The subject of a share of GRDP that names none (`nâng lên 40% GRDP`): the first SHARE_SUBJECT word.
_DIGITAL_ECONOMY = next(f.words[0] for f in get_lexicon().fragments if f.id == "SHARE_SUBJECT")


def words_in_every_match(pattern: regex.Pattern[str]) -> tuple[str, ...] | None:
    """Case-folded words one of which every match of `pattern` holds (None: not known).

    From the pattern's parse (`pattern_shape`): the words one of which it requires, else the
    words every match opens with. A text (case-folded) holding none of them holds no match, and
    `regex`, which scans a case-insensitive alternation slowly at every character, need not be run.
    """
    words = required_words(pattern.pattern, pattern.flags)
    if words is None:
        opens = openings(pattern.pattern, pattern.flags)
        words = opens.words if opens is not None and opens.words and not opens.text_start else None
    return words


def longest_from_end(pattern: regex.Pattern[str]) -> regex.Pattern[str] | None:
    """A pattern anchored at the end (`$`), compiled to be tried once from the end for its longest
    match (None if it cannot be compiled so, or is MULTILINE: its `$` also ends every line).

    `sub` of such a pattern replaces its leftmost match, which ends the text: a forward scan that
    tries every character. The longest match ending the text (POSIX, from the end) starts at the
    same place, so `cut_end` with one attempt gives the same text."""
    if pattern.flags & regex.MULTILINE:
        return None
    try:
        return regex.compile(pattern.pattern, pattern.flags | regex.REVERSE | regex.POSIX)
    except regex.error:
        return None


def cut_end(from_end: regex.Pattern[str] | None, pattern: regex.Pattern[str], text: str, count: int = 0) -> str:
    """`pattern.sub("", text, count=count)` for a pattern anchored at the end, in one attempt by
    `from_end` (`longest_from_end(pattern)`). A text ending with a line break is left to `sub`: `$`
    also matches before that break, where a match from the very end may not reach."""
    if from_end is None or text.endswith("\n"):
        return pattern.sub("", text, count=count)
    m = from_end.match(text)
    return text[: m.start()] if m else text


@lru_cache(maxsize=4)
def _drop_anywhere(lex: Lexicon) -> tuple[tuple[regex.Pattern[str], tuple[str, ...] | None], ...]:
    """Each `drop_anywhere` pattern with `words_in_every_match` of it (read once: a pattern's parse is slow)."""
    return tuple((pattern, words_in_every_match(pattern)) for pattern in lex.drop_anywhere)


def strip_scopes(text: str, spans: list[tuple[int, int]], offset: int) -> str:
    """`text` (which starts at `offset` of the segment) without the scope words at `spans`, single-spaced."""
    if not spans:
        return " ".join(text.split())  # most values name no level: nothing to cut out
    out = []
    pos = 0
    for s, e in spans:
        s -= offset
        e -= offset
        if e <= 0 or s >= len(text):
            continue
        out.append(text[pos : max(s, 0)])
        pos = max(pos, e)
    out.append(text[pos:])
    return " ".join("".join(out).split())


@phrase_cache
def strip_ends(text: str, lex: Lexicon, left: bool = True) -> str:
    """`text` without the lead and trail words of `indicator.yaml` (the lead words only if `left`).

    Cached: a value's left words are stripped when its clause is cut and again for its indicator.
    A word dropped anywhere (`tỷ lệ`) is searched for only in a text that holds its words. The
    lead patterns, each tried at the start, and the trail patterns, each tested at the end, are
    asked of a text as one union each (`first_match`): most texts match none of them.
    """
    if not text:
        return text  # no words before or after the value (about a third of the calls): nothing to strip
    folded = casefolded(text)
    for pattern, words in _drop_anywhere(lex):
        if may_hold(words, folded):
            new = pattern.sub(" ", text)
            if new != text:
                text, folded = new, casefolded(new)
    text = " ".join(text.split())
    changed = True
    leads, trails = _ends(lex)
    cuts = _trail_cuts(lex)
    while changed and text:
        changed = False
        # the patterns before the first that matches (`first_match`) match nothing: from there on,
        # each is tried in turn on the text as the one before left it
        start, m = leads.first(text) if left else (len(lex.strip_left), None)
        for i in range(start, len(lex.strip_left)):
            if i > start:
                m = lex.strip_left[i].match(text)  # anchored at the start (`^`): the one place `sub` could replace
            new = text[m.end() :].strip() if m else text
            if new != text:
                text, changed = new, True
        start = trails.first(text)[0] if trails is not None else 0
        for i in range(start, len(lex.strip_right)):
            if i > start and trails is not None and trails.patterns[i].match(text) is None:
                continue  # no match ends the text: `sub` would change nothing (one attempt, at the end)
            new = cut_end(cuts[i], lex.strip_right[i], text, count=1).strip()
            if new != text:
                text, changed = new, True
    return text


@lru_cache(maxsize=4)
def _ends(lex: Lexicon) -> tuple[FirstMatch, FirstMatch | None]:
    """The `strip_left` patterns, and the `strip_right` ones compiled from the end (None if one cannot be).

    `.match` of a pattern compiled from the end is one attempt at the end of the text, where a
    forward search (or a failing `.search` from the end) tries every character. Both find a
    match exactly when some match ends the text, as `strip_ends` holds it (no space last, so
    `$` cannot match before a final newline): one attempt of their union (`first_match`) tells
    which is the first whose match ends the text, before `cut_end` removes it.
    """
    from_end = []
    for pattern in lex.strip_right:
        try:
            from_end.append(regex.compile(pattern.pattern, pattern.flags | regex.REVERSE))
        except regex.error:
            return FirstMatch(lex.strip_left), None
    return FirstMatch(lex.strip_left), FirstMatch(from_end)


@lru_cache(maxsize=4)
def _trail_cuts(lex: Lexicon) -> tuple[regex.Pattern[str] | None, ...]:
    """Each `strip_right` pattern as `longest_from_end` (strip_ends' text has no line break)."""
    return tuple(longest_from_end(p) for p in lex.strip_right)


# POS tagging costs about a millisecond per word, and a value's right part can run to a whole
# bounded sentence (2,000 characters) in unpunctuated text; the readings that use tags look at
# a phrase's first words, so only its first words are tagged (bench/extract_scaling.py).
MAX_TAGGED_CHARS = 400


def word_spans(phrase: str) -> list[tuple[int, int, str]]:
    """(start, end, POS) of the first words of `phrase` (underthesea's words and tags)."""
    if len(phrase) > MAX_TAGGED_CHARS:
        cut = phrase.rfind(" ", 0, MAX_TAGGED_CHARS)
        phrase = phrase[: cut if cut > 0 else MAX_TAGGED_CHARS]
    return list(tagged_spans(phrase))


def has_verb(phrase: str) -> bool:
    """A verb other than `có`/`là`: the phrase states something of its own."""
    if not phrase.strip():
        return False
    return any(tag == "V" and phrase[s:e].lower() not in _LIGHT_VERBS for s, e, tag in word_spans(phrase))


@phrase_cache
def _strip_provinces(text: str, lex: Lexicon) -> str:
    """`text` without the province name (and its title) it opens with; cached (the subject of
    a list's values is read once per value, and folding it is most of the cost)."""
    if not text or text.isspace():
        return text  # no letters: no name (and no need to fold the text)
    folded = fold(text)
    m = _PROVINCE_TITLE.match(folded)
    rest = folded[m.end() :] if m else folded
    pm = lex.province_re.match(rest)
    if pm:
        return text[len(folded) - len(rest) + pm.end() :].strip()
    return text


def clean_right(right: str, lex: Lexicon, unit: str) -> str:
    """The words after a value that can belong to its indicator."""
    if not right:
        return right  # a value with nothing after it in its share (a fifth of them): every step below keeps ""
    right = _PER_YEAR.sub("", right)
    right = without_years(right)
    right = without_parens(right)
    right = _AFTER_AT_START.sub("", right)
    if unit == "rank" and _RANK_GROUP.match(right):
        return ""  # "17-19 tỉnh/thành phố": the places ranked, not what is measured
    if unit == "count":
        loc = _LOCATIVE.search(right)
        if loc:
            right = right[: loc.start()]
    head = _RANK_PLACES_HEAD.match(right) if unit == "rank" else None
    if head:
        # "nhóm 10 tỉnh, thành phố dẫn đầu về …": the ranked places head what is measured; the
        # lead words stripped from a phrase's start (`tỉnh`, `thành phố`) are not a province here
        rest = strip_ends(right[head.end() :], lex, left=False)
        return f"{' '.join(head.group(0).split())} {rest}".strip() if rest else ""
    return strip_ends(right, lex)


def build_indicator(
    left: str, right: str, lex: Lexicon, share_verb: bool, unit: str, whole_left: bool = False
) -> str:
    """The indicator from a value's left words and its right words as `clean_right` left them
    (the caller keeps that text too: `reading.Reading.right_clean`, so it is cleaned once);
    `whole_left` when the left words are already the value's own subject and verb
    (`predicates.purpose_predicate`), not to be cut at a comma."""
    left = without_years(left)
    if right and not whole_left:
        left = left.rsplit(",", 1)[-1]
    bare_left = left  # "" (no words before the value, the case of list items): each step below keeps it
    if left:
        left = _strip_provinces(strip_ends(left, lex), lex)
        if unit == "rank":
            left = cut_end(_RANK_LEAD_FROM_END, _RANK_LEAD, left).strip()
        left = strip_ends(left, lex)
        bare_left = _SHARE_HEAD.sub("", left).strip()
    if right and _OBJECT_OF_SHARE.match(right):
        # `chiếm 20% GRDP` names the share itself; after `đạt` the subject is kept as written
        # (`tỷ trọng kinh tế số đạt 20% GRDP`, `kinh tế số cần đạt 22% GRDP`: unseen-errors T6)
        subject = (left if bare_left and not share_verb else bare_left) or _DIGITAL_ECONOMY
        obj = _SHARE_OWNER.sub("", right)
        return f"{subject} trong {obj}"
    return " ".join(p for p in (left, right) if p)

