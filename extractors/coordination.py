"""Measures that share one value (guide §2 "two indicators that share one value are two records").

A plan often states one number for several things at once. Three shapes of the clause say
that the things are distinct measures, and each is read from the words' POS tags, not
from word lists (unseen-errors T7; corpus-dev2 d30):

- coordinated predicates after one subject, each a verb with its own object
  (`100% người dân được tập huấn kỹ năng số và sử dụng ứng dụng X`,
  `100% tổ chức được cấp thẻ, cấp và kích hoạt tài khoản và cài đặt ứng dụng`);
- coordinated clauses, each with its own subject and verb
  (`trên 90% trường học được kết nối cáp quang và học sinh có tài khoản học tập`);
- a repeated head noun, as the object of the value's verb or as the subject before the
  value (`có tài khoản A, tài khoản B`, `chỉ số A và chỉ số B nằm trong nhóm 16`).

One measure over a list of subject groups (`người dân, doanh nghiệp hài lòng`), a list of
bare verbs sharing one object (`số hóa, ký số và lưu trữ hồ sơ`), and a second verb with
only an adjunct (`được ký số và trả cho người dân`, `… và được cung cấp trên nhiều phương
tiện`: the same records, further described) stay one record, as the dev gold has them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from extractors.indicator_text import word_spans, words_in_every_match
from extractors.lexicon import FLAGS, template
from extractors.nlp import phrase_cache
from extractors.pattern_shape import casefolded, may_hold

_PASSIVE = regex.compile(template(r"^(?:{PASSIVE})$"), FLAGS)
_JOINS = {",", "và"}
_VA = regex.compile(r"(?<!\w)và(?!\w)", FLAGS)
_VA_WORDS = words_in_every_match(_VA)  # a text without them is not scanned for the pattern
_AFTER_JOIN = regex.compile(r"(?:,|(?<!\w)và)\s+(?P<word>\w+)", FLAGS)
_MIN_WORDS = 2  # a conjunct of one word is a bare verb or noun of a list, not a measure


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str
    tag: str

    @property
    def noun(self) -> bool:
        return self.tag.startswith("N")

    @property
    def verb(self) -> bool:
        return self.tag.startswith("V")


@phrase_cache
def tagged_words(phrase: str) -> tuple[Word, ...]:
    """The tagged words of `phrase` (its first words: `indicator_text.MAX_TAGGED_CHARS`), cached:
    both measure splitters read the same phrase, and its words are frozen."""
    return tuple(Word(s, e, phrase[s:e], tag) for s, e, tag in word_spans(phrase) if e > s)


def _top_level_joins(words: Sequence[Word]) -> list[int]:
    """Indexes of `,` and `và` outside parentheses."""
    out, depth = [], 0
    for k, w in enumerate(words):
        if w.text == "(":
            depth += 1
        elif w.text == ")":
            depth = max(depth - 1, 0)
        elif depth == 0 and w.text.lower() in _JOINS:
            out.append(k)
    return out


def _first_verb(words: Sequence[Word]) -> int | None:
    """The verb that ends a leading subject noun phrase; a word tagged as a verb right after a
    comma of the subject list (`cơ quan, tổ chức đủ điều kiện`) is one of its nouns."""
    if not words or not words[0].noun:
        return None
    for k, w in enumerate(words):
        if w.verb and k > 0 and words[k - 1].text != ",":
            return k - 1 if k > 1 and _PASSIVE.match(words[k - 1].text) else k  # `được`, whatever its tag
    return None


def _has_object(words: Sequence[Word]) -> bool:
    """A verb (or serial verbs) followed by a noun: the conjunct acts on a thing of its own."""
    for k, w in enumerate(words[:-1]):
        if w.verb:
            j = k + 1
            while j < len(words) and words[j].verb:
                j += 1
            if j < len(words) and words[j].noun:
                return True
    return False


def _takes_object(words: Sequence[Word]) -> bool:
    """The conjunct's own leading verb (or serial verbs) is followed by a noun: it acts on a thing
    of its own. A verb followed by a preposition (`trả cho người dân`, `được cung cấp trên …`)
    only describes the same records further."""
    j = 0
    if len(words) > 2 and words[1].text.lower() == "và":
        j = 2  # `cấp và kích hoạt tài khoản`: two verbs sharing the object
    if j >= len(words) or not words[j].verb:
        return False
    while j < len(words) and words[j].verb:
        j += 1
    return j < len(words) and words[j].noun


def _opens_predicate(words: Sequence[Word], k: int, joins: list[int]) -> bool:
    """The conjunct after join `k` starts with a verb; a single word before `và` + verb counts
    as a verb too (`cấp và kích hoạt tài khoản`: the tagger misreads the first of two verbs)."""
    if k + 1 >= len(words):
        return False
    if words[k + 1].verb:
        return True
    nxt = k + 2
    return nxt + 1 < len(words) and nxt in joins and words[nxt].text.lower() == "và" and words[nxt + 1].verb


def _opens_clause(words: Sequence[Word], k: int) -> bool:
    """The conjunct after `và` is a clause of its own: nouns, then a verb with an object."""
    j = k + 1
    while j < len(words) and words[j].noun:
        j += 1
    return j > k + 1 and j < len(words) and _takes_object(words[j:])


def _pieces(phrase: str, words: Sequence[Word], cuts: list[int]) -> list[str]:
    """The text between the chosen joins."""
    starts = [0] + [words[k].end for k in cuts]
    ends = [words[k].start for k in cuts] + [len(phrase)]
    return [phrase[s:e].strip(" ,") for s, e in zip(starts, ends)]


def split_predicates(right: str) -> list[str] | None:
    """The measures of a value's right part (`100% <subject> <predicate> và <predicate>`), each
    with the shared subject; None when the right part states one measure."""
    if not may_hold(_VA_WORDS, casefolded(right)) or not _VA.search(right):
        return None  # every list of predicates closes with `và`; no need to tag the words
    words = tagged_words(right)
    f = _first_verb(words)
    if f is None:
        return None
    joins = [k for k in _top_level_joins(words) if k > f]
    subject = right[: words[f].start].strip(" ,")
    cuts: list[int] = []
    own_subject: list[bool] = []
    last = f
    for k in joins:
        if k - last < _MIN_WORDS or (k >= 2 and _PASSIVE.match(words[k - 2].text) and words[k - 1].verb):
            continue  # `được định danh và xác thực …`: one passive with two verbs, not two predicates
        if words[k].text.lower() == "và" and _opens_clause(words, k):
            own = True
        elif _opens_predicate(words, k, joins) and _takes_object(words[k + 1 : _conjunct_end(words, k, joins)]):
            own = False
        else:
            continue
        cuts.append(k)
        own_subject.append(own)
        last = k + 1
    if not cuts:
        return None
    if words[cuts[-1]].text.lower() != "và":
        return None  # `A, B` without a closing `và` is a comment or a new clause, not a list of measures
    if not _has_object(words[f : cuts[0]]):
        return None
    if _share_a_noun(words, [f, *[k + 1 for k in cuts]], cuts):
        return None  # `mở dữ liệu và cung cấp dữ liệu mở`: two acts on one thing are one measure
    pieces = _pieces(right, words, cuts)
    first = pieces[0][len(subject) :].strip() if pieces[0].startswith(subject) else pieces[0]
    out = [f"{subject} {first}".strip()]
    for piece, own in zip(pieces[1:], own_subject):
        if len(piece.split()) < 2:
            return None
        out.append(piece if own else f"{subject} {piece}")
    return out


def _share_a_noun(words: Sequence[Word], starts: list[int], cuts: list[int]) -> bool:
    """Two conjuncts act on the same head noun (the first noun after their verbs): one thing.
    Modifiers may repeat (`kỹ năng số`, `chữ ký số` are two things)."""
    ends = [*cuts, len(words)]
    heads = [_object_head(words[s:e]) for s, e in zip(starts, ends)]
    named = [h for h in heads if h]
    return len(set(named)) < len(named)


def _object_head(words: Sequence[Word]) -> str:
    """The first noun after the first verb of a conjunct, lower-cased ("" if none)."""
    k = next((i for i, w in enumerate(words) if w.verb), None)
    if k is None:
        return ""
    return next((w.text.lower() for w in words[k + 1 :] if w.noun), "")


def _conjunct_end(words: Sequence[Word], k: int, joins: list[int]) -> int:
    """Where the conjunct opened at join `k` ends: the next join that opens a verb, or the end."""
    for j in joins:
        if j > k + 1 and _opens_predicate(words, j, joins) and j - k - 1 >= _MIN_WORDS:
            return j
    return len(words)


def _may_repeat_a_head(phrase: str) -> bool:
    """A cheap test before tagging: some word after a `,` or `và` also stands before it."""
    low = phrase.lower()
    if "," not in low and "và" not in low:
        return False  # no join at all (most phrases): no need to scan for one
    for m in _AFTER_JOIN.finditer(low):
        if _has_whole_word(low, m["word"], m.start()):
            return True
    return False


_WORD_CHAR = regex.compile(r"\w", FLAGS)


def _has_whole_word(text: str, word: str, end: int) -> bool:
    """`word` in text[:end], not inside a longer word: a find, not a pattern compiled per word."""
    i = text.find(word, 0, end)
    while i >= 0:
        j = i + len(word)
        if not (i and _WORD_CHAR.match(text, i - 1)) and not (j < end and _WORD_CHAR.match(text, j)):
            return True
        i = text.find(word, i + 1, end)
    return False


def split_repeated_head(phrase: str, after_verb: bool) -> list[str] | None:
    """`có tài khoản A, tài khoản B` / `chỉ số A và chỉ số B`: a head noun repeated after `,` or
    `và` names one measure per repetition. The head is the object of the first verb when
    `after_verb` (the value precedes its subject and verb), else the phrase's first noun."""
    if not _may_repeat_a_head(phrase):
        return None
    words = tagged_words(phrase)
    if not words:
        return None
    joins = _top_level_joins(words)
    if after_verb:
        heads = [k + 1 for k in range(len(words) - 1) if words[k].verb and words[k + 1].noun]
    else:
        heads = [next((k for k, w in enumerate(words) if w.noun), -1)]
    for head in heads:
        if head < 0:
            continue
        name = words[head].text.lower()
        cuts = [k for k in joins if k > head and k + 2 < len(words) and words[k + 1].text.lower() == name]
        if cuts:
            break
    else:
        return None
    if len(cuts) == 1 and words[cuts[0]].text == ",":
        return None  # two items joined by a bare comma may restate one thing (`chính quyền điện tử, chính quyền số`)
    prefix = phrase[: words[head].start]
    pieces = _pieces(phrase, words, cuts)
    pieces[0] = pieces[0][len(prefix.strip(" ,")) :].strip() if prefix.strip() else pieces[0]
    if any(len(p.split()) <= len(name.split()) for p in pieces):
        return None  # a bare repetition (`hồ sơ, hồ sơ`) names no measure of its own
    if len({p.lower() for p in pieces}) < len(pieces):
        return None
    return [f"{prefix.strip()} {p}".strip() for p in pieces]
