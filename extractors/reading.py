"""What one kept value's segment says: indicator, year, pillar, achieved and quote, as a `Candidate`.

The value has passed the non-target filters (`filters.py`); its clause share comes from
`clause.py`. The indicator words come from `indicator_text.py`, the deadline year from
the guide §3 order the filters' `Site` already resolved (`years.py`), the pillar from the
governing section or else the value's own words (`pillars.py`).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

import regex

from extractors.clause import ValueClause, nested
from extractors.filters import Site
from extractors.indicator_text import (
    build_indicator,
    clean_right,
    has_verb,
    strip_ends,
    strip_scopes,
    without_parens,
    without_years,
)
from extractors.lexicon import FLAGS, Lexicon, template
from extractors.owners import HEAD_RULE, head_owner, list_lead
from extractors.pillars import pillar_in_clause
from extractors.predicates import purpose_predicate
from extractors.types import Candidate
from extractors.years import resolve_year

# An annual rate ("tăng 1-2 bậc theo từng năm", "7%/năm") runs to the end of the period
# its own clause states ("..., bảo đảm đến năm 2030 ...").
_ANNUAL = regex.compile(template(r"{ANNUAL}|/\s*{YEAR_NOUN}"), FLAGS)


@dataclass(frozen=True)
class Reading:
    """A kept value read once: its record before the list rules, and the words those rules look at."""

    base: Candidate
    scopes: tuple[str, ...]
    right_clean: str  # the right words that can belong to the indicator
    right_for_ind: str  # the right part without its scope words
    left_for_ind: str  # the left part without comparator, linking verb and scope words
    share_verb: bool  # `chiếm`/`đóng góp` before the value
    scope_rules: dict[str, str] = field(default_factory=dict)  # scope -> rule, for scopes named without `cấp`


def read_value(
    vc: ValueClause, site: Site, comparator: str, cmp_from_word: bool, rules: dict[str, str], prev_phrase: str,
    lex: Lexicon,
) -> tuple[Reading, str]:
    """The value's record before the list rules, and the phrase an elided verb of the next value takes."""
    ctx, m, seg, text = site.ctx, vc.mention, vc.seg, site.ctx.text
    cs, ce = vc.clause
    nxt, right_trim, right_raw, seg_end_abs = vc.next, vc.right, vc.right_raw, vc.end
    seg_text = text[seg.start : seg_end_abs]
    scopes, spans = list(site.scopes[0]), list(site.scopes[1])
    left_for_ind = strip_scopes(seg.left_core, spans, 0)
    right_for_ind = strip_scopes(right_trim, spans, m.end - seg.start)
    own = purpose_predicate(left_for_ind) if seg.rules.get("comparator") != "LINK_VERB" else None
    right_clean = clean_right(right_for_ind, lex, m.unit)
    indicator = build_indicator(own or left_for_ind, right_clean, lex, seg.share_verb, m.unit, whole_left=bool(own))
    rules["indicator"] = "indicator_purpose_predicate" if own else "indicator_clause"
    if seg.bare and prev_phrase and right_clean and not has_verb(right_clean):
        indicator, rules["indicator"] = f"{prev_phrase} {right_clean}", "list_elided_verb"
    elif seg.bare and not right_clean and not strip_ends(left_for_ind, lex):
        indicator = ""  # elided: inherited from its neighbour (guide §2)
    scope_rules = dict(site.scope_find.rules)
    if not scopes and not site.coverage and not site.population:
        # an item naming no level takes the level of the owner heading its list (unseen-errors L4)
        list_head = list_lead(ctx, m.start)
        scopes = list(head_owner(list_head, lex)) if list_head else []
        scope_rules = dict.fromkeys(scopes, HEAD_RULE)
    # a percentage with right words and a subject of its own lends its subject and verb to an
    # elided verb after it (the subject is looked for only then)
    if right_for_ind and m.unit == "percent" and strip_ends(without_years(seg.left_core), lex):
        prev_phrase = strip_ends(without_years(left_for_ind).rsplit(",", 1)[-1], lex)
    elif not seg.bare:
        prev_phrase = ""
    tail = ""
    if spans:
        last_end = spans[-1][1] + seg.start
        if last_end > m.end:
            tail = strip_ends(without_years(without_parens(text[last_end:seg_end_abs])), lex)
    year, source = site.year
    # the first year after the value in its clause; only then can an annual wording move the deadline
    i = bisect_left(ctx.year_starts(), seg_end_abs)
    period_end = ctx.years[i] if i < len(ctx.years) and ctx.years[i].start < ce else None
    if period_end is not None and _ANNUAL.search(text, seg.start, seg_end_abs + 15):
        year, source = period_end.year, "clause"
        rules["deadline_year"] = "year_annual_period"
    rules.setdefault("deadline_year", f"year_{source}")
    uncarried = year
    if source == "carried":  # kept in case the carry is withdrawn (drop_conflicting_carry)
        uncarried = resolve_year(ctx, m.start, m.end, nxt.start if nxt else None, carry=False)[0]
    # a share of GRDP with no subject of its own is the digital economy's (`nâng lên 40% GRDP`)
    pillar = ctx.pillar_at(m.start)
    pillar_source = "section" if pillar else ""
    if pillar is not None:
        rules["pillar"] = "pillar_section"
    else:
        # the value's own words: its indicator, else the comma-chunk holding it; a pillar
        # earlier in the segment is the object of another verb phrase (P3)
        chunk = seg_text[max(seg_text.rfind(",", 0, m.start - seg.start), seg_text.rfind(":", 0, m.start - seg.start)) + 1 :]
        pillar = pillar_in_clause(indicator, lex) or pillar_in_clause(chunk, lex)
        pillar_source = "clause" if pillar else ""
        if pillar:
            rules["pillar"] = "pillar_in_clause"
    achieved = lex.cue("achieved", right_raw)
    if achieved:
        rules["achieved"] = achieved[0]
    lead = len(seg_text) - len(seg_text.lstrip(" ,;:.-–—•*+"))
    q_start = min(seg.start + lead, m.start)
    q_end = max(m.end + len(right_trim.rstrip(" ,;:")), m.end)
    ss, se = ctx.sentence_of(m.start)
    base = Candidate(
        value=m.value,
        value_max=m.value_max,
        unit=m.unit,
        comparator=comparator,
        direction=seg.direction,
        indicator=indicator,
        scope=None,
        deadline_year=year,
        pillar=pillar,
        pillar_source=pillar_source,
        achieved=achieved is not None,
        quote=text[q_start:q_end],
        start=q_start,
        end=q_end,
        sentence=text[ss:se].strip(),
        year_source=source,
        cmp_from_word=cmp_from_word,
        list_item=seg.bare,
        clause_start=cs,
        tail=tail,
        paragraph_start=ctx.paragraph_of(m.start)[0],
        uncarried_year=uncarried,
        nested=nested(text, cs, m.start),
        mention=m,
        rules=rules,
    )
    return Reading(base, tuple(scopes), right_clean, right_for_ind, left_for_ind, seg.share_verb, scope_rules), prev_phrase
