"""The one text every stage reads: a document after ingest and normalisation.

Every offset the tool reports (target `start`/`end`, report highlights) indexes into
`Source.text`, so it is made once, at the door, and never changed afterwards.
"""

from __future__ import annotations

import hashlib
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
    return path.stem
