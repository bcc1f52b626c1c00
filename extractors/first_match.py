"""Which of several patterns, tried at one place in turn, match there: from one match of their union.

A reading often tries a list of patterns at the same anchor, one after the other (the lead
words at the start of an indicator, the comparator, linking and direction words at the end of
a value's left part). Most attempts fail, and a `regex` call costs about half a microsecond
even when it fails at once. Joined as one alternation, each pattern a group of its own, the
union tries its branches in order at that place: the branch it matches by is the first pattern
that matches there, and that branch's match is the pattern's own (the same pattern, tried at
the same place). So one attempt answers "does pattern `i` match this text, and where?" for
every `i` up to that branch; a text the union does not match is matched by none of them, and
only a pattern after the branch is tried on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex


def _refers_to_groups(pattern: regex.Pattern[str]) -> bool:
    """Whether `pattern` names a group or refers to one by number (`\\1`, `(?P=name)`, `\\g<1>`): in
    the union its groups are renumbered, so such a reference would point at another branch's group."""
    return bool(pattern.groupindex) or _GROUP_REFERENCE.search(pattern.pattern) is not None


_GROUP_REFERENCE = regex.compile(r"\\(?:[1-9]|g<)|\(\?P=|\(\?\(")


class FirstMatch:
    """The union of `patterns`, all tried with `.match`. The union is used only when every
    pattern has the same flags, none is POSIX (whose longest match is not the first branch's),
    none names or refers to a group, and the union compiles with each pattern's groups where
    expected; otherwise each pattern is tried on its own, which gives the same answers."""

    def __init__(self, patterns: Sequence[regex.Pattern[str]]) -> None:
        self.patterns = tuple(patterns)
        flags = {p.flags for p in self.patterns}
        self.union: regex.Pattern[str] | None = None
        self.groups: tuple[int, ...] = ()
        if len(flags) == 1 and not any(f & regex.POSIX for f in flags) and not any(map(_refers_to_groups, self.patterns)):
            groups, at = [], 1
            for p in self.patterns:
                groups.append(at)
                at += 1 + p.groups  # a pattern's own groups follow its branch group
            try:
                union = regex.compile("|".join(f"({p.pattern})" for p in self.patterns), flags.pop())
            except regex.error:  # a pattern that cannot be a branch (a global inline flag): each on its own
                union = None
            if union is not None and union.groups == at - 1:
                self.union, self.groups = union, tuple(groups)

    def first(self, text: str) -> tuple[int, regex.Match[str] | None]:
        """(index of the first pattern that matches `text`, the union's match), or (len(patterns), None)."""
        if self.union is None:
            for i, p in enumerate(self.patterns):
                m = p.match(text)
                if m is not None:
                    return i, m
            return len(self.patterns), None
        m = self.union.match(text)
        if m is None:
            return len(self.patterns), None
        for i, g in enumerate(self.groups):
            if m.start(g) >= 0:
                return i, m
        raise AssertionError(f"no branch of the union matched {text!r}")  # a union match is one of its branches

    def group(self, index: int, number: int) -> int:
        """The union's number of group `number` of pattern `index` (for reading it from a `Tried.match`)."""
        return self.groups[index] + number if self.union is not None else number


class Tried:
    """`FirstMatch` answers for the texts of one reading: each text is tried once."""

    def __init__(self, patterns: FirstMatch) -> None:
        self.patterns = patterns
        self.seen: dict[str, tuple[int, regex.Match[str] | None]] = {}

    def first(self, text: str) -> tuple[int, regex.Match[str] | None]:
        """`FirstMatch.first(text)`, remembered."""
        known = self.seen.get(text)
        if known is None:
            known = self.seen[text] = self.patterns.first(text)
        return known

    def match(self, index: int, text: str) -> regex.Match[str] | None:
        """Pattern `index`'s match of `text` (its `.match`), or None. For the first pattern that
        matches it is the union's match: read its start and end, and its own groups by `FirstMatch.group`."""
        branch, m = self.first(text)
        if index == branch:
            return m
        return None if index < branch else self.patterns.patterns[index].match(text)

    def any(self, text: str) -> bool:
        """Whether any of the patterns matches `text`."""
        return self.first(text)[1] is not None
