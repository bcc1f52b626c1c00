"""Extracting many files into a folder: one failure is one reason, never the end of the batch.

Each record is written atomically, so an interrupted batch leaves whole records only.
Records are named by document id (`pipeline/ingest/inputs.py`), mirroring the input folders
(`2024/kehoach.txt` -> `OUT/2024/kehoach.json`).  Two inputs that still get one id (files
given from two different folders under one name) would write the same record;
`OutputNames` gives the name to the first of them and refuses the others, so `chitieu
extract` and `chitieu run --out` never silently replace one document's record with another's.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ingest.archive import DocRef, Limits, Reader
from pipeline.ingest.inputs import Document
from pipeline.ingest.source import shown_path
from pipeline.limits import MAX_BYTES
from pipeline.run import Outcome, run_one


@dataclass
class BatchReport:
    """What a batch did: every document's outcome, in input order, and the time taken."""

    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def written(self) -> int:
        return sum(1 for o in self.outcomes if not o.failed)

    @property
    def targets(self) -> int:
        return sum(o.targets for o in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.failed]


class OutputNames:
    """Hands out record paths `out_dir/<doc_id>.json`; an id already given out is refused."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._owners: dict[str, Path] = {}

    def claim(self, doc: Path | Document) -> Path | Outcome:
        """The record path for `doc`, or a failed outcome naming the file that owns it."""
        doc = as_document(doc)
        owner = self._owners.setdefault(doc.doc_id, doc.path)
        if owner is not doc.path:
            return Outcome.failure(str(doc.path), f"output {doc.doc_id}.json is already written for {owner}")
        return self.out_dir / f"{doc.doc_id}.json"


def as_document(doc: Path | Document) -> Document:
    """A file named directly is a document whose id is its stem."""
    return doc if isinstance(doc, Document) else Document(doc, doc.stem)


def doc_ref(doc: Document) -> DocRef:
    """The reference `run_one` reads a listed document through, carrying its id."""
    return DocRef(name=shown_path(doc.path), path=str(doc.path), doc_id=shown_path(doc.doc_id))


def extract_files(files: Sequence[Path | Document], out_dir: Path, progress: bool = False,
                  metadata: dict[str, dict[str, str]] | None = None, max_bytes: int = MAX_BYTES) -> BatchReport:
    """Extract each document into `out_dir/<doc_id>.json`; collect failures with reasons.

    `metadata` maps a document's path (as listed) to what a sidecar manifest says about it.
    """
    started = time.perf_counter()
    names = OutputNames(out_dir)
    report = BatchReport()
    docs = [as_document(f) for f in files]
    step = max(1, len(docs) // 20)
    with Reader(Limits(max_bytes=max_bytes)) as reader:
        for i, doc in enumerate(docs, 1):
            out = names.claim(doc)
            report.outcomes.append(out if isinstance(out, Outcome) else
                                   run_one(doc_ref(doc), reader, out=out, metadata=(metadata or {}).get(str(doc.path))))
            if progress and len(docs) >= 20 and (i % step == 0 or i == len(docs)):
                print(f"  {i}/{len(docs)} documents", file=sys.stderr)
    report.seconds = time.perf_counter() - started
    return report
