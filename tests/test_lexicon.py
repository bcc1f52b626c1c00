"""Every lexicon entry's example sentences behave as the entry says."""

from __future__ import annotations

import pytest

from extractors.lexicon import get_lexicon, words_pattern
from extractors.targets import extract_candidates

LEX = get_lexicon()


def _cases(kind: str) -> list[tuple[str, str, str, bool]]:
    entries = {"comparator": LEX.comparators, "direction": LEX.directions, "scope": LEX.scopes}[kind]
    cases = []
    for e in entries:
        expected = getattr(e, kind)
        cases += [(e.id, s, expected, True) for s in e.match]
        cases += [(e.id, s, expected, False) for s in e.no_match]
    return cases


@pytest.mark.parametrize(("entry", "sentence", "expected", "present"), _cases("comparator"))
def test_comparator_examples(entry: str, sentence: str, expected: str, present: bool) -> None:
    got = [c.comparator for c in extract_candidates(sentence, LEX)]
    assert got, f"{entry}: no target in {sentence!r}"
    assert (expected in got) is present, f"{entry}: {got} for {sentence!r}"


@pytest.mark.parametrize(("entry", "sentence", "expected", "present"), _cases("direction"))
def test_direction_examples(entry: str, sentence: str, expected: str, present: bool) -> None:
    got = [c.direction for c in extract_candidates(sentence, LEX)]
    assert got
    assert (expected in got) is present, f"{entry}: {got} for {sentence!r}"


@pytest.mark.parametrize(("entry", "sentence", "expected", "present"), _cases("scope"))
def test_scope_examples(entry: str, sentence: str, expected: str, present: bool) -> None:
    got = [c.scope for c in extract_candidates(sentence, LEX)]
    assert got or not present
    assert (expected in got) is present, f"{entry}: {got} for {sentence!r}"


@pytest.mark.parametrize(
    ("entry", "sentence", "present"),
    [(e.id, s, True) for e in LEX.pillars for s in e.match] + [(e.id, s, False) for e in LEX.pillars for s in e.no_match],
)
def test_pillar_examples(entry: str, sentence: str, present: bool) -> None:
    pillar = next(e.pillar for e in LEX.pillars if e.id == entry)
    pattern = {p: r for r, p in LEX.pillar_words}[pillar]
    assert bool(pattern.search(sentence)) is present


@pytest.mark.parametrize(
    ("kind", "sentence", "present"),
    [(c.kind, s, True) for c in LEX.cues for s in c.match] + [(c.kind, s, False) for c in LEX.cues for s in c.no_match],
)
def test_cue_examples(kind: str, sentence: str, present: bool) -> None:
    assert bool(LEX.cue_re[kind].search(sentence)) is present


def test_every_entry_has_examples_and_a_note() -> None:
    for group in (LEX.comparators, LEX.directions, LEX.scopes, LEX.pillars, LEX.cues):
        for e in group:
            assert e.match, f"{e.id} has no example sentence"
            assert e.note.strip()


def test_empty_alternation_is_refused() -> None:
    with pytest.raises(ValueError):
        words_pattern([])
    with pytest.raises(ValueError):
        words_pattern(["tối thiểu", " "])
