"""Guide §2 list rules, as ordered registries of small named functions.

A value read alone becomes one record per measure and per scope it names (`MEASURE_RULES`:
two shares `X trong Y, Z trong W`, several measures sharing the value (`coordination.py`);
then one record per scope).
Over all records, `LIST_RULES` then run in order: an item takes the comparator that leads
its list, an elided indicator is inherited from a neighbour, and within each list
(`GROUP_RULES`) a nested later-year value keeps its item's measure, a trailing predicate
is shared, and a year stated after the last item dates the others.

Each rule writes its rule id into `Candidate.rules` for the fields it sets (a list rule's id
is its name; a measure rule returns its id), so `chitieu explain` names it. Records are frozen: a rule returns new ones (`dataclasses.replace`).
To add a list form, add a function here, put it in its registry where its inputs are known,
and add spec rows (docs/adding-rules.md).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from typing import Any

import regex

from extractors.coordination import split_predicates, split_repeated_head
from extractors.indicator_text import (
    build_indicator,
    clean_right,
    without_years,
    words_in_every_match,
)
from extractors.lexicon import FLAGS, Lexicon, template
from extractors.pattern_shape import casefolded, may_hold
from extractors.reading import Reading
from extractors.types import Candidate
from extractors.years import WEAK_YEARS

_OWN_VERB = regex.compile(template(r"{OWN_VERB}"), FLAGS)
_RESPECTIVELY = regex.compile(template(r"(?<!\w)(?:{RESPECTIVELY})(?:\s+(?:{LINK_VERB}))?\s*$"), FLAGS)
_TWO_SHARES = regex.compile(template(r"^(?P<a>.+?{SHARE_IN}.+?),\s+(?P<b>[^,]+?{SHARE_IN}[^,]+)$"), FLAGS)
# Both shares name their whole (`trong`): a text without one before its last comma and one after holds no match.
_SHARE_IN_WORDS = words_in_every_match(regex.compile(template(r"{SHARE_IN}"), FLAGS))

_WORD = regex.compile(r"\w+")

Records = tuple[Candidate, ...]
MeasureRule = Callable[[Reading, Lexicon], "tuple[tuple[str, ...], str] | None"]  # (indicators, rule id)
ListRule = Callable[[Records], Records]


def _with(c: Candidate, **changes: Any) -> Candidate:
    """`dataclasses.replace(c, **changes)` without running the frozen `__init__` again (a seventh of
    the time: a record's fields are copied as they are, then the changed ones set)."""
    new = object.__new__(type(c))
    new.__dict__.update(c.__dict__, **changes)
    return new


def _credit(c: Candidate, rule: str, fields: tuple[str, ...], **changes: Any) -> Candidate:
    """`c` with `changes`, and `rule` as the rule behind each of `fields`."""
    return _with(c, **changes, rules={**c.rules, **dict.fromkeys(fields, rule)})


# -- one value -> its records


def _may_be_two_shares(indicator: str) -> bool:
    """A cheap test before `_TWO_SHARES`: a `,`, and a whole named (`trong`) on each side of the last one."""
    comma = indicator.rfind(",")
    if comma < 0:
        return False
    folded = casefolded(indicator)
    return folded is None or (may_hold(_SHARE_IN_WORDS, folded[:comma]) and may_hold(_SHARE_IN_WORDS, folded[comma:]))


def two_shares(reading: Reading, lex: Lexicon) -> tuple[tuple[str, ...], str] | None:
    """`tỷ trọng X trong Y, Z trong W` with nothing after the value: two shares of one value (guide §2)."""
    indicator = reading.base.indicator
    two = _TWO_SHARES.match(indicator) if not reading.right_clean and _may_be_two_shares(indicator) else None
    return ((two["a"].strip(), two["b"].strip()), "two_shares") if two else None


def shared_value(reading: Reading, lex: Lexicon) -> tuple[tuple[str, ...], str] | None:
    """One value shared by several measures: one indicator per measure, and the rule that read
    them (`coordination.py`, unseen-errors T7). After the value (`100% <subject> V1 và V2`), or,
    with the value last, in its subject (`chỉ số A và chỉ số B nằm trong nhóm 16`). Several
    levels make a list of scopes, not of measures."""
    if len(reading.scopes) > 1:
        return None
    left, right, unit = reading.left_for_ind, reading.right_for_ind, reading.base.unit
    if reading.right_clean and unit == "percent":
        parts = _measures(right, after_verb=True)
        if parts is None:
            return None
        return tuple(
            build_indicator(left, clean_right(part, lex, unit), lex, reading.share_verb, unit) for part in parts[0]
        ), parts[1]
    subject = " ".join(without_years(left).split())  # raw: `tỷ lệ A và tỷ lệ B` repeats its head
    parts = _measures(subject, after_verb=False) if subject else None
    if parts is None:
        return None
    return tuple(build_indicator(part, reading.right_clean, lex, reading.share_verb, unit) for part in parts[0]), parts[1]


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


# The first rule that splits a value's indicator wins; the rule id it returns is the indicator's.
MEASURE_RULES: tuple[MeasureRule, ...] = (two_shares, shared_value)


def list_records(reading: Reading, lex: Lexicon) -> list[Candidate]:
    """One record per measure (`MEASURE_RULES`) and per scope of a value (guide §2)."""
    base = reading.base
    indicators: tuple[str, ...] = (base.indicator,)
    rules = base.rules
    for rule in MEASURE_RULES:
        split = rule(reading, lex)
        if split is not None:
            indicators, rules = split[0], {**rules, "indicator": split[1]}
            break
    scopes: tuple[str | None, ...] = reading.scopes or (None,)
    # the scopes.yaml entry id is the scope's rule, unless an owner phrase named it (owners.py)
    return [
        _with(base, scope=scope, indicator=ind,
                rules={**rules, **({"scope": reading.scope_rules.get(scope, scope)} if scope else {})})
        for ind in indicators
        for scope in scopes
    ]


def _head(indicator: str) -> str:
    """The first two syllables of an indicator: the noun its value counts."""
    words = _WORD.findall(indicator.lower())[:2]
    return " ".join(words) if len(words) == 2 else ""


def _list_groups(cands: Records) -> list[list[int]]:
    """Runs of candidates that form one list: the values of one clause, and parallel items after
    a `;` in the same sentence — bare, naming a level, and counting the same noun as the item
    before (`tối thiểu 92% hồ sơ một cửa cấp tỉnh; 85% hồ sơ một cửa cấp huyện và 72% ...`):
    the `;` divides one list of levels (unseen-errors T8, T6). Each group is a list of indices."""
    groups: list[list[int]] = []
    for i, c in enumerate(cands):
        prev = cands[groups[-1][-1]] if groups else None
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
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


# -- passes over all records


def list_distribute_comparator(cands: Records) -> Records:
    """A comparator word leading a list (`tối thiểu 90% …, 80% …`) holds for its bare items (guide §2).

    Not for an item it would make impossible (`trên 80% …, 100% xã`) or one with its own verb.
    """
    out = list(cands)
    for group in _list_groups(cands):
        first = cands[group[0]]
        if not (first.cmp_from_word and first.comparator in (">=", ">", "~", "<=", "<")):
            continue
        for i in group[1:]:
            c = cands[i]
            impossible = c.unit == "percent" and c.value >= 100
            if c.list_item and not c.cmp_from_word and c.comparator == "=" and not impossible \
                    and not _OWN_VERB.search(c.quote):
                out[i] = _credit(c, "list_distribute_comparator", ("comparator",),
                                 comparator=first.comparator, cmp_from_word=True)
    return tuple(out)


def list_respectively(cands: Records) -> Records:
    """`ở cấp tỉnh, huyện, xã lần lượt là 90%, 80% và 60%`: the values after `lần lượt`
    ("respectively") pair, in order, with the levels named before it (guide §2: one record per
    level; architecture-review §3b).

    Read as one value naming every level, the first value would take all of them and the
    others none. The pairing is made only when the levels and the values are as many, all in
    one clause and the later ones bare items; otherwise the list is left as read.
    """
    out = list(cands)
    i = 0
    while i < len(out):
        first = out[i]
        j = i + 1
        while j < len(out) and out[j].mention is not None and out[j].mention == first.mention:
            j += 1  # the records of the first value, one per level it names
        levels = [c.scope for c in out[i:j]]
        n = len(levels)
        rest = out[j : j + n - 1]
        after = out[j + n - 1] if j + n - 1 < len(out) else None
        if (
            n > 1
            and None not in levels
            and first.mention is not None
            and _RESPECTIVELY.search(first.quote[: max(0, first.mention.start - first.start)])
            and len(rest) == n - 1
            and len({c.mention.start for c in rest if c.mention is not None}) == n - 1
            and all(c.clause_start == first.clause_start and c.list_item and c.scope is None for c in rest)
            and not (after is not None and after.clause_start == first.clause_start and after.list_item)
        ):
            paired = [first, *rest]
            out[i : j + n - 1] = [
                _credit(c, "list_respectively", ("scope",), scope=level) for c, level in zip(paired, levels)
            ]
            i += n
        else:
            i = j
    return tuple(out)


def list_inherit_indicator(cands: Records) -> Records:
    """An item with no words of its own takes its neighbour's measure (guide §2): the one before it
    in its sentence (pillar included), else the next of its unit, else the last of its paragraph."""
    out = list(cands)
    # the records of each sentence and paragraph, in order: the neighbours are looked up among
    # them, nearest first, so the pass stays linear over a long document (issue 12 item 10)
    by_sentence: dict[Any, list[int]] = {}
    by_paragraph: dict[int, list[int]] = {}
    for i, c in enumerate(cands):
        by_sentence.setdefault(c.sentence, []).append(i)
        by_paragraph.setdefault(c.paragraph_start, []).append(i)
    for i, c in enumerate(cands):
        if c.indicator.strip():
            continue
        sentence = by_sentence[c.sentence]
        k = bisect_left(sentence, i)
        # earlier records as this pass left them (an item filled before counts), later ones as read
        before = next((out[j] for j in reversed(sentence[:k]) if out[j].indicator.strip()), None)
        after = next((cands[j] for j in sentence[k + 1 :] if cands[j].indicator.strip() and cands[j].unit == c.unit), None)
        changes: dict[str, Any] = {}
        if before is not None:
            changes["indicator"] = before.indicator
            if c.pillar is None:
                changes.update(pillar=before.pillar, pillar_source=before.pillar_source)
        elif after is not None:
            changes["indicator"] = after.indicator
        else:
            paragraph = by_paragraph[c.paragraph_start]
            earlier = next((out[j] for j in reversed(paragraph[: bisect_left(paragraph, i)])
                            if out[j].indicator.strip()), None)
            if earlier is not None:
                changes["indicator"] = earlier.indicator
        out[i] = _credit(c, "list_inherit_indicator", ("indicator",), **changes)
    return tuple(out)


# -- passes within one list (the groups are read once, before the first of them)


def list_nested_item(group: Records) -> Records:
    """A later-year value nested after an item keeps the item's measure and scope (unseen-errors T5);
    words after its parenthesis are the list's shared predicate."""
    out = list(group)
    for k, c in enumerate(group):
        item = next((p for p in reversed(group[:k]) if not p.nested), None)
        if not (c.nested and item is not None and c.scope is None):
            continue
        own = c.indicator
        changes: dict[str, Any] = {"scope": item.scope, "indicator": item.indicator}
        if own and own != item.indicator and not c.tail:
            changes.update(tail=own, indicator=f"{item.indicator} {own}".strip())
        out[k] = _credit(c, "list_nested_item", ("scope", "indicator"), **changes)
    return tuple(out)


def list_shared_predicate(group: Records) -> Records:
    """A predicate after the last scoped item of a list belongs to every scoped item (guide §2)."""
    tails = [c.tail for c in group if c.tail]
    if len(group) < 2 or not tails:
        return group
    tail = tails[-1]
    return tuple(
        _credit(c, "list_shared_predicate", ("indicator",), indicator=f"{c.indicator} {tail}".strip())
        if c.scope and not c.tail and tail not in c.indicator else c
        for c in group
    )


def list_year_after_last_item(group: Records) -> Records:
    """A year stated after the last item (`… 55% văn bản đi cấp xã được ký số vào năm 2026`) dates
    the items before it that have only a weak year of their own (guide §3)."""
    last = group[-1]
    if len(group) < 2 or last.year_source != "clause" or last.deadline_year is None:
        return group
    return tuple(
        _credit(c, "list_year_after_last_item", ("deadline_year",), deadline_year=last.deadline_year, year_source="list")
        if k < len(group) - 1 and c.year_source in WEAK_YEARS and c.end <= last.start else c
        for k, c in enumerate(group)
    )


GROUP_RULES: tuple[ListRule, ...] = (list_nested_item, list_shared_predicate, list_year_after_last_item)


def list_groups_rules(cands: Records) -> Records:
    """`GROUP_RULES`, in order, within each list (`_list_groups`, read once)."""
    out = list(cands)
    for indices in _list_groups(cands):
        group = tuple(out[i] for i in indices)
        for rule in GROUP_RULES:
            group = rule(group)
        for i, c in zip(indices, group, strict=True):
            out[i] = c
    return tuple(out)


# The order matters: the comparator is distributed over the lists as read, before an
# inherited indicator can change them; the groups of GROUP_RULES are read after both.
LIST_RULES: tuple[ListRule, ...] = (
    list_respectively, list_distribute_comparator, list_inherit_indicator, list_groups_rules
)


def resolve_lists(cands: Records) -> Records:
    """Guide §2 over all records: `LIST_RULES`, in order."""
    for rule in LIST_RULES:
        cands = rule(cands)
    return cands
