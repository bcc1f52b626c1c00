"""Every lexicon entry's example sentences behave as the entry says."""

from __future__ import annotations

import pytest

from extractors.lexicon import get_lexicon, words_pattern
from extractors.targets import extract, extract_candidates

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
    ("entry", "sentence", "present"),
    [(c.id, s, True) for c in LEX.cues for s in c.match] + [(c.id, s, False) for c in LEX.cues for s in c.no_match],
)
def test_cue_examples(entry: str, sentence: str, present: bool) -> None:
    cue = next(c for c in LEX.cues if c.id == entry)
    own = dict(LEX.cue_entries[cue.kind])[entry]
    assert bool(own.search(sentence)) is present, f"{entry}: {sentence!r}"
    if present:  # every entry of a kind is live: a later entry does not replace an earlier one
        assert LEX.cue(cue.kind, sentence) is not None
        assert LEX.cue_re[cue.kind].search(sentence)


DROP_KINDS = ("reported", "national", "not_digital")


@pytest.mark.parametrize(
    ("entry", "sentence"), [(c.id, s) for c in LEX.cues if c.kind in DROP_KINDS for s in c.match]
)
def test_cue_drops_its_example_by_its_own_id(entry: str, sentence: str) -> None:
    result = extract(sentence, LEX)
    assert not result.candidates, [c.quote for c in result.candidates]
    assert entry in [d.rule for d in result.drops], result.drops


@pytest.mark.parametrize(("entry", "heading"), [(c.id, s) for c in LEX.cues if c.kind == "report_heading" for s in c.match])
def test_report_heading_drops_the_values_under_it(entry: str, heading: str) -> None:
    result = extract(f"{heading}\n100% hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng.\n", LEX)
    assert [d.rule for d in result.drops] == [entry]


def test_cue_ids_are_unique() -> None:
    ids = [c.id for c in LEX.cues]
    assert len(ids) == len(set(ids))


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
