"""Gold integrity: every gold file validates, has its document, and quotes it verbatim."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest.load import load_source
from schemas.gold import load_plan
from tests.conftest import CORPUS, DEV, GOLD, needs_dev


def _gold_cases(gold_dir: Path, corpus_dir: Path) -> list[tuple[Path, Path]]:
    return [(g, corpus_dir / f"{g.stem}.txt") for g in sorted(gold_dir.glob("*.json"))]


def test_every_corpus_document_has_gold() -> None:
    docs = {p.stem for p in CORPUS.iterdir() if p.suffix in {".txt", ".html", ".htm", ".pdf"}}
    golds = {p.stem for p in GOLD.glob("*.json")}
    assert docs and docs == golds


@pytest.mark.parametrize(("gold", "doc"), _gold_cases(GOLD, CORPUS), ids=lambda p: p.stem)
def test_repo_gold_is_valid_and_quotes_are_verbatim(gold: Path, doc: Path) -> None:
    _check(gold, doc)


@needs_dev
@pytest.mark.parametrize(("gold", "doc"), _gold_cases(DEV / "gold", DEV) if DEV.is_dir() else [], ids=lambda p: p.stem)
def test_dev_gold_is_valid_and_quotes_are_verbatim(gold: Path, doc: Path) -> None:
    _check(gold, doc)


def _check(gold: Path, doc: Path) -> None:
    plan = load_plan(gold)
    assert plan.doc_id == gold.stem
    assert doc.exists(), f"{gold.name} has no document {doc.name}"
    text = load_source(doc).text
    for t in plan.targets:
        assert t.quote in text, f"{gold.name}: quote not in normalised text: {t.quote!r}"


def test_corpus_manifest_lists_every_document_and_marks_in_house_ones() -> None:
    import json

    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["file"] for entry in manifest}
    on_disk = {p.name for p in CORPUS.iterdir() if p.suffix in {".txt", ".html", ".htm", ".pdf"}}
    assert listed == on_disk
    for entry in manifest:
        assert isinstance(entry["in_house"], bool) and entry["note"]
        assert entry["in_house"] == (entry["source"] is None)
