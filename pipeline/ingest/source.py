"""The one text every stage reads: a document after ingest and normalisation.

Every offset the tool reports (target `start`/`end`, report highlights) indexes into
`Source.text`, so it is made once, at the door, and never changed afterwards.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Source:
    """A normalised document: id, provenance and the NFC text offsets point into."""

    doc_id: str
    path: str
    media_type: str
    sha256: str
    text: str
    metadata: dict[str, str] = field(default_factory=dict)


def sha256_bytes(data: bytes) -> str:
    """Content key: the same bytes under two names are one document."""
    return hashlib.sha256(data).hexdigest()


def doc_id_for(path: Path) -> str:
    """A record's id is its file stem (the CLI writes `<stem>.json`)."""
    return shown_path(path.stem)


def shown_path(path: str | os.PathLike[str]) -> str:
    """A file name as text that can be stored, exported and printed.

    A name copied from an old Windows system may hold bytes that are not UTF-8 (Python
    keeps them as lone surrogates, which JSON, pydantic and DuckDB refuse); those bytes
    are written `\\xNN`, and every other name is returned as it is.
    """
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    return text


def one_line(text: str) -> str:
    """A name fit for a `name: reason` line: line breaks and other controls escaped."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)
