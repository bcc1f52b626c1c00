"""A CRFsuite model's weights, and underthesea's Viterbi decoding over them, from attribute ids.

Why: underthesea's CRF tagger (`underthesea_core.CRFTagger`) is given feature strings; making
~40 strings per syllable in Python, and having the tagger hash each back to its attribute id, costs
several times the decoding itself. Here the model file is read once into a weight matrix
`state[attribute, label]` and `transition[label, label]`, a phrase's features are attribute ids
(`crf_features.Featurizer.ids`), and the decoding is done here.

Same answers: underthesea_core's tagger scores label `y` at a word as `0.0` plus the weights
`(attribute, y)` of the word's known attributes, added one at a time in the order they are given
(an attribute with no weight for `y` adds `0.0`), and decodes by Viterbi:
`score[t][y] = max over y' of (score[t-1][y'] + transition[y'][y]), plus state[t][y]`, the first
`y'` (lowest id) winning a tie, and the best last label the first of the best. `Decoder` does the
same float64 additions in the same order (`numpy.add.reduce` over the templates' axis adds
one template after the other; an unknown attribute's row of zeros adds nothing), so the scores are
bit-identical, not merely close. The callers check it on a probe when the model is read: the tags
and the score must equal the tagger's own (`tag_with_score`) exactly, else they keep the string
path; tests/test_nlp.py compares both on corpus phrases and random syllables.

The file layout read (CRFsuite's `crf1d` model, `lCRF` header): a header of counts and chunk
offsets, a `FEAT` chunk of (type, source, target, float64 weight) features (type 0: attribute ->
label, 1: label -> label), and CQDB chunks of the label and attribute strings. A file laid out
otherwise, or one the tagger would read differently (a repeated string or feature, an id out of
range, a weight that is not finite), is refused with ValueError.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# underthesea_core keeps a state weight only when its magnitude exceeds this (`set_state_weight`)
_TINY = 1e-10
_FEATURE = np.dtype([("type", "<u4"), ("source", "<u4"), ("target", "<u4"), ("weight", "<f8")])


def cqdb_strings(data: bytes, at: int, count: int, name: str) -> list[str]:
    """The strings of the CQDB chunk at `at`, in id order: its backward array gives the offset of
    each id's record (the id, the key's size, the key and a NUL). ValueError when it is not so."""
    try:
        chunk, _, _, _, size, backward = struct.unpack_from("<4sIIIII", data, at)
        if chunk != b"CQDB" or size != count:
            raise ValueError(f"{name}: no string table where its header says")
        out: list[str] = []
        for i, (offset,) in enumerate(struct.iter_unpack("<I", data[at + backward : at + backward + 4 * count])):
            record_id, length = struct.unpack_from("<II", data, at + offset)
            key = data[at + offset + 8 : at + offset + 8 + length]
            if record_id != i or len(key) != length or not key.endswith(b"\0"):
                raise ValueError(f"{name}: string {i} is not where its table says")
            out.append(key[:-1].decode())
    except struct.error as e:
        raise ValueError(f"{name}: cut short ({e})") from None
    if len(out) != count:
        raise ValueError(f"{name}: {len(out)} strings where its header says {count}")
    return out


@dataclass(frozen=True)
class CrfModel:
    """The labels, attributes and weights of a CRFsuite model file."""

    labels: tuple[str, ...]
    attributes: tuple[str, ...]
    state: np.ndarray  # (attributes + 1, labels): the last row, all zeros, is an unknown attribute's
    transition: np.ndarray  # (labels, labels): from the label before to the label after

    @property
    def unknown(self) -> int:
        """The attribute id of a feature the model has no weight for (a row of zeros)."""
        return len(self.attributes)


def _header(data: bytes, name: str) -> tuple[int, ...]:
    magic, _, kind, _, _, n_labels, n_attrs, at_features, at_labels, at_attrs, _, _ = struct.unpack_from(
        "<4sI4sIIIIIIIII", data, 0
    )
    if magic != b"lCRF" or kind != b"FOMC":
        raise ValueError(f"{name}: not a CRFsuite model")
    return n_labels, n_attrs, at_features, at_labels, at_attrs


def crfsuite_attributes(path: Path) -> list[str]:
    """Every attribute (feature string) of a CRFsuite model file, in id order."""
    data = path.read_bytes()
    try:
        _, n_attrs, _, _, at_attrs = _header(data, path.name)
    except struct.error as e:
        raise ValueError(f"{path.name}: cut short ({e})") from None
    return cqdb_strings(data, at_attrs, n_attrs, path.name)


def read_model(path: Path) -> CrfModel:
    """The model in `path`, with the weights as underthesea_core's tagger reads them."""
    data = path.read_bytes()
    name = path.name
    try:
        n_labels, n_attrs, at_features, at_labels, at_attrs = _header(data, name)
        chunk, _, count = struct.unpack_from("<4sII", data, at_features)
    except struct.error as e:
        raise ValueError(f"{name}: cut short ({e})") from None
    if chunk != b"FEAT" or at_features + 12 + count * _FEATURE.itemsize > len(data):
        raise ValueError(f"{name}: no feature table where its header says")
    labels = cqdb_strings(data, at_labels, n_labels, name)
    attributes = cqdb_strings(data, at_attrs, n_attrs, name)
    if len(set(labels)) != len(labels) or len(set(attributes)) != len(attributes):
        raise ValueError(f"{name}: a label or attribute is written twice")  # the tagger would renumber them
    features = np.frombuffer(data, dtype=_FEATURE, count=count, offset=at_features + 12)
    if not np.isfinite(features["weight"]).all():
        raise ValueError(f"{name}: a weight is not a finite number")
    state_rows = features[features["type"] == 0]
    moves = features[features["type"] == 1]
    if len(state_rows) + len(moves) != count:
        raise ValueError(f"{name}: a feature of another type")
    for table, sources in ((state_rows, n_attrs), (moves, n_labels)):
        if len(table) and (table["source"].max() >= sources or table["target"].max() >= n_labels):
            raise ValueError(f"{name}: a feature refers to no label or attribute")
        if len(np.unique(table["source"].astype(np.int64) * n_labels + table["target"])) != len(table):
            raise ValueError(f"{name}: a feature is written twice")
    state = np.zeros((n_attrs + 1, n_labels))
    weights = state_rows["weight"]
    state[state_rows["source"], state_rows["target"]] = np.where(np.abs(weights) > _TINY, weights, 0.0)
    transition = np.zeros((n_labels, n_labels))
    transition[moves["source"], moves["target"]] = moves["weight"]
    return CrfModel(tuple(labels), tuple(attributes), state, transition)


class Decoder:
    """underthesea_core's Viterbi decoding (`CRFTagger.tag_with_score`) over attribute ids."""

    def __init__(self, model: CrfModel) -> None:
        self.labels = model.labels  # (the attribute strings are not kept: ids are looked up by IdColumns)
        self.unknown = model.unknown
        self.state = model.state
        self._moves = model.transition.tolist()  # Python floats: the same float64 values
        self._largest_state = float(np.abs(model.state).max(initial=0.0))
        self._largest_move = float(np.abs(model.transition).max(initial=0.0))

    def state_scores(self, ids: np.ndarray | Sequence[Sequence[int]]) -> np.ndarray:
        """(words, labels) scores of a phrase from each template's attribute id at each word
        ((templates, words), in template order), summed in that order: numpy reduces the first
        axis of the (templates, words, labels) weights row after row, each template's weights
        added to the sum of those before (it sums pairwise only along the innermost axis), the
        same sums as a cumulative sum's last row, which would also keep every partial sum. The load probe and tests/test_nlp.py check the scores bit for bit."""
        if not isinstance(ids, np.ndarray):
            ids = np.asarray(ids, dtype=np.intp)
        gathered = self.state.take(ids, axis=0)  # (templates, words, labels)
        return np.add.reduce(gathered, axis=0)

    def surely(self, label: str, ids: np.ndarray, k: int, first: bool, last: bool, length: int) -> bool:
        """Whether every best path of a phrase of `length` words gives one of its words the label
        `label`, from that word's state scores and the transitions alone, without decoding the
        phrase. `ids[:, k]` are the word's attribute ids (`ids` as `decode` takes them, for the
        phrase or a run of it); `first`/`last`: whether it is the phrase's first/last word.

        A swap argument: take any path giving the word another label `y`; giving it `label`
        instead, the rest unchanged, adds the state difference and the two transition
        differences, whatever the labels either side are:
        `state[label] - state[y] + min over p of (T[p][label] - T[p][y]) + min over q of
        (T[label][q] - T[y][q])` (no `p` term for the first word, no `q` term for the last).
        When that is more than the rounding of the float sums (`_rounding`, a bound over every
        path of the phrase) for every `y`, no path labelling the word `y` can be best, a tie
        included. False means "not shown", not that the label is another.
        """
        scores = self.state_scores(ids[:, k : k + 1])[0].tolist()  # the word's sums, as in the whole phrase
        best = self.labels.index(label)
        moves = self._moves
        span = range(len(self.labels))
        tolerance = self._rounding(len(ids), length)
        for y in span:
            if y == best:
                continue
            gain = scores[best] - scores[y]
            if not first:
                gain += min(moves[p][best] - moves[p][y] for p in span)
            if not last:
                gain += min(moves[best][q] - moves[y][q] for q in span)
            if not gain > tolerance:
                return False
        return True

    def _rounding(self, templates: int, length: int) -> float:
        """A bound, with room to spare (16x), on how far `surely`'s difference, or the float score
        of any path of a phrase of `length` words read by `templates` templates, can be from its
        exact value: each of its additions rounds by at most half an ulp of a partial sum, and no
        partial sum exceeds the most a path can add in absolute value."""
        additions = length * (templates + 1) + 8
        most = length * (templates * self._largest_state + self._largest_move)
        return 16 * additions * most * 2.0**-53

    def decode(self, ids: np.ndarray | Sequence[Sequence[int]]) -> tuple[list[str], float]:
        """The best labels of a phrase and their score, as `tag_with_score` gives them."""
        if not len(ids) or not len(ids[0]):
            return [], 0.0
        scores = self.state_scores(ids).tolist()
        if len(self.labels) == 2:
            return self._decode_two(scores)
        moves = self._moves
        n_labels = len(self.labels)
        span = range(n_labels)
        previous = scores[0]
        back: list[list[int]] = []
        for state in scores[1:]:
            current = []
            pointers = []
            for y in span:
                best = -np.inf
                best_from = 0
                for y_from in span:
                    s = previous[y_from] + moves[y_from][y]
                    if s > best:
                        best = s
                        best_from = y_from
                current.append(best + state[y])
                pointers.append(best_from)
            previous = current
            back.append(pointers)
        best = -np.inf
        label = 0
        for y in span:
            if previous[y] > best:
                best = previous[y]
                label = y
        return self._path(label, back), best

    def _decode_two(self, scores: list[list[float]]) -> tuple[list[str], float]:
        """`decode`'s Viterbi for a model of two labels (the word segmenter's `B-W`, `I-W`),
        written out: the same additions and comparisons in the same order, so the same path and
        score. (Every sum is finite, so the first candidate always beats the loop's `-inf`.)"""
        (m00, m01), (m10, m11) = self._moves
        p0, p1 = scores[0]
        back: list[tuple[int, int]] = []
        for e0, e1 in scores[1:]:
            a, b = p0 + m00, p1 + m10  # into label 0 from 0, from 1: the lower label wins a tie
            c, d = p0 + m01, p1 + m11  # into label 1
            from0 = 1 if b > a else 0
            from1 = 1 if d > c else 0
            back.append((from0, from1))
            p0 = (b if from0 else a) + e0
            p1 = (d if from1 else c) + e1
        label, best = (1, p1) if p1 > p0 else (0, p0)
        return self._path(label, back), best

    def _path(self, label: int, back: Sequence[Sequence[int]]) -> list[str]:
        """The labels of the best path ending in `label`, read back through each word's pointers."""
        path = [label]
        for pointers in reversed(back):
            label = pointers[label]
            path.append(label)
        path.reverse()
        return [self.labels[y] for y in path]
