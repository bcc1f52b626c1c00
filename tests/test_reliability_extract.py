"""`chitieu extract` under the bounds of `run --store`, and bad input that used to come out as
`internal error (…)` (issue 12; trial ../shared/trials/reliability.md, rows 14, 19, 23, 61).

Each document goes to a sandboxed worker, so one over its time, memory or target bound
fails alone, as one `name: reason` line naming the bound, and the files after it are
written.  The inputs that reached the "internal error" wording (a look-alike `ð` the
segmenter rewrote, a record that cannot be written, a library message spanning lines)
now each give a reason that names what is wrong.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest
from test_ingest_render import word_docx

from pipeline import run as run_module
from pipeline.batch.files import BoundedRunner, extract_files
from pipeline.batch.sandbox import Bounds
from pipeline.batch.stopping import EXIT_INTERRUPTED
from pipeline.cli import main
from pipeline.errors import IngestError
from pipeline.ingest.inputs import Document
from pipeline.ingest.load import load_source
from pipeline.run import Status, run_one
from tests.conftest import CORPUS, ROOT

RUN_ON = "đến năm 2025 đạt 90% hồ sơ " * 2184 * 20  # the trial's pct_64k.txt, 20 times: extraction is linear now, so well over 5 s
GOOD = CORPUS / "000_7a2557ccfcb18e76.txt"


def _lines(err: str, name: str) -> list[str]:
    return [line for line in err.splitlines() if name in line]


# --- the bounds ---------------------------------------------------------------------------


def test_extract_fails_a_document_over_the_time_bound_by_name_and_writes_the_rest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    slow = tmp_path / "slow.txt"
    slow.write_text(RUN_ON, encoding="utf-8")
    out = tmp_path / "out"
    code = main(["extract", str(slow), str(GOOD), "--out", str(out), "--max-seconds", "5", "-q"])
    err = capsys.readouterr().err
    assert code == 1
    assert _lines(err, "slow.txt") == [(f"{slow}: took more than 5 s to extract "
                                       "(the per-document time bound; raise --max-seconds)")]
    assert sorted(p.name for p in out.iterdir()) == [f"{GOOD.stem}.json"]


def test_extract_fails_a_document_over_the_memory_bound_by_name_and_writes_the_rest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "many.html"
    big.write_text("<html><body>" + "<p>x</p>" * 100_000 + "</body></html>", encoding="utf-8")  # a big parse tree
    out = tmp_path / "out"
    code = main(["extract", str(big), str(GOOD), "--out", str(out), "--max-memory", "50", "-q"])
    err = capsys.readouterr().err
    assert code == 1
    assert _lines(err, "many.html") == [(f"{big}: needs more than 50 MB of memory to extract "
                                        "(the per-document memory bound; raise --max-memory)")]
    assert (out / f"{GOOD.stem}.json").is_file()


@pytest.mark.parametrize("isolate", [True, False], ids=["worker", "in-process"])
def test_a_plan_over_the_target_bound_fails_and_no_record_is_written(tmp_path: Path, isolate: bool) -> None:
    many = tmp_path / "many.txt"
    many.write_text("\n".join(f"Đến năm 2025 đạt {i % 90 + 1}% hồ sơ loại {i}." for i in range(30)), encoding="utf-8")
    report = extract_files([many], tmp_path / "out", bounds=Bounds(max_targets=10, isolate=isolate))
    assert [f.reason for f in report.failures] == [("30 targets, over the 10 bound for one document "
                                                   "(a phrase repeated without end?)")]
    assert not (tmp_path / "out" / "many.json").exists()


def test_bounds_must_be_positive_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    for bad in (["--max-seconds", "0"], ["--max-seconds", "inf"], ["--max-memory", "-1"]):
        with pytest.raises(SystemExit) as exit_:
            main(["extract", str(GOOD), "--out", "o", *bad])
        assert exit_.value.code == 2
    assert "must be" in capsys.readouterr().err


def test_one_worker_serves_a_batch_and_the_next_batch(tmp_path: Path) -> None:
    """A worker's start-up costs seconds: it is started once, not per document or per batch."""
    docs = sorted(CORPUS.glob("*.txt"))[:2]
    bounds = Bounds(max_seconds=123.0)  # bounds of their own: a worker no other test has started
    with BoundedRunner(bounds) as runner:
        for doc in docs:
            assert runner.run(Document(doc, doc.stem), tmp_path / f"{doc.stem}.json").status is Status.EXTRACTED
        box = runner._box
    assert box is not None and box.started == 1
    with BoundedRunner(bounds) as again:
        assert again._box is box


def _ctrl_c_as_in_a_terminal() -> None:
    """Ctrl-C's default action in the child, as a shell gives a command it starts.

    An ignored SIGINT is inherited across exec and Python then keeps it ignored; a test run
    (or whatever started it) that ignores SIGINT would otherwise hand that to the command,
    which would then run to its end and exit 0 whatever this test sends it.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_ends_extract_in_seconds_with_one_line_and_no_worker_left(tmp_path: Path) -> None:
    slow = tmp_path / "slow.txt"
    slow.write_text(RUN_ON, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "extract", str(slow), "--out", str(tmp_path / "o")],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_ctrl_c_as_in_a_terminal)  # noqa: PLW1509  (signal only)
    try:
        deadline = time.monotonic() + 180
        workers: list[psutil.Process] = []
        while not workers and time.monotonic() < deadline:  # the worker started: it is extracting
            time.sleep(0.5)
            workers = psutil.Process(proc.pid).children()
        assert workers, "no worker process started"
        time.sleep(2.0)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends: the whole group
        sent = time.monotonic()
        err = proc.communicate(timeout=30)[1]
        seconds = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == EXIT_INTERRUPTED
    assert seconds < 10
    assert err.strip().splitlines()[-1] == "chitieu extract: interrupted"
    assert "Traceback" not in err
    _gone, alive = psutil.wait_procs(workers, timeout=5)
    assert not alive


# --- bad input that used to be "internal error (…)" ----------------------------------------


def test_a_lookalike_eth_in_a_clause_is_extracted_not_an_alignment_error(tmp_path: Path) -> None:
    """underthesea rewrites `ð` to `đ`; the segmenter's words were not found in the text."""
    path = tmp_path / "eth.txt"
    path.write_text("Đến năm 2025, đạt 90% hồ sơ công việc ðược xử lý, lưu trữ trên môi trường mạng.\n",
                    encoding="utf-8")
    outcome = run_one(path)
    assert outcome.status is Status.EXTRACTED, outcome.reason
    assert outcome.plan is not None and "ðược xử lý" in outcome.plan.targets[0].quote


def test_a_folder_where_the_record_goes_is_one_line_naming_the_record(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(GOOD.read_bytes())
    (tmp_path / "in" / "b.txt").write_bytes(GOOD.read_bytes())
    (tmp_path / "out" / "a.json").mkdir(parents=True)
    code = main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err
    assert code == 1
    assert _lines(err, "a.txt") == [(f"{tmp_path / 'in' / 'a.txt'}: cannot write its record "
                                    f"{tmp_path / 'out' / 'a.json'}: Is a directory")]
    assert (tmp_path / "out" / "b.json").is_file()


def test_a_name_that_just_fits_the_file_system_is_written(tmp_path: Path) -> None:
    """The temporary name beside the record was the record's name plus 14 bytes (row 23)."""
    doc = tmp_path / ("x" * 250 + ".txt")
    doc.write_bytes(GOOD.read_bytes())
    report = extract_files([doc], tmp_path / "out", bounds=Bounds(isolate=False))
    assert not report.failures
    assert (tmp_path / "out" / ("x" * 250 + ".json")).is_file()


def test_a_full_disk_under_a_record_is_one_line_not_an_internal_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(run_module, "write_plan", full)
    outcome = run_one(GOOD, out=tmp_path / "a.json")
    assert outcome.reason == f"cannot write its record {tmp_path / 'a.json'}: No space left on device"


def _docx_with(part: str, edit: Callable[[bytes], bytes]) -> bytes:
    """A real .docx with one part edited."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(word_docx(["Kế hoạch", "Đến năm 2025 đạt 90% hồ sơ."]))) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info.filename)
            zf.writestr(info.filename, edit(data) if info.filename == part else data)
    return out.getvalue()


@pytest.mark.parametrize(("data", "reason"), [
    (_docx_with("word/document.xml", lambda d: d[: len(d) // 2]),  # cut in half (row 19)
     "not a readable Word .docx file: XMLSyntaxError: "),
    (_docx_with("word/document.xml", lambda d: d.replace(b"90%", b"90%\x00")),  # lxml's message spans lines
     "not a readable Word .docx file: XMLSyntaxError: Invalid character: Char 0x0 out of allowed range"),
    (_docx_with("[Content_Types].xml", lambda d: d.replace(b"word/document.xml", b"word/elsewhere.xml")),
     "not a readable Word .docx file: ValueError: file is not a Word file, content type is 'application/xml'"),
], ids=["truncated", "nul-byte", "main-part-not-word"])
def test_a_damaged_docx_is_one_line_saying_so(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "hong.docx"
    path.write_bytes(data)
    with pytest.raises(IngestError) as err:
        load_source(path)
    assert str(err.value).startswith(reason)
    assert "\n" not in str(err.value) and " at 0x" not in str(err.value)
    assert not run_one(path).reason.startswith("internal error")  # type: ignore[union-attr]
