"""Candidates to validated records: the one door between extractors and output."""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Callable, Iterable
from typing import Any

from schemas.fields import TARGET_FIELDS, choices, is_optional
from schemas.plan import Plan, Target

# Closed-set fields that may be null: a candidate's empty string there means "none".
_BLANK_IS_NONE = tuple(n for n in TARGET_FIELDS if choices(Target, n) is not None and is_optional(Target, n))

_ABSENT = object()  # a field the candidate does not carry (one getattr per field, not hasattr then getattr)

# A target's derived fields (its national indicator, its confidence) from its candidate and the
# fields about to be validated: computed before validation, so each target is built once.
Derive = Callable[[object, dict[str, Any]], dict[str, Any]]


_Getter = tuple[tuple[str, ...], Callable[[object], dict[str, Any]]]
_GETTERS: dict[type, _Getter | None] = {}  # by candidate kind (code, not data: a handful per process)


def _carried_by(kind: type) -> _Getter | None:
    """`_getter(kind)`, made once per kind."""
    if kind not in _GETTERS:
        _GETTERS[kind] = _getter(kind)
    return _GETTERS[kind]


def _getter(kind: type) -> _Getter | None:
    """The `Target` fields every candidate of a dataclass `kind` carries (its fields and class
    attributes: a dataclass instance has each of them), and one reader of them all by name,
    instead of one `getattr` per field per candidate. None for other kinds, whose instances may
    differ in what they carry: they are read field by field."""
    if not dataclasses.is_dataclass(kind):
        return None
    # every field but one that __init__ leaves unset (init=False without a default)
    own = {f.name for f in dataclasses.fields(kind)
           if f.init or f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING}
    names = tuple(n for n in TARGET_FIELDS if n in own or hasattr(kind, n))
    if len(names) < 2:  # attrgetter of one name returns the value, not a tuple
        return None
    fields = [f.name for f in dataclasses.fields(kind)]
    if own.issuperset(names) and "__slots__" not in kind.__dict__ and tuple(n for n in fields if n in names) == names:
        # every one an instance field, in the same order: the instance's own dict, less the others
        others = tuple(n for n in fields if n not in names)
        return names, functools.partial(_instance_fields, names, frozenset(names), others)
    read = operator.attrgetter(*names)
    return names, lambda candidate: dict(zip(names, read(candidate), strict=True))


def _instance_fields(
    names: tuple[str, ...], wanted: frozenset[str], others: tuple[str, ...], candidate: object
) -> dict[str, Any]:
    """The `names` fields of a dataclass instance that keeps every field in its `__dict__`: the
    dict copied and the `others` left out, a third of the time of building it name by name. An
    instance holding anything else (an attribute set after `__init__`, a field deleted from its
    dict: `wanted` is `names` as a set) is read name by name."""
    data = dict(vars(candidate))
    for name in others:
        data.pop(name, None)
    if data.keys() != wanted:
        data = {n: getattr(candidate, n) for n in names}
    return data


def target_data(candidate: object, derive: Derive | None = None) -> dict[str, Any]:
    """One candidate's `Target` fields: every field it carries, by name (schemas/fields.py).

    Fields the candidate does not carry keep the model's default, unless `derive` computes them
    from the candidate and its other fields. A candidate without an indicator phrase falls back to its quote.
    """
    carried = _carried_by(type(candidate))
    if carried is not None:
        data = carried[1](candidate)
    else:
        data = {n: v for n in TARGET_FIELDS if (v := getattr(candidate, n, _ABSENT)) is not _ABSENT}
    for name in _BLANK_IS_NONE:
        data[name] = data.get(name) or None
    data["indicator"] = data.get("indicator") or data.get("quote")
    if derive is not None:
        data.update(derive(candidate, data))
    return data


def build_plan(
    *,
    doc_id: str,
    text: str,
    candidates: Iterable[object],
    fields: dict[str, Any],
    derive: Derive | None = None,
) -> Plan:
    """Validate the `Plan` with every candidate as a `Target` (with the fields `derive` adds),
    then its offsets.

    `fields` are the document's fields by their `Plan` names; an unknown name is refused
    (the model forbids extras). A candidate that fails validation is a bug of the
    extractor, so it raises (naming `targets.<i>.<field>`) rather than being dropped silently.
    The targets are validated as plain data inside the plan: a `Target` built beforehand
    would run its model checks twice.
    """
    targets = [target_data(c, derive) for c in candidates]
    plan = Plan.model_validate({"doc_id": doc_id, **fields, "targets": targets})
    plan.check_offsets(text)
    return plan
