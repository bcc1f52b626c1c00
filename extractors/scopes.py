"""Scopes a value's segment names (guide §3: `cấp tỉnh, huyện và xã`, `các cơ quan thành phố`,
and a level named as the owner without `cấp`: `công chức phường`, `hồ sơ của UBND các xã`).

The scope words are data (`lexicon/scopes.yaml`); the shapes that list them are here, the
owner phrases in `owners.py`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import regex

from extractors.lexicon import FLAGS, Lexicon, template
from extractors.owners import GENITIVE_RULE, OFFICIALS_RULE, owner_genitive, owner_of_officials
from extractors.pattern_shape import casefolded, may_hold, required_words

# Words live in `lexicon/fragments.yaml` (each with examples run through the pattern that uses it);
# the shapes stay here.
# A range of levels (`từ cấp tỉnh đến/xuống cấp xã`) names every level in it (clarified guide §2;
# unseen-errors T13).
_RANGE = regex.compile(template(r"{LEVEL_NOUN}\s+\S+\s*{LEVEL_RANGE_WORD}\s"), FLAGS)
_LEVELS = ("province", "district", "commune")
_BODIES = regex.compile(template(r"{PROVINCE_BODIES}"), FLAGS)
_BEFORE_LEVEL = regex.compile(template(r"^.*?(?={LEVEL_NOUN}|{LOWER_LEVEL})"), FLAGS)
# What opens a list of levels (`ở cấp`, `(từ cấp`), and joins its levels (`, `, ` và cấp `, ` đến `).
LEVEL_LEAD = regex.compile(template(r"(?:{SCOPE_PREP}\s+)?\(?(?:{RANGE_FROM}\s+)?{LEVEL_NOUN}\s+"), FLAGS)
_LEVEL_JOIN = template(r"\s*(?:,|{CONJ}|-|{LEVEL_RANGE_WORD})\s*(?:{LEVEL_NOUN}\s+)?")
# The province's own bodies (`các cơ quan (cấp) tỉnh`).
BODIES_PHRASE = regex.compile(
    template(r"(?:{BODY_PREP}\s+)?{PROVINCE_BODIES}\s+(?:{LEVEL_NOUN}\s+)?{PROVINCE_LEVEL}(?!\w)"), FLAGS
)


@lru_cache(maxsize=4)
def _scope_patterns(lex: Lexicon) -> tuple[regex.Pattern[str], dict[str, regex.Pattern[str]]]:
    """Scope phrases (`cấp tỉnh, huyện và xã`, `các cơ quan thành phố`), compiled once per lexicon."""
    level = "|".join(f"(?:{p})" for p in lex.scope_words.values())
    listed = (
        LEVEL_LEAD.pattern + r"(?:" + level + r")(?:" + _LEVEL_JOIN + r"(?:" + level + r"))*\)?|" + BODIES_PHRASE.pattern
    )
    each: dict[str, regex.Pattern[str]] = {scope: regex.compile(p, FLAGS) for scope, p in lex.scope_words.items()}
    return regex.compile(listed, FLAGS), each


class ScopeFind(NamedTuple):
    """The scopes a segment names, the spans naming them (not part of the indicator) and, for a
    scope named without `cấp`, the rule that read it (`chitieu explain`)."""

    scopes: list[str]
    spans: list[tuple[int, int]]
    rules: dict[str, str]


def find_scopes(segment: str, lex: Lexicon, owners: bool = True) -> ScopeFind:
    """Scopes named in a value's segment, in guide order, and the spans that named them.

    `owners=False` reads only `cấp` phrases: a share of the population, households or
    businesses has no scope, whoever their owner (guide §3), so its owner phrase names none.
    """
    listed, each = _scope_patterns(lex)
    scopes: list[str] = []
    spans: list[tuple[int, int]] = []
    rules: dict[str, str] = {}
    # every scope phrase holds a word the pattern requires (`cấp`, `quan`): most segments hold none, unscanned
    held = may_hold(required_words(listed.pattern, listed.flags), casefolded(segment))
    for m in listed.finditer(segment) if held else ():
        spans.append((m.start(), m.end()))
        phrase = m.group(0)
        if _BODIES.search(phrase):
            hits = [(0, "province")]
        else:
            body = _BEFORE_LEVEL.sub("", phrase, count=1)
            hits = []
            for scope, pattern in each.items():
                hits.extend((w.start(), scope) for w in pattern.finditer(body))
        named = [scope for _, scope in sorted(hits)]
        if len(named) == 2 and _RANGE.search(phrase):
            a, b = sorted(_LEVELS.index(x) for x in named)
            named = list(_LEVELS[a : b + 1])
        for scope in named:
            if scope not in scopes:
                scopes.append(scope)
    # a level named as the owner, without `cấp` (guide §3; unseen-errors T9, T1-c)
    readers = ((OFFICIALS_RULE, owner_of_officials), (GENITIVE_RULE, owner_genitive)) if owners else ()
    for rule, reader in readers:
        for owner in reader(segment, lex):
            spans.extend(owner.level_spans if rule == OFFICIALS_RULE else [(owner.start, owner.end)])
            for scope in owner.scopes:
                if scope not in scopes:
                    scopes.append(scope)
                    rules[scope] = rule
    return ScopeFind(scopes, sorted(spans), rules)
