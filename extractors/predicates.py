"""A value's own predicate when its clause first states another one (unseen-errors T6).

`mô hình chợ số triển khai tại A, B và C làm cơ sở để mở rộng đến 100% các xã`: the value
is the object of the verb after the purpose word `để`, and what stands before `để` is an
earlier predicate of the same subject. The indicator is that subject with the value's own
verb (`mô hình chợ số mở rộng đến … các xã`), not the tail of the earlier predicate. Read from
POS tags: a subject noun first, a verb before `để`, and only verbs (and prepositions) after it.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from extractors.coordination import Word, tagged_words
from extractors.indicator_text import words_in_every_match
from extractors.lexicon import FLAGS, template
from extractors.pattern_shape import casefolded, may_hold

_PURPOSE = regex.compile(template(r"^(?:{PURPOSE_LINK})$"), FLAGS)
_PURPOSE_IN = regex.compile(template(r"{PURPOSE_LINK}"), FLAGS)
_PURPOSE_WORDS = words_in_every_match(_PURPOSE_IN)  # a text without them is not scanned for the pattern


def _verb_then_prepositions(words: Sequence[Word]) -> bool:
    """A verb (its parts), then only prepositions (`mở rộng đến`): the value is the verb's own object."""
    if not words or not words[0].verb:
        return False
    k = 1
    while k < len(words) and (words[k].verb or words[k].tag == "A"):  # `nhân/V rộng/A`: one verb split by the tagger
        k += 1
    return all(w.tag == "E" for w in words[k:])


def purpose_predicate(left: str) -> str | None:
    """`<subject> <earlier predicate> để <verb>` before a value → `<subject> <verb>`; else None."""
    if not may_hold(_PURPOSE_WORDS, casefolded(left)) or not _PURPOSE_IN.search(left):
        return None  # no purpose word: no need to tag the words
    words = tagged_words(left)
    if len(words) < 4 or not words[0].noun:
        return None
    link = next((k for k in range(len(words) - 1, 0, -1) if _PURPOSE.match(words[k].text)), None)
    if link is None or not _verb_then_prepositions(words[link + 1 :]):
        return None
    first_verb = next((k for k, w in enumerate(words[:link]) if w.verb), None)
    if first_verb is None or first_verb == 0:
        return None
    return f"{left[: words[first_verb].start].strip()} {left[words[link].end :].strip()}"
