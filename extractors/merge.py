"""Guide §2 restatements: a commitment stated twice is one record, and a carried year that contradicts is withdrawn."""

from __future__ import annotations

from extractors.filters import RESTATEMENT
from extractors.overlap import indicator_overlap, syllables
from extractors.types import Candidate, Drop
from extractors.years import WEAK_YEARS


def restatement_drops(before: list[Candidate], kept: list[Candidate]) -> list[Drop]:
    """A value none of whose records survived the merge restates an earlier one (guide §2)."""
    kept_ids = {id(c) for c in kept}
    survivors = {c.mention for c in before if id(c) in kept_ids}
    gone = {c.mention: c for c in before if id(c) not in kept_ids and c.mention not in survivors}
    return [
        Drop(m, RESTATEMENT, "guide §2: restates a commitment already recorded earlier in the document")
        for m in gone
        if m is not None
    ]


def drop_conflicting_carry(cands: list[Candidate]) -> list[Candidate]:
    """A year carried from an earlier paragraph cannot give one measure two values.

    When a paragraph whose year was carried restates measures already set for that year
    with other values, it belongs to another horizon: its carried year is withdrawn and
    the section's or document's year (or none) applies. One measure is the same unit and
    scope with one indicator's syllables inside the other's. The records of earlier
    paragraphs are kept in a table by year, unit and scope, each distinct indicator once,
    so a paragraph is checked against the measures before it, not against every record.
    """
    order = sorted(range(len(cands)), key=lambda i: cands[i].paragraph_start)
    carried_paras = sorted({c.paragraph_start for c in cands if c.year_source == "carried"})
    seen: dict[tuple[int | None, str, str | None], dict[frozenset[str], set[tuple[float, float | None]]]] = {}
    k = 0
    for para in carried_paras:
        while k < len(order) and cands[order[k]].paragraph_start < para:
            p = cands[order[k]]
            measures = seen.setdefault((p.deadline_year, p.unit, p.scope), {})
            measures.setdefault(frozenset(syllables(p.indicator)), set()).add((p.value, p.value_max))
            k += 1
        carried = [c for c in cands if c.paragraph_start == para and c.year_source == "carried"]
        if any(_conflicts(c, seen) for c in carried):
            for c in carried:
                c.deadline_year, c.year_source = c.uncarried_year, "uncarried"
                c.rules["deadline_year"] = "year_carry_withdrawn"
    return cands


def _conflicts(
    c: Candidate, seen: dict[tuple[int | None, str, str | None], dict[frozenset[str], set[tuple[float, float | None]]]]
) -> bool:
    """An earlier record of the same year, unit, scope and measure with another value."""
    mine = syllables(c.indicator)
    if not mine:
        return False
    for words, values in seen.get((c.deadline_year, c.unit, c.scope), {}).items():
        if words and (words <= mine or mine <= words) and any(v != (c.value, c.value_max) for v in values):
            return True
    return False


def _restates(a: Candidate, b: Candidate) -> bool:
    """Same commitment: equal value fields, compatible years, one indicator inside the other."""
    if (a.unit, a.value, a.value_max, a.comparator, a.direction, a.scope, a.achieved) != (
        b.unit, b.value, b.value_max, b.comparator, b.direction, b.scope, b.achieved
    ):
        return False
    if a.clause_start == b.clause_start:
        return False
    if a.deadline_year != b.deadline_year and a.year_source not in WEAK_YEARS and b.year_source not in WEAK_YEARS:
        return False
    sa, sb = syllables(a.indicator), syllables(b.indicator)
    if not sa or not sb:
        return False
    return (sa <= sb or sb <= sa) and indicator_overlap(a.indicator, b.indicator) >= 0.5


def _headline_restates(head: Candidate, body: Candidate) -> bool:
    """A headline restating a body target in other words (unseen-errors T4): the first line of the
    text, the same value, unit, scope and achieved, a year that does not contradict, and indicators
    that share most of their words; the headline may drop the year or soften the comparator."""
    if head.paragraph_start != 0 or body.paragraph_start == 0:
        return False
    if (head.unit, head.value, head.value_max, head.scope, head.achieved, head.direction) != (
        body.unit, body.value, body.value_max, body.scope, body.achieved, body.direction
    ):
        return False
    if None not in (head.deadline_year, body.deadline_year) and head.deadline_year != body.deadline_year:
        return False
    if head.comparator != body.comparator and head.cmp_from_word and body.cmp_from_word:
        return False
    return indicator_overlap(head.indicator, body.indicator) >= 0.4 or head.unit == "rank"


def merge_duplicates(cands: list[Candidate]) -> list[Candidate]:
    """Guide §2: a restated commitment is one record, the first full statement.

    A record is compared only with the kept records of the same value (unit, value, range,
    direction, scope, achieved), in the order they were kept, and with the headline's: every
    restatement shares them, so the result is that of comparing with every kept record.
    """
    kept: list[Candidate] = []
    by_value: dict[tuple[object, ...], list[Candidate]] = {}
    headline: list[Candidate] = []  # kept records of the first line (`_headline_restates`)
    for c in cands:
        dup = next((k for k in by_value.get(_value_key(c), ()) if _restates(k, c)), None)
        if dup is None:
            head = next((k for k in headline if _headline_restates(k, c)), None)
            if head is not None:
                # the body completes a headline that lacks the year or the comparator word
                if head.deadline_year is None or (c.cmp_from_word and not head.cmp_from_word):
                    head.quote, head.start, head.end, head.indicator = c.quote, c.start, c.end, c.indicator
                if head.deadline_year is None:
                    head.deadline_year, head.year_source = c.deadline_year, c.year_source
                if c.cmp_from_word and not head.cmp_from_word:
                    head.comparator, head.cmp_from_word = c.comparator, True
                if c.pillar_source == "section" and head.pillar_source != "section":
                    head.pillar, head.pillar_source = c.pillar, c.pillar_source
                continue
            kept.append(c)
            by_value.setdefault(_value_key(c), []).append(c)
            if c.paragraph_start == 0:
                headline.append(c)
            continue
        if c.pillar_source == "section" and dup.pillar_source != "section":
            dup.pillar, dup.pillar_source = c.pillar, c.pillar_source  # P4: the statement under a lead-in
            dup.rules["pillar"] = "restatement_pillar"
        if dup.year_source in WEAK_YEARS and c.year_source not in WEAK_YEARS:
            dup.deadline_year = c.deadline_year
            dup.year_source = c.year_source
            dup.rules["deadline_year"] = "restatement_year"  # the restatement states the year
    return kept


def _value_key(c: Candidate) -> tuple[object, ...]:
    """What `_restates` requires equal, less the comparator (a headline's may change when merged)."""
    return (c.unit, c.value, c.value_max, c.direction, c.scope, c.achieved)
