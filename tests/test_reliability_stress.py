"""The trial's full-size bombs (../shared/trials/reliability.md, rows 7, 8, 11, 14, 20): each is
refused or read in bounded memory.  Slow (a minute or more): opt-in with CHITIEU_STRESS=1.

Memory is checked as the growth of this process's peak RSS (ru_maxrss) across the call,
so a bomb that inflated even a fifth of its payload would fail the test; for the run-on
phrase, which `chitieu extract` hands to a worker process, as the worker's largest RSS.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import threading
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from pipeline.batch.sandbox import START_SECONDS
from pipeline.errors import IngestError
from pipeline.ingest.load import source_from_bytes
from pipeline.limits import MAX_MEMORY_MB, MAX_SENTENCE_CHARS, MAX_TARGETS
from tests.test_reliability_ingest import _FONT, _PAGE, _pages_pdf, _pdf

pytestmark = pytest.mark.skipif(os.environ.get("CHITIEU_STRESS") != "1", reason="stress test: set CHITIEU_STRESS=1")
ROOT = Path(__file__).resolve().parent.parent
GROWTH_LIMIT_MB = 400
# The time bound the run-on phrase is given (the default is 300 s): about 15 times its CPU time,
# for a loaded machine; it took longer than 600 s before extraction was linear on such text.
BOUND_SECONDS = 60.0
RECORD_LIMIT_BYTES = 2 * 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _refused_in_bounded_memory(data: bytes, name: str, match: str) -> None:
    before = _peak_mb()
    with pytest.raises(IngestError, match=match):
        source_from_bytes(data, Path(name))
    assert _peak_mb() - before < GROWTH_LIMIT_MB


def test_a_1_gib_flate_stream_in_a_1_mb_pdf_is_refused() -> None:
    z = zlib.compressobj(9)
    blob = b"".join(z.compress(b" " * 2**20) for _ in range(1024)) + z.flush()
    data = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", _PAGE % (5, 4),
                 b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(blob) + blob + b"\nendstream", _FONT])
    _refused_in_bounded_memory(data, "flate_1g.pdf", "decompression bomb")


def test_a_20000_page_pdf_is_refused() -> None:
    _refused_in_bounded_memory(_pages_pdf(20_000), "pages_20k.pdf", "20000 pages")


def test_a_1_gib_docx_part_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            for _ in range(64):
                fh.write(b" " * 2**24)
    _refused_in_bounded_memory(buf.getvalue(), "bomb_1g.docx", "decompression bomb")


def test_100000_nested_divs_are_refused() -> None:
    body = "<p>Đến năm 2025, 90% hồ sơ công việc được xử lý trên môi trường mạng.</p>" * 40
    page = "<html><body>" + "<div>" * 100_000 + body + "</div>" * 100_000 + "</body></html>"
    _refused_in_bounded_memory(page.encode(), "nested_100k.html", "nests elements")


def _largest_child_mb_during(call: Callable[[], int]) -> tuple[int, float]:
    """`call()`'s result and the largest RSS any child process of this one reached meanwhile."""
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        me = psutil.Process()
        while not done.is_set():
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    peak[0] = max(peak[0], child.memory_info().rss)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        result = call()
    finally:
        done.set()
        sampler.join()
    return result, peak[0] / 2**20


def test_the_323_kb_run_on_phrase_is_extracted_within_its_bounds_and_the_next_file_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Row 14: `chitieu extract` of this file ran 163 s into 12 GB of memory and wrote a 2.8 GB record.

    Extraction is linear in text length now (the phrase is read in about 4 s of CPU), so it is
    extracted well within a tighter time bound, in a worker whose memory stays under its bound,
    into a record of bounded size; the file after it is written too.
    """
    from pipeline.cli import main

    path = tmp_path / "pct_256k.txt"
    path.write_text("đến năm 2025 đạt 90% hồ sơ " * 8738, encoding="utf-8")
    good = ROOT / "corpus" / "000_7a2557ccfcb18e76.txt"
    out = tmp_path / "out"
    started = time.monotonic()
    code, child_mb = _largest_child_mb_during(
        lambda: main(["extract", str(path), str(good), "--out", str(out), "--max-seconds", str(BOUND_SECONDS), "-q"]))
    seconds = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 0, err
    assert seconds < BOUND_SECONDS + START_SECONDS
    assert child_mb < MAX_MEMORY_MB + 1024  # the worker's start-up size plus its per-document bound
    assert (out / f"{good.stem}.json").is_file()
    record = out / "pct_256k.json"
    assert record.stat().st_size < RECORD_LIMIT_BYTES  # was 2.8 GB
    targets = json.loads(record.read_text(encoding="utf-8"))["targets"]
    assert 0 < len(targets) <= MAX_TARGETS
    assert max(len(t["sentence"]) for t in targets) <= MAX_SENTENCE_CHARS


def test_a_40_mb_html_article_is_refused_under_the_default_bound_and_read_under_a_raised_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Row 12: a 40 MB article (under the 50 MB size limit) parsed for minutes, then failed on
    the 1,024 MB memory bound.  Its parse needs about 1.4 GB: under the default bound it is
    refused before parsing, in one line naming the bound; with the bound raised it is read
    (measured: 1.42 GB peak RSS, 202 s CPU)."""
    from pipeline.cli import main
    from tests.test_reliability_ingest import article_page

    page = tmp_path / "big_40mb.html"
    page.write_text(article_page(40), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(page), "--out", str(out), "-q"]) == 1
    [line] = [line for line in capsys.readouterr().err.splitlines() if "big_40mb" in line]
    assert line.startswith(f"{page}: HTML page of ") and line.endswith("(raise --max-memory)")
    code = main(["extract", str(page), "--out", str(out), "-q", "--max-memory", "3072", "--max-seconds", "3600"])
    assert code == 0 and json.loads((out / "big_40mb.json").read_text(encoding="utf-8"))["targets"]
