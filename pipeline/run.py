"""One document, from its reference to an outcome: the one per-document runner.

`chitieu extract`, both Prefect flows, the accuracy gate and Label Studio pre-annotation
all hand each document to `run_one`, so a document is loaded, extracted, timed and, when
anything goes wrong, turned into a one-line reason in exactly one place. Whatever runs it,
a document ends as an `Outcome` with a `Status`: `extracted` (a plan with targets),
`no_targets` (a valid plan that states none) or `failed` (with the reason), never as an
exception that stops the batch.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Protocol

from pipeline.drops import DocumentDrops, write_drops
from pipeline.errors import (
    E_TOO_MANY_TARGETS,
    E_WRITE,
    BoundError,
    ChitieuError,
    IngestError,
    OutputError,
)
from pipeline.extract import extract_source_with_drops
from pipeline.ingest.archive import DocRef, Reader
from pipeline.ingest.corpus import index_documents
from pipeline.ingest.sidecar import merge_metadata
from pipeline.ingest.source import Source, shown_path
from pipeline.io import write_plan
from pipeline.limits import MAX_TARGETS
from schemas.plan import Plan

NO_TARGETS_REASON = "no quantified target found"
REASON_CHARS = 200  # an unexpected error's message is cut here: one line, not a traceback


class Status(str, Enum):
    """What became of a document (stored as its value in `documents.status`)."""

    EXTRACTED = "extracted"  # a plan with at least one target
    NO_TARGETS = "no_targets"  # a valid plan that states no quantified target
    FAILED = "failed"  # no plan; `reason` says why


@dataclass(frozen=True)
class Outcome:
    """One document's result as data: its status, the reason, the plan, and the time taken.

    `plan` is set in the process that extracted the document; an outcome that travelled
    from a worker (`pipeline.store.db.unpack`) carries the plan's JSON text in `record` instead,
    because the flow's process only stores it and need not validate it again. `source` is
    kept for callers that need the text (pre-annotation) and is never sent anywhere.
    `drops` are the numbers the extractor dropped (`pipeline/drops.py`), kept with the record
    and in the store so that nobody has to extract again to see them.
    """

    name: str  # what a user sees: the path, or `archive.zip!member`
    status: Status
    reason: str | None = None
    seconds: float = 0.0
    sha256: str | None = None
    size: int | None = None
    targets: int = 0
    plan: Plan | None = field(default=None, repr=False)
    record: str | None = field(default=None, repr=False)
    source: Source | None = field(default=None, repr=False, compare=False)
    drops: DocumentDrops | None = field(default=None, repr=False, compare=False)  # what the extractor dropped

    @property
    def failed(self) -> bool:
        return self.status is Status.FAILED

    @classmethod
    def failure(cls, name: str, reason: str, *, sha256: str | None = None, size: int | None = None,
                seconds: float = 0.0) -> Outcome:
        """A document that has no plan, and why."""
        return cls(name=name, status=Status.FAILED, reason=reason, seconds=seconds, sha256=sha256, size=size)


def failure_reason(exc: BaseException) -> str:
    """A one-line reason: our own errors as they are, anything else with its type."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, ChitieuError):
        return text
    return f"internal error ({type(exc).__name__}): {text[:REASON_CHARS]}"


def write_output(write: Callable[[], None], out: Path) -> None:
    """Run one write of the record `out`, or say in one line why it cannot be (the disk, not the document)."""
    try:
        write()
    except OSError as exc:
        raise OutputError(E_WRITE.format(path=shown_path(str(out)), reason=exc.strerror or exc)) from exc


def write_record(plan: Plan, out: Path) -> None:
    """Write the record, or say in one line why it cannot be."""
    write_output(lambda: write_plan(plan, out), out)


def no_extraction(source: Source) -> Plan:
    """An extractor that finds nothing: for callers that need only the text (`--blank`, the report)."""
    return Plan(doc_id=source.doc_id)


def run_documents(
    doc_ids: Iterable[str], folders: Sequence[Path], *, extract: Callable[[Source], Plan] | None = None,
) -> tuple[dict[str, Outcome], dict[str, str]]:
    """Each doc_id's document (found by file stem in `folders`) through `run_one`.

    Returns the outcomes that have a plan, and for every other doc_id the reason: no such
    document, or why it failed. The accuracy gate and the HTML report both start here, so
    they find, read and fail documents the same way.
    """
    documents = index_documents(folders)
    done: dict[str, Outcome] = {}
    reasons: dict[str, str] = {}
    for doc_id in sorted(doc_ids):
        path = documents.get(doc_id)
        if path is None:
            where = ", ".join(str(f) for f in folders)
            reasons[doc_id] = f"document text not found: no {doc_id}.* in {where}"
            continue
        outcome = run_one(path, extract=extract)
        if outcome.failed:
            reasons[doc_id] = outcome.reason or "failed"
        else:
            done[doc_id] = outcome
    return done, reasons


class Loadable(Protocol):
    """A document that reads itself (a fetched page, `pipeline.web.urls.FetchedPage`), named for failures."""

    @property
    def name(self) -> str: ...

    def load(self) -> Source: ...


def _ref(doc: DocRef | Path | Source | Loadable) -> DocRef | Source | Loadable:
    return DocRef(name=str(doc), path=str(doc)) if isinstance(doc, Path) else doc


def _load(ref: DocRef | Source | Loadable, reader: Reader | None) -> Source:
    if isinstance(ref, Source):  # already read: nothing to load
        return ref
    if not isinstance(ref, DocRef):  # read here, under this process's bounds (a fetched page)
        return ref.load()
    if reader is not None:
        return reader.source(ref)
    with Reader() as own:  # closes the archive again when the ref is a zip member
        return own.source(ref)


def run_one(
    doc: DocRef | Path | Source | Loadable,
    reader: Reader | None = None,
    *,
    expect_sha256: str | None = None,
    size: int | None = None,
    out: Path | None = None,
    extract: Callable[[Source], Plan] | None = None,
    metadata: dict[str, str] | None = None,
    max_targets: int = MAX_TARGETS,
) -> Outcome:
    """Load, extract and (with `out`) write one document; every failure becomes its outcome.

    `reader` keeps zip archives open across a chunk (a plain file needs none).
    `expect_sha256` is the hash the document had when it was listed: a file changed since
    then fails rather than storing a plan under the wrong key. `extract` replaces the
    extractor (`extract_source`); pre-annotation without predictions passes one that
    returns an empty plan. `metadata` is what a sidecar manifest says about the document
    (`pipeline/ingest/sidecar.py`), stored beside what ingest learnt. A plan of more than
    `max_targets` targets fails (and is not written): a phrase repeated without end.
    """
    ref = _ref(doc)
    name = ref.path if isinstance(ref, Source) else ref.name
    started = time.perf_counter()
    sha256 = expect_sha256
    try:
        source = _load(ref, reader)
        sha256 = source.sha256
        if expect_sha256 is not None and source.sha256 != expect_sha256:
            raise IngestError("file changed while the run was reading it")
        if metadata:
            source = dataclasses.replace(source, metadata=merge_metadata(source.metadata, metadata))
        drops = None
        if extract is None:
            plan, extraction = extract_source_with_drops(source)
            drops = DocumentDrops.of(plan, extraction, source.text)
        else:
            plan = extract(source)
        if len(plan.targets) > max_targets:
            raise BoundError(E_TOO_MANY_TARGETS.format(targets=len(plan.targets), limit=max_targets))
        if out is not None:
            if drops is not None:  # before the record: a record is never newer than the drops beside it
                write_output(lambda: write_drops(drops, out), out)
            write_record(plan, out)
    except Exception as exc:  # noqa: BLE001  one bad document is an outcome; the batch carries on
        return Outcome.failure(name, failure_reason(exc), sha256=expect_sha256 or sha256, size=size,
                               seconds=time.perf_counter() - started)
    return Outcome(
        name=name,
        status=Status.EXTRACTED if plan.targets else Status.NO_TARGETS,
        reason=None if plan.targets else NO_TARGETS_REASON,
        seconds=time.perf_counter() - started,
        sha256=source.sha256,
        size=size,
        targets=len(plan.targets),
        plan=plan,
        source=source,
        drops=drops,
    )
