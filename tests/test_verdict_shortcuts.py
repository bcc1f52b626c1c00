"""Shortcuts in the non-target filters give the full reading's answer (extractors/filters.py, lexicon.py).

`_present_adverb` reads a window only when `hiện` is in it case-folded, and segments the
syllables around a `hiện` only when that `hiện` could give its answer (`filters._may_be_the_adverb`)
and the segmenter's weights do not show it inside a word (`nlp.surely_not_a_word`); the province
names are found with `\\b` before them instead of a look-behind (`lexicon.province_pattern`).
Each shortcut is read both ways here, and a shortcut broken on purpose makes a row fail.
"""

from __future__ import annotations

import sys

import pytest
import regex

from extractors import filters
from extractors.lexicon import FLAGS, fold, get_lexicon, province_pattern
from extractors.targets import extract
from extractors.trie import trie_pattern
from tests.conftest import CORPUS, DEV, needs_dev

ADVERB_ROWS = [
    ("Tỉnh hiện triển khai nhiều mô hình chuyển đổi số ở các huyện, thị xã với 80% hồ sơ trực tuyến.", [80]),
    ("Huyện thực hiện hiện đại hóa, tỉnh hiện duy trì 100% cơ quan kết nối mạng.", [100]),
    ("Mục tiêu chung được giao từ trước, tỉnh hiện duy trì 60% hồ sơ.", [60]),  # the aim is before `hiện`
    ("Tỉnh hiện duy trì 70% hồ sơ, 50% văn bản được ký số.", [70, 50]),
    # upper case: found by its case-folding (`_present_adverb` looks `hiện` up case-folded first)
    ("Năm nay, Tỉnh Hiện duy trì 100% cơ quan kết nối mạng.", [100]),
    # nothing after `hiện` before the value: it cannot be the adverb
    ("Các đơn vị rà soát, thực hiện 100% hồ sơ trực tuyến.", []),
    # an aim right after `hiện`: the full reading answers None whatever the words
    ("Tỉnh hiện đặt mục tiêu 90% hồ sơ trực tuyến.", []),
    ("Các thủ tục được thực hiện trực tuyến, bảo đảm 80% hồ sơ được xử lý đúng hạn.", []),
    ("Tỉnh hiện triển khai kế hoạch, phấn đấu đến năm 2026 có 90% hồ sơ trực tuyến.", []),
    # the first `hiện` is followed by an aim, the second is the adverb
    ("Các sở thực hiện kế hoạch đặt mục tiêu, tỉnh hiện duy trì 40% văn bản điện tử.", [40]),
]


def _adverb_drops(text: str) -> list[float]:
    return [d.mention.value for d in extract(text).drops if d.rule == "reported_present_adverb"]


@pytest.mark.parametrize(("text", "dropped"), ADVERB_ROWS)
def test_present_adverb_with_and_without_the_text_test(
    text: str, dropped: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _adverb_drops(text) == dropped
    monkeypatch.setattr(filters, "_may_be_the_adverb", lambda site, after, pos: True)
    assert _adverb_drops(text) == dropped


def test_a_text_test_that_skips_every_hien_fails_the_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Broken on purpose (no `hiện` may be the adverb), the rows that drop a value no longer do."""
    monkeypatch.setattr(filters, "_may_be_the_adverb", lambda site, after, pos: False)
    assert [text for text, dropped in ADVERB_ROWS if dropped and _adverb_drops(text) != dropped]


def test_the_text_test_spares_segmenting_the_rows_it_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    """A `hiện` followed by nothing, or by an aim, is not segmented."""
    segmented: list[str] = []
    real = filters.tagger_spans

    def spy(phrase: str) -> tuple[tuple[int, int], ...] | None:
        segmented.append(phrase)
        return real(phrase)

    monkeypatch.setattr(filters, "tagger_spans", spy)
    for text in ("Các đơn vị rà soát, thực hiện 100% hồ sơ trực tuyến.", "Tỉnh hiện đặt mục tiêu 90% hồ sơ trực tuyến."):
        extract(text)
    assert segmented == []


def _corpus_drops() -> list[tuple[str, int, str]]:
    from pipeline.ingest.load import expand_inputs, load_source

    folders = [p for p in (CORPUS, DEV, DEV.parent / "corpus-dev2") if p.is_dir()]
    out = []
    for source in (load_source(p) for p in expand_inputs(folders)):
        out += [(source.doc_id, d.mention.start, d.rule) for d in extract(source.text).drops]
    return out


@needs_dev
def test_no_corpus_drop_changes_with_the_text_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """Over corpus/, corpus-dev and corpus-dev2, every drop is the same with the shortcuts and without them."""
    fast = _corpus_drops()
    monkeypatch.setattr(filters, "_may_be_the_adverb", lambda site, after, pos: True)
    monkeypatch.setattr(filters, "surely_not_a_word", lambda text, word: False)
    assert _corpus_drops() == fast


@pytest.mark.parametrize(("text", "dropped"), ADVERB_ROWS)
def test_present_adverb_with_and_without_the_weights_shortcut(
    text: str, dropped: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filters, "surely_not_a_word", lambda text, word: False)
    assert _adverb_drops(text) == dropped


def test_a_weights_shortcut_that_skips_every_hien_fails_the_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Broken on purpose (every `hiện` shown inside a word), the rows that drop a value no longer do."""
    monkeypatch.setattr(filters, "surely_not_a_word", lambda text, word: True)
    assert [text for text, dropped in ADVERB_ROWS if dropped and _adverb_drops(text) != dropped]


def _code_points() -> str:
    """Every code point but the surrogates, each followed by `a`."""
    return "".join(chr(c) + "a" for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)


@pytest.mark.parametrize("flags", [FLAGS, FLAGS | regex.WORD])
def test_a_word_boundary_before_a_letter_is_the_look_behind(flags: int) -> None:
    """`\\b` holds before a word character exactly where `(?<!\\w)` does, after every code point.

    Under the WORD flag (Unicode word boundaries) the two part ways: the check can fail, and
    the lexicon does not use that flag.
    """
    text = _code_points()
    by_boundary = [m.start() for m in regex.finditer(r"\ba", text, flags)]
    by_look_behind = [m.start() for m in regex.finditer(r"(?<!\w)a", text, flags)]
    assert (by_boundary == by_look_behind) is (flags == FLAGS)
    assert not FLAGS & regex.WORD


def test_every_province_name_opens_with_a_word_character() -> None:
    lex = get_lexicon()
    assert lex.province_re.pattern.startswith(r"\b(")
    assert province_pattern(["-x", "hà nội"]).startswith(r"(?<!\w)(")  # a name opening otherwise


def test_province_names_found_as_the_look_behind_finds_them() -> None:
    lex = get_lexicon()
    names = sorted({fold(n) for n in lex.province_canon}, key=len, reverse=True)
    look_behind = regex.compile(r"(?<!\w)(" + trie_pattern(names) + r")(?!\w)", FLAGS)
    texts = [fold(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt"))]
    texts.append("xHà Nội, _Cần Thơ; 5Bình Dương - Đà Nẵng.Huế ĐỒNG NAI Thừa Thiên Huế" * 3)
    for text in texts:
        assert [m.span(1) for m in lex.province_re.finditer(text)] == [m.span(1) for m in look_behind.finditer(text)]


def test_a_site_reading_is_made_once_and_kept_in_the_instance() -> None:
    calls: list[int] = []

    class Reader:
        @filters._once
        def value(self) -> int:
            """The answer."""
            calls.append(1)
            return 42

    r = Reader()
    assert (r.value, r.value, calls) == (42, 42, [1])
    assert r.__dict__["value"] == 42 and Reader().value == 42 and calls == [1, 1]
    assert isinstance(Reader.__dict__["value"], filters._once) and Reader.value.__doc__ == "The answer."
