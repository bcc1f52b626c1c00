"""Finding a document's file from its doc_id in one or more corpus folders.

Gold and prediction records name their document only by `doc_id`, so the
accuracy gate, the report and the Label Studio import all need the same lookup; keeping
it here means they cannot disagree on which file a record belongs to.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.ingest.inputs import list_folder


def index_documents(folders: Sequence[Path]) -> dict[str, Path]:
    """Every supported document below `folders`, keyed by doc_id; the first one found wins.

    The id is the one `chitieu extract` gives (`pipeline/ingest/inputs.py`: the path below the
    folder, `2024/kehoach`); the file stem is kept as a second key, for records named
    before ids carried folders.  Folders are searched in the order given, so
    `--corpus a --corpus b` lets `a` shadow `b`.  A folder that does not exist contributes
    nothing (callers report missing documents).
    """
    found: dict[str, Path] = {}
    stems: dict[str, Path] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for doc in list_folder(folder).documents:
            found.setdefault(doc.doc_id, doc.path)
            stems.setdefault(doc.path.stem, doc.path)
    for stem, path in stems.items():
        found.setdefault(stem, path)
    return found
