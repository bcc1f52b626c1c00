"""Extractor speed beside a plain underthesea word-segmentation pass (issue #4).

Prints, in one run over the same documents, documents per second on one core of:
  - `extract_source` (ingest already done: normalised text in memory), with every phrase
    cache of `extractors.nlp` cleared before each round, so no round reuses an earlier one's work;
  - underthesea `word_tokenize` over every sentence of the same texts (`sent_tokenize` done
    beforehand and not timed: the baseline is segmentation alone).
Both are timed in CPU seconds of this process (on a shared machine the wall clock also counts
other processes' turns on the core); the two passes alternate round by round, and the ratio is
the median of the per-round ratios. The extractor
segments and tags only the short phrases that need it: issue #11 asks it to be at least 3x
faster than the plain segmentation pass.

Usage: python bench/extract_speed.py [FOLDER ...] [--rounds N]
(default folders: corpus/ and, when present, ../shared/corpus-dev/)
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

from underthesea import sent_tokenize, word_tokenize

from extractors.nlp import clear_caches, warm_up
from pipeline.extract import extract_source
from pipeline.ingest.load import expand_inputs, load_source


def _docs(folders: list[Path]) -> list:
    return [load_source(p) for p in expand_inputs(folders)]


def _once(fn) -> float:
    """CPU seconds of one pass: on a shared machine the wall clock also counts other processes' turns."""
    clear_caches()
    started = time.process_time()
    fn()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    folders = args.folders or [root / "corpus"] + [p for p in [root.parent / "shared" / "corpus-dev"] if p.is_dir()]
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}) if hasattr(os, "sched_setaffinity") else None
    docs = _docs(folders)
    warm_up()
    sentences = [s for d in docs for s in sent_tokenize(d.text)]
    chars = sum(len(d.text) for d in docs)

    def extract_all() -> None:
        for d in docs:
            extract_source(d)

    def segment_all() -> None:
        for s in sentences:
            word_tokenize(s)

    extract_all()  # imports and lexicon compiled once, as in a long run
    pairs = [(_once(extract_all), _once(segment_all)) for _ in range(args.rounds)]
    t_extract = statistics.median(e for e, _ in pairs)
    t_segment = statistics.median(s for _, s in pairs)
    ratio = statistics.median(s / e for e, s in pairs)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; pinned to one core")
    print(f"documents: {len(docs)} ({chars:,} characters, {len(sentences):,} sentences), median of {args.rounds} rounds")
    print(f"{'pass':<44} {'CPU s':>8} {'docs/s':>9}")
    print(f"{'chitieu extract_source (caches cleared)':<44} {t_extract:>8.3f} {len(docs) / t_extract:>9.1f}")
    print(f"{'underthesea word_tokenize, every sentence':<44} {t_segment:>8.3f} {len(docs) / t_segment:>9.1f}")
    print(f"extractor / plain segmentation speed: {ratio:.2f}x (median of per-round ratios; "
          f"range {min(s / e for e, s in pairs):.2f}-{max(s / e for e, s in pairs):.2f})")


if __name__ == "__main__":
    main()
