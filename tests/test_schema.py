"""The plan schema refuses impossible records, naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from schemas.plan import Plan, Target, plan_json_schema

GOOD: dict[str, Any] = {
    "value": 90, "value_max": None, "unit": "percent", "comparator": "=", "direction": "level",
    "indicator": "hồ sơ công việc được xử lý trên môi trường mạng", "scope": "province",
    "deadline_year": 2025, "pillar": "government", "achieved": False,
    "quote": "90% hồ sơ công việc tại cấp tỉnh",
}


def test_valid_target_round_trips() -> None:
    t = Target.model_validate(GOOD)
    assert t.to_json()["value"] == 90
    assert isinstance(t.to_json()["value"], int)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value": 120}, "value"),
        ({"value": -5}, "value"),
        ({"value_max": 150, "value": 90}, "value_max"),
        ({"deadline_year": 3025}, "deadline_year"),
        ({"deadline_year": 1980}, "deadline_year"),
        ({"unit": "kg"}, "unit"),
        ({"comparator": "=>"}, "comparator"),
        ({"scope": "village"}, "scope"),
        ({"start": 10, "end": 2}, "start"),
        ({"start": 0, "end": 5}, "end"),
        ({"start": 3}, "start/end"),
        ({"quote": ""}, "quote"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_impossible_target_is_refused_naming_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        Target.model_validate({**GOOD, **change})
    assert field in str(info.value)


def test_percent_increase_may_exceed_100() -> None:
    assert Target.model_validate({**GOOD, "value": 150, "direction": "increase"}).value == 150


def test_plan_refuses_offsets_that_miss_the_quote() -> None:
    text = "Đến năm 2025, 90% hồ sơ công việc tại cấp tỉnh."
    start = text.index("90%")
    good = Plan(doc_id="x", targets=[Target(**{**GOOD, "start": start, "end": start + len(GOOD["quote"])})])
    good.check_offsets(text)
    bad = Plan(doc_id="x", targets=[Target(**{**GOOD, "start": 0, "end": len(GOOD["quote"])})])
    with pytest.raises(ValueError, match="targets.0.start"):
        bad.check_offsets(text)


def test_issued_year_out_of_range_is_refused() -> None:
    with pytest.raises(ValidationError, match="issued"):
        Plan.model_validate({"doc_id": "x", "issued": "1890-01-01"})


def test_json_schema_names_every_target_field() -> None:
    schema = plan_json_schema()
    target = schema["$defs"]["Target"]["properties"]
    for name in ("value", "value_max", "unit", "comparator", "direction", "indicator", "scope",
                 "deadline_year", "pillar", "achieved", "quote", "start", "end", "sentence"):
        assert name in target
