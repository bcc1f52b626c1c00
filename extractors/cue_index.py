"""Cue matches of one document, found once and then looked up by offset.

The `reported` filter (filters.py) reads windows that grow with the sentence and the
paragraph: a status report runs from a reported cue early in the paragraph to each value,
and is undone by an aim stated in between. Searching those windows again for every value
costs the square of a paragraph's length (a text without line breaks is one paragraph:
issue 12 item 10), so each sentence and paragraph is searched once per cue entry, and the
aims once per document.

A cue counts in a window when it lies wholly inside it.
"""

from __future__ import annotations

from bisect import bisect_left

import regex

from extractors.lexicon import Lexicon


class CueIndex:
    """Per document: the first match of every cue entry in each paragraph, and the aims, on demand."""

    def __init__(self, text: str, lex: Lexicon, skip: list[tuple[int, int]]) -> None:
        """`skip`: sorted spans, not overlapping, whose cues do not count (a value's own year, `năm 2022 chiếm …`)."""
        self.text = text
        self.lex = lex
        self.skip = skip
        self._firsts: dict[tuple[str, int, int], list[tuple[str, regex.Match[str]]]] = {}
        self._aims: dict[str, tuple[list[int], list[int]]] = {}

    def first_before(self, kind: str, start: int, end: int, pos: int) -> tuple[str, regex.Match[str]] | None:
        """The first entry of `kind` (file order) occurring in [start, pos), for a `pos` inside the span [start, end).

        The span (a sentence or a paragraph) is searched once per entry; each value of it then
        takes the first entry whose first match ends by the value.
        """
        firsts = self._firsts.get((kind, start, end))
        if firsts is None:
            firsts = []
            if self.lex.cue_re[kind].search(self.text, start, end):  # most spans hold no cue of the kind
                for entry_id, pattern in self.lex.cue_entries.get(kind, ()):
                    m = pattern.search(self.text, start, end)
                    if m is not None:
                        firsts.append((entry_id, m))
            self._firsts[(kind, start, end)] = firsts
        return next(((entry_id, m) for entry_id, m in firsts if m.end() <= pos), None)

    def any_between(self, kind: str, start: int, end: int) -> bool:
        """Whether a match of `kind` lies in [start, end) and starts outside every `skip` span."""
        if kind not in self._aims:
            spans = sorted(
                (m.start(), m.end())
                for _, pattern in self.lex.cue_entries.get(kind, ())
                for m in pattern.finditer(self.text)
                if not any(s <= m.start() < e for s, e in self._skipped_near(m.start()))
            )
            least_end = [e for _, e in spans]  # least_end[i]: the least end of spans[i:]
            for i in range(len(least_end) - 2, -1, -1):
                least_end[i] = min(least_end[i], least_end[i + 1])
            self._aims[kind] = ([s for s, _ in spans], least_end)
        starts, least_end = self._aims[kind]
        i = bisect_left(starts, start)
        return i < len(starts) and least_end[i] <= end

    def _skipped_near(self, pos: int) -> list[tuple[int, int]]:
        """The one skip span that may contain `pos`: the last starting at or before it (spans do not overlap)."""
        i = bisect_left(self.skip, (pos + 1,))
        return self.skip[i - 1 : i] if i else []
