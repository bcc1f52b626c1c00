"""Guide §2 restatements: a commitment stated twice is one record, and a carried year that contradicts is withdrawn.

`MERGE_RULES` is an ordered registry: for each record, the first rule that finds an earlier
kept record it restates merges the two (the kept one may take the later one's year, pillar
or wording), and a number none of whose records is kept becomes a `Drop` with that rule's id.
Records are frozen; a merge returns new ones.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from extractors.filters import RESTATEMENT
from extractors.nlp import phrase_cache
from extractors.numbers import Mention
from extractors.overlap import set_overlap, syllables
from extractors.types import Candidate, Drop
from extractors.years import WEAK_YEARS

Records = tuple[Candidate, ...]
HEADLINE_RESTATEMENT = "headline_restatement"


@phrase_cache
def _syllables(indicator: str) -> frozenset[str]:
    """`overlap.syllables` of an indicator, read once: a kept record is compared with every later one of its value."""
    return frozenset(syllables(indicator))


def _overlap(a: str, b: str) -> float:
    """`indicator_overlap` of two indicators, from their syllable sets read once each (`_syllables`)."""
    return set_overlap(_syllables(a), _syllables(b))


def drop_conflicting_carry(cands: Records) -> Records:
    """A year carried from an earlier paragraph cannot give one measure two values.

    When a paragraph whose year was carried restates measures already set for that year
    with other values, it belongs to another horizon: its carried year is withdrawn and
    the section's or document's year (or none) applies.

    Earlier records are indexed by (year, unit, scope) and then by their indicator's syllables,
    as paragraphs are passed, so the pass is linear in the number of records, not quadratic
    (issue 12 item 10): a measure can only conflict with one of its own year, unit and scope.
    """
    out = list(cands)
    carried_in: dict[int, list[int]] = {}
    for i, c in enumerate(cands):
        if c.year_source == "carried":
            carried_in.setdefault(c.paragraph_start, []).append(i)
    if not carried_in:
        return cands
    order = sorted(range(len(out)), key=lambda i: out[i].paragraph_start)
    seen: dict[tuple[Any, ...], dict[frozenset[str], set[tuple[Any, Any]]]] = {}
    added = 0
    for para in sorted(carried_in):
        while added < len(order) and out[order[added]].paragraph_start < para:
            p = out[order[added]]
            sp = _syllables(p.indicator)
            if sp:
                seen.setdefault((p.deadline_year, p.unit, p.scope), {}).setdefault(sp, set()).add((p.value, p.value_max))
            added += 1
        carried = carried_in[para]
        if any(_conflicts(out[i], seen) for i in carried):
            for i in carried:
                c = out[i]
                out[i] = replace(c, deadline_year=c.uncarried_year, year_source="uncarried",
                                 rules={**c.rules, "deadline_year": "year_carry_withdrawn"})
    return tuple(out)


def _conflicts(c: Candidate, seen: dict[tuple[Any, ...], dict[frozenset[str], set[tuple[Any, Any]]]]) -> bool:
    """An earlier record of the same year, unit and scope, one indicator inside the other, with another value."""
    sc = _syllables(c.indicator)
    if not sc:
        return False
    own = (c.value, c.value_max)
    return any(
        (sp <= sc or sc <= sp) and bool(values - {own})
        for sp, values in seen.get((c.deadline_year, c.unit, c.scope), {}).items()
    )


def _value_key(c: Candidate) -> tuple[Any, ...]:
    """The value fields every merge rule requires equal (`_restates`, `_headline_restates`)."""
    return (c.unit, c.value, c.value_max, c.direction, c.scope, c.achieved)


def _comparators_agree(a: Candidate, b: Candidate) -> bool:
    """Equal comparators, or one statement states none (`có 300 doanh nghiệp …` restating
    `có ít nhất 300 doanh nghiệp …`): a plain number does not contradict a stated floor."""
    return a.comparator == b.comparator or not (a.cmp_from_word and b.cmp_from_word)


def _restates(a: Candidate, b: Candidate) -> bool:
    """Same commitment: equal value fields, compatible years and comparators, one indicator inside the other."""
    if _value_key(a) != _value_key(b) or not _comparators_agree(a, b):
        return False
    if a.clause_start == b.clause_start:
        return False
    if a.deadline_year != b.deadline_year and a.year_source not in WEAK_YEARS and b.year_source not in WEAK_YEARS:
        return False
    sa, sb = _syllables(a.indicator), _syllables(b.indicator)
    if not sa or not sb:
        return False
    return (sa <= sb or sb <= sa) and _overlap(a.indicator, b.indicator) >= 0.5


def _headline_restates(head: Candidate, body: Candidate) -> bool:
    """A headline restating a body target in other words (unseen-errors T4): the first line of the
    text, the same value, unit, scope and achieved, a year that does not contradict, and indicators
    that share most of their words; the headline may drop the year or soften the comparator."""
    if head.paragraph_start != 0 or body.paragraph_start == 0:
        return False
    if _value_key(head) != _value_key(body):
        return False
    if None not in (head.deadline_year, body.deadline_year) and head.deadline_year != body.deadline_year:
        return False
    if not _comparators_agree(head, body):
        return False
    return _overlap(head.indicator, body.indicator) >= 0.4 or head.unit == "rank"


def _absorb_restatement(kept: Candidate, later: Candidate) -> Candidate:
    """The first statement keeps its words; it takes the pillar of a later one read under a
    lead-in (P4), the year a later one states when its own is weak, and a comparator a later one
    states when it states none."""
    changes: dict[str, Any] = {}
    rules = dict(kept.rules)
    if later.pillar_source == "section" and kept.pillar_source != "section":
        changes.update(pillar=later.pillar, pillar_source=later.pillar_source)
        rules["pillar"] = "restatement_pillar"
    if kept.year_source in WEAK_YEARS and later.year_source not in WEAK_YEARS:
        changes.update(deadline_year=later.deadline_year, year_source=later.year_source)
        rules["deadline_year"] = "restatement_year"
    if later.cmp_from_word and not kept.cmp_from_word:  # the record keeps the comparator stated
        changes.update(comparator=later.comparator, cmp_from_word=True)
        rules["comparator"] = "restatement_comparator"
    return replace(kept, **changes, rules=rules) if changes else kept


def _absorb_into_headline(head: Candidate, body: Candidate) -> Candidate:
    """The body completes a headline that lacks the year or the comparator word; the fields it
    gives keep the rule ids of the body record's own readings (provenance follows the value)."""
    changes: dict[str, Any] = {}
    rules = dict(head.rules)
    stronger = body.cmp_from_word and not head.cmp_from_word
    if head.deadline_year is None or stronger:
        changes.update(quote=body.quote, start=body.start, end=body.end, indicator=body.indicator)
    if head.deadline_year is None:
        changes.update(deadline_year=body.deadline_year, year_source=body.year_source)
        if "deadline_year" in body.rules:
            rules["deadline_year"] = body.rules["deadline_year"]
    if stronger:
        changes.update(comparator=body.comparator, cmp_from_word=True)
        rules["comparator"] = "restatement_comparator"
    if body.pillar_source == "section" and head.pillar_source != "section":
        changes.update(pillar=body.pillar, pillar_source=body.pillar_source)
        rules["pillar"] = "restatement_pillar"
    return replace(head, **changes, rules=rules) if changes else head


def _first_line(c: Candidate) -> bool:
    """A headline restated by the body is on the text's first line (`_headline_restates`)."""
    return c.paragraph_start == 0


def _after_first_line(c: Candidate) -> bool:
    """A body record restating the headline is not on the first line (`_headline_restates`)."""
    return c.paragraph_start != 0


def _has_indicator(c: Candidate) -> bool:
    """A record restates, or is restated, only with indicator syllables (`_restates`): an elided
    indicator is empty. (The syllables themselves are read only for the pairs compared.)"""
    return bool(c.indicator)


@dataclass(frozen=True)
class MergeRule:
    """When a later record restates a kept one, and what the kept one takes from it.

    Every rule requires equal value fields (`_value_key`), which no absorb changes; `restated`
    and `restating` say which records can take part at all: `restates(kept, later)` implies
    `restated(kept)` and `restating(later)`. `merge_duplicates` compares a later record only
    with the kept records of its value fields that the rule can find restated, so the merges
    are those of comparing every pair, while records that can never be restated (no indicator,
    not on the first line) are not compared again and again as a long document goes on
    (issue 12 item 10: the pass stays linear in the number of records).
    """

    id: str  # the rule id of the Drop when none of a number's records is kept
    restates: Callable[[Candidate, Candidate], bool]  # (kept, later)
    absorb: Callable[[Candidate, Candidate], Candidate]  # (kept, later) -> the kept record
    reason: str
    restated: Callable[[Candidate], bool]  # can the kept record of a merge be this one
    restating: Callable[[Candidate], bool]  # can the later record of a merge be this one


MERGE_RULES: tuple[MergeRule, ...] = (
    # the headline rule first: it is the narrower (a first-line statement and a body one), and the
    # body completes the headline's year, comparator and wording where the general rule would not
    MergeRule(HEADLINE_RESTATEMENT, _headline_restates, _absorb_into_headline,
              "unseen-errors T4: restates the target of the headline, which keeps it",
              _first_line, _after_first_line),
    MergeRule(RESTATEMENT, _restates, _absorb_restatement,
              "guide §2: restates a commitment already recorded earlier in the document",
              _has_indicator, _has_indicator),
)

# per rule: the places (in the kept list, ascending) of the kept records it can find restated, by value fields
_Filed = dict[tuple[Any, ...], list[int]]


def _refile(filed: list[_Filed], value: tuple[Any, ...], j: int, before: Candidate, after: Candidate) -> None:
    """A merge changed kept record `j` (the headline rule may give it the body's indicator): file it
    under each rule as its new fields say, in kept order."""
    for rule, places in zip(MERGE_RULES, filed):
        was, now = rule.restated(before), rule.restated(after)
        if was and not now:
            places[value].remove(j)
        elif now and not was:
            bisect.insort(places.setdefault(value, []), j)


def merge_duplicates(cands: Records) -> tuple[Records, tuple[Drop, ...]]:
    """Guide §2: a restated commitment is one record, the first full statement (`MERGE_RULES`, in order).

    Returns the kept records and a `Drop` for each number none of whose records is kept.
    """
    kept: list[Candidate] = []
    filed: list[_Filed] = [{} for _ in MERGE_RULES]
    merged: dict[Mention, MergeRule] = {}  # a number's first merged record names the rule
    for c in cands:
        value = _value_key(c)
        for rule, places in zip(MERGE_RULES, filed):
            same_value = places.get(value)
            if not same_value or not rule.restating(c):
                continue
            j = next((j for j in same_value if rule.restates(kept[j], c)), None)
            if j is not None:
                before, kept[j] = kept[j], rule.absorb(kept[j], c)
                if kept[j] is not before:
                    _refile(filed, value, j, before, kept[j])
                if c.mention is not None:
                    merged.setdefault(c.mention, rule)
                break
        else:
            for rule, places in zip(MERGE_RULES, filed):
                if rule.restated(c):
                    places.setdefault(value, []).append(len(kept))
            kept.append(c)
    if not merged:  # most documents restate nothing: no number to look for among the kept
        return tuple(kept), ()
    survivors = {c.mention for c in kept}
    drops = tuple(Drop(m, rule.id, rule.reason) for m, rule in merged.items() if m not in survivors)
    return tuple(kept), drops
