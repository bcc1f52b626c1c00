"""What each field of a plan record means, in one table: the JSON Schema and the store read it.

Why a table and not only `Field(description=...)`: the same words describe a field in
`chitieu schema`, in the DuckDB store's column comments and in the analyst view, so they
are written once here. A `Field(description=...)` on the model wins over this table (a
field added with its own description needs no entry), and `tests/test_schema_docs.py` fails
when a field of the schema has neither.
"""

from __future__ import annotations

import copy
from typing import Any

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://chitieu.example/schemas/plan-record.json"  # names the record format; not fetched

PLAN_DOCS: dict[str, str] = {
    "doc_id": "The document's id: its path below the input folder without suffix (`2024/kehoach`), "
              "unique within one input; gold and predictions pair on it",
    "source": "Where the document was read from: the path as given, or `archive.zip!member`",
    "media_type": "The file's media type (text/plain, text/html, application/pdf, the .docx type)",
    "sha256": "sha256 of the file's bytes: the content key of the store",
    "province": "The province whose plan this is, as the text names it (guide §4); `Việt Nam` for a "
                "national document; null when the text does not say",
    "doc_type": "The kind of document: nghị quyết, quyết định, kế hoạch, đề án, chương trình … (guide §4)",
    "doc_number": "The document's number and symbol as written, e.g. `4677/KH-UBND`",
    "issued": "The date the document was issued (ISO date), from its own issuing line",
    "extractor_version": "Extractor code version + lexicon hash that made this record",
    "metadata": "What ingest learnt about the file (page title, published date, legacy encoding, OCR'd "
                "pages) and what a sidecar manifest said about it (url, province, published, title)",
    "targets": "Every quantified target the document states, in text order",
}
TARGET_DOCS: dict[str, str] = {
    "value": "The number, as a plain number (20 for 20 %, 30 for rank 30)",
    "value_max": "The upper end of a range (25-30 % gives value 25, value_max 30); null otherwise",
    "unit": "What the value counts: percent, rank or count (guide §3)",
    "comparator": "How the value bounds the outcome: = >= > <= < or ~ (about); for a rank, <= 30 "
                  "means rank 30 or better",
    "direction": "level (reach the value), increase or decrease (change by the value)",
    "indicator": "What is measured, in the document's words (guide §3)",
    "scope": "The administrative level the target is about: province, district or commune; null when "
             "the text does not say",
    "deadline_year": "The year by which the target is due; null when the text gives none",
    "pillar": "The digital-transformation pillar: government, economy or society; null when none fits",
    "achieved": "True when the text reports the value as already reached (a result, not a target)",
    "quote": "The exact text of the value in the normalised document",
    "start": "Offset of the quote's first character in the normalised (NFC) text",
    "end": "Offset just past the quote's last character",
    "sentence": "The sentence the target was read from",
    "confidence": "How likely the extractor's target is right in every field (0..1), from the rules and "
                  "evidence behind it and calibrated on gold",
}
MODEL_FIELDS = {"Plan": PLAN_DOCS, "Target": TARGET_DOCS}


def describe_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of a pydantic JSON Schema with `$schema`, `$id` and a description on every field."""
    out = copy.deepcopy(schema)
    out = {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_ID, **out}
    _fill(out, PLAN_DOCS)
    for name, definition in out.get("$defs", {}).items():
        if name in MODEL_FIELDS:
            _fill(definition, MODEL_FIELDS[name])
    return out


def _fill(model: dict[str, Any], docs: dict[str, str]) -> None:
    for field, prop in model.get("properties", {}).items():
        if "description" not in prop and field in docs:
            prop["description"] = docs[field]

