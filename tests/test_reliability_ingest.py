"""Hostile single files (trial ../shared/trials/reliability.md): each is read right or refused
in one line, quickly and in bounded memory; never stored as mojibake, never a hang.

The files are built here, small, from the repository's own corpus; the trial's full-size
bombs are in tests/test_reliability_stress.py (opt-in, CHITIEU_STRESS=1).
"""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile
import zlib
from pathlib import Path

import pytest

from extractors.structure import MAX_SENTENCE_CHARS
from pipeline.cli import main
from pipeline.errors import IngestError
from pipeline.extract import extract_source
from pipeline.ingest.docx import check_package
from pipeline.ingest.encodings import encode_legacy
from pipeline.ingest.html import html_to_text
from pipeline.ingest.load import load_source, source_from_bytes
from pipeline.ingest.pdf import read_pdf
from pipeline.ingest.source import one_line, shown_path
from pipeline.ingest.txt import decode_bytes

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "corpus" / "002_0eed9f5125a01b02.txt"


def _plan_text() -> str:
    return unicodedata.normalize("NFC", PLAN.read_text(encoding="utf-8"))


# --- item 1: decoding ------------------------------------------------------------------


@pytest.mark.parametrize("stray", [b"\xff", b"\xe9"], ids=["0xFF", "latin-1 é"])
def test_one_invalid_byte_keeps_a_utf8_file_utf8(stray: bytes) -> None:
    data = PLAN.read_bytes()
    mid = data.find(b"\n", len(data) // 2)
    decoded = decode_bytes(data[:mid] + stray + data[mid:])
    assert decoded.encoding == "utf-8"
    assert decoded.invalid_bytes == 1
    assert unicodedata.normalize("NFC", decoded.text).replace(stray.decode("cp1252"), "") == _plan_text()


def test_a_stray_byte_changes_no_field_and_is_named_in_the_metadata(tmp_path: Path) -> None:
    data = PLAN.read_bytes()
    mid = data.find(b"\n", len(data) // 2)
    plain = extract_source(load_source(PLAN))
    broken = extract_source(source_from_bytes(data[:mid] + b"\xff" + data[mid:], tmp_path / "x.txt"))
    assert (broken.province, broken.doc_number) == (plain.province, plain.doc_number)
    assert [t.value for t in broken.targets] == [t.value for t in plain.targets]
    assert broken.metadata["invalid_bytes"] == "1"


def _thirds() -> tuple[str, str, str]:
    lines = _plan_text().split("\n")
    n = len(lines)
    a, b, c = ("\n".join(lines[i * n // 3 : (i + 1) * n // 3]) for i in range(3))
    return a, b, c


def test_a_file_mixing_utf8_cp1258_and_tcvn3_reads_each_part_in_its_encoding() -> None:
    a, b, c = _thirds()
    data = a.encode() + b"\n" + encode_legacy(b, "windows-1258") + b"\n" + encode_legacy(c, "tcvn3")
    decoded = decode_bytes(data)
    assert decoded.encoding == "mixed:utf-8,windows-1258,tcvn3"
    got = unicodedata.normalize("NFC", decoded.text).split("\n")
    want = f"{a}\n{b}\n{c}".split("\n")
    assert len(got) == len(want)
    # TCVN3 (ABC fonts) has no capitals with tone marks: they come back lowercase.
    assert all(g == w or g.lower() == w.lower() for g, w in zip(got, want, strict=True))
    assert got[: a.count("\n") + b.count("\n") + 2] == want[: a.count("\n") + b.count("\n") + 2]


def test_a_file_of_utf8_then_cp1258_is_read_whole_and_extracts_like_the_original(tmp_path: Path) -> None:
    a, b, c = _thirds()
    data = a.encode() + b"\n" + encode_legacy(b + "\n" + c, "windows-1258")
    source = source_from_bytes(data, tmp_path / "mixed2.txt")
    assert source.text == load_source(PLAN).text
    assert source.metadata["encoding"] == "mixed:utf-8,windows-1258"


@pytest.mark.parametrize(("data", "why"), [
    ("Съешь же ещё этих мягких французских булок, да выпей чаю. " * 5, "cp1251 Russian"),
    ("Ça m'a été très compliqué de répéter à l'hôpital où était ma sœur âgée. " * 3, "cp1252 French"),
])
def test_bytes_no_reading_makes_vietnamese_of_are_refused_not_stored_as_mojibake(data: str, why: str) -> None:
    raw = data.encode("cp1251" if "cp1251" in why else "cp1252")
    with pytest.raises(IngestError, match="well-formed"):
        decode_bytes(raw)


# --- item 3: a bullet after a line without a full stop ------------------------------------

BULLET_CASES = [
    (("Kinh tế số trong từng ngành, lĩnh vực đạt tối thiểu 20%\n"
     "- 95% hồ sơ công việc cấp tỉnh, 85% hồ sơ công việc cấp huyện và 65% hồ sơ công việc cấp xã "
     "được xử lý trên môi trường mạng (trừ hồ sơ mật)."), [20, 95, 85, 65]),
    (("Tỷ lệ dân số trưởng thành có điện thoại thông minh đạt 80%\n"
     "– 70% hộ gia đình có đường Internet cáp quang."), [80, 70]),
    ("Phấn đấu tỷ lệ hồ sơ xử lý trực tuyến đạt từ 30% - 40% vào năm 2025.", [30]),
]


@pytest.mark.parametrize(("body", "values"), BULLET_CASES)
def test_a_bullet_under_a_line_without_a_full_stop_is_its_own_target(tmp_path: Path, body: str,
                                                                     values: list[int]) -> None:
    text = f"KẾ HOẠCH\nChuyển đổi số giai đoạn 2021 - 2025\n{body}\n"
    plan = extract_source(source_from_bytes(text.encode(), tmp_path / "q.txt"))
    assert [t.value for t in plan.targets] == values
    for target in plan.targets:
        assert "\n" not in target.quote
        assert target.quote in target.sentence


# --- item 4 and partials: names -----------------------------------------------------------


def test_a_name_that_is_not_utf8_is_read_and_shown_with_escapes(tmp_path: Path) -> None:
    name = os.fsdecode(b"K\xea ho\xb5ch.txt")
    path = tmp_path / name
    path.write_bytes(PLAN.read_bytes())
    source = load_source(path)
    assert source.path.endswith("K\\xea ho\\xb5ch.txt")
    assert source.doc_id == "K\\xea ho\\xb5ch"
    source.path.encode("utf-8")  # storable, printable, JSON-able
    extract_source(source).to_json()


def test_a_newline_in_a_failing_name_stays_on_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad\nname.txt").write_bytes(b"")
    assert main(["extract", str(folder), "--out", str(tmp_path / "out"), "-q"]) == 1
    lines = capsys.readouterr().err.strip().split("\n")
    assert len(lines) == 1 and lines[0].endswith("bad\\nname.txt: file is empty")
    assert one_line("a\tb\nc") == "a\\tb\\nc" and shown_path("plain.txt") == "plain.txt"


# --- item 11 and partials: what a file is, how big ----------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "f.txt"
    os.mkfifo(fifo)
    with pytest.raises(IngestError, match="not a regular file"):
        load_source(fifo)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_link_to_dev_zero_is_refused_without_reading(tmp_path: Path) -> None:
    link = tmp_path / "z.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(IngestError, match="not a regular file"):
        load_source(link)


def test_max_bytes_exists_and_is_what_the_size_error_names(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "out")
    assert main(["extract", str(PLAN), "--out", out, "-q", "--max-bytes", "1K"]) == 1
    assert "over the 1024-byte limit (raise --max-bytes)" in capsys.readouterr().err
    assert main(["extract", str(PLAN), "--out", out, "-q", "--max-bytes", "1M"]) == 0


# --- items 9 and 11: bombs, small ------------------------------------------------------------


def test_html_nested_past_the_depth_bound_is_refused_quickly() -> None:
    body = "<p>Đến năm 2025, 90% hồ sơ công việc được xử lý trên môi trường mạng của tỉnh.</p>" * 5
    with pytest.raises(IngestError, match="nests elements"):
        html_to_text("<html><body>" + "<div>" * 5_000 + body + "</div>" * 5_000 + "</body></html>")
    text, _ = html_to_text("<html><body>" + "<div>" * 50 + body + "</div>" * 50 + "</body></html>")
    assert "90% hồ sơ" in text


def article_page(megabytes: float) -> str:
    """An HTML article of the corpus plan's lines, about `megabytes` MB (trial row 12's page)."""
    body = "".join(f"<p>{line}</p>\n" for line in _plan_text().splitlines() if line.strip())
    n = int(megabytes * 2**20 // len(body.encode("utf-8"))) + 1
    return "<html><head><title>Kế hoạch chuyển đổi số</title></head><body><article>" + body * n + "</article></body></html>"


def test_an_html_page_too_big_for_the_memory_bound_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trial row 12: a 40 MB page parsed for a minute, then failed on the memory bound."""
    from pipeline.ingest import html as html_module

    page = article_page(2)
    monkeypatch.setattr(html_module, "memory_left", lambda: 50 * 2**20)
    with pytest.raises(IngestError) as info:
        html_to_text(page)
    need = len(page) * 36 // 2**20
    assert str(info.value) == (f"HTML page of {len(page)} characters needs about {need} MB of memory to parse, "
                               "more than the per-document memory bound leaves (50 MB): not read (raise --max-memory)")
    assert "90%" in html_to_text(article_page(0.5))[0]  # a page that fits is read
    monkeypatch.setattr(html_module, "memory_left", lambda: None)  # no bound (the Python API): read
    assert "90%" in html_to_text(page)[0]


def test_extract_refuses_an_html_page_its_worker_cannot_parse_and_writes_the_rest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.html"
    big.write_text(article_page(3), encoding="utf-8")
    out = tmp_path / "out"
    code = main(["extract", str(big), str(PLAN), "--out", str(out), "--max-memory", "60", "-q"])
    lines = [line for line in capsys.readouterr().err.splitlines() if "big.html" in line]
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith(f"{big}: HTML page of ") and "(raise --max-memory)" in lines[0]
    assert (out / f"{PLAN.stem}.json").is_file()


def _pdf(objs: list[bytes]) -> bytes:
    out, offs = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offs)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return bytes(out)


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"


def _pages_pdf(n: int) -> bytes:
    cs = b"BT /F1 12 Tf 72 720 Td (Den nam 2025 dat 90%) Tj ET"
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(n))
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
                 b"<< /Length %d >>\nstream\n" % len(cs) + cs + b"\nendstream"] + [_PAGE % (4 + n, 3)] * n + [_FONT])


def test_a_pdf_over_the_page_bound_is_refused_before_its_pages_are_read() -> None:
    with pytest.raises(IngestError, match="50 pages, over the 40-page limit"):
        read_pdf(_pages_pdf(50), max_pages=40)
    assert read_pdf(_pages_pdf(3), max_pages=40).paragraphs


def test_a_pdf_whose_streams_inflate_past_the_bound_is_refused() -> None:
    blob = zlib.compress(b" " * (8 << 20), 9)
    data = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", _PAGE % (5, 4),
                 b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(blob) + blob + b"\nendstream", _FONT])
    with pytest.raises(IngestError, match="inflate past 1048576 bytes"):
        read_pdf(data, max_inflated=1 << 20)


def test_a_docx_bomb_is_refused_from_its_directory_before_inflating() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"<w:document>" + b" " * (4 << 20) + b"</w:document>")
    with pytest.raises(IngestError, match="compresses .*:1, over the 200:1 limit"):
        check_package(buf.getvalue())
    with pytest.raises(IngestError, match="inflate to .* over the 1000-byte limit"):
        check_package(buf.getvalue(), max_inflated=1000)


# --- item 5: a phrase repeated without a full stop ------------------------------------------


def test_a_run_on_text_stores_bounded_sentences(tmp_path: Path) -> None:
    text = "Kế hoạch chuyển đổi số\n" + "đến năm 2025 đạt 90% hồ sơ " * 400
    plan = extract_source(source_from_bytes(text.encode(), tmp_path / "pct.txt"))
    assert plan.targets
    assert max(len(t.sentence) for t in plan.targets) <= MAX_SENTENCE_CHARS
    assert all(t.quote in t.sentence for t in plan.targets)
