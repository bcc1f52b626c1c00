"""Shortcuts the extractor takes before segmenting or tagging give the answer of the full reading.

Segmenting and tagging are most of an extraction's cost (bench/extract_speed.py), so a reading
first asks a cheap text question: can any underthesea word of this phrase be the one the rule
looks for? Only when it can are the words read. Each row here is read both ways.
"""

from __future__ import annotations

import pytest

from extractors.clause import _cut_new_clause, cut_by_words
from extractors.lexicon import get_lexicon
from extractors.nlp import make_doc, pos_words, tagged_spans, tagger_spans, word_spans
from extractors.numbers import find_mentions


@pytest.mark.parametrize(
    ("right", "expected"),
    [
        (" hồ sơ được số hóa, mở dữ liệu cho các tổ chức", " hồ sơ được số hóa"),
        (" người dân có tài khoản thanh toán và duy trì chỉ số cao", " người dân có tài khoản thanh toán "),
        (" dữ liệu mở được cung cấp để phục vụ người dân", " dữ liệu mở được cung cấp "),
        (" hồ sơ được số hóa, lưu trữ và ký số", " hồ sơ được số hóa, lưu trữ và ký số"),
        (" doanh nghiệp mở rộng thị trường", " doanh nghiệp mở rộng thị trường"),
        (" hồ sơ trực tuyến,tiếp tục nâng cao chất lượng", " hồ sơ trực tuyến"),
        (" xã có cán bộ VÀ TĂNG CƯỜNG đào tạo", " xã có cán bộ "),
        (" doanh nghiệp nhỏ và vừa trên địa bàn tỉnh được hỗ trợ chuyển đổi số, tiếp tục nâng cao năng lực",
         " doanh nghiệp nhỏ và vừa trên địa bàn tỉnh được hỗ trợ chuyển đổi số"),
        (" hồ sơ, để lại và mở rộng dịch vụ công trực tuyến toàn trình, đồng thời để phục vụ người dân", " hồ sơ, "),
        (" dịch vụ công trực tuyến toàn trình được cung cấp trên cổng, đồng thời để phục vụ người dân",
         " dịch vụ công trực tuyến toàn trình được cung cấp trên cổng"),
        (" để phục vụ người dân", " để phục vụ người dân"),
        (" và , tiếp tục", " và "),
        ("", ""),
    ],
)
def test_new_clause_cut_with_and_without_the_text_test(right: str, expected: str) -> None:
    lex = get_lexicon()
    assert cut_by_words(right, lex) == expected
    assert _cut_new_clause(right, lex) == expected


PHRASES = [
    "Kinh tế số chiếm 20% GRDP của tỉnh",
    "hai  khoảng   trắng\nvà xuống dòng",
    "Khánh Hoà, thuỷ lợi, hoà nhập",  # old tone placement: underthesea's tagger rewrites it
    "hồ sơ ðược xử lý, lưu trữ",  # the look-alike ð of old fonts
    "   ",
    "",
]


@pytest.mark.parametrize("phrase", PHRASES)
def test_word_spans_are_the_doc_tokens(phrase: str) -> None:
    """The words found without a spaCy Doc are the Doc's tokens that are not spaces."""
    doc = make_doc(phrase)
    assert list(word_spans(phrase)) == [(t.idx, t.idx + len(t.text)) for t in doc if not t.is_space]


@pytest.mark.parametrize("phrase", PHRASES)
def test_tagged_spans_are_the_taggers_words_and_tags(phrase: str) -> None:
    """The tagger's own words and tags when they align with the text; when the tagger rewrote a
    character (old tone placement), the spaCy Doc's tokens and tags."""
    spans = tagged_spans(phrase)
    assert all(phrase[s:e].strip() == phrase[s:e] and phrase[s:e] for s, e, _ in spans)
    aligned = tagger_spans(phrase)
    assert (aligned is None) == (phrase == "Khánh Hoà, thuỷ lợi, hoà nhập")  # both ways are read below
    if aligned is not None:
        assert [(s, e) for s, e, _ in spans] == list(aligned)
        assert [tag for _, _, tag in spans] == [tag for _, tag in pos_words(phrase)]
    else:
        assert list(spans) == [(t.idx, t.idx + len(t.text), t.tag_) for t in make_doc(phrase) if not t.is_space]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hình thành 1-2 trung tâm dữ liệu", [(1, 2)]),
        ("có từ 2 đến 3 doanh nghiệp công nghệ số", [(2, 3)]),
        ("tối thiểu 2 - 3 doanh nghiệp, tối thiểu 4–5 hợp tác xã", [(2, 3), (4, 5)]),
        ("phát triển 3-2 doanh nghiệp", []),  # not a range: the low end is higher
        ("giai đoạn 2026-2030 có 2 doanh nghiệp", [(2, None)]),
    ],
)
def test_count_ranges_found_on_their_lead_word(text: str, expected: list[tuple[float, float | None]]) -> None:
    counts = [(m.value, m.value_max) for m in find_mentions(text, get_lexicon()) if m.unit == "count"]
    assert counts == expected


@pytest.mark.parametrize(
    ("text", "dropped"),
    [
        ("Tỉnh hiện triển khai nhiều mô hình chuyển đổi số ở các huyện, thị xã với 80% hồ sơ trực tuyến.", [80]),
        ("Huyện thực hiện hiện đại hóa, tỉnh hiện duy trì 100% cơ quan kết nối mạng.", [100]),
        ("Sở chưa có kế hoạch, tỉnh HIỆN duy trì 40% hồ sơ.", [40]),
        ("Các thủ tục được thực hiện trực tuyến, bảo đảm 80% hồ sơ được xử lý đúng hạn.", []),
        ("Tỉnh hiện triển khai kế hoạch, phấn đấu đến năm 2026 có 90% hồ sơ trực tuyến.", []),
    ],
)
def test_present_adverb_read_on_the_syllables_around_it(text: str, dropped: list[float]) -> None:
    """Only the syllables around `hiện` are segmented (and tagged when it is a word of its own)."""
    from extractors.targets import extract

    drops = [d.mention.value for d in extract(text).drops if d.rule == "reported_present_adverb"]
    assert drops == dropped


def _end_patterns() -> list[object]:
    from extractors import clause

    lex = get_lexicon()
    return [lex.cmp_before_re, clause._LINK_VERB, clause._HAVE_VERB, *(p for p, _ in lex.direction_before)]


def _phrases_ending_in_words() -> list[str]:
    lex = get_lexicon()
    words = [w for name in ("LINK_VERB", "HAVE_VERB", "COMPARATOR_BEFORE") for w in _fragment(lex, name)]
    words += [w for d in lex.directions for w in d.words]
    heads = ["", "tỷ lệ hồ sơ ", "Đến năm 2025, ", "x"]
    out = []
    for w in words:
        for other in words[:12]:
            for head in heads:
                out += [f"{head}{other} {w}", f"{head}{w}  ", f"{head}{w.replace(' ', '   ')}", f"{head}{other}{w}"]
    return out


def _fragment(lex: object, name: str) -> list[str]:
    from extractors.lexicon import Lexicon

    assert isinstance(lex, Lexicon)
    if name == "COMPARATOR_BEFORE":
        return [w for c in lex.comparators if c.position == "before" for w in c.words]
    return lex.fragment_words(name)


@pytest.mark.parametrize("index", range(len(_end_patterns())))
def test_end_anchored_patterns_match_the_same_searched_from_the_end(index: int) -> None:
    """A pattern anchored at the end of a value's left words is searched from the end: the same match as forward."""
    import regex

    from extractors.lexicon import FLAGS

    reverse = _end_patterns()[index]
    assert isinstance(reverse, regex.Pattern)
    forward = regex.compile(reverse.pattern, FLAGS)
    for phrase in _phrases_ending_in_words():
        f, r = forward.search(phrase), reverse.search(phrase)
        assert (f.span() if f else None) == (r.span() if r else None), phrase


@pytest.mark.parametrize(
    "left",
    [
        "Đến năm 2025, tỷ lệ hồ sơ",
        "Cụ thể, theo đó: đến năm 2025, phấn đấu",
        "Giai đoạn 2026 - 2030, mục tiêu là",
        "hồ sơ năm 2024 và 2025 đạt",
        "trong đó, 2025,",
        "phấn đấu đến năm 2030 có",
        "x: y, z",
        "",
    ],
)
def test_leadins_searched_by_the_marks_present_match_the_whole_alternation(left: str) -> None:
    from extractors.clause import _LEADIN_MARKS, _cut_before

    kinds = tuple(mark is None or mark.search(left) is not None for mark in _LEADIN_MARKS)
    every = _cut_before((True,) * len(kinds))
    assert [m.span() for m in _cut_before(kinds).finditer(left)] == [m.span() for m in every.finditer(left)]


@pytest.mark.parametrize(
    ("phrase", "both", "right_only"),
    [
        ("Cụ thể, phấn đấu tỷ lệ hồ sơ trực tuyến đạt", "hồ sơ trực tuyến", "Cụ thể, phấn đấu hồ sơ trực tuyến"),
        ("hồ sơ được xử lý đúng hạn và", "hồ sơ được xử lý đúng hạn", "hồ sơ được xử lý đúng hạn"),
        ("- toàn tỉnh có", "", "- toàn tỉnh"),
        ("(đã đạt) dịch vụ công trực tuyến của", "dịch vụ công trực tuyến", "dịch vụ công trực tuyến"),
    ],
)
def test_lead_and_trail_words_stripped(phrase: str, both: str, right_only: str) -> None:
    """Lead words are matched at the start only, trail words tested from the end before they are replaced."""
    from extractors.indicator_text import strip_ends

    assert strip_ends(phrase, get_lexicon()) == both
    assert strip_ends(phrase, get_lexicon(), left=False) == right_only


def test_one_search_tells_whether_any_word_before_a_value_ends_the_text() -> None:
    from extractors.clause import _any_word_at_end

    union = _any_word_at_end(get_lexicon())
    for phrase in [*_phrases_ending_in_words(), "hồ sơ được số hóa", "", "đạt được mức x"]:
        assert (union.search(phrase) is not None) == any(p.search(phrase) for p in _end_patterns()), phrase  # type: ignore[attr-defined]
