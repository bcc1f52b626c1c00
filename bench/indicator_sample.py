"""Hand check of indicator ids on the dev sets: a fixed sample of 50 linked targets and its verdicts.

Usage:  python bench/indicator_sample.py            print the sample and the recorded verdicts' score
        python bench/indicator_sample.py --blank    print the sample only (to judge it afresh)

The sample is drawn with a fixed seed from every extracted target of ../shared/corpus-dev and
../shared/corpus-dev2 that got an `indicator_id`, so the same extractor gives the same sample.
Verdicts live in docs/indicator-sample-check.json by (set, document, quote offset, id) — no
text of the dev sets is copied — and accumulate over draws: an extractor that changes the
linked targets draws a partly new sample, whose new members show as `unjudged`, never as right.
Also prints the coverage of each set (targets with an id / all extracted targets).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.indicators import get_matcher
from pipeline.extract import extract_path

SETS = {"corpus-dev": ROOT.parent / "shared" / "corpus-dev", "corpus-dev2": ROOT.parent / "shared" / "corpus-dev2"}
VERDICTS = ROOT / "docs" / "indicator-sample-check.json"
SEED = 14
SIZE = 50


def main(argv: list[str]) -> int:
    if not all(p.is_dir() for p in SETS.values()):
        print("../shared/corpus-dev and corpus-dev2 are needed", file=sys.stderr)
        return 1
    linked: list[tuple[str, str, int, int | None, str, str, str, str]] = []
    for name, folder in SETS.items():
        total = with_id = 0
        for path in sorted(folder.glob("d*.txt")):
            plan = extract_path(path)
            for i, t in enumerate(plan.targets):
                total += 1
                if t.indicator_id:
                    with_id += 1
                    linked.append((name, path.stem, i, t.start, t.indicator_id, t.indicator_rule or "", t.indicator,
                                   t.quote))
        print(f"{name}: {with_id} of {total} extracted targets get an indicator_id ({with_id / total:.1%})")
    sample = random.Random(SEED).sample(linked, SIZE)
    verdicts = {} if "--blank" in argv or not VERDICTS.exists() else {
        (v["set"], v["doc"], v["start"], v["indicator_id"]): v for v in json.loads(VERDICTS.read_text("utf-8"))}
    names = get_matcher().by_id
    right = wrong = unjudged = 0
    for n, (name, doc, i, start, iid, rule, indicator, quote) in enumerate(sample, 1):
        v = verdicts.get((name, doc, start, iid))
        mark = "?" if v is None else ("ok" if v["ok"] else "WRONG")
        right += bool(v and v["ok"])
        wrong += bool(v and not v["ok"])
        unjudged += v is None
        print(f"{n:>2}. [{mark}] {name}/{doc}#{i} @{start} {iid} ({names[iid].name}; rule {rule})")
        print(f"      indicator «{indicator}»  quote «{quote}»")
        if v and v.get("note"):
            print(f"      note: {v['note']}")
    print(f"\nhand check: {right} of {SIZE} right ({right / SIZE:.0%}), {wrong} wrong, {unjudged} unjudged")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
