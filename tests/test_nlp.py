"""underthesea words inside a spaCy Doc keep every character offset."""

from __future__ import annotations

import unicodedata

import pytest

from extractors.nlp import make_doc, segment


@pytest.mark.parametrize(
    "text",
    [
        "Kinh tế số chiếm 20% GRDP của tỉnh.",
        "hai  khoảng   trắng",
        "tab\tvà\nxuống dòng",
        "",
        "   ",
        "TP.HCM đạt 1.000.000 lượt truy cập; e-mail: so@tttt.gov.vn",
        "“Chuyển đổi số” là nhiệm vụ trọng tâm…",
        "Khánh Hoà, thuỷ lợi, hoà nhập",
        "hồ sơ ðược xử lý, lưu trữ",  # the look-alike ð (U+00F0) of old fonts, which underthesea rewrites
        "Trung tâm Ðiều hành ðô thị thông minh",  # and Ð (U+00D0)
    ],
)
def test_doc_text_equals_input(text: str) -> None:
    doc = make_doc(text)
    assert doc.text == text
    assert doc.text_with_ws == text
    for token in doc:
        assert text[token.idx : token.idx + len(token.text)] == token.text


def test_nfd_input_gives_nfc_doc() -> None:
    nfd = unicodedata.normalize("NFD", "Chính quyền số tỉnh Thừa Thiên Huế")
    doc = make_doc(nfd)
    assert doc.text == unicodedata.normalize("NFC", nfd)


def test_multi_syllable_words_are_single_tokens() -> None:
    words = segment("Tỷ lệ dân số trưởng thành có điện thoại thông minh đạt 80%")
    assert "điện thoại" in words
    assert "thông minh" in words


def test_old_tone_placement_is_kept_as_written() -> None:
    assert "hoà nhập" in " ".join(segment("tăng cường hoà nhập số"))


def test_a_lookalike_eth_is_segmented_and_kept_as_written() -> None:
    """underthesea reads `ð` as `đ`; the words returned are still the text's own characters."""
    words = segment("Trung tâm Ðiều hành ðô thị thông minh")
    assert "Ðiều hành" in words
    assert "ðô thị" in words


@pytest.mark.parametrize(
    "phrase",
    [
        "Kinh tế số chiếm 20% GRDP của tỉnh",
        "cơ sở y tế hỗ trợ thanh toán không dùng tiền mặt và thực hiện khám chữa bệnh từ xa",
        "hồ sơ thủ tục hành chính được số hóa",
        "Tỷ lệ dân số trưởng thành có điện thoại thông minh",
        "UBND tỉnh Thừa Thiên Huế ban hành Kế hoạch số 215/KH-UBND",
        "hoà nhập",
        "số",
        "100% xã, phường, thị trấn",
    ],
)
def test_pos_tags_are_underthesea_own(phrase: str) -> None:
    """The linear-time features give exactly the tags of `underthesea.pos_tag` (same model, same words)."""
    from underthesea import pos_tag

    from extractors.nlp import pos_words

    pos_words.cache_clear()
    assert pos_words(phrase) == tuple(pos_tag(phrase))
