"""Batch input: a folder or a zip archive, listed as references any worker can reopen.

A batch run must get through thousands of documents without holding their bytes, and
its workers may be other processes or other hosts, so a document travels as a `DocRef`
(a path, or a zip and a member name), never as its text.

A zip is read in memory and never extracted to disk, and it is distrusted: a member whose
name could escape a folder (absolute, `..`, a drive letter, a symlink) is refused with a
reason, and so is one that declares or inflates to more than the per-document limit or
compresses suspiciously well; an archive whose members would inflate past the total
limit, or that holds too many members, is refused whole before anything is read.
"""

from __future__ import annotations

import dataclasses
import stat
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Self

import regex

from pipeline.errors import ChitieuError, IngestError
from pipeline.ingest.inputs import is_ignored, list_folder, unique_ids, unsupported_reason
from pipeline.ingest.load import (
    DEFAULT_MAX_BYTES,
    load_source,
    read_file,
    source_from_bytes,
    supported,
)
from pipeline.ingest.source import Source, shown_path
from pipeline.limits import MAX_RATIO, RATIO_FLOOR

ZIP_SEPARATOR = "!"  # `corpus.zip!plans/kh-01.txt` names a member, as jar: URLs do
_DRIVE = regex.compile(r"^[A-Za-z]:")
_READ_BLOCK = 1 << 20


class ArchiveError(ChitieuError):
    """The whole input is refused (missing, not a zip, or a decompression bomb)."""


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile archive from exhausting memory or disk."""

    max_bytes: int = DEFAULT_MAX_BYTES  # one document, as `chitieu extract` allows
    max_ratio: float = MAX_RATIO  # inflated / compressed; Vietnamese text deflates about 4:1
    ratio_floor: int = RATIO_FLOOR  # small members may compress well without harm
    max_total: int = 8 << 30  # every member of one archive, inflated
    max_members: int = 1_000_000


@dataclass(frozen=True)
class DocRef:
    """Where a document's bytes are: `path`, or member `member` of the zip at `path`."""

    name: str  # what a user sees in summaries and failures
    path: str
    member: str | None = None
    doc_id: str | None = None  # unique below the input root (`pipeline/ingest/inputs.py`); None: the file stem


@dataclass(frozen=True)
class Refused:
    """An input entry that is not read at all, and why."""

    name: str
    reason: str


def member_name(zip_path: str, member: str) -> str:
    """The name a zip member is shown and stored under."""
    return f"{zip_path}{ZIP_SEPARATOR}{member}"


def unsafe_reason(info: zipfile.ZipInfo) -> str | None:
    """Why a member's name or kind is refused, or None when it is safe to read."""
    name = info.filename
    parts = regex.split(r"[\\/]", name)
    if "\x00" in name:
        return "member name contains a NUL character"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "absolute member path (path traversal)"
    if ".." in parts:
        return "member path climbs out of the archive with '..' (path traversal)"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "member is a symbolic link"
    if info.flag_bits & 0x1:
        return "member is encrypted"
    return None


def size_reason(info: zipfile.ZipInfo, limits: Limits) -> str | None:
    """Why a member's declared size looks like a decompression bomb, or None."""
    if info.file_size > limits.max_bytes:
        return f"member declares {info.file_size} bytes, over the {limits.max_bytes}-byte limit"
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
        return f"member compresses {ratio:.0f}:1, over the {limits.max_ratio:.0f}:1 limit (decompression bomb?)"
    return None


def open_zip(path: Path, limits: Limits) -> zipfile.ZipFile:
    """Open an archive and refuse it whole when its totals are out of bounds."""
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ArchiveError(f"{path}: cannot open zip archive: {exc}") from exc
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        zf.close()
        raise ArchiveError(f"{path}: {len(infos)} members, over the {limits.max_members} limit")
    total = sum(i.file_size for i in infos)
    if total > limits.max_total:
        zf.close()
        raise ArchiveError(
            f"{path}: members would inflate to {total} bytes, over the {limits.max_total}-byte "
            "limit (decompression bomb?)"
        )
    return zf


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    """A member's bytes, read in blocks and cut off past the limits whatever it declared."""
    reason = unsafe_reason(info) or size_reason(info, limits)
    if reason:
        raise IngestError(reason)
    cap = min(info.file_size, limits.max_bytes)
    chunks: list[bytes] = []
    got = 0
    try:
        with zf.open(info) as fh:
            while block := fh.read(_READ_BLOCK):
                got += len(block)
                if got > cap:
                    raise IngestError(f"member inflates past its declared {info.file_size} bytes")
                chunks.append(block)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise IngestError(f"cannot read zip member: {exc}") from exc
    return b"".join(chunks)


def list_input(path: Path, limits: Limits | None = None) -> list[DocRef | Refused]:
    """Every document of a folder or zip (sorted by name), and every entry refused."""
    limits = limits or Limits()
    if path.is_dir():
        listing = list_folder(path)
        found: list[DocRef | Refused] = [DocRef(shown_path(d.path), str(d.path), None, shown_path(d.doc_id))
                                         for d in listing.documents]
        found += [Refused(shown_path(name), reason) for name, reason in listing.skipped]
        return sorted(found, key=lambda e: e.name)
    if not is_archive(path):
        check_input(path, limits)
        return [DocRef(name=shown_path(path), path=str(path), doc_id=shown_path(path.stem))]
    entries: list[DocRef | Refused] = []
    with open_zip(path, limits) as zf:
        infos = sorted(zf.infolist(), key=lambda i: i.filename)
        counts = Counter(i.filename for i in infos)
        documents: list[zipfile.ZipInfo] = []
        for info in infos:
            name = member_name(shown_path(path), info.filename)
            reason = unsafe_reason(info)
            if reason is None and (info.is_dir() or is_ignored(PurePosixPath(info.filename))):
                continue
            if reason is None and not supported(Path(info.filename)):
                reason = unsupported_reason(info.filename)  # listed, as in a folder
            if reason is None and counts[info.filename] > 1:
                reason = "member name occurs more than once in the archive"  # which one is meant?
            reason = reason or size_reason(info, limits)
            if reason:
                entries.append(Refused(name, reason))
            else:
                documents.append(info)
        ids = unique_ids([PurePosixPath(i.filename) for i in documents])
        entries += [DocRef(member_name(str(path), i.filename), str(path), i.filename, doc_id)
                    for i, doc_id in zip(documents, ids, strict=True)]
    return sorted(entries, key=lambda e: e.name)


class Reader:
    """Reads refs, keeping each zip open for the whole chunk instead of once per member."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._zips: dict[str, zipfile.ZipFile] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for zf in self._zips.values():
            zf.close()
        self._zips.clear()

    def _zip(self, path: str) -> zipfile.ZipFile:
        if path not in self._zips:
            try:
                self._zips[path] = open_zip(Path(path), self.limits)
            except ArchiveError as exc:
                raise IngestError(str(exc)) from exc
        return self._zips[path]

    def read_bytes(self, ref: DocRef) -> bytes:
        """The raw bytes of a ref (what its sha256 is computed over)."""
        if ref.member is None:
            return read_file(Path(ref.path), self.limits.max_bytes)
        zf = self._zip(ref.path)
        try:
            info = zf.getinfo(ref.member)
        except KeyError as exc:
            raise IngestError("member is no longer in the archive") from exc
        return read_member(zf, info, self.limits)

    def source(self, ref: DocRef) -> Source:
        """The normalised Source of a ref: `load_source` for files, the same steps for members."""
        if ref.member is None:
            source = load_source(Path(ref.path), self.limits.max_bytes)
        else:
            source = source_from_bytes(self.read_bytes(ref), Path(ref.name), self.limits.max_bytes)
        return dataclasses.replace(source, doc_id=ref.doc_id) if ref.doc_id else source


def iter_bytes(entries: list[DocRef | Refused], limits: Limits | None = None) -> Iterator[tuple[DocRef, bytes | IngestError]]:
    """Each ref with its bytes (or the reason they cannot be read), one at a time."""
    with Reader(limits) as reader:
        for entry in entries:
            if isinstance(entry, Refused):
                continue
            try:
                yield entry, reader.read_bytes(entry)
            except IngestError as exc:
                yield entry, exc


def is_archive(path: Path) -> bool:
    """A .zip is an archive of documents; a .docx is a zip too, but one document."""
    return path.suffix.lower() == ".zip"


def check_input(path: Path, limits: Limits | None = None) -> None:
    """Refuse a missing input or a zip that is a bomb as a whole, before any work starts."""
    limits = limits or Limits()
    if path.is_dir():
        return
    if not path.is_file():
        raise ArchiveError(f"{path}: no such file or folder")
    if is_archive(path):
        open_zip(path, limits).close()
    elif not supported(path):
        raise ArchiveError(f"{path}: not a folder, a .zip archive or a document type chitieu reads")
