"""What became of every number in a document: the record it gave, or the rule that dropped it.

An evaluator who finds a gold target missing, or an analyst reading a new document, starts
here (`chitieu explain PATH`): each number of the text, in order, with the target records it
gave and the rule id behind each of their fields, or the rule that dropped it and why, or the
fact that no value shape of `extractors/numbers.py` reads it (a year, a date, a code). The
same facts feed the HTML report (`drop_title`, `drop_near`).

The facts come from the drops a run kept beside its records (`pipeline/drops.py`) when the
caller has them, so explaining a document written by `chitieu extract` does not run the
extractor again; otherwise from a fresh extraction. Both give the same explanation.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from pipeline.drops import DocumentDrops, StoredDrop, drops_dir, drops_path, find_drops
from pipeline.extract import extract_source_with_drops
from pipeline.ingest.source import Source
from schemas.gold import RecordError, load_plan
from schemas.plan import Plan, Target

# A number as a reader sees it: digits with their decimal or thousands marks ("2,5", "18.000", "30/63").
_NUMBER = regex.compile(r"\d+(?:[.,/]\d+)*")
NOT_A_VALUE = "no_value_shape"
SHOWN_FIELDS = ("value", "value_max", "unit", "comparator", "direction", "scope", "deadline_year", "pillar",
                "achieved", "indicator")


@dataclass(frozen=True)
class Number:
    """One number of the text and its fate."""

    start: int
    end: int
    text: str
    line: int
    status: str  # "target" | "dropped" | "not_a_value"
    targets: tuple[int, ...] = ()  # indexes into the plan's targets
    rule: str = ""
    reason: str = ""


def _year_like(token: str) -> bool:
    return len(token) == 4 and token.isdigit() and 1990 <= int(token) <= 2100


def numbers_of(text: str, kept: DocumentDrops) -> list[Number]:
    """Every number of `text` in order: each value mention once, then every other digit run."""
    by_mention: dict[tuple[int, int], list[int]] = {}
    for i, span in enumerate(kept.target_numbers):
        if span is not None:
            by_mention.setdefault(span, []).append(i)
    drops = {(d.start, d.end): d for d in kept.drops}
    spans = sorted(set(by_mention) | set(drops))
    out: list[Number] = []
    k = 0
    for m in _NUMBER.finditer(text):
        while k < len(spans) and spans[k][1] <= m.start():
            k += 1
        if k < len(spans) and spans[k][0] <= m.start() < spans[k][1]:
            continue  # part of a value mention, listed below
        token = m.group(0)
        reason = ("a year (years.py reads it for deadlines)" if _year_like(token)
                  else "no value shape reads it (numbers.py: not a percent, rank, or count before a noun)")
        out.append(Number(m.start(), m.end(), token, text.count("\n", 0, m.start()) + 1, "not_a_value",
                          rule=NOT_A_VALUE, reason=reason))
    for s, e in spans:
        line = text.count("\n", 0, s) + 1
        if (s, e) in by_mention:
            out.append(Number(s, e, text[s:e], line, "target", tuple(by_mention[(s, e)])))
        else:
            d = drops[(s, e)]
            out.append(Number(s, e, text[s:e], line, "dropped", rule=d.rule, reason=d.reason))
    return sorted(out, key=lambda n: n.start)


def kept_for(source: Source, records: Path) -> tuple[tuple[Plan, DocumentDrops] | None, str | None]:
    """The record and drops `chitieu extract --out records` kept for this document, or why there are none.

    The record is `records/<doc_id>.json` under the document's id as `extract` gave it: its
    stem when named directly, or its path below the folder given (`2024/kehoach`), found as
    the drops file of that name whose sha256 is this text's. It is used only when its drops
    name this text's sha256 and the record's extractor version, so an edited document or a
    re-written record is explained afresh.
    """
    kept = find_drops(records, source.doc_id)
    doc_id = source.doc_id
    if kept is None or kept.sha256 != source.sha256:  # a document found in a sub-folder has its path as id
        name = f"{Path(source.doc_id).name}.json"
        for path in sorted(drops_dir(records).rglob(name)) if drops_dir(records).is_dir() else []:
            other = path.relative_to(drops_dir(records)).with_suffix("").as_posix()
            found = find_drops(records, other)
            if found is not None and found.sha256 == source.sha256:
                kept, doc_id = found, other
                break
    if kept is None:
        return None, f"no drops kept for {source.doc_id} in {drops_path(records, source.doc_id)}"
    record = records / f"{doc_id}.json"
    try:
        plan = load_plan(record) if record.is_file() else None
    except RecordError as exc:
        return None, str(exc)
    if plan is None:
        return None, f"no record {record}"
    if not kept.belongs_to(plan, source.sha256):
        return None, f"{record} was written for other bytes or by another run than its drops"
    return (plan, kept), None


def _target_json(t: Target, index: int) -> dict[str, Any]:
    data = t.to_json()
    return {"index": index, **{f: data.get(f) for f in SHOWN_FIELDS}, "rules": data.get("rules") or {}}


def explain_source(source: Source, stored: tuple[Plan, DocumentDrops] | None = None) -> dict[str, Any]:
    """The explanation of one document as a plain dict (what `--json` prints).

    `stored` is the record and drops a run kept for this very text (`DocumentDrops.belongs_to`);
    without, the document is extracted now.
    """
    if stored is None:
        plan, extraction = extract_source_with_drops(source)
        kept = DocumentDrops.of(plan, extraction, source.text)
    else:
        plan, kept = stored
    numbers = numbers_of(source.text, kept)
    counts = {s: sum(n.status == s for n in numbers) for s in ("target", "dropped", "not_a_value")}
    return {
        "doc_id": plan.doc_id,
        "source": source.path,
        "targets": len(plan.targets),
        "counts": counts,
        "numbers": [
            {"start": n.start, "end": n.end, "text": n.text, "line": n.line, "status": n.status,
             **({"targets": [_target_json(plan.targets[i], i) for i in n.targets]} if n.targets else {}),
             **({"rule": n.rule, "reason": n.reason} if n.rule else {})}
            for n in numbers
        ],
    }


def _show(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "-" if v is None else str(v)


def render_explanation(result: dict[str, Any]) -> str:
    """The terminal view: one line per number, the fields of each record with their rule ids under it."""
    c = result["counts"]
    lines = [(f"{result['source']}: {len(result['numbers'])} numbers: {c['target']} gave {result['targets']} targets, "
             f"{c['dropped']} dropped, {c['not_a_value']} not values")]
    for n in result["numbers"]:
        where = f"line {n['line']:>4}  {n['text']!r:>10}"
        if n["status"] == "not_a_value":
            lines.append(f"  {where}  ·  {n['reason']}")
        elif n["status"] == "dropped":
            lines.append(f"  {where}  ✗  dropped by {n['rule']}: {n['reason']}")
        for t in n.get("targets", []):
            rules = t["rules"]
            fields = " · ".join(f"{f}={_show(t[f])} [{rules[f]}]" if f in rules else f"{f}={_show(t[f])}"
                                for f in SHOWN_FIELDS if f != "indicator" and (t[f] is not None or f in rules))
            lines.append(f"  {where}  →  target #{t['index'] + 1}: {fields}")
            lines.append(f"  {'':>21}     indicator={t['indicator']!r} [{rules.get('indicator', '')}]")
    return "\n".join(lines)


# -- pieces the HTML report reuses


def rules_text(t: Target) -> str:
    """`comparator ge_minimum · deadline_year year_clause …`: a record's rule ids, for a hover title."""
    return " · ".join(f"{f} {r}" for f, r in (t.rules or {}).items())


def drop_near(drops: list[StoredDrop], start: int, end: int) -> StoredDrop | None:
    """The dropped number inside [start, end) (a missed gold target's quote), if the extractor dropped one there."""
    return next((d for d in drops if start <= d.start and d.end <= end), None)


def drop_title(d: StoredDrop) -> str:
    """`dropped by not_digital_growth: guide §1 …`, escaped for an HTML attribute."""
    return html.escape(f"dropped by {d.rule}: {d.reason}", quote=True)


def drop_html(d: StoredDrop) -> str:
    """A short mark for a table cell: the rule id, with its reason on hover."""
    return f'<span class="drop" title="{drop_title(d)}">dropped by <code>{html.escape(d.rule)}</code></span>'
