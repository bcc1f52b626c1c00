"""One document, end to end: Source → tokens → candidates → validated Plan.

The CLI, the Prefect flow and the benchmark all call `extract_source`, so there is one
code path whatever runs it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extractors.confidence import confidence
from extractors.document import find_fields
from extractors.indicators import match_indicator
from extractors.lexicon import get_lexicon
from extractors.provinces import current_province
from extractors.targets import extract
from extractors.types import Extraction
from pipeline.ingest.load import DEFAULT_MAX_BYTES, load_source
from pipeline.ingest.source import Source
from pipeline.version import current_digest, package_version
from schemas.build import build_plan
from schemas.plan import Plan

EXTRACTOR_VERSION = package_version()  # a label for people; the digest is what changes


def version_tag() -> str:
    """Package version plus a digest of the extraction code and lexicon (pipeline/version.py)."""
    return f"{EXTRACTOR_VERSION}+rules.{current_digest()}"


def extract_source(source: Source) -> Plan:
    """The plan record of one normalised document."""
    return extract_source_with_drops(source)[0]


def extract_source_with_drops(source: Source) -> tuple[Plan, Extraction]:
    """The plan record and the extraction it came from (its candidates in record order, and its drops)."""
    lex = get_lexicon()
    fields = find_fields(source.text, lex)
    extraction = extract(
        source.text, lex, national=fields.national, province=fields.province, doc_year=fields.year
    )
    plan = build_plan(
        doc_id=source.doc_id,
        text=source.text,
        candidates=extraction.candidates,
        fields={
            "source": source.path,
            "media_type": source.media_type,
            "sha256": source.sha256,
            "province": fields.province,
            "province_current": current_province(fields.province),
            "doc_type": fields.doc_type,
            "doc_number": fields.doc_number,
            "issued": fields.issued,
            "extractor_version": version_tag(),
            "metadata": source.metadata,
        },
        derive=_linked_and_scored,
    )
    return plan, extraction


def _linked_and_scored(candidate: object, data: dict[str, Any]) -> dict[str, Any]:
    """A new target's national indicator (as `link_plan` reads it from the target's own fields)
    and its confidence (from the candidate's evidence and that link): set before validation, so
    each target is validated once instead of validated, then copied twice."""
    link = indicator_link(data["indicator"], data["unit"], data["pillar"])
    return {**link, "confidence": confidence(candidate, link["indicator_id"])}


def indicator_link(indicator: str, unit: str, pillar: str | None) -> dict[str, str | None]:
    """`indicator_id` and `indicator_rule` of a target with this indicator text, unit and pillar."""
    found = match_indicator(indicator, unit, pillar)
    return {"indicator_id": found.indicator_id if found else None, "indicator_rule": found.rule_id if found else None}


def link_plan(plan: Plan) -> Plan:
    """The record with each target's national indicator and the document's current province.

    Both read only the record's own fields (indicator text, unit, pillar; the province as
    written), so this links a record made by an older extractor without reading its document
    again; `extract_source` sets the same fields while it builds the record.
    """
    targets = [t.model_copy(update=indicator_link(t.indicator, t.unit.value, t.pillar.value if t.pillar else None))
               for t in plan.targets]
    return plan.model_copy(update={"targets": targets, "province_current": current_province(plan.province)})


def extract_path(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Plan:
    """Read, normalise and extract one file."""
    return extract_source(load_source(path, max_bytes))
