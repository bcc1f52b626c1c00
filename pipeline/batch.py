"""Extracting many files into a folder: one failure is one reason, never the end of the batch.

Each record is written atomically, so an interrupted batch leaves whole records only.
Two inputs with the same file stem would write the same `<stem>.json`; `OutputNames`
gives the name to the first of them and refuses the others, so `chitieu extract`
and `chitieu run --out` never silently replace one document's record with another's.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.run import Outcome, run_one


@dataclass
class BatchReport:
    """What a batch did: every document's outcome, in input order, and the time taken."""

    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def written(self) -> int:
        return sum(1 for o in self.outcomes if not o.failed)

    @property
    def targets(self) -> int:
        return sum(o.targets for o in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.failed]


class OutputNames:
    """Hands out record paths `out_dir/<stem>.json`; a stem already given out is refused."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._owners: dict[str, Path] = {}

    def claim(self, path: Path) -> Path | Outcome:
        """The record path for `path`, or a failed outcome naming the file that owns it."""
        owner = self._owners.setdefault(path.stem, path)
        if owner is not path:
            return Outcome.failure(str(path), f"output {path.stem}.json is already written for {owner}")
        return self.out_dir / f"{path.stem}.json"


def extract_files(files: list[Path], out_dir: Path, progress: bool = False) -> BatchReport:
    """Extract each file into `out_dir/<stem>.json`; collect failures with reasons."""
    started = time.perf_counter()
    names = OutputNames(out_dir)
    report = BatchReport()
    step = max(1, len(files) // 20)
    for i, path in enumerate(files, 1):
        out = names.claim(path)
        report.outcomes.append(out if isinstance(out, Outcome) else run_one(path, out=out))
        if progress and len(files) >= 20 and (i % step == 0 or i == len(files)):
            print(f"  {i}/{len(files)} documents", file=sys.stderr)
    report.seconds = time.perf_counter() - started
    return report
