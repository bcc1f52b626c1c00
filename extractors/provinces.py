"""Provinces across the merger of 1 July 2025: any spelling of a former or current name → the province today.

Plans written before the merger name provinces that no longer exist (Bình Dương is now part of
Hồ Chí Minh City, Quảng Bình of Quảng Trị), so comparing provinces needs the current unit
beside the name as written.  The data (`lexicon/provinces_2025.yaml`) is validated on load:
34 current units, 63 former ones, every code and name used once, so a typo in the file fails
at import with the file named instead of silently leaving a province unresolved.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, model_validator

from extractors.indicators import load_data
from extractors.lexicon import fold, template

DATA = Path(__file__).parent / "lexicon" / "provinces_2025.yaml"
N_CURRENT = 34
N_FORMER = 63
NATIONAL = "Việt Nam"

# A rank word before the name (`tỉnh Bình Dương`, `TP. Huế`, `Thành phố Hồ Chí Minh`) is not part of it.
_PREFIX_RE = regex.compile(template(r"^{PROVINCE_TITLE}\.?\s*"), regex.IGNORECASE)  # words: lexicon/fragments.yaml
_PUNCT_RE = regex.compile(r"[\s\-–.,]+")


class Former(BaseModel):
    """A province as it was before the merger, with its code of Quyết định 124/2004/QĐ-TTg."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    code: str = Field(pattern=r"^\d{2}$")


class Current(BaseModel):
    """A provincial unit since 1 July 2025 and the former provinces it joined."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^\d{2}$")
    name: str = Field(min_length=1)
    kind: Literal["tỉnh", "thành phố"]
    former: list[Former] = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)


class MergerData(BaseModel):
    """The whole file: 34 current units that together hold the 63 former ones exactly once."""

    model_config = ConfigDict(extra="forbid")
    current: list[Current]
    national: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> MergerData:
        if len(self.current) != N_CURRENT:
            raise ValueError(f"current: {len(self.current)} units, expected {N_CURRENT}")
        former = [f for c in self.current for f in c.former]
        if len(former) != N_FORMER:
            raise ValueError(f"former: {len(former)} provinces, expected {N_FORMER}")
        for what, values in (("current code", [c.code for c in self.current]),
                             ("current name", [c.name for c in self.current]),
                             ("former code", [f.code for f in former]),
                             ("former name", [f.name for f in former])):
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"{what} used twice: {', '.join(dupes)}")
        return self


def key(name: str) -> str:
    """The form names are compared in: NFC, new tone placement, lower case, no rank word or punctuation."""
    text = fold(unicodedata.normalize("NFC", name)).strip().lower()
    text = _PREFIX_RE.sub("", text)
    return _PUNCT_RE.sub(" ", text).strip()


class Provinces:
    """Lookups built once from the data file."""

    def __init__(self, data: MergerData) -> None:
        self.data = data
        self.by_code = {c.code: c for c in data.current}
        self._index: dict[str, Current] = {}
        for c in data.current:
            for name in (c.name, *c.aliases, *(f.name for f in c.former)):
                for k in {key(name), key(name).replace(" ", "")}:  # `Bình Dương`, `BìnhDương`
                    other = self._index.get(k)
                    if other is not None and other is not c:
                        raise ValueError(f"{DATA}: {name!r} names both {other.name} and {c.name}")
                    self._index[k] = c
        self._national = {key(n) for n in data.national}

    def resolve(self, name: str | None) -> Current | None:
        """The current unit a name (former, current, abbreviated) belongs to; None when unknown."""
        return self._unit_of_key(key(name)) if name else None

    def _unit_of_key(self, k: str) -> Current | None:
        """`resolve` of a name whose `key` is `k`."""
        return self._index.get(k) or self._index.get(k.replace(" ", ""))

    def is_national(self, name: str | None) -> bool:
        return bool(name) and key(name or "") in self._national

    def current_name(self, name: str | None) -> str | None:
        """`province_current` of a record: the current unit's name, `Việt Nam` for the nation, else None.
        (`is_national`, then `resolve`, with the name's `key` computed once: every record asks it.)"""
        if not name:
            return None
        k = key(name)
        if k in self._national:
            return NATIONAL
        unit = self._unit_of_key(k)
        return unit.name if unit else None

    def former_of(self, current: str) -> list[str]:
        """The former provinces a current unit joined (by its current name)."""
        unit = self.resolve(current)
        return [f.name for f in unit.former] if unit else []


@lru_cache(maxsize=1)
def get_provinces() -> Provinces:
    """The merger table, loaded and checked once per process."""
    return Provinces(load_data(DATA, MergerData))


def current_province(name: str | None) -> str | None:
    """The province today of a province name as a record writes it."""
    return get_provinces().current_name(name)
