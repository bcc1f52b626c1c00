"""Fit the confidence weights on gold and report their calibration on unseen gold.

    python bench/calibrate_confidence.py          # report calibration with the stored weights
    python bench/calibrate_confidence.py --fit    # refit on corpus-dev + gold/, write the weights, report

Fitting uses corpus-dev (../shared/corpus-dev) and the repository's corpus/ + gold/;
calibration is reported on corpus-dev2, which the fit never sees.  A predicted target is
*right* when it pairs with a gold target strictly (guide §5); an unpaired prediction is
wrong.  The report is a table of confidence bins (count, mean confidence, share strictly
right) and the expected calibration error: the count-weighted mean gap between a bin's
mean confidence and its share right.
"""

from __future__ import annotations

import math
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.confidence import WEIGHTS_FILE, _logit, features, load_weights, score
from extractors.document import find_fields
from extractors.lexicon import get_lexicon
from extractors.targets import extract_candidates
from pipeline.evaluation.evaluate import is_strict, pair_targets
from pipeline.extract import extract_source
from pipeline.ingest.corpus import index_documents
from pipeline.ingest.load import load_source
from schemas.gold import load_dir

SHARED = ROOT.parent / "shared"
FIT_SETS = ((ROOT / "corpus", ROOT / "gold"), (SHARED / "corpus-dev", SHARED / "corpus-dev" / "gold"))
REPORT_SET = (SHARED / "corpus-dev2", SHARED / "corpus-dev2" / "gold")
SMOOTHING = 5.0  # pseudo-targets at the base rate behind every feature value
BINS = 10


def labelled(corpus: Path, gold_dir: Path) -> list[tuple[dict[str, str], bool]]:
    """(features, strictly right) for every target the extractor predicts on a gold set."""
    gold = load_dir(gold_dir)
    docs = index_documents([corpus])
    lex = get_lexicon()
    out: list[tuple[dict[str, str], bool]] = []
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
            out.append((features(c, t.indicator_id), i in right))
    return out


def fit(rows: list[tuple[dict[str, str], bool]]) -> dict[str, Any]:
    """Smoothed log-odds per feature value, and the shrink with the lowest log loss on the fit data."""
    base = sum(ok for _, ok in rows) / len(rows)
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for feats, ok in rows:
        for f, v in feats.items():
            counts[f][v][0] += int(ok)
            counts[f][v][1] += 1
    weights = {f: {v: round(_logit((ok + SMOOTHING * base) / (n + SMOOTHING)) - _logit(base), 3)
                   for v, (ok, n) in sorted(vals.items())}
               for f, vals in sorted(counts.items())}

    def loss(shrink: float) -> float:
        w = {"base": base, "shrink": shrink, "weights": weights}
        total = 0.0
        for feats, ok in rows:
            p = min(max(score(feats, w), 1e-4), 1 - 1e-4)
            total -= math.log(p if ok else 1 - p)
        return total / len(rows)

    shrink = min((s / 20 for s in range(1, 21)), key=loss)
    return {"base": round(base, 4), "shrink": shrink, "weights": weights,
            "fitted_on": {"targets": len(rows), "sets": ["corpus/ + gold/", "../shared/corpus-dev"]}}


def calibration(rows: list[tuple[dict[str, str], bool]], weights: dict[str, Any]) -> tuple[list[str], float]:
    """The bin table's lines and the expected calibration error."""
    bins: list[list[tuple[float, bool]]] = [[] for _ in range(BINS)]
    for feats, ok in rows:
        c = score(feats, weights)
        bins[min(BINS - 1, int(c * BINS))].append((c, ok))
    lines = [f"{'bin':<9} {'count':>5} {'mean conf':>9} {'strict right':>12}"]
    ece = 0.0
    for i, b in enumerate(bins):
        if not b:
            continue
        mean = sum(c for c, _ in b) / len(b)
        right = sum(ok for _, ok in b) / len(b)
        ece += len(b) / len(rows) * abs(mean - right)
        lines.append(f"{i / BINS:.1f}-{(i + 1) / BINS:.1f}  {len(b):>5} {mean:>9.3f} {right:>12.3f}")
    return lines, ece


def main() -> None:
    if "--fit" in sys.argv:
        rows = [r for corpus, gold in FIT_SETS if gold.is_dir() for r in labelled(corpus, gold)]
        weights = fit(rows)
        header = ("# Confidence weights (extractors/confidence.py), written by "
                  "`python bench/calibrate_confidence.py --fit`; do not edit by hand.\n")
        WEIGHTS_FILE.write_text(header + yaml.safe_dump(weights, allow_unicode=True, sort_keys=False),
                                encoding="utf-8")
        load_weights.cache_clear()
        print(f"fitted on {len(rows)} targets (base rate {weights['base']:.3f}, shrink {weights['shrink']})")
        lines, ece = calibration(rows, weights)
        print("calibration on the fit sets:")
        print("\n".join(lines) + f"\nECE {ece:.3f}")
    weights = load_weights()
    corpus, gold = REPORT_SET
    if not gold.is_dir():
        print(f"{gold} is absent: no calibration report")
        return
    rows = labelled(corpus, gold)
    lines, ece = calibration(rows, weights)
    print(f"calibration on corpus-dev2 ({len(rows)} predicted targets, unseen by the fit):")
    print("\n".join(lines) + f"\nECE {ece:.3f}")


if __name__ == "__main__":
    main()
