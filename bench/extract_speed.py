"""Extractor speed beside a plain underthesea word-segmentation pass (issue #4).

Prints, in one run over the same documents, documents per second on one core of:
  - `extract_source` (ingest already done: normalised text in memory), caches cleared each round;
  - underthesea `word_tokenize` over every sentence of the same texts (`sent_tokenize` first).
The extractor segments only the short phrases that need it, so it should be at least as fast.

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

from extractors.nlp import phrase_doc, phrase_tokens, pos_words, warm_up
from pipeline.extract import extract_source
from pipeline.ingest.load import expand_inputs, load_source


def _docs(folders: list[Path]) -> list:
    return [load_source(p) for p in expand_inputs(folders)]


def _time(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        pos_words.cache_clear()
        phrase_doc.cache_clear()
        phrase_tokens.cache_clear()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


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
    t_extract = _time(extract_all, args.rounds)
    t_segment = _time(segment_all, args.rounds)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; pinned to one core")
    print(f"documents: {len(docs)} ({chars:,} characters, {len(sentences):,} sentences), median of {args.rounds} rounds")
    print(f"{'pass':<44} {'seconds':>8} {'docs/s':>9}")
    print(f"{'chitieu extract_source (caches cleared)':<44} {t_extract:>8.3f} {len(docs) / t_extract:>9.1f}")
    print(f"{'underthesea word_tokenize, every sentence':<44} {t_segment:>8.3f} {len(docs) / t_segment:>9.1f}")
    print(f"extractor / plain segmentation speed: {t_segment / t_extract:.2f}x")


if __name__ == "__main__":
    main()
