"""What the extractor hands on besides its candidates: the numbers it dropped, and why.

A number the text states but the plan does not record is the first thing an evaluator
asks about (`chitieu explain`, the HTML report). Each such number is a `Drop` naming
the rule that dropped it; an `Extraction` carries the drops beside the candidates, so
the record of *why* is made where the decision is made, not reconstructed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from schemas.plan import Unit

if TYPE_CHECKING:
    from extractors.numbers import Mention
    from extractors.targets import Candidate


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
