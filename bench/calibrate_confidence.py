"""Fit the confidence weights on gold and check their calibration on gold the fit did not see.

    python bench/calibrate_confidence.py          # check the stored weights, and both cross-set fits
    python bench/calibrate_confidence.py --fit    # refit on corpus-dev + corpus-dev2, write the weights, check

A predicted target is *right* when it pairs with a gold target strictly (guide §5); an
unpaired prediction is wrong.  The model is a logistic regression over the evidence
features of `extractors/confidence.py` (one weight per feature value), with an L2 penalty
whose strength is chosen by leave-one-document-out log loss *inside the fit set*, so the
checking set never picks anything.  What is printed, each as a table of confidence bins
(count, mean confidence, share strictly right) and the expected calibration error (the
count-weighted gap between a bin's mean confidence and its share right):

* fit on corpus-dev, check on corpus-dev2; and the reverse, fit on corpus-dev2, check on
  corpus-dev: how a fit carries to documents it has not seen;
* the stored weights (fitted on both sets) on each set, in-sample, and leave-one-document-out
  over both sets: each document scored by weights fitted without it.

`corpus/` + `gold/` is left out of the fit: the rules were written on it and the golden
tests hold it at 150 of 150 targets right, which only says the rules fit their own examples.
Both dev sets were read while the rules were improved too, so every figure here is more
favourable than on documents nobody has read: the first reading of corpus-dev2 scored
strict F1 0.725 against 0.911 today.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.confidence import WEIGHTS_FILE, features, load_weights, score
from extractors.document import find_fields
from extractors.lexicon import get_lexicon
from extractors.targets import extract_candidates
from pipeline.evaluation.evaluate import is_strict, pair_targets
from pipeline.extract import extract_source
from pipeline.ingest.corpus import index_documents
from pipeline.ingest.load import load_source
from schemas.gold import load_dir

SHARED = ROOT.parent / "shared"
SETS = {"corpus-dev": SHARED / "corpus-dev", "corpus-dev2": SHARED / "corpus-dev2"}
PENALTIES = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)  # L2 strengths tried by leave-one-document-out
BINS = 10

Row = tuple[str, dict[str, str], bool]  # (document, features, strictly right)


def labelled(name: str) -> list[Row]:
    """(document, features, strictly right) for every target the extractor predicts on a gold set."""
    corpus = SETS[name]
    gold = load_dir(corpus / "gold")
    docs = index_documents([corpus])
    lex = get_lexicon()
    out: list[Row] = []
    for doc_id, g in sorted(gold.items()):
        path = docs.get(doc_id)
        if path is None:
            continue
        source = load_source(path)
        fields = find_fields(source.text, lex)
        cands = extract_candidates(source.text, lex, national=fields.national, province=fields.province,
                                   doc_year=fields.year)
        plan = extract_source(source)
        right = {p.pred for p in pair_targets(g.targets, plan.targets)
                 if is_strict(g.targets[p.gold], plan.targets[p.pred], p.overlap)}
        for i, (c, t) in enumerate(zip(cands, plan.targets, strict=True)):
            out.append((f"{name}/{doc_id}", features(c, t.indicator_id), i in right))
    return out


def _design(rows: Sequence[Row], columns: list[tuple[str, str]]) -> np.ndarray:
    index = {c: i for i, c in enumerate(columns)}
    x = np.zeros((len(rows), len(columns)))
    for r, (_, feats, _) in enumerate(rows):
        for f, v in feats.items():
            if (f, v) in index:
                x[r, index[(f, v)]] = 1.0
    return x


def _newton(x: np.ndarray, y: np.ndarray, penalty: float) -> tuple[float, np.ndarray]:
    """Intercept and weights of an L2-penalised logistic regression (the intercept is not penalised)."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    reg = np.full(xb.shape[1], penalty)
    reg[0] = 1e-6
    for _ in range(50):
        p = 1 / (1 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) + reg * w
        hess = (xb.T * (p * (1 - p))) @ xb + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return float(w[0]), w[1:]


def fit_with(rows: Sequence[Row], penalty: float) -> dict[str, Any]:
    """The weights file's content (base, shrink 1, weight per feature value) for one penalty."""
    columns = sorted({(f, v) for _, feats, _ in rows for f, v in feats.items()})
    y = np.array([float(ok) for _, _, ok in rows])
    intercept, w = _newton(_design(rows, columns), y, penalty)
    weights: dict[str, dict[str, float]] = {}
    for (f, v), value in zip(columns, w, strict=True):
        weights.setdefault(f, {})[v] = round(float(value), 3) + 0.0  # never -0.0
    return {"base": round(1 / (1 + math.exp(-intercept)), 4), "shrink": 1.0, "weights": weights}


def _log_loss(rows: Sequence[Row], weights: dict[str, Any]) -> float:
    total = 0.0
    for _, feats, ok in rows:
        p = min(max(score(feats, weights), 1e-4), 1 - 1e-4)
        total -= math.log(p if ok else 1 - p)
    return total / len(rows)


def held_out(rows: Sequence[Row], penalty: float) -> list[tuple[float, bool]]:
    """Each target's confidence from weights fitted without its document."""
    out = []
    for doc in sorted({d for d, _, _ in rows}):
        weights = fit_with([r for r in rows if r[0] != doc], penalty)
        out += [(score(feats, weights), ok) for d, feats, ok in rows if d == doc]
    return out


def choose_penalty(rows: Sequence[Row]) -> float:
    """The L2 strength with the lowest leave-one-document-out log loss on these rows alone."""
    def loss(penalty: float) -> float:
        scored = held_out(rows, penalty)
        return -sum(math.log(min(max(c if ok else 1 - c, 1e-4), 1)) for c, ok in scored) / len(scored)

    return min(PENALTIES, key=loss)


def fit(rows: Sequence[Row]) -> dict[str, Any]:
    """Weights fitted on `rows`, the penalty chosen on them alone."""
    penalty = choose_penalty(rows)
    weights = fit_with(rows, penalty)
    weights["penalty"] = penalty
    return weights


def calibration(scored: Sequence[tuple[float, bool]]) -> tuple[list[str], float]:
    """The bin table's lines and the expected calibration error."""
    bins: list[list[tuple[float, bool]]] = [[] for _ in range(BINS)]
    for c, ok in scored:
        bins[min(BINS - 1, int(c * BINS))].append((c, ok))
    lines = [f"  {'bin':<9} {'count':>5} {'mean conf':>9} {'strict right':>12}"]
    ece = 0.0
    for i, b in enumerate(bins):
        if not b:
            continue
        mean = sum(c for c, _ in b) / len(b)
        right = sum(ok for _, ok in b) / len(b)
        ece += len(b) / len(scored) * abs(mean - right)
        lines.append(f"  {i / BINS:.1f}-{(i + 1) / BINS:.1f}  {len(b):>5} {mean:>9.3f} {right:>12.3f}")
    return lines, ece


def report(title: str, scored: Sequence[tuple[float, bool]]) -> None:
    lines, ece = calibration(scored)
    right = sum(ok for _, ok in scored)
    mean = sum(c for c, _ in scored) / len(scored)
    print(f"{title}: {len(scored)} targets, {right} strictly right ({right / len(scored):.3f}), "
          f"mean confidence {mean:.3f}, ECE {ece:.3f}")
    print("\n".join(lines))


def main() -> None:
    missing = [name for name, path in SETS.items() if not (path / "gold").is_dir()]
    if missing:
        print(f"{', '.join(missing)} absent (../shared): no calibration")
        return
    rows = {name: labelled(name) for name in SETS}
    for fit_on, check_on in (("corpus-dev", "corpus-dev2"), ("corpus-dev2", "corpus-dev")):
        weights = fit(rows[fit_on])
        print(f"\n== fit on {fit_on} (L2 {weights['penalty']}, chosen on {fit_on} alone), check on {check_on}")
        report(f"{check_on} (unseen by this fit)", [(score(f, weights), ok) for _, f, ok in rows[check_on]])
        report(f"{fit_on} (in-sample)", [(score(f, weights), ok) for _, f, ok in rows[fit_on]])
    both = rows["corpus-dev"] + rows["corpus-dev2"]
    if "--fit" in sys.argv:
        weights = fit(both)
        weights["fitted_on"] = {"targets": len(both), "sets": ["../shared/corpus-dev", "../shared/corpus-dev2"]}
        header = ("# Confidence weights (extractors/confidence.py), written by "
                  "`python bench/calibrate_confidence.py --fit`; do not edit by hand.\n")
        WEIGHTS_FILE.write_text(header + yaml.safe_dump(weights, allow_unicode=True, sort_keys=False),
                                encoding="utf-8")
        load_weights.cache_clear()
    stored = load_weights()
    print(f"\n== the stored weights (L2 {stored.get('penalty', '?')}, fitted on both sets)")
    for name in SETS:
        report(f"{name} (in-sample)", [(score(f, stored), ok) for _, f, ok in rows[name]])
    report("both sets, leave-one-document-out", held_out(both, float(stored.get("penalty", 1.0))))


if __name__ == "__main__":
    main()
