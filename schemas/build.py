"""Candidates to validated records: the one door between extractors and output."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from schemas.fields import TARGET_FIELDS, choices, is_optional
from schemas.plan import Plan, Target

# Closed-set fields that may be null: a candidate's empty string there means "none".
_BLANK_IS_NONE = tuple(n for n in TARGET_FIELDS if choices(Target, n) is not None and is_optional(Target, n))


def build_target(candidate: object) -> Target:
    """Validate one candidate: every `Target` field it carries, by name (schemas/fields.py).

    Fields the candidate does not carry keep the model's default (the national indicator is
    linked after validation). A candidate without an indicator phrase falls back to its quote.
    """
    data: dict[str, Any] = {n: getattr(candidate, n) for n in TARGET_FIELDS if hasattr(candidate, n)}
    for name in _BLANK_IS_NONE:
        data[name] = data.get(name) or None
    data["indicator"] = data.get("indicator") or data.get("quote")
    return Target.model_validate(data)


def build_plan(
    *,
    doc_id: str,
    text: str,
    candidates: Iterable[object],
    fields: dict[str, Any],
) -> Plan:
    """Validate every candidate into a `Target`, then the whole `Plan` and its offsets.

    `fields` are the document's fields by their `Plan` names; an unknown name is refused
    (the model forbids extras). A candidate that fails validation is a bug of the
    extractor, so it raises rather than being dropped silently.
    """
    plan = Plan.model_validate({"doc_id": doc_id, **fields, "targets": [build_target(c) for c in candidates]})
    plan.check_offsets(text)
    return plan
