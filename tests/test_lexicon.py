"""Every lexicon entry's example sentences behave as the entry says."""

from __future__ import annotations

import importlib
from enum import Enum

import pytest
import regex
from pydantic import BaseModel, ValidationError

import extractors.lexicon as lexicon_module
from extractors.lexicon import FLAGS, get_lexicon, words_pattern
from extractors.targets import extract, extract_candidates
from schemas.plan import Comparator, Direction, Pillar, Scope
from tests.conftest import CORPUS

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


DROP_KINDS = ("reported", "national", "not_digital", "progress")


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


def _key(text: str) -> str:
    return " ".join(text.lower().split())


WORD_GROUPS = {"comparators": LEX.comparators, "directions": LEX.directions, "scopes": LEX.scopes,
               "pillars": LEX.pillars, "fragments": LEX.fragments}


@pytest.mark.parametrize(
    ("group", "entry", "word"),
    [(g, e.id, w) for g, entries in WORD_GROUPS.items() for e in entries for w in e.words]
    + [("variants", v.id, v.variant) for v in LEX.variants],
)
def test_every_word_has_an_example_sentence(group: str, entry: str, word: str) -> None:
    entries = list(WORD_GROUPS.get(group, ())) + (list(LEX.variants) if group == "variants" else [])
    e = next(x for x in entries if x.id == entry)
    assert any(_key(word) in _key(s) for s in e.match), f"{group}/{entry}: no example sentence uses {word!r}"


@pytest.mark.parametrize(
    ("entry", "word", "comparator", "position"),
    [(c.id, w, c.comparator, c.position) for c in LEX.comparators for w in LEX.with_variants(c.words)],
)
def test_no_comparator_word_is_shadowed_by_another_entry(entry: str, word: str, comparator: str, position: str) -> None:
    """Each word, alone before (or after) a value, gives its own entry's comparator: no other entry wins."""
    if position == "before":
        sentence = f"Đến năm 2025, tỷ lệ hồ sơ trễ hạn {word} 20%."
    else:
        sentence = f"Đến năm 2025, tỷ lệ hồ sơ trễ hạn đạt 20% {word}."
    found = LEX.comparator_before(sentence[: sentence.index("20%")]) if position == "before" else None
    if found is not None:
        assert found[1] == entry, f"{word!r} read by {found[1]}, not {entry}"
    got = [c.comparator for c in extract_candidates(sentence, LEX)]
    assert got == [comparator], f"{entry}: {word!r} gave {got}"


@pytest.mark.parametrize(("entry", "word", "direction"), [(d.id, w, d.direction) for d in LEX.directions for w in d.words])
def test_no_direction_word_is_shadowed_by_another_entry(entry: str, word: str, direction: str) -> None:
    got = [c.direction for c in extract_candidates(f"Đến năm 2025, số doanh nghiệp số {word} 20%.", LEX)]
    assert got == [direction], f"{entry}: {word!r} gave {got}"


def test_a_word_in_two_comparator_entries_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real = lexicon_module._load

    def load(name: str) -> object:
        data = real(name)
        if name == "comparators.yaml":
            assert isinstance(data, list)
            data[1]["words"] = [*data[1]["words"], data[0]["words"][0]]
        return data

    monkeypatch.setattr(lexicon_module, "_load", load)
    with pytest.raises(lexicon_module.LexiconError, match="is in both"):
        lexicon_module.Lexicon()


def test_an_unknown_fragment_name_is_refused() -> None:
    with pytest.raises(lexicon_module.LexiconError, match="NO_SUCH_WORDS"):
        LEX.template(r"(?:{NO_SUCH_WORDS})\s+\d{1,3}")


def test_a_variant_is_matched_wherever_its_standard_word_is() -> None:
    for v in LEX.variants:
        users = [c for c in LEX.comparators if v.of in c.words] + [f for f in LEX.fragments if v.of in f.words]
        assert users, f"{v.id}: nothing uses {v.of!r}"
        for u in users:
            pattern = LEX.fragment_re.get(u.id) or LEX.fragment_re["COMPARATOR_BEFORE"]
            assert re_search(pattern, v.variant), f"{v.id}: {v.variant!r} not matched by {u.id}"


def re_search(pattern: str, text: str) -> bool:
    return regex.search(pattern, text, FLAGS) is not None


def _pattern(ref: str) -> regex.Pattern[str]:
    """The compiled pattern `module:NAME` a fragment's `used_by` names."""
    module, name = ref.split(":")
    pattern = getattr(importlib.import_module(module), name)
    assert isinstance(pattern, regex.Pattern), f"{ref}: not a compiled pattern"
    return pattern


USED = [f for f in LEX.fragments if f.used_by]


@pytest.mark.parametrize(("entry", "ref"), [(f.id, r) for f in USED for r in f.used_by])
def test_a_fragment_is_in_the_patterns_that_say_they_use_it(entry: str, ref: str) -> None:
    assert LEX.fragment_re[entry] in _pattern(ref).pattern, f"{ref} does not use {{{entry}}}"


@pytest.mark.parametrize(("entry", "sentence", "present"),
                         [(f.id, s, True) for f in USED for s in f.match]
                         + [(f.id, s, False) for f in USED for s in f.no_match])
def test_fragment_examples_through_the_patterns_that_use_them(entry: str, sentence: str, present: bool) -> None:
    f = next(x for x in USED if x.id == entry)
    found = [r for r in f.used_by if any(m.group(0).strip() for m in _pattern(r).finditer(sentence))]
    assert bool(found) == present, f"{entry}: {sentence!r} matched by {found}"


@pytest.mark.parametrize(("entry", "word"), [(f.id, w) for f in USED for w in f.words])
def test_no_fragment_word_is_shadowed(entry: str, word: str) -> None:
    """Each word is read whole, in some example, by a pattern that uses its entry: no shorter
    word or earlier part of the pattern stops the match inside it."""
    f = next(x for x in USED if x.id == entry)
    alone = regex.compile(words_pattern([word]), FLAGS)
    for sentence in f.match:
        spans = [(m.start(), m.end()) for r in f.used_by for m in _pattern(r).finditer(sentence)]
        for w in alone.finditer(sentence):
            if any(s <= w.start() and w.end() <= e for s, e in spans):
                return
    raise AssertionError(f"{entry}: {word!r} is in no match of {f.used_by} over its examples")


@pytest.mark.parametrize(
    ("model", "field", "enum"),
    [
        (lexicon_module.ComparatorEntry, "comparator", Comparator),
        (lexicon_module.DirectionEntry, "direction", Direction),
        (lexicon_module.ScopeEntry, "scope", Scope),
        (lexicon_module.PillarEntry, "pillar", Pillar),
    ],
)
def test_entry_values_are_the_record_enums(model: type[BaseModel], field: str, enum: type[Enum]) -> None:
    """A lexicon entry takes exactly the values `schemas/plan.py` defines, kept as plain text."""
    base = {"id": "x", "words": ["w"], "note": "test", "position": "before"}
    base = {k: v for k, v in base.items() if k in model.model_fields}
    for member in enum:
        value = getattr(model.model_validate({**base, field: member.value}), field)
        assert value == member.value and type(value) is str
    with pytest.raises(ValidationError, match=rf"'nonsense' is not a {enum.__name__} \(one of "):
        model.model_validate({**base, field: "nonsense"})


def test_the_old_tone_letters_match_only_their_own_two_cases_ignoring_case() -> None:
    """`fold` finds the old-tone pairs by each letter's two cases; `regex` ignoring case matches
    them to nothing else (every code point checked), so it finds the pairs it found ignoring case."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for letter in sorted({ch for pair in lexicon_module._OLD_TONE for ch in pair}):
        assert set(regex.findall(regex.escape(letter), every, regex.IGNORECASE)) == {letter, letter.upper()}, letter


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Thanh Hoá, Khánh Hoà, THUỶ LỢI, hoà nhập", "Thanh Hóa, Khánh Hòa, THỦY LỢI, hòa nhập"),
        ("Hòa Bình, quy định, xoá bỏ", "Hòa Bình, quy định, xóa bỏ"),
        ("OÀ Uỷ", "ÒA Ủy"),
    ],
)
def test_fold_writes_new_tone_placement_keeping_case(text: str, folded: str) -> None:
    assert lexicon_module.fold(text) == folded


def _fold_by_the_pairs(text: str) -> str:
    """`fold` as the guide states it: each pair of `_OLD_TONE`, found ignoring case, rewritten keeping each letter's case."""
    pairs = regex.compile("|".join(lexicon_module._OLD_TONE), regex.IGNORECASE)

    def repl(m: regex.Match[str]) -> str:
        new = lexicon_module._OLD_TONE[m.group(0).lower()]
        return "".join(n.upper() if o.isupper() else n for o, n in zip(m.group(0), new))

    return pairs.sub(repl, text)


def test_fold_rewrites_the_pairs_and_nothing_else() -> None:
    """Every run of three of the letters `fold` reads (an `o`/`u` and every toned vowel, both cases,
    and a few others): only the old-tone pairs change (`uà`, `oỳ` are no pairs; `uoà`, `oòa`
    hold one after another letter)."""
    seconds = "".join(sorted({pair[1] for pair in lexicon_module._OLD_TONE}))
    letters = "oOuUaAyYơư " + seconds + seconds.upper()
    for a in letters:
        for b in letters:
            text = "".join(a + b + c for c in letters)
            assert lexicon_module.fold(text) == _fold_by_the_pairs(text), (a, b)
    corpus = "".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    assert lexicon_module.fold(corpus) == _fold_by_the_pairs(corpus)
