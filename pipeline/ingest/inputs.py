"""What a list of input paths holds: the documents, each with a unique id, and the files skipped.

Why one place: `extract`, `run`, `pre-annotate` and the batch store must agree on which
files of a folder are documents, on what a skipped file is told (an inbox of old `.doc`
decisions must not become "0 documents" and exit 0), and on each document's id.

A document's id is its path relative to the folder it was found under, without the
suffix and with `/` between folders (`2024/kehoach`), so two files named alike in dated
sub-folders differ; a file given by name has its stem as id.  When two files of one folder
differ only by suffix (the PDF and the DOCX of one decision) both keep their suffix
(`kehoach.pdf`, `kehoach.docx`).  The same files give the same ids on every run.

Files that are neither documents nor skipped silently: hidden files (`.DS_Store`,
editors' lock files) and chitieu's own JSON/CSV companions (records, gold, a sidecar
manifest), which are read by other commands, not extracted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pipeline.errors import E_OLD_WORD, E_UNSUPPORTED
from pipeline.ingest.load import supported

COMPANION_SUFFIXES = frozenset({".json", ".csv"})  # records, gold and sidecar manifests


@dataclass(frozen=True)
class Document:
    """One input document: where it is and the id its outputs are named by."""

    path: Path
    doc_id: str


@dataclass
class Listing:
    """The documents of some inputs, and each file skipped with its reason."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def unsupported_reason(name: str) -> str:
    """Why a file of this name is not read (the message `extract FILE` gives)."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix == ".doc":
        return E_OLD_WORD
    return E_UNSUPPORTED.format(suffix=suffix or PurePosixPath(name).name)


def is_ignored(relative: PurePosixPath) -> bool:
    """Hidden files and folders, and chitieu's own JSON/CSV companions."""
    if any(part.startswith(".") for part in relative.parts):
        return True
    return relative.suffix.lower() in COMPANION_SUFFIXES


def unique_ids(relatives: Sequence[PurePosixPath]) -> list[str]:
    """The id of each relative path: without suffix, unless that makes two alike."""
    stems = [str(r.with_suffix("")) for r in relatives]
    counts = Counter(stems)
    return [str(r) if counts[s] > 1 else s for r, s in zip(relatives, stems, strict=True)]


def list_folder(folder: Path) -> Listing:
    """Every document below `folder` (sorted by path) and every other file with its reason."""
    listing = Listing()
    found: list[tuple[Path, PurePosixPath]] = []
    for path in sorted(p for p in folder.rglob("*") if not p.is_dir()):
        relative = PurePosixPath(path.relative_to(folder).as_posix())
        if is_ignored(relative):
            continue
        if supported(path):
            found.append((path, relative))
        else:
            listing.skipped.append((str(path), unsupported_reason(path.name)))
    ids = unique_ids([r for _, r in found])
    listing.documents = [Document(p, i) for (p, _), i in zip(found, ids, strict=True)]
    return listing


def list_inputs(paths: Sequence[Path]) -> Listing:
    """Files as given (the reader reports their problems) and the contents of folders."""
    listing = Listing()
    for path in paths:
        if path.is_dir():
            sub = list_folder(path)
            listing.documents += sub.documents
            listing.skipped += sub.skipped
        else:
            listing.documents.append(Document(path, path.stem))
    return listing
