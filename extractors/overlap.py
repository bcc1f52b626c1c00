"""Indicator overlap (guide §5): F1 of two phrases' sets of lower-cased NFC syllables.

The scorer and the extractor's duplicate merging use the same definition, so that what
counts as "the same indicator" cannot drift between them.
"""

from __future__ import annotations

import unicodedata

import regex

_SPLIT = regex.compile(r"[\s\p{P}\p{S}]+")


def syllables(phrase: str) -> set[str]:
    """Lower-cased NFC syllables, split on white space and punctuation."""
    text = unicodedata.normalize("NFC", phrase).lower()
    return {s for s in _SPLIT.split(text) if s}


def indicator_overlap(a: str, b: str) -> float:
    """F1 of the two syllable sets; 1.0 for two empty phrases."""
    sa, sb = syllables(a), syllables(b)
    if not sa and not sb:
        return 1.0
    common = len(sa & sb)
    if common == 0:
        return 0.0
    precision = common / len(sa)
    recall = common / len(sb)
    return 2 * precision * recall / (precision + recall)
