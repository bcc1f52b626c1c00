"""`chitieu compare`: the comparison table an analyst queries and the page a person reads in a browser."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from extractors.indicators import get_matcher
from pipeline.cli import main
from pipeline.evaluation.compare import COLUMNS, comparison_rows, record_rows
from pipeline.extract import link_plan, version_tag
from pipeline.run import Outcome, Status, run_one
from pipeline.store.db import Store, pack, unpack
from schemas.plan import Plan
from tests.conftest import CORPUS, DEV, SHARED

DEV2 = SHARED / "corpus-dev2"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CATALOGUE_IDS = [ind.id for ind in get_matcher().catalogue.indicators]


def _target(value: float, year: int | None, indicator: str, **kw: Any) -> dict[str, Any]:
    return {"value": value, "unit": "percent", "indicator": indicator, "quote": f"{indicator} {value}%",
            "deadline_year": year, "pillar": "economy", **kw}


def _plan(doc_id: str, province: str | None, *targets: dict[str, Any]) -> Plan:
    """A record as the extractor writes it: linked to indicators and to the current province."""
    return link_plan(Plan.model_validate({"doc_id": doc_id, "province": province, "source": f"{doc_id}.txt",
                                          "targets": list(targets)}))


# A store whose facts are known: two provinces (both merged in 2025) state the digital-economy share,
# a third states nothing that links to a national indicator.
SHARE = "kinh tế số trong GRDP"
PLANS = [
    _plan("a", "Bình Dương", _target(20, 2025, SHARE), _target(30, 2030, SHARE)),
    _plan("b", "Quảng Bình", _target(10, 2025, SHARE)),
    _plan("c", "Hà Tĩnh", _target(50, 2025, "khu công nghiệp thông minh")),
]


def _store(path: Path, plans: list[Plan]) -> Path:
    outcomes = [Outcome(name=f"{p.doc_id}.txt", status=Status.EXTRACTED, sha256=hashlib.sha256(p.doc_id.encode())
                        .hexdigest(), size=1, targets=len(p.targets), plan=p) for p in plans]
    with Store.open(path) as store:
        run = store.begin_run("test", version_tag(), "local", 1)
        store.write_outcomes(run, outcomes, version_tag())
    return path


def test_rows_carry_the_current_province_national_value_and_gap() -> None:
    rows = comparison_rows(p.to_json() for p in PLANS)
    assert [(r.province, r.province_current, r.deadline_year, r.value, r.national_value, r.gap) for r in rows] == [
        ("Bình Dương", "Hồ Chí Minh", 2025, 20, 20, 0), ("Bình Dương", "Hồ Chí Minh", 2030, 30, 30, 0),
        ("Quảng Bình", "Quảng Trị", 2025, 10, 20, -10),
    ]
    assert {r.indicator_id for r in rows} == {"eco.digital_economy_share"}
    assert rows[0].province_code == "79" and rows[0].quote == "kinh tế số trong GRDP 20%"


def test_records_from_before_linking_are_linked_from_their_own_fields() -> None:
    old = {"doc_id": "old", "province": "TP.HCM", "targets": [
        {"value": 100, "unit": "percent", "indicator": "TTHC đủ điều kiện được cung cấp DVCTT toàn trình",
         "quote": "100% TTHC", "deadline_year": 2025, "comparator": ">=", "pillar": "government"}]}
    (row,) = record_rows(old)
    assert (row.indicator_id, row.indicator_rule, row.province_current) == (
        "gov.dvc_full_process", "dvc_full.procedures", "Hồ Chí Minh")
    national = record_rows({"doc_id": "nq", "province": "Việt Nam", "targets": [_target(30, 2030, SHARE)]})
    assert national[0].national_document and national[0].province_code is None


def test_compare_writes_csv_parquet_and_page_that_query_reads(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = _store(tmp_path / "s.duckdb", PLANS)
    out = tmp_path / "cmp"
    assert main(["compare", "--store", str(store), "--out", str(out)]) == 0
    assert "compared 3 targets of 3 provinces on 1 national indicators" in capsys.readouterr().err
    with (out / "comparison.csv").open(encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert tuple(table[0]) == COLUMNS and len(table) == 3
    parquet = str(out / "comparison.parquet").replace("'", "''")
    assert main(["query", "--store", str(store), "--json",
                 (f"SELECT province_current, value FROM '{parquet}' WHERE indicator_id = 'eco.digital_economy_share' "
                 "AND deadline_year = 2025 AND value >= 15")]) == 0
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == [
        {"province_current": "Hồ Chí Minh", "value": 20.0}]
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert "<script src" not in page and "<link" not in page and "@import" not in page


def test_compare_refuses_a_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--store", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "o")]) == 1
    assert "none.duckdb: no such store" in capsys.readouterr().err


def test_compare_has_help() -> None:
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "compare", "--help"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "comparison.parquet" in result.stdout


# ---------------------------------------------------------------- in a real browser

def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True, text=True, timeout=90, check=False,
    )


# Appended to a copy of the page only: asks the browser where it laid out the points, so the
# screenshot of the unchanged page can be checked at those places.
PROBE = """<script>
var out={};
document.querySelectorAll('section.indicator').forEach(function(s){
  out[s.id]={charts:s.querySelectorAll('svg.marks').length, rows:s.querySelectorAll('tr.point').length,
             missing:s.querySelector('p.missing').textContent};});
function centre(el){var r=el.getBoundingClientRect();return [r.left+r.width/2+window.scrollX, r.top+r.height/2+window.scrollY];}
var pts={};
document.querySelectorAll('section.indicator svg a').forEach(function(a){
  var href=a.getAttribute('href')||a.getAttribute('xlink:href'); var p=a.querySelector('path');
  var row=document.getElementById(href.slice(1));
  pts[href]={xy:centre(p), fill:p.getAttribute('fill'), row:row?row.textContent:null};});
var nat=[];
document.querySelectorAll('path[aria-label*="mục tiêu quốc gia"]').forEach(function(p){
  nat.push({label:p.getAttribute('aria-label'), xy:centre(p)});});
function pick(name, value){var el=document.getElementById('f-'+name); el.value=value;
  el.dispatchEvent(new Event('change'));}
function shown(q){return Array.prototype.filter.call(document.querySelectorAll(q),
  function(e){return e.getClientRects().length>0;}).length;}
var filters={};
pick('province','Quảng Trị');
filters.province={rows:shown('tr.point'), points:shown('section.indicator svg a')};
pick('province',''); pick('year','2030');
filters.year={rows:shown('tr.point'), points:shown('section.indicator svg a')};
pick('year',''); pick('pillar','society');
filters.pillar={sections:shown('section.indicator'), economy:shown('section[data-pillar="economy"]')};
pick('pillar',''); pick('indicator','eco.digital_economy_share');
filters.indicator={sections:shown('section.indicator')};
pick('indicator','');
var pre=document.createElement('pre'); pre.id='probe';
pre.textContent=JSON.stringify({sections:out, points:pts, national:nat, filters:filters});
document.body.appendChild(pre);
</script></body>"""


def _probe(tmp_path: Path, page: Path) -> dict[str, Any]:
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE), encoding="utf-8")
    dom = _chromium(tmp_path, "--window-size=1280,1000", "--dump-dom", probe.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = dom.stdout.split('<pre id="probe">', 1)[1].split("</pre>", 1)[0]
    data: dict[str, Any] = json.loads(text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    return data


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make sysdeps installs it as root)")
def test_page_renders_charts_with_each_point_at_its_value(tmp_path: Path) -> None:
    from PIL import Image

    store = _store(tmp_path / "s.duckdb", PLANS)
    assert main(["compare", "--store", str(store), "--out", str(tmp_path / "cmp")]) == 0
    page = tmp_path / "cmp" / "compare.html"
    data = _probe(tmp_path, page)

    sections = data["sections"]
    assert list(sections) == CATALOGUE_IDS  # every national indicator has its section, in catalogue order
    share = sections["eco.digital_economy_share"]
    assert share["charts"] == 1 and share["rows"] == 3 and "Hà Tĩnh" in share["missing"]
    assert all(s["charts"] == 0 and s["rows"] == 0 for k, s in sections.items() if k != "eco.digital_economy_share")

    points = data["points"]
    assert len(points) == 3 and all(p["row"] for p in points.values())  # every point links to its quote's row
    by_row = {("Hồ Chí Minh" if "Hồ Chí Minh" in p["row"] else "Quảng Trị", "2030" in p["row"]): p
              for p in points.values()}
    hcm25, hcm30, qt25 = by_row[("Hồ Chí Minh", False)], by_row[("Hồ Chí Minh", True)], by_row[("Quảng Trị", False)]
    national25 = next(n for n in data["national"] if "year: 2025" in n["label"])
    # 20 % sits on the national 20 %, 10 % as far below it as 30 % is above, and 2030 to the right of 2025.
    assert abs(hcm25["xy"][1] - national25["xy"][1]) < 1.5
    assert qt25["xy"][1] > hcm25["xy"][1] > hcm30["xy"][1]
    assert abs((qt25["xy"][1] - hcm25["xy"][1]) - (hcm25["xy"][1] - hcm30["xy"][1])) < 1.5
    assert hcm30["xy"][0] > max(hcm25["xy"][0], qt25["xy"][0])
    # within a year, provinces sit side by side around the national mark
    assert min(hcm25["xy"][0], qt25["xy"][0]) < national25["xy"][0] < max(hcm25["xy"][0], qt25["xy"][0])

    # the filters hide rows, their chart points and whole sections
    society = sum(ind.pillar == "society" for ind in get_matcher().catalogue.indicators)
    assert data["filters"] == {"province": {"rows": 1, "points": 1}, "year": {"rows": 1, "points": 1},
                               "pillar": {"sections": society, "economy": 0}, "indicator": {"sections": 1}}

    shot = tmp_path / "shot.png"
    height = int(max(p["xy"][1] for p in points.values())) + 200
    run = _chromium(tmp_path, f"--screenshot={shot}", f"--window-size=1280,{height}", page.as_uri())
    assert shot.exists(), run.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    for p in (hcm25, hcm30, qt25):  # the screenshot shows each point's own colour where the DOM put it
        want = tuple(int(p["fill"][i:i + 2], 16) for i in (1, 3, 5))
        x, y = (round(c) for c in p["xy"])
        got = image.getpixel((x, y))
        assert isinstance(got, tuple)
        assert all(abs(a - b) <= 40 for a, b in zip(got, want, strict=True)), (p, got)
    x, y = (round(c) for c in national25["xy"])
    cross = [image.getpixel((x + dx, y)) for dx in (-8, -6, 6, 8)]  # the cross's arms beside the point
    assert any(sum(c) < 150 for c in cross if isinstance(c, tuple)), cross


# ---------------------------------------------------------------- the real corpus

def _real_store(tmp_path: Path) -> tuple[Path, int]:
    folders = [CORPUS] + [d for d in (DEV, DEV2) if (d / "gold").is_dir()]
    files = [p for folder in folders for p in sorted(folder.glob("*.txt"))]
    outcomes = unpack(pack([run_one(p, size=p.stat().st_size) for p in files]))
    with Store.open(tmp_path / "real.duckdb") as store:
        run = store.begin_run("corpora", version_tag(), "local", 1)
        store.write_outcomes(run, outcomes, version_tag())
    return tmp_path / "real.duckdb", len(files)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_compare_on_corpus_and_the_dev_sets(tmp_path: Path) -> None:
    store, n_files = _real_store(tmp_path)
    out = tmp_path / "cmp"
    assert main(["compare", "--store", str(store), "--out", str(out)]) == 0
    con = duckdb.connect()
    table = str(out / "comparison.parquet").replace("'", "''")
    rows = con.execute(f"SELECT * FROM '{table}'").fetchall()
    with Store.open(store, read_only=True) as s:
        records = list(s.plan_records().values())
    linked = sum(1 for r in records for t in r["targets"] if t.get("indicator_id"))
    assert len(records) == n_files and len(rows) == linked
    # the seeds' full-process online services at 2025: Bình Thuận (now Lâm Đồng) and Quảng Bình (now Quảng Trị)
    full = con.execute(f"SELECT province, province_current FROM '{table}' WHERE indicator_id = 'gov.dvc_full_process' "
                       "AND deadline_year = 2025 AND value >= 80 AND doc_id LIKE '00%' ORDER BY 1").fetchall()
    assert full == [("Bình Thuận", "Lâm Đồng"), ("Quảng Bình", "Quảng Trị")]
    data = _probe(tmp_path, out / "compare.html")
    plotted = {r[0] for r in rows if r[COLUMNS.index("deadline_year")] is not None}
    assert list(data["sections"]) == CATALOGUE_IDS
    for ind, section in data["sections"].items():
        assert section["rows"] == sum(r[0] == ind for r in rows)
        if ind in plotted:
            assert section["charts"] == 1, ind
    assert all(p["row"] for p in data["points"].values())
