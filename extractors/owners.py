"""Levels named by an owner, without `cấp` (guide §3 scope; unseen-errors T9, T1-c, L4).

The guide gives a target the administrative level of "the bodies, officials or records it is
about", and names the level "also without `cấp` when a level is named as the owner"
(`cán bộ, công chức xã` → commune). The owner is a noun phrase, read here on underthesea's
words and POS tags rather than on characters, so that `xã` inside `hợp tác xã` or `xã hội`
(one word each) never reads as a commune:

- `owner_of_officials`: officials followed by level words (`công chức phường`) — rule
  `scope_officials_level`;
- `owner_genitive`: the owner after `của` (`văn bản của phòng giáo dục các huyện, thị xã`,
  `hồ sơ của Sở Y tế`, `… của các trường trực thuộc tỉnh`) — rule `scope_owner_genitive`;
- `head_owner`: the subject of the lead that a colon opens a list with (`Các phường của
  thành phố X xác định chỉ tiêu gồm: 100% hồ sơ …; trên 90% thủ tục …`) — rule
  `scope_list_head_owner`, applied by `reading.py` to the items that name no level of their own.

The word classes are fragments of `lexicon/fragments.yaml` (OFFICIAL_NOUN, BODY_NOUN,
PROVINCE_BODY, LEVEL_RELATION, MIXED_LEVEL, OWNER_QUANTIFIER, OWNER_TOPIC, SHARE_NOUN,
POPULATION_NOUN); the level words are those of
`lexicon/scopes.yaml`. A level word before a proper name is a named place (`UBND huyện Đông
Giang`), not a level; `tỉnh` names the province level only after `trực thuộc`/`thuộc` or
`cấp` (`của tỉnh`, `UBND tỉnh` are the province itself: docs/labelling-decisions.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from extractors.lexicon import AT_END, FLAGS, Lexicon, word_key
from extractors.nlp import tagged_spans
from extractors.structure import HEADING_MARK_RE

if TYPE_CHECKING:
    from extractors.context import DocContext

OFFICIALS_RULE = "scope_officials_level"
GENITIVE_RULE = "scope_owner_genitive"
HEAD_RULE = "scope_list_head_owner"

# An owner phrase is short; tagging stops here (POS tagging costs about a millisecond a word).
_MAX_OWNER_CHARS = 160
_NOUNISH = frozenset({"N", "Np", "Nc", "Ny", "Nu", "L", "A", "P"})
_QUANTIFIER_TAGS = frozenset({"L", "P", "A"})  # `các`, `những`, `tất cả`, `nhiều`
_PROPER = frozenset({"Np", "Ny"})
_LEVEL_WORD = "cấp"
_GENITIVE_BEFORE = regex.compile(r"(?<!\w)của\s+$", AT_END)  # searched from the end: one word, the same match


@dataclass(frozen=True)
class _Classes:
    """The word classes an owner phrase is read with, as lower-case word keys, and the cheap
    patterns that find where one may start (only there is the text tagged)."""

    level_of: dict[str, str]  # level word -> scope (scopes.yaml)
    level_alone: tuple[str, ...]  # the words that can name a level wherever they stand (`_may_name_level`)
    province_words: tuple[str, ...]
    province_markers: tuple[str, ...]  # the words that mark a province word as the level
    officials: frozenset[str]
    bodies: frozenset[str]
    province_bodies: frozenset[str]
    relations: frozenset[str]
    mixed: frozenset[str]
    population: regex.Pattern[str]
    officials_at: regex.Pattern[str]  # officials, then a district or commune word
    genitive_at: regex.Pattern[str]  # `của` + an owner head (not `của tỉnh`: the province itself)
    head_at: regex.Pattern[str]  # a lead's subject that may be an owner


def _alternation(words: frozenset[str] | set[str]) -> str:
    return "(?:" + "|".join(regex.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)) + ")"


@lru_cache(maxsize=4)
def _classes(lex: Lexicon) -> _Classes:
    words = {f.id: frozenset(word_key(w) for w in lex.with_variants(f.words)) for f in lex.fragments}
    level_of: dict[str, str] = {word_key(w): s.scope for s in lex.scopes for w in s.words}
    low = _alternation({w for w, scope in level_of.items() if scope != "province"})
    level = _alternation(set(level_of))
    officials = _alternation(words["OFFICIAL_NOUN"])
    heads = _alternation(words["OFFICIAL_NOUN"] | words["BODY_NOUN"] | words["PROVINCE_BODY"])
    quantifier = lex.template(r"(?:{OWNER_QUANTIFIER}\s+)*")
    owner_head = rf"(?:{heads}|{low}|cấp\s+{level})(?!\w)"
    province = {w for w, scope in level_of.items() if scope == "province"}
    return _Classes(
        level_of=level_of,
        level_alone=tuple(sorted((set(level_of) - province) | words["PROVINCE_BODY"])),
        province_words=tuple(sorted(province)),
        province_markers=tuple(sorted(words["LEVEL_RELATION"] | {_LEVEL_WORD})),
        officials=words["OFFICIAL_NOUN"],
        bodies=words["BODY_NOUN"],
        province_bodies=words["PROVINCE_BODY"],
        relations=words["LEVEL_RELATION"],
        mixed=words["MIXED_LEVEL"],
        population=regex.compile(lex.template(r"^\s*(?:(?:{SHARE_NOUN}|{OWNER_QUANTIFIER})\s+)*{POPULATION_NOUN}"), FLAGS),
        officials_at=regex.compile(
            rf"(?<!\w){officials}(?:\s*,?\s*(?:và\s+)?{officials})*\s+(?:các\s+)?(?:cấp\s+)?{low}(?!\w)", FLAGS
        ),
        genitive_at=regex.compile(rf"(?<!\w)của\s+{quantifier}{owner_head}", FLAGS),
        head_at=regex.compile(rf"\s*{quantifier}{owner_head}", FLAGS),
    )


@dataclass(frozen=True)
class Owner:
    """The levels an owner phrase names, and the span of the phrase (offsets in the text read)."""

    scopes: tuple[str, ...]
    start: int
    end: int
    level_spans: tuple[tuple[int, int], ...]  # the stretch of level words alone (officials keep their noun)


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    key: str
    tag: str


def _words(phrase: str) -> list[_Word]:
    """underthesea words of `phrase` with their POS tags (offsets into `phrase`)."""
    if len(phrase) > _MAX_OWNER_CHARS:
        cut = phrase.rfind(" ", 0, _MAX_OWNER_CHARS)
        phrase = phrase[: cut if cut > 0 else _MAX_OWNER_CHARS]
    return [_Word(s, e, word_key(phrase[s:e]), tag) for s, e, tag in tagged_spans(phrase)]


def _read_phrase(words: list[_Word], k: int, cls: _Classes, head_owner: bool) -> Owner | None:
    """The owner noun phrase starting at words[k]: the levels it names, or None when it names none.

    The phrase runs over nouns and determiners, joined by `,`/`và`; it stops at a
    preposition (`của` the parent place, `trên`, `trong`), an adverb (`được` read as R), a
    number, or a verb, unless a determiner or a level word follows the verb (`trực thuộc tỉnh`,
    `phòng giáo dục các huyện`, where the tagger reads `giáo dục` as a verb).

    A level word names a level when it is marked as one: after `cấp`, after a determiner
    (`các xã`, `nhiều phường`), in a list of level words (`xã, phường, thị trấn`), or after
    officials (`công chức phường`, the guide's own example). A bare singular (`xã cũng đặt mục
    tiêu`, `UBND huyện`) is the place itself, as `tỉnh` is: a commune's or district's own plan.
    A province word names the level only after `trực thuộc`/`thuộc` (also `trực thuộc UBND tỉnh`)
    or `cấp`. A department (`Sở`) is a province body: in a genitive it names the province
    alone; at the head of a list it is marked like a level word (`Các sở, ban, ngành`).
    """
    n = len(words)
    start = k
    while k < n and words[k].tag in _QUANTIFIER_TAGS and words[k].key not in cls.level_of:
        k += 1  # `các`, `tất cả các`, `nhiều`
    if k >= n:
        return None
    head = words[k]
    level_after = k + 1 < n and words[k + 1].key in cls.level_of
    if not (
        head.key in cls.officials or head.key in cls.bodies or head.key in cls.province_bodies
        or head.key in cls.level_of or (head.key == _LEVEL_WORD and level_after)  # `Cấp xã:`
    ):
        return None
    officials = head.key in cls.officials
    hits: list[tuple[str, tuple[int, int] | None, bool]] = []  # (scope, level-word span, marked)
    end = head.end
    i = k
    while i < n:
        w = words[i]
        prev = words[i - 1] if i > start else None
        nxt = words[i + 1] if i + 1 < n else None
        quantified = prev is not None and prev.tag in _QUANTIFIER_TAGS
        if w.key in cls.mixed:
            return None
        if i > k and w.key == "của":
            break
        if w.key in (",", "và", "hoặc"):
            if nxt is None or nxt.tag not in _NOUNISH:
                break  # owners are listed (`Sở X và các trường …`, `các sở, ban, ngành`); a clause is not
        elif w.key == _LEVEL_WORD and nxt is not None and nxt.key in cls.level_of:
            hits.append((cls.level_of[nxt.key], (w.start, nxt.end), True))
            end = nxt.end
            i += 2
            continue
        elif w.key in cls.level_of:
            scope = cls.level_of[w.key]
            named_place = nxt is not None and nxt.tag in _PROPER
            if scope == "province":
                before = [x.key for x in words[max(start, i - 2) : i]]
                related = bool(before) and (
                    before[-1] in cls.relations or (len(before) == 2 and before[0] in cls.relations and before[1] in cls.bodies)
                )
                if related and not named_place:
                    hits.append((scope, (w.start, w.end), True))
            elif not named_place:
                hits.append((scope, (w.start, w.end), quantified or officials))
        elif w.key in cls.province_bodies:
            hits.append(("province", None, quantified or not head_owner))
        elif w.tag == "V":
            if nxt is None or not (nxt.tag == "L" or nxt.key in cls.level_of or nxt.tag in _PROPER):
                break
        elif w.tag not in _NOUNISH:
            break
        end = w.end
        i += 1
    listed = len(hits) >= 2
    kept = [(scope, span) for scope, span, marked in hits if marked or listed]
    unique = tuple(dict.fromkeys(scope for scope, _ in kept))
    if not unique:
        return None
    spans = [span for _, span in kept if span is not None]
    level_span = ((spans[0][0], spans[-1][1]),) if spans else ()  # `xã, phường` as one stretch
    return Owner(unique, words[k].start, end, level_span)


def _may_name_level(text: str, cls: _Classes) -> bool:
    """Whether some word of `text` can give `_read_phrase` a level, asked before tagging it: a
    district or commune word or a province body, or a province word with `cấp` or a relation
    word (`trực thuộc`) to mark it; most owners (`của cơ quan quản lý nhà nước`) name none.

    A text test that gives the tagged reading's answer: a word's key (lower case, single spaces)
    is a stretch of the key of the text that holds the word, so a text whose key holds none of
    these words' keys has no such word, and `_read_phrase` finds no level in it."""
    key = word_key(text)
    if any(w in key for w in cls.level_alone):
        return True
    return any(w in key for w in cls.province_words) and any(w in key for w in cls.province_markers)


def _window(text: str, start: int) -> tuple[list[_Word], int]:
    """The tagged words of a short window of `text` from `start`, and the window's offset."""
    return _words(text[start : start + _MAX_OWNER_CHARS]), start


def _shift(owner: Owner, offset: int, start: int | None = None) -> Owner:
    spans = tuple((s + offset, e + offset) for s, e in owner.level_spans)
    return Owner(owner.scopes, (owner.start if start is None else start) + offset, owner.end + offset, spans)


def owner_of_officials(segment: str, lex: Lexicon) -> list[Owner]:
    """Officials followed by level words (`cán bộ, công chức xã`, `công chức phường`)."""
    cls = _classes(lex)
    out: list[Owner] = []
    for m in cls.officials_at.finditer(segment):
        if _GENITIVE_BEFORE.search(segment[: m.start()]):
            continue  # `của cán bộ …` is a genitive owner
        words, offset = _window(segment, m.start())
        owner = _read_phrase(words, 0, cls, head_owner=False)
        if owner is not None and owner.level_spans:
            out.append(_shift(owner, offset))
    return out


def owner_genitive(segment: str, lex: Lexicon) -> list[Owner]:
    """The owners after `của` that name a level (`hồ sơ của UBND các xã`, `của Sở Y tế`)."""
    cls = _classes(lex)
    out: list[Owner] = []
    for m in cls.genitive_at.finditer(segment):
        if out and m.start() < out[-1].end:
            continue
        if not _may_name_level(segment[m.start() : m.start() + _MAX_OWNER_CHARS], cls):
            continue
        words, offset = _window(segment, m.start())
        owner = _read_phrase(words, 1, cls, head_owner=False) if words and words[0].key == "của" else None
        if owner is not None:
            out.append(_shift(owner, offset, start=0))
    return out


# Before a lead's subject: a fronted year phrase or discourse marker and its comma, then a topic
# word (`Đến năm 2026, các xã …`, `Đối với cấp xã: …`, `Tại các phường: …`).
_FRONTED = (
    r"^\s*[-+•*]?\s*(?:(?:{YEAR_PREP}\s+)?(?:(?:năm|giai\s+đoạn)\s+[\d\s–—-]+|{DISCOURSE_MARKER})\s*,\s*)?"
    r"(?:{OWNER_TOPIC}\s+)?"
)


@lru_cache(maxsize=4)
def _fronted(lex: Lexicon) -> regex.Pattern[str]:
    return regex.compile(lex.template(_FRONTED), FLAGS)


def head_owner(lead: str, lex: Lexicon) -> tuple[str, ...]:
    """The levels named by the subject of a list's lead (`Các phường … xác định chỉ tiêu gồm`).

    Only the subject at the head of the lead counts: levels in its genitive (`của thành phố
    X`) are the parent place, and a named place (`Huyện Đông Giang`, `UBND tỉnh X`) is no level.
    """
    cls = _classes(lex)
    m = _fronted(lex).match(lead)
    head = lead[m.end() if m else 0 :]
    if not cls.head_at.match(head) or not _may_name_level(head[:_MAX_OWNER_CHARS], cls):
        return ()
    owner = _read_phrase(_words(head[:_MAX_OWNER_CHARS]), 0, cls, head_owner=True)
    return owner.scopes if owner is not None else ()


def counts_population(indicator: str, lex: Lexicon) -> bool:
    """A share of the population, households or businesses (guide §3: such a share has no scope)."""
    return bool(_classes(lex).population.match(indicator))


def list_lead(ctx: DocContext, pos: int) -> str | None:
    """The lead a colon opens the value's list with: the sentence before its last colon, else the
    heading line ending in a colon that governs the value's paragraph."""
    text = ctx.text
    ss, _ = ctx.sentence_of(pos)
    colon = text.rfind(":", ss, pos)
    if colon != -1:
        return text[ss:colon]
    heading = ctx.heading_before(pos)
    if heading is not None and heading.rstrip().endswith(":"):
        return HEADING_MARK_RE.sub("", heading.rstrip()[:-1], count=1)
    return None
