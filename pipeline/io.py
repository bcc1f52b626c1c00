"""Files written so that a reader never sees half of one: the one atomic writer.

Records, reports, Label Studio tasks, floors, exports and fetched bodies all go through `atomic_path`: the
content is written to a temporary name beside the target and renamed onto it only when the
write succeeded, so a crash, a full disk or Ctrl-C leaves the old file or the new one,
never a torn one. Writing lives here, in `pipeline/`, so `schemas/` only reads.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from schemas.plan import Plan

TMP_NAME_CHARS = 40


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A fresh temporary path beside `path` (not yet created), renamed onto it on success.

    The path does not exist when the block starts, because some writers (DuckDB's `COPY`)
    insist on creating the file themselves. The result is world-readable (0644): records
    and reports are ordinary shared files, whatever umask `mkstemp` would have applied.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # The temporary name starts with (at most) 40 characters of the final one: a final name
    # that just fits the file system's 255-byte limit must still have a temporary name that does.
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:TMP_NAME_CHARS]}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write bytes to `path` atomically (a fetched body kept by its hash)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text to `path` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON atomically as people read it: Vietnamese unescaped, one-space indent."""
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def write_plan(plan: Plan, path: Path) -> None:
    """Write a plan record as `chitieu extract` writes it (`Plan.to_json`)."""
    write_json_atomic(path, plan.to_json())
