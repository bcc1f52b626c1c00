"""Extracting many files: one failure is one reason, never the end of the batch.

Each record is written atomically, so an interrupted batch leaves whole records only.
Two inputs with the same file stem would write the same `<stem>.json`; the second is
reported as a failure instead of silently replacing the first.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import ChitieuError
from pipeline.extract import extract_path
from schemas.gold import write_plan


@dataclass(frozen=True)
class Failure:
    path: str
    reason: str


@dataclass
class BatchReport:
    written: int = 0
    targets: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0


def failure_reason(exc: BaseException) -> str:
    """A one-line reason: our own errors as they are, anything else with its type."""
    if isinstance(exc, ChitieuError):
        return str(exc)
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"internal error ({type(exc).__name__}): {text[:200]}"


def extract_files(files: list[Path], out_dir: Path, progress: bool = False) -> BatchReport:
    """Extract each file into `out_dir/<stem>.json`; collect failures with reasons."""
    report = BatchReport()
    started = time.perf_counter()
    owners: dict[str, Path] = {}
    step = max(1, len(files) // 20)
    for i, path in enumerate(files, 1):
        stem = path.stem
        if stem in owners:
            report.failures.append(Failure(str(path), f"output {stem}.json is already written for {owners[stem]}"))
            continue
        try:
            plan = extract_path(path)
            write_plan(plan, out_dir / f"{stem}.json")
        except Exception as exc:  # noqa: BLE001  one bad file must not stop the batch
            report.failures.append(Failure(str(path), failure_reason(exc)))
            continue
        owners[stem] = path
        report.written += 1
        report.targets += len(plan.targets)
        if progress and len(files) >= 20 and (i % step == 0 or i == len(files)):
            print(f"  {i}/{len(files)} documents", file=sys.stderr)
    report.seconds = time.perf_counter() - started
    return report
