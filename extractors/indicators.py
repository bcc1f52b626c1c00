"""Targets to the national indicators they restate: one `indicator_id` per target, with the rule that matched.

Provinces word the same national measure in many ways (`tỷ trọng KTS trong GRDP`, `kinh tế
số chiếm … GRDP`, `đóng góp của kinh tế số vào GRDP`); a comparison across provinces needs
one id for all of them.  The catalogue and its rules are data (`lexicon/indicators.yaml`);
this module only normalises a target's indicator text to whole syllables and tries the rules
in file order.  It reads the indicator text, unit and pillar only — never the document — so
one rule serves every plan and nothing is tuned to a single file.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeVar

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from extractors.lexicon import LEXICON_DIR, fold
from extractors.nlp import phrase_cache

DATA = LEXICON_DIR / "indicators.yaml"
UnitName = Literal["percent", "rank", "count"]
PillarName = Literal["government", "economy", "society"]
_SYLLABLE_RE = regex.compile(r"\w+", regex.UNICODE)
_Model = TypeVar("_Model", bound=BaseModel)


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    document: str
    section: str = Field(min_length=1)


class NationalValue(BaseModel):
    """One national figure: the value the nation sets for a year (and a level, for per-level targets)."""

    model_config = ConfigDict(extra="forbid")
    year: int = Field(ge=2000, le=2100)
    value: float
    comparator: Literal["=", ">=", ">", "<=", "<", "~"]
    scope: Literal["province", "district", "commune"] | None = None
    source: str


class Phrasing(BaseModel):
    """A plan's wording of the indicator and the corpus document it was read in."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1)
    doc: str = Field(pattern=r"^(corpus|corpus-dev|corpus-dev2)/[\w.-]+$")


class Rule(BaseModel):
    """Syllable phrases that must all, at least one of, and none of occur in the indicator text.

    An `all` entry may list alternatives separated by ` | ` (`thôn | bản | xã`): one of them must occur.
    `whole` phrases match only the entire indicator text: a bare `kinh tế số` percentage is the
    share of GRDP, while `kinh tế số ngành nông nghiệp` is not.
    """

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    all: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)
    none: list[str] = Field(default_factory=list)
    whole: list[str] = Field(default_factory=list)
    units: list[UnitName] | None = None
    pillars: list[PillarName] | None = None

    @model_validator(mode="after")
    def _says_something(self) -> Rule:
        if not self.all and not self.any and not self.whole:
            raise ValueError(f"rule {self.id}: needs an `all`, `any` or `whole` phrase")
        return self


class Indicator(BaseModel):
    """One national indicator of the catalogue."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^(gov|eco|soc|dti)\.[a-z0-9_]+$")
    name: str = Field(min_length=1)
    official: str = Field(min_length=1)
    pillar: PillarName | None
    unit: UnitName
    sources: list[Source] = Field(min_length=1)
    national: list[NationalValue]
    phrasings: list[Phrasing] = Field(min_length=1)
    no_match: list[str] = Field(default_factory=list)
    rules: list[Rule] = Field(min_length=1)


class Catalogue(BaseModel):
    """The whole file; every id unique and every source a listed document."""

    model_config = ConfigDict(extra="forbid")
    documents: dict[str, str] = Field(min_length=1)
    abbreviations: dict[str, str]
    indicators: list[Indicator] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        seen: set[str] = set()
        for ind in self.indicators:
            for rid in (ind.id, *(r.id for r in ind.rules)):
                if rid in seen:
                    raise ValueError(f"id {rid!r} used twice")
                seen.add(rid)
            refs = [s.document for s in ind.sources] + [n.source for n in ind.national]
            unknown = sorted(set(refs) - set(self.documents))
            if unknown:
                raise ValueError(f"{ind.id}: unknown source document(s) {', '.join(unknown)}")
        return self


def _word_runs(text: str) -> list[str]:
    """`_SYLLABLE_RE.findall(text)`, the runs of word characters, at a fraction of its cost.

    The `regex` module reads `\\w` through Unicode property tables, ~0.15 µs a character. White
    space is never a word character and a letter (`str.isalpha`) always is (both checked over every
    code point in tests/test_indicators.py), so the runs are those of each white-space token: a
    token of letters only (nearly every syllable) is one run as it stands; only a token holding a
    digit, a mark or punctuation (`(KTS)`, `4.0`) is handed to the pattern.
    """
    found: list[str] = []
    for token in text.split():
        if token.isalpha():
            found.append(token)
        else:
            found.extend(_SYLLABLE_RE.findall(token))
    return found


def syllables(text: str, abbreviations: dict[str, str] | None = None) -> list[str]:
    """Lower-case syllables in new-style tone placement, abbreviations spelt out."""
    found = _word_runs(fold(unicodedata.normalize("NFC", text)).lower())
    if not abbreviations or abbreviations.keys().isdisjoint(found):
        return found
    out: list[str] = []
    for syl in found:
        expansion = abbreviations.get(syl)
        out.extend(expansion.split() if expansion else [syl])
    return out


def _padded(sylls: list[str]) -> str:
    return " " + " ".join(sylls) + " "


@dataclass(frozen=True)
class Match:
    """Which indicator a target restates, and by which rule."""

    indicator_id: str
    rule_id: str


@dataclass(frozen=True)
class _Compiled:
    indicator: str
    rule: str
    all: tuple[tuple[str, ...], ...]  # each entry: alternatives, one of which must occur
    any: tuple[str, ...]
    none: tuple[str, ...]
    whole: frozenset[str]
    units: frozenset[str]
    pillars: frozenset[str] | None


class Matcher:
    """The catalogue's rules, normalised once."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.by_id = {ind.id: ind for ind in catalogue.indicators}
        abbr = {fold(k).lower(): fold(v).lower() for k, v in catalogue.abbreviations.items()}
        self.abbreviations = abbr

        def phrases(words: list[str]) -> tuple[str, ...]:
            return tuple(_padded(syllables(w, abbr)) for w in words)

        def alternatives(words: list[str]) -> tuple[tuple[str, ...], ...]:
            return tuple(phrases(w.split(" | ")) for w in words)

        self.rules = [
            _Compiled(ind.id, r.id, alternatives(r.all), phrases(r.any), phrases(r.none),
                      frozenset(phrases(r.whole)), frozenset(r.units or [ind.unit]), frozenset(r.pillars) if r.pillars else None)
            for ind in catalogue.indicators for r in ind.rules
        ]
        # every phrase a rule looks for: each is looked for once per indicator text, not once per rule
        self.phrases = tuple(sorted({p for r in self.rules for p in (*(a for alts in r.all for a in alts), *r.any, *r.none)}))
        # ... and found from the text's syllables: only the phrases that start with one of them are
        # looked for (a padded phrase occurs in the padded text exactly where its syllables follow one another)
        self.by_first: dict[str, list[str]] = {}
        self.empty = tuple(p for p in self.phrases if not p.split())
        for p in self.phrases:
            if p.split():
                self.by_first.setdefault(p.split()[0], []).append(p)
        self.first_syllables = frozenset(self.by_first)  # a set: intersected from the text's few syllables
        # the rules a text can satisfy: a rule's `all`/`any` test fails unless one of its trigger
        # phrases (the alternatives of its first `all` entry, else its `any` phrases) is present,
        # and its `whole` test needs the text itself; `match` tries only those rules, in file order
        self.by_trigger: dict[str, list[int]] = {}
        self.by_whole: dict[str, list[int]] = {}
        for i, r in enumerate(self.rules):
            for p in r.all[0] if r.all else r.any:
                self.by_trigger.setdefault(p, []).append(i)
            for text in r.whole:
                self.by_whole.setdefault(text, []).append(i)

    def _present(self, sylls: list[str], text: str) -> set[str]:
        """The catalogue phrases that occur in `text` (the padded `sylls`)."""
        by_first = self.by_first
        found = {p for syl in self.first_syllables.intersection(sylls) for p in by_first[syl] if p in text}
        if self.empty:
            found.update(p for p in self.empty if p in text)
        return found

    def match(self, indicator: str, unit: str, pillar: str | None = None) -> Match | None:
        """The first rule that the indicator text, unit and pillar satisfy; None when none fits."""
        sylls = syllables(indicator, self.abbreviations)
        text = _padded(sylls)
        present = self._present(sylls, text)
        tried = {i for p in present for i in self.by_trigger.get(p, ())}
        whole = self.by_whole.get(text)
        if whole:
            tried.update(whole)
        for i in sorted(tried):
            r = self.rules[i]
            if unit not in r.units:
                continue
            if r.pillars is not None and pillar is not None and pillar not in r.pillars:
                continue
            if r.whole and text in r.whole:
                return Match(r.indicator, r.rule)
            if not (r.all or r.any) or not present.isdisjoint(r.none):
                continue
            if all(not present.isdisjoint(alts) for alts in r.all) and (not r.any or not present.isdisjoint(r.any)):
                return Match(r.indicator, r.rule)
        return None


def load_data(path: Path, model: type[_Model]) -> _Model:
    """Read and validate a data file; a bad one fails in one line naming the file and the field."""
    try:
        with path.open(encoding="utf-8") as fh:
            return model.model_validate(yaml.safe_load(fh))
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{path}: {loc + ': ' if loc else ''}{first['msg']}") from exc
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: {' '.join(str(exc).split())}") from exc


def load_catalogue(path: Path = DATA) -> Catalogue:
    """The indicator catalogue, validated."""
    return load_data(path, Catalogue)


@lru_cache(maxsize=1)
def get_matcher() -> Matcher:
    """The compiled catalogue, once per process."""
    return Matcher(load_catalogue())


@phrase_cache
def match_indicator(indicator: str, unit: str, pillar: str | None = None) -> Match | None:
    """`indicator_id` and rule of one target, from its own fields (the records of one value, one
    per level, and restated measures share them: each is matched once until `clear_caches`)."""
    return get_matcher().match(indicator, unit, pillar)
