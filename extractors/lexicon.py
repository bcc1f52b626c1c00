"""The rule data of `extractors/lexicon/*.yaml`, validated and compiled once.

Rules live apart from the matching code so that an analyst can read and extend them;
every entry carries example sentences (`match` / `no_match`) that become tests.
Loading goes through pydantic models with `extra="forbid"`, so a misspelt key or an
empty word list fails at import with the file named, not later as a silent miss.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import regex
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter

from extractors.pattern_shape import casefolded, may_hold, required_words
from extractors.trie import trie_pattern
from schemas.plan import Comparator, Direction, Pillar, Scope

LEXICON_DIR = Path(__file__).parent / "lexicon"
FLAGS = regex.IGNORECASE | regex.UNICODE | regex.V0
# For patterns anchored at the end (`…\s*$`) of the words before a value: searched from the end, they
# are tried there only instead of at every character (the same match: their alternations are
# longest first; tests/test_lexicon.py checks forward and reverse agree).
AT_END = FLAGS | regex.REVERSE


def values_of(enum: type[Enum]) -> AfterValidator:
    """A field that takes exactly the values of a record enum, kept as plain text.

    Why: `schemas/plan.py` is the one definition of what a comparator, direction, scope or
    pillar can be; the lexicon validates against it instead of restating the values as a
    `Literal`, so a value added there is accepted here and a typo in a YAML file fails at
    load with the allowed values named.  The entry keeps the plain string (not the enum
    member), which is what the matching code compares and keys its tables by.
    """
    allowed = [str(member.value) for member in enum]

    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"{value!r} is not a {enum.__name__} (one of {', '.join(allowed)})")
        return value

    return AfterValidator(check)


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    match: list[str] = Field(default_factory=list)
    no_match: list[str] = Field(default_factory=list)
    note: str = Field(min_length=1)


class WordsEntry(_Entry):
    words: list[str] = Field(min_length=1)


class ComparatorEntry(WordsEntry):
    comparator: Annotated[str, values_of(Comparator)]
    position: Literal["before", "after"]


class DirectionEntry(WordsEntry):
    direction: Annotated[str, values_of(Direction)]


class ScopeEntry(WordsEntry):
    scope: Annotated[str, values_of(Scope)]


class PillarEntry(WordsEntry):
    pillar: Annotated[str, values_of(Pillar)]


class CueEntry(_Entry):
    kind: Literal[
        "achieved", "reported", "report_heading", "forward", "aim", "national", "not_digital", "progress",
        # documents.yaml: finding the text's own document (guide §4)
        "doc_metadata_number", "doc_metadata_date", "doc_carried_out", "doc_implemented", "doc_subject_verb",
        "doc_generic",
    ]
    pattern: str = Field(min_length=1)


class FragmentEntry(WordsEntry):
    """A named word set that code patterns refer to as `{NAME}`."""

    # the compiled patterns (`module:NAME`) that use it: its examples are run through them
    used_by: list[str] = Field(default_factory=list)


class VariantEntry(BaseModel):
    """A spelling variant or typo of a standard word, with the document it was seen in."""

    model_config = ConfigDict(extra="forbid")
    id: str
    variant: str = Field(min_length=1)
    of: str = Field(min_length=1)
    source: str = Field(min_length=1)
    match: list[str] = Field(min_length=1)
    note: str = Field(min_length=1)


class IndicatorRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    strip_left: list[str] = Field(min_length=1)
    strip_right: list[str] = Field(min_length=1)
    drop_anywhere: list[str] = Field(default_factory=list)
    clause_openers: list[str] = Field(min_length=1)


class CountRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    not_count_nouns: list[str] = Field(min_length=1)
    population_size: int = Field(gt=0)
    digital_kinds: list[str] = Field(min_length=1)
    percent_nouns: list[str] = Field(min_length=1)


class DocType(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    code: str


class ProvinceList(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provinces: list[str] = Field(min_length=63)
    merged_2025: list[str]
    aliases: dict[str, str]
    national_bodies: list[str] = Field(min_length=1)


class LexiconError(ValueError):
    """A lexicon file that does not parse or validate."""


def _load(name: str) -> object:
    path = LEXICON_DIR / name
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as exc:
        raise LexiconError(f"{path}: {exc}") from exc


def words_pattern(words: list[str]) -> str:
    """An alternation of whole words, longest first, refusing an empty list."""
    if not words or not all(w.strip() for w in words):
        raise ValueError("empty word in a lexicon alternation")
    parts = []
    for w in sorted(words, key=len, reverse=True):
        body = regex.escape(w).replace(r"\ ", r"\s+")
        # word boundaries only where the word has word characters at its edge ("≥" needs none)
        head = r"(?<!\w)" if regex.match(r"\w", w) else ""
        tail = r"(?!\w)" if regex.search(r"\w$", w) else ""
        parts.append(head + body + tail)
    return "(?:" + "|".join(parts) + ")"


def loose_pattern(words: list[str]) -> str:
    """An alternation that occurs wherever any of `words` does, however spaced and with no word
    boundaries: a cheap test that is true of every phrase where an underthesea word equals one
    of them, run before segmenting or tagging the phrase."""
    if not words or not all(w.strip() for w in words):
        raise ValueError("empty word in a lexicon alternation")
    return "(?:" + "|".join(regex.escape(w).replace(r"\ ", r"\s*") for w in words) + ")"


_FRAGMENT_REF = regex.compile(r"\{([A-Z][A-Z_]*)\}")


def word_key(word: str) -> str:
    """A word as a table key: lower case, single spaces."""
    return " ".join(word.lower().split())


class Lexicon:
    """All rule data, compiled: built once per process by `get_lexicon()`."""

    def __init__(self) -> None:
        self.comparators = TypeAdapter(list[ComparatorEntry]).validate_python(_load("comparators.yaml"))
        self.directions = TypeAdapter(list[DirectionEntry]).validate_python(_load("directions.yaml"))
        self.scopes = TypeAdapter(list[ScopeEntry]).validate_python(_load("scopes.yaml"))
        self.pillars = TypeAdapter(list[PillarEntry]).validate_python(_load("pillars.yaml"))
        self.cues = TypeAdapter(list[CueEntry]).validate_python(_load("cues.yaml")) + TypeAdapter(
            list[CueEntry]
        ).validate_python(_load("documents.yaml"))
        self.fragments = TypeAdapter(list[FragmentEntry]).validate_python(_load("fragments.yaml"))
        self.variants = TypeAdapter(list[VariantEntry]).validate_python(_load("variants.yaml"))
        self.indicator = IndicatorRules.model_validate(_load("indicator.yaml"))
        self.counts = CountRules.model_validate(_load("counts.yaml"))
        self.doctypes = TypeAdapter(list[DocType]).validate_python(_load("doctypes.yaml"))
        self.provinces = ProvinceList.model_validate(_load("provinces.yaml"))
        ids = [c.id for c in self.cues]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise LexiconError(f"{LEXICON_DIR / 'cues.yaml'}: entry id used twice: {', '.join(dup)}")
        self._compile()

    def cue(
        self, kind: str, text: str, pos: int = 0, endpos: int | None = None, folded: str | None = None
    ) -> tuple[str, regex.Match[str]] | None:
        """The first entry of `kind` (file order) whose pattern occurs in text[pos:endpos]: its id and match.

        Most windows hold no cue of the kind. When every entry has words one of which each of
        its matches holds (`pattern_shape.required_words`), a window none of an entry's words
        is in is not searched for it; otherwise one search of the kind's union answers that.
        `folded` is `casefolded(text[pos:endpos])` when the caller has it (a slice of a document
        case-folded once, `CueIndex.window_cue`): folding a window costs more than looking its words up.
        """
        end = len(text) if endpos is None else endpos
        entries = self.cue_entries.get(kind, ())
        required = self.cue_required.get(kind, ())
        if required and folded is None:
            folded = casefolded(text[pos:end])
        if required and not may_hold(self.cue_words[kind], folded):
            return None
        if not required and len(entries) > 1 and not self.cue_re[kind].search(text, pos, end):
            return None
        for i, (entry_id, pattern) in enumerate(entries):
            if required and not may_hold(required[i], folded):
                continue
            m = pattern.search(text, pos, end)
            if m:
                return entry_id, m
        return None

    def with_variants(self, words: list[str]) -> list[str]:
        """`words` and the spelling variants (`variants.yaml`) of any of them."""
        extra = [v.variant for v in self.variants if v.of in words and v.variant not in words]
        return words + extra

    def comparator_before(self, text: str) -> tuple[str, str, int] | None:
        """The comparator word ending `text`, longest match over every entry: (comparator, entry id, start).

        `cmp_before_re` is compiled from the end (`AT_END`) and tried there once (`.match`): a
        failing `.search` would try every character of a long left part.
        """
        m = self.cmp_before_re.match(text)
        if m is None:
            return None
        comparator, entry = self.comparator_of(m.group(1))
        return comparator, entry, m.start()

    def comparator_of(self, word: str) -> tuple[str, str]:
        """(comparator, entry id) of one comparator word as written in the text."""
        return self.comparator_words[word_key(word)]

    def fragment_words(self, name: str) -> list[str]:
        """The words of one fragment (`fragments.yaml`) with their spelling variants."""
        for f in self.fragments:
            if f.id == name:
                return self.with_variants(f.words)
        raise LexiconError(f"{LEXICON_DIR / 'fragments.yaml'}: no fragment named {name}")

    def template(self, pattern: str) -> str:
        """`pattern` with each `{NAME}` replaced by that fragment's alternation (refusing an unknown name)."""

        def repl(m: regex.Match[str]) -> str:
            name = m.group(1)
            if name not in self.fragment_re:
                raise LexiconError(f"{LEXICON_DIR / 'fragments.yaml'}: no fragment named {name}")
            return self.fragment_re[name]

        return _FRAGMENT_REF.sub(repl, pattern)

    def _compile_comparators(self) -> None:
        """One longest-match table over all comparator entries: the longest word ending the text wins."""
        self.comparator_words: dict[str, tuple[str, str]] = {}
        by_position: dict[str, list[str]] = {"before": [], "after": []}
        for c in self.comparators:
            for w in self.with_variants(c.words):
                key = word_key(w)
                if key in self.comparator_words:
                    raise LexiconError(
                        f"{LEXICON_DIR / 'comparators.yaml'}: {w!r} is in both {self.comparator_words[key][1]} and {c.id}"
                    )
                self.comparator_words[key] = (c.comparator, c.id)
                by_position[c.position].append(w)
        self.fragment_re["COMPARATOR_BEFORE"] = words_pattern(by_position["before"])
        self.fragment_re["COMPARATOR_AFTER"] = words_pattern(by_position["after"])
        self.cmp_before_re = regex.compile("(" + self.fragment_re["COMPARATOR_BEFORE"] + r")\s*$", AT_END)
        self.cmp_after_re = regex.compile(r"^\s*(" + self.fragment_re["COMPARATOR_AFTER"] + ")", FLAGS)

    def _compile(self) -> None:
        self.fragment_re = {f.id: words_pattern(self.with_variants(f.words)) for f in self.fragments}
        self._compile_comparators()
        # Many entries per kind, in file order; a kind's union answers "any cue of this kind?".
        by_kind: dict[str, list[tuple[str, regex.Pattern[str]]]] = {}
        for c in self.cues:
            by_kind.setdefault(c.kind, []).append((c.id, regex.compile(c.pattern, FLAGS)))
        self.cue_entries = {kind: tuple(entries) for kind, entries in by_kind.items()}
        # per kind, each entry's required words, when every entry of the kind has some, and all of them
        self.cue_required: dict[str, tuple[tuple[str, ...], ...]] = {}
        for kind, entries in by_kind.items():
            words = [required_words(p.pattern, p.flags) for _, p in entries]
            if all(w is not None for w in words):
                self.cue_required[kind] = tuple(w for w in words if w is not None)
        self.cue_words = {kind: tuple(sorted({w for ws in req for w in ws})) for kind, req in self.cue_required.items()}
        self.cue_re = {
            kind: regex.compile("|".join(f"(?:{c.pattern})" for c in self.cues if c.kind == kind), FLAGS)
            for kind in by_kind
        }
        self.direction_before = [
            (regex.compile(words_pattern(d.words) + r"\s*$", AT_END), d.direction)
            for d in sorted(self.directions, key=lambda d: d.direction != "level")
        ]
        self.direction_ids = {d.direction: d.id for d in self.directions}
        self.scope_words = {s.scope: words_pattern(s.words) for s in self.scopes}
        self.pillar_words = [(regex.compile(words_pattern(p.words), FLAGS), p.pillar) for p in self.pillars]
        self.pillar_any = words_pattern([w for p in self.pillars for w in p.words])
        self.strip_left = [regex.compile(r"^\s*(?:" + p + r")", FLAGS) for p in self.indicator.strip_left]
        self.strip_right = [regex.compile(r"(?:" + self.template(p) + r")$", FLAGS) for p in self.indicator.strip_right]
        self.clause_openers = frozenset(w.lower() for w in self.indicator.clause_openers)
        self.drop_anywhere = [regex.compile(p, FLAGS) for p in self.indicator.drop_anywhere]
        self.not_count_re = regex.compile(r"\s*" + words_pattern(self.counts.not_count_nouns), FLAGS)
        self.digital_kind_re = regex.compile(words_pattern(self.counts.digital_kinds), FLAGS)
        self.percent_noun_re = regex.compile(r"\s*" + words_pattern(self.counts.percent_nouns), FLAGS)
        self.doctype_re = regex.compile(words_pattern([d.name for d in self.doctypes]), FLAGS)
        names = self.provinces.provinces + self.provinces.merged_2025
        self.province_canon = {fold(n): n for n in names}
        for alias, canon in self.provinces.aliases.items():
            self.province_canon[fold(alias)] = canon
        variants = sorted({fold(n) for n in self.province_canon}, key=len, reverse=True)
        self.province_re = regex.compile(province_pattern(variants), FLAGS)
        self.national_re = regex.compile(words_pattern(self.provinces.national_bodies), FLAGS)


def province_pattern(names: list[str]) -> str:
    r"""One pattern for the province names (a trie, longest first), each a whole word.

    Before a word character `\b` holds exactly where `(?<!\w)` does (`regex` reads `\w` alike for
    both without the WORD flag; tests/test_lexicon.py checks it over every code point), and
    `regex` scans for `\b` about twice as fast as for the look-behind: the names are searched
    over every document's text and many clauses. Every name opens with a word character; one
    that did not would keep the look-behind.
    """
    head = r"\b" if all(regex.match(r"\w", n) for n in names) else r"(?<!\w)"
    return head + "(" + trie_pattern(names) + r")(?!\w)"


# Old ("hoà", "thuỷ") and new ("hòa", "thủy") tone placement, folded to one form for matching.
_OLD_TONE = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}


def _old_tone_pattern() -> str:
    """An `o`/`u` then a toned vowel, each in both cases (`[oOuU][àá…ỳý…ÀÁ…ỲÝ…]`): every old-tone
    pair, and a few pairs that are none (`uà`, `oỳ`), which `fold` keeps as written.

    One set of first letters, one of second letters, matched with case: the standard `re` skips
    to the places a pattern's first set holds far faster than `regex`, or `re`, tries an
    alternation at every character, and `fold` reads every document and many windows (about a
    third fewer instructions than the alternation of the pairs in `regex`). The same pairs as
    the pairs matched ignoring case (tests/test_lexicon.py checks that no other character matches
    their letters ignoring case). A match that is no pair hides none: its second letter starts none.
    """
    firsts = sorted({pair[0] for pair in _OLD_TONE})
    seconds = sorted({pair[1] for pair in _OLD_TONE})
    return "[" + "".join(f + f.upper() for f in firsts) + "][" + "".join(seconds) + "".join(seconds).upper() + "]"


_OLD_TONE_RE = re.compile(_old_tone_pattern())


def _new_tone(m: re.Match[str]) -> str:
    """One pair matched by `_OLD_TONE_RE` in new-style tone placement, keeping each letter's case."""
    pair = m.group(0)
    new = _OLD_TONE.get(pair.lower())
    if new is None:
        return pair  # `uà`, `oỳ`: not an old-tone pair
    return "".join(n.upper() if o.isupper() else n for o, n in zip(pair, new))


def fold(text: str) -> str:
    """Same length, new-style tone placement (`hoà` → `hòa`): for matching only."""
    return _OLD_TONE_RE.sub(_new_tone, text)


def splits_old_tone(text: str, pos: int) -> bool:
    """Whether `pos` falls inside an old-tone pair of `text` (`o|à`).

    `fold` rewrites each pair in place and pairs never overlap (the first letter is a plain `o`
    or `u`, the second a toned vowel), so `fold(text)[a:b] == fold(text[a:b])` unless `a` or `b`
    splits a pair: a document is folded once and its windows sliced.
    """
    return 0 < pos < len(text) and text[pos - 1 : pos + 1].lower() in _OLD_TONE


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    """The compiled lexicon, loaded once per process."""
    return Lexicon()


def template(pattern: str) -> str:
    """`pattern` with `{NAME}` fragments of the process lexicon filled in: for module-level patterns."""
    return get_lexicon().template(pattern)
