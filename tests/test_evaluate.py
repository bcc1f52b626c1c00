"""The scorer follows labelling guide §5."""

from __future__ import annotations

from typing import Any

import pytest

from extractors.overlap import indicator_overlap
from pipeline.evaluation.evaluate import evaluate, pair_targets
from schemas.plan import Plan, Target


def t(value: float, **kw: Any) -> Target:
    base: dict[str, Any] = {"value": value, "unit": "percent", "indicator": "hồ sơ công việc", "quote": f"{value}%"}
    return Target.model_validate({**base, **kw})


def plans(*targets: Target, doc: str = "d") -> dict[str, Plan]:
    return {doc: Plan(doc_id=doc, targets=list(targets))}


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("kinh tế số trong GRDP", "Kinh tế số trong GRDP", 1.0),
        ("kinh tế số trong GRDP", "kinh tế số", 2 * 1 * 0.6 / 1.6),
        ("hồ sơ, công việc", "hồ sơ công việc", 1.0),
        ("a", "b", 0.0),
    ],
)
def test_indicator_overlap_is_f1_of_syllable_sets(a: str, b: str, expected: float) -> None:
    assert indicator_overlap(a, b) == pytest.approx(expected)


def test_identical_records_score_one() -> None:
    gold = plans(t(90, scope="province"), t(80, scope="district"))
    r = evaluate(gold, gold)
    assert r["value"]["f1"] == 1.0 and r["strict"]["f1"] == 1.0
    assert r["fields"]["scope"] == 1.0 and not r["errors"]


def test_pairing_prefers_scope_then_year() -> None:
    gold = [t(100, scope="province", deadline_year=2025), t(100, scope="district", deadline_year=2025)]
    pred = [t(100, scope="district", deadline_year=2030), t(100, scope="province", deadline_year=2025)]
    pairs = pair_targets(gold, pred)
    assert [(p.gold, p.pred) for p in pairs] == [(0, 1), (1, 0)]


def test_value_match_with_wrong_field_is_value_hit_but_strict_miss() -> None:
    r = evaluate(plans(t(90, comparator=">")), plans(t(90, comparator="=")))
    assert r["value"]["f1"] == 1.0
    assert r["strict"]["f1"] == 0.0
    assert r["fields"]["comparator"] == 0.0
    assert [e["field"] for e in r["errors"] if e["kind"] == "field"] == ["comparator"]


def test_low_indicator_overlap_fails_strict() -> None:
    r = evaluate(plans(t(90, indicator="hồ sơ công việc")), plans(t(90, indicator="doanh nghiệp nhỏ")))
    assert r["strict"]["f1"] == 0.0


def test_missing_prediction_counts_every_gold_target_as_missed() -> None:
    r = evaluate(plans(t(90), t(80)), {})
    assert r["value"]["recall"] == 0.0
    assert sum(1 for e in r["errors"] if e["kind"] == "missed") == 2
    assert r["per_document"][0]["predicted"] is False


def test_spurious_and_missed_are_listed_with_quotes() -> None:
    r = evaluate(plans(t(90, quote="90% hồ sơ")), plans(t(70, quote="70% hồ sơ")))
    kinds = {(e["kind"], e["quote"]) for e in r["errors"] if e["kind"] in {"missed", "spurious"}}
    assert kinds == {("missed", "90% hồ sơ"), ("spurious", "70% hồ sơ")}


def test_micro_average_counts_records_not_documents() -> None:
    gold = {**plans(t(1), t(2), t(3), doc="a"), **plans(t(9), doc="b")}
    pred = {**plans(t(1), t(2), t(3), doc="a"), **plans(doc="b")}
    r = evaluate(gold, pred)
    assert r["value"]["recall"] == pytest.approx(0.75)
    assert r["value"]["precision"] == 1.0


def test_document_fields_are_compared() -> None:
    g = {"d": Plan(doc_id="d", province="Bình Thuận", doc_number="4677/KH-UBND")}
    p = {"d": Plan(doc_id="d", province="Bình Thuận", doc_number=None)}
    r = evaluate(g, p)
    assert r["document_fields"]["province"] == 1.0
    assert r["document_fields"]["doc_number"] == 0.0
