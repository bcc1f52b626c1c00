"""`run_one`: every caller's document ends as one typed outcome, never an exception."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest

from pipeline import run
from pipeline.ingest.archive import DocRef, Reader
from pipeline.io import write_json_atomic, write_text_atomic
from pipeline.run import NO_TARGETS_REASON, Outcome, Status, run_one
from schemas.plan import Plan

TARGET = "Về phát triển kinh tế số:\nKinh tế số chiếm 20% GRDP đến năm 2025.\n"
NO_TARGET = "Ủy ban nhân dân tỉnh ban hành kế hoạch chuyển đổi số.\n"


@pytest.mark.parametrize(
    ("text", "status", "reason"),
    [
        (TARGET, Status.EXTRACTED, None),
        (NO_TARGET, Status.NO_TARGETS, NO_TARGETS_REASON),
        ("", Status.FAILED, "file is empty"),
    ],
)
def test_status_and_reason_of_a_document(tmp_path: Path, text: str, status: Status, reason: str | None) -> None:
    path = tmp_path / "kh.txt"
    path.write_text(text, encoding="utf-8")
    outcome = run_one(path)
    assert (outcome.name, outcome.status, outcome.reason) == (str(path), status, reason)
    assert outcome.failed == (status is Status.FAILED)
    assert outcome.targets == (len(outcome.plan.targets) if outcome.plan else 0)
    assert outcome.seconds >= 0


def test_an_extractor_crash_is_a_one_line_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(source: object) -> Plan:
        raise RuntimeError("index out of range\n  at line 3")

    monkeypatch.setattr(run, "extract_source_with_drops", boom)
    (tmp_path / "kh.txt").write_text(TARGET, encoding="utf-8")
    outcome = run_one(tmp_path / "kh.txt")
    assert outcome.status is Status.FAILED and outcome.plan is None
    assert outcome.reason == "internal error (RuntimeError): index out of range at line 3"


def test_a_file_changed_since_it_was_listed_fails(tmp_path: Path) -> None:
    path = tmp_path / "kh.txt"
    path.write_text(TARGET, encoding="utf-8")
    outcome = run_one(path, expect_sha256="0" * 64, size=10)
    assert outcome == Outcome.failure(str(path), "file changed while the run was reading it",
                                      sha256="0" * 64, size=10, seconds=outcome.seconds)


def test_a_zip_member_is_read_through_the_reader(tmp_path: Path) -> None:
    archive = tmp_path / "in.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("plans/kh.txt", TARGET)
    ref = DocRef(f"{archive}!plans/kh.txt", str(archive), "plans/kh.txt")
    with Reader() as reader:
        outcome = run_one(ref, reader)
    assert outcome.status is Status.EXTRACTED and outcome.plan is not None
    assert outcome.plan.doc_id == "kh" and outcome.name == ref.name
    alone = run_one(ref)  # without a reader it opens and closes the archive itself
    assert alone.status is Status.EXTRACTED and alone.plan == outcome.plan


def test_the_record_is_written_only_when_the_document_succeeds(tmp_path: Path) -> None:
    (tmp_path / "kh.txt").write_text(TARGET, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    assert not run_one(tmp_path / "kh.txt", out=out / "kh.json").failed
    assert run_one(tmp_path / "empty.txt", out=out / "empty.json").failed
    assert sorted(p.name for p in out.iterdir()) == ["kh.json"]  # no temporary file left either
    assert json.loads((out / "kh.json").read_text(encoding="utf-8"))["targets"][0]["value"] == 20


def test_an_atomic_write_that_fails_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "floors.json"
    write_json_atomic(path, {"về": 1})
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # shared files, not mkstemp's 0600
    with pytest.raises(TypeError):
        write_json_atomic(path, {"bad": object()})  # fails while serialising, before any rename
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(path, "\ud800")  # a lone surrogate cannot be written as UTF-8
    assert json.loads(path.read_text(encoding="utf-8")) == {"về": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["floors.json"]


def test_documents_by_id_give_outcomes_or_one_reason_each(tmp_path: Path) -> None:
    """What the gate and the report share: a missing or failing document is a reason, not a stop."""
    (tmp_path / "kh.txt").write_text(TARGET, encoding="utf-8")
    (tmp_path / "rong.txt").write_bytes(b"")
    done, reasons = run.run_documents(["rong", "kh", "khac"], [tmp_path], extract=run.no_extraction)
    assert list(done) == ["kh"] and done["kh"].source is not None and done["kh"].source.text == TARGET
    assert done["kh"].status is Status.NO_TARGETS  # the text only: nothing extracted
    assert reasons == {"khac": f"document text not found: no khac.* in {tmp_path}", "rong": "file is empty"}
