"""Scoring predictions against gold exactly as labelling guide §5 says.

Within a document, predicted and gold targets are paired one to one among pairs with
equal unit, value and value_max, preferring agreement on scope, then deadline year,
then the highest indicator overlap, ties to text order.  Value F1 counts the pairs;
strict F1 counts a pair only when scope, year, comparator, direction and achieved are
equal and the indicator overlap is at least 0.5.  Totals are micro-averaged by record.
`evaluate()` returns a plain dict; `render_text()` is the terminal view of it.

Given the drops a run kept beside its records (`pipeline/drops.py`), a missed gold target
also names the number the extractor dropped inside its quote and the rule that dropped it:
the first question about a missed target, answered without running the extractor.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from extractors.overlap import indicator_overlap
from pipeline.drops import DocumentDrops
from schemas.fields import DOC_FIELDS, plain
from schemas.plan import Plan, Target

STRICT_FIELDS = ("scope", "deadline_year", "comparator", "direction", "achieved")
ACCURACY_FIELDS = ("scope", "deadline_year", "comparator", "direction", "pillar", "achieved")
STRICT_OVERLAP = 0.5
LINK_FIELD = "indicator_id"  # scored only where the gold record labels it (a null written on purpose counts)


@dataclass(frozen=True)
class Pair:
    gold: int
    pred: int
    overlap: float


def _field(t: Target, name: str) -> Any:
    return plain(getattr(t, name))


def pair_targets(gold: list[Target], pred: list[Target]) -> list[Pair]:
    """Guide §5 one-to-one pairing, greedy in order of preference."""
    options: list[tuple[tuple[int, int, float, int, int], Pair]] = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if (g.unit, g.value, g.value_max) != (p.unit, p.value, p.value_max):
                continue
            ov = indicator_overlap(g.indicator, p.indicator)
            key = (
                -int(g.scope == p.scope),
                -int(g.deadline_year == p.deadline_year),
                -ov,
                gi,
                pi,
            )
            options.append((key, Pair(gi, pi, ov)))
    options.sort(key=lambda o: o[0])
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs: list[Pair] = []
    for _, pair in options:
        if pair.gold in used_g or pair.pred in used_p:
            continue
        used_g.add(pair.gold)
        used_p.add(pair.pred)
        pairs.append(pair)
    return sorted(pairs, key=lambda p: p.gold)


def is_strict(g: Target, p: Target, overlap: float) -> bool:
    """A pair that agrees on every strict field and overlaps enough on the indicator."""
    return overlap >= STRICT_OVERLAP and all(_field(g, f) == _field(p, f) for f in STRICT_FIELDS)


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    """Precision, recall and F1; an empty side scores 1.0 only when both are empty."""
    p = tp / n_pred if n_pred else (1.0 if n_gold == 0 else 0.0)
    r = tp / n_gold if n_gold else (1.0 if n_pred == 0 else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _norm(v: Any) -> Any:
    if isinstance(v, str):
        return unicodedata.normalize("NFC", v).strip()
    return v


def _target_brief(t: Target) -> dict[str, Any]:
    return {
        "value": t.value,
        "value_max": t.value_max,
        "unit": _field(t, "unit"),
        "indicator": t.indicator,
        "quote": t.quote,
        "sentence": t.sentence,
    }


def dropped_in(kept: DocumentDrops | None, quote: str) -> dict[str, str] | None:
    """The first number (in text order) the extractor dropped inside a gold quote, as an error names it."""
    if kept is None:
        return None
    quote = unicodedata.normalize("NFC", quote)
    drop = next((d for d in kept.by_span() if d.in_quote(quote)), None)
    return {"number": drop.text, "rule": drop.rule, "reason": drop.reason} if drop else None


def evaluate(gold: dict[str, Plan], pred: dict[str, Plan],
             drops: Mapping[str, DocumentDrops] | None = None) -> dict[str, Any]:
    """Score every gold document against its prediction (a missing one scores zero).

    With `drops` (by doc_id), each missed target whose quote holds a dropped number says so
    (`dropped`: the number, the rule and its reason).
    """
    docs: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    tot = {"gold": 0, "pred": 0, "value_tp": 0, "strict_tp": 0}
    field_hits = dict.fromkeys(ACCURACY_FIELDS, 0)
    overlap_sum = 0.0
    link = {"labelled": 0, "hits": 0, "pred_ids": 0, "pred_hits": 0, "gold_ids": 0, "gold_found": 0}
    doc_hits = dict.fromkeys(DOC_FIELDS, 0)
    for doc_id in sorted(gold):
        g_plan = gold[doc_id]
        p_plan = pred.get(doc_id)
        p_targets = p_plan.targets if p_plan else []
        pairs = pair_targets(g_plan.targets, p_targets)
        strict_tp = 0
        for pair in pairs:
            g, p = g_plan.targets[pair.gold], p_targets[pair.pred]
            overlap_sum += pair.overlap
            for f in ACCURACY_FIELDS:
                if _field(g, f) == _field(p, f):
                    field_hits[f] += 1
                else:
                    errors.append({
                        "doc_id": doc_id, "kind": "field", "field": f,
                        "gold": _field(g, f), "pred": _field(p, f),
                        "quote": p.quote, "gold_quote": g.quote, "sentence": p.sentence,
                    })
            if LINK_FIELD in g.model_fields_set:
                _score_link(link, g, p)
                if g.indicator_id != p.indicator_id:
                    errors.append({
                        "doc_id": doc_id, "kind": "field", "field": LINK_FIELD,
                        "gold": g.indicator_id, "pred": p.indicator_id,
                        "quote": p.quote, "gold_quote": g.quote, "sentence": p.sentence,
                    })
            if pair.overlap < STRICT_OVERLAP:
                errors.append({
                    "doc_id": doc_id, "kind": "field", "field": "indicator",
                    "gold": g.indicator, "pred": p.indicator, "overlap": round(pair.overlap, 3),
                    "quote": p.quote, "gold_quote": g.quote, "sentence": p.sentence,
                })
            if is_strict(g, p, pair.overlap):
                strict_tp += 1
        paired_g = {p.gold for p in pairs}
        paired_p = {p.pred for p in pairs}
        for i, g in enumerate(g_plan.targets):
            if i not in paired_g:
                missed = {"doc_id": doc_id, "kind": "missed", **_target_brief(g)}
                if (dropped := dropped_in((drops or {}).get(doc_id), g.quote)) is not None:
                    missed["dropped"] = dropped
                errors.append(missed)
        for i, p in enumerate(p_targets):
            if i not in paired_p:
                errors.append({"doc_id": doc_id, "kind": "spurious", **_target_brief(p)})
        for f in DOC_FIELDS:
            gv = _norm(getattr(g_plan, f))
            pv = _norm(getattr(p_plan, f)) if p_plan else None
            if gv == pv:
                doc_hits[f] += 1
            else:
                errors.append({"doc_id": doc_id, "kind": "document", "field": f,
                               "gold": str(gv) if gv is not None else None,
                               "pred": str(pv) if pv is not None else None})
        n_g, n_p = len(g_plan.targets), len(p_targets)
        tot["gold"] += n_g
        tot["pred"] += n_p
        tot["value_tp"] += len(pairs)
        tot["strict_tp"] += strict_tp
        docs.append({
            "doc_id": doc_id,
            "gold": n_g,
            "pred": n_p,
            "predicted": p_plan is not None,
            "value": prf(len(pairs), n_p, n_g),
            "strict": prf(strict_tp, n_p, n_g),
        })
    n_pairs = tot["value_tp"]
    n_docs = len(gold)
    return {
        "documents": n_docs,
        "gold_targets": tot["gold"],
        "pred_targets": tot["pred"],
        "pairs": n_pairs,
        "value": prf(tot["value_tp"], tot["pred"], tot["gold"]),
        "strict": prf(tot["strict_tp"], tot["pred"], tot["gold"]),
        "fields": {**{f: round(field_hits[f] / n_pairs, 4) if n_pairs else None for f in ACCURACY_FIELDS},
                   LINK_FIELD: _link_figures(link)["accuracy"]},
        "indicator_overlap": round(overlap_sum / n_pairs, 4) if n_pairs else None,
        LINK_FIELD: _link_figures(link),
        "document_fields": {f: round(doc_hits[f] / n_docs, 4) if n_docs else None for f in DOC_FIELDS},
        "per_document": docs,
        "unscored": sorted(set(pred) - set(gold)),
        "errors": errors,
    }


def _score_link(link: dict[str, int], g: Target, p: Target) -> None:
    """Count one labelled pair for the indicator-id figures."""
    link["labelled"] += 1
    link["hits"] += g.indicator_id == p.indicator_id
    if p.indicator_id is not None:
        link["pred_ids"] += 1
        link["pred_hits"] += g.indicator_id == p.indicator_id
    if g.indicator_id is not None:
        link["gold_ids"] += 1
        link["gold_found"] += g.indicator_id == p.indicator_id


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _link_figures(link: dict[str, int]) -> dict[str, Any]:
    """Indicator-id figures over paired targets whose gold labels an id (or null by decision).

    accuracy: predicted id equals gold (null = null counts); precision: of the pairs given an
    id, the share right; recall: of gold ids, the share found; coverage: share of pairs given an id.
    """
    return {
        "labelled_pairs": link["labelled"],
        "accuracy": _ratio(link["hits"], link["labelled"]),
        "precision": _ratio(link["pred_hits"], link["pred_ids"]),
        "recall": _ratio(link["gold_found"], link["gold_ids"]),
        "coverage": _ratio(link["pred_ids"], link["labelled"]),
        "gold_coverage": _ratio(link["gold_ids"], link["labelled"]),
    }


def render_text(result: dict[str, Any], show_errors: bool = True) -> str:
    """The scorecard as a terminal reads it: table, totals, fields, then errors."""
    lines = []
    lines.append(f"{'document':<28} {'gold':>5} {'pred':>5}  {'value P/R/F1':>20}  {'strict P/R/F1':>20}")
    for d in result["per_document"]:
        v, s = d["value"], d["strict"]
        mark = "" if d["predicted"] else "  (no prediction)"
        lines.append(
            f"{d['doc_id']:<28} {d['gold']:>5} {d['pred']:>5}  "
            f"{v['precision']:.2f}/{v['recall']:.2f}/{v['f1']:.2f}      "
            f"{s['precision']:.2f}/{s['recall']:.2f}/{s['f1']:.2f}{mark}"
        )
    v, s = result["value"], result["strict"]
    lines.append("")
    lines.append(
        f"micro-average over {result['documents']} documents, {result['gold_targets']} gold and "
        f"{result['pred_targets']} predicted targets, {result['pairs']} pairs"
    )
    lines.append(f"  value  P {v['precision']:.3f}  R {v['recall']:.3f}  F1 {v['f1']:.3f}")
    lines.append(f"  strict P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}")
    lines.append("field accuracy over pairs:")
    for f, acc in result["fields"].items():
        if f == LINK_FIELD:  # written once below, with its precision and coverage
            continue
        lines.append(f"  {f:<14} {acc:.3f}" if acc is not None else f"  {f:<14} -")
    ov = result["indicator_overlap"]
    lines.append(f"  {'indicator':<14} {ov:.3f} (mean overlap)" if ov is not None else "  indicator -")
    link = result.get(LINK_FIELD) or {}
    if link.get("labelled_pairs"):
        lines.append(
            f"  {LINK_FIELD:<14} accuracy {link['accuracy']:.3f}, precision {_fmt(link['precision'])}, "
            f"recall {_fmt(link['recall'])}, coverage {_fmt(link['coverage'])} "
            f"(over {link['labelled_pairs']} pairs whose gold labels it)"
        )
    else:
        lines.append(f"  {LINK_FIELD:<14} - (the gold does not label it)")
    lines.append("document fields:")
    for f, acc in result["document_fields"].items():
        lines.append(f"  {f:<14} {acc:.3f}" if acc is not None else f"  {f:<14} -")
    if result["unscored"]:
        lines.append(f"predictions with no gold (not scored): {', '.join(result['unscored'])}")
    if show_errors:  # said even when empty, so a clean run visibly ends with its (empty) error list
        lines.append("")
        lines.append(f"errors ({len(result['errors'])}):" if result["errors"] else "errors: none")
        for e in result["errors"]:
            lines.append("  " + format_error(e))
    return "\n".join(lines)


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def _num(v: float | None) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else str(v)


def dropped_text(e: dict[str, Any]) -> str:
    """` — '10%' dropped by not_digital_growth: guide §1 …` for a missed target whose number was dropped."""
    d = e.get("dropped")
    return f" — {d['number']!r} dropped by {d['rule']}: {d['reason']}" if d else ""


def format_error(e: dict[str, Any]) -> str:
    """One readable line per error."""
    doc = e["doc_id"]
    if e["kind"] == "missed":
        rng = f"-{_num(e['value_max'])}" if e["value_max"] is not None else ""
        return f"{doc}: MISSED {_num(e['value'])}{rng} {e['unit']} «{e['quote']}»{dropped_text(e)}"
    if e["kind"] == "spurious":
        rng = f"-{_num(e['value_max'])}" if e["value_max"] is not None else ""
        return f"{doc}: SPURIOUS {_num(e['value'])}{rng} {e['unit']} «{e['quote']}»"
    if e["kind"] == "document":
        return f"{doc}: document {e['field']}: gold {e['gold']!r}, predicted {e['pred']!r}"
    extra = f" (overlap {e['overlap']})" if "overlap" in e else ""
    return f"{doc}: {e['field']}: gold {e['gold']!r}, predicted {e['pred']!r}{extra} «{e['quote']}»"
