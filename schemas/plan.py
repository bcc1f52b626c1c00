"""The plan record: one document and every target it states (labelling guide §3–4).

Only this module turns extractor candidates and gold JSON into validated records, so an
impossible value (a 120 % level, a year 3025, an inverted span) is refused at one door with
a message that names the field.
"""

from __future__ import annotations

import datetime as dt
import math
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MIN_YEAR = 1990
MAX_YEAR = 2100

Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]


class Unit(str, Enum):
    """What the value counts (guide §3)."""

    PERCENT = "percent"
    RANK = "rank"
    COUNT = "count"


class Comparator(str, Enum):
    """How the value bounds the outcome (guide §3)."""

    EQ = "="
    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"
    APPROX = "~"


class Direction(str, Enum):
    """A level to reach, or a change to make (guide §3)."""

    LEVEL = "level"
    INCREASE = "increase"
    DECREASE = "decrease"


class Scope(str, Enum):
    """The administrative level the target is about (guide §3)."""

    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"


class Pillar(str, Enum):
    """The three pillars of the national digital-transformation programme."""

    GOVERNMENT = "government"
    ECONOMY = "economy"
    SOCIETY = "society"


class Target(BaseModel):
    """One quantified commitment: one value for one scope (guide §2–3)."""

    model_config = ConfigDict(extra="forbid", use_enum_values=False)

    value: float
    value_max: float | None = None
    unit: Unit
    comparator: Comparator = Comparator.EQ
    direction: Direction = Direction.LEVEL
    indicator: str = Field(min_length=1)
    scope: Scope | None = None
    deadline_year: Year | None = None
    pillar: Pillar | None = None
    achieved: bool = False
    quote: str = Field(min_length=1)
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    sentence: str | None = None
    indicator_id: str | None = Field(
        default=None,
        description="The national indicator this target restates (extractors/lexicon/indicators.yaml); null when none fits",
    )
    indicator_rule: str | None = Field(
        default=None, description="The id of the indicator rule that matched (provenance of indicator_id)"
    )
    confidence: float | None = Field(
        default=None, ge=0, le=1,
        description="How likely this predicted target is right in every strict field (0..1), from the evidence "
                    "behind it (extractors/confidence.py), calibrated on gold; null in gold records",
    )
    rules: dict[str, str] | None = Field(
        default=None,
        description="Provenance: the id of the extractor rule that set each field (see `chitieu explain`); absent in gold",
    )

    @field_validator("value", "value_max")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and not math.isfinite(v):
            raise ValueError("must be a finite number")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Target:
        if self.value < 0:
            raise ValueError(f"value: {self.value} is negative")
        if self.value_max is not None and self.value_max < self.value:
            raise ValueError(f"value_max: {self.value_max} is below value {self.value}")
        if self.unit is Unit.PERCENT and self.direction is Direction.LEVEL:
            for name, v in (("value", self.value), ("value_max", self.value_max)):
                if v is not None and v > 100:
                    raise ValueError(f"{name}: a percent level must lie in 0..100, got {v}")
        if self.unit is Unit.RANK and self.value < 1:
            raise ValueError(f"value: a rank must be at least 1, got {self.value}")
        if (self.start is None) != (self.end is None):
            raise ValueError("start/end: give both offsets or neither")
        if self.start is not None and self.end is not None:
            if self.start > self.end:
                raise ValueError(f"start: {self.start} is after end {self.end}")
            if self.end - self.start != len(self.quote):
                raise ValueError(
                    f"end: span {self.start}..{self.end} has length {self.end - self.start}"
                    f" but quote has {len(self.quote)} characters"
                )
        return self

    def to_json(self) -> dict[str, Any]:
        """Plain JSON dict in guide field order, numbers written as the text wrote them."""
        data = self.model_dump(mode="json")
        for key in ("value", "value_max"):
            v = data[key]
            if isinstance(v, float) and v.is_integer():
                data[key] = int(v)
        return data


class Plan(BaseModel):
    """A document and its targets: the record `chitieu extract` writes (guide §4)."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str = Field(min_length=1)
    source: str | None = None
    media_type: str | None = None
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    province: str | None = None
    province_current: str | None = Field(
        default=None,
        description="The province today (after the merger of 1 July 2025) of `province`; `Việt Nam` for the nation",
    )
    doc_type: str | None = None
    doc_number: str | None = None
    issued: dt.date | None = None
    extractor_version: str | None = None
    metadata: dict[str, str] = Field(
        default_factory=dict,
        description="What ingest learnt about the file: page title, published date, legacy encoding, OCR'd pages",
    )
    targets: list[Target] = Field(default_factory=list)

    @field_validator("issued")
    @classmethod
    def _issued_in_range(cls, v: dt.date | None) -> dt.date | None:
        if v is not None and not (MIN_YEAR <= v.year <= MAX_YEAR):
            raise ValueError(f"year {v.year} is outside {MIN_YEAR}..{MAX_YEAR}")
        return v

    def check_offsets(self, text: str) -> None:
        """Refuse a record whose spans do not point at their quotes in `text`."""
        for i, t in enumerate(self.targets):
            if t.start is None or t.end is None:
                continue
            if text[t.start : t.end] != t.quote:
                raise ValueError(
                    f"targets.{i}.start: text[{t.start}:{t.end}] is not the quote {t.quote!r}"
                )

    def to_json(self) -> dict[str, Any]:
        """Plain JSON dict with targets in guide field order."""
        data = self.model_dump(mode="json", exclude={"targets"})
        data["targets"] = [t.to_json() for t in self.targets]
        return data


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema that `chitieu schema` prints: every field described (schemas/docs.py)."""
    from schemas.docs import describe_schema

    return describe_schema(Plan.model_json_schema())
