"""underthesea words inside a spaCy Doc keep every character offset."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from extractors.nlp import make_doc, segment
from tests.conftest import CORPUS, DEV, needs_dev


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

    from extractors.crf_features import Featurizer, known_values
    from extractors.segmenter import Segmenter, get_segmenter, regex_tokens

    segmenter = get_segmenter()
    assert segmenter is not None
    templates = segmenter.featurizer.templates
    model = Path(ws.__file__).parent / "models" / "ws_crf_vlsp2013_20230727" / ws.word_tokenize_model.path_model
    known = Segmenter(segmenter.tagger, Featurizer(templates, known_values(model)), segmenter.dictionary)
    tokens = regex_tokens(phrase, True)
    every = Segmenter(segmenter.tagger, Featurizer(templates), segmenter.dictionary)
    theirs = ws.word_tokenize_model.featurizer.process([[[t] for t in tokens]])[0]
    assert every.features(tokens) == [tuple(f) for f in theirs]
    assert segmenter.tagger.tag_with_score(known.features(tokens)) == segmenter.tagger.tag_with_score(theirs)


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


def test_the_pos_features_are_underthesea_own_with_the_x_column_kept_per_length() -> None:
    """Every POS feature the model knows, as `word2features` writes it, for phrases of many
    lengths, read twice: the second time the column of `X` comes from `Featurizer.rows`' kept ones."""
    from underthesea import word_tokenize
    from underthesea.pipeline.pos_tag import model_crf
    from underthesea.pipeline.pos_tag.model_crf import CRFPOSTagPredictor
    from underthesea.pipeline.pos_tag.tagged_feature import word2features

    from extractors.crf_features import crfsuite_attributes
    from extractors.pos_tagger import get_pos_tagger

    tagger = get_pos_tagger()
    assert tagger is not None and tagger.featurizer.filtered
    template = list(CRFPOSTagPredictor.Instance().transformer.template)
    attributes = set(crfsuite_attributes(Path(model_crf.__file__).parent / "pos_crf_2017_10_11.bin"))
    phrases = [word_tokenize(p) for p in UNDERTHESEA_PHRASES if p.strip()]
    phrases += [phrase[:k] for phrase in phrases[:3] for k in range(1, len(phrase))]
    for _ in range(2):
        for words in phrases:
            rows = [(w, "X") for w in words]
            theirs = [tuple(f for f in word2features(rows, i, template) if f in attributes) for i in range(len(rows))]
            assert tagger.features(words) == theirs, words


@pytest.mark.parametrize(
    "word",
    ["", " ", "a  b", " Hà", "Hà ", "Thừa Thiên Huế", "Thừa thiên", "UBND", "ĐẠI HỘI", "ǅ", "ǆ", "5G", "Ⅻ", "İstanbul", "“Số”", "số"],
)
def test_the_pos_functions_are_underthesea_own(word: str) -> None:
    """`text_lower` and `text_istitle` of underthesea's POS features, for many words at once."""
    from underthesea.pipeline.pos_tag import tagged_feature as tf

    from extractors.pos_tagger import (
        _FUNCTIONS_SHA256,
        _functions_digest,
        _istitle,
        _lower,
        get_pos_tagger,
    )

    assert _functions_digest() == _FUNCTIONS_SHA256, "underthesea's POS functions changed: the fast ones are off"
    tagger = get_pos_tagger()
    assert tagger is not None and tagger.values_of  # in use
    assert _lower([word]) == [str(tf.text_lower(word))]
    assert _istitle([word]) == [str(tf.text_istitle(word))]


# The decoder of extractors/crf_model.py against underthesea's own tagger: the same tags and the
# same score, bit for bit, on every line of the corpora and on random runs of syllables.
def _decoding_segmenter():  # type: ignore[no-untyped-def]
    from extractors.segmenter import get_segmenter

    segmenter = get_segmenter()
    assert segmenter is not None and segmenter.decoder is not None, "the segmenter is not decoding from the model's weights"
    return segmenter


def _tagged_by_underthesea(segmenter, tokens: list[str]) -> tuple[list[str], float]:  # type: ignore[no-untyped-def]
    """underthesea's tagger on every feature string, as underthesea's featurizer writes them."""
    from extractors.crf_features import Featurizer
    from extractors.segmenter import Segmenter

    every = Segmenter(segmenter.tagger, Featurizer(segmenter.featurizer.templates), segmenter.dictionary)
    tags, score = segmenter.tagger.tag_with_score(every.features(tokens))
    return list(tags), score


def _corpus_lines(folder: Path) -> list[str]:
    return [line for path in sorted(folder.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize(
    "folder", [CORPUS, *[pytest.param(p, marks=needs_dev) for p in (DEV, DEV.parent / "corpus-dev2")]],
    ids=["corpus", "corpus-dev", "corpus-dev2"],
)
def test_the_decoder_gives_underthesea_tags_and_score_on_every_corpus_line(folder: Path) -> None:
    from extractors.segmenter import regex_tokens

    segmenter = _decoding_segmenter()
    lines = _corpus_lines(folder)
    assert lines
    for line in lines:
        for normalize in (True, False):
            tokens = regex_tokens(line, normalize)
            if tokens:
                assert segmenter.tag_with_score(tokens) == _tagged_by_underthesea(segmenter, tokens), line[:80]


def test_the_decoder_gives_underthesea_tags_and_score_on_random_syllables() -> None:
    """Runs of syllables no text holds: unknown n-grams, capitals, digits, marks, one to fifty long."""
    import random

    from extractors.segmenter import regex_tokens

    segmenter = _decoding_segmenter()
    vocabulary = sorted({t for p in UNDERTHESEA_PHRASES for t in regex_tokens(p, False)} | {"5", "-3", "Th", "ĐẠI", "x", "İ"})
    rng = random.Random(11)
    for _ in range(400):
        tokens = [rng.choice(vocabulary) for _ in range(rng.randint(1, 50))]
        assert segmenter.tag_with_score(tokens) == _tagged_by_underthesea(segmenter, tokens), tokens


def test_the_state_scores_add_the_templates_one_after_the_other() -> None:
    """The sums `Decoder.state_scores` gives are those of adding each template's weight in turn,
    in Python floats (not a pairwise or reordered sum), for phrases of every length up to 60."""
    import random

    _, decoder = _decoding_segmenter().decoder
    rng = random.Random(7)
    for n in range(1, 61):
        ids = [[rng.randrange(decoder.unknown + 1) for _ in range(n)] for _ in range(43)]
        expected = []
        for i in range(n):
            sums = [0.0] * len(decoder.labels)
            for template in ids:
                for y in range(len(sums)):
                    sums[y] += float(decoder.state[template[i], y])
            expected.append(sums)
        assert decoder.state_scores(ids).tolist() == expected, n


def test_the_model_is_read_as_underthesea_reads_it() -> None:
    segmenter = _decoding_segmenter()
    _, decoder = segmenter.decoder
    assert list(decoder.labels) == list(segmenter.tagger.labels())
    assert not decoder.state[decoder.unknown].any()  # an unknown attribute weighs nothing


@pytest.mark.parametrize("broken", ["one weight a billionth off", "file cut short"])
def test_a_decoder_a_billionth_off_or_an_unreadable_model_falls_back_to_strings(
    monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    """The probe at load compares the decoded score exactly: a transition weight off by one part
    in a billion (too little to change a tag) is enough to fall back to the tagger's string path."""
    import dataclasses

    from underthesea import word_tokenize

    from extractors import crf_model, segmenter

    read = crf_model.read_model

    def a_billionth_off(path: Path) -> crf_model.CrfModel:
        model = read(path)
        moved = model.transition.copy()
        moved[1, 0] *= 1 + 1e-9
        return dataclasses.replace(model, transition=moved)

    def cut_short(path: Path) -> crf_model.CrfModel:
        raise ValueError(f"{path.name}: cut short")

    monkeypatch.setattr(segmenter, "read_model", a_billionth_off if broken.startswith("one") else cut_short)
    segmenter.get_segmenter.cache_clear()
    try:
        fallen = segmenter.get_segmenter()
        assert fallen is not None and fallen.decoder is None and fallen.featurizer.filtered
        phrase = "Tỷ lệ 95,5% hồ sơ (trừ hồ sơ mật) được xử lý trực tuyến"
        assert fallen.words(phrase, False) == word_tokenize(phrase, use_token_normalize=False)
    finally:
        monkeypatch.undo()
        segmenter.get_segmenter.cache_clear()
    restored = segmenter.get_segmenter()
    assert restored is not None and restored.decoder is not None


def test_clear_caches_forgets_the_ngrams_of_the_phrases_read() -> None:
    from extractors.crf_features import Grams
    from extractors.nlp import clear_caches

    columns, _ = _decoding_segmenter().decoder
    sets = columns._sets
    columns.columns(3, (Grams(["xyzzy", "plugh", "qwfp"]),))  # n-grams no model knows
    assert any("xyzzy" in s.seen for s in sets)
    clear_caches()
    assert not any(s.seen for s in sets)


def _crfsuite_file(labels: list[str], attributes: list[str], state: list[tuple[int, int, float]], moves: list[tuple[int, int, float]]) -> bytes:
    """A CRFsuite model file (the layout crf_model reads): header, features, label and attribute tables."""
    import struct

    def strings(items: list[str]) -> bytes:
        head, records, offsets = 24 + 256 * 8, b"", []
        for i, item in enumerate(items):
            key = item.encode() + b"\0"
            offsets.append(head + len(records))
            records += struct.pack("<II", i, len(key)) + key
        body = records + b"".join(struct.pack("<I", o) for o in offsets)
        return struct.pack("<4sIIIII", b"CQDB", head + len(body), 0, 0x62445371, len(items), head + len(records)) + bytes(256 * 8) + body

    rows = [(0, *f) for f in state] + [(1, *f) for f in moves]
    features = struct.pack("<4sII", b"FEAT", 12 + 20 * len(rows), len(rows)) + b"".join(struct.pack("<IIId", *r) for r in rows)
    at_labels = 48 + len(features)
    at_attributes = at_labels + len(strings(labels))
    end = at_attributes + len(strings(attributes))
    header = struct.pack("<4sI4sIIIIIIIII", b"lCRF", end, b"FOMC", 100, len(rows), len(labels), len(attributes), 48, at_labels, at_attributes, end, end)
    return header + features + strings(labels) + strings(attributes)


@pytest.mark.parametrize(
    ("labels", "state", "moves"),
    [
        (["A", "B", "C"], [(0, 0, 1.0), (0, 1, 1.0), (1, 2, 0.5), (1, 0, 0.5)], [(0, 1, 0.25), (1, 0, 0.25), (2, 2, 0.1)]),
        # two labels: the word segmenter's own loop (`Decoder._decode_two`)
        (["B-W", "I-W"], [(0, 0, 1.0), (0, 1, 1.0), (1, 1, 0.5)], [(0, 1, 0.5), (1, 0, 0.25), (1, 1, -0.25)]),
        (["B-W", "I-W"], [(0, 0, 0.5), (1, 1, 0.5)], []),  # every path of a run of one attribute ties
    ],
    ids=["three labels", "two labels", "two labels, all ties"],
)
def test_the_decoder_breaks_ties_as_underthesea_does(tmp_path: Path, labels, state, moves) -> None:  # type: ignore[no-untyped-def]
    """On a model made of ties (two labels weighing the same, equal transitions), every sequence of
    known and unknown attributes up to four long gets underthesea_core's tags and score."""
    import itertools

    from underthesea_core import CRFTagger

    from extractors.crf_model import Decoder, read_model

    path = tmp_path / "ties.bin"
    path.write_bytes(_crfsuite_file(labels, ["x", "y"], state=state, moves=moves))
    theirs = CRFTagger()
    theirs.load(str(path))
    ours = Decoder(read_model(path))
    for n in range(1, 5):
        for sequence in itertools.product(["x", "y", "unknown"], repeat=n):
            tags, score = theirs.tag_with_score([[a] for a in sequence])
            ids = [[{"x": 0, "y": 1}.get(a, ours.unknown) for a in sequence]]  # one template
            assert ours.decode(ids) == (list(tags), score), sequence


@pytest.mark.parametrize(
    ("damage", "reason"),
    [(lambda b: b[:40], "cut short"), (lambda b: b"xCRF" + b[4:], "not a CRFsuite model")],
    ids=["cut short", "another magic"],
)
def test_a_damaged_model_file_is_refused_with_its_name(tmp_path: Path, damage, reason: str) -> None:  # type: ignore[no-untyped-def]
    from extractors.crf_model import read_model

    path = tmp_path / "damaged.bin"
    path.write_bytes(damage(_crfsuite_file(["A"], ["x"], state=[(0, 0, 1.0)], moves=[])))
    with pytest.raises(ValueError, match=f"damaged.bin: {reason}"):
        read_model(path)


# `Decoder.surely` / `Segmenter.never_one_word` / `nlp.surely_not_a_word`: a label shown without
# decoding must be the decoded one, and it must be shown often enough to be worth asking.
def test_a_label_shown_surely_is_the_decoded_one_on_every_corpus_line() -> None:
    from extractors.crf_features import Grams
    from extractors.segmenter import regex_tokens

    segmenter = _decoding_segmenter()
    columns, decoder = segmenter.decoder
    shown = asked = 0
    for line in _corpus_lines(CORPUS):
        tokens = regex_tokens(line, True)
        if not tokens:
            continue
        ids = columns.columns(len(tokens), (Grams(tokens),))
        tags, _ = decoder.decode(ids)
        n = len(tokens)
        for k, tag in enumerate(tags):
            for label in decoder.labels:
                asked += 1
                if decoder.surely(label, ids, k, k == 0, k == n - 1, n):
                    shown += 1
                    assert tag == label, (line[:80], k)
    assert shown > asked / 3  # nearly every syllable's label is shown (half the questions are the other label)


def test_a_label_is_not_shown_where_the_transitions_decide_it(tmp_path: Path) -> None:
    """Each word's own weights favour `I-W`, but `B-W B-W` is the best path: neither word is
    surely `I-W` (a bound that left out the transitions would say it is), nor a tie's winner."""
    from extractors.crf_model import Decoder, read_model

    path = tmp_path / "moves.bin"
    path.write_bytes(_crfsuite_file(["B-W", "I-W"], ["x"], state=[(0, 1, 1.0)], moves=[(0, 0, 3.0)]))
    decoder = Decoder(read_model(path))
    ids = __import__("numpy").zeros((1, 2), dtype="intp")  # two words, both `x`
    assert decoder.decode(ids)[0] == ["B-W", "B-W"]
    assert not any(decoder.surely(label, ids, k, k == 0, k == 1, 2) for k in (0, 1) for label in ("B-W", "I-W"))
    one = ids[:, :1]  # one word alone: its own weights decide, by 1.0
    assert decoder.decode(one)[0] == ["I-W"] and decoder.surely("I-W", one, 0, True, True, 1)
    path.write_bytes(_crfsuite_file(["B-W", "I-W"], ["x"], state=[(0, 0, 1.0), (0, 1, 1.0)], moves=[]))
    tie = Decoder(read_model(path))
    assert tie.decode(one)[0] == ["B-W"] and not tie.surely("B-W", one, 0, True, True, 1)  # a tie is not shown


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Sở Thông tin và Truyền thông thực hiện kế hoạch", True),  # `thực hiện`: one word
        ("các dự án đang thực hiện đạt 100%", True),
        ("Tỉnh hiện duy trì 100% hồ sơ trực tuyến", False),  # `hiện` stands alone: not shown, it is so
        ("hiện", False),  # the phrase is the word
        ("", False),
    ],
)
def test_surely_not_a_word_answers_only_when_the_segmenter_agrees(phrase: str, expected: bool) -> None:
    from extractors.nlp import clear_caches, surely_not_a_word, tagger_spans

    clear_caches()
    assert surely_not_a_word(phrase, "hiện") is expected
    spans = tagger_spans(phrase)
    if expected:
        assert spans is not None and all(phrase[s:e].lower() != "hiện" for s, e in spans)


@pytest.mark.parametrize(
    "folder", [CORPUS, *[pytest.param(p, marks=needs_dev) for p in (DEV, DEV.parent / "corpus-dev2")]],
    ids=["corpus", "corpus-dev", "corpus-dev2"],
)
def test_surely_not_a_word_agrees_with_the_segmented_words_around_every_hien(folder: Path) -> None:
    """The windows filters._present_adverb reads (five syllables either side of each `hiện`),
    and each single syllable of a line: whenever no word is said to be the syllable, none is."""
    import regex

    from extractors.nlp import (
        clear_caches,
        surely_not_a_word,
        syllable_spans,
        syllable_window,
        tagger_spans,
    )

    clear_caches()
    shown = 0
    for line in _corpus_lines(folder):
        syllables = syllable_spans(line)
        asked = [(m.start(), "hiện") for m in regex.finditer(r"(?i)(?<!\w)hiện(?!\w)", line)]
        asked += [(s, line[s:e].lower()) for s, e in syllables[:12]]
        for at, word in asked:
            _, a, b = syllable_window(syllables, at, 5, 5)
            phrase = line[a:b]
            if surely_not_a_word(phrase, word):
                shown += 1
                spans = tagger_spans(phrase)
                assert spans is not None and all(phrase[s:e].lower() != word for s, e in spans), (phrase, word)
    assert shown
