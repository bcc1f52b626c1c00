"""A record's fields are defined once, in `schemas/plan.py`, and everything else follows them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from pydantic import BaseModel

from pipeline.evaluation import report
from pipeline.evaluation.labelstudio import CONFIG, REGION_FIELDS
from pipeline.store import db as store
from schemas.fields import (
    DOC_FIELDS,
    LABELLED_TARGET_FIELDS,
    PLAN_ROLES,
    TARGET_FIELDS,
    TARGET_ROLES,
    choices,
    field_type,
    plain,
)
from schemas.plan import Comparator, Plan, Scope, Target, Unit


@pytest.mark.parametrize(("model", "roles"), [(Target, TARGET_ROLES), (Plan, PLAN_ROLES)])
def test_every_name_in_a_role_table_is_a_field(model: type[BaseModel], roles: dict[str, object]) -> None:
    assert set(roles) <= set(model.model_fields), f"stale names in schemas/fields.py: {set(roles) - set(model.model_fields)}"


def test_derived_lists_follow_the_models() -> None:
    assert TARGET_FIELDS == tuple(Target.model_fields)
    assert [c for c, _ in store.TARGET_COLUMNS] == list(TARGET_FIELDS)
    assert {"value", "comparator", "scope", "deadline_year", "indicator"} <= set(LABELLED_TARGET_FIELDS)
    assert not {"unit", "quote", "start", "end"} & set(LABELLED_TARGET_FIELDS)
    assert DOC_FIELDS == ("province", "doc_type", "doc_number", "issued")
    assert set(REGION_FIELDS) == set(LABELLED_TARGET_FIELDS)
    assert set(report.TABLE_FIELDS) == {*LABELLED_TARGET_FIELDS, "unit"}


@pytest.mark.parametrize(
    ("name", "kind", "closed"),
    [
        ("value", float, None),
        ("deadline_year", int, None),  # Year | None: the int under the bounds
        ("scope", Scope, ("province", "district", "commune")),
        ("comparator", Comparator, ("=", ">=", ">", "<=", "<", "~")),
        ("achieved", bool, ("false", "true")),
        ("indicator", str, None),
    ],
)
def test_a_fields_type_and_choices_come_from_its_annotation(name: str, kind: type, closed: tuple[str, ...] | None) -> None:
    assert field_type(Target, name) is kind
    assert choices(Target, name) == closed


def test_plain_unwraps_enums_only() -> None:
    assert [plain(Unit.PERCENT), plain(2025), plain(None), plain("≥")] == ["percent", 2025, None, "≥"]


def test_label_studio_config_has_a_control_for_every_labelled_field() -> None:
    """A field added to `Target` or `Plan` fails here until the annotators can fill it in."""
    root = ET.parse(CONFIG).getroot()
    controls = {el.get("name"): el for el in root.iter() if el.get("toName") == "text"}
    missing = [n for n in (*LABELLED_TARGET_FIELDS, *DOC_FIELDS) if n not in controls]
    assert not missing, f"docs/label-studio-config.xml has no control for {missing}"
    labels = controls["target"]
    assert labels.tag == "Labels" and [c.get("value") for c in labels.iter("Label")] == [u.value for u in Unit]
    for name in LABELLED_TARGET_FIELDS:
        el = controls[name]
        assert el.get("perRegion") == "true", name
        closed = REGION_FIELDS[name]
        if closed is None:
            assert el.tag == "TextArea", name
        else:
            assert el.tag == "Choices" and tuple(c.get("value") for c in el.iter("Choice")) == closed, name
    for name in DOC_FIELDS:
        assert controls[name].tag == "TextArea" and controls[name].get("perRegion") is None, name
