"""Synthetic archives for the benchmark: real corpus paragraphs, recombined.

Each document opens with the first line of a real corpus document (so province, type and
number are found as in real input) and continues with paragraphs drawn from the whole
corpus, about as many as a corpus document has, so its size and target density match the
corpus.  A seeded generator makes the same archive for the same N every time.
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def corpus_lines(corpus: Path = CORPUS) -> tuple[list[str], list[str]]:
    """First lines (headers) and all other non-empty lines (paragraphs) of corpus/*.txt."""
    heads: list[str] = []
    body: list[str] = []
    for path in sorted(corpus.glob("*.txt")):
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        heads.append(lines[0])
        body.extend(lines[1:])
    return heads, body


def documents(n: int, seed: int = 7, corpus: Path = CORPUS) -> Iterator[tuple[str, str]]:
    """`n` (name, text) pairs, generated one at a time."""
    heads, body = corpus_lines(corpus)
    per_doc = max(1, len(body) // max(1, len(heads)))
    rng = random.Random(seed)
    for i in range(n):
        k = rng.randint(per_doc // 2, per_doc * 3 // 2)
        lines = [rng.choice(heads), *rng.sample(body, min(k, len(body)))]
        yield f"synthetic/doc_{i:06d}.txt", "\n".join(lines) + "\n"


def write_zip(path: Path, n: int, seed: int = 7) -> Path:
    """A zip of `n` synthetic documents, written member by member."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, text in documents(n, seed):
            zf.writestr(name, text.encode("utf-8"))
    return path


def write_dir(folder: Path, n: int, seed: int = 7) -> Path:
    """The same documents as plain files in a folder."""
    for name, text in documents(n, seed):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return folder
