"""Finding a document's file from its doc_id in one or more corpus folders.

Gold and prediction records name their document only by `doc_id` (the file stem), so the
accuracy gate, the report and the Label Studio import all need the same lookup; keeping
it here means they cannot disagree on which file a record belongs to.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.ingest import expand_inputs


def index_documents(folders: Sequence[Path]) -> dict[str, Path]:
    """Every supported document below `folders`, keyed by file stem; the first one found wins.

    Folders are searched in the order given, so `--corpus a --corpus b` lets `a` shadow `b`.
    A folder that does not exist contributes nothing (callers report missing documents).
    """
    found: dict[str, Path] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in expand_inputs([folder]):
            found.setdefault(path.stem, path)
    return found
