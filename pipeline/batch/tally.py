"""Storing a batch run's chunks as they come back, and what the run did: plain code, no Prefect.

Why here and not in the flow: what a chunk's outcomes do to the store is the batch's own
logic: its plans written in one transaction, each failure named, the version table kept
(which document id holds which bytes), ids that failed to read kept from being marked
removed.  `flows.batch_flow` only submits chunks and hands each one's outcomes to
`RunTally.store`; `RunTally.finish` closes the run's bookkeeping and gives the summary
fields that `chitieu run --store` prints.  Tested without Prefect (tests/test_batch_policy.py).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.batch.refs import Job
from pipeline.batch.scan import Scan
from pipeline.run import Outcome
from pipeline.store.db import Store


@dataclass
class RunTally:
    """One run's counts so far; `store` adds a chunk, `finish` ends the run's bookkeeping."""

    db: Store
    run_id: str
    root: str  # the input, resolved: document ids and versions are relative to it
    version: str
    scan: Scan
    processed: int = 0
    targets: int = 0
    superseded: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def start(cls, db: Store, run_id: str, root: str, version: str, scan: Scan) -> RunTally:
        """The tally after the scan: its refusals are failures, its stored documents' targets count."""
        return cls(db, run_id, root, version, scan, targets=scan.stored_targets,
                   failures=[{"name": n, "reason": r} for n, _, r in scan.failures])

    def store_skipped(self) -> None:
        """Documents already stored under this version keep their ids (the version table)."""
        self.superseded += self.db.record_versions(self.run_id, self.root, self.scan.stored_versions)

    def store(self, jobs: Sequence[Job], outcomes: Sequence[Outcome]) -> None:
        """One chunk's outcomes into the store (one transaction), counted; a failed id is kept from removal."""
        ids = {j["name"]: j["doc_id"] for j in jobs}
        stored_now: list[tuple[str, str]] = []
        for o in self.db.write_outcomes(self.run_id, outcomes, self.version):
            if o.failed:
                self.failures.append({"name": o.name, "reason": o.reason or "unknown"})
                self.scan.unread_ids.append(ids[o.name])
                copies = self.scan.failed_copies(o.name, o.sha256, o.reason)  # its other names, one line each
                self.db.add_failures(self.run_id, copies)
                self.failures += [{"name": n, "reason": r} for n, _, r in copies]
            else:
                self.processed += 1
                self.targets += o.targets
                if o.sha256:
                    stored_now.append((ids[o.name], o.sha256))
        self.superseded += self.db.record_versions(self.run_id, self.root, stored_now)

    def finish(self, started: float) -> dict[str, Any]:
        """Duplicates' versions recorded, what the input lacks marked removed: the summary's fields.

        The whole root was listed, so an id it no longer has is gone; a file that failed is
        still there and keeps its last plan. `started` is when the run started (`time.perf_counter()`).
        """
        scan = self.scan
        self.superseded += self.db.record_versions(self.run_id, self.root, scan.duplicate_versions)
        removed = self.db.mark_removed(self.run_id, self.root, keep=scan.unread_ids)
        seconds = time.perf_counter() - started
        summary: dict[str, Any] = {
            "superseded": self.superseded, "removed": removed,
            "documents": scan.documents, "processed": self.processed, "skipped": scan.skipped, "duplicates": scan.duplicates,
            "failed": len(self.failures), "targets": self.targets, "seconds": round(seconds, 3),
            "scan_seconds": round(scan.seconds, 3),
            "docs_per_second": round(self.processed / seconds, 2) if seconds > 0 else 0.0, "failures": self.failures,
        }
        summary["quality"] = self.db.quality(self.run_id, self.root)
        return summary
