"""Candidates to validated records: the one door between extractors and output."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol

from schemas.plan import Comparator, Direction, Pillar, Plan, Scope, Target, Unit


class TargetLike(Protocol):
    value: float
    value_max: float | None
    unit: str
    comparator: str
    direction: str
    indicator: str
    scope: str | None
    deadline_year: int | None
    pillar: str | None
    achieved: bool
    quote: str
    start: int
    end: int
    sentence: str


def build_plan(
    *,
    doc_id: str,
    text: str,
    candidates: Iterable[TargetLike],
    fields: dict[str, Any],
) -> Plan:
    """Validate every candidate into a `Target`, then the whole `Plan` and its offsets.

    A candidate that fails validation is a bug of the extractor, so it raises rather
    than being dropped silently.
    """
    targets = [
        Target(
            value=c.value,
            value_max=c.value_max,
            unit=Unit(c.unit),
            comparator=Comparator(c.comparator),
            direction=Direction(c.direction),
            indicator=c.indicator or c.quote,
            scope=Scope(c.scope) if c.scope else None,
            deadline_year=c.deadline_year,
            pillar=Pillar(c.pillar) if c.pillar else None,
            achieved=c.achieved,
            quote=c.quote,
            start=c.start,
            end=c.end,
            sentence=c.sentence,
        )
        for c in candidates
    ]
    issued = fields.get("issued")
    plan = Plan(
        doc_id=doc_id,
        source=fields.get("source"),
        media_type=fields.get("media_type"),
        sha256=fields.get("sha256"),
        province=fields.get("province"),
        doc_type=fields.get("doc_type"),
        doc_number=fields.get("doc_number"),
        issued=issued if isinstance(issued, dt.date) or issued is None else None,
        extractor_version=fields.get("extractor_version"),
        metadata=dict(fields.get("metadata") or {}),
        targets=targets,
    )
    plan.check_offsets(text)
    return plan
