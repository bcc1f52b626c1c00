"""Progress of a long batch run on stderr, without another dependency.

On a terminal it is one redrawn line (bar, count, rate, time left); in a log file or a
pipe, where carriage returns make a mess, it is one plain line per tenth of the work, so
a supervisor can still tell how far a run got.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from pipeline.store.quality import render as render_quality

BAR_WIDTH = 28
REDRAW_SECONDS = 0.2


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    return f"{minutes}:{secs:02d}"


class Progress:
    """Counts documents done out of `total` and shows it on `stream`."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool = True, label: str = "documents") -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > 0
        self.label = label
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.perf_counter()
        self._last_draw = 0.0
        self._next_tenth = 1

    def line(self) -> str:
        """The text shown: count, share, rate and time left."""
        elapsed = time.perf_counter() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        share = self.done / self.total if self.total else 1.0
        text = f"{self.done}/{self.total} {self.label} ({share:.0%}), {rate:.0f}/s, {_clock(elapsed)} elapsed"
        if self.done < self.total and rate > 0:
            text += f", ~{_clock(left)} left"
        if self.tty:
            filled = int(share * BAR_WIDTH)
            text = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {text}"
        return text

    def advance(self, n: int) -> None:
        """Add `n` finished documents and redraw when it is worth it."""
        self.done += n
        if not self.enabled:
            return
        now = time.perf_counter()
        if self.tty:
            if now - self._last_draw >= REDRAW_SECONDS or self.done >= self.total:
                self.stream.write("\r" + self.line() + "\x1b[K")
                self.stream.flush()
                self._last_draw = now
            return
        tenth = self.done * 10 // self.total
        if tenth >= self._next_tenth or self._last_draw == 0.0:
            self.stream.write("  " + self.line() + "\n")
            self.stream.flush()
            self._next_tenth = tenth + 1
            self._last_draw = now

    def close(self) -> None:
        """End the bar's line so the summary starts on a fresh one."""
        if self.enabled and self.tty and self._last_draw:
            self.stream.write("\n")
            self.stream.flush()


def render_summary(summary: dict[str, Any], wall_seconds: float | None = None) -> str:
    """The closing lines of a batch run: counts, time, rate, and where it was stored."""
    skipped = f"{summary['skipped']} skipped"
    if summary.get("duplicates"):
        skipped += f" ({summary['duplicates']} duplicate content)"
    rate = f"{summary['docs_per_second']:.1f} documents/s" if summary["processed"] else "nothing new to extract"
    text = (
        f"{summary['documents']} documents: {summary['processed']} processed, {skipped}, "
        f"{summary['failed']} failed; {summary['targets']} targets; {summary['seconds']:.1f} s, {rate}"
    )
    if wall_seconds is not None:
        text += f" ({wall_seconds:.1f} s with Prefect start-up)"
    changes = [f"{summary[k]} {k}" for k in ("superseded", "removed") if summary.get(k)]
    if changes:
        text += "\nversions: " + ", ".join(changes) + " (kept for history; views and exports give current ones)"
    if summary.get("quality"):
        text += "\n" + render_quality(summary["quality"])
    return text + f"\nstore {summary['store']}, run {summary['run_id']}, {summary.get('runner', '?')}, " \
                  f"extractor {summary['extractor_version']}"


def summary_markdown(summary: dict[str, Any]) -> str:
    """The closing summary as a Markdown table (a Prefect artifact in the UI)."""
    keys = ("documents", "processed", "skipped", "duplicates", "failed", "targets", "seconds",
            "docs_per_second", "runner", "chunk_size", "extractor_version")
    rows = "\n".join(f"| {k} | {summary[k]} |" for k in keys)
    fails = "\n".join(f"- `{f['name']}`: {f['reason']}" for f in summary["failures"][:50])
    return f"| field | value |\n|---|---|\n{rows}\n" + (f"\n**Failures**\n\n{fails}\n" if fails else "")

