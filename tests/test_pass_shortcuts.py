"""The per-document passes' shortcuts find what a scan of the whole text finds.

Numbers, province names and metadata lines are searched only where a match can start (a short
number's first digit, a name found by the standard `re` in the text case-folded, a line's start).
Each shortcut is compared with the plain scan over the corpora and over random texts made of the
patterns' own words, and each comparison is shown to fail when its shortcut is broken on purpose.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Iterator

import pytest
import regex

from extractors import document, numbers
from extractors.lexicon import FLAGS, fold, get_lexicon
from extractors.pillars import Landmark, WordPlaces, leadins, topics
from extractors.search_at import at_line_starts, opens_at_line_start, word_starts
from tests.conftest import CORPUS, SHARED

LEX = get_lexicon()

PIECES = [
    " ", " ", " ", "  ", "\n", ", ", ". ", "; ", ": ", "(", ")", "/", "-", "–", "%", " %", "0", "1", "5", "02",
    "10", "25", "100", "2025", "1.000", "2,5", "30-40", "19/19", "top", "Top", "TỐP", "tốp", "nhóm", "NHÓM",
    "một", "Một", "trong", "số", "lượng", "tỉnh", "thành", "nước", "đạt", "đạt được", "tối thiểu", "ít nhất",
    "phấn đấu", "có", "từ", "đến", "phần trăm", "bậc", "doanh nghiệp", "hồ sơ", "trên", "dân", "ngày", "tháng",
    "Bắc Ninh", "BẮC NINH", "bắc  ninh", "Hà Nội", "Khánh Hoà", "Thừa Thiên - Huế", "TP.HCM", "Hồ Chí Minh",
    "an", "Nam", "xBắc Ninh", "Số hiệu văn bản: 77/KH-UBND", "Ngày ban hành: 05-03-2026", "- Số ký hiệu:",
    "Số: 12/KH-UBND", "İ", "ſ", "K", "٣",
]


def _random_texts(n: int = 400, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40))) for _ in range(n)]


def _corpus_texts() -> list[str]:
    folders = [CORPUS, SHARED / "corpus-dev", SHARED / "corpus-dev2"]
    from pipeline.ingest.load import expand_inputs, load_source

    return [load_source(p).text for p in expand_inputs([f for f in folders if f.is_dir()])]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _corpus_texts() + _random_texts()


def _spans(matches: Iterable[regex.Match[str]]) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in matches]


def _differ(shortcut: Callable[[str], Iterator[regex.Match[str]]], scan: Callable[[str], Iterator[regex.Match[str]]],
            texts: list[str]) -> list[str]:
    """The texts on which the shortcut's matches are not the scan's."""
    return [t for t in texts if _spans(shortcut(t)) != _spans(scan(t))]


def _numbers_shortcut(pattern: regex.Pattern[str]) -> Callable[[str], Iterator[regex.Match[str]]]:
    return lambda t: numbers.number_matches(pattern, t, numbers.short_numbers(t))


@pytest.mark.parametrize("index", range(len(numbers.AT_SHORT_NUMBERS)))
def test_number_patterns_tried_at_short_numbers_find_the_scans_matches(texts: list[str], index: int) -> None:
    pattern = numbers.AT_SHORT_NUMBERS[index]
    assert not _differ(_numbers_shortcut(pattern), pattern.finditer, texts)


def test_rank_pattern_tried_at_its_words_and_numbers_finds_the_scans_matches(texts: list[str]) -> None:
    assert not _differ(lambda t: numbers.rank_matches(t, numbers.short_numbers(t)), numbers.RANK_RE.finditer, texts)


def test_number_shortcuts_fail_when_broken(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # a pattern that does not open at a short number is missed by the shortcut
    year = regex.compile(r"(?<!\w)năm\s+\d{4}", FLAGS)
    assert _differ(lambda t: numbers.matches_at(year, t, numbers.short_numbers(t)), year.finditer, texts)
    # three-digit numbers left out: `100%` is missed
    monkeypatch.setattr(numbers, "_SHORT_NUMBER", regex.compile(r"(?<!\d)\d{1,2}(?!\d)"))
    assert _differ(_numbers_shortcut(numbers.PERCENT_RE), numbers.PERCENT_RE.finditer, texts)
    monkeypatch.undo()
    monkeypatch.setattr(numbers, "RANK_WORDS", ("top", "tốp", "một"))  # `nhóm 10 tỉnh` is missed
    assert _differ(lambda t: numbers.rank_matches(t, numbers.short_numbers(t)), numbers.RANK_RE.finditer, texts)
    monkeypatch.undo()
    # a count's part after its lead tried as a percent's: every count is missed
    monkeypatch.setitem(numbers._AFTER_LEAD, numbers.COUNT_RE, numbers.PERCENT_RE)
    assert _differ(_numbers_shortcut(numbers.COUNT_RE), numbers.COUNT_RE.finditer, texts)


@pytest.mark.parametrize("pattern", list(numbers._AFTER_LEAD))
def test_a_pattern_after_its_lead_is_the_pattern_without_its_look_behind(pattern: regex.Pattern[str]) -> None:
    # the shortcut relies on the pattern being its look-behind followed by that part, as written
    after = numbers._AFTER_LEAD[pattern]
    assert pattern.pattern.endswith(after.pattern) and pattern.pattern[: -len(after.pattern)].startswith("(?<")


def test_mentions_in_text_order_without_overlaps() -> None:
    found = numbers.find_mentions("Top 10 tỉnh; nhóm 20 tỉnh dẫn đầu, 1 trong 15 tỉnh; 90% và 100 % hồ sơ, 3-5% dân", LEX)
    assert [(m.value, m.unit, m.rule) for m in found] == [
        (10.0, "rank", "rank"), (20.0, "rank", "rank"), (15.0, "rank", "rank"),
        (90.0, "percent", "percent"), (100.0, "percent", "percent"), (3.0, "percent", "percent_range"),
    ]


def _province_scan(text: str) -> Iterator[regex.Match[str]]:
    return LEX.province_re.finditer(fold(text))


def _province_shortcut(text: str) -> Iterator[regex.Match[str]]:
    return document.province_matches(fold(text), LEX)


def test_province_names_found_by_the_standard_engine_are_the_scans(texts: list[str]) -> None:
    assert not _differ(_province_shortcut, _province_scan, texts)


def test_province_shortcut_fails_when_broken(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document, "casefolded", lambda t: t)  # not case-folded: `BẮC NINH` is missed
    assert _differ(_province_shortcut, _province_scan, texts)


def test_every_character_matching_a_province_names_letter_folds_to_it() -> None:
    """Why the case-folded look-up finds every name `province_re` matches: any character `regex`
    matches to a letter of a name ignoring case folds to that letter's folding (or folds longer,
    and then the text is scanned), and every space `regex` matches is a space to the standard `re`."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    letters = {ch for name in LEX.province_canon for ch in name if not ch.isspace()}
    assert len(letters) > 20
    for letter in sorted(letters):
        for ch in regex.findall(regex.escape(letter), every, FLAGS):
            assert ch.casefold() == letter.casefold() or len(ch.casefold()) > 1, (letter, ch)
    spaces = regex.findall(r"\s", every, FLAGS)
    assert spaces and all(re.fullmatch(r"\s", ch.casefold()) for ch in spaces)


CUT_PAIRS = ["x" * 1499 + "oà bình", "x" * 1499 + "Uỷ ban", "x" * 1500 + "hoà", "x" * 1498 + "hoà"]


def test_a_documents_head_folded_by_slicing_is_the_head_folded(texts: list[str]) -> None:
    for text in texts + CUT_PAIRS:
        head = text[:1500]
        assert document._folded_head(text, head, fold(text)) == fold(head), text[1490:1510]


def test_head_slicing_fails_when_broken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document, "splits_old_tone", lambda text, pos: False)  # a cut pair is not seen
    assert any(document._folded_head(t, t[:1500], fold(t)) != fold(t[:1500]) for t in CUT_PAIRS)


@pytest.mark.parametrize("kind", ["doc_metadata_number", "doc_metadata_date"])
def test_metadata_lines_tried_at_line_starts_are_the_cues(texts: list[str], kind: str) -> None:
    def pair(found: tuple[str, regex.Match[str]] | None) -> object:
        return found and (found[0], found[1].span(), found[1].groupdict())

    assert [pair(document.line_cue(LEX, kind, t)) for t in texts] == [pair(LEX.cue(kind, t)) for t in texts]


def test_line_starts_shortcut_fails_when_broken(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from extractors import search_at

    pattern = LEX.cue_entries["doc_metadata_number"][0][1]
    monkeypatch.setattr(search_at, "_line_starts", lambda t: iter([0]))  # the first line only
    assert _differ(lambda t: at_line_starts(pattern, t), pattern.finditer, texts)


@pytest.mark.parametrize(
    ("pattern", "at_line_start"),
    [
        (r"(?m)^\s*Số\s*:", True),
        (r"(?m)^(?:Số|Ngày)\s*:", True),
        (r"(?m)^Số|Ngày", False),  # the second branch matches anywhere
        (r"^Số", False),  # the text's start only, not a line's
        (r"(?m)\n^Số", False),
        (r"(?m)[[:alpha:]]^", False),
    ],
)
def test_patterns_opening_at_a_line_start(pattern: str, at_line_start: bool) -> None:
    compiled = regex.compile(pattern, FLAGS)
    assert opens_at_line_start(compiled) is at_line_start
    if not at_line_start:
        with pytest.raises(ValueError):
            at_line_starts(compiled, "Số: 1")


@pytest.mark.parametrize(
    ("text", "words", "expected"),
    [
        ("bà rịa, bàbà", ["bà"], [0, 8, 10]),
        ("tp.hcm hcm", ["tp.hcm", "hcm"], [0, 3, 7]),  # overlapping occurrences too
        ("", ["a"], []),
    ],
)
def test_word_starts(text: str, words: list[str], expected: list[int]) -> None:
    assert word_starts(text, words) == expected



def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


PILLAR_TEXTS = [
    "Về kinh tế số, 20% GRDP; về xã hội số: 80% dân.\nKinh tế số: tỷ trọng đạt 20%.",
    "Các chỉ tiêu về chính quyền số.\n- 100% hồ sơ trực tuyến.\nMục tiêu cụ thể, đến năm 2025: 90% hồ sơ.",
    "Phát triển kinh tế số. Kinh tế số sẽ đóng góp 25% GRDP. Theo đó, 30% doanh nghiệp.",
    "…, trọng tâm là phát triển chính quyền số, với các chỉ tiêu như: 100% cơ quan; 60% hồ sơ.",
    "CHÍNH QUYỀN SỐ: 95% hồ sơ.\nRiêng KTS, đạt 30%.",
]


def _landmarks(text: str, places: WordPlaces | None) -> tuple[list[Landmark], list[Landmark]]:
    lines = _lines(text)
    values = [m.start for m in numbers.find_mentions(text, LEX)]
    return (leadins(text, LEX, lines, values, set(), places), topics(text, LEX, lines, values, set(), places))


def _unknown_places(text: str) -> WordPlaces:
    """Word places that know nothing: every line and sentence is searched (the full reading)."""
    places = WordPlaces(text, LEX)
    places.pillar = places.target = None
    places.folded = None
    return places


def test_landmarks_found_where_pillar_words_can_be_are_the_full_readings(texts: list[str]) -> None:
    for text in texts + PILLAR_TEXTS:
        assert _landmarks(text, None) == _landmarks(text, _unknown_places(text)), text[:80]


def test_landmark_shortcut_fails_when_broken() -> None:
    def nowhere(text: str) -> WordPlaces:
        places = WordPlaces(text, LEX)
        places.pillar = []  # no pillar word anywhere: every lead-in is missed
        return places

    assert any(_landmarks(t, nowhere(t)) != _landmarks(t, None) for t in PILLAR_TEXTS)
    assert all(_landmarks(t, None)[0] or _landmarks(t, None)[1] for t in PILLAR_TEXTS)


LANDMARK_PIECES = [
    " ", " ", "  ", "   ", "    ", ", ", ",", ". ", ".", "; ", ": ", ":", "! ", "? ", "…", "\n", "- ", "a) ", "1. ",
    "2) ", "Về", "về", "VỀ", "trong", "Riêng", "đối với", "cụ thể", "Cụ thể", "lĩnh vực", "phát triển", "Phát triển",
    "kinh tế số", "Kinh tế số", "KINH TẾ SỐ", "xã hội số", "chính quyền số", "mục tiêu", "Mục tiêu", "chỉ tiêu",
    "các chỉ tiêu", "cụ thể", "chung", "về", "20%", "đạt", "İ",
]


def _landmark_texts(texts: list[str]) -> list[str]:
    rng = random.Random(7)
    made = ["".join(rng.choice(LANDMARK_PIECES) for _ in range(rng.randint(0, 30))) for _ in range(600)]
    return texts + PILLAR_TEXTS + made


def test_topic_lead_ins_tried_where_a_clause_can_start_are_the_scans(texts: list[str]) -> None:
    from extractors.pillars import _patterns, clause_matches

    pats = _patterns(LEX)
    lines = [line for t in _landmark_texts(texts) for line in t.split("\n")]
    assert not _differ(lambda line: clause_matches(pats.topic, line), pats.topic.finditer, lines)


def test_target_sets_tried_at_their_nouns_are_the_scans(texts: list[str]) -> None:
    from extractors.pattern_shape import openings
    from extractors.pillars import _opening_at, _patterns

    pats = _patterns(LEX)
    assert openings(pats.target_set.pattern, pats.target_set.flags) == openings(pats.specific.pattern, pats.specific.flags)
    for text in _landmark_texts(texts):
        places = WordPlaces(text, LEX)
        for s, e in _lines(text):
            line, nouns = text[s:e], places.targets_in(s, e)
            for pattern in (pats.target_set, pats.specific):
                assert _spans(_opening_at(pattern, line, nouns)) == _spans(pattern.finditer(line)), line


def test_lead_in_shortcuts_fail_when_broken(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from extractors import pillars

    pats = pillars._patterns(LEX)
    lines = [line for t in _landmark_texts(texts) for line in t.split("\n")]
    monkeypatch.setattr(pillars, "_CLAUSE_MARK", regex.compile(r"[.;:!?]"))  # `…, về kinh tế số,` is missed
    assert _differ(lambda line: pillars.clause_matches(pats.topic, line), pats.topic.finditer, lines)
    texts = _landmark_texts(texts)
    assert any(  # target nouns one character late: every target-set phrase is missed
        _spans(pillars._opening_at(pats.specific, t, [p + 1 for p in WordPlaces(t, LEX).targets_in(0, len(t)) or []]))
        != _spans(pats.specific.finditer(t))
        for t in texts
    )


def test_parentheses_found_with_find_are_the_scans(texts: list[str]) -> None:
    from extractors.structure import _PAREN, _parens

    for text in [*texts, "(a(b)c))(", ""]:
        assert _parens(text) == [(m.start(), m.group(0)) for m in _PAREN.finditer(text)]


@pytest.mark.parametrize("name", ["_DATE_BEFORE", "_DELIM_BEFORE"])
def test_end_anchored_year_lookbacks_searched_from_the_end_agree(texts: list[str], name: str) -> None:
    from extractors import years

    reverse = getattr(years, name)
    assert reverse.flags & regex.REVERSE
    forward = regex.compile(reverse.pattern, FLAGS)
    windows = [t[max(0, i - 40) : i] for t in texts for i in range(0, len(t), 7)]
    windows += ["ngày 5 tháng 6", "so với ", "tháng 12 ", "5/6/", "đến ", "(", "", "x,  "]
    for w in windows:
        assert bool(reverse.search(w)) == bool(forward.search(w)), w


HORIZON_PATTERNS = ["HORIZON_TITLE_RE", "PERIOD_TITLE_RE", "ONE_YEAR_RE", "PLAN_HORIZON_RE", "PLAN_PERIOD_RE", "VISION_RE"]
HORIZON_TEXTS = [
    "Kế hoạch chuyển đổi số tỉnh đến năm 2025, định hướng đến năm 2030",
    "KẾ HOẠCH chuyển đổi số năm 2024 của tỉnh", "Chương trình giai đoạn 2025-2027. Tầm nhìn 2045",
    "Đề án phát triển, tầm nhìn đến năm 2045", "Nghị quyết về chuyển đổi số ĐẾN NĂM 2030", "",
]


@pytest.mark.parametrize("name", HORIZON_PATTERNS)
def test_horizon_patterns_searched_at_their_opening_words_are_the_searches(texts: list[str], name: str) -> None:
    from extractors import years
    from extractors.search_at import opening_search

    pattern = getattr(years, name)
    for text in [t[:1500] for t in texts] + HORIZON_TEXTS:
        found, expected = opening_search(pattern, text), pattern.search(text)
        assert (found and found.span()) == (expected and expected.span()), text[:80]


YEAR_PIECES = [
    " ", " ", ", ", ". ", "(", ")", "-", " - ", "/", "\n", "năm", "Năm", "NĂM", "nam", "giai đoạn", "Giai đoạn", "quý",
    "Quý", "II", "IV", "2", "đến", "Đến", "tới", "từ", "vào", "trong", "nhiệm kỳ", "tầm nhìn", "định hướng", "cuối",
    "thời kỳ", "2021", "2025", "1999", "2030", "20255", "25", "tháng", "ngày", "so với", "İ",
]


def test_years_tried_at_their_opening_words_are_the_scans(texts: list[str]) -> None:
    from extractors import years

    rng = random.Random(5)
    made = ["".join(rng.choice(YEAR_PIECES) for _ in range(rng.randint(0, 30))) for _ in range(600)]
    assert not _differ(years.year_matches, years.YEAR_RE.finditer, texts + made)


def test_year_shortcut_fails_when_broken(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from extractors import years

    monkeypatch.setattr(years, "word_starts", lambda text, words, offset=0: [offset])  # a run's start only
    assert _differ(years.year_matches, years.YEAR_RE.finditer, texts)


def test_opening_search_fails_when_broken(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractors import search_at, years

    monkeypatch.setattr(search_at, "word_starts", lambda text, words: [])  # no opening word anywhere
    assert any(search_at.opening_search(years.PLAN_HORIZON_RE, t) != years.PLAN_HORIZON_RE.search(t) for t in HORIZON_TEXTS)


def test_a_mention_whose_lead_matches_without_the_rest_is_passed_over_as_finditer_does() -> None:
    # `_mentions` matches the whole pattern where its word lead is found; where it does not match
    # there (a pattern whose rest is not optional), the search goes on as finditer's does
    lead = "ban hành Kế hoạch"
    mention = document._Mention("issue", regex.compile(lead + r"(?=\s+số)", FLAGS), lead, False)
    text = "ban hành Kế hoạch này; ban hành Kế hoạch số 5"
    kinds = document._kind_starts(LEX, text)
    assert _spans(document._mentions(mention, text, kinds)) == _spans(mention.pattern.finditer(text)) != []


def test_every_mention_pattern_matches_where_its_lead_does() -> None:
    # `_mentions` matches a mention's whole pattern where its lead (up to the document's kind)
    # is found: the part after the lead is optional (the number), so it matches there too
    # and the passing-over branch is never taken with the lexicon's patterns
    mentions = document._mention_patterns(LEX)
    assert {m.how for m in mentions} == {"issue", "named", "carried", "implemented", "subject"}
    for mention in mentions:
        assert mention.pattern.pattern.startswith(mention.lead)
        rest = regex.compile(mention.pattern.pattern[len(mention.lead) :], FLAGS)
        for after in ("", " ", ".", "x", "\n", " số", " số 5", " 12/KH"):
            assert rest.match(after) is not None, (mention.how, after)


def _looked_up_words() -> set[str]:
    """The words the shortcuts look up case-folded with `str.find` (`search_at.word_starts`)."""
    from extractors import years
    from extractors.pattern_shape import openings
    from extractors.pillars import _patterns

    pats = _patterns(LEX)
    patterns = [pats.pillar, pats.specific, years.YEAR_RE] + [getattr(years, name) for name in HORIZON_PATTERNS]
    words = set(numbers.RANK_WORDS)
    for pattern in patterns:
        found = openings(pattern.pattern, pattern.flags)
        assert found is not None, pattern.pattern[:60]
        words.update(found.words)
    return words


def test_every_character_matching_a_looked_up_words_letter_folds_to_it() -> None:
    """Why `str.find` in the case-folded text finds every place those patterns can start: a
    character `regex` matches to one of the words' letters ignoring case folds to that letter's
    folding (checked over every code point), or folds longer and the text is then searched."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    letters = {ch for word in _looked_up_words() for ch in word}
    assert {"ố", "ộ", "ụ", "ã"} <= letters
    for letter in sorted(letters):
        for ch in regex.findall(regex.escape(letter), every, FLAGS):
            assert ch.casefold() == letter.casefold() or len(ch.casefold()) > 1, (letter, ch)


def test_a_document_folded_once_for_every_pass_reads_as_folded_by_each(texts: list[str]) -> None:
    # targets.extract folds a text once and hands it to find_mentions and build_context
    from extractors.context import build_context
    from extractors.pattern_shape import casefolded

    for text in texts[:60] + ["İstanbul, Kinh tế số: 20%. Năm 2025, top 10 tỉnh"]:
        folded = casefolded(text)
        found = numbers.find_mentions(text, LEX, folded)
        assert found == numbers.find_mentions(text, LEX)
        starts = [m.start for m in found]
        shared, alone = build_context(text, LEX, starts, folded), build_context(text, LEX, starts)
        assert (shared.boundaries, shared.years, shared.horizon) == (alone.boundaries, alone.years, alone.horizon)
        assert shared.casefolded == folded
