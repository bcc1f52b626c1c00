"""A long list of literal names compiled as a prefix tree instead of a flat alternation.

Why: the `regex` engine tries a flat alternation one branch after another at every
character, so scanning a whole text for ~75 province spellings costs a branch test per
name per character. Written as a tree (`B(?:ắc\\s*(?:Giang|Kạn|Ninh)|…)`) a position that
starts no name is rejected after one character, and a shared first syllable is read once.

The tree keeps the flat alternation's answer: at each node the longer continuations are
tried before the name that ends there, so, as with the longest-first list, the longest name
that matches (and passes the pattern's tail) wins; tests/test_trie.py checks both agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import regex

_END = ""  # the key that marks a name ending at a node (no character is the empty string)


def trie_pattern(words: list[str], space: str = r"\s*", ignore_case: bool = True) -> str:
    """A non-capturing pattern matching exactly `words` (spaces as `space`), longest first at every node.

    With `ignore_case` (for patterns compiled with IGNORECASE) the tree is keyed by lower-case
    letters: `Bắc` and `bắc` would otherwise be two branches that both match one text, and the
    first of them, not the longest name, would win.
    """
    if not words or not all(w.strip() for w in words):
        raise ValueError("empty word in a trie alternation")
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word.lower() if ignore_case else word:
            node = node.setdefault(ch, {})
        node[_END] = {}
    return _emit(root, space)


def _emit(node: dict[str, dict], space: str) -> str:
    branches = [
        (space if ch == " " else regex.escape(ch)) + _emit(child, space)
        for ch, child in sorted(node.items())
        if ch != _END
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if _END in node else body


def name_starts(names: Iterable[str], space: str = r"\s*") -> re.Pattern[str]:
    """A look-ahead, for the standard `re`, matching (empty) where one of `names` begins in a text case-folded.

    Why: `regex` tries a case-insensitive alternation of names at every character of a text;
    the standard engine reads a case-sensitive tree of the names, case-folded, several times
    faster. A caller then tries its own pattern (with its look-arounds) only where a name begins.
    Every place that pattern matches a name ignoring case is found as long as the text is
    case-folded without moving offsets (`pattern_shape.casefolded`): a character `regex` matches
    to a name's letter ignoring case folds to that letter, and the standard `\\s` takes every
    space `regex`'s does (tests/test_pass_shortcuts.py checks both over every code point).
    """
    return re.compile("(?=" + trie_pattern(sorted({n.casefold() for n in names}), space, ignore_case=False) + ")")
