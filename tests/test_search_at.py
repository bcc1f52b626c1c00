"""Searching a pattern only where its matches can be (extractors/search_at.py) finds what a full scan finds."""

from __future__ import annotations

import pytest
import regex

from extractors.search_at import matches_at, runs_holding

WORD_B = regex.compile(r"(?<![\w])b\w*")  # a word starting with b: its matches start at a word start


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("ba bo cb bu", [0, 3, 6, 9]),  # every word start
        ("ba bo cb bu", [0, 1, 2, 3, 4, 6, 9]),  # extra places cost a try and change nothing
        ("bbb b", [0, 1, 2, 4]),  # a start inside the last match is tried at its end
        ("", []),
    ],
)
def test_matches_at_the_places_they_can_start(text: str, starts: list[int]) -> None:
    assert [m.span() for m in matches_at(WORD_B, text, starts)] == [m.span() for m in WORD_B.finditer(text)]


BREAK = regex.compile(r"[,.;]")


@pytest.mark.parametrize(
    ("text", "anchors", "runs"),
    [
        ("ab, cd. ef", [0, 5, 8], [(0, 2), (3, 6), (7, 10)]),
        ("ab, cd. ef", [1, 5], [(0, 2), (3, 6)]),  # a run holding no anchor is left out
        ("ab cd ef", [0, 3, 6], [(0, 8)]),  # one run, given once
        (",,a,,", [2], [(2, 3)]),
    ],
)
def test_runs_holding_anchors(text: str, anchors: list[int], runs: list[tuple[int, int]]) -> None:
    assert list(runs_holding(text, anchors, BREAK)) == runs
