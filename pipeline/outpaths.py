"""Checking an output path once, before any work, instead of failing once per document.

Why: an `--out` that is an existing file, or a folder on a read-only disk, used to be
found only after every document had been extracted, with one "internal error" line per
document.  A probe file is created and removed, because permission bits do not tell
about read-only mounts or full quotas.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pipeline.errors import ChitieuError


class OutputError(ChitieuError):
    """An output path that cannot be written."""


def _probe(folder: Path, what: Path) -> None:
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".chitieu-probe.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"{what}: cannot write there: {exc.strerror or exc}") from exc
    os.close(fd)
    os.unlink(tmp)


def _make_writable(folder: Path, what: Path, named: str) -> None:
    """Create `folder` if needed and prove it takes a file; errors name `what` and `named`."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{what}: cannot create {named}: {exc.strerror or exc}") from exc
    _probe(folder, what)


def check_out_dir(path: Path) -> None:
    """Refuse a folder that is a file or cannot be created or written; create it otherwise."""
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: exists and is not a folder")
    _make_writable(path, path, "the folder")


def check_out_file(path: Path) -> None:
    """Refuse a file path that is a folder or whose folder cannot be written."""
    if path.is_dir():
        raise OutputError(f"{path}: is a folder, expected a file name")
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise OutputError(f"{path}: {parent} is not a folder")
    _make_writable(parent, path, str(parent))
