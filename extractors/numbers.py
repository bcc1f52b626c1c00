"""Numbers that may be target values: percents, ranges, ranks and counts, with offsets.

Only the shape of the number is decided here (value, range, unit, span); whether it is
a target, and its comparator and indicator, depend on the clause (see `clause.py`).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterator
from dataclasses import dataclass
from heapq import merge

import regex

from extractors.lexicon import FLAGS, Lexicon, template
from extractors.pattern_shape import casefolded
from extractors.search_at import matches_at, word_starts

_NUM = r"\d{1,3}(?:[.,]\d{1,2})?"
# "30%", "30 %", "30%GRDP", "2,5%", "30 phần trăm"
PERCENT_RE = regex.compile(rf"(?<![\w.,/%-])(?P<a>{_NUM})\s?(?:%|phần\s+trăm)", FLAGS)
# "từ 30 đến 40%", "30-40%", "25% - 30%", "25%-30%"; never across a line break, where a
# dash opens the next bullet ("… đạt 20%" / "- 95% hồ sơ …" are two values, not a range).
_SP = r"[^\S\n]"
RANGE_RE = regex.compile(
    template(rf"(?<![\w.,/%-])(?P<a>{_NUM}){_SP}*%?{_SP}*(?:-|–|—|{{RANGE_JOIN}}){_SP}*(?P<b>{_NUM})\s?(?:%|phần\s+trăm)"),
    FLAGS,
)
# "top 25", "Top 20", "nhóm 10 tỉnh, thành phố dẫn đầu", "nhóm 30/63 tỉnh", "nhóm 40 nước".
# `\m` (regex: the start of a word) is `(?<!\w)` before a word's first letter, tried ~30% faster.
RANK_RE = regex.compile(
    r"\m(?:top|tốp)\s*(?P<a>\d{1,2})(?!\d)"
    r"|\mnhóm\s+(?:top\s+)?(?P<b>\d{1,2})(?:\s*/\s*6[23])?(?=\s+(?:các\s+)?(?:tỉnh|thành|địa\s+phương|nước|quốc\s+gia|đơn\s+vị))"
    # "1 trong 15 tỉnh dẫn đầu", "một trong 30 quốc gia hàng đầu" (unseen-errors T10; corpus-dev2 d41)
    r"|\m(?:một|1)\s+trong\s+(?:số\s+)?(?P<c>\d{1,2})(?=\s+(?:tỉnh|thành|địa\s+phương|nước|quốc\s+gia))",
    FLAGS,
)
# "khoảng 17-19 tỉnh/thành phố": a range of ranks
RANK_RANGE_RE = regex.compile(
    rf"(?<![\w.,/%-])(?P<a>\d{{1,2}}){_SP}*[-–]{_SP}*(?P<b>\d{{1,2}})(?=\s+(?:tỉnh|địa\s+phương|nước))", FLAGS
)
# "tăng ít nhất 1-2 bậc": places gained in a ranking
STEPS_RE = regex.compile(rf"(?<![\w.,/%-])(?P<a>\d{{1,2}})(?:{_SP}*[-–]{_SP}*(?P<b>\d{{1,2}}))?\s+bậc(?!\w)", FLAGS)
# Counts: a floor word or a plan verb, then a number and a noun ("tối thiểu 02 đô thị").
# The lead words are a look-behind: tried only where a number stands, not at every character
# (15x faster over a long text; the same matches, since a lead never overlaps the match before).
_COUNT_LEAD = r"(?<=(?:{COMPARATOR_BEFORE}|{PLAN_VERB})\s+)"
_COUNT = (
    r"(?P<a>\d{1,3}(?:\.\d{3})*)(?![\d%,./])"
    r"(?!\s*(?:[-–—]|{RANGE_JOIN})\s*\d)\s+(?=\w)"  # not the start of a range ("từ 2 đến 3")
)
COUNT_RE = regex.compile(template(_COUNT_LEAD + _COUNT), FLAGS)
# "Hình thành 1-2 trung tâm dữ liệu", "có từ 2 đến 3 doanh nghiệp": a range of counts (guide §3
# value_max; corpus-dev2 d35). Places gained (`1-2 bậc`) are read before, as rank steps. The lead
# words are a look-behind, as for COUNT_RE (15x faster; the same matches: a lead never overlaps the range before).
_COUNT_RANGE_LEAD = r"(?<=(?:{COMPARATOR_BEFORE}|{PLAN_VERB})\s+(?:từ\s+)?)"
_COUNT_RANGE = rf"(?P<a>\d{{1,3}}){_SP}*(?:[-–]|{{RANGE_JOIN}}){_SP}*" r"(?P<b>\d{1,3})(?![\d%,./])\s+(?=\w)"
COUNT_RANGE_RE = regex.compile(template(_COUNT_RANGE_LEAD + _COUNT_RANGE), FLAGS)
# "19/19 Sở, Ban, ngành": every one of N, a count of N.
_FULL_LEAD = r"(?<!{DATE_LEAD}\s*)"
_FULL = r"(?<![\w/])(?P<a>\d{1,3})\s*/\s*(?P=a)(?![\d/])\s+(?=\w)"
FULL_RE = regex.compile(template(_FULL_LEAD + _FULL), FLAGS)
# "1,5 doanh nghiệp công nghệ số trên 1.000 dân", "85 thuê bao/100 dân": a ratio per N people is a count.
RATIO_RE = regex.compile(
    template(
        r"(?<![\w.,/%-])(?P<a>\d{1,3}(?:,\d{1,2})?)(?![\d%,./])\s+(?=[^\d;.\n]{1,60}?(?:\btrên\s+|/\s*)"
        r"\d{1,3}(?:\.\d{3})*\s+{PER_PEOPLE}(?!\w))"
    ),
    FLAGS,
)
# "Số lượng doanh nghiệp công nghệ số đạt 10 doanh nghiệp"
NUMBER_OF_RE = regex.compile(
    r"(?<!\w)số\s+lượng\s[^;.\n]{1,80}?\bđạt\s+(?P<a>\d{1,3}(?:\.\d{3})*)(?![\d%,./])\s+(?=\w)", FLAGS
)
# A bare number closing a clause after a linking verb (`…, tỷ lệ người dân dùng điện thoại thông
# minh đạt 92`, typically a cut text): a percent when a percent sibling precedes it (guide §2; unseen-errors T18).
_BARE_END_LEAD = r"(?<=(?<!\w){LINK_VERB}\s+)"
_BARE_END = r"(?P<a>\d{1,3})(?![\d%,./])(?=\s*(?:[;.\n]|$))"
BARE_END_RE = regex.compile(template(_BARE_END_LEAD + _BARE_END), FLAGS)
# A bare number before a noun always measured as a share (guide §2).
BARE_RE = regex.compile(r"(?<![\w.,/%-])(?P<a>\d{1,3})(?![\d%,./])\s+(?=\w)", FLAGS)

_UNITS = {
    "không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
    "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
}
_WORDS = "|".join(list(_UNITS) + ["mười", "mươi", "trăm", "linh", "lẻ"])
# Searched from the end (`(?r)`): anchored on the rare `phần trăm` instead of trying the number
# words at every character; the same matches (the longest run of number words before it).
WORDS_PERCENT_RE = regex.compile(rf"(?r)(?<!\w)(?P<w>(?:(?:{_WORDS})\s+)+)phần\s+trăm", FLAGS)
# The first digit of a number of one to three digits (not part of a longer run of digits).
_SHORT_NUMBER = regex.compile(r"(?<!\d)\d{1,3}(?!\d)", FLAGS)
# What RANK_RE's matches open with: one of these words (looked up case-folded), or the digit `1`.
RANK_WORDS = ("top", "tốp", "nhóm", "một")
_THOUSANDS = regex.compile(r"\d{1,3}(?:\.\d{3})+")
_WORD = regex.compile(r"\w+")
_STOP = regex.compile(r"[;.\n]")
_ITEM_STOP = regex.compile(r"[;.\n:]")
_PHRASE_AFTER = regex.compile(r"[^,;.:()\n]{0,80}")
_ITEM_JOIN = regex.compile(r"(?:,|\bvà)\s*$", FLAGS)


@dataclass(frozen=True)
class Mention:
    """A number in the text that may be a target value."""

    start: int
    end: int
    value: float
    value_max: float | None
    unit: str  # "percent" | "rank" | "count"
    approx: bool = False  # "khoảng 17-19" style ranges inside the number itself
    rule: str = ""  # the shape that read it (percent, percent_range, rank, count_lead, ...): provenance


def parse_number(raw: str) -> float:
    """`2,5` → 2.5, `02` → 2, `18.000` → 18000 (dot groups thousands, comma is decimal)."""
    raw = raw.strip()
    if _THOUSANDS.fullmatch(raw):
        return float(raw.replace(".", ""))
    return float(raw.replace(",", "."))


def words_to_number(words: str) -> float | None:
    """Vietnamese number words up to 999 (`một trăm` → 100, `bảy mươi lăm` → 75)."""
    total = 0
    current = 0
    seen = False
    for w in words.lower().split():
        if w in _UNITS:
            current += _UNITS[w]
            seen = True
        elif w == "mười":
            current += 10
            seen = True
        elif w == "mươi":
            current = (current or 1) * 10
        elif w == "trăm":
            total += (current or 1) * 100
            current = 0
            seen = True
        elif w in ("linh", "lẻ"):
            continue
        else:
            return None
    return float(total + current) if seen else None


def _head(text: str, pos: int) -> str:
    """The first two syllables after `pos`, lower-cased: the noun a value counts."""
    words = _WORD.findall(text, pos, pos + 40)[:2]
    return " ".join(words).lower() if len(words) == 2 and not any(w.isdigit() for w in words) else ""


def _overlaps(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    """Whether [s, e) overlaps one of `spans`, which are sorted and do not overlap (bisect: linear time overall)."""
    i = bisect_left(spans, (e,))  # spans starting before e are spans[:i]; their ends are sorted too
    return i > 0 and spans[i - 1][1] > s


# A share and the noun phrase of its members, running up to a count (`100% hộ gia đình có ít
# nhất 1 thiết bị thông minh`): the count qualifies those members, it is part of the share's
# indicator and no target of its own (guide §3 indicator; corpus-dev2 d30). Punctuation,
# coordination or another number between ends the phrase (`…, có ít nhất 10 doanh nghiệp`).
_SHARE_BEFORE = regex.compile(
    template(
        r"(?<![\w.,])\d{1,3}(?:,\d{1,2})?\s?%\s+(?!{LINK_VERB}(?!\w))"
        r"(?:(?!(?<!\w)(?:và|hoặc)(?!\w))[^,;:.()%\d\n]){1,80}?(?:{COMPARATOR_BEFORE}\s*)?$"
    ),
    FLAGS,
)


def _inside_share(text: str, start: int) -> bool:
    """Whether the count at `start` qualifies the members of a share just before it (`_SHARE_BEFORE`)."""
    return bool(_SHARE_BEFORE.search(text, max(0, start - 100), start))


def _plausible_count(text: str, end: int, value: float, lex: Lexicon) -> bool:
    """Whether a count of `value` of the noun phrase at `end` can be a digital-transformation target.

    What is counted decides, not the size alone: a count in the thousands counts a population
    (all businesses, workers, visitors: a general socio-economic figure, guide §1; corpus-dev d14
    `có trên 18.000 doanh ng…`) unless the phrase it counts names a digital kind
    (`tối thiểu 1.100 doanh nghiệp công nghệ số`, corpus-dev2 d34). `lexicon/counts.yaml`.
    """
    if value < lex.counts.population_size:
        return True
    phrase = _PHRASE_AFTER.match(text, end)
    return bool(phrase and lex.digital_kind_re.search(phrase.group(0)))


# The patterns whose every match opens at the first digit of a short number (`_SHORT_NUMBER`): each
# opens with its number, of one to three digits that no digit follows (`\d{1,3}` then a separator,
# a unit or `(?![\d%,./])`), after a look-behind that refuses a word character (so a digit) or wants a space.
# (Not STEPS_RE nor FULL_RE, whose matches open at a short number too: each requires a literal, the word
# `bậc` or `/`, which `regex` looks for from each place it is tried to the text's end before trying it:
# tried at every number of a long text without one, that reads the text once per number; a scan reads it once.)
AT_SHORT_NUMBERS = (RANGE_RE, PERCENT_RE, RANK_RANGE_RE, COUNT_RE, COUNT_RANGE_RE, RATIO_RE, BARE_RE, BARE_END_RE)
# Those opening with a look-behind over many words (a lead verb, a date's words), and what follows
# it alone: that rest, a few characters tried first, rules out most short numbers (a percent is no count).
_AFTER_LEAD = {
    COUNT_RE: regex.compile(template(_COUNT), FLAGS),
    COUNT_RANGE_RE: regex.compile(template(_COUNT_RANGE), FLAGS),
    BARE_END_RE: regex.compile(_BARE_END, FLAGS),
}


def short_numbers(text: str) -> list[int]:
    """Where each number of one to three digits starts in `text`, in order."""
    return [m.start() for m in _SHORT_NUMBER.finditer(text)]


def number_matches(pattern: regex.Pattern[str], text: str, starts: list[int]) -> Iterator[regex.Match[str]]:
    """`pattern.finditer(text)`; a pattern of `AT_SHORT_NUMBERS` is tried only at `starts` (`short_numbers(text)`).

    Why: `regex` tries a pattern at every character, and most of a text holds no number
    (the bench's 55,000 characters hold 534 short numbers): trying such a pattern at each
    short number's first digit costs a fraction of a scan, and finds the same matches. The
    other patterns (a shorter scan, or one opening with words) are scanned.

    A pattern of `_AFTER_LEAD` is tried only where its part after the look-behind matches: it
    matches where both its look-behind holds and that part matches (a look-behind reads the
    text before, it takes nothing), and testing the long look-behind costs the most.
    """
    if pattern not in AT_SHORT_NUMBERS:
        return pattern.finditer(text)
    after = _AFTER_LEAD.get(pattern)
    if after is not None:
        starts = [s for s in starts if after.match(text, s)]
    return matches_at(pattern, text, starts)


def rank_matches(text: str, starts: list[int], folded: str | None = None) -> Iterator[regex.Match[str]]:
    """`RANK_RE.finditer(text)`, tried only where a word of `RANK_WORDS` or a short number starts.

    RANK_RE opens with `\\m` and a rank word (`top`, `tốp`, `nhóm`, `một`) or the digit `1`
    (`1 trong 15 tỉnh`), which is a short number's first digit. The words are found with
    `str.find` in the text case-folded (`pattern_shape.casefolded`, which says when that would
    move offsets: the text is then scanned); `folded` is that folding when the caller has it.
    """
    if folded is None:
        folded = casefolded(text)
    if folded is None:
        return RANK_RE.finditer(text)
    return matches_at(RANK_RE, text, merge(word_starts(folded, RANK_WORDS), starts))


def find_mentions(text: str, lex: Lexicon, folded: str | None = None) -> list[Mention]:
    """Every candidate value in `text`, in text order, without overlaps.

    `folded` is `casefolded(text)` when the caller has it (a document is folded once for every pass).
    """
    found: list[Mention] = []
    numbers = short_numbers(text)
    taken: list[tuple[int, int]] = []

    def add(m: Mention) -> None:
        if not _overlaps(taken, m.start, m.end):
            found.append(m)
            insort(taken, (m.start, m.end))

    for m in number_matches(RANGE_RE, text, numbers):
        a, b = parse_number(m["a"]), parse_number(m["b"])
        if a < b:
            add(Mention(m.start(), m.end(), a, b, "percent", rule="percent_range"))
    for m in number_matches(PERCENT_RE, text, numbers):
        add(Mention(m.start(), m.end(), parse_number(m["a"]), None, "percent", rule="percent"))
    for m in reversed(list(WORDS_PERCENT_RE.finditer(text))):  # in text order
        value = words_to_number(m["w"])
        if value is not None:
            add(Mention(m.start(), m.end(), value, None, "percent", rule="percent_words"))
    for pattern, rule in ((RANK_RANGE_RE, "rank_range"), (STEPS_RE, "rank_steps")):
        for m in number_matches(pattern, text, numbers):
            low = float(m["a"])
            high = float(m["b"]) if m["b"] else None
            if high is None or low < high:
                add(Mention(m.start(), m.end(), low, high, "rank", rule=rule))
    for m in rank_matches(text, numbers, folded):
        group = "a" if m["a"] else "b" if m["b"] else "c"
        add(Mention(m.start(group), m.end(group), float(m[group]), None, "rank", rule="rank"))
    percents = sorted((p.start, p.end) for p in found if p.unit == "percent")
    for m in number_matches(BARE_RE, text, numbers):
        if int(m["a"]) > 100:
            continue
        # guide §2: a bare number before a noun always measured as a share, or in a list
        # parallel to percentages of the same noun ("90% hồ sơ ..., 80 hồ sơ ..."); the nouns are
        # read only for the percentages just before a bare number
        near = percents[bisect_left(percents, (m.start() - 199,)) : bisect_left(percents, (m.start(),))]
        head = _head(text, m.end()) if near else ""
        parallel = bool(head) and any(
            _head(text, end) == head and not _STOP.search(text, start, m.start()) for start, end in near
        )
        if lex.percent_noun_re.match(text, m.end()) or parallel:
            rule = "percent_noun" if not parallel else "percent_parallel"
            add(Mention(m.start("a"), m.end("a"), float(m["a"]), None, "percent", rule=rule))
    percent_ends = sorted(p.end for p in found if p.unit == "percent")
    for m in number_matches(BARE_END_RE, text, numbers):
        near_ends = percent_ends[bisect_left(percent_ends, m.start() - 199) : bisect_left(percent_ends, m.start())]
        if int(m["a"]) <= 100 and any(not _STOP.search(text, e, m.start()) for e in near_ends):
            before = len(found)
            add(Mention(m.start("a"), m.end("a"), float(m["a"]), None, "percent", rule="percent_list_end"))
            if len(found) > before:
                insort(percent_ends, found[-1].end)  # a list item found here leads the next one too
    for pattern, rule in ((FULL_RE, "count_all_of"), (NUMBER_OF_RE, "count_number_of"), (RATIO_RE, "count_ratio"),
                          (COUNT_RE, "count_lead")):
        for m in number_matches(pattern, text, numbers):
            if lex.not_count_re.match(text, m.end()):
                continue
            value = parse_number(m["a"])
            if value > 0 and _plausible_count(text, m.end(), value, lex) and not _inside_share(text, m.start("a")):
                add(Mention(m.start("a"), m.end("a"), value, None, "count", rule=rule))
    for m in number_matches(COUNT_RANGE_RE, text, numbers):
        low, high = float(m["a"]), float(m["b"])
        if 0 < low < high and not lex.not_count_re.match(text, m.end()):
            add(Mention(m.start("a"), m.end("b"), low, high, "count", rule="count_range"))
    # a list of counts: "50 doanh nghiệp công nghệ số, 200 hợp tác xã ..." (the lead word is shared)
    counts = sorted((c for c in found if c.unit == "count"), key=lambda c: c.start)
    for c in counts:
        last = c
        for m in BARE_RE.finditer(text, c.end, min(len(text), c.end + 200)):
            between = text[last.end : m.start()]
            if _ITEM_STOP.search(between) or not _ITEM_JOIN.search(between):
                continue
            if lex.not_count_re.match(text, m.end()) or _overlaps(taken, m.start("a"), m.end("a")):
                continue
            mention = Mention(m.start("a"), m.end("a"), parse_number(m["a"]), None, "count", rule="count_list")
            add(mention)
            last = mention
    found.sort(key=lambda x: x.start)
    return found
