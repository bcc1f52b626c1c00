"""The cue index answers exactly as a direct search of each window (extractors/cue_index.py).

The `reported` filter reads long windows through the index so that a text without
punctuation is read in linear time; a record may change only if the index answers a window
differently from `Lexicon.cue` or `Pattern.finditer`. These tests compare the two on many
windows: random ones over the corpus texts, over the same texts without punctuation and
lines (as bench/extract_scaling.py builds them), and windows whose end cuts into a word, a
match or a long run of spaces, where a look-ahead or `\\b` at the end could tell them apart.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import regex

from extractors import cue_index, filters
from extractors.context import DocContext
from extractors.cue_index import CueIndex
from extractors.lexicon import FLAGS, fold, get_lexicon, splits_old_tone
from tests.conftest import CORPUS, SHARED

KINDS = ("reported", "forward", "aim", "national", "not_digital", "progress", "report_heading", "achieved", "doc_generic", "doc_implemented")


def _texts() -> dict[str, str]:
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))}
    joined = "\n".join(texts.values())
    texts["flat"] = " ".join(regex.sub(r"[^\w%\s]", " ", joined).split())
    # cue words glued to the next word, long space runs, and `đã được … được` reaching far ahead
    texts["edges"] = (" sẽx phấn đấux đã được số hóa được" + " " * 300 + "tái sử dụng đã   được ban hành"
                      + " hiện nay" * 40 + " đến năm 2025 sẽ" + " đã" * 30 + "   \n   ") * 8
    for name in ("d01.txt", "d25.txt", "d40.txt"):
        for folder in ("corpus-dev", "corpus-dev2"):
            path: Path = SHARED / folder / name
            if path.is_file():
                texts[name] = path.read_text(encoding="utf-8")
    return texts


TEXTS = _texts()


def _windows(text: str, lex_marks: list[int], rnd: random.Random, n: int) -> list[tuple[int, int]]:
    """Random windows, half of them ending on or next to a cue's start or end (where ends matter most)."""
    out = []
    for k in range(n):
        end = rnd.randint(0, len(text))
        if k % 2 and lex_marks:
            end = min(len(text), max(0, rnd.choice(lex_marks) + rnd.randint(-3, 3)))
        pos = max(0, end - rnd.choice([0, 1, 50, 500, 3_000, 20_000, len(text)]))
        out.append((pos, end))
    return out


@pytest.fixture(autouse=True)
def _index_every_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read even short windows through the index, and build it at once, so that every window tests it."""
    monkeypatch.setattr(cue_index, "DIRECT_WINDOW", 0)
    monkeypatch.setattr(cue_index, "BUILD_AFTER", 0.0)


def _span(hit: tuple[str, regex.Match[str]] | None) -> tuple[str, int, int, str] | None:
    return None if hit is None else (hit[0], hit[1].start(), hit[1].end(), hit[1].group(0))


def _first_entry(kind: str, text: str, pos: int, end: int) -> tuple[str, regex.Match[str]] | None:
    """The first entry of `kind` whose pattern occurs in the window, by a plain search of each."""
    for entry, pattern in get_lexicon().cue_entries[kind]:
        m = pattern.search(text, pos, end)
        if m:
            return entry, m
    return None


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_cue_equals_a_direct_search_of_the_window(name: str) -> None:
    """`CueIndex.cue` and `Lexicon.cue` (each entry tried only where its opening words occur)
    give the first entry a plain search of each finds."""
    lex = get_lexicon()
    text = TEXTS[name]
    index = CueIndex(text, lex)
    rnd = random.Random(name)
    for kind in KINDS:
        edges = sorted({e for m in index.marks(kind) for e in m[:2]}) or [0]
        for pos, end in _windows(text, edges, rnd, 120):
            expected = _span(_first_entry(kind, text, pos, end))
            assert _span(index.cue(kind, pos, end)) == expected, (kind, pos, end)
            assert _span(lex.cue(kind, text, pos, end)) == expected, (kind, pos, end)


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_finditer_equals_a_direct_finditer_of_the_window(name: str) -> None:
    lex = get_lexicon()
    text = TEXTS[name]
    index = CueIndex(text, lex)
    rnd = random.Random(name + "iter")
    for kind in ("forward", "reported"):
        for entry, pattern in lex.cue_entries[kind]:
            edges = [m.end() for m in pattern.finditer(text)] or [0]
            for pos, end in _windows(text, edges, rnd, 40):
                got = [m.span() for m in index.finditer(entry, pattern, pos, end)]
                assert got == [m.span() for m in pattern.finditer(text, pos, end)], (entry, pos, end)


def test_the_patterns_read_over_long_windows_are_indexed_on_flat_text() -> None:
    """Every cue the `reported` filter searches over long windows, and the province names, have
    a bounded reach, so no such search falls back to reading the window whole (the linear time
    of issue 12 item 10)."""
    lex = get_lexicon()
    index = CueIndex(TEXTS["flat"], lex)
    for kind in ("reported", "forward", "aim"):
        for entry, pattern in lex.cue_entries[kind]:
            reach = index._of(entry, pattern).reach
            assert reach is not None and reach < 2_000, entry
    reach = index._of("province", lex.province_re).reach  # `other_province` over long clauses
    assert reach is not None and reach < 200


@pytest.mark.parametrize(
    ("pattern", "bounded"),
    [
        (r"\bsẽ\b", True),
        (r"\bđã\s+(?!được\s+[^,;.\d]*?\sđược\s)", True),  # one class repeated: the text's longest run of it
        (r"(?:ab)+", False),  # a repeated group: not bounded here, always searched directly
        (r"(a)\1", False),  # a back-reference
        (r"x*", False),  # can match empty: searched directly
    ],
)
def test_reach_is_bounded_only_where_it_can_be_proved(pattern: str, bounded: bool) -> None:
    index = CueIndex("ab ab, đã được xây dựng được ", get_lexicon())
    assert (index._of(pattern, regex.compile(pattern, FLAGS)).reach is not None) is bounded


_PLACES = ("tỉnh Thanh Hoá và Khánh Hoà, Hoà Bình xHà Nội Đà  Nẵng TP Hồ Chí Minh Thừa Thiên Huế "
           "ThanhHoá quyết định hoà nhập Lào Cai Cà Mauỷ ")  # `uỷ` folds to `úy`: cut after `Mau`, a name or not


def _every_edge(text: str) -> list[tuple[int, int]]:
    """Windows over repeated `_PLACES` starting and ending at every offset of one repetition (inside
    names, inside old-tone pairs, right after a word character)."""
    n = len(_PLACES)
    return [(a, a + 2 * n + b) for a in range(n) for b in (0, n // 3, n // 2)] + [(n, n + b) for b in range(n)]


@pytest.mark.parametrize("direct", [filters._PROVINCE_DIRECT, 0])
@pytest.mark.parametrize("name", sorted(TEXTS) + ["places"])
def test_province_names_equal_a_search_of_the_folded_clause(name: str, direct: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """`other_province` reads a short clause folded on its own and a long one from the document's
    folded text, tried where a name can begin: the same names, in order, as a search of the
    clause folded (`direct` 0: every clause read the long way)."""
    monkeypatch.setattr(filters, "_PROVINCE_DIRECT", direct)
    lex = get_lexicon()
    text = TEXTS.get(name) or _PLACES * 8
    ctx = DocContext(text=text, paragraphs=[(0, len(text))], headings=[], boundaries=[], years=[], horizon=None, title="")
    rnd = random.Random(name + "provinces")
    edges = [m.start() for m in regex.finditer(r"\w+", text)] or [0]
    windows = _every_edge(text) if name == "places" else _windows(text, edges, rnd, 60)
    for pos, end in windows:
        got = [m.group(1) for m in filters.provinces_named(ctx, lex, pos, end)]
        assert got == [m.group(1) for m in lex.province_re.finditer(fold(text[pos:end]))], (pos, end)


def test_a_folded_text_sliced_is_the_slice_folded_unless_an_old_tone_pair_is_cut() -> None:
    text = _PLACES * 2
    folded = fold(text)
    for a in range(len(_PLACES) + 1):
        b = a + len(_PLACES)
        same = folded[a:b] == fold(text[a:b])
        assert same is not (splits_old_tone(text, a) or splits_old_tone(text, b)), (a, text[a - 1 : a + 1])


def _lexicon_patterns() -> list[tuple[str, regex.Pattern[str]]]:
    lex = get_lexicon()
    return [(entry, pattern) for entries in lex.cue_entries.values() for entry, pattern in entries]


@pytest.mark.parametrize("name", sorted(TEXTS) + ["cased"])
def test_tried_only_where_an_opening_word_occurs_the_matches_are_finditers(name: str) -> None:
    """Every cue entry's matches over the whole text (what `marks` reads), tried only where an
    opening word occurs, are `finditer`'s; upper-case cue words are found too."""
    text = TEXTS.get(name) or "ĐÃ ĐẠT 90%. Hiện Nay Tỉnh ĐẠT ĐƯỢC NHIỀU KẾT QUẢ; THEO ĐÁNH GIÁ 80%, ĐẾN NAY\n" * 3
    index = CueIndex(text, get_lexicon())
    for entry, pattern in _lexicon_patterns():
        got = [m.span() for m in index._of(entry, pattern).every_match()]
        assert got == [m.span() for m in pattern.finditer(text)], entry


_FOLDS = "Straße ΣΑΣ tăng trưởng GRDP bình quân 7%, CẢ NƯỚC đạt 80%\n1. KẾT QUẢ năm 2024\n" * 12


def _string_windows(text: str, rnd: random.Random) -> list[tuple[int, int]]:
    edges = [m.start() for m in regex.finditer(r"\w+", text)] or [0]
    return _windows(text, edges, rnd, 80) + [(a, a + n) for a in edges[:40] for n in (3, 40, 150)]


@pytest.mark.parametrize("name", sorted(TEXTS) + ["folds", "folds_sigma"])
def test_a_window_read_as_a_string_answers_as_lexicon_cue(name: str) -> None:
    """`window_cue` folds a window by slicing the text folded once: the same answer as `lex.cue`
    of the window cut out (a text whose folding moves offsets, `ß`, is folded window by window)."""
    lex = get_lexicon()
    text = TEXTS.get(name) or (_FOLDS if name == "folds" else _FOLDS.replace("ß", "s"))
    index = CueIndex(text, lex)
    assert (index.casefolded is None) is (name == "folds")
    rnd = random.Random(name + "strings")
    for kind in ("not_digital", "national", "report_heading", "reported", "forward"):
        for pos, end in _string_windows(text, rnd):
            assert _span(index.window_cue(kind, pos, end)) == _span(lex.cue(kind, text[pos:end])), (kind, pos, end)
            assert _span(index.cue_of_line(kind, text[pos:end])) == _span(lex.cue(kind, text[pos:end]))


def test_a_window_folded_from_another_text_would_answer_otherwise() -> None:
    """Broken on purpose (windows folded from a blank text), some window answers otherwise: the check can fail."""
    lex = get_lexicon()
    text = _FOLDS.replace("ß", "s")
    index = CueIndex(text, lex)
    assert index.casefolded is not None
    index.casefolded = " " * len(text)
    rnd = random.Random("shifted")
    assert any(
        _span(index.window_cue(kind, pos, end)) != _span(lex.cue(kind, text[pos:end]))
        for kind in ("not_digital", "national")
        for pos, end in _string_windows(text, rnd)
    )
