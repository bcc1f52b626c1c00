"""The numbers a run dropped, kept beside its records so nobody has to extract again to see them.

`chitieu explain`, the HTML report and `chitieu evaluate` show, beside a missed gold target,
the number the extractor dropped there and the rule that dropped it. Those drops used to be
recomputed by running the extractor again over every document (12–47 s for a 2,000-document
report); now the run that writes a record also writes what it dropped, and readers use that.

Where: `OUT/<doc_id>.json` is the record, `OUT.drops/<doc_id>.json` its drops (as fetched
bytes go to `OUT.raw/`: the records folder holds only records, and a script that reads
every `*.json` of it sees plan records only). The plan record's schema is unchanged: its
JSON Schema is a contract for users (`chitieu schema`), and the drops are evidence about a
run, not part of what a plan states.

A drops file names the document's sha256 and the extractor version that wrote it, so a
reader can tell drops that belong to the text it holds from stale ones. Besides the drops
it keeps, for each target of the record, the span of the number the target reads: with the
two, `chitieu explain` gives every number's fate exactly as a fresh extraction would.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractors.types import Extraction
from pipeline.io import write_text_atomic
from schemas.plan import Plan

DROPS_SUFFIX = ".drops"
CONTEXT = 60  # characters of text kept on each side of a dropped number
FORMAT = 1  # bumped if the file's shape changes; a reader ignores a format it does not know


class DropsError(ValueError):
    """A drops file that cannot be read (it is then ignored and the extractor runs again)."""


@dataclass(frozen=True, slots=True)
class StoredDrop:
    """A dropped number as kept: where it is, as written, the rule that dropped it and why.

    `before` and `after` are up to CONTEXT characters of the text on each side, so that a
    reader without the document (`chitieu evaluate`) can still tell whether a gold quote
    is the passage this number stands in (`in_quote`).
    """

    start: int
    end: int
    text: str
    rule: str
    reason: str
    before: str = ""
    after: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "rule": self.rule, "reason": self.reason,
                "before": self.before, "after": self.after}

    def in_quote(self, quote: str) -> bool:
        """Whether `quote` holds this number with the same text around it (as far as both reach)."""
        at = quote.find(self.text)
        while at >= 0:
            head, tail = quote[:at], quote[at + len(self.text):]
            n, m = min(len(head), len(self.before)), min(len(tail), len(self.after))
            if head[len(head) - n:] == self.before[len(self.before) - n:] and tail[:m] == self.after[:m]:
                return True
            at = quote.find(self.text, at + 1)
        return False


@dataclass(frozen=True, slots=True)
class DocumentDrops:
    """One document's drops, and the number each of its record's targets reads (None: no mention)."""

    doc_id: str
    sha256: str | None
    extractor_version: str | None
    drops: tuple[StoredDrop, ...]
    target_numbers: tuple[tuple[int, int] | None, ...]

    @classmethod
    def of(cls, plan: Plan, extraction: Extraction, text: str) -> DocumentDrops:
        """What one extraction dropped (in its own order) and which number each target reads."""
        if len(extraction.candidates) != len(plan.targets):
            raise ValueError(f"{plan.doc_id}: {len(extraction.candidates)} candidates for {len(plan.targets)} targets")
        return cls(
            doc_id=plan.doc_id,
            sha256=plan.sha256,
            extractor_version=plan.extractor_version,
            drops=tuple(StoredDrop(d.start, d.end, text[d.start:d.end], d.rule, d.reason,
                                   text[max(0, d.start - CONTEXT):d.start], text[d.end:d.end + CONTEXT])
                        for d in extraction.drops),
            target_numbers=tuple((c.mention.start, c.mention.end) if c.mention is not None else None
                                 for c in extraction.candidates),
        )

    def by_span(self) -> list[StoredDrop]:
        """The drops in text order (the report draws and pairs them in that order)."""
        return sorted(self.drops, key=lambda d: d.start)

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "doc_id": self.doc_id, "sha256": self.sha256,
                "extractor_version": self.extractor_version,
                "target_numbers": [list(s) if s is not None else None for s in self.target_numbers],
                "drops": [d.to_json() for d in self.drops]}

    def to_text(self) -> str:
        """On one line, as the store keeps it."""
        return json.dumps(self.to_json(), ensure_ascii=False)

    def to_file_text(self) -> str:
        """As the drops file holds it: one line per field, per drop and per target's number, for a diff or grep."""
        data = self.to_json()
        lines = []
        for key, value in data.items():
            if isinstance(value, list):
                items = ",\n".join("  " + json.dumps(v, ensure_ascii=False) for v in value)
                lines.append(f"{json.dumps(key)}: [\n{items}\n ]" if value else f"{json.dumps(key)}: []")
            else:
                lines.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
        return "{\n " + ",\n ".join(lines) + "\n}\n"

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DocumentDrops:
        """Parse what `to_json` wrote; DropsError for anything else."""
        try:
            if data.get("format") != FORMAT:
                raise DropsError(f"unknown drops format {data.get('format')!r}")
            return cls(
                doc_id=str(data["doc_id"]),
                sha256=data.get("sha256"),
                extractor_version=data.get("extractor_version"),
                drops=tuple(StoredDrop(int(d["start"]), int(d["end"]), str(d["text"]), str(d["rule"]),
                                       str(d["reason"]), str(d.get("before", "")), str(d.get("after", "")))
                            for d in data["drops"]),
                target_numbers=tuple((int(s[0]), int(s[1])) if s is not None else None
                                     for s in data["target_numbers"]),
            )
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            if isinstance(exc, DropsError):
                raise
            raise DropsError(f"not a drops record: {type(exc).__name__}: {exc}") from exc

    def belongs_to(self, plan: Plan | None, sha256: str | None) -> bool:
        """Whether these drops were written with `plan` for the text whose bytes hash to `sha256`."""
        if sha256 is None or self.sha256 != sha256:
            return False
        if plan is None:
            return True
        return (plan.sha256 == self.sha256 and plan.extractor_version == self.extractor_version
                and len(plan.targets) == len(self.target_numbers))


def drops_dir(records: Path) -> Path:
    """`out/records` -> `out/records.drops`: where the drops of a records folder are.

    Named from the absolute path, so `--out .` (a name-less path) keeps its drops beside the
    current folder, not an internal error.
    """
    records = records.absolute()
    return records.with_name(records.name + DROPS_SUFFIX) if records.name else records / DROPS_SUFFIX


def drops_path(records: Path, doc_id: str) -> Path:
    """The drops file of record `records/<doc_id>.json`."""
    return drops_dir(records) / f"{doc_id}.json"


def records_root(record: Path, doc_id: str) -> Path | None:
    """The records folder of `record` when it is named `<root>/<doc_id>.json` (ids may hold `/`)."""
    parts = doc_id.split("/")
    if record.suffix != ".json" or list(record.with_suffix("").parts[-len(parts):]) != parts:
        return None
    root = record
    for _ in parts:
        root = root.parent
    return root


def write_drops(drops: DocumentDrops, record: Path) -> None:
    """Write the drops of the record about to be written at `record` (nothing when its name is not its id)."""
    root = records_root(record, drops.doc_id)
    if root is not None:
        write_text_atomic(drops_path(root, drops.doc_id), drops.to_file_text())


def read_drops(path: Path) -> DocumentDrops:
    """One drops file; DropsError naming it when it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DropsError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise DropsError(f"{path}: not a drops record")
    try:
        return DocumentDrops.from_json(data)
    except DropsError as exc:
        raise DropsError(f"{path}: {exc}") from exc


def kept_drops(records: Path, plans: Mapping[str, Plan]) -> dict[str, DocumentDrops]:
    """The drops kept beside `records` for each of its plans that they belong to (`chitieu evaluate`)."""
    out = {}
    for doc_id, plan in plans.items():
        found = find_drops(records, doc_id)
        if found is not None and found.belongs_to(plan, plan.sha256):
            out[doc_id] = found
    return out


def find_drops(records: Path, doc_id: str) -> DocumentDrops | None:
    """The drops kept for `doc_id` beside the records folder `records`; None when none can be read."""
    path = drops_path(records, doc_id)
    if not path.is_file():
        return None
    try:
        return read_drops(path)
    except DropsError:
        return None
