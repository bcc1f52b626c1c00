"""underthesea's CRF feature templates (`T[-1,0].lower`, `T[-3][1]`), computed a column at a time.

underthesea's featurizers (the Rust `CRFFeaturizer` of its word segmenter, the Python
`word2features` of its POS tagger) rebuild, for every word and every template, the n-gram the
template names, apply its function and format the string. Most of that is shared: the bigram
`T[-1,0]` of a word is the `T[0,1]` of the word before it, and `T[0].lower` is the `T[1].lower` of
the word before. Here each (n-gram width, column, function) is computed once per phrase and each
template's column of features is a slice of it (the group's rows transposed once, in C, not a
Python loop per word and template); a feature the model has no weight for is left out (the tagger
skips it), and the others are strings made once, when the model is read. The tags are the same
(tests/test_nlp.py compares with underthesea's own functions).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import numpy as np

from extractors.crf_model import crfsuite_attributes

_TEMPLATE = re.compile(r"T\[(?P<index1>-?\d+)(,(?P<index2>-?\d+))?\](\[(?P<column>.*)\])?(\.(?P<function>.*))?")


@dataclass(frozen=True)
class Template:
    """One feature template: the words `first .. first + width` (offsets from the word featurized)
    of one input column, joined by a space, under an optional function."""

    prefix: str  # the template's own text and "=": every feature string starts with it
    first: int
    width: int  # 0 for one word, 1 for a bigram, 2 for a trigram
    column: int
    function: str | None


def parse_templates(syntaxes: Sequence[str]) -> tuple[Template, ...]:
    """The templates as underthesea reads them; ValueError for one this module cannot compute alike."""
    out = []
    for syntax in syntaxes:
        m = _TEMPLATE.fullmatch(syntax)
        if m is None:
            raise ValueError(f"unreadable CRF feature template {syntax!r}")
        first = int(m.group("index1"))
        last = int(m.group("index2")) if m.group("index2") else first
        if last < first:  # underthesea reads such a template differently per featurizer
            raise ValueError(f"CRF feature template {syntax!r} ends before it starts")
        out.append(Template(f"{syntax}=", first, last - first, int(m.group("column") or 0), m.group("function")))
    return tuple(out)


class Grams:
    """The n-grams of one input column of a phrase (words joined by a space), each width built once."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = words
        self._joined: dict[int, list[str]] = {0: list(words)}
        self.derived: dict[str, list[str]] = {}  # a featurizer's own values of the words, made once

    def joined(self, width: int) -> list[str]:
        """The n-gram of `width + 1` words starting at each word that has that many after it."""
        grams = self._joined.get(width)
        if grams is None:
            words = self.words  # the words of each n-gram, side by side: one join per n-gram, no slice
            grams = self._joined[width] = list(map(" ".join, zip(*(words[i:] for i in range(width + 1)))))
        return grams


# `Featurizer.rows` keeps the columns of its fixed inputs, and `IdColumns` its gather index,
# for phrases up to this many words: each is made once per phrase length.
_LENGTH_LIMIT = 256


@dataclass
class _Group:
    """Templates that read the same n-grams under the same function (`T[-1].lower`, `T[0].lower`):
    one value per n-gram serves them all, each at its own offset."""

    members: list[int]  # the templates' places in the template list
    column: int  # the input column they read
    before: int  # how far before the word the group's n-grams start, at most
    after: int  # how far past the last n-gram of the phrase a template can read, at most
    starts: list[int]  # where each member's column starts in the group's padded rows (`before + first`)
    bos: tuple[str | None, ...]  # each member's feature when its n-gram starts before the phrase
    eos: tuple[str | None, ...]  # and when it ends after it
    strings: dict[str, tuple[str | None, ...]] | None  # value -> each member's feature; None: format them


class Featurizer:
    """Feature strings of a phrase for one list of templates.

    Templates that read the same n-grams under the same function share one list of values per
    phrase. Given the values the model knows for each template (`known`, from
    `crfsuite_attributes`), a feature the model has no weight for is left out: underthesea's CRF
    tagger skips an unknown attribute (`attrs_to_ids_readonly`) and sums the weights of the others
    in their order, so the tags and their score are the same; each known string is made once, when
    the model is read, and one look-up per n-gram finds it for every template of its group. Without
    `known`, every string is made, exactly as underthesea's featurizers write them.
    """

    def __init__(self, templates: Sequence[Template], known: Mapping[str, Collection[str]] | None = None) -> None:
        self.templates = tuple(templates)
        self.filtered = known is not None
        by_key: dict[tuple[int, int, str | None], list[int]] = {}
        for k, t in enumerate(self.templates):
            by_key.setdefault((t.width, t.column, t.function), []).append(k)
        self._groups: list[_Group] = []
        self._fixed: dict[tuple[int, int], tuple[tuple[str | None, ...], ...]] = {}  # see `rows`
        for members in by_key.values():
            names = [self.templates[k].prefix for k in members]

            def feature(name: str, value: str) -> str | None:
                return name + value if known is None or value in known.get(name[:-1], ()) else None

            strings = None
            if known is not None:  # each value the model knows for a member: its feature for each member
                slots: dict[str, list[str | None]] = {}
                for slot, name in enumerate(names):
                    for v in known.get(name[:-1], ()):
                        slots.setdefault(v, [None] * len(names))[slot] = name + v
                strings = {v: tuple(features) for v, features in slots.items()}
            before = max(max(-self.templates[k].first, 0) for k in members)
            self._groups.append(_Group(
                members,
                column=self.templates[members[0]].column,
                before=before,
                starts=[before + self.templates[k].first for k in members],
                after=max(max(self.templates[k].first + self.templates[k].width, 0) for k in members),
                bos=tuple(feature(name, "BOS") for name in names),
                eos=tuple(feature(name, "EOS") for name in names),
                strings=strings,
            ))

    def rows(
        self, n: int, values: Callable[[Template], Sequence[str]], fixed: Collection[int] = ()
    ) -> list[tuple[str, ...]]:
        """The feature strings of each of the `n` words of a phrase, in template order: `BOS` when
        the n-gram starts before the phrase, `EOS` when it ends after it, else the template's value
        of the n-gram (`values(t)[j]` for the one starting at word `j`). With `known`, a feature the
        model has no weight for is left out. `fixed`: input columns whose values are the same for
        every phrase of `n` words (the POS tagger's column of `X`): their templates' columns are
        made once per length (up to `_LENGTH_LIMIT` words) and kept."""
        columns: list[tuple[str | None, ...]] = [()] * len(self.templates)
        templates = self.templates
        for number, g in enumerate(self._groups):
            if g.column in fixed:
                kept = self._fixed.get((number, n))
                if kept is not None:
                    for k, column in zip(g.members, kept, strict=True):
                        columns[k] = column
                    continue
            grams = values(templates[g.members[0]])
            if g.strings is None:
                inside: list[tuple[str | None, ...]] = [tuple(templates[k].prefix + v for k in g.members) for v in grams]
            else:
                # one look-up per n-gram for the group
                inside = list(map(g.strings.get, grams, repeat((None,) * len(g.members), len(grams))))
            # the n-gram of word i for a template that starts `first` words away is padded[before + first + i]:
            # before the phrase its BOS, past the last n-gram its EOS; each member's column of the
            # padded rows (one transposition, in C) is sliced for each template
            padded = [g.bos] * g.before + inside + [g.eos] * (g.after + n - len(grams))
            for k, start, column in zip(g.members, g.starts, zip(*padded, strict=True), strict=True):
                columns[k] = column[start : start + n]
            if g.column in fixed and n <= _LENGTH_LIMIT:
                self._fixed[number, n] = tuple(columns[k] for k in g.members)
        if not columns:
            return [() for _ in range(n)]
        if not self.filtered:  # no feature left out
            return list(zip(*columns, strict=True))  # type: ignore[arg-type]
        return [tuple(filter(None, row)) for row in zip(*columns, strict=True)]


# A featurizer's function over the n-grams of a phrase: (its n-grams, their width, where the ones
# wanted start) -> the function's value of each of those.
GramFunction = Callable[[Grams, int, list[int]], list[str]]

# The n-grams seen, past this many, start over: a long batch of documents keeps it bounded.
_MEMO_LIMIT = 50_000
_MEMOS: weakref.WeakSet[IdColumns] = weakref.WeakSet()
# The attribute ids of an n-gram are kept packed, as the native 32-bit integers numpy reads
# (`numpy.frombuffer`): a phrase's ids are its n-grams' bytes joined, one C call, not a Python
# object per id.
_ID = np.dtype(np.int32)


def clear_memos() -> None:
    """Forget the n-grams every `IdColumns` has seen (`extractors.nlp.clear_caches`)."""
    for columns in list(_MEMOS):
        columns.clear()


def _packed(ids: Sequence[int]) -> bytes:
    return np.asarray(ids, dtype=_ID).tobytes()


@dataclass
class _GramSet:
    """The templates that read the n-grams of one input column at one width (`T[-1]`,
    `T[0].lower`, `T[1].istitle`): one look-up per n-gram gives the attribute ids of them all."""

    width: int
    column: int
    members: list[int]  # the templates' places in the template list, those of one function together
    before: int  # how far before the word the set's n-grams start, at most
    after: int  # how far past the last n-gram of the phrase a template can read, at most
    bos: bytes  # each member's attribute when its n-gram starts before the phrase, packed
    eos: bytes  # and when it ends after it
    # per function (None: the n-gram itself): its value -> the packed ids of its members, and
    # those when the model knows no such value
    tables: list[tuple[GramFunction | None, dict[str, bytes], bytes]]
    known: dict[str, bytes]  # the ids of each n-gram the model has a value for, worked out when read
    # the ids of the other n-grams of the phrases seen since `clear`: a dict of its own, small, so
    # that adding to it never re-sizes the tens of thousands of known ones
    seen: dict[str, bytes]


class IdColumns:
    """Each template's attribute id at each word of a phrase, for `crf_model.Decoder`.

    The features are those `Featurizer` writes, as the model's attribute ids instead of strings
    (`unknown` for a feature the model has no weight for, which the tagger would skip). The ids of
    every template that reads an n-gram are worked out once for it, by the featurizer's functions
    (`functions`: a template's function name -> `GramFunction`), and kept, packed: those of the
    n-grams the model has a value for (most syllables and many word pairs of a text) when the
    model is read, those of a document's other n-grams as they come, until
    `extractors.nlp.clear_caches` (`clear_memos`).

    A phrase's ids are laid out as each set's rows one after the other: for each n-gram (BOS
    rows before the first, EOS rows after the last) the ids of the set's templates. A
    template's id at word `i` is then one place of that buffer, a linear function of `i` and
    of the phrase's length, and all of them are gathered by one numpy index (`_index`).
    """

    def __init__(
        self,
        templates: Sequence[Template],
        attribute_ids: Mapping[str, int],
        unknown: int,
        functions: Mapping[str, GramFunction],
    ) -> None:
        self.templates = tuple(templates)
        self.unknown = unknown
        by_syntax: dict[str, dict[str, int]] = {}  # template -> value -> attribute id
        for attribute, i in attribute_ids.items():
            syntax, _, v = attribute.partition("=")
            by_syntax.setdefault(syntax, {})[v] = i
        by_key: dict[tuple[int, int], dict[str | None, list[int]]] = {}
        for k, t in enumerate(self.templates):
            by_key.setdefault((t.width, t.column), {}).setdefault(t.function, []).append(k)
        self._sets: list[_GramSet] = []
        for (width, column), by_function in by_key.items():
            members = [k for ks in by_function.values() for k in ks]
            ids_of = [by_syntax.get(self.templates[k].prefix[:-1], {}) for k in members]
            tables = []
            for function, ks in by_function.items():
                table: dict[str, list[int]] = {}
                for slot, k in enumerate(ks):
                    for v, i in by_syntax.get(self.templates[k].prefix[:-1], {}).items():
                        table.setdefault(v, [unknown] * len(ks))[slot] = i
                call = None if function is None else functions[function]
                tables.append((call, {v: _packed(ids) for v, ids in table.items()}, _packed([unknown] * len(ks))))
            self._sets.append(_GramSet(
                width,
                column,
                members,
                before=max(max(-self.templates[k].first, 0) for k in members),
                after=max(max(self.templates[k].first + self.templates[k].width, 0) for k in members),
                bos=_packed([ids.get("BOS", unknown) for ids in ids_of]),
                eos=_packed([ids.get("EOS", unknown) for ids in ids_of]),
                tables=tables,
                known={},
                seen={},
            ))
        self._layout()
        for s in self._sets:  # the n-grams the model knows, as the text may write them
            values = sorted({v for _, table, _ in s.tables for v in table} - {"BOS", "EOS"})
            words = [v.split(" ") for v in values]
            words = [w for w in words if len(w) == s.width + 1]
            # one run of all their words: the n-gram at every (width + 1)-th word is one of them
            # (the functions read an n-gram's own words only)
            self._look_up(s, Grams([w for ws in words for w in ws]), list(range(0, len(words) * (s.width + 1), s.width + 1)))
            s.known, s.seen = s.seen, {}
        _MEMOS.add(self)

    @property
    def reach(self) -> tuple[int, int]:
        """How many words before and after a word its templates read, at most: its ids are the
        same in any run of the phrase that holds those (BOS and EOS only at the phrase's ends)."""
        return max(s.before for s in self._sets), max(s.after for s in self._sets)

    def _layout(self) -> None:
        """Where each template's id at word `i` of an `n`-word phrase is in the phrase's buffer:
        `fixed + per_word_of_phrase * n + step * i` (see the class docstring)."""
        fixed = np.zeros(len(self.templates), dtype=np.intp)
        per_length = np.zeros(len(self.templates), dtype=np.intp)
        step = np.zeros(len(self.templates), dtype=np.intp)
        rows_before = 0  # the rows of the sets before this one, without their n words each
        ids_per_word = 0  # and the ids they add per word of the phrase
        for s in self._sets:
            size = len(s.members)
            for slot, k in enumerate(s.members):
                start = s.before + self.templates[k].first  # the row of word 0's n-gram
                fixed[k] = rows_before + start * size + slot
                per_length[k] = ids_per_word
                step[k] = size
            rows_before += (s.before + s.after) * size
            ids_per_word += size
        self._fixed, self._per_length, self._step = fixed[:, None], per_length[:, None], step[:, None]
        self._indexes: dict[int, np.ndarray] = {}

    def _index(self, n: int) -> np.ndarray:
        """The (templates, n) places in an `n`-word phrase's buffer of each template's ids."""
        index = self._indexes.get(n)
        if index is None:
            index = self._fixed + self._per_length * n + self._step * np.arange(n, dtype=np.intp)
            if n <= _LENGTH_LIMIT:
                self._indexes[n] = index
        return index

    def clear(self) -> None:
        """Forget the n-grams seen in phrases so far."""
        for s in self._sets:
            s.seen.clear()

    @staticmethod
    def _look_up(s: _GramSet, grams: Grams, at: list[int]) -> list[bytes]:
        """The packed ids of the n-grams starting at `at`, kept in `seen` too: each function's
        values of them all at once, then one look-up per value in its members' table."""
        if len(s.seen) + len(at) > _MEMO_LIMIT:
            s.seen.clear()
        joined = grams.joined(s.width)
        keys = [joined[j] for j in at]
        parts = [
            [table.get(v, missing) for v in (keys if call is None else call(grams, s.width, at))]
            for call, table, missing in s.tables
        ]
        found = list(map(b"".join, zip(*parts, strict=True)))
        s.seen.update(zip(keys, found, strict=True))
        return found

    def columns(self, n: int, inputs: Sequence[Grams]) -> np.ndarray:
        """Each template's attribute id at each of the `n` words of a phrase whose input columns
        are `inputs` ((templates, n) array): `BOS` when its n-gram starts before the phrase, `EOS`
        when it ends after it."""
        if n == 0:
            return np.zeros((len(self.templates), 0), dtype=np.intp)
        buffer: list[bytes] = []
        for s in self._sets:
            grams = inputs[s.column].joined(s.width)
            found = list(map(s.known.get, grams))
            if None in found:
                seen = s.seen
                at = []
                for j in [j for j, ids in enumerate(found) if ids is None]:
                    ids = found[j] = seen.get(grams[j])
                    if ids is None:
                        at.append(j)
                if at:
                    for j, ids in zip(at, self._look_up(s, inputs[s.column], at), strict=True):
                        found[j] = ids
            buffer.append(s.bos * s.before)
            buffer += found  # type: ignore[arg-type]  # every None is filled above
            buffer.append(s.eos * (s.after + n - len(grams)))
        return np.frombuffer(b"".join(buffer), dtype=_ID).take(self._index(n))


def known_values(model: Path) -> dict[str, set[str]]:
    """The values a CRFsuite model knows for each template: its attribute `T[-1,0].lower=kinh tế`
    is the value `kinh tế` of `T[-1,0].lower`."""
    known: dict[str, set[str]] = {}
    for attribute in crfsuite_attributes(model):
        syntax, _, value = attribute.partition("=")
        known.setdefault(syntax, set()).add(value)
    return known
