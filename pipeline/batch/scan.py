"""Listing and hashing a batch's input once, and keeping only the documents not stored yet.

Why here and not in the flow: this is the batch's own logic (what counts as done, what as
a duplicate, which ids are still there), so it is a plain function over a `Store`, tested
without Prefect; `flows.batch_flow` only calls it.  Every document's bytes are read and
hashed here, and read again by the worker that extracts it: workers get references, not
bytes (a chunk stays small to pickle and cache), and `run_one` checks the hash again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.batch.refs import Job, listed_job
from pipeline.errors import IngestError
from pipeline.ingest.archive import Limits, Refused, iter_bytes, list_input
from pipeline.ingest.sidecar import lookup
from pipeline.ingest.source import sha256_bytes
from pipeline.store.db import Store

NAME_BATCH = 1000  # names and skips written to the store per statement while scanning


@dataclass
class Scan:
    """What listing and hashing the input found: work to do, skips, failures."""

    documents: int = 0
    todo: list[Job] = field(default_factory=list)  # jobs to extract (pipeline.batch.refs)
    skipped: int = 0
    duplicates: int = 0
    stored_targets: int = 0
    failures: list[tuple[str, str | None, str]] = field(default_factory=list)
    seconds: float = 0.0
    stored_versions: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, sha256) already with a plan
    duplicate_versions: list[tuple[str, str]] = field(default_factory=list)  # another id of bytes seen in this run
    unread_ids: list[str] = field(default_factory=list)  # ids found but not readable: not removed, whatever they held


def scan_input(db: Store, run_id: str, input_path: Path, version: str, limits: Limits,
               manifest: dict[str, dict[str, str]] | None = None) -> Scan:
    """Hash every document once, one at a time, and keep only what is not stored yet."""
    started = time.perf_counter()
    scan = Scan()
    entries = list_input(input_path, limits)
    scan.documents = len(entries)
    scan.failures = [(e.name, None, e.reason) for e in entries if isinstance(e, Refused)]
    seen: set[str] = set()
    pending: list[Job] = []
    names: list[tuple[str, str]] = []

    def settle() -> None:
        stored = db.stored([p["sha256"] for p in pending], version)
        for p in pending:
            if p["sha256"] in stored:
                scan.skipped += 1
                scan.stored_targets += stored[p["sha256"]]
                names.append((p["sha256"], p["name"]))
                scan.stored_versions.append((p["doc_id"], p["sha256"]))
            else:
                scan.todo.append(p)
        pending.clear()
        db.add_names(run_id, names)
        names.clear()

    for ref, data in iter_bytes(entries, limits):
        if isinstance(data, IngestError):
            scan.failures.append((ref.name, None, str(data)))
            scan.unread_ids.append(ref.doc_id or Path(ref.name).stem)
            continue
        sha = sha256_bytes(data)
        if sha in seen:  # the same bytes under another name: one document
            scan.skipped += 1
            scan.duplicates += 1
            names.append((sha, ref.name))
            scan.duplicate_versions.append((ref.doc_id or Path(ref.name).stem, sha))
            continue
        seen.add(sha)
        pending.append(listed_job(ref, sha, len(data),
                                  lookup(manifest, Path(ref.path)) if manifest and ref.member is None else None))
        if len(pending) >= NAME_BATCH:
            settle()
    settle()
    db.add_failures(run_id, scan.failures)
    scan.seconds = time.perf_counter() - started
    return scan
