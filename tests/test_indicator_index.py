"""The indicator matcher's look-ups give the answer of trying every rule with every phrase.

`Matcher.match` finds the catalogue phrases of a text from its syllables (`by_first`) and tries
only the rules one of whose trigger phrases is present (`by_trigger`, `by_whole`): each target of
every plan is matched, so it must not read the whole catalogue. Here it is held to the plain
reading of `lexicon/indicators.yaml`: every rule in file order, every phrase a substring test.
"""

from __future__ import annotations

import random

import pytest

from extractors.indicators import Match, Matcher, _padded, get_matcher, syllables

UNITS = ("percent", "rank", "count")
PILLARS = (None, "government", "economy", "society")


def plain_match(m: Matcher, indicator: str, unit: str, pillar: str | None) -> Match | None:
    """Every rule, in file order, each of its phrases looked for in the padded syllables."""
    text = _padded(syllables(indicator, m.abbreviations))
    for r in m.rules:
        if unit not in r.units or (r.pillars is not None and pillar is not None and pillar not in r.pillars):
            continue
        if r.whole and text in r.whole:
            return Match(r.indicator, r.rule)
        if not (r.all or r.any) or any(p in text for p in r.none):
            continue
        if all(any(a in text for a in alts) for alts in r.all) and (not r.any or any(p in text for p in r.any)):
            return Match(r.indicator, r.rule)
    return None


def _texts() -> list[str]:
    """The catalogue's own phrasings and near misses, and random mixtures of its phrases and other words."""
    m = get_matcher()
    cat = m.catalogue
    texts = [p.text for ind in cat.indicators for p in ind.phrasings] + [t for ind in cat.indicators for t in ind.no_match]
    words = sorted({w.strip() for p in m.phrases for w in p.split()} | {"tỷ", "lệ", "của", "tỉnh", "đạt", "KTS", "CĐS"})
    phrases = [p.strip() for p in m.phrases] + [w for r in m.rules for w in r.whole]
    rng = random.Random(8)
    for _ in range(3000):
        parts = rng.sample(phrases, rng.randint(1, 3)) + rng.sample(words, rng.randint(0, 4))
        rng.shuffle(parts)
        texts.append(" ".join(p.strip() for p in parts))
    return texts


def test_the_matcher_gives_the_plain_reading_of_the_catalogue() -> None:
    m = get_matcher()
    linked = 0
    for text in _texts():
        for unit in UNITS:
            for pillar in PILLARS:
                expected = plain_match(m, text, unit, pillar)
                assert m.match(text, unit, pillar) == expected, (text, unit, pillar)
                linked += expected is not None
    assert linked > 5000, "the texts reach the rules"


@pytest.mark.parametrize("text", ["", "   ", "…", "tỷ lệ"])
def test_texts_with_few_syllables_match_as_the_plain_reading(text: str) -> None:
    m = get_matcher()
    for unit in UNITS:
        assert m.match(text, unit) == plain_match(m, text, unit, None)
