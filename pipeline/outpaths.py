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


def check_out_dir(path: Path) -> None:
    """Refuse a folder that is a file or cannot be created or written; create it otherwise."""
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: exists and is not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create the folder: {exc.strerror or exc}") from exc
    _probe(path, path)


def check_out_file(path: Path) -> None:
    """Refuse a file path that is a folder or whose folder cannot be written."""
    if path.is_dir():
        raise OutputError(f"{path}: is a folder, expected a file name")
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise OutputError(f"{path}: {parent} is not a folder")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create {parent}: {exc.strerror or exc}") from exc
    _probe(parent, path)
