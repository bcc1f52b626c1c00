"""What the extractor hands on: its candidates, the numbers it dropped, and why.

A number the text states but the plan does not record is the first thing an evaluator
asks about (`chitieu explain`, the HTML report). Each such number is a `Drop` naming
the rule that dropped it; an `Extraction` carries the drops beside the candidates, so
the record of *why* is made where the decision is made, not reconstructed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from schemas.plan import Unit

if TYPE_CHECKING:
    from extractors.numbers import Mention


@dataclass(frozen=True, slots=True)
class Drop:
    """A number that could be a target value and is not one: the rule id and its reason."""

    mention: Mention
    rule: str
    reason: str

    @property
    def unit(self) -> Unit:
        return Unit(self.mention.unit)

    @property
    def start(self) -> int:
        return self.mention.start

    @property
    def end(self) -> int:
        return self.mention.end


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything one pass over a document decided: the candidates kept and the drops, in text order."""

    candidates: tuple[Candidate, ...]
    drops: tuple[Drop, ...]


@dataclass(frozen=True)
class Candidate:
    """A target before validation: plain fields plus where it came from.

    Frozen: a stage that changes a record returns a new one (`dataclasses.replace`), so a
    record seen by one rule is never changed under another.
    """

    value: float
    value_max: float | None
    unit: str
    comparator: str
    direction: str
    indicator: str
    scope: str | None
    deadline_year: int | None
    pillar: str | None
    achieved: bool
    quote: str
    start: int
    end: int
    sentence: str
    year_source: str = ""
    cmp_from_word: bool = False
    list_item: bool = False
    clause_start: int = 0
    tail: str = ""
    paragraph_start: int = 0
    uncarried_year: int | None = None
    pillar_source: str = ""  # "section" (heading, lead-in, topic), "clause" or "" (guide §3 pillar)
    nested: bool = False  # inside a parenthesis opened after an earlier value of its clause
    mention: Mention | None = None  # the number this record reads (provenance, not output)
    rules: dict[str, str] = field(default_factory=dict)  # field -> id of the rule that set it
