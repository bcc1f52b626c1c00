"""`warm_up` leaves the loaded models and modules out of the garbage collector's full walks."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_warm_up_freezes_what_is_loaded() -> None:
    """In a fresh process (a worker): nothing frozen before; after it, the loaded objects are
    frozen and a full collection walks only the few made since (and a document still extracts)."""
    code = (
        "import gc\n"
        "from extractors.nlp import warm_up\n"
        "before = gc.get_freeze_count()\n"
        "warm_up()\n"
        "frozen, walked = gc.get_freeze_count(), len(gc.get_objects())\n"
        "from pipeline.extract import extract_source\n"
        "from pipeline.ingest.source import Source\n"
        "plan = extract_source(Source(doc_id='x', path='x.txt', media_type='text/plain', sha256='0' * 64,"
        " text='Đến năm 2025 đạt 90% hồ sơ trực tuyến.'))\n"
        "print(before, frozen, walked, len(plan.targets))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    before, frozen, walked, targets = map(int, out.stdout.split())
    assert before == 0 and frozen > 20_000 and walked < frozen / 10, out.stdout
    assert targets == 1
