"""Fetched bytes kept by sha256 in a folder beside the store, so no document needs the web twice.

Why a content-addressed folder and not DuckDB BLOBs: attachments run to megabytes, and
the store has one writer with a bounded cache, so bodies would bloat the one file every
query reads; files named by their hash are written once, never change, deduplicate
themselves (the same bytes under two URLs are one file), and each opens with ordinary
tools or `chitieu extract` (the suffix says how to read it).  What was said about the bytes
(URL, final URL, status, headers, time) is per URL, not per content: it lives in the
store's `fetches` table and, for runs without a store, in a `<sha>.fetches.json` beside
the bytes.  Layout: `RAW/ab/abcdef….html`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.ingest.load import DOCX
from pipeline.ingest.source import sha256_bytes
from pipeline.io import write_bytes_atomic, write_json_atomic

SUFFIXES = {"text/html": ".html", "application/pdf": ".pdf", DOCX: ".docx", "text/plain": ".txt",
            "application/xml": ".xml"}


def raw_dir_for(store: Path) -> Path:
    """The raw folder beside a store or a records folder: `S.duckdb` keeps its bytes in
    `S.raw/`, `out/records` in `out/records.raw/` (outside it: the records folder holds only records)."""
    return store.with_suffix(".raw") if store.suffix else store.with_name(store.name + ".raw")


class RawStore:
    """A content-addressed folder of fetched bodies; safe to share between threads."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str, media_type: str | None = None) -> Path:
        folder = self.root / sha256[:2]
        if media_type is None:
            found = sorted(p for p in folder.glob(f"{sha256}.*") if not p.name.endswith(".json"))
            return found[0] if found else folder / sha256
        return folder / f"{sha256}{SUFFIXES.get(media_type, '.bin')}"

    def put(self, data: bytes, media_type: str) -> str:
        """Keep `data` (once) and return its sha256."""
        sha = sha256_bytes(data)
        path = self.path(sha, media_type)
        if not path.exists():
            write_bytes_atomic(path, data)  # a crash leaves no half-written body under a hash name
        return sha

    def get(self, sha256: str) -> bytes | None:
        path = self.path(sha256)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return data if sha256_bytes(data) == sha256 else None  # a damaged file is not the document

    def note_fetch(self, sha256: str, url: str, info: dict[str, Any]) -> None:
        """Remember what the server said when `url` returned these bytes (runs without a store)."""
        path = self.root / sha256[:2] / f"{sha256}.fetches.json"
        try:
            known = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        known[url] = info
        write_json_atomic(path, known)
