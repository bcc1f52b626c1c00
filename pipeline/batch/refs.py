"""A document as a worker receives it (a job), and the one way a job becomes an outcome.

Why plain data: a chunk of jobs is a Prefect task input (part of its cache key) and is
pickled to sandboxed workers and Dask, so a document travels as the mapping `{name, path,
member, doc_id, sha256, size, metadata}` (`listed_job`, built once by `scan_input`), or, for
`chitieu extract`, `{name, path, doc_id, out[, metadata]}` (`document_job`), or a fetched
page's `{name, page, sha256, size[, out]}` (`page_job`: the fetched bytes, read in the
worker, so a hostile page meets the same bounds as a file).  Each worker reads the
bytes again and `run_one` checks they still hash as listed (a file changed since then
fails rather than storing a plan under the wrong key).

Every caller that hands a job to a worker goes through this module both ways: `run_job`
is where a job meets `pipeline.run.run_one` (the sandbox's child, the flow's Dask tasks,
`chitieu extract` in-process), and `failed_outcome` is the one failure record of a job
that never got that far (over its time or memory bound, its worker died, its task was
lost, a worker with other rules), so every failure of a job keeps its name, hash and size.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.ingest.archive import DocRef, Reader
from pipeline.ingest.inputs import Document
from pipeline.ingest.source import shown_path
from pipeline.limits import MAX_TARGETS
from pipeline.run import Loadable, Outcome, run_one

Job = dict[str, Any]


def listed_job(ref: DocRef, sha256: str, size: int, metadata: dict[str, str] | None) -> Job:
    """A document listed and hashed by a batch scan, as its workers receive it."""
    return {"name": ref.name, "path": ref.path, "member": ref.member, "sha256": sha256, "size": size,
            "doc_id": ref.doc_id or Path(ref.name).stem, "metadata": metadata}


def document_job(doc: Document, out: Path, metadata: dict[str, str] | None = None) -> Job:
    """A file of `chitieu extract`, whose record goes to `out`."""
    job: Job = {"name": shown_path(doc.path), "path": str(doc.path), "doc_id": shown_path(doc.doc_id),
                "out": str(out)}
    if metadata:
        job["metadata"] = metadata
    return job


def page_job(page: Loadable, out: Path | None = None, *, sha256: str | None = None,
             size: int | None = None) -> Job:
    """A fetched page, read and extracted by the worker (`pipeline.web.urls.FetchedPage`).

    With `out` its record goes there (`chitieu extract URL`); without, the outcome carries
    the plan to the store (`chitieu watch`).  `sha256` and `size` are the fetched bytes':
    a failure keeps them, and the page read must still hash as fetched.
    """
    job: Job = {"name": page.name, "page": page, "sha256": sha256, "size": size}
    if out is not None:
        job["out"] = str(out)
    return job


def doc_ref(job: Mapping[str, Any]) -> DocRef:
    """The reference a worker reopens the document by."""
    return DocRef(job["name"], job["path"], job.get("member"), job.get("doc_id"))


def run_job(reader: Reader | None, job: Mapping[str, Any], max_targets: int = MAX_TARGETS) -> Outcome:
    """One job through `run_one`: a listed document must still hash as it did; with `out` its record is written."""
    doc = job["page"] if "page" in job else doc_ref(job)
    return run_one(doc, reader, expect_sha256=job.get("sha256"), size=job.get("size"), metadata=job.get("metadata"),
                   max_targets=max_targets, out=Path(job["out"]) if "out" in job else None)


def failed_outcome(job: Mapping[str, Any], reason: str, seconds: float = 0.0) -> Outcome:
    """A job that could not be extracted, as data (its hash and size kept)."""
    return Outcome.failure(job["name"], reason, sha256=job.get("sha256"), size=job.get("size"), seconds=seconds)
