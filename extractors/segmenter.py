"""underthesea's word segmentation (`underthesea.word_tokenize`), the same words for less work.

`word_tokenize` is three steps: its regex tokenizer cuts the text into syllables and marks
(`regex_tokenize.tokenize`), a Rust featurizer (`CRFFeaturizer.process`) writes 43 feature
strings per syllable, and a CRF (`CRFTagger.tag`) tags each syllable as the start (`B-W`) or the
inside (`I-W`) of a word. The featurizer rebuilds every n-gram for every template of every
syllable and costs twice the tagging, and the tagger hashes each string back to the model's
attribute id. Here the features are the model's attribute ids (`crf_features.IdColumns`: one
look-up per n-gram for every template that reads it) and the CRF is decoded from the model's
weights (`crf_model.Decoder`: the same float additions in the same order, so the same tags and
score); the tokens are read from the regex's match (`m.group()`) instead of a dictionary of its
16 named groups per token.

The model's templates, dictionary and weights are read from underthesea's model folder, and a
probe of awkward tokens (numbers, signs, marks, capitals, dictionary words) is featurized and
tagged both ways once: if underthesea's layout has changed or one feature string differs,
`word_tokenize` is underthesea's own function; if the decoded tags or their score differ from
its tagger's, the strings the model has a weight for (`crf_features.Featurizer`) go to its
tagger instead, and if those differ too underthesea's own function is used (tests/test_nlp.py
compares them on a table of phrases, every phrase of the corpora and random syllables).
"""

from __future__ import annotations

import hashlib
import pickle
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from extractors.crf_features import (
    Featurizer,
    GramFunction,
    Grams,
    IdColumns,
    Template,
    known_values,
    parse_templates,
)
from extractors.crf_model import Decoder, read_model

_I32 = (-(2**31), 2**31 - 1)

# Tokens on which the featurizer's functions could disagree with a re-implementation: digits
# with signs and beyond 32 bits, marks, capitals of Vietnamese letters, dictionary n-grams.
_PROBE = (
    "Ngày 15/3/2025, UBND tỉnh Thừa Thiên Huế ban hành Kế hoạch số 215/KH-UBND: 100% hồ sơ "
    "(trừ hồ sơ mật) đạt 2.147.483.648 đồng, 2147483648 và 2147483647, +5 -3 - +; TP.HCM, "
    "e-mail so@tttt.gov.vn, Th.S Nguyễn Văn A; ĐẠI HỘI, Ðiều hành ðô thị, hoà nhập, thuỷ lợi … "
    "“chuyển đổi số” 4.0 ¼ ² Σίσυφος İstanbul ǅ"
)


def _rust_isdigit(word: str) -> str:
    """`isdigit` as the Rust featurizer writes it: whether the text parses as a 32-bit integer
    (an optional sign, then ASCII digits), not Python's `str.isdigit`."""
    body = word[1:] if word[:1] in "+-" else word
    if not (body.isascii() and body.isdigit()):
        return "False"
    return str(_I32[0] <= int(word) <= _I32[1])


def _rust_istitle(word: str) -> bool:
    """`istitle` as the Rust featurizer reads it: every space-separated part starts with a
    character that its upper case leaves unchanged (a digit or a mark counts), not `str.istitle`."""
    if " " not in word:
        return word[:1] == word[:1].upper()
    return all(part[:1] == part[:1].upper() for part in word.split(" "))


class _SyllableValues:
    """The Rust featurizer's value of each template over the syllables of one phrase, each
    (width, function) computed once.

    `istitle` of an n-gram is that of each syllable, all together: the n-gram's space-separated
    parts are its syllables' parts, since `" ".join(a).split(" ")` is the parts of each `a`.
    """

    def __init__(self, tokens: list[str], dictionary: frozenset[str]) -> None:
        self.grams = Grams(tokens)
        self.dictionary = dictionary
        self._cache: dict[tuple[int, str | None], list[str]] = {}

    def __call__(self, t: Template) -> list[str]:
        return self._values(t.width, t.function)

    def _values(self, width: int, function: str | None) -> list[str]:
        key = (width, function)
        values = self._cache.get(key)
        if values is None:
            values = self._cache[key] = self._compute(width, function)
        return values

    def _compute(self, width: int, function: str | None) -> list[str]:
        if function is None:
            return self.grams.joined(width)
        if function == "lower":
            return [g.lower() for g in self.grams.joined(width)]
        if function == "is_in_dict":
            d = self.dictionary
            return ["True" if g in d else "False" for g in self._values(width, "lower")]
        if function == "istitle":
            if width == 0:
                return [str(_rust_istitle(token)) for token in self.grams.words]
            title = self._values(0, "istitle")
            return ["False" if "False" in title[j : j + width + 1] else "True" for j in range(len(title) - width)]
        if function == "isdigit":  # an integer ends with a digit: most syllables are answered by that test
            return [_rust_isdigit(g) if g[-1:].isdigit() else "False" for g in self.grams.joined(width)]
        raise ValueError(f"no such feature function {function!r}")


def syllable_functions(dictionary: frozenset[str]) -> dict[str, GramFunction]:
    """The Rust featurizer's functions of n-grams of syllables, as `_SyllableValues` computes
    them over a whole phrase, for the n-grams wanted only. The lower case of a phrase's n-grams
    of one width is made once, for `lower` and `is_in_dict` both."""
    truth = ("False", "True")

    def lowered(grams: Grams, width: int, at: list[int]) -> list[str]:
        key = f"lower{width}"
        low = grams.derived.get(key)
        if low is None:
            low = grams.derived[key] = list(map(str.lower, grams.joined(width)))
        return [low[j] for j in at]

    def is_in_dict(grams: Grams, width: int, at: list[int]) -> list[str]:
        return [truth[g in dictionary] for g in lowered(grams, width, at)]

    def istitle(grams: Grams, width: int, at: list[int]) -> list[str]:
        title = grams.derived.get("istitle")
        if title is None:
            title = grams.derived["istitle"] = [str(_rust_istitle(token)) for token in grams.words]
        if width == 0:
            return [title[j] for j in at]
        return ["False" if "False" in title[j : j + width + 1] else "True" for j in at]

    def isdigit(grams: Grams, width: int, at: list[int]) -> list[str]:
        joined = grams.joined(width)
        return [_rust_isdigit(g) if g[-1:].isdigit() else "False" for g in (joined[j] for j in at)]

    return {"lower": lowered, "is_in_dict": is_in_dict, "istitle": istitle, "isdigit": isdigit}


class Segmenter:
    """underthesea's word segmenter, featurized here and tagged by its own CRF, or decoded here
    from the model's weights when `decoder` is given (`crf_model`: the same tags and score)."""

    FUNCTIONS = ("lower", "is_in_dict", "istitle", "isdigit")

    def __init__(
        self,
        tagger: Any,
        featurizer: Featurizer,
        dictionary: frozenset[str],
        decoder: tuple[IdColumns, Decoder] | None = None,
    ) -> None:
        self.tagger = tagger
        self.featurizer = featurizer
        self.dictionary = dictionary
        self.decoder = decoder

    def features(self, tokens: list[str]) -> list[tuple[str, ...]]:
        """The features of each syllable that the model has a weight for, in underthesea's order."""
        return self.featurizer.rows(len(tokens), _SyllableValues(tokens, self.dictionary))

    def tag_with_score(self, tokens: list[str]) -> tuple[list[str], float]:
        """The tags of the syllables and their score, as underthesea's tagger gives them."""
        if self.decoder is None:
            tags, score = self.tagger.tag_with_score(self.features(tokens))
            return list(tags), score
        columns, decoder = self.decoder
        return decoder.decode(columns.columns(len(tokens), (Grams(tokens),)))

    def never_one_word(self, tokens: list[str], first: int, last: int) -> bool:
        """Whether `words` surely does not make `tokens[first : last + 1]` one word, shown from the
        model's weights without decoding the phrase (False: not shown, or no decoder).

        The tokens are one word only when token `first` starts a word (it is the first, or not
        `I-W`), every later one of them is `I-W` and the token after them is not. So it is shown
        when `Decoder.surely` finds token `first` surely `I-W` (after another), one inside
        surely `B-W`, or the one after surely `I-W`: a word's label is read from the tokens
        either side of it (the templates' reach), so only those around the run are featurized.
        """
        if self.decoder is None:
            return False
        columns, decoder = self.decoder
        if sorted(decoder.labels) != ["B-W", "I-W"]:
            return False
        n = len(tokens)
        checks = [(p, "B-W") for p in range(first + 1, last + 1)]
        if first > 0:
            checks.append((first, "I-W"))
        if last + 1 < n:
            checks.append((last + 1, "I-W"))
        if not checks:
            return False
        before, after = columns.reach
        lo = max(0, min(p for p, _ in checks) - before)
        hi = min(n, max(p for p, _ in checks) + after + 1)
        ids = columns.columns(hi - lo, (Grams(tokens[lo:hi]),))
        return any(decoder.surely(label, ids, p - lo, p == 0, p == n - 1, n) for p, label in checks)

    def words(self, text: str, use_token_normalize: bool) -> list[str]:
        """`underthesea.word_tokenize(text, use_token_normalize=...)`."""
        tokens = regex_tokens(text, use_token_normalize)
        if not tokens:
            return []
        tags = self.tag_with_score(tokens)[0] if self.decoder else self.tagger.tag(self.features(tokens))
        words: list[str] = []
        for tag, token in zip(tags, tokens, strict=True):
            if tag == "I-W" and words:
                words[-1] = words[-1] + " " + token
            else:
                words.append(token)
        return words


def regex_tokens(text: str, use_token_normalize: bool) -> list[str]:
    """underthesea's regex tokens of `text` (`regex_tokenize.tokenize`), read by `_tokens`."""
    normalizers = _normalizers()
    tokens = _tokens(normalizers.characters(text))
    if use_token_normalize:
        token_normalize, token_map = normalizers.token, normalizers.token_map
        if token_map is None:
            return [token_normalize(token) for token in tokens]
        # `_Normalizers.token_map`: a token in NFC of that text is its own rewrite
        return [
            t if len(t) > 6 else token_map.get(t, t) if unicodedata.is_normalized("NFC", t) else token_normalize(t)
            for t in tokens
        ]
    return tokens


# The source of underthesea's token_normalize and character_normalize modules that
# `_Normalizers.token_map` was worked out for (see there).
_NORMALIZER_SHA256 = "e4a0ddcab30095c6"


@dataclass(frozen=True)
class _Normalizers:
    """underthesea's text and token normalizers, looked up once (an import statement per call
    costs more than a short phrase's normalizing).

    `token_map` is underthesea's own when a token's normalizing is a look-up in it, else None.
    `token_normalize(t)` keeps a token longer than six characters; else it rewrites it as the
    whole text was (NFC, then each `character_map` key replaced) and looks the result up in
    `token_map`. A token of that text in NFC is its own rewrite: the text holds no key any more
    (no replacement writes one: checked on the map), so neither does the token. So only a token
    that is not in NFC (a piece of a text in NFC need not be) is passed to the function. This
    holds for the modules whose source `_NORMALIZER_SHA256` names.
    """

    characters: Callable[[str], str]
    token: Callable[[str], str]
    token_map: Mapping[str, str] | None


@lru_cache(maxsize=1)
def _normalizers() -> _Normalizers:
    import inspect
    import sys

    from underthesea.pipeline.text_normalize import character_normalize, token_normalize
    from underthesea.pipeline.text_normalize.character_normalize import normalize_characters_in_text
    from underthesea.pipeline.text_normalize.text_normalizer import character_map, token_map

    sources = inspect.getsource(sys.modules[token_normalize.__module__]) + inspect.getsource(character_normalize)
    shortcut = (
        hashlib.sha256(sources.encode()).hexdigest()[:16] == _NORMALIZER_SHA256
        and not any(key in value for value in character_map.values() for key in character_map)
    )
    return _Normalizers(normalize_characters_in_text, token_normalize, token_map if shortcut else None)


# The text of underthesea's combined pattern that `_tokens` was worked out for (see there).
_PATTERN_SHA256 = "ed7f6df4bba1133b"


def _tokens(text: str) -> list[str]:
    r"""The matches of underthesea's combined pattern in `text`, each read by `m.group()`.

    Each alternative of the pattern is one named group that spans it, and underthesea's
    `extract_match` returns the first named group that matched: the whole match.

    Most chunks of a phrase (runs of non-space characters) are plain syllables, which the pattern
    takes whole, but only after trying its 13 other alternatives on them; here a text test finds
    them instead. For the pattern whose text `_PATTERN_SHA256` names:
    - no alternative matches a space, and only the abbreviation `Th.S` (`.` is any character)
      matches across one, so a match never crosses from one chunk to the next except from a
      chunk ending in `Th`;
    - a chunk of letters only (`str.isalpha`), without underthesea's `ʺ` (a letter that is also
      one of its marks) and not opening with `Th`, can start no alternative but `\w+`, which
      takes it whole;
    - a match looks at most one character back (`\b`, `(?<!@)`) and two ahead (`(?=\s)`, `$`).
    So such a chunk, unless it follows one ending in `Th`, is one token; the other chunks are
    matched as underthesea does, with one character before them and two after them in view.
    For another pattern (another underthesea, or its `fixed_words`) every chunk is matched.
    """
    pattern = _regex_tokenize().patterns  # read each time: its `fixed_words` may have replaced it
    if _pattern_digest(pattern.pattern) != _PATTERN_SHA256:
        return [m.group() for m in pattern.finditer(text)]
    tokens: list[str] = []
    run_start = run_end = -1  # the chunks not known to be one token, waiting to be matched
    after_th = False
    pos = 0
    for chunk in text.split():
        start = text.find(chunk, pos)
        pos = start + len(chunk)
        if after_th or not chunk.isalpha() or "ʺ" in chunk or chunk.startswith("Th"):
            run_start = start if run_start < 0 else run_start
            run_end = pos
        else:
            if run_start >= 0:
                tokens.extend(_matches(pattern, text, run_start, run_end))
                run_start = -1
            tokens.append(chunk)
        after_th = chunk.endswith("Th")
    if run_start >= 0:
        tokens.extend(_matches(pattern, text, run_start, run_end))
    return tokens


def _matches(pattern: Any, text: str, start: int, end: int) -> list[str]:
    """The pattern's matches that start in `text[start:end]`, read with two characters after it in view."""
    return [m.group() for m in pattern.finditer(text, start, min(len(text), end + 2)) if m.start() < end]


@lru_cache(maxsize=1)
def _regex_tokenize() -> Any:
    """underthesea's regex tokenizer module, imported once."""
    from underthesea.pipeline.word_tokenize import regex_tokenize

    return regex_tokenize


@lru_cache(maxsize=4)
def _pattern_digest(pattern: str) -> str:
    return hashlib.sha256(pattern.encode()).hexdigest()[:16]


def word_tokenize(text: str, use_token_normalize: bool = True) -> list[str]:
    """The words of `underthesea.word_tokenize(text, use_token_normalize=...)`, by `Segmenter`
    when underthesea's layout is the one checked, else by underthesea itself."""
    segmenter = get_segmenter()
    if segmenter is None:
        from underthesea import word_tokenize as underthesea_word_tokenize

        return list(underthesea_word_tokenize(text, use_token_normalize=use_token_normalize))
    return segmenter.words(text, use_token_normalize)


def _load_set(path: Path) -> set[str]:
    """The dictionary underthesea saved with joblib: a plain pickle of a set, read by the C
    unpickler (four times faster than joblib's Python one), else by joblib."""
    import joblib

    with path.open("rb") as f:
        try:
            data = pickle.load(f)
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
            data = None
    return data if isinstance(data, set) else set(joblib.load(path))


def _fast_segmenters(
    tagger: Any, every: Featurizer, dictionary: frozenset[str], model: Path
) -> Iterator[Segmenter]:
    """The segmenters to try, fastest first, each built only when the one before it is refused:
    decoding from the model's weights, then underthesea's tagger given only the features the model
    has a weight for (every feature when the model's attributes cannot be read). `every` is the
    featurizer writing every string, already built for the probe: the decoder keeps it for `features`."""
    templates = every.templates
    try:
        crf = read_model(model)
    except (OSError, ValueError, UnicodeDecodeError):
        crf = None
    if crf is not None:
        attribute_ids = {a: i for i, a in enumerate(crf.attributes)}
        columns = IdColumns(templates, attribute_ids, crf.unknown, syllable_functions(dictionary))
        yield Segmenter(tagger, every, dictionary, (columns, Decoder(crf)))
    try:
        known: dict[str, set[str]] | None = known_values(model)
    except (OSError, ValueError, UnicodeDecodeError):  # not read: every feature is written
        known = None
    yield Segmenter(tagger, Featurizer(templates, known), dictionary)


@lru_cache(maxsize=1)
def get_segmenter() -> Segmenter | None:
    """underthesea's loaded word-segmentation model with its templates, dictionary and weights,
    or None when its layout differs from the one read here or the probe's features or tags differ
    from underthesea's.

    The probe's features must be those of underthesea's featurizer, and a faster segmenter
    (`_fast_segmenters`) must give the probe's tags and score exactly as underthesea's tagger
    does: the first that does is used.
    """
    try:
        import joblib
        from underthesea import word_tokenize as underthesea_word_tokenize
        from underthesea.pipeline import word_tokenize as ws
        from underthesea.pipeline.word_tokenize import regex_tokenize

        underthesea_word_tokenize("khởi động")  # loads underthesea's model
        model = ws.word_tokenize_model
        folder = Path(ws.__file__).parent / "models" / "ws_crf_vlsp2013_20230727"
        templates = parse_templates(joblib.load(folder / model.path_features))
        if any(t.column != 0 or (t.function is not None and t.function not in Segmenter.FUNCTIONS) for t in templates):
            return None
        dictionary = frozenset(_load_set(folder / model.path_dictionary))
        every = Segmenter(model.estimator, Featurizer(templates), dictionary)  # every string, as underthesea writes
        normalized = regex_tokenize.normalize_characters_in_text(_PROBE)
        if _tokens(normalized) != [regex_tokenize.extract_match(m)[0] for m in regex_tokenize.patterns.finditer(normalized)]:
            return None
        expected: list[tuple[list[str], tuple[list[str], float]]] = []  # tokens, their tags and score
        for tokens in ([], ["số"], ["Số", "5"], regex_tokens(_PROBE, True), regex_tokens(_PROBE, False)):
            features = every.features(tokens)
            if features != [tuple(f) for f in model.featurizer.process([[[t] for t in tokens]])[0]]:
                return None
            if tokens:
                tags, score = model.estimator.tag_with_score(features)
                expected.append((tokens, (list(tags), score)))
        for segmenter in _fast_segmenters(model.estimator, every.featurizer, dictionary, folder / model.path_model):
            if all(segmenter.tag_with_score(tokens) == tagged for tokens, tagged in expected):
                return segmenter
    except (ImportError, AttributeError, OSError, ValueError, TypeError, KeyError, IndexError, UnicodeDecodeError):
        return None
    return None
