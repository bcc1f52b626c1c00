"""Scopes a value's segment names (guide §3: `cấp tỉnh, huyện và xã`, `các cơ quan thành phố`).

The scope words are data (`lexicon/scopes.yaml`); the shapes that list them are here.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from extractors.lexicon import FLAGS, Lexicon

# A range of levels (`từ cấp tỉnh đến/xuống cấp xã`) names every level in it (clarified guide §2;
# unseen-errors T13).
_RANGE_WORDS = r"đến|tới|xuống"
_RANGE = regex.compile(r"cấp\s+\S+\s*(?:" + _RANGE_WORDS + r")\s", FLAGS)
_LEVELS = ("province", "district", "commune")


@lru_cache(maxsize=4)
def _scope_patterns(lex: Lexicon) -> tuple[regex.Pattern[str], dict[str, regex.Pattern[str]]]:
    """Scope phrases (`cấp tỉnh, huyện và xã`, `các cơ quan thành phố`), compiled once per lexicon."""
    level = "|".join(f"(?:{p})" for p in lex.scope_words.values())
    listed = (
        r"(?:(?:ở|tại|đối\s+với|của)\s+)?\(?(?:từ\s+)?cấp\s+(?:" + level + r")"
        r"(?:\s*(?:,|và|hoặc|-|" + _RANGE_WORDS + r")\s*(?:cấp\s+)?(?:" + level + r"))*\)?"
        r"|(?:(?:tại|của)\s+)?các\s+cơ\s+quan\s+(?:cấp\s+)?(?:tỉnh|thành\s+phố)(?!\w)"
        r"|(?<=cán\s+bộ,?\s+(?:công\s+chức,?\s+)?|công\s+chức\s+)(?:xã|huyện)(?!\w)"
    )
    each: dict[str, regex.Pattern[str]] = {scope: regex.compile(p, FLAGS) for scope, p in lex.scope_words.items()}
    return regex.compile(listed, FLAGS), each


def find_scopes(segment: str, lex: Lexicon) -> tuple[list[str], list[tuple[int, int]]]:
    """Scopes named in a value's segment, in guide order, and the spans that named them."""
    listed, each = _scope_patterns(lex)
    scopes: list[str] = []
    spans: list[tuple[int, int]] = []
    for m in listed.finditer(segment):
        spans.append((m.start(), m.end()))
        phrase = m.group(0)
        if regex.search(r"cơ\s+quan", phrase, FLAGS):
            hits = [(0, "province")]
        else:
            body = regex.sub(r"^.*?(?=cấp|\b(?:xã|huyện)\b)", "", phrase, count=1, flags=FLAGS)
            hits = []
            for scope, pattern in each.items():
                hits.extend((w.start(), scope) for w in pattern.finditer(body))
        named = [scope for _, scope in sorted(hits)]
        if len(named) == 2 and _RANGE.search(phrase):
            a, b = sorted(_LEVELS.index(x) for x in named)
            named = list(_LEVELS[a : b + 1])
        for scope in named:
            if scope not in scopes:
                scopes.append(scope)
    return scopes, spans
