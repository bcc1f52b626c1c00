"""Extraction time against document length: it must grow linearly (issue 11 §8, issue 12 item 10).

Builds, in memory, long documents from the texts of `corpus/` and times `extract_source`
on each size, in one run:
  - `plan`: the corpus texts repeated (real plan text, with its punctuation and lines);
  - `flat`: the same words with every punctuation mark and newline removed (one sentence).
Prints wall and CPU seconds per size (after a warm-up extraction, so one-time loading is not
counted) and the ratio of the largest to the smallest CPU time beside the ratio of their
lengths: linear time gives about the same two ratios (5 MB / 1 MB ≈ 5, not 25).

Usage: python bench/extract_scaling.py [--sizes 1,5] [--kind plan,flat] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path

import regex

from extractors.nlp import warm_up
from pipeline.extract import extract_source
from pipeline.ingest.source import Source

ROOT = Path(__file__).resolve().parent.parent
MB = 1_000_000


def _corpus_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt")))


def build(kind: str, size: int) -> str:
    """`size` characters of plan text: as written (`plan`) or without punctuation and lines (`flat`)."""
    base = _corpus_text()
    if kind == "flat":
        base = " ".join(regex.sub(r"[^\w%\s]", " ", base).split())
    out = (base + ("\n" if kind == "plan" else " ")) * (size // len(base) + 1)
    return out[:size]


def run(text: str, name: str) -> float:
    """Extract one built text; print wall and CPU seconds (CPU time is the figure a loaded machine changes least)."""
    source = Source(doc_id=name, path=name, media_type="text/plain", sha256="0" * 64, text=text)
    started, cpu = time.perf_counter(), time.process_time()
    plan = extract_source(source)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"  {name:>10}: {len(text) / MB:5.2f} MB  {elapsed:7.2f} s wall  {cpu:7.2f} s CPU  {len(plan.targets):6d} targets",
          flush=True)
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,5", help="sizes in MB, comma-separated (default 1,5)")
    parser.add_argument("--kind", default="plan,flat", help="plan, flat or both (default)")
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile of the smallest size")
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    warm_up()
    run(build("plan", 20_000), "warm-up")  # lexicon, catalogue and rules digest loaded once, as in a long run
    for kind in args.kind.split(","):
        print(f"{kind}:")
        if args.profile:
            prof = cProfile.Profile()
            prof.runcall(run, build(kind, int(sizes[0] * MB)), f"{kind}-prof")
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
            continue
        times = [run(build(kind, int(s * MB)), f"{kind}-{s:g}MB") for s in sizes]
        if len(times) > 1:
            print(f"  CPU time ratio {times[-1] / times[0]:.1f} for a length ratio {sizes[-1] / sizes[0]:.1f}")


if __name__ == "__main__":
    main()
