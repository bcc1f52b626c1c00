"""The list rules and merge rules of guide §2, each run alone on hand-built records.

The spec table (tests/spec/targets.yaml) checks them through the whole extractor; here each
rule of `LIST_RULES`, `GROUP_RULES` and `MERGE_RULES` gets the records it expects, so a rule
can be changed or reordered and the table says which one moved. Records are frozen: a rule
returns new ones and leaves its input as it was.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from extractors import lists, merge
from extractors.numbers import Mention
from extractors.types import Candidate

SENTENCE = "tối thiểu 90% hồ sơ cấp tỉnh, 80% hồ sơ cấp huyện"


def record(value: float, start: int, **fields: Any) -> Candidate:
    """A record of one sentence's list, with the fields a rule reads; the rest neutral."""
    base = Candidate(
        value=value, value_max=None, unit="percent", comparator="=", direction="level", indicator="hồ sơ",
        scope=None, deadline_year=2025, pillar=None, achieved=False, quote=f"{value:g}% hồ sơ", start=start,
        end=start + 10, sentence=SENTENCE, year_source="sentence", clause_start=0, paragraph_start=0,
        mention=Mention(start, start + 3, value, None, "percent"),
    )
    return dataclasses.replace(base, **fields)


def test_a_leading_comparator_is_distributed_to_the_bare_items_of_its_list() -> None:
    first = record(90, 10, comparator=">=", cmp_from_word=True, scope="province")
    item = record(80, 30, list_item=True, scope="district")
    out = lists.list_distribute_comparator((first, item))
    assert [c.comparator for c in out] == [">=", ">="]
    assert out[1].rules["comparator"] == "list_distribute_comparator"
    assert item.comparator == "=", "the input record is left as it was"


@pytest.mark.parametrize(
    ("item", "why"),
    [
        (record(100, 30, list_item=True), "100% under `trên 80%` would be impossible"),
        (record(80, 30, list_item=True, quote="80% hồ sơ đạt"), "the item has its own verb"),
        (record(80, 30, list_item=False), "not a bare item"),
        (record(80, 30, list_item=True, clause_start=25), "another list (clause)"),
    ],
)
def test_a_leading_comparator_is_not_distributed(item: Candidate, why: str) -> None:
    first = record(90, 10, comparator=">=", cmp_from_word=True)
    assert lists.list_distribute_comparator((first, item))[1].comparator == "=", why


def test_an_elided_indicator_is_inherited_from_the_item_before_it() -> None:
    first = record(90, 10, indicator="hồ sơ trực tuyến", pillar="government", pillar_source="section")
    bare = record(80, 30, indicator="", list_item=True)
    out = lists.list_inherit_indicator((first, bare))
    assert (out[1].indicator, out[1].pillar) == ("hồ sơ trực tuyến", "government")
    assert out[1].rules["indicator"] == "list_inherit_indicator"


def test_a_trailing_predicate_is_shared_by_the_scoped_items() -> None:
    group = (record(90, 10, scope="province"), record(80, 30, scope="district", tail="được xử lý trực tuyến"))
    out = lists.list_shared_predicate(group)
    assert out[0].indicator == "hồ sơ được xử lý trực tuyến"
    assert out[0].rules["indicator"] == "list_shared_predicate"
    assert out[1] == group[1]


def test_a_year_after_the_last_item_dates_the_items_with_a_weak_year() -> None:
    group = (record(90, 10, year_source="horizon", deadline_year=2030),
             record(80, 30, year_source="clause", deadline_year=2026))
    out = lists.list_year_after_last_item(group)
    assert (out[0].deadline_year, out[0].year_source) == (2026, "list")
    assert out[0].rules["deadline_year"] == "list_year_after_last_item"


def test_a_nested_later_year_value_keeps_its_items_measure_and_scope() -> None:
    group = (record(85, 10, scope="province", indicator="văn bản đi được ký số"),
             record(98, 40, nested=True, indicator="", deadline_year=2030))
    out = lists.list_nested_item(group)
    assert (out[1].scope, out[1].indicator) == ("province", "văn bản đi được ký số")
    assert out[1].rules["scope"] == out[1].rules["indicator"] == "list_nested_item"


def test_records_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        record(90, 10).indicator = "x"  # type: ignore[misc]  # the assignment is what must fail


def test_a_restatement_is_merged_into_the_first_statement_and_its_number_dropped() -> None:
    first = record(90, 10, year_source="horizon", deadline_year=2030)
    again = record(90, 200, clause_start=190, paragraph_start=150, year_source="clause", deadline_year=2025,
                   pillar="government", pillar_source="section")
    kept, drops = merge.merge_duplicates((first, again))
    assert kept == (dataclasses.replace(first, deadline_year=2025, year_source="clause", pillar="government",
                                        pillar_source="section",
                                        rules={"pillar": "restatement_pillar", "deadline_year": "restatement_year"}),)
    assert [(d.start, d.rule) for d in drops] == [(200, "restatement")]


def test_a_body_restating_the_headline_completes_it_and_is_dropped_by_the_headline_rule() -> None:
    head = record(100, 0, deadline_year=None, year_source="horizon", indicator="hồ sơ được xử lý trực tuyến")
    body = record(100, 200, clause_start=190, paragraph_start=150, comparator=">=", cmp_from_word=True,
                  indicator="hồ sơ được xử lý trực tuyến trên môi trường mạng", quote="tối thiểu 100% hồ sơ")
    kept, drops = merge.merge_duplicates((head, body))
    assert [(c.start, c.comparator, c.deadline_year) for c in kept] == [(200, ">=", 2025)]
    assert [(d.start, d.rule) for d in drops] == [(200, merge.HEADLINE_RESTATEMENT)]


def test_a_carried_year_that_gives_one_measure_two_values_is_withdrawn() -> None:
    earlier = record(90, 10, deadline_year=2025)
    carried = record(70, 200, paragraph_start=150, clause_start=190, deadline_year=2025, year_source="carried",
                     uncarried_year=2030)
    out = merge.drop_conflicting_carry((earlier, carried))
    assert (out[1].deadline_year, out[1].year_source) == (2030, "uncarried")
    assert out[1].rules["deadline_year"] == "year_carry_withdrawn"


RESPECTIVELY = "tỷ lệ hồ sơ ở cấp tỉnh, huyện lần lượt là 90%"


def _levels_then_items(quote: str = RESPECTIVELY, items: int = 1) -> tuple[Candidate, ...]:
    """`… cấp tỉnh, huyện lần lượt là 90%, 80%`: the first value read with both levels, then bare items."""
    first = [record(90, 0, quote=quote, scope=s, mention=Mention(len(quote) - 3, len(quote), 90, None, "percent"))
             for s in ("province", "district")]
    rest = [record(80 - 10 * k, 50 + 10 * k, list_item=True) for k in range(items)]
    return (*first, *rest)


def test_values_after_lan_luot_pair_in_order_with_the_levels_before_it() -> None:
    out = lists.list_respectively(_levels_then_items())
    assert [(c.value, c.scope) for c in out] == [(90, "province"), (80, "district")]
    assert all(c.rules["scope"] == "list_respectively" for c in out)


@pytest.mark.parametrize(
    ("cands", "why"),
    [
        (_levels_then_items(items=2), "three values for two levels: not paired, left as read"),
        (_levels_then_items(quote="tỷ lệ hồ sơ ở cấp tỉnh, huyện đạt 90%"), "no `lần lượt` before the first value"),
        (_levels_then_items(items=0), "one value naming two levels is one value per level, not a pairing"),
    ],
)
def test_a_list_is_not_paired_without_lan_luot_and_as_many_values_as_levels(cands: tuple[Candidate, ...], why: str) -> None:
    assert lists.list_respectively(cands) == cands, why
