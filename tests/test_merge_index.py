"""The restatement merge looks a later record up only among the kept records it could restate,
and merges exactly as comparing it with every kept record would.

`merge_duplicates` files kept records by value fields and by each rule's `restated` test, so a
long document does not compare every new record with every elided-indicator record of its value
(issue 12 item 10). These tests hold it to the plain reading: every pair, in kept order.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from typing import Any

import pytest

from extractors import merge
from extractors.numbers import Mention
from extractors.types import Candidate, Drop

INDICATORS = (
    "", "", "hồ sơ", "hồ sơ trực tuyến", "hồ sơ được xử lý trực tuyến", "tỷ lệ hồ sơ trực tuyến",
    "doanh nghiệp", "doanh nghiệp số", "hồ sơ, doanh nghiệp",
)


def all_pairs_merge(
    cands: tuple[Candidate, ...], events: Counter[str] | None = None
) -> tuple[tuple[Candidate, ...], tuple[Drop, ...]]:
    """The merge read plainly: each record against every kept one, rule by rule, in kept order.
    `events` counts merges that change whether a rule can find the kept record restated."""
    kept: list[Candidate] = []
    merged: dict[Mention, merge.MergeRule] = {}
    for c in cands:
        for rule in merge.MERGE_RULES:
            j = next((j for j, k in enumerate(kept) if rule.restates(k, c)), None)
            if j is not None:
                before, kept[j] = kept[j], rule.absorb(kept[j], c)
                if events is not None and any(r.restated(before) != r.restated(kept[j]) for r in merge.MERGE_RULES):
                    events["refiled"] += 1
                if c.mention is not None:
                    merged.setdefault(c.mention, rule)
                break
        else:
            kept.append(c)
    survivors = {c.mention for c in kept}
    return tuple(kept), tuple(Drop(m, r.id, r.reason) for m, r in merged.items() if m not in survivors)


def random_record(rng: random.Random, start: int, mention: Mention | None) -> Candidate:
    unit = rng.choice(("percent", "percent", "rank", "count"))
    value = float(rng.choice((50, 80, 100)))
    indicator = rng.choice(INDICATORS)
    paragraph = rng.choice((0, 0, 100, 200, 300))
    return Candidate(
        value=value, value_max=None, unit=unit, comparator=rng.choice(("=", ">=")), direction="level",
        indicator=indicator, scope=rng.choice((None, "province")), deadline_year=rng.choice((None, 2025, 2030)),
        pillar=rng.choice((None, "government")), achieved=False, quote=f"{value:g} {indicator}", start=start,
        end=start + 5, sentence="", year_source=rng.choice(("", "horizon", "carried", "clause", "sentence")),
        cmp_from_word=rng.random() < 0.4, clause_start=paragraph + rng.choice((0, 10, 20)),
        paragraph_start=paragraph, pillar_source=rng.choice(("", "section", "clause")),
        mention=mention or Mention(start, start + 3, value, None, unit),
    )


def random_records(rng: random.Random) -> tuple[Candidate, ...]:
    out: list[Candidate] = []
    for i in range(rng.randint(2, 40)):
        shared = out[-1].mention if out and rng.random() < 0.2 else None  # records of one number (a list)
        out.append(random_record(rng, 10 * i, shared))
    return tuple(out)


def test_the_filed_merge_equals_the_all_pairs_merge_on_random_records() -> None:
    rng = random.Random(11)
    seen: Counter[str] = Counter()
    for _ in range(1500):
        cands = random_records(rng)
        expected = all_pairs_merge(cands, seen)
        assert merge.merge_duplicates(cands) == expected, cands
        seen.update(d.rule for d in expected[1])
    # the random records reach both rules, and a headline that takes the body's indicator (re-filed)
    assert seen[merge.HEADLINE_RESTATEMENT] > 20 and seen[merge.RESTATEMENT] > 100 and seen["refiled"] > 5, seen


def test_a_rule_restates_only_records_its_filing_tests_admit() -> None:
    """`restates(kept, later)` implies equal value fields, `restated(kept)` and `restating(later)`:
    the promise `merge_duplicates` relies on to compare fewer pairs."""
    rng = random.Random(12)
    admitted: Counter[str] = Counter()
    for _ in range(20000):
        kept, later = random_record(rng, 0, None), random_record(rng, 50, None)
        for rule in merge.MERGE_RULES:
            if rule.restates(kept, later):
                admitted[rule.id] += 1
                assert merge._value_key(kept) == merge._value_key(later)
                assert rule.restated(kept) and rule.restating(later), (rule.id, kept, later)
    assert admitted[merge.HEADLINE_RESTATEMENT] > 50 and admitted[merge.RESTATEMENT] > 50, admitted


def _counting(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    calls: Counter[str] = Counter()

    def counted(rule: merge.MergeRule) -> merge.MergeRule:
        def restates(a: Candidate, b: Candidate) -> bool:
            calls[rule.id] += 1
            return rule.restates(a, b)
        return dataclasses.replace(rule, restates=restates)

    monkeypatch.setattr(merge, "MERGE_RULES", tuple(counted(r) for r in merge.MERGE_RULES))
    return calls


def _body(i: int, **fields: Any) -> Candidate:
    base = Candidate(
        value=100.0, value_max=None, unit="percent", comparator="=", direction="level", indicator="",
        scope=None, deadline_year=2025, pillar=None, achieved=False, quote="100%", start=100 * i + 50,
        end=100 * i + 54, sentence="", year_source="clause", clause_start=100 * i + 40,
        paragraph_start=100 * i + 40, mention=Mention(100 * i + 50, 100 * i + 54, 100.0, None, "percent"),
    )
    return dataclasses.replace(base, **fields)


def test_records_that_cannot_be_restated_are_not_compared_again_and_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long plan states `100%` with an elided indicator hundreds of times: none of those records
    restates another, so none is compared with the others (comparing all pairs is quadratic)."""
    calls = _counting(monkeypatch)
    elided = tuple(_body(i) for i in range(300))
    kept, drops = merge.merge_duplicates(elided)
    assert kept == elided and drops == ()
    assert sum(calls.values()) == 0


def test_a_restated_measure_is_compared_with_its_own_kind_only(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    body = [_body(i, indicator="hồ sơ trực tuyến" if i % 3 == 0 else "") for i in range(300)]
    kept, drops = merge.merge_duplicates(tuple(body))
    assert [c.start for c in kept] == [c.start for i, c in enumerate(body) if i % 3 or i == 0]
    assert len(drops) == 99
    # each later statement of the measure is compared once, with the first; no headline on line one
    assert calls == Counter({merge.RESTATEMENT: 99})


def test_a_headline_completed_by_the_body_keeps_its_place_among_the_kept_records() -> None:
    """A first-line rank with no indicator takes the body's: from then on the restatement rule can
    find it, and finds it first (it was kept first), as comparing every pair in kept order does."""
    rank = {"value": 1.0, "unit": "rank", "quote": "1", "mention": None}
    head = _body(0, **rank, paragraph_start=0, clause_start=0, deadline_year=None, year_source="horizon")
    also_first_line = _body(1, **rank, paragraph_start=0, clause_start=60, indicator="chỉ số chuyển đổi số")
    body = _body(2, **rank, indicator="chỉ số chuyển đổi số")
    later = _body(3, **rank, indicator="chỉ số chuyển đổi số", deadline_year=2030, year_source="horizon",
                  pillar="government", pillar_source="section")
    cands = tuple(dataclasses.replace(c, mention=Mention(c.start, c.end, 1.0, None, "rank"))
                  for c in (head, also_first_line, body, later))
    kept, drops = merge.merge_duplicates(cands)
    assert (kept, drops) == all_pairs_merge(cands)
    assert [c.mention for c in kept] == [cands[0].mention, cands[1].mention]
    assert [(d.start, d.rule) for d in drops] == [(body.start, merge.HEADLINE_RESTATEMENT),
                                                  (later.start, merge.RESTATEMENT)]
    assert (kept[0].indicator, kept[0].pillar) == ("chỉ số chuyển đổi số", "government"), "the first kept takes the pillar"
    assert kept[1] == cands[1]
