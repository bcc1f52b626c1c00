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
import struct
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

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

    def joined(self, width: int) -> list[str]:
        """The n-gram of `width + 1` words starting at each word that has that many after it."""
        grams = self._joined.get(width)
        if grams is None:
            words = self.words
            grams = self._joined[width] = [" ".join(words[j : j + width + 1]) for j in range(len(words) - width)]
        return grams


@dataclass
class _Group:
    """Templates that read the same n-grams under the same function (`T[-1].lower`, `T[0].lower`):
    one value per n-gram serves them all, each at its own offset."""

    members: list[int]  # the templates' places in the template list
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
                before=before,
                starts=[before + self.templates[k].first for k in members],
                after=max(max(self.templates[k].first + self.templates[k].width, 0) for k in members),
                bos=tuple(feature(name, "BOS") for name in names),
                eos=tuple(feature(name, "EOS") for name in names),
                strings=strings,
            ))

    def rows(self, n: int, values: Callable[[Template], Sequence[str]]) -> list[tuple[str, ...]]:
        """The feature strings of each of the `n` words of a phrase, in template order: `BOS` when
        the n-gram starts before the phrase, `EOS` when it ends after it, else the template's value
        of the n-gram (`values(t)[j]` for the one starting at word `j`). With `known`, a feature the
        model has no weight for is left out."""
        columns: list[tuple[str | None, ...]] = [()] * len(self.templates)
        templates = self.templates
        for g in self._groups:
            grams = values(templates[g.members[0]])
            if g.strings is None:
                inside: list[tuple[str | None, ...]] = [tuple(templates[k].prefix + v for k in g.members) for v in grams]
            else:
                missing = (None,) * len(g.members)
                inside = [g.strings.get(v, missing) for v in grams]  # one look-up per n-gram for the group
            # the n-gram of word i for a template that starts `first` words away is padded[before + first + i]:
            # before the phrase its BOS, past the last n-gram its EOS; each member's column of the
            # padded rows (one transposition, in C) is sliced for each template
            padded = [g.bos] * g.before + inside + [g.eos] * (g.after + n - len(grams))
            for k, start, column in zip(g.members, g.starts, zip(*padded, strict=True), strict=True):
                columns[k] = column[start : start + n]
        if not columns:
            return [() for _ in range(n)]
        if not self.filtered:  # no feature left out
            return list(zip(*columns, strict=True))  # type: ignore[arg-type]
        return [tuple(filter(None, row)) for row in zip(*columns, strict=True)]


def crfsuite_attributes(path: Path) -> list[str]:
    """Every attribute (feature string) of a CRFsuite model file, in id order.

    The file (`lCRF` header) keeps its attributes in a CQDB chunk whose backward array gives the
    offset of each id's record: the id, the key's size, the key and a NUL. ValueError when the
    file is not laid out so.
    """
    data = path.read_bytes()
    try:
        magic, _, kind, _, _, _, n_attrs, _, _, at = struct.unpack_from("<4sI4sIIIIIII", data, 0)
        if magic != b"lCRF" or kind != b"FOMC":
            raise ValueError(f"{path.name}: not a CRFsuite model")
        chunk, _, _, _, count, backward = struct.unpack_from("<4sIIIII", data, at)
        if chunk != b"CQDB" or count != n_attrs:
            raise ValueError(f"{path.name}: no attribute table where its header says")
        out: list[str] = []
        for i, (offset,) in enumerate(struct.iter_unpack("<I", data[at + backward : at + backward + 4 * count])):
            record_id, size = struct.unpack_from("<II", data, at + offset)
            key = data[at + offset + 8 : at + offset + 8 + size]
            if record_id != i or len(key) != size or not key.endswith(b"\0"):
                raise ValueError(f"{path.name}: attribute {i} is not where its table says")
            out.append(key[:-1].decode())
    except struct.error as e:
        raise ValueError(f"{path.name}: cut short ({e})") from None
    if len(out) != n_attrs:
        raise ValueError(f"{path.name}: {len(out)} attributes where its header says {n_attrs}")
    return out


def known_values(model: Path) -> dict[str, set[str]]:
    """The values a CRFsuite model knows for each template: its attribute `T[-1,0].lower=kinh tế`
    is the value `kinh tế` of `T[-1,0].lower`."""
    known: dict[str, set[str]] = {}
    for attribute in crfsuite_attributes(model):
        syntax, _, value = attribute.partition("=")
        known.setdefault(syntax, set()).add(value)
    return known
