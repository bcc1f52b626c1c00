"""One self-contained HTML page that shows an evaluator where the extractor is right and wrong.

The page carries the `evaluate()` figures, then every document's normalised text with the
gold and predicted targets highlighted where they were read: matched, value-only
(paired on the number but not strict), missed and spurious each look different, and
hovering a highlight shows its fields. No scripts, fonts or images are loaded: the file
can be mailed or archived and still opens the same.

Gold files carry no offsets, so a gold target is placed at the first occurrence of its
quote at or after the previous gold target's place. Overlapping highlights are drawn by
cutting the text at every highlight boundary and wrapping each piece once, with the
classes of all highlights that cover it, so the markup never has crossing tags.
"""

from __future__ import annotations

import html
import itertools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.corpus import index_documents
from pipeline.errors import ChitieuError
from pipeline.evaluate import (
    ACCURACY_FIELDS,
    STRICT_OVERLAP,
    evaluate,
    is_strict,
    pair_targets,
)
from pipeline.ingest import load_source
from pipeline.io import write_text_atomic
from schemas.fields import DOC_FIELDS, LABELLED_TARGET_FIELDS, TARGET_FIELDS, plain
from schemas.gold import load_dir
from schemas.plan import Plan, Target

# The target table's columns: every field a person labels, plus the unit, in record order,
# with the indicator last because it is the wide one (schemas/fields.py).
TABLE_FIELDS = (*(f for f in TARGET_FIELDS if f in LABELLED_TARGET_FIELDS + ("unit",) and f != "indicator"),
                "indicator")
SHORT_HEADERS = {"value_max": "max", "comparator": "cmp", "deadline_year": "year"}
HEADERS = tuple(SHORT_HEADERS.get(f, f) for f in TABLE_FIELDS)
HOVER_FIELDS = tuple(f for f in TABLE_FIELDS if f not in ("value", "value_max", "indicator"))  # written apart
STATUS_TEXT = {
    "matched": "matched",
    "partial": "value only",
    "missed": "missed",
    "spurious": "spurious",
}

CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:24px;color:#212529;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-top:2px solid #dee2e6;padding-top:12px}
h3{font-size:15px;margin:14px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px}th,td{border:1px solid #dee2e6;padding:2px 8px;text-align:left;vertical-align:top}
th{background:#f1f3f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#495057;margin:0 0 12px}
.legend span.key{display:inline-block;width:12px;height:12px;vertical-align:middle;margin:0 4px 0 12px}
.text{white-space:pre-wrap;border:1px solid #ced4da;padding:10px 12px;background:#fff;max-width:1100px}
mark{color:inherit;background:transparent;padding:0 0 1px}
.p-spurious{background:#d0bfff}
.g-matched{background:#b2f2bb}
.g-partial{background:#ffe066}
.g-missed{background:#ffa8a8}
.p-matched{box-shadow:inset 0 -3px 0 #2b8a3e}
.p-partial{box-shadow:inset 0 -3px 0 #e8590c}
mark.p-spurious{box-shadow:inset 0 -3px 0 #7048e8}
td.diff{background:#fff3bf}
table.targets{font-size:13px}table.targets td.wide{min-width:16em}
tr.missed td.status{background:#ffa8a8}tr.spurious td.status{background:#d0bfff}
tr.matched td.status{background:#b2f2bb}tr.partial td.status{background:#ffe066}
.warn{color:#c92a2a}
.row{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}
"""


@dataclass(frozen=True)
class Highlight:
    """A target drawn on the text: which side it is from, how it scored, where it is."""

    side: str  # "g" (gold) or "p" (prediction)
    status: str  # matched | partial | missed | spurious
    index: int  # position in its plan's target list
    start: int
    end: int
    title: str

    @property
    def css(self) -> str:
        return f"{self.side}-{self.status}"


def _value(t: Target, name: str) -> Any:
    return plain(getattr(t, name))


def _show(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def locate(text: str, targets: Sequence[Target]) -> list[tuple[int, int] | None]:
    """Where each target's quote is in `text`.

    Offsets are used when they point at the quote; otherwise the quote is searched from
    the previous target's place (guide: quotes follow text order, and several records may
    share one quote), then from the start. None when the quote is not in the text.
    """
    places: list[tuple[int, int] | None] = []
    cursor = 0
    for t in targets:
        if t.start is not None and t.end is not None and text[t.start : t.end] == t.quote:
            place: tuple[int, int] | None = (t.start, t.end)
        else:
            quote = unicodedata.normalize("NFC", t.quote)
            at = text.find(quote, cursor)
            if at < 0:
                at = text.find(quote)
            place = (at, at + len(quote)) if at >= 0 else None
        if place is not None:
            cursor = place[0]
        places.append(place)
    return places


def describe(t: Target) -> str:
    """A target's fields on one line, as a hover text shows them."""
    rng = f"–{_show(t.value_max)}" if t.value_max is not None else ""
    fields = ", ".join(f"{f} {_show(_value(t, f))}" for f in HOVER_FIELDS)
    return f"{_show(t.value)}{rng} · {fields} · indicator «{t.indicator}»"


def _differences(g: Target, p: Target, overlap: float) -> list[str]:
    diffs = [f"{f}: gold {_show(_value(g, f))}, predicted {_show(_value(p, f))}"
             for f in ACCURACY_FIELDS if _value(g, f) != _value(p, f)]
    if overlap < STRICT_OVERLAP:
        diffs.append(f"indicator overlap {overlap:.2f} < {STRICT_OVERLAP}")
    return diffs


@dataclass(frozen=True)
class Row:
    """One line of a document's target table: a pair, a missed gold or a spurious prediction."""

    status: str
    gold: Target | None
    pred: Target | None
    gold_index: int | None
    pred_index: int | None
    overlap: float | None
    order: int


def document_rows(gold: Plan, pred: Plan | None) -> list[Row]:
    """Pairs (strict or value-only), missed gold and spurious predictions of one document."""
    p_targets = pred.targets if pred else []
    pairs = pair_targets(gold.targets, p_targets)
    rows: list[Row] = []
    for pair in pairs:
        g, p = gold.targets[pair.gold], p_targets[pair.pred]
        status = "matched" if is_strict(g, p, pair.overlap) else "partial"
        rows.append(Row(status, g, p, pair.gold, pair.pred, pair.overlap, pair.gold))
    paired_g = {p.gold for p in pairs}
    paired_p = {p.pred for p in pairs}
    rows += [Row("missed", g, None, i, None, None, i)
             for i, g in enumerate(gold.targets) if i not in paired_g]
    rows += [Row("spurious", None, p, None, i, None, 10**6 + i)
             for i, p in enumerate(p_targets) if i not in paired_p]
    return rows


def highlights(text: str, gold: Plan, pred: Plan | None, rows: list[Row]) -> tuple[list[Highlight], list[str]]:
    """Highlights of both sides, plus one note per quote that is not in the text."""
    g_places = locate(text, gold.targets)
    p_places = locate(text, pred.targets) if pred else []
    out: list[Highlight] = []
    notes: list[str] = []
    for row in rows:
        diffs = _differences(row.gold, row.pred, row.overlap or 0.0) if row.gold and row.pred else []
        extra = "".join(f"\n  ≠ {d}" for d in diffs)
        for side, t, idx, places in (("g", row.gold, row.gold_index, g_places),
                                     ("p", row.pred, row.pred_index, p_places)):
            if t is None or idx is None:
                continue
            place = places[idx]
            who = "GOLD" if side == "g" else "PREDICTED"
            if place is None:
                notes.append(f"{who.lower()} target {idx + 1}: quote not found in the text: «{t.quote}»")
                continue
            title = f"{who} #{idx + 1} [{STATUS_TEXT[row.status]}] {describe(t)}{extra}"
            out.append(Highlight(side, row.status, idx, place[0], place[1], title))
    return out, notes


def render_text(text: str, marks: Sequence[Highlight], anchor: str) -> str:
    """The text as HTML, cut at every highlight boundary; each piece wrapped once."""
    marks = [m for m in marks if m.end > m.start]
    bounds = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    parts: list[str] = []
    for a, b in itertools.pairwise(bounds):
        for m in marks:
            if m.start == a:
                parts.append(f'<a id="{anchor}-{m.side}{m.index + 1}"></a>')
        piece = html.escape(text[a:b], quote=False)
        cover = [m for m in marks if m.start <= a and m.end >= b]
        if not cover:
            parts.append(piece)
            continue
        classes = " ".join(dict.fromkeys(m.css for m in sorted(cover, key=lambda m: (m.side, m.index))))
        title = "&#10;".join(html.escape(m.title, quote=True).replace("\n", "&#10;") for m in cover)
        parts.append(f'<mark class="hl {classes}" title="{title}">{piece}</mark>')
    return "".join(parts)


def _cell(content: str, cls: str = "") -> str:
    cls = cls.strip()
    return f'<td class="{cls}">{content}</td>' if cls else f"<td>{content}</td>"


def _esc(v: Any) -> str:
    return html.escape(_show(v), quote=False)


def render_rows(rows: list[Row], anchor: str) -> str:
    """A document's target table: each pair on one line, differing fields marked."""
    head = "".join(f"<th>{h}</th>" for h in ("status", "gold", "pred", *HEADERS, "quote"))
    lines = [f'<table class="targets"><tr>{head}</tr>']
    for row in sorted(rows, key=lambda r: r.order):
        cells = [_cell(STATUS_TEXT[row.status], "status")]
        for side, idx in (("g", row.gold_index), ("p", row.pred_index)):
            cells.append(_cell(f'<a href="#{anchor}-{side}{idx + 1}">#{idx + 1}</a>' if idx is not None else ""))
        for f in TABLE_FIELDS:
            g = _value(row.gold, f) if row.gold else None
            p = _value(row.pred, f) if row.pred else None
            if row.gold and row.pred:
                differs = g != p if f != "indicator" else (row.overlap or 0.0) < STRICT_OVERLAP
                text = _esc(g) if g == p else f"{_esc(g)} → {_esc(p)}"
                wide = " wide" if f == "indicator" else ""
                cells.append(_cell(text, ("diff" if differs else "") + wide))
            else:
                cells.append(_cell(_esc(g if row.gold else p), "wide" if f == "indicator" else ""))
        quotes = [t.quote for t in (row.gold, row.pred) if t is not None]
        cells.append(_cell(" | ".join(html.escape(q, quote=False) for q in dict.fromkeys(quotes)), "wide"))
        lines.append(f'<tr class="{row.status}">{"".join(cells)}</tr>')
    lines.append("</table>")
    return "\n".join(lines)


def render_document(n: int, doc_id: str, gold: Plan, pred: Plan | None, text: str | None,
                    text_note: str | None) -> str:
    """One document's section: its fields, its highlighted text, its target table."""
    anchor = f"doc{n}"
    rows = document_rows(gold, pred)
    out = [f'<section class="doc" id="{anchor}"><h2>{html.escape(doc_id, quote=False)}</h2>']
    if pred is None:
        out.append('<p class="warn">No prediction for this document: every gold target is missed.</p>')
    fields = "".join(
        f"<tr><th>{f}</th>{_cell(_esc(getattr(gold, f)))}"
        f"{_cell(_esc(getattr(pred, f) if pred else None), '' if pred and _same(gold, pred, f) else 'diff')}</tr>"
        for f in DOC_FIELDS
    )
    out.append(f'<table class="docfields"><tr><th></th><th>gold</th><th>predicted</th></tr>{fields}</table>')
    if text is None:
        out.append(f'<p class="warn">{html.escape(text_note or "document text not found", quote=False)}</p>')
    else:
        marks, notes = highlights(text, gold, pred, rows)
        out += [f'<p class="warn">{html.escape(n_, quote=False)}</p>' for n_ in notes]
        out.append(f'<div class="text" lang="vi">{render_text(text, marks, anchor)}</div>')
    out.append("<h3>Targets</h3>")
    out.append(render_rows(rows, anchor))
    out.append("</section>")
    return "\n".join(out)


def _same(a: Plan, b: Plan, f: str) -> bool:
    def norm(v: Any) -> Any:
        return unicodedata.normalize("NFC", v).strip() if isinstance(v, str) else v

    return bool(norm(getattr(a, f)) == norm(getattr(b, f)))


def _prf_cells(d: dict[str, float]) -> str:
    return "".join(_cell(f"{d[k]:.3f}", "num") for k in ("precision", "recall", "f1"))


def render_figures(result: dict[str, Any], anchors: dict[str, str]) -> str:
    """Totals, field accuracy and the per-document table of an `evaluate()` result."""
    out = ['<section id="figures"><h2>Figures (labelling guide §5)</h2>',
           (f'<p>{result["documents"]} documents, {result["gold_targets"]} gold and '
            f'{result["pred_targets"]} predicted targets, {result["pairs"]} pairs.</p>'),
           '<div class="row"><table class="totals"><tr><th></th><th>precision</th><th>recall</th><th>F1</th></tr>',
           f'<tr><th>value</th>{_prf_cells(result["value"])}</tr>',
           f'<tr><th>strict</th>{_prf_cells(result["strict"])}</tr></table>',
           '<table class="fields"><tr><th>field (over pairs)</th><th>accuracy</th></tr>']
    for f, acc in result["fields"].items():
        out.append(f"<tr><th>{f}</th>{_cell('–' if acc is None else f'{acc:.3f}', 'num')}</tr>")
    ov = result["indicator_overlap"]
    out.append(f"<tr><th>indicator (mean overlap)</th>{_cell('–' if ov is None else f'{ov:.3f}', 'num')}</tr>")
    for f, acc in result["document_fields"].items():
        out.append(f"<tr><th>document {f}</th>{_cell('–' if acc is None else f'{acc:.3f}', 'num')}</tr>")
    out.append("</table></div>")
    out.append('<table class="per-document"><tr><th>document</th><th>gold</th><th>pred</th>'
               "<th>value P</th><th>value R</th><th>value F1</th>"
               "<th>strict P</th><th>strict R</th><th>strict F1</th></tr>")
    for d in result["per_document"]:
        name = html.escape(d["doc_id"], quote=False)
        link = f'<a href="#{anchors[d["doc_id"]]}">{name}</a>'
        out.append(f"<tr>{_cell(link)}{_cell(str(d['gold']), 'num')}{_cell(str(d['pred']), 'num')}"
                   f"{_prf_cells(d['value'])}{_prf_cells(d['strict'])}</tr>")
    out.append("</table>")
    if result["unscored"]:
        names = ", ".join(html.escape(u, quote=False) for u in result["unscored"])
        out.append(f"<p>Predictions with no gold (not scored): {names}</p>")
    out.append("</section>")
    return "\n".join(out)


LEGEND = (
    '<p class="legend">Gold (background): <span class="key g-matched"></span>matched '
    '<span class="key g-partial"></span>value only (a field differs) '
    '<span class="key g-missed"></span>missed. '
    'Predicted (underline): <span class="key p-matched"></span>matched '
    '<span class="key p-partial"></span>value only '
    '<span class="key p-spurious"></span>spurious. Hover a highlight for its fields.</p>'
)


def render_report(result: dict[str, Any], gold: dict[str, Plan], pred: dict[str, Plan],
                  texts: dict[str, str], text_notes: dict[str, str], sources: dict[str, str]) -> str:
    """The whole page."""
    anchors = {doc_id: f"doc{n}" for n, doc_id in enumerate(sorted(gold), 1)}
    meta = " · ".join(f"{k}: {html.escape(v, quote=False)}" for k, v in sources.items())
    body = [render_figures(result, anchors)]
    for n, doc_id in enumerate(sorted(gold), 1):
        body.append(render_document(n, doc_id, gold[doc_id], pred.get(doc_id), texts.get(doc_id),
                                    text_notes.get(doc_id)))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>chitieu evaluation report</title><style>{CSS}</style></head><body>\n"
        f'<h1>chitieu evaluation report</h1><p class="meta">{meta}</p>\n{LEGEND}\n'
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def build_report(gold_dir: Path, pred_dir: Path, corpus_dirs: Sequence[Path], out: Path) -> dict[str, Any]:
    """Score `pred_dir` against `gold_dir`, write the HTML page to `out`, return a summary."""
    gold = load_dir(gold_dir)
    if not gold:
        raise ChitieuError(f"{gold_dir}: no gold files (*.json)")
    pred = load_dir(pred_dir)
    documents = index_documents(corpus_dirs)
    texts: dict[str, str] = {}
    notes: dict[str, str] = {}
    for doc_id in sorted(gold):
        path = documents.get(doc_id)
        if path is None:
            notes[doc_id] = f"document text not found: no {doc_id}.txt/.html/.pdf in --corpus"
            continue
        try:
            texts[doc_id] = load_source(path).text
        except ChitieuError as exc:
            notes[doc_id] = f"{path}: {exc}"
    result = evaluate(gold, pred)
    sources = {"gold": str(gold_dir), "predictions": str(pred_dir),
               "corpus": ", ".join(str(c) for c in corpus_dirs)}
    page = render_report(result, gold, pred, texts, notes, sources)
    _write_text(out, page)
    return {
        "out": str(out),
        "documents": result["documents"],
        "with_text": sorted(texts),
        "without_text": notes,
        "value": result["value"],
        "strict": result["strict"],
    }


def _write_text(path: Path, text: str) -> None:
    """Atomic write: a half-written report never replaces a good one."""
    write_text_atomic(path, text)
