"""A listed document as workers receive it: a plain mapping, back to a `DocRef` and an outcome.

Why plain data: a chunk of references is a Prefect task input (part of its cache key) and
is pickled to sandboxed workers and Dask, so it travels as `{name, path, member, doc_id,
sha256, size, metadata}` built once by `scan_input`.  Each worker reads the bytes again
and `run_one` checks they still hash as listed (a file changed since then fails rather
than storing a plan under the wrong key).  Turning the mapping back into a document, and
a document that could not be extracted into a failed outcome, is written once here for
the flow's tasks and the sandbox's child process.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipeline.ingest.archive import DocRef, Reader
from pipeline.run import Outcome, run_one


def doc_ref(ref: Mapping[str, Any]) -> DocRef:
    """The reference a worker reopens the document by."""
    return DocRef(ref["name"], ref["path"], ref.get("member"), ref.get("doc_id"))


def extract_ref(reader: Reader, ref: Mapping[str, Any]) -> Outcome:
    """One listed document through `run_one`; its bytes must still hash as they did when listed."""
    return run_one(doc_ref(ref), reader, expect_sha256=ref.get("sha256"), size=ref.get("size"),
                   metadata=ref.get("metadata"))


def failed_outcome(ref: Mapping[str, Any], reason: str, seconds: float = 0.0) -> Outcome:
    """A listed document that could not be extracted, as data (its hash and size kept)."""
    return Outcome.failure(ref["name"], reason, sha256=ref.get("sha256"), size=ref.get("size"), seconds=seconds)
