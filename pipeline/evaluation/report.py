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

from pipeline.drops import DocumentDrops, StoredDrop, drops_dir, find_drops
from pipeline.errors import ChitieuError
from pipeline.evaluation.evaluate import (
    ACCURACY_FIELDS,
    STRICT_OVERLAP,
    evaluate,
    format_error,
    is_strict,
    pair_targets,
)
from pipeline.evaluation.explain import drop_html, drop_near, rules_text
from pipeline.extract import extract_source_with_drops
from pipeline.io import write_text_atomic
from pipeline.run import Outcome, no_extraction, run_documents
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
    "field": "strict, a field differs",
    "partial": "value only",
    "missed": "missed",
    "spurious": "spurious",
}
INLINE_MAX = 30  # up to this many documents the page holds every document; beyond, a page each
INDEX_ERRORS_MAX = 200  # errors listed on the index page (all of them on their own page, and each document's on its page)
INDEX_ROWS = 100  # documents in the index's table, worst first: a 2,000-row table is what makes a browser slow
LIST_PAGE_ROWS = 250  # documents per page of the full per-document list
ERRORS_PAGE = "errors.html"  # every error, beside the per-document pages
CONFUSION_FIELDS = ("scope", "pillar", "comparator")

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
.g-field{background:#ffc078}
.p-field{box-shadow:inset 0 -3px 0 #d9480f}
.g-missed{background:#ffa8a8}
.p-matched{box-shadow:inset 0 -3px 0 #2b8a3e}
.p-partial{box-shadow:inset 0 -3px 0 #e8590c}
mark.p-spurious{box-shadow:inset 0 -3px 0 #7048e8}
td.diff{background:#fff3bf}
table.targets{font-size:13px}table.targets td.wide{min-width:16em}
tr.missed td.status{background:#ffa8a8}tr.spurious td.status{background:#d0bfff}
tr.matched td.status{background:#b2f2bb}tr.partial td.status{background:#ffe066}tr.field td.status{background:#ffc078}
tr.has-errors td.errs{background:#ffc9c9;font-weight:600}
.bar{display:inline-block;height:10px;background:#4dabf7;vertical-align:middle}
.bars td{padding:1px 6px}.bars td.chart{width:320px}
ul.errors{font-size:13px;padding-left:18px}ul.errors li{margin:1px 0}
.filters{background:#f8f9fa;border:1px solid #dee2e6;padding:6px 10px;margin:8px 0}
.filters,section.doc{content-visibility:auto;contain-intrinsic-size:auto 1200px}
.filters label{margin-right:10px;white-space:nowrap}
#only-errors:checked~table.per-document tr.no-errors{display:none}
#e-all:checked~ul.errors li{display:list-item}
.warn{color:#c92a2a}
mark.d-dropped{outline:1px dashed #c92a2a;outline-offset:1px}span.drop{color:#c92a2a;font-size:12px}
.row{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}
"""


@dataclass(frozen=True)
class Highlight:
    """A target drawn on the text: which side it is from, how it scored, where it is."""

    side: str  # "g" (gold), "p" (prediction) or "d" (a number the extractor dropped)
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
        if not is_strict(g, p, pair.overlap):
            status = "partial"
        elif any(_value(g, f) != _value(p, f) for f in ACCURACY_FIELDS):
            status = "field"  # strict by guide §5, but a field such as pillar differs: not drawn as matched
        else:
            status = "matched"
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
            if t.rules:  # the extractor's provenance: the rule id behind each field
                title += f"\n  rules: {rules_text(t)}"
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


def render_rows(rows: list[Row], anchor: str, missed_drops: dict[int, StoredDrop] | None = None) -> str:
    """A document's target table: each pair on one line, differing fields marked.

    `missed_drops` maps a missed gold target to the number the extractor dropped inside its quote.
    """
    head = "".join(f"<th>{h}</th>" for h in ("status", "gold", "pred", *HEADERS, "quote"))
    lines = [f'<table class="targets"><tr>{head}</tr>']
    for row in sorted(rows, key=lambda r: r.order):
        cells = [_cell(STATUS_TEXT[row.status], "status")]
        drop = (missed_drops or {}).get(row.gold_index) if row.status == "missed" and row.gold_index is not None else None
        if drop is not None:
            cells[0] = _cell(f"{STATUS_TEXT[row.status]}<br>{drop_html(drop)}", "status")
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
                    text_note: str | None, drops: list[StoredDrop] | None = None) -> str:
    """One document's section: its fields, its highlighted text (dropped numbers marked), its target table."""
    anchor = f"doc{n}"
    rows = document_rows(gold, pred)
    missed_drops = _missed_drops(text, gold, rows, drops or [])
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
        marks += [Highlight("d", "dropped", i, d.start, d.end, f"dropped by {d.rule}: {d.reason}")
                  for i, d in enumerate(drops or [])]
        out += [f'<p class="warn">{html.escape(n_, quote=False)}</p>' for n_ in notes]
        out.append(f'<div class="text" lang="vi">{render_text(text, marks, anchor)}</div>')
    out.append("<h3>Targets</h3>")
    out.append(render_rows(rows, anchor, missed_drops))
    out.append("</section>")
    return "\n".join(out)


def _missed_drops(text: str | None, gold: Plan, rows: list[Row], drops: list[StoredDrop]) -> dict[int, StoredDrop]:
    """Each missed gold target whose quote holds a number the extractor dropped, with that drop."""
    if text is None or not drops:
        return {}
    places = locate(text, gold.targets)
    out: dict[int, StoredDrop] = {}
    for row in rows:
        if row.status == "missed" and row.gold_index is not None and (place := places[row.gold_index]):
            drop = drop_near(drops, place[0], place[1])
            if drop is not None:
                out[row.gold_index] = drop
    return out


def _same(a: Plan, b: Plan, f: str) -> bool:
    def norm(v: Any) -> Any:
        return unicodedata.normalize("NFC", v).strip() if isinstance(v, str) else v

    return bool(norm(getattr(a, f)) == norm(getattr(b, f)))


def _prf_cells(d: dict[str, float]) -> str:
    return "".join(_cell(f"{d[k]:.3f}", "num") for k in ("precision", "recall", "f1"))


def document_errors(result: dict[str, Any]) -> dict[str, int]:
    """Errors per document (missed, spurious, every differing field, document fields), as `evaluate` lists them."""
    counts = {d["doc_id"]: 0 for d in result["per_document"]}
    for e in result["errors"]:
        counts[e["doc_id"]] = counts.get(e["doc_id"], 0) + 1
    return counts


def worst_first(result: dict[str, Any], errors: dict[str, int]) -> list[dict[str, Any]]:
    """Per-document rows, most errors first, then lowest strict F1, then by id."""
    return sorted(result["per_document"], key=lambda d: (-errors.get(d["doc_id"], 0), d["strict"]["f1"], d["doc_id"]))


def _bar(fraction: float | None, width: int = 300) -> str:
    if fraction is None:
        return "–"
    return f'<span class="bar" style="width:{round(fraction * width)}px"></span>'


def render_figures(result: dict[str, Any], links: dict[str, str], rows_shown: int | None = None,
                   pager: str = "") -> str:
    """Totals, per-field accuracy as bars, and the per-document table, worst document first.

    `rows_shown` keeps only the worst documents in the table (`pager` links the rest): the
    table is what costs a browser its time at thousands of documents, not the charts.
    """
    errors = document_errors(result)
    with_errors = sum(1 for n in errors.values() if n)
    out = ['<section id="figures"><h2>Figures (labelling guide §5)</h2>',
           (f'<p>{result["documents"]} documents ({with_errors} with errors), {result["gold_targets"]} gold and '
            f'{result["pred_targets"]} predicted targets, {result["pairs"]} pairs, '
            f'{len(result["errors"])} errors (<a href="#errors">list</a>).</p>'),
           '<div class="row"><table class="totals"><tr><th></th><th>precision</th><th>recall</th><th>F1</th></tr>',
           f'<tr><th>value</th>{_prf_cells(result["value"])}</tr>',
           f'<tr><th>strict</th>{_prf_cells(result["strict"])}</tr></table>',
           '<table class="fields bars"><tr><th>field (over pairs)</th><th>accuracy</th><th></th></tr>']
    rows = [(f, acc) for f, acc in result["fields"].items()]
    rows.append(("indicator (mean overlap)", result["indicator_overlap"]))
    rows += [(f"document {f}", acc) for f, acc in result["document_fields"].items()]
    for f, acc in rows:
        out.append(f"<tr><th>{html.escape(f)}</th>{_cell('–' if acc is None else f'{acc:.3f}', 'num')}"
                   f"{_cell(_bar(acc), 'chart')}</tr>")
    out.append("</table>")
    out.append(render_f1_histogram(result))
    out.append("</div>")
    order = worst_first(result, errors)
    out.append(render_document_table(order if rows_shown is None else order[:rows_shown], errors, links, pager))
    if result["unscored"]:
        names = ", ".join(html.escape(u, quote=False) for u in result["unscored"])
        out.append(f"<p>Predictions with no gold (not scored): {names}</p>")
    out.append("</section>")
    return "\n".join(out)


def render_document_table(docs: list[dict[str, Any]], errors: dict[str, int], links: dict[str, str],
                          pager: str = "") -> str:
    """Per-document rows (as given: worst first) with the 'only documents with errors' filter."""
    out = [('<div class="filters"><input type="checkbox" id="only-errors">'
            '<label for="only-errors">only documents with errors</label>')]
    if pager:
        out.append(pager)
    out.append('<table class="per-document"><tr><th>document</th><th>errors</th><th>gold</th><th>pred</th>'
               "<th>value P</th><th>value R</th><th>value F1</th>"
               "<th>strict P</th><th>strict R</th><th>strict F1</th></tr>")
    for d in docs:
        name = html.escape(d["doc_id"], quote=False)
        link = f'<a href="{links[d["doc_id"]]}">{name}</a>'
        n = errors.get(d["doc_id"], 0)
        cls = "has-errors" if n else "no-errors"
        out.append(f'<tr class="{cls}">{_cell(link)}{_cell(str(n), "num errs")}{_cell(str(d["gold"]), "num")}'
                   f"{_cell(str(d['pred']), 'num')}{_prf_cells(d['value'])}{_prf_cells(d['strict'])}</tr>")
    out.append("</table></div>")
    return "\n".join(out)


def list_page_name(k: int) -> str:
    """The file name of the k-th page (from 1) of the full per-document list."""
    return f"documents-{k}.html"


def render_pager(total: int, per_page: int, current: int | None, prefix: str, shown: int | None = None) -> str:
    """Links to every page of the full per-document list; `current` is the page this is (None: the index)."""
    pages = -(-total // per_page)
    links = []
    for k in range(1, pages + 1):
        first, last = (k - 1) * per_page + 1, min(total, k * per_page)
        label = f"{first}–{last}"
        links.append(f"<b>{label}</b>" if k == current else f'<a href="{prefix}{list_page_name(k)}">{label}</a>')
    lead = (f"The {shown} worst of {total} documents; all documents, worst first: " if current is None
            else f"Documents, worst first ({total} in all): ")
    return f'<p class="pager">{lead}{" · ".join(links)}</p>'


def render_f1_histogram(result: dict[str, Any]) -> str:
    """How many documents fall in each tenth of strict F1: where the bad ones are."""
    bins = [0] * 10
    for d in result["per_document"]:
        bins[min(9, int(d["strict"]["f1"] * 10))] += 1
    top = max(bins) or 1
    rows = "".join(
        f"<tr><th>{i / 10:.1f}–{(i + 1) / 10:.1f}</th>{_cell(str(n), 'num')}{_cell(_bar(n / top, 200), 'chart')}</tr>"
        for i, n in reversed(list(enumerate(bins))))
    return f'<table class="bars f1"><tr><th>strict F1</th><th>documents</th><th></th></tr>{rows}</table>'


# The year sources the extractor records (`rules["deadline_year"]`), in labelling guide §3's
# order: (1) the target's own clause, (2) the year governing its sentence, paragraph or
# section, or carried from above, (3) the document's horizon.  Others sort after these.
YEAR_SOURCE_ORDER = ("clause", "annual_period", "restatement_year", "list_year_after_last_item", "sentence",
                     "paragraph", "heading", "carried", "horizon", "carry_withdrawn")
YEAR_OUTCOMES = ("same year", "other year", "year, gold none", "none, gold a year", "both none")
YEAR_TABLE = "year source × gold"


def year_source(t: Target) -> str:
    """Where a predicted target's deadline year came from, as its provenance records it.

    'none' when it has no year, whatever rule looked; 'unrecorded' for records without
    provenance (written by an older extractor, or by hand).
    """
    if t.deadline_year is None:
        return "none"
    rule = (t.rules or {}).get("deadline_year")
    if rule is None:
        return "unrecorded"
    return rule.removeprefix("year_")


def year_outcome(g: Target, p: Target) -> str:
    """A pair's predicted deadline year against gold's (one of YEAR_OUTCOMES)."""
    if g.deadline_year is None:
        return "both none" if p.deadline_year is None else "year, gold none"
    if p.deadline_year is None:
        return "none, gold a year"
    return "same year" if p.deadline_year == g.deadline_year else "other year"


def _source_rank(source: str) -> tuple[int, str]:
    known = {s: i for i, s in enumerate(YEAR_SOURCE_ORDER)}
    tail = {"none": len(known) + 1, "unrecorded": len(known) + 2}
    return known.get(source, tail.get(source, len(known))), source


def render_confusions(gold: dict[str, Plan], pred: dict[str, Plan]) -> str:
    """Gold-by-predicted tables over pairs for the enum fields, and the year source by its outcome.

    Gold records carry no provenance, so the year table's rows are the predicted target's
    year source (own clause, sentence, heading, carried, horizon…) and its columns whether
    that year agrees with gold's: which rule gives the wrong years.
    """
    tables: dict[str, dict[tuple[str, str], int]] = {f: {} for f in (*CONFUSION_FIELDS, YEAR_TABLE)}
    for doc_id, g_plan in gold.items():
        p_plan = pred.get(doc_id)
        if p_plan is None:
            continue
        for pair in pair_targets(g_plan.targets, p_plan.targets):
            g, p = g_plan.targets[pair.gold], p_plan.targets[pair.pred]
            for f in CONFUSION_FIELDS:
                key = (_show(_value(g, f)), _show(_value(p, f)))
                tables[f][key] = tables[f].get(key, 0) + 1
            key = (year_source(p), year_outcome(g, p))
            tables[YEAR_TABLE][key] = tables[YEAR_TABLE].get(key, 0) + 1
    out = [('<section id="confusions"><h2>Confusion over pairs (rows gold, columns predicted; '
           'for the year: rows the predicted year\'s source, columns how it compares with gold)</h2>'
           '<div class="row">')]
    for f, cells in tables.items():
        if f == YEAR_TABLE:
            rows = sorted({r for r, _ in cells}, key=_source_rank)
            cols = [c for c in YEAR_OUTCOMES if any(k[1] == c for k in cells)]
            wrong = {(r, c) for r, c in cells if c not in ("same year", "both none")}
        else:
            rows = sorted({g for g, _ in cells})
            cols = sorted({p for _, p in cells})
            wrong = {(r, c) for r, c in cells if r != c}
        head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
        body = "".join(
            f"<tr><th>{html.escape(r)}</th>"
            + "".join(_cell(str(cells.get((r, c), "")), "num" + (" diff" if (r, c) in wrong else ""))
                      for c in cols)
            + "</tr>" for r in rows)
        out.append(f'<table class="confusion"><tr><th>{html.escape(f)}</th>{head}</tr>{body}</table>')
    out.append("</div></section>")
    return "\n".join(out)


def _dropped_mark(e: dict[str, Any]) -> str:
    """After a missed target in the error list: its dropped number and the rule id, the reason on hover."""
    d = e.get("dropped")
    if not d:
        return ""
    title = html.escape(f"dropped by {d['rule']}: {d['reason']}", quote=True)
    return (f' <span class="drop" title="{title}">{html.escape(d["number"])} dropped by '
            f'<code>{html.escape(d["rule"])}</code></span>')


def _error_fields(e: dict[str, Any]) -> str:
    return e.get("field") or e["kind"]


def render_errors(errors: list[dict[str, Any]], links: dict[str, str], limit: int | None = None,
                  doc_order: list[str] | None = None, all_errors_href: str | None = None) -> str:
    """The error list `chitieu evaluate` prints, each line linked to its document, filterable by field."""
    rank = {d: i for i, d in enumerate(doc_order or [])}
    ordered = sorted(errors, key=lambda e: rank.get(e["doc_id"], 0))
    shown = ordered[:limit] if limit is not None else ordered
    kinds = sorted({_error_fields(e) for e in errors})
    css = "".join(f"#e-{k}:checked~ul.errors li:not(.e-{k}){{display:none}}" for k in kinds)
    out = [f'<section id="errors"><h2>Errors ({len(errors)})</h2><style>{css}</style><div class="filters">',
           '<input type="radio" name="ef" id="e-all" checked><label for="e-all">all</label>']
    for k in kinds:
        n = sum(1 for e in errors if _error_fields(e) == k)
        out.append(f'<input type="radio" name="ef" id="e-{k}"><label for="e-{k}">{html.escape(k)} ({n})</label>')
    out.append('<ul class="errors">')
    for e in shown:
        href = links.get(e["doc_id"], "#")
        line = format_error({k: v for k, v in e.items() if k != "dropped"}).split(": ", 1)[-1]
        out.append(f'<li class="e-{_error_fields(e)}"><a href="{href}">{html.escape(e["doc_id"])}</a>: '
                   f'{html.escape(line)}{_dropped_mark(e)}</li>')
    out.append("</ul></div>")
    if limit is not None and len(ordered) > limit:
        every = f' (<a href="{all_errors_href}">all errors</a>)' if all_errors_href else ""
        out.append(f"<p>The first {limit} of {len(ordered)} errors, worst documents first{every}; each document's "
                   "page lists all of its own.</p>")
    out.append("</section>")
    return "\n".join(out)


LEGEND = (
    '<p class="legend">Gold (background): <span class="key g-matched"></span>matched '
    '<span class="key g-field"></span>strict but a field (e.g. pillar) differs '
    '<span class="key g-partial"></span>value only (a strict field differs) '
    '<span class="key g-missed"></span>missed. '
    'Predicted (underline): <span class="key p-matched"></span>matched '
    '<span class="key p-field"></span>a field differs <span class="key p-partial"></span>value only '
    '<span class="key p-spurious"></span>spurious. Hover a highlight for its fields.</p>'
)


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>\n{body}\n</body></html>\n"
    )


def render_report(result: dict[str, Any], gold: dict[str, Plan], pred: dict[str, Plan],
                  texts: dict[str, str], text_notes: dict[str, str], sources: dict[str, str],
                  pages_dir: str | None = None,
                  drops: dict[str, list[StoredDrop]] | None = None) -> tuple[str, dict[str, str]]:
    """The index page, and (with `pages_dir`) one page per document keyed by its file name.

    With up to INLINE_MAX documents everything is on one page; beyond that the index holds
    the figures, charts, the worst INDEX_ROWS documents and the first INDEX_ERRORS_MAX errors
    (worst documents first), and links each document to its own page, the full per-document
    list to pages of LIST_PAGE_ROWS and every error to one page, so the index stays small and
    its first screen fast to draw whatever the corpus size.
    """
    ids = sorted(gold)
    anchors = {doc_id: f"doc{n}" for n, doc_id in enumerate(ids, 1)}
    split = pages_dir is not None
    links = ({d: f"{pages_dir}/{anchors[d]}.html" for d in ids} if split else {d: f"#{anchors[d]}" for d in ids})
    errors = document_errors(result)
    worst = worst_first(result, errors)
    order = [d["doc_id"] for d in worst]
    meta = " · ".join(f"{k}: {html.escape(v, quote=False)}" for k, v in sources.items())
    head = f'<h1>chitieu evaluation report</h1><p class="meta">{meta}</p>\n{LEGEND}\n'
    pages: dict[str, str] = {}
    if split and len(ids) > INDEX_ROWS:
        # the index draws the worst INDEX_ROWS documents; every document is on the list pages
        pager = render_pager(len(ids), LIST_PAGE_ROWS, None, f"{pages_dir}/", INDEX_ROWS)
        figures = render_figures(result, links, INDEX_ROWS, pager)
        own_links = {d: f"{anchors[d]}.html" for d in ids}
        back = f'<p><a href="../{INDEX_NAME}">← figures and errors</a></p>'
        for k, first in enumerate(range(0, len(ids), LIST_PAGE_ROWS), 1):
            list_pager = render_pager(len(ids), LIST_PAGE_ROWS, k, "")
            table = render_document_table(worst[first:first + LIST_PAGE_ROWS], errors, own_links, list_pager)
            pages[list_page_name(k)] = _page(f"documents {k} · chitieu report", back + table)
    else:
        figures = render_figures(result, links)
    errors_shown = INDEX_ERRORS_MAX if split else None
    body = [head, figures, render_confusions(gold, pred),
            render_errors(result["errors"], links, errors_shown, order,
                          f"{pages_dir}/{ERRORS_PAGE}" if split else None)]
    if split and len(result["errors"]) > INDEX_ERRORS_MAX:
        back = f'<p><a href="../{INDEX_NAME}">← figures and errors</a></p>'
        every = render_errors(result["errors"], {d: f"{anchors[d]}.html" for d in ids}, None, order)
        pages[ERRORS_PAGE] = _page("errors · chitieu report", back + every)
    for n, doc_id in enumerate(ids, 1):
        section = render_document(n, doc_id, gold[doc_id], pred.get(doc_id), texts.get(doc_id),
                                  text_notes.get(doc_id), (drops or {}).get(doc_id))
        if not split:
            body.append(section)
            continue
        own = [e for e in result["errors"] if e["doc_id"] == doc_id]
        back = f'<p><a href="../{INDEX_NAME}">← report index</a></p>'
        pages[f"{anchors[doc_id]}.html"] = _page(
            f"{doc_id} · chitieu report",
            back + LEGEND + section + render_errors(own, {doc_id: f"#{anchors[doc_id]}"}))
    return _page("chitieu evaluation report", "\n".join(body)), pages


INDEX_NAME = "{index}"  # replaced by the index file's name when pages are written


def build_report(gold_dir: Path, pred_dir: Path, corpus_dirs: Sequence[Path], out: Path,
                 split: bool | None = None, min_confidence: float | None = None) -> dict[str, Any]:
    """Score `pred_dir` against `gold_dir`, write the HTML report to `out`, return a summary.

    `split` (default: more than INLINE_MAX documents) writes one page per document into the
    folder `<out stem>_pages/` beside `out`, linked from the index page `out`.
    `min_confidence` leaves out predicted targets below it (those without a confidence stay),
    so the page shows what an analyst filtering at that level would get.
    """
    gold = load_dir(gold_dir)
    if not gold:
        raise ChitieuError(f"{gold_dir}: no gold files (*.json)")
    written = pred = load_dir(pred_dir)
    if min_confidence is not None:
        pred = {d: p.model_copy(update={"targets": [t for t in p.targets
                                                    if t.confidence is None or t.confidence >= min_confidence]})
                for d, p in written.items()}
    loaded, notes = run_documents(gold, corpus_dirs, extract=no_extraction)  # the text only
    texts = {doc_id: o.source.text for doc_id, o in loaded.items() if o.source is not None}
    # why numbers are not targets, beside the missed gold targets: the drops the run kept
    # beside its records, or (records made before drops were kept, or by hand) a fresh extraction
    kept, extracted = report_drops(pred_dir, written, loaded)
    drops = {doc_id: d.by_span() for doc_id, d in kept.items()}
    result = evaluate(gold, pred, kept)
    sources = {"gold": str(gold_dir), "predictions": str(pred_dir),
               "corpus": ", ".join(str(c) for c in corpus_dirs)}
    if min_confidence is not None:
        sources["predictions"] += f" (confidence >= {min_confidence})"
    split = len(gold) > INLINE_MAX if split is None else split
    pages_dir = f"{out.stem}_pages" if split else None
    index, pages = render_report(result, gold, pred, texts, notes, sources, pages_dir, drops)
    for name, page in pages.items():
        _write_text(out.parent / str(pages_dir) / name, page.replace("../" + INDEX_NAME, "../" + out.name))
    _write_text(out, index)
    return {
        "out": str(out),
        "pages": str(out.parent / pages_dir) if pages_dir else None,
        "documents": result["documents"],
        "documents_with_errors": sum(1 for n in document_errors(result).values() if n),
        "errors": len(result["errors"]),
        "with_text": sorted(texts),
        "without_text": notes,
        "drops_kept": len(kept) - len(extracted),
        "drops_extracted": extracted,
        "drops_dir": str(drops_dir(pred_dir)),
        "value": result["value"],
        "strict": result["strict"],
    }


def report_drops(pred_dir: Path, pred: dict[str, Plan],
                 loaded: dict[str, Outcome]) -> tuple[dict[str, DocumentDrops], list[str]]:
    """Each document's drops: kept in `<pred_dir>.drops/` for this text and record, or extracted now.

    Returns the drops by doc_id and the ids that had to be extracted again (sorted): their
    drops were missing, unreadable, or written for other bytes or another record.
    """
    out: dict[str, DocumentDrops] = {}
    extracted: list[str] = []
    for doc_id, o in loaded.items():
        if o.source is None:
            continue
        found = find_drops(pred_dir, doc_id)
        if found is not None and found.belongs_to(pred.get(doc_id), o.source.sha256):
            out[doc_id] = found
            continue
        plan, extraction = extract_source_with_drops(o.source)
        out[doc_id] = DocumentDrops.of(plan, extraction, o.source.text)
        extracted.append(doc_id)
    return out, sorted(extracted)


def _write_text(path: Path, text: str) -> None:
    """Atomic write: a half-written report never replaces a good one."""
    write_text_atomic(path, text)
