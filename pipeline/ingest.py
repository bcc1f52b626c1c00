"""Any supported file to a normalised `Source`, or an `IngestError` with one reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import E_EMPTY, E_NO_TEXT, E_TOO_LARGE, E_UNSUPPORTED, IngestError
from pipeline.ingest_html import html_to_text
from pipeline.ingest_pdf import pdf_to_text
from pipeline.ingest_txt import decode_text
from pipeline.normalize import normalize_text
from pipeline.source import Source, doc_id_for, sha256_bytes

MEDIA_TYPES = {
    ".txt": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


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


def source_from_bytes(data: bytes, path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Decode, extract and normalise the bytes of `path` into a Source."""
    suffix = path.suffix.lower()
    media_type = MEDIA_TYPES.get(suffix)
    if media_type is None:
        raise IngestError(E_UNSUPPORTED.format(suffix=suffix or path.name))
    if not data:
        raise IngestError(E_EMPTY)
    if len(data) > max_bytes:
        raise IngestError(E_TOO_LARGE.format(size=len(data), limit=max_bytes))
    metadata: dict[str, str] = {}
    if media_type == "application/pdf":
        raw = pdf_to_text(data)
    elif media_type == "text/html":
        raw, metadata = html_to_text(decode_text(data))
    else:
        raw = decode_text(data)
    text = normalize_text(raw)
    if not text.strip():
        raise IngestError(E_NO_TEXT)
    return Source(
        doc_id=doc_id_for(path),
        path=str(path),
        media_type=media_type,
        sha256=sha256_bytes(data),
        text=text,
        metadata=metadata,
    )


def load_source(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read a file from disk into a Source (see `source_from_bytes`)."""
    if not supported(path):
        raise IngestError(E_UNSUPPORTED.format(suffix=path.suffix or path.name))
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(E_TOO_LARGE.format(size=size, limit=max_bytes))
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc
    return source_from_bytes(data, path, max_bytes)
