"""Bad input: one line naming the reason per file, the batch carries on, nothing half-written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_ingest_render import OFFICIAL_PARAGRAPHS, needs_font, official_pdf, word_docx

from pipeline.batch.files import extract_files
from pipeline.errors import IngestError
from pipeline.ingest.load import DEFAULT_MAX_BYTES, expand_inputs, load_source

GOOD = "Kế hoạch chuyển đổi số tỉnh Bình Dương năm 2025\nKinh tế số chiếm 20% GRDP của tỉnh vào năm 2025.\n"
JUNK = os.urandom(4096) + bytes(range(256))


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("rong.txt", b"", "file is empty"),
    ("rong.html", b"", "file is empty"),
    ("rong.pdf", b"", "file is empty"),
    ("rong.docx", b"", "file is empty"),
    ("trang.txt", b" \n\t\r\n\xc2\xa0\n", "no text found"),
    ("rac.txt", JUNK, "binary"),
    ("rac.html", JUNK, "binary"),
    ("rac.pdf", JUNK, "not a PDF"),
    ("rac.docx", JUNK, "not a zip package"),
    ("cu.doc", b"\xd0\xcf\x11\xe0" + bytes(100), "save it as .docx"),
    ("ghi-chu.odt", b"PK\x03\x04", "unsupported file type '.odt'"),
])
def test_bad_input_fails_with_a_one_line_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError) as err:
        load_source(path)
    assert reason in str(err.value)
    assert "\n" not in str(err.value)


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "lon.pdf"
    with big.open("wb") as f:  # sparse: 50 MB on paper, nothing on disk
        f.truncate(DEFAULT_MAX_BYTES + 1)
    with pytest.raises(IngestError, match=r"over the 52428800-byte limit"):
        load_source(big)


def test_folders_list_every_supported_type(tmp_path: Path) -> None:
    for name in ("a.txt", "b.html", "c.htm", "d.pdf", "e.docx", "f.doc", "g.json"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in expand_inputs([tmp_path])] == ["a.txt", "b.html", "c.htm", "d.pdf", "e.docx"]


@needs_font
def test_batch_carries_on_and_writes_only_whole_records(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "tot.txt").write_text(GOOD, encoding="utf-8")
    (inputs / "tot.docx").write_bytes(word_docx(list(OFFICIAL_PARAGRAPHS)))  # same stem as tot.txt
    (inputs / "ke-hoach.pdf").write_bytes(official_pdf(list(OFFICIAL_PARAGRAPHS)))
    (inputs / "cat-cut.pdf").write_bytes(official_pdf(list(OFFICIAL_PARAGRAPHS))[:3000])
    (inputs / "rong.html").write_bytes(b"")
    (inputs / "menu.html").write_text("<html><body><nav><a href='/'>Trang chủ</a></nav></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    report = extract_files(list(expand_inputs([inputs])), out)
    assert sorted(p.name for p in out.iterdir()) == ["ke-hoach.json", "tot.json"]
    reasons = {Path(f.name).name: f.reason for f in report.failures}
    assert set(reasons) == {"cat-cut.pdf", "rong.html", "menu.html", "tot.txt"}  # tot.docx came first
    assert "already written" in reasons["tot.txt"]
    assert "truncated" in reasons["cat-cut.pdf"]
    assert "empty" in reasons["rong.html"]
    assert "no article text" in reasons["menu.html"]
