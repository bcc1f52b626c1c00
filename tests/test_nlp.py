"""underthesea words inside a spaCy Doc keep every character offset."""

from __future__ import annotations

import unicodedata
from pathlib import Path

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


# Phrases for the fast paths of extractors/segmenter.py and extractors/pos_tagger.py, each
# compared with underthesea's own functions: numbers, percents, parentheses, old tone
# placement, abbreviations, mixed case, marks, signs and the odd tokens of its regex tokenizer.
UNDERTHESEA_PHRASES = [
    "Kinh tế số chiếm 20% GRDP của tỉnh",
    "cơ sở y tế hỗ trợ thanh toán không dùng tiền mặt và thực hiện khám chữa bệnh từ xa",
    "hồ sơ thủ tục hành chính được số hóa",
    "Tỷ lệ dân số trưởng thành có điện thoại thông minh",
    "UBND tỉnh Thừa Thiên Huế ban hành Kế hoạch số 215/KH-UBND",
    "hoà nhập",
    "số",
    "100% xã, phường, thị trấn",
    "Tỷ lệ 95,5% hồ sơ (trừ hồ sơ mật) được xử lý trực tuyến",
    "đạt 1.000.000 lượt truy cập, tăng 12,5 lần so với năm 2020",
    "Đến năm 2025: 100% xã, phường, thị trấn có cáp quang (đạt 98,7%).",
    "tăng cường hoà nhập số, thuỷ lợi và khoẻ mạnh, tuỳ theo quí khách",  # old tone placement
    "UBND tỉnh, HĐND, TP.HCM, Th.S Nguyễn Văn A, v.v.",
    "Sở TT&TT phối hợp với Sở KH-ĐT theo Nghị định 45/2020/NĐ-CP",
    "CHUYỂN ĐỔI SỐ Là Nhiệm Vụ trọng tâm, ĐẠT Chuẩn",  # mixed case
    "Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ",
    "e-mail: so@tttt.gov.vn; cổng https://dichvucong.gov.vn/p/home",
    "hồ sơ ðược xử lý, lưu trữ ở Trung tâm Ðiều hành",  # the look-alike ð of old fonts
    "Th sự thật",  # underthesea's `Th.S` abbreviation matches across the space
    "tối thiểu 2147483648 đồng, 2147483647 đồng, +5 và -3 điểm, 3x4 mét",
    "“Chuyển đổi số” là nhiệm vụ trọng tâm… => đạt 4.0",
    "tab\tvà\nxuống  dòng",
    "",
    "   ",
]


@pytest.mark.parametrize("phrase", UNDERTHESEA_PHRASES)
@pytest.mark.parametrize("normalize", [True, False])
def test_segmenter_gives_underthesea_words(phrase: str, normalize: bool) -> None:
    """The segmenter's own featurizer and underthesea's model give `underthesea.word_tokenize`'s words."""
    from underthesea import word_tokenize

    from extractors.segmenter import get_segmenter

    segmenter = get_segmenter()
    assert segmenter is not None, "underthesea's layout was not recognised: the fast path is off"
    assert segmenter.words(phrase, normalize) == word_tokenize(phrase, use_token_normalize=normalize)


@pytest.mark.parametrize(
    "phrase",
    UNDERTHESEA_PHRASES
    + ["(Th Sơn", "xTh Sơn", "Th\tSơn", "Th\nSơn", "Th", "Thesis", "ʺhồ sơʺ", "UBND.", "UBND.\n", "UBND.\nx",
       ":D", "a :D b", "a :D", "v.v", "TP. HCM", "\u200bhồ sơ", "hồ\xa0sơ", "giá 5.000đ/tháng", "100%,"],
)
@pytest.mark.parametrize("normalize", [True, False])
def test_regex_tokens_are_underthesea_own(phrase: str, normalize: bool) -> None:
    """The syllables known to be one token without underthesea's regex, and the others matched
    with their neighbours in view, give its tokenizer's tokens (`Th.S` matches across a space)."""
    from underthesea.pipeline.word_tokenize.regex_tokenize import tokenize

    from extractors.segmenter import regex_tokens

    assert regex_tokens(phrase, normalize) == tokenize(phrase, use_token_normalize=normalize)


@pytest.mark.parametrize("phrase", [p for p in UNDERTHESEA_PHRASES if p.strip()])
def test_segmenter_features_are_underthesea_own(phrase: str) -> None:
    """Every feature string is the Rust featurizer's; the ones left out change neither tags nor score."""
    from underthesea.pipeline import word_tokenize as ws

    from extractors.crf_features import Featurizer
    from extractors.segmenter import Segmenter, get_segmenter, regex_tokens

    segmenter = get_segmenter()
    assert segmenter is not None and segmenter.featurizer.filtered
    tokens = regex_tokens(phrase, True)
    every = Segmenter(segmenter.tagger, Featurizer(segmenter.featurizer.templates), segmenter.dictionary)
    theirs = ws.word_tokenize_model.featurizer.process([[[t] for t in tokens]])[0]
    assert every.features(tokens) == [tuple(f) for f in theirs]
    assert segmenter.tagger.tag_with_score(segmenter.features(tokens)) == segmenter.tagger.tag_with_score(theirs)


@pytest.mark.parametrize(
    ("word", "value"),
    [("5", "True"), ("+5", "True"), ("-3", "True"), ("007", "True"), ("2147483647", "True"),
     ("2147483648", "False"), ("-2147483648", "True"), ("-2147483649", "False"), ("٣", "False"),
     ("²", "False"), ("5a", "False"), ("1.000", "False"), ("-", "False")],
)
def test_isdigit_is_the_rust_featurizers(word: str, value: str) -> None:
    """`T[0].isdigit` is whether the token parses as a 32-bit integer, as underthesea's Rust featurizer reads it."""
    from underthesea.pipeline import word_tokenize as ws

    from extractors.segmenter import _rust_isdigit, get_segmenter

    get_segmenter()  # loads underthesea's model
    theirs = ws.word_tokenize_model.featurizer.process([[[word]]])[0][0]
    assert f"T[0].isdigit={value}" in theirs
    assert _rust_isdigit(word) == value


def test_an_unreadable_model_file_is_refused(tmp_path: Path) -> None:
    from extractors.crf_features import crfsuite_attributes

    model = tmp_path / "models.bin"
    model.write_bytes(b"not a CRFsuite model")
    with pytest.raises(ValueError, match="models.bin"):
        crfsuite_attributes(model)


def test_another_underthesea_layout_falls_back_to_its_own_functions(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the fast path is off, the words and tags are still underthesea's (from its own functions)."""
    from underthesea import pos_tag, word_tokenize

    from extractors import nlp, pos_tagger, segmenter

    monkeypatch.setattr(segmenter, "get_segmenter", lambda: None)
    monkeypatch.setattr(nlp, "get_pos_tagger", lambda: None)
    nlp.clear_caches()
    phrase = "Tỷ lệ 95,5% hồ sơ (trừ hồ sơ mật) được xử lý trực tuyến"
    try:
        assert segmenter.word_tokenize(phrase, use_token_normalize=False) == word_tokenize(phrase, use_token_normalize=False)
        assert nlp.pos_words(phrase) == tuple(pos_tag(phrase))
        assert pos_tagger.get_pos_tagger() is not None  # the real one is untouched
    finally:
        nlp.clear_caches()


@pytest.mark.parametrize("phrase", UNDERTHESEA_PHRASES)
def test_pos_tags_are_underthesea_own(phrase: str) -> None:
    """The linear-time features give exactly the tags of `underthesea.pos_tag` (same model, same words)."""
    from underthesea import pos_tag

    from extractors.nlp import clear_caches, pos_words
    from extractors.pos_tagger import get_pos_tagger

    tagger = get_pos_tagger()
    assert tagger is not None and tagger.featurizer.filtered, "the fast POS path is off"
    clear_caches()
    assert pos_words(phrase) == tuple(pos_tag(phrase))
