"""Extracting many files into a folder: one failure is one reason, never the end of the batch.

Each document is extracted under the per-document bounds of `chitieu run --store` (time,
memory, targets; README, "Reliability") by `BoundedRunner`, in a sandboxed worker process,
so one that breaks a bound fails alone, by name, and the batch goes on with the next.
Each record is written atomically, so an interrupted batch leaves whole records only.
Records are named by document id (`pipeline/ingest/inputs.py`), mirroring the input folders
(`2024/kehoach.txt` -> `OUT/2024/kehoach.json`).  Two inputs that still get one id (files
given from two different folders under one name) would write the same record;
`OutputNames` gives the name to the first of them and refuses the others, so `chitieu
extract` and `chitieu run --out` never silently replace one document's record with another's.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from pipeline.batch.refs import Job, document_job, run_job
from pipeline.batch.sandbox import Bounds, Sandbox
from pipeline.ingest.archive import Limits, Reader
from pipeline.ingest.inputs import Document
from pipeline.limits import MAX_BYTES
from pipeline.run import Outcome


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


class BoundedRunner:
    """Extracts documents (files, fetched pages) one at a time, each under the per-document bounds.

    With `bounds.isolate` (the default) each document goes to one sandboxed worker process
    (`pipeline.batch.sandbox`, as `run --store` does), so a document over its time or memory
    bound fails alone with the bound in its reason and the next one gets a new worker; the
    worker starts at the first document, not before, and is kept for this process's next
    batch under the same bounds (a worker's start-up costs seconds). Without, documents
    run in this process, bounded by their targets only (tests that patch the extractor).
    """

    def __init__(self, bounds: Bounds | None = None) -> None:
        self.bounds = bounds or Bounds()
        self._box = _lease(self.bounds) if self.bounds.isolate else None
        self._reader = None if self._box else Reader(Limits(max_bytes=self.bounds.max_bytes or MAX_BYTES))

    def run(self, doc: Document, out: Path, metadata: dict[str, str] | None = None) -> Outcome:
        """One listed document to `out`; every failure is its outcome."""
        return self.run_job(document_job(doc, out, metadata))

    def run_job(self, job: Job) -> Outcome:
        """One job (`pipeline.batch.refs`: a document, or a fetched page) under the bounds."""
        if self._box is None:
            return run_job(self._reader, job, self.bounds.max_targets)
        try:
            return self._box.run_one(job)
        except BaseException:  # Ctrl-C mid-document: its worker's answer would meet the next document
            self._box.kill()
            raise

    def close(self) -> None:
        if self._box is not None:
            _give_back(self.bounds, self._box)
            self._box = None
        if self._reader is not None:
            self._reader.__exit__(None, None, None)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Workers kept between batches, by the bounds they enforce and the folder they started in: a
# worker resolves a relative input or `--out .` against its own current folder, so one started
# before the caller changed folder would read and write somewhere else.
_IDLE: dict[tuple[Bounds, str], list[Sandbox]] = {}
_IDLE_LOCK = threading.Lock()


def _lease(bounds: Bounds) -> Sandbox:
    with _IDLE_LOCK:
        idle = _IDLE.get((bounds, os.getcwd()))
        return idle.pop() if idle else Sandbox(bounds)


def _give_back(bounds: Bounds, box: Sandbox) -> None:
    with _IDLE_LOCK:
        _IDLE.setdefault((bounds, os.getcwd()), []).append(box)


@atexit.register
def _close_idle() -> None:
    """End the kept workers with this process (they would also die with it: PR_SET_PDEATHSIG)."""
    with _IDLE_LOCK:
        for boxes in _IDLE.values():
            for box in boxes:
                box.close()
        _IDLE.clear()


def extract_files(files: Sequence[Path | Document], out_dir: Path, progress: bool = False,
                  metadata: dict[str, dict[str, str]] | None = None, bounds: Bounds | None = None,
                  runner: BoundedRunner | None = None) -> BatchReport:
    """Extract each document into `out_dir/<doc_id>.json` under `bounds`; collect failures with reasons.

    `metadata` maps a document's path (as listed) to what a sidecar manifest says about it.
    `runner` lends one already open (its worker shared with the URLs of the same command).
    """
    started = time.perf_counter()
    names = OutputNames(out_dir)
    report = BatchReport()
    docs = [as_document(f) for f in files]
    step = max(1, len(docs) // 20)
    with BoundedRunner(bounds) if runner is None else contextlib.nullcontext(runner) as own:
        for i, doc in enumerate(docs, 1):
            out = names.claim(doc)
            report.outcomes.append(out if isinstance(out, Outcome) else
                                   own.run(doc, out, (metadata or {}).get(str(doc.path))))
            if progress and len(docs) >= 20 and (i % step == 0 or i == len(docs)):
                print(f"  {i}/{len(docs)} documents", file=sys.stderr)
    report.seconds = time.perf_counter() - started
    return report

