"""Each extracted target carries a confidence from the evidence behind it (issue 15, point 9)."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import duckdb
import pytest

from extractors.confidence import FEATURES, _score_of, features, load_weights, score
from pipeline.cli import main
from pipeline.evaluation.labelstudio import pre_annotate
from pipeline.extract import extract_source
from pipeline.ingest.load import source_from_text
from pipeline.run import Outcome, Status
from pipeline.store.db import Store, plan_text

OWN_YEAR = "Kế hoạch chuyển đổi số\nĐến năm 2025, 90% hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng.\n"
HORIZON_ONLY = "Kế hoạch chuyển đổi số giai đoạn 2021 - 2025\n- 90% hồ sơ công việc được xử lý trên môi trường mạng\n"


@pytest.mark.parametrize("text", [OWN_YEAR, HORIZON_ONLY])
def test_every_extracted_target_has_a_confidence_between_0_and_1(text: str) -> None:
    plan = extract_source(source_from_text(text))
    assert plan.targets
    assert all(t.confidence is not None and 0 <= t.confidence <= 1 for t in plan.targets)


def test_a_year_in_the_targets_own_clause_is_trusted_more_than_the_plans_horizon_in_a_bare_list() -> None:
    own = extract_source(source_from_text(OWN_YEAR)).targets[0]
    horizon = extract_source(source_from_text(HORIZON_ONLY)).targets[0]
    assert (own.deadline_year, horizon.deadline_year) == (2025, 2025)
    assert own.confidence is not None and horizon.confidence is not None
    assert own.confidence > horizon.confidence


def test_the_score_is_the_fitted_log_odds_and_unknown_evidence_counts_nothing() -> None:
    weights = {"base": 0.8, "shrink": 0.5, "weights": {"year": {"clause": 2.0, "carried": -2.0}}}
    assert score({"year": "clause"}, weights) > score({}, weights) == 0.8 > score({"year": "carried"}, weights)
    assert score({"year": "never seen"}, weights) == 0.8
    assert set(load_weights()["weights"]) == set(features(object()))  # every feature has fitted weights


def test_every_combination_of_evidence_scores_as_the_formula_says() -> None:
    # `confidence` scores through weights read once (`_score_of`): the same numbers as the
    # documented formula over the stored weights, for every combination of feature values
    w = load_weights()
    table = w["weights"]
    values = [[*table[f], *(["never seen"] if f == "year" else [])] for f in FEATURES]
    for combo in itertools.product(*values):
        total = sum(float(table[f].get(v, 0.0)) for f, v in zip(FEATURES, combo))
        z = math.log(w["base"] / (1 - w["base"])) + float(w.get("shrink", 1.0)) * total
        assert _score_of(combo) == round(1 / (1 + math.exp(-z)), 3), combo


def test_label_studio_pre_annotations_carry_it_as_score(tmp_path: Path) -> None:
    doc = tmp_path / "kh.txt"
    doc.write_text(OWN_YEAR, encoding="utf-8")
    [task] = pre_annotate([doc]).tasks
    [prediction] = task["predictions"]
    region_scores = {r["score"] for r in prediction["result"] if r["id"].startswith("t")}
    assert len(region_scores) == 1 and prediction["score"] == min(region_scores)


def test_export_and_report_filter_by_min_confidence(tmp_path: Path) -> None:
    plans = [extract_source(source_from_text(t, doc_id=d)) for t, d in ((OWN_YEAR, "own"), (HORIZON_ONLY, "horizon"))]
    store = tmp_path / "s.duckdb"
    with Store.open(store) as db:
        run = db.begin_run("in", "v", "test", 1)
        db.write_outcomes(run, [Outcome(name=p.doc_id, status=Status.EXTRACTED, sha256=p.sha256, size=1,
                                        targets=len(p.targets), record=plan_text(p)) for p in plans], "v")
    cut = (plans[0].targets[0].confidence or 0) - 0.0005
    out = tmp_path / "t.csv"
    assert main(["export", "--store", str(store), "--format", "csv", "--out", str(out),
                 "--min-confidence", f"{cut:.4f}"]) == 0
    with duckdb.connect() as con:
        assert con.execute(f"SELECT DISTINCT doc_id FROM read_csv_auto('{out}')").fetchall() == [("own",)]
    with pytest.raises(SystemExit) as refused:  # a percent is refused: confidence is 0..1
        main(["export", "--store", str(store), "--format", "csv", "--out", str(out), "--min-confidence", "80"])
    assert refused.value.code == 2
    gold, pred, corpus = tmp_path / "gold", tmp_path / "pred", tmp_path / "corpus"
    for d in (gold, pred, corpus):
        d.mkdir()
    for p, text in zip(plans, (OWN_YEAR, HORIZON_ONLY), strict=True):
        (corpus / f"{p.doc_id}.txt").write_text(text, encoding="utf-8")
        (pred / f"{p.doc_id}.json").write_text(json.dumps(p.to_json(), ensure_ascii=False), encoding="utf-8")
        (gold / f"{p.doc_id}.json").write_text(json.dumps(p.to_json(), ensure_ascii=False), encoding="utf-8")
    page = tmp_path / "r.html"
    assert main(["report", "--gold", str(gold), "--pred", str(pred), "--corpus", str(corpus), "--out", str(page),
                 "--min-confidence", f"{cut:.4f}", "--json"]) == 0
    html = page.read_text(encoding="utf-8")
    assert "(confidence &gt;= " in html
    assert "MISSED" in html.split('<section id="errors">', 1)[1]  # the less confident target left out
