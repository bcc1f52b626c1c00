"""Reading plan records from disk (gold files and predictions alike).

Both sides of an evaluation are `Plan` JSON files named `<doc_id>.json`; loading them
through one function means a malformed gold file fails with its path and field, never
as a silent zero in the scorecard.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from schemas.plan import Plan


class RecordError(ValueError):
    """A plan file that cannot be read or does not validate."""


def describe_validation_error(exc: ValidationError, what: str = "record") -> str:
    """The first problem of a pydantic error as `field.path: message`, one line."""
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"]) or what
    return f"{loc}: {first['msg']}"


def load_plan(path: Path) -> Plan:
    """Read and validate one plan file; the error names the file and the field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecordError(f"{path}: cannot read JSON: {exc}") from exc
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise RecordError(f"{path}: {describe_validation_error(exc)}") from exc


def load_dir(folder: Path) -> dict[str, Plan]:
    """Every `*.json` plan below `folder`, keyed by its path there without `.json`.

    That key is the doc_id: `chitieu extract` names records by id and ids of documents
    in sub-folders contain `/` (`2024/kehoach`), so their records mirror the folders.
    Hidden files (editors' and the atomic writer's temporaries) are not records.
    """
    if not folder.is_dir():
        raise RecordError(f"{folder}: not a folder")
    plans: dict[str, Plan] = {}
    for path in sorted(folder.rglob("*.json")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        plans[relative.with_suffix("").as_posix()] = load_plan(path)
    return plans
