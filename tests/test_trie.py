"""The province scan as a prefix tree finds exactly what the longest-first alternation found."""

from __future__ import annotations

import pytest
import regex

from extractors.lexicon import FLAGS, fold, get_lexicon
from extractors.trie import trie_pattern


def _flat(words: list[str]) -> regex.Pattern[str]:
    body = "|".join(regex.escape(w).replace(r"\ ", r"\s*") for w in sorted(words, key=len, reverse=True))
    return regex.compile(r"(?<!\w)(" + body + r")(?!\w)", FLAGS)


def _tree(words: list[str]) -> regex.Pattern[str]:
    return regex.compile(r"(?<!\w)(" + trie_pattern(words) + r")(?!\w)", FLAGS)


def _spans(pattern: regex.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span(1) for m in pattern.finditer(text)]


@pytest.mark.parametrize(
    "text",
    [
        "UBND tỉnh Bắc Ninh ban hành kế hoạch; tỉnh Bắc Giang và BẮC KẠN cũng vậy.",
        "Thừa Thiên - Huế, thành phố Huế và Hà  Nội (hai dấu cách), HàNội viết liền.",
        "Hà Nam, Hà Nội, Hà Giang, Hà Tĩnh; Hàm Yên không phải tỉnh; Bắc Ninhxyz không khớp.",
    ],
)
def test_tree_finds_what_the_flat_alternation_finds(text: str) -> None:
    names = sorted({fold(n) for n in get_lexicon().province_canon})
    assert _spans(_tree(names), fold(text)) == _spans(_flat(names), fold(text))


def test_the_longest_name_wins_whatever_its_case() -> None:
    # a shorter name in one case and a longer one in another both match the text: the longer wins
    pattern = _tree(["Hà", "hà nội", "Hà Nam"])
    assert _spans(pattern, "thủ đô Hà Nội") == [(7, 13)]
    assert _spans(pattern, "Hà Tĩnh") == [(0, 2)]


def test_a_name_that_is_a_prefix_of_another_is_still_found_alone() -> None:
    pattern = _tree(["Bắc", "Bắc Ninh"])
    assert [m.group(1) for m in pattern.finditer("Bắc Ninh, Bắc.")] == ["Bắc Ninh", "Bắc"]


def test_an_empty_word_is_refused() -> None:
    with pytest.raises(ValueError):
        trie_pattern(["Hà Nội", " "])


def test_tree_and_flat_agree_on_every_bundled_document() -> None:
    from pathlib import Path

    from pipeline.ingest.load import expand_inputs, load_source

    names = sorted({fold(n) for n in get_lexicon().province_canon})
    tree, flat = _tree(names), _flat(names)
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    texts = [fold(load_source(p).text) for p in expand_inputs([corpus])]
    assert texts and all(_spans(tree, t) == _spans(flat, t) for t in texts)
