"""A target's and a document's fields, derived from the models in `schemas/plan.py`.

The store's columns, the HTML report's table, Label Studio's per-region controls, the
scored document fields and the candidate-to-target copy are all computed here from
`Target.model_fields` and `Plan.model_fields`, so a field added to the model reaches every
one of them. What the models cannot say is who writes a field: most are labelled (a person
writes them in gold, so Label Studio needs a control for each); the exceptions are listed
in `TARGET_ROLES` and `PLAN_ROLES`, and `tests/test_fields.py` fails when a name there is
not a field, or when docs/label-studio-config.xml lacks a control for a labelled field.
"""

from __future__ import annotations

import datetime as dt
import types
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from schemas.plan import Plan, Target


class Role(str, Enum):
    """Who writes a field, and so where it appears."""

    LABELLED = "labelled"  # written in gold by a person; predicted by the extractor
    LABEL = "label"  # the target's unit: the label of its span in Label Studio
    SPAN = "span"  # where the target is: its quote, offsets and sentence
    DERIVED = "derived"  # computed from other fields by a rule (provenance, links)
    FILE = "file"  # what ingest knows about the file: never labelled
    NESTED = "nested"  # the plan's targets


TARGET_ROLES: dict[str, Role] = {
    "unit": Role.LABEL,
    "quote": Role.SPAN,
    "start": Role.SPAN,
    "end": Role.SPAN,
    "sentence": Role.SPAN,
    "indicator_rule": Role.DERIVED,
    "confidence": Role.DERIVED,
    "rules": Role.DERIVED,
}
PLAN_ROLES: dict[str, Role] = {
    "doc_id": Role.FILE,
    "source": Role.FILE,
    "media_type": Role.FILE,
    "sha256": Role.FILE,
    "extractor_version": Role.FILE,
    "metadata": Role.FILE,
    "province_current": Role.DERIVED,
    "targets": Role.NESTED,
}


def role(model: type[BaseModel], name: str) -> Role:
    """A field's role: labelled unless the model's role table says otherwise."""
    table = TARGET_ROLES if model is Target else PLAN_ROLES
    return table.get(name, Role.LABELLED)


def _with_role(model: type[BaseModel], wanted: Role) -> tuple[str, ...]:
    return tuple(n for n in model.model_fields if role(model, n) is wanted)


TARGET_FIELDS: tuple[str, ...] = tuple(Target.model_fields)  # guide order, as records are written
LABELLED_TARGET_FIELDS: tuple[str, ...] = _with_role(Target, Role.LABELLED)
DOC_FIELDS: tuple[str, ...] = _with_role(Plan, Role.LABELLED)  # the document fields gold states


def field_type(model: type[BaseModel], name: str) -> type:
    """The scalar type behind a field's annotation (`Year | None` -> int, `Scope | None` -> Scope)."""
    annotation: Any = model.model_fields[name].annotation
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            break
    return origin or annotation  # dict[str, str] -> dict, list[Target] -> list


def is_optional(model: type[BaseModel], name: str) -> bool:
    """True when the field may be null."""
    annotation = model.model_fields[name].annotation
    return get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation)


def choices(model: type[BaseModel], name: str) -> tuple[str, ...] | None:
    """The values a field can take when it is a closed set (an enum, a flag); None for free values."""
    kind = field_type(model, name)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return tuple(str(m.value) for m in kind)
    if kind is bool:
        return ("false", "true")
    return None


SCALARS = (str, int, float, bool, dt.date)


def scalar_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """Fields that hold one value (a column each in the store), in model order."""
    return tuple(n for n in model.model_fields
                 if issubclass(field_type(model, n), (*SCALARS, Enum)))


def plain(value: Any) -> Any:
    """An enum member as its value, anything else as it is (for tables, tasks and scores)."""
    return value.value if isinstance(value, Enum) else value
