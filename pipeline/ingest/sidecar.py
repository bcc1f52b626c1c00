"""Sidecar manifests: what a data team knows about a file that its text may not say.

A portal scrape knows each file's URL, province, publication date and title; the text
often does not (a news page never names its province).  A manifest maps files to those
facts so they are stored beside what the extractor read, never in place of it: they go to
the plan's `metadata`, while `province`, `issued` and the rest stay what the text says.

Two shapes, like `../shared/corpus-dev/manifest.json`:

* `manifest.json`: a list of objects with `file` (a path relative to the manifest's
  folder) and any of the keys in `KEYS`;
* `manifest.csv`: a header row naming `file` and any of those keys, one row per file.

A `manifest.json` or `manifest.csv` at the top of an input folder is read by itself;
`--manifest FILE` names one anywhere.  Other keys (curators' notes) are ignored.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pipeline.errors import ChitieuError

KEYS = ("url", "province", "published", "title")
AUTO_NAMES = ("manifest.json", "manifest.csv")
INGEST_PREFIX = "ingest_"  # a value ingest read from the file itself, when the manifest says otherwise


class SidecarError(ChitieuError):
    """A manifest that cannot be read."""


def _rows(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SidecarError(f"{path}: cannot read manifest: {exc}") from exc
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
        if rows and "file" not in rows[0]:
            raise SidecarError(f"{path}: a manifest CSV needs a 'file' column")
        return rows
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SidecarError(f"{path}: cannot read manifest JSON: {exc}") from exc
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise SidecarError(f"{path}: a manifest is a list of objects with a 'file' key")
    return data


def read_manifest(path: Path) -> dict[str, dict[str, str]]:
    """Resolved file path -> the known keys a manifest gives for it (non-empty strings only)."""
    base = path.resolve().parent
    found: dict[str, dict[str, str]] = {}
    for row in _rows(path):
        name = row.get("file")
        if not isinstance(name, str) or not name:
            continue
        facts = {k: str(row[k]).strip() for k in KEYS if row.get(k) not in (None, "")}
        if facts:
            found[str((base / name).resolve())] = facts
    return found


def manifests_for(inputs: Iterable[Path], explicit: Sequence[Path] = ()) -> dict[str, dict[str, str]]:
    """Every manifest that applies: those at the top of input folders, then the named ones."""
    found: dict[str, dict[str, str]] = {}
    for folder in inputs:
        if folder.is_dir():
            for name in AUTO_NAMES:
                if (folder / name).is_file():
                    found.update(read_manifest(folder / name))
    for path in explicit:
        if not path.is_file():
            raise SidecarError(f"{path}: no such manifest")
        found.update(read_manifest(path))
    return found


def lookup(manifest: dict[str, dict[str, str]], path: Path) -> dict[str, str] | None:
    """What the manifest says about the file at `path`, if anything."""
    return manifest.get(str(path.resolve())) if manifest else None


def merge_metadata(ingested: dict[str, str], sidecar: dict[str, str]) -> dict[str, str]:
    """The manifest's facts under their names; a different value ingest read is kept as `ingest_<key>`."""
    merged = dict(ingested)
    for key, value in sidecar.items():
        old = merged.get(key)
        if old is not None and old != value:
            merged[INGEST_PREFIX + key] = old
        merged[key] = value
    return merged
