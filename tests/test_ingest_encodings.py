"""Text encodings: Unicode forms, Windows-1258 and the legacy TCVN3 and VNI font encodings."""

from __future__ import annotations

import codecs
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from pipeline.errors import IngestError
from pipeline.extract import extract_source
from pipeline.ingest.charset_tables import TCVN3
from pipeline.ingest.encodings import encode_legacy, fix_legacy_text, is_syllable
from pipeline.ingest.load import load_source, source_from_bytes
from pipeline.ingest.txt import decode_bytes

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DOCS = sorted((ROOT / "corpus").glob("*.txt"))

# (bytes as a legacy-font document stores them, what they say)
TCVN3_WORDS = [
    (b"Chuy\xd3n \xae\xe6i s\xe8", "Chuyển đổi số"),
    (b"K\xd5 ho\xb9ch", "Kế hoạch"),
    (b"U\xfb ban nh\xa9n d\xa9n t\xd8nh", "Uỷ ban nhân dân tỉnh"),  # ABC has no capital Ủ
    (b"\xa7\xa9y l\xb5 t\xd8nh Kh\xb8nh Ho\xb5", "Đây là tỉnh Khánh Hoà"),
    (b"ng\xad\xeai d\xa9n", "người dân"),
    (b"K\xd5 HO\xb9CH CHUY\xd3N \xa7\xe6I S\xe8", "KẾ HOẠCH CHUYỂN ĐỔI SỐ"),  # typed in .VnTimeH
]
VNI_WORDS = [
    ("Chuyeån ñoåi soá", "Chuyển đổi số"),
    ("Keá hoaïch", "Kế hoạch"),
    ("UÛy ban nhaân daân tænh", "Ủy ban nhân dân tỉnh"),
    ("Ngöôøi daân, doanh nghieäp", "Người dân, doanh nghiệp"),
    ("KEÁ HOAÏCH CHUYEÅN ÑOÅI SOÁ", "KẾ HOẠCH CHUYỂN ĐỔI SỐ"),
    ("thuyû lôïi, möïc nöôùc, hoaøn thaønh, khuyeán khích, cuûa, ñöôïc, tyû leä, yù kieán, Myõ, kyõ",
     "thuỷ lợi, mực nước, hoàn thành, khuyến khích, của, được, tỷ lệ, ý kiến, Mỹ, kỹ"),
]


@pytest.mark.parametrize(("raw", "expected"), TCVN3_WORDS)
def test_tcvn3_words_are_read(raw: bytes, expected: str) -> None:
    decoded = decode_bytes(raw + b"\n" + raw)
    assert decoded.encoding == "tcvn3"
    assert unicodedata.normalize("NFC", decoded.text) == f"{expected}\n{expected}"


@pytest.mark.parametrize(("raw", "expected"), VNI_WORDS)
def test_vni_words_are_read(raw: str, expected: str) -> None:
    decoded = decode_bytes(raw.encode("cp1252"))
    assert decoded.encoding == "vni"
    assert decoded.text == expected


@pytest.mark.parametrize(("pasted", "expected"), [
    ("ChuyÓn ®æi sè tØnh B×nh D\u00ad¬ng", "Chuyển đổi số tỉnh Bình Dương"),
    ("Keá hoaïch chuyeån ñoåi soá", "Kế hoạch chuyển đổi số"),
])
def test_legacy_text_pasted_into_a_unicode_file_is_converted(pasted: str, expected: str) -> None:
    fixed = fix_legacy_text(pasted)
    assert fixed.encoding in {"tcvn3", "vni"}
    assert fixed.text == expected


@pytest.mark.parametrize("text", [
    "Kế hoạch chuyển đổi số tỉnh Bình Dương đạt 80%",
    "Bà già về quê",  # every letter also exists in Windows-1252: still Unicode
    "Café au lait",
])
def test_unicode_text_is_left_alone(text: str) -> None:
    assert fix_legacy_text(text).text == text
    assert decode_bytes(text.encode("utf-8")).text == text


@pytest.mark.skipif(shutil.which("iconv") is None, reason="iconv is not installed")
def test_tcvn3_table_equals_glibc_tcvn5712_1() -> None:
    """The committed table is what its documented source says, byte for byte."""
    probe = subprocess.run(["iconv", "-l"], capture_output=True, text=True, check=False)
    if "TCVN5712-1" not in probe.stdout:
        pytest.skip("iconv has no TCVN5712-1")
    regenerated = {}
    for b in range(0xA1, 0x100):
        out = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes([b]),
                             capture_output=True, check=True)
        regenerated[b] = out.stdout.decode("utf-8")
    assert regenerated == TCVN3


def _expected_tcvn3(text: str) -> str:
    """TCVN3 (ABC) has no capitals with a tone mark: they come back lowercase, except in
    lines typed all in capitals (the `.VnTimeH` font), which are read back in capitals."""
    abc_capitals = set("ĂÂÊÔƠƯĐ")
    lines = []
    for line in text.split("\n"):
        ascii_letters = [c for c in line if c.isascii() and c.isalpha()]
        if len(ascii_letters) >= 4 and all(c.isupper() for c in ascii_letters):
            lines.append(line)
            continue
        lines.append("".join(c.lower() if c.isupper() and not c.isascii() and c not in abc_capitals else c
                             for c in line))
    return "\n".join(lines)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "windows-1258", "tcvn3", "vni"])
@pytest.mark.parametrize("doc", CORPUS_DOCS, ids=lambda p: p.stem[:3])
def test_corpus_document_reads_the_same_in_every_encoding(doc: Path, encoding: str) -> None:
    text = unicodedata.normalize("NFC", doc.read_text(encoding="utf-8"))
    if encoding in {"windows-1258", "tcvn3", "vni"}:
        data = encode_legacy(text, encoding)
    else:
        data = text.encode(encoding)
    decoded = decode_bytes(data)
    expected = _expected_tcvn3(text) if encoding == "tcvn3" else text
    assert unicodedata.normalize("NFC", decoded.text) == expected
    assert decoded.encoding == {"utf-8-sig": "utf-8", "utf-16-le": "utf-16"}.get(encoding, encoding)


def test_vni_file_yields_the_same_targets_as_unicode(tmp_path: Path) -> None:
    doc = CORPUS_DOCS[2]
    legacy = tmp_path / "vni.txt"
    legacy.write_bytes(encode_legacy(doc.read_text(encoding="utf-8"), "vni"))
    plain = extract_source(load_source(doc))
    converted = extract_source(load_source(legacy))
    assert [(t.value, t.deadline_year, t.quote) for t in converted.targets] == [
        (t.value, t.deadline_year, t.quote) for t in plain.targets
    ]
    assert converted.doc_number == plain.doc_number


@pytest.mark.parametrize(("raw", "expected"), [
    (unicodedata.normalize("NFD", "Thủy lợi tỉnh Khánh Hòa"), "Thủy lợi tỉnh Khánh Hòa"),
    ("Khánh Hoa\u0300 " + unicodedata.normalize("NFD", "thuỷ") + " hòa", "Khánh Hoà thuỷ hòa"),  # mixed
    ("kinh\u00a0tế\u202fsố", "kinh tế số"),
    ("chuyển\u200b đổi\u2060 số\u00ad", "chuyển đổi số"),
    ("dòng một\u2028dòng hai", "dòng một\ndòng hai"),
])
def test_unicode_forms_and_invisible_characters_are_normalised(raw: str, expected: str) -> None:
    source = source_from_bytes(raw.encode("utf-8"), Path("x.txt"))
    assert source.text == expected


@pytest.mark.parametrize("spelling", ["Khánh Hoà", "Khánh Hòa"])
def test_tone_placement_is_kept_as_written_and_matched_alike(spelling: str) -> None:
    text = f"Kế hoạch chuyển đổi số tỉnh {spelling} năm 2025\nKinh tế số chiếm 20% GRDP của tỉnh {spelling}."
    source = source_from_bytes(text.encode("utf-8"), Path("kh.txt"))
    assert spelling in source.text
    assert extract_source(source).province == spelling


@pytest.mark.parametrize(("word", "ok"), [
    ("chuyển", True), ("Nghiêng", True), ("KHUYẾN", True), ("hoà", True), ("hòa", True), ("quốc", True),
    ("ChuyÓn", False), ("æi", False), ("sèè", False), ("ñoåi", False), ("hoáà", False),
])
def test_vietnamese_syllables_are_told_from_mojibake(word: str, ok: bool) -> None:
    assert is_syllable(word) is ok


def test_utf16_without_bom_is_not_taken_for_binary() -> None:
    text = "Kế hoạch chuyển đổi số năm 2025 đạt 80%"
    assert decode_bytes(text.encode("utf-16-le")).text == text
    assert decode_bytes(codecs.BOM_UTF16_BE + text.encode("utf-16-be")).text == text


def test_binary_junk_is_refused() -> None:
    with pytest.raises(IngestError, match="binary"):
        decode_bytes(bytes(range(256)) * 8)
