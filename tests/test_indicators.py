"""Targets linked to the national indicators they restate, by rules kept as data."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from extractors.indicators import (
    _SYLLABLE_RE,
    DATA,
    Catalogue,
    _word_runs,
    get_matcher,
    load_catalogue,
    match_indicator,
    syllables,
)
from pipeline.evaluation.evaluate import evaluate
from pipeline.extract import extract_path
from schemas.gold import load_dir
from schemas.plan import Plan, Target, Unit
from tests.conftest import CORPUS, GOLD

CATALOGUE = load_catalogue()
PHRASINGS = [(ind.id, ind.unit, p.text) for ind in CATALOGUE.indicators for p in ind.phrasings]
NO_MATCH = [(ind.id, ind.unit, text) for ind in CATALOGUE.indicators for text in ind.no_match]


@pytest.mark.parametrize("indicator_id, unit, text", PHRASINGS)
def test_every_phrasing_seen_in_a_plan_links_to_its_indicator(indicator_id: str, unit: str, text: str) -> None:
    found = match_indicator(text, unit)
    assert found is not None and found.indicator_id == indicator_id


@pytest.mark.parametrize("indicator_id, unit, text", NO_MATCH)
def test_no_match_examples_stay_off_their_indicator(indicator_id: str, unit: str, text: str) -> None:
    found = match_indicator(text, unit)
    assert found is None or found.indicator_id != indicator_id


@pytest.mark.parametrize(
    "indicator, unit, pillar, expected",
    [
        ("tỷ trọng KTS trong GRDP", "percent", "economy", "eco.digital_economy_share"),
        ("kinh tế số chiếm GRDP của tỉnh", "percent", None, "eco.digital_economy_share"),
        ("đóng góp của kinh tế số vào GRDP", "percent", "economy", "eco.digital_economy_share"),
        ("Tỷ trọng kinh tế số", "percent", "economy", "eco.digital_economy_share"),
        ("kinh tế số ngành nông nghiệp", "percent", "economy", None),
        ("tỷ trọng TMĐT trong tổng mức bán lẻ hàng hoá", "percent", "economy", "eco.ecommerce_retail"),
        ("TTHC đủ điều kiện được cung cấp DVCTT toàn trình", "percent", "government", "gov.dvc_full_process"),
        ("thủ tục hành chính đủ điều kiện được cung cấp trực tuyến mức độ 3 và 4", "percent", None, None),
        ("hồ sơ công việc được xử lý trên môi trường mạng", "percent", "government", "gov.work_files_online"),
        ("nhóm 10 tỉnh dẫn đầu về chuyển đổi số", "rank", None, "dti.rank"),
        ("nhóm nước dẫn đầu thế giới về chuyển đổi Internet sang IPv6", "rank", None, None),
        ("doanh nghiệp công nghệ số", "count", "economy", "eco.digital_tech_firms"),
        ("số doanh nghiệp công nghệ số", "percent", None, None),  # a growth rate, not the count
        ("dân số trưởng thành có điện thoại thông minh", "percent", "society", "soc.smartphones"),
        ("hộ gia đình có điện thoại di động thông minh", "percent", None, None),
        ("khu công nghiệp thông minh", "count", "economy", None),
    ],
)
def test_links_read_text_unit_and_normalised_syllables(
    indicator: str, unit: str, pillar: str | None, expected: str | None
) -> None:
    found = match_indicator(indicator, unit, pillar)
    assert (found.indicator_id if found else None) == expected


def test_syllables_fold_tone_placement_case_and_abbreviations() -> None:
    assert syllables("Hoá đơn KTS", get_matcher().abbreviations) == ["hóa", "đơn", "kinh", "tế", "số"]


def test_word_runs_rest_on_letters_being_word_characters_and_white_space_not() -> None:
    # `_word_runs` keeps a token of letters whole and splits only at white space: both facts of
    # the `regex` module's `\w`, checked over every code point
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    letters = "".join(ch for ch in every if ch.isalpha())
    assert "".join(_SYLLABLE_RE.findall(letters)) == letters
    spaces = "".join(ch for ch in every if ch.isspace())
    assert _SYLLABLE_RE.findall(spaces) == []


@pytest.mark.parametrize(
    "text",
    [
        "tỷ trọng kinh tế số trong grdp",
        "(kts) chiếm 20% grdp; công nghiệp 4.0",
        "dịch vụ công trực tuyến toàn trình/một phần",
        "hoa\u0300 mạng cáp quang\u00a0băng rộng",  # a combining mark, a no-break space
        "km² x\u200dy n_a   \t\n",
        "",
    ],
)
def test_word_runs_are_the_pattern_runs(text: str) -> None:
    assert _word_runs(text) == _SYLLABLE_RE.findall(text)


def test_word_runs_of_every_indicator_text_are_the_pattern_runs() -> None:
    texts = [p.text for ind in CATALOGUE.indicators for p in ind.phrasings]
    texts += [t for ind in CATALOGUE.indicators for t in ind.no_match]
    for text in texts:
        low = text.lower()
        assert _word_runs(low) == _SYLLABLE_RE.findall(low), text


def test_every_indicator_states_its_source_and_national_figures() -> None:
    for ind in CATALOGUE.indicators:
        assert all(s.document in CATALOGUE.documents for s in ind.sources)
        assert all(n.source in CATALOGUE.documents for n in ind.national)
    share = get_matcher().by_id["eco.digital_economy_share"]
    assert {(n.year, n.value) for n in share.national} >= {(2025, 20), (2030, 30)}


def test_a_catalogue_with_a_duplicate_id_is_refused(tmp_path: Path) -> None:
    data: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    data["indicators"].append(data["indicators"][0])
    bad = tmp_path / "indicators.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match=r"indicators\.yaml: .*used twice"):
        load_catalogue(bad)
    with pytest.raises(ValueError, match="unknown source"):
        data["indicators"].pop()
        data["indicators"][0]["national"][0]["source"] = "QD999"
        Catalogue.model_validate(data)


def test_every_gold_target_labels_its_indicator_id() -> None:
    """Our gold states `indicator_id` on every target, null where no national indicator fits."""
    unlabelled = [(doc, i) for doc, plan in load_dir(GOLD).items() for i, t in enumerate(plan.targets)
                  if "indicator_id" not in t.model_fields_set]
    assert unlabelled == []


def test_extracted_records_carry_the_id_and_the_rule_that_matched() -> None:
    plan = extract_path(CORPUS / "002_0eed9f5125a01b02.txt")
    share = [t for t in plan.targets if t.indicator_id == "eco.digital_economy_share"]
    assert share and share[0].indicator_rule == "digital_economy_share.gdp"
    assert all((t.indicator_id is None) == (t.indicator_rule is None) for t in plan.targets)


def _t(value: float, indicator_id: str | None, **kw: Any) -> Target:
    return Target.model_validate({"value": value, "unit": "percent", "indicator": "x", "quote": "x",
                                  "indicator_id": indicator_id, **kw})


def test_evaluate_scores_indicator_id_only_where_gold_labels_it() -> None:
    gold = {"d": Plan(doc_id="d", targets=[
        _t(20, "eco.digital_economy_share"), _t(30, None), _t(40, "soc.smartphones"),
        Target(value=50, unit=Unit.PERCENT, indicator="x", quote="x"),  # not labelled: not scored
    ])}
    pred = {"d": Plan(doc_id="d", targets=[
        _t(20, "eco.digital_economy_share"), _t(30, "soc.smartphones"), _t(40, None), _t(50, "soc.smartphones"),
    ])}
    link = evaluate(gold, pred)["indicator_id"]
    assert link == {"labelled_pairs": 3, "accuracy": 0.3333, "precision": 0.5, "recall": 0.5,
                    "coverage": 0.6667, "gold_coverage": 0.6667}
    assert evaluate(gold, pred)["fields"]["indicator_id"] == 0.3333
