"""Target statements: each value with its comparator, direction, scope, indicator,
deadline year, pillar and provenance (labelling guide §1–3).

This module only names the stage order; each stage is its own module:

1. `numbers.py` finds the numbers that read as values; `context.py` the document's landmarks
   (`structure.py` paragraphs, headings, boundaries; `years.py` years and horizon; `pillars.py`).
2. `clause.py` cuts each value's share of its clause between it and its neighbours and reads
   its comparator and direction.
3. `filters.py` drops the numbers that are not targets (guide §1), each with a rule id.
4. `reading.py` reads a kept value's indicator (`indicator_text.py`), year, pillar and quote.
5. `lists.py` applies the list rules of guide §2 (`MEASURE_RULES`, `LIST_RULES`); `merge.py`
   withdraws a contradicting carried year and merges restatements (`MERGE_RULES`).
"""

from __future__ import annotations

from typing import TypedDict, Unpack

from extractors.clause import ValueClause, read_comparator, segments
from extractors.context import DocContext, build_context
from extractors.filters import IN_HEADING, Site, first_verdict
from extractors.lexicon import Lexicon, get_lexicon
from extractors.lists import list_records, resolve_lists
from extractors.merge import drop_conflicting_carry, merge_duplicates
from extractors.numbers import Mention, find_mentions
from extractors.pattern_shape import casefolded
from extractors.reading import read_value
from extractors.types import Candidate, Drop, Extraction


class DocFacts(TypedDict, total=False):
    """What is known of the document before its targets are read (`extract`'s keyword arguments)."""

    national: bool
    province: str | None
    doc_year: int | None


def extract_candidates(text: str, lex: Lexicon | None = None, **facts: Unpack[DocFacts]) -> list[Candidate]:
    """Every target statement of a normalised document, in text order (see `extract`)."""
    return list(extract(text, lex, **facts).candidates)


def extract(
    text: str,
    lex: Lexicon | None = None,
    national: bool = False,
    province: str | None = None,
    doc_year: int | None = None,
) -> Extraction:
    """Every target statement of a normalised document, and every number dropped with its rule.

    `doc_year` is the year the document was issued or published, when known: a value
    stated for an earlier year is a result reported, not a commitment (guide §1).
    """
    lex = lex or get_lexicon()
    folded = casefolded(text)  # once for every pass that looks words up in it
    found = find_mentions(text, lex, folded)
    ctx = build_context(text, lex, [m.start for m in found], folded)
    drops: list[Drop] = []
    values: list[Mention] = []  # the numbers outside heading lines: each is read in its clause
    for m in found:
        if ctx.is_heading(m.start):
            drops.append(Drop(m, IN_HEADING, "a number in a heading line names a section, not a target"))
        else:
            values.append(m)
    out: list[Candidate] = []
    prev_phrase = ""  # subject and verb of the previous value-with-object, for elided verbs
    for vc in segments(ctx, lex, values):
        if vc.opens_clause:
            prev_phrase = ""
        comparator, cmp_from_word, rules = read_comparator(vc, lex)
        site = _site(ctx, lex, vc, national, province, doc_year)
        verdict = first_verdict(site)  # guide §1: the non-target rules, in order (filters.py)
        if verdict is not None:
            drops.append(Drop(vc.mention, verdict.rule, verdict.reason))
            continue
        reading, prev_phrase = read_value(vc, site, comparator, cmp_from_word, rules, prev_phrase, lex)
        out.extend(list_records(reading, lex))
    kept, merged = merge_duplicates(drop_conflicting_carry(resolve_lists(tuple(out))))
    return Extraction(candidates=kept, drops=tuple(sorted([*drops, *merged], key=lambda d: d.mention.start)))


def _site(
    ctx: DocContext, lex: Lexicon, vc: ValueClause, national: bool, province: str | None, doc_year: int | None
) -> Site:
    """The value as the filters see it."""
    return Site(
        ctx=ctx, lex=lex, mention=vc.mention, clause=vc.clause, seg_start=vc.seg.start, seg_end=vc.end,
        right=vc.right, breakdown=vc.breakdown, next_start=vc.next.start if vc.next else None,
        national=national, province=province, doc_year=doc_year,
    )
