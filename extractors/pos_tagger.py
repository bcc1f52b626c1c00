"""underthesea's POS tags of segmented words (`underthesea.pos_tag`'s default CRF), for less work.

underthesea's POS tagger is a CRF over features named by templates (`T[-1].lower`, `T[0,1]`,
`T[-2][1]`); its own featurizer (`tagged_feature.word2features`) rebuilds every column of the
phrase for every template of every word, so its cost grows with the square of the phrase. Here
the features are computed a column at a time (`crf_features`), only those the model has a weight
for, and tagged by underthesea's own model: the same tags (tests/test_nlp.py compares them with
`underthesea.pos_tag`). When underthesea's layout differs from the one read here, `tags` is None
and the caller uses `underthesea.pos_tag`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from extractors.crf_features import Featurizer, Grams, Template, known_values, parse_templates

# Words whose features exercise every template and function of the POS model: capitals, digits,
# marks, multi-syllable words, a phrase longer than the widest template.
_PROBE = ["UBND", "tỉnh", "Thừa Thiên Huế", "ban hành", "Kế hoạch", "số", "215/KH-UBND", ":", "100", "%", "hồ sơ", "."]


# The source of underthesea's `text_lower` and `text_istitle` (tagged_feature.py) that `_lower`
# and `_istitle` give the values of.
_FUNCTIONS_SHA256 = "3c5999e3db1ae56b"


@lru_cache(maxsize=1)
def _functions_digest() -> str:
    import inspect

    from underthesea.pipeline.pos_tag import tagged_feature as tf

    source = inspect.getsource(tf.text_lower) + inspect.getsource(tf.text_istitle)
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def _lower(words: list[str]) -> list[str]:
    """`text_lower` of each word: `word.lower()`."""
    return list(map(str.lower, words))


def _istitle(words: list[str]) -> list[str]:
    """`text_istitle` of each word, as its feature writes it: whether every space-separated part
    of the word starts with a character `istitle` holds of (False for an empty part, where it
    catches the IndexError, and for the empty word)."""
    return [str(all(part[:1].istitle() for part in word.split(" "))) for word in words]


class PosTagger:
    """underthesea's CRF POS model with its templates, featurized here."""

    def __init__(self, model: Any, featurizer: Featurizer) -> None:
        from underthesea.pipeline.pos_tag import tagged_feature as tf

        self.model = model
        self.featurizer = featurizer
        # `tagged_feature.apply_function`'s own table, without the dict it builds on every call
        self.functions: dict[str, Callable[[str], Any]] = {
            "lower": tf.text_lower, "istitle": tf.text_istitle, "isallcap": tf.text_isallcap,
            "isdigit": tf.text_isdigit, "is_in_dict": tf.text_is_in_dict,
        }
        # the same values of every word at once, for the functions `_FUNCTIONS_SHA256` names
        self.values_of: dict[str, Callable[[list[str]], list[str]]] = {}
        if _functions_digest() == _FUNCTIONS_SHA256:
            self.values_of = {"lower": _lower, "istitle": _istitle}

    def features(self, words: list[str]) -> list[tuple[str, ...]]:
        """The POS features of each word (`word2features` of the rows `(word, "X")`) that the model knows."""
        functions = self.functions
        values_of = self.values_of
        grams = (Grams(words), Grams(["X"] * len(words)))
        computed: dict[tuple[int, int, str | None], list[str]] = {}

        def values(t: Template) -> list[str]:
            key = (t.width, t.column, t.function)
            found = computed.get(key)
            if found is None:
                found = grams[t.column].joined(t.width)
                if t.function in values_of:
                    found = values_of[t.function](found)
                elif t.function is not None:
                    function = functions[t.function]
                    found = [str(function(g)) for g in found]  # as its f"{prefix}{result}" writes a bool
                computed[key] = found
            return found

        return self.featurizer.rows(len(words), values, fixed=(1,))  # column 1 is all `X`

    def tags(self, words: list[str]) -> list[str]:
        return list(self.model.tag(self.features(words))) if words else []


@lru_cache(maxsize=1)
def get_pos_tagger() -> PosTagger | None:
    """underthesea's POS model (its `pos_tag` default), or None when its layout has changed.

    The attributes the model knows are read from its file; when that file cannot be read so, every
    feature is written (the same tags, slower). The probe's features must be underthesea's own and
    tag alike both ways.
    """
    try:
        from underthesea.pipeline.pos_tag import model_crf
        from underthesea.pipeline.pos_tag.model_crf import CRFPOSTagPredictor
        from underthesea.pipeline.pos_tag.tagged_feature import word2features

        predictor = CRFPOSTagPredictor.Instance()
        template = list(predictor.transformer.template)
        templates = parse_templates(template)
        every = PosTagger(predictor.model, Featurizer(templates))
        rows = [(word, "X") for word in _PROBE]
        if every.features(_PROBE) != [tuple(word2features(rows, i, template)) for i in range(len(rows))]:
            return None
        try:
            known = known_values(Path(model_crf.__file__).parent / "pos_crf_2017_10_11.bin")
        except (OSError, ValueError, UnicodeDecodeError):
            return every
        tagger = PosTagger(predictor.model, Featurizer(templates, known))
        for words in (_PROBE, _PROBE[:1], _PROBE[1:3]):
            if tagger.model.tag_with_score(tagger.features(words)) != tagger.model.tag_with_score(every.features(words)):
                return every
    except (ImportError, AttributeError, ValueError, TypeError, KeyError, IndexError):
        return None
    return tagger
