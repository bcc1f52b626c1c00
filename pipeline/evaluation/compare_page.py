"""The comparison page: one self-contained HTML file, a chart per national indicator, offline.

Charts are Vega-Lite specifications built with Altair and rendered to SVG by vl-convert, in
this process: the page holds the SVG itself, no script or font is fetched, and it opens the
same when mailed or archived.  Each point of a chart links to the table row that holds its
quote (`#q-N`).  Vega gives every point its own `<a>` with an `aria-label` of its fields;
vl-convert resolves links against a built-in base URL, so the base is cut off again here to
keep the links inside the page.

The filters (indicator, province, pillar, year) are a few lines of inline script that hide
table rows, and the chart points linked to those rows; without script everything shows.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import altair as alt
import regex
import vl_convert as vlc

from extractors.indicators import get_matcher
from pipeline.evaluation.compare import (
    Coverage,
    Row,
    comparison_rows,
    coverage,
    load_records,
    provinces_in,
    write_table,
)
from pipeline.io import atomic_path

CHART_WIDTH = 560
CHART_HEIGHT = 260
NATIONAL_SERIES = "mục tiêu quốc gia"
NATIONAL_COLOUR = "#000000"
UNKNOWN_PROVINCE = "không rõ tỉnh"
NO_SCOPE = "không nêu cấp"
SCOPE_TEXT = {"province": "cấp tỉnh", "district": "cấp huyện", "commune": "cấp xã", None: NO_SCOPE}
UNIT_TEXT = {"percent": "%", "rank": "thứ hạng (nhóm N)", "count": "số lượng"}
CMP_TEXT = {"=": "", ">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< ", "~": "≈ "}
# vl-convert prefixes in-page links with its loader's base URL; points must link inside the page.
_HREF_BASE_RE = regex.compile(r'xlink:href="[^"#]*#')

CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:24px;color:#212529}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:0 0 4px}
section.indicator{border-top:2px solid #dee2e6;padding-top:12px;margin-top:24px}
.meta{color:#495057;margin:2px 0}.none{color:#868e96}
.filters{position:sticky;top:0;background:#f8f9fa;border:1px solid #dee2e6;padding:8px 12px;margin:12px 0;z-index:1}
.filters label{margin-right:16px}
table{border-collapse:collapse;margin:8px 0 4px;font-size:13px}
th,td{border:1px solid #dee2e6;padding:2px 8px;text-align:left;vertical-align:top}
th{background:#f1f3f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr:target{background:#fff3bf}
.chart svg{max-width:100%;height:auto}
.missing{font-size:13px}
"""

SCRIPT = """
(function(){
  var sel=function(n){return document.getElementById('f-'+n)};
  function apply(){
    var ind=sel('indicator').value, prov=sel('province').value, pil=sel('pillar').value, yr=sel('year').value;
    document.querySelectorAll('section.indicator').forEach(function(s){
      var on=(!ind||s.dataset.indicator===ind)&&(!pil||s.dataset.pillar===pil);
      s.style.display=on?'':'none';
    });
    document.querySelectorAll('tr.point').forEach(function(r){
      var on=(!prov||r.dataset.province===prov)&&(!yr||r.dataset.year===yr);
      r.style.display=on?'':'none';
      document.querySelectorAll('a[href="#'+r.id+'"],a[*|href="#'+r.id+'"]').forEach(function(a){
        a.style.display=on?'':'none';
      });
    });
  }
  ['indicator','province','pillar','year'].forEach(function(n){sel(n).addEventListener('change',apply)});
})();
"""


def _num(v: float | None) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else str(v)


def value_text(row: Row) -> str:
    """`≥ 20%`, `25–30%`, `≤ top 10`: the target as a reader says it."""
    rng = f"–{_num(row.value_max)}" if row.value_max is not None else ""
    unit = "%" if row.unit == "percent" else ""
    sign = "+" if row.direction == "increase" else ("−" if row.direction == "decrease" else "")
    return f"{CMP_TEXT.get(row.comparator, '')}{sign}{_num(row.value)}{rng}{unit}"


def _series(row: Row) -> str:
    if row.national_document:
        return f"{row.province_current} (văn bản quốc gia)"
    return row.province_current or UNKNOWN_PROVINCE


def chart_svg(cov: Coverage, anchors: dict[int, str]) -> str:
    """The indicator's chart: each province's targets by deadline year, with the national values."""
    ind = cov.indicator
    points: list[dict[str, Any]] = [
        {"year": str(r.deadline_year), "value": r.value, "series": _series(r), "scope": SCOPE_TEXT[r.scope],
         "target": value_text(r), "document": r.doc_id, "href": "#" + anchors[id(r)]}
        for r in cov.rows if r.deadline_year is not None
    ]
    national = [{"year": str(n.year), "value": n.value, "series": NATIONAL_SERIES,
                 "scope": SCOPE_TEXT[n.scope], "target": f"{CMP_TEXT[n.comparator]}{_num(n.value)}", "document": n.source}
                for n in ind.national]
    years = sorted({p["year"] for p in points + national})
    x = alt.X("year:O", title="năm đích", scale=alt.Scale(domain=years), axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=UNIT_TEXT[ind.unit], scale=alt.Scale(reverse=ind.unit == "rank", zero=ind.unit != "rank"))
    tooltip = ["series:N", "year:O", "target:N", "scope:N", "document:N"]
    layers = []
    if national:  # drawn first, so provinces' points stay visible on top of the national marks
        layers.append(alt.Chart(alt.Data(values=national)).mark_point(
            shape="cross", size=260, filled=True, color=NATIONAL_COLOUR, opacity=1).encode(x=x, y=y, tooltip=tooltip))
    if points:
        layers.append(alt.Chart(alt.Data(values=points)).mark_point(size=90, filled=True, opacity=0.9).encode(
            x=x, y=y, xOffset=alt.XOffset("series:N", scale=alt.Scale(paddingOuter=0.3)),
            color=alt.Color("series:N", title="tỉnh (hiện nay)", scale=alt.Scale(scheme="tableau20")),
            shape=alt.Shape("scope:N", title="cấp"), href="href:N", tooltip=tooltip))
    if not layers:
        return ""
    # right padding: vl-convert measures legend text with its own font, narrower than a browser's
    chart = alt.layer(*layers).properties(width=CHART_WIDTH, height=CHART_HEIGHT,
                                          padding={"left": 5, "top": 5, "right": 60, "bottom": 5}).configure_legend(
        labelLimit=260, titleLimit=260)
    svg = vlc.vegalite_to_svg(chart.to_json(), allowed_base_urls=[])
    return _HREF_BASE_RE.sub('xlink:href="#', svg)


def _options(values: Sequence[str], labels: dict[str, str] | None = None) -> str:
    return "".join(f'<option value="{html.escape(v)}">{html.escape((labels or {}).get(v, v))}</option>'
                   for v in values)


def _section(cov: Coverage, anchors: dict[int, str]) -> str:
    ind = cov.indicator
    docs = get_matcher().catalogue.documents
    sources = "; ".join(f"{html.escape(docs[s.document].split(':')[0])} ({html.escape(s.section)})"
                        for s in ind.sources)
    national = ", ".join(f"{n.year}: {CMP_TEXT[n.comparator]}{_num(n.value)}{'%' if ind.unit == 'percent' else ''}"
                         + (f" {SCOPE_TEXT[n.scope]}" if n.scope else "") for n in ind.national) or "không nêu số"
    pillar = ind.pillar or "none"
    out = [(f'<section class="indicator" id="{html.escape(ind.id)}" data-indicator="{html.escape(ind.id)}" '
           f'data-pillar="{pillar}">'),
           f"<h2>{html.escape(ind.name)} <small class=\"meta\">{html.escape(ind.id)}</small></h2>",
           f'<p class="meta">Chỉ tiêu quốc gia: «{html.escape(ind.official)}» — {sources}</p>',
           f'<p class="meta">Giá trị quốc gia: {html.escape(national)}</p>']
    if cov.rows:
        svg = chart_svg(cov, anchors)
        if svg:
            out.append(f'<div class="chart">{svg}</div>')
        out.append("<table><tr><th>tỉnh (hiện nay)</th><th>tỉnh (theo văn bản)</th><th>năm</th><th>chỉ tiêu</th>"
                   "<th>cấp</th><th>so với quốc gia</th><th>văn bản</th><th>trích dẫn</th></tr>")
        for r in cov.rows:
            gap = "" if r.gap is None else f"{'+' if r.gap > 0 else ''}{_num(r.gap)}"
            doc = html.escape(r.doc_id + (f" ({r.doc_number})" if r.doc_number else ""))
            out.append(
                f'<tr class="point" id="{anchors[id(r)]}" data-province="{html.escape(r.province_current or "")}" '
                f'data-year="{r.deadline_year or ""}"><td>{html.escape(_series(r))}</td>'
                f"<td>{html.escape(r.province or '')}</td><td class=\"num\">{r.deadline_year or ''}</td>"
                f'<td class="num">{html.escape(value_text(r))}</td><td>{SCOPE_TEXT[r.scope]}</td>'
                f'<td class="num">{gap}</td><td>{doc}</td><td>«{html.escape(r.quote)}»</td></tr>')
        out.append("</table>")
    else:
        out.append('<p class="none">Không tỉnh nào trong kho nêu chỉ tiêu này.</p>')
    missing = ", ".join(html.escape(p) for p in cov.without_it) or "—"
    out.append(f'<p class="missing"><b>Tỉnh không nêu chỉ tiêu này ({len(cov.without_it)}):</b> {missing}</p>')
    out.append("</section>")
    return "\n".join(out)


def render_page(coverages: Sequence[Coverage], provinces: Sequence[str], documents: int) -> str:
    """The whole page."""
    anchors: dict[int, str] = {}
    for cov in coverages:
        for r in cov.rows:
            anchors[id(r)] = f"q-{len(anchors) + 1}"
    rows = [r for cov in coverages for r in cov.rows]
    years = sorted({str(r.deadline_year) for r in rows if r.deadline_year is not None})
    row_provinces = sorted({r.province_current for r in rows if r.province_current})
    with_data = [c for c in coverages if c.rows]
    head = (f"<h1>So sánh chỉ tiêu chuyển đổi số giữa các tỉnh</h1>"
            f'<p class="meta">{documents} văn bản, {len(provinces)} tỉnh/thành phố (theo địa giới từ 1/7/2025), '
            f"{len(rows)} chỉ tiêu gắn với {len(with_data)} trong {len(coverages)} chỉ tiêu quốc gia. "
            f"Dấu + màu đen: mục tiêu quốc gia; mỗi điểm dẫn tới trích dẫn của nó.</p>")
    filters = (
        '<form class="filters">'
        f'<label>Chỉ tiêu <select id="f-indicator"><option value="">tất cả</option>'
        f'{_options([c.indicator.id for c in coverages], {c.indicator.id: c.indicator.name for c in coverages})}'
        "</select></label>"
        f'<label>Tỉnh <select id="f-province"><option value="">tất cả</option>{_options(row_provinces)}</select></label>'
        '<label>Trụ cột <select id="f-pillar"><option value="">tất cả</option>'
        f'{_options(["government", "economy", "society", "none"], {"government": "chính quyền số", "economy": "kinh tế số", "society": "xã hội số", "none": "chung (DTI)"})}'
        "</select></label>"
        f'<label>Năm <select id="f-year"><option value="">tất cả</option>{_options(years)}</select></label>'
        "</form>")
    sections = "\n".join(_section(c, anchors) for c in coverages)
    return ("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
            "<title>chitieu — so sánh tỉnh</title>"
            f"<style>{CSS}</style></head><body>{head}{filters}{sections}<script>{SCRIPT}</script></body></html>\n")


def compare_store(store_path: Path, out_dir: Path) -> dict[str, Any]:
    """Write the comparison table and page for a store; return what was written, for the CLI to report."""
    records = load_records(store_path)
    rows = comparison_rows(records)
    provinces = provinces_in(records)
    written = write_table(rows, out_dir)
    page = out_dir / "compare.html"
    with atomic_path(page) as tmp:
        tmp.write_text(render_page(coverage(rows, provinces), provinces, len(records)), encoding="utf-8")
    written.append(page)
    targets = sum(len(r.get("targets", [])) for r in records)
    return {"documents": len(records), "targets": targets, "rows": len(rows),
            "indicators": len({r.indicator_id for r in rows}), "provinces": len(provinces),
            "written": [str(p) for p in written]}
