"""How far to trust each extracted target: a confidence in [0, 1] from the evidence behind it.

Why: analysts filter and reviewers triage by it (`--min-confidence`, Label Studio's
`score`).  A target is as good as the rules that made it: a year written in its own
clause is safer than one carried from a line above, a comparator read from a word in its
clause safer than the default, a target in a bare list item less safe than one in a full
sentence.  Each such piece of evidence is a *feature* with a few values; the weights are
data (`lexicon/confidence.yaml`), fitted on gold by `bench/calibrate_confidence.py`:

    logit(confidence) = logit(base) + shrink * sum over features of weight[feature][value]

where `weight[f][v]` is the log-odds by which targets with that value were strictly right
more or less often than all targets (smoothed towards 0 for rare values), and `shrink`
(fitted too) discounts features that tell the same story twice.  A value the weights do
not know counts 0.  This module only reads evidence the extractor already recorded on its
candidate; it changes no field.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from extractors.nlp import phrase_cache

WEIGHTS_FILE = Path(__file__).with_name("lexicon") / "confidence.yaml"


FEATURES = ("year", "comparator", "list_item", "pillar", "scope", "unit", "range", "indicator", "national_indicator")


def evidence(candidate: Any, indicator_id: str | None = None) -> tuple[str, ...]:
    """The value of each of `FEATURES` for one candidate, in that order (all strings, for the weights table)."""
    year = getattr(candidate, "year_source", "") or "none"
    if getattr(candidate, "deadline_year", None) is None:
        year = "none"
    indicator = (getattr(candidate, "indicator", "") or "").split()
    return (
        year,
        "word" if getattr(candidate, "cmp_from_word", False) else "default",
        "yes" if getattr(candidate, "list_item", False) else "no",
        "set" if getattr(candidate, "pillar", None) else "none",
        "set" if getattr(candidate, "scope", None) else "none",
        str(getattr(candidate, "unit", "")),
        "yes" if getattr(candidate, "value_max", None) is not None else "no",
        "elided" if not indicator else ("short" if len(indicator) < 3 else "phrase"),
        "linked" if indicator_id else "none",
    )


def features(candidate: Any, indicator_id: str | None = None) -> dict[str, str]:
    """The evidence behind one candidate, as feature -> value."""
    return dict(zip(FEATURES, evidence(candidate, indicator_id), strict=True))


@lru_cache(maxsize=1)
def load_weights(path: Path = WEIGHTS_FILE) -> dict[str, Any]:
    """The fitted weights (base rate, shrink, per-feature log-odds)."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def score(feats: Mapping[str, str], weights: Mapping[str, Any] | None = None) -> float:
    """The confidence of a target with these features, rounded to 3 decimals."""
    return _Fitted.of(weights if weights is not None else load_weights()).score(feats.items())


_NO_WEIGHTS: Mapping[str, float] = {}


@dataclass(frozen=True)
class _Fitted:
    """The fitted weights as scoring reads them: the base rate's log-odds, the shrink and each
    feature's weights as floats, converted once instead of once per feature per target."""

    base_logit: float
    shrink: float
    table: Mapping[str, Mapping[str, float]]

    @classmethod
    def of(cls, w: Mapping[str, Any]) -> _Fitted:
        table: Mapping[str, Mapping[str, Any]] = w.get("weights") or {}
        return cls(_logit(float(w["base"])), float(w.get("shrink", 1.0)),
                   {f: {v: float(x) for v, x in values.items()} for f, values in table.items()})

    def score(self, feats: Iterable[tuple[str, str]]) -> float:
        """`logit(base) + shrink * sum of weight[feature][value]`, as a probability rounded to 3 decimals
        (the features summed in their order, a value the weights do not know counting 0)."""
        total = sum(self.table.get(f, _NO_WEIGHTS).get(v, 0.0) for f, v in feats)
        z = self.base_logit + self.shrink * total
        return round(1 / (1 + math.exp(-z)), 3)


_FITTED: list[tuple[Mapping[str, Any], _Fitted]] = []  # the weights `load_weights` gave, and their reading


def _fitted() -> _Fitted:
    """`load_weights()` read for scoring, once per process (again when its cache was cleared:
    `bench/calibrate_confidence.py --fit` writes new weights and reloads them)."""
    weights = load_weights()
    if not _FITTED or _FITTED[0][0] is not weights:
        _FITTED[:] = [(weights, _Fitted.of(weights))]
    return _FITTED[0][1]


def confidence(candidate: Any, indicator_id: str | None) -> float:
    """The confidence of the target built from `candidate` and linked to `indicator_id`."""
    return _score_of(evidence(candidate, indicator_id))


@phrase_cache
def _score_of(values: tuple[str, ...]) -> float:
    """`score` with the fitted weights, by feature values: a document's targets share a few dozen
    combinations of them, so each is scored once (forgotten by `clear_caches`, as phrase readings)."""
    return _fitted().score(zip(FEATURES, values, strict=True))
