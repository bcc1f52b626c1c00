"""`target_data` reads a dataclass candidate's fields with one getter: the same fields, values and
order as reading each `Target` field the candidate carries one by one."""

from __future__ import annotations

import dataclasses
import random
from types import SimpleNamespace
from typing import Any

from schemas import build
from schemas.fields import TARGET_FIELDS
from tests.test_merge_index import random_records


def field_by_field(candidate: object) -> dict[str, Any]:
    data = {n: getattr(candidate, n) for n in TARGET_FIELDS if hasattr(candidate, n)}
    for name in build._BLANK_IS_NONE:
        data[name] = data.get(name) or None
    data["indicator"] = data.get("indicator") or data.get("quote")
    return data


def test_a_candidates_fields_are_read_as_one_by_one() -> None:
    rng = random.Random(3)
    for _ in range(200):
        for c in random_records(rng):
            c = dataclasses.replace(c, scope=rng.choice(("", None, "district")), rules={"value": "percent"})
            got = build.target_data(c)
            assert got == field_by_field(c) and list(got) == list(field_by_field(c))


@dataclasses.dataclass(frozen=True)
class _Partial:
    """A candidate kind that carries some Target fields, one as a class attribute, one set after init."""

    value: float
    quote: str
    sentence: str = dataclasses.field(init=False)  # a Target field the instance does not carry
    unit = "count"


def test_a_kind_carrying_some_fields_gives_those_only() -> None:
    c = _Partial(3.0, "3 xã")
    assert build.target_data(c) == field_by_field(c) == {"value": 3.0, "quote": "3 xã", "unit": "count",
                                                          **dict.fromkeys(build._BLANK_IS_NONE), "indicator": "3 xã"}


def test_other_objects_are_read_field_by_field() -> None:
    a, b = SimpleNamespace(value=1.0, quote="q", unit="percent"), SimpleNamespace(value=2.0, quote="r")
    assert [build.target_data(x) for x in (a, b)] == [field_by_field(a), field_by_field(b)]


def test_a_candidate_holding_more_than_its_fields_is_read_by_name() -> None:
    # the quick reader copies the instance's dict: an attribute set after __init__ is not a field
    c = random_records(random.Random(5))[0]
    object.__setattr__(c, "note", "set later")
    got = build.target_data(c)
    assert got == field_by_field(c) and list(got) == list(field_by_field(c)) and "note" not in got


@dataclasses.dataclass(frozen=True)
class _WithDefaults:
    """A kind whose fields have class defaults: one deleted from an instance's dict reads as the default."""

    value: float
    value_max: float | None = None
    unit: str = "count"
    quote: str = ""


def test_a_candidate_missing_a_field_but_holding_another_attribute_is_read_by_name() -> None:
    # as many entries as fields, but not the fields: the extra one must not stand in for the missing one
    c = _WithDefaults(3.0, 5.0, "count", "3-5 xã")
    object.__delattr__(c, "value_max")
    object.__setattr__(c, "note", "set later")
    got = build.target_data(c)
    assert "note" not in got and got == field_by_field(c) and got["value_max"] is None


@dataclasses.dataclass(frozen=True, slots=True)
class _Slotted:
    """A kind without an instance dict."""

    quote: str
    value: float
    unit: str = "count"


def test_a_kind_without_an_instance_dict_or_in_another_order_is_read_by_name() -> None:
    c = _Slotted("3 xã", 3.0)
    got = build.target_data(c)
    assert got == field_by_field(c) and list(got) == list(field_by_field(c))
