"""Golden plan records: every `corpus/` document's whole record, compared as exact JSON.

The accuracy gate sees F1 and field accuracies; a change that moves one record's quote or
indicator and keeps F1 passes it unseen. These files catch that: any change to a record of
a corpus document fails here until the goldens are rewritten on purpose with

    make golden            # = pytest tests/test_golden.py --update-golden

and the rewrite is reviewed as a diff (`git diff tests/golden`) and committed with the
change that caused it. `extractor_version` is left out (it changes with every rule edit by
design, pipeline/version.py) and `source` is the path below the repository, so the files
mean the same on every machine. Documents of ../shared are measured by path by the gate,
never copied here.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.ingest.load import expand_inputs
from pipeline.run import run_one
from tests.conftest import CORPUS, ROOT

GOLDEN = ROOT / "tests" / "golden"
DOCUMENTS = list(expand_inputs([CORPUS]))
UPDATE = "make golden (pytest tests/test_golden.py --update-golden), then review git diff tests/golden"


def golden_record(path: Path) -> dict[str, Any]:
    """The record compared: as `chitieu extract` writes it, minus what varies by design."""
    outcome = run_one(path)
    assert outcome.plan is not None, f"{path.name}: {outcome.reason}"
    record = outcome.plan.to_json()
    record.pop("extractor_version")
    record["source"] = path.relative_to(ROOT).as_posix()
    return record


def golden_text(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, indent=1) + "\n"


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.stem for p in DOCUMENTS])
def test_record_equals_its_golden(path: Path, request: pytest.FixtureRequest) -> None:
    want_path = GOLDEN / f"{path.stem}.json"
    got = golden_text(golden_record(path))
    if request.config.getoption("--update-golden"):
        if not want_path.exists() or want_path.read_text(encoding="utf-8") != got:
            GOLDEN.mkdir(exist_ok=True)
            want_path.write_text(got, encoding="utf-8")
        return
    assert want_path.exists(), f"no golden for {path.name}: {UPDATE}"
    want = want_path.read_text(encoding="utf-8")
    if got != want:
        diff = "".join(difflib.unified_diff(want.splitlines(keepends=True), got.splitlines(keepends=True),
                                            f"golden/{want_path.name}", "extracted now", n=2))
        pytest.fail(f"{path.name}: the record changed. If the change is intended: {UPDATE}\n{diff[:6000]}",
                    pytrace=False)


def test_every_golden_has_its_document(request: pytest.FixtureRequest) -> None:
    stems = {p.stem for p in DOCUMENTS}
    stale = sorted(p for p in GOLDEN.glob("*.json") if p.stem not in stems)
    if request.config.getoption("--update-golden"):
        for p in stale:
            p.unlink()
        return
    assert not stale, f"goldens without a corpus document: {[p.name for p in stale]} ({UPDATE})"
