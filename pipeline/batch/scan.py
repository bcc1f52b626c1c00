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
    copies: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # sha256 -> later (name, doc_id) of it
    first_names: dict[str, str] = field(default_factory=dict)  # sha256 -> the name it is extracted under

    def failed_copies(self, name: str, sha256: str | None, reason: str | None) -> list[tuple[str, str | None, str]]:
        """The other names of bytes that just failed, each as its own failure row (trial row 28).

        The same bad bytes under four names were one failure and three silent "duplicates":
        the failures list missed three bad files.  Each copy now fails in its own line that
        names the file it duplicates, is counted failed rather than skipped, keeps its id
        from being marked removed, and never becomes the current version of its id (a failed
        copy must not supersede that id's last good plan).
        """
        if sha256 is None or self.first_names.get(sha256) != name:
            return []
        copies = self.copies.pop(sha256, [])
        if not copies:
            return []
        ids = {doc_id for _, doc_id in copies}
        self.duplicate_versions = [(d, s) for d, s in self.duplicate_versions if not (s == sha256 and d in ids)]
        self.unread_ids.extend(ids)
        self.skipped -= len(copies)
        self.duplicates -= len(copies)
        because = f"same bytes as {name}, which failed: {reason or 'unknown'}"
        return [(copy, sha256, because) for copy, _ in copies]


def scan_input(db: Store, run_id: str, input_path: Path, version: str, limits: Limits,
               manifest: dict[str, dict[str, str]] | None = None) -> Scan:
    """Hash every document once, one at a time, and keep only what is not stored yet."""
    started = time.perf_counter()
    scan = Scan()
    entries = list_input(input_path, limits)
    scan.documents = len(entries)
    scan.failures = [(e.name, None, e.reason) for e in entries if isinstance(e, Refused)]
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
        doc_id = ref.doc_id or Path(ref.name).stem
        if sha in scan.first_names:  # the same bytes under another name: one document
            scan.skipped += 1
            scan.duplicates += 1
            names.append((sha, ref.name))
            scan.duplicate_versions.append((doc_id, sha))
            scan.copies.setdefault(sha, []).append((ref.name, doc_id))
            continue
        scan.first_names[sha] = ref.name
        pending.append(listed_job(ref, sha, len(data),
                                  lookup(manifest, Path(ref.path)) if manifest and ref.member is None else None))
        if len(pending) >= NAME_BATCH:
            settle()
    settle()
    db.add_failures(run_id, scan.failures)
    scan.seconds = time.perf_counter() - started
    return scan
