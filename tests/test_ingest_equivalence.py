"""The same document as .txt, portal .html, official-style .pdf and .docx yields the same targets.

Each corpus text is rendered in the other formats (see `test_ingest_render`), extracted,
and scored with `pipeline.evaluation.evaluate.evaluate` against the .txt extraction as gold.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from test_ingest_render import (
    CORPUS_DOCS,
    corpus_paragraphs,
    needs_font,
    official_pdf,
    portal_html,
    word_docx,
)

from pipeline.evaluation.evaluate import evaluate
from pipeline.extract import extract_source
from pipeline.ingest.load import load_source, source_from_bytes
from schemas.plan import Plan

FLOOR = 0.95
RENDERERS: dict[str, Callable[[list[str], int], bytes]] = {
    "html": lambda paras, i: portal_html(paras, style=("nukeviet", "html5")[i % 2]).encode("utf-8"),
    "pdf": lambda paras, i: official_pdf(paras),
    "docx": lambda paras, i: word_docx(paras),
}


@cache
def _txt_plan(doc: Path) -> Plan:
    return extract_source(load_source(doc))


@needs_font
@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@pytest.mark.parametrize("doc", CORPUS_DOCS, ids=lambda p: p.stem[:3])
def test_every_format_yields_the_targets_of_the_txt(doc: Path, fmt: str) -> None:
    paras = corpus_paragraphs(doc)
    data = RENDERERS[fmt](paras, CORPUS_DOCS.index(doc))
    gold = _txt_plan(doc)
    pred = extract_source(source_from_bytes(data, Path(f"{doc.stem}.{fmt}")))
    result = evaluate({doc.stem: gold}, {doc.stem: pred})
    assert gold.targets, "a corpus document without targets would pass trivially"
    assert result["strict"]["f1"] >= FLOOR, [e for e in result["errors"] if e["kind"] != "document"][:5]
    assert result["document_fields"] == dict.fromkeys(result["document_fields"], 1.0)
