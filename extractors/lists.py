"""Guide §2 list rules: one record per measure and scope, and the passes over a list's items.

A value read alone becomes one record per scope it names, or two records when it states
two shares (`X trong Y, Z trong W`) or several measures sharing the value (`coordination.py`). Over the records, the
items of one list then inherit an elided indicator, share a leading comparator, a trailing
predicate and a year stated after the last item.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace

import regex

from extractors.coordination import split_predicates, split_repeated_head
from extractors.indicator_text import YEAR_PHRASE, build_indicator
from extractors.lexicon import FLAGS, Lexicon
from extractors.reading import Reading
from extractors.types import Candidate
from extractors.years import WEAK_YEARS

_OWN_VERB = regex.compile(r"(?<!\w)(?:đạt|là|chiếm|bằng)(?!\w)", FLAGS)
_WORD = regex.compile(r"\w+")
_TWO_SHARES = regex.compile(r"^(?P<a>.+?\btrong\b.+?),\s+(?P<b>[^,]+?\btrong\b[^,]+)$", FLAGS)


def list_records(reading: Reading, lex: Lexicon) -> list[Candidate]:
    """One record per measure and per scope of a value (guide §2): two shares, measures sharing the value, scopes."""
    base, rules, indicator = reading.base, reading.base.rules, reading.base.indicator
    out: list[Candidate] = []
    indicators = [indicator]
    two = _TWO_SHARES.match(indicator) if not reading.right_clean else None
    if two:
        indicators = [two["a"].strip(), two["b"].strip()]
        rules["indicator"] = "two_shares"
    elif len(reading.scopes) <= 1:  # several levels make a list of scopes, not of measures
        shared = _shared_value(reading, lex)
        if shared is not None:
            indicators, rules["indicator"] = shared
    for ind in indicators:
        scope_list: list[str | None] = list(reading.scopes) or [None]
        for scope in scope_list:
            # the scopes.yaml entry id is the scope, unless an owner phrase named it (owners.py)
            scope_rule = {"scope": reading.scope_rules.get(scope, scope)} if scope else {}
            out.append(replace(base, scope=scope, indicator=ind, rules={**rules, **scope_rule}))
    return out


def _shared_value(reading: Reading, lex: Lexicon) -> tuple[list[str], str] | None:
    """One value shared by several measures: one indicator per measure, and the rule that read
    them (`coordination.py`, unseen-errors T7). After the value (`100% <subject> V1 và V2`), or,
    with the value last, in its subject (`chỉ số A và chỉ số B nằm trong nhóm 16`)."""
    left, right, unit = reading.left_for_ind, reading.right_for_ind, reading.base.unit
    if reading.right_clean and unit == "percent":
        parts = _measures(right, after_verb=True)
        if parts is None:
            return None
        return [build_indicator(left, part, lex, reading.share_verb, unit) for part in parts[0]], parts[1]
    subject = " ".join(YEAR_PHRASE.sub(" ", left).split())  # raw: `tỷ lệ A và tỷ lệ B` repeats its head
    parts = _measures(subject, after_verb=False) if subject else None
    if parts is None:
        return None
    return [build_indicator(part, right, lex, reading.share_verb, unit) for part in parts[0]], parts[1]


def _measures(phrase: str, after_verb: bool) -> tuple[list[str], str] | None:
    """The measures a phrase names, and the rule: a repeated head (the surer sign: it does not
    rest on the tagger), else coordinated predicates, each then split on a repeated object head
    (`được trang bị kỹ năng A, kỹ năng B và sử dụng C`)."""
    heads = split_repeated_head(phrase, after_verb=after_verb)
    if heads is not None:
        return heads, "shared_value_repeated_head"
    predicates = split_predicates(phrase)
    if predicates is None:
        return None
    return [m for p in predicates for m in split_repeated_head(p, after_verb=True) or [p]], "shared_value_predicates"


def _head(indicator: str) -> str:
    """The first two syllables of an indicator: the noun its value counts."""
    words = _WORD.findall(indicator.lower())[:2]
    return " ".join(words) if len(words) == 2 else ""


def _list_groups(cands: list[Candidate]) -> list[list[Candidate]]:
    """Runs of candidates that form one list: the values of one clause, and parallel items after
    a `;` in the same sentence — bare, naming a level, and counting the same noun as the item
    before (`tối thiểu 92% hồ sơ một cửa cấp tỉnh; 85% hồ sơ một cửa cấp huyện và 72% ...`):
    the `;` divides one list of levels (unseen-errors T8, T6)."""
    groups: list[list[Candidate]] = []
    for c in cands:
        prev = groups[-1][-1] if groups else None
        joined = prev is not None and (
            c.clause_start == prev.clause_start
            or (
                c.list_item
                and c.sentence == prev.sentence
                and c.paragraph_start == prev.paragraph_start
                and c.scope is not None
                and prev.scope is not None
                and _head(c.indicator) == _head(prev.indicator) != ""
            )
        )
        if joined:
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


def resolve_lists(cands: list[Candidate]) -> list[Candidate]:
    """Guide §2: inherit elided indicators, distribute a leading comparator, share a predicate.

    Each record looks up its neighbours in tables built in one pass (the last record of its
    sentence and of its paragraph with an indicator, the next one of its sentence), not by
    scanning every record before it: linear in the number of records.
    """
    first_of_group: dict[int, Candidate] = {}  # id(record) -> first item of its list, for the items after it
    for group in _list_groups(cands):
        for c in group[1:]:
            first_of_group[id(c)] = group[0]
    following: dict[tuple[str, str], list[int]] = {}  # (sentence, unit) -> records with an indicator, in order
    for i, c in enumerate(cands):
        if c.indicator.strip():
            following.setdefault((c.sentence, c.unit), []).append(i)
    last_in_sentence: dict[str, Candidate] = {}  # with an indicator, among the records already resolved
    last_in_paragraph: dict[int, Candidate] = {}
    for i, c in enumerate(cands):
        if not c.indicator.strip():
            before = last_in_sentence.get(c.sentence)
            after = following.get((c.sentence, c.unit), [])
            k = bisect_right(after, i)
            earlier = last_in_paragraph.get(c.paragraph_start)
            if before is not None:
                c.indicator = before.indicator
                if c.pillar is None:  # an elided item takes its neighbour's measure, pillar included
                    c.pillar, c.pillar_source = before.pillar, before.pillar_source
            elif k < len(after):
                c.indicator = cands[after[k]].indicator
            elif earlier is not None:
                c.indicator = earlier.indicator
            c.rules["indicator"] = "list_inherit_indicator"
        if c.indicator.strip():
            last_in_sentence[c.sentence] = last_in_paragraph[c.paragraph_start] = c
        # a leading comparator is not carried to an item it would make impossible (`trên 80% …, 100% xã`)
        impossible = c.unit == "percent" and c.value >= 100
        first = first_of_group.get(id(c))
        if (
            first is not None and c.list_item and not c.cmp_from_word and c.comparator == "=" and not impossible
            and first.cmp_from_word and first.comparator in (">=", ">", "~", "<=", "<") and not _OWN_VERB.search(c.quote)
        ):
            c.comparator = first.comparator
            c.cmp_from_word = True
            c.rules["comparator"] = "list_distribute_comparator"
    for group in _list_groups(cands):
        # a later-year value nested after an item keeps the item's measure and scope (unseen-errors T5);
        # words after its parenthesis are the list's shared predicate
        for k, c in enumerate(group):
            item = next((p for p in reversed(group[:k]) if not p.nested), None)
            if c.nested and item is not None and c.scope is None:
                own = c.indicator
                c.scope, c.indicator = item.scope, item.indicator
                c.rules["scope"] = c.rules["indicator"] = "list_nested_item"
                if own and own != item.indicator and not c.tail:
                    c.tail = own
                    c.indicator = f"{item.indicator} {own}".strip()
        # a predicate after the last scoped item of a list belongs to every item
        tails = [c.tail for c in group if c.tail]
        if len(group) > 1 and tails:
            tail = tails[-1]
            for c in group:
                if c.scope and not c.tail and tail not in c.indicator:
                    c.indicator = f"{c.indicator} {tail}".strip()
                    c.rules["indicator"] = "list_shared_predicate"
        # a year stated after the last item (`… 55% văn bản đi cấp xã được ký số vào năm 2026`)
        # dates the items that have only a weak year of their own
        last = group[-1]
        if len(group) > 1 and last.year_source == "clause" and last.deadline_year is not None:
            for c in group[:-1]:
                if c.year_source in WEAK_YEARS and c.list_item is not None and c.end <= last.start:
                    c.deadline_year, c.year_source = last.deadline_year, "list"
                    c.rules["deadline_year"] = "list_year_after_last_item"
    return cands


