"""Any supported file to a normalised `Source`, or an `IngestError` with one reason."""

from __future__ import annotations

import os
import stat
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import (
    E_EMPTY,
    E_NO_TEXT,
    E_NOT_REGULAR,
    E_OLD_WORD,
    E_TOO_LARGE,
    E_UNSUPPORTED,
    IngestError,
)
from pipeline.ingest.docx import docx_to_text
from pipeline.ingest.encodings import UTF8, Decoded
from pipeline.ingest.html import html_to_text
from pipeline.ingest.normalize import normalize_text
from pipeline.ingest.pdf import pdf_to_text
from pipeline.ingest.source import Source, doc_id_for, sha256_bytes, shown_path
from pipeline.ingest.txt import decode_bytes
from pipeline.limits import MAX_BYTES

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA_TYPES = {
    ".txt": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
    ".docx": DOCX,
}
DEFAULT_MAX_BYTES = MAX_BYTES


def supported(path: Path) -> bool:
    """True for the file types `chitieu extract` reads."""
    return path.suffix.lower() in MEDIA_TYPES


def expand_inputs(paths: list[Path]) -> Iterator[Path]:
    """Files as given, and every supported file below a given folder (sorted)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and supported(p))
        else:
            yield path


def _unsupported(path: Path) -> IngestError:
    if path.suffix.lower() == ".doc":
        return IngestError(E_OLD_WORD)
    return IngestError(E_UNSUPPORTED.format(suffix=path.suffix.lower() or path.name))


def extract_text(data: bytes, media_type: str, decoded: Decoded | None = None) -> tuple[str, dict[str, str]]:
    """The raw text of a file's bytes and what ingest learnt about it (metadata).

    `decoded` is the text of a text or HTML body already decoded by the caller (a web
    page, whose charset the server and the page declare).
    """
    if media_type == "application/pdf":
        return pdf_to_text(data)
    if media_type == DOCX:
        return docx_to_text(data)
    decoded = decoded or decode_bytes(data)
    meta = {} if decoded.encoding == UTF8 else {"encoding": decoded.encoding}
    if decoded.invalid_bytes:  # kept, shown as Windows-1252 characters: say so in the record
        meta["invalid_bytes"] = str(decoded.invalid_bytes)
    if media_type == "text/html":
        text, html_meta = html_to_text(decoded.text)
        return text, {**meta, **html_meta}
    return decoded.text, meta


def source_from_bytes(
    data: bytes,
    path: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    media_type: str | None = None,
    decoded: Decoded | None = None,
    metadata: dict[str, str] | None = None,
) -> Source:
    """Decode, extract and normalise the bytes of `path` into a Source.

    The media type comes from the suffix unless given (a fetched body, sniffed by content);
    `metadata` is what the caller knows of the bytes (where they were fetched from).
    """
    media_type = media_type or MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise _unsupported(path)
    if not data:
        raise IngestError(E_EMPTY)
    if len(data) > max_bytes:
        raise IngestError(E_TOO_LARGE.format(size=len(data), limit=max_bytes))
    raw, learnt = extract_text(data, media_type, decoded)
    text = normalize_text(raw)
    if not text.strip():
        raise IngestError(E_NO_TEXT)
    return Source(
        doc_id=doc_id_for(path),
        path=shown_path(path),
        media_type=media_type,
        sha256=sha256_bytes(data),
        text=text,
        metadata={k: unicodedata.normalize("NFC", v) for k, v in {**learnt, **(metadata or {})}.items()},
    )


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a regular file, never more than `max_bytes`.

    A FIFO would block forever and `/dev/zero` never ends, and both report a size of 0,
    so the file is opened without blocking, refused unless it is a regular file, and
    read with a cap whatever its size says.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc
    with os.fdopen(fd, "rb") as fh:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise IngestError(E_NOT_REGULAR)
            if info.st_size > max_bytes:
                raise IngestError(E_TOO_LARGE.format(size=info.st_size, limit=max_bytes))
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise IngestError(E_TOO_LARGE.format(size=f"over {max_bytes}", limit=max_bytes))
    return data


def source_from_text(text: str, doc_id: str = "text") -> Source:
    """A Source from text already in memory (the Python API): normalised as a file's text is."""
    normalised = normalize_text(text)
    if not normalised.strip():
        raise IngestError(E_NO_TEXT)
    return Source(doc_id=doc_id, path=f"<{doc_id}>", media_type=MEDIA_TYPES[".txt"],
                  sha256=sha256_bytes(text.encode("utf-8")), text=normalised)


def load_source(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read a file from disk into a Source (see `source_from_bytes`); `path` may be a string."""
    path = Path(path)
    if not supported(path):
        raise _unsupported(path)
    return source_from_bytes(read_file(path, max_bytes), path, max_bytes)
