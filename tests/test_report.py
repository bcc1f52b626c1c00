"""The HTML report: figures, highlighted text and tables that a browser actually renders."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli import main
from pipeline.evaluation.report import Highlight, locate, render_text
from pipeline.io import write_plan
from schemas.plan import Plan, Target, Unit

TEXT = (
    "Kế hoạch chuyển đổi số năm 2025\n"
    "Về phát triển kinh tế số:\n"
    "Kinh tế số chiếm 20% GRDP của tỉnh; 80% doanh nghiệp <b>dùng</b> hợp đồng điện tử & \"hóa đơn\".\n"
    "Trên 50% dân số trưởng thành có tài khoản thanh toán điện tử; 100% hồ sơ ở cấp tỉnh, huyện được xử lý.\n"
)


def target(value: float, quote: str, with_offsets: bool, **kw: Any) -> Target:
    data: dict[str, Any] = {"value": value, "unit": "percent", "indicator": quote, "quote": quote,
                            "deadline_year": 2025, "pillar": "economy", **kw}
    if with_offsets:
        data["start"] = TEXT.index(quote)
        data["end"] = data["start"] + len(quote)
    return Target.model_validate(data)


G1 = "Kinh tế số chiếm 20% GRDP của tỉnh"
G2 = "80% doanh nghiệp <b>dùng</b> hợp đồng điện tử & \"hóa đơn\""
P3 = "Trên 50% dân số trưởng thành có tài khoản thanh toán điện tử"
Q4 = "100% hồ sơ ở cấp tỉnh, huyện được xử lý"


@pytest.fixture()
def dirs(tmp_path: Path) -> dict[str, Path]:
    """A document whose gold and prediction give one of each: matched, value-only, missed, spurious."""
    corpus, gold, pred = tmp_path / "corpus", tmp_path / "gold", tmp_path / "pred"
    corpus.mkdir()
    (corpus / "kh.txt").write_text(TEXT, encoding="utf-8")
    write_plan(Plan(doc_id="kh", province="Bình Thuận", targets=[
        target(20, G1, False), target(80, G2, False),
        target(100, Q4, False, scope="province"), target(100, Q4, False, scope="district"),
    ]), gold / "kh.json")
    write_plan(Plan(doc_id="kh", province="Bình Thuận", targets=[
        target(20, G1, True),
        target(50, P3, True, comparator=">"),
        target(100, Q4, True, scope="province"), target(100, Q4, True, scope="commune"),
    ]), pred / "kh.json")
    return {"corpus": corpus, "gold": gold, "pred": pred, "out": tmp_path / "report.html"}


def _report(d: dict[str, Path]) -> str:
    assert main(["report", "--gold", str(d["gold"]), "--pred", str(d["pred"]), "--corpus",
                 str(d["corpus"].parent / "elsewhere"), "--corpus", str(d["corpus"]), "--out", str(d["out"])]) == 0
    return d["out"].read_text(encoding="utf-8")


class Marks(HTMLParser):
    """Collects <mark> classes, titles and the visible text; checks that tags nest."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.marks: list[dict[str, str]] = []
        self.text: list[str] = []
        self.in_text = 0
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        if tag in {"meta", "br", "img", "link", "input"}:
            return
        self.stack.append(tag)
        if tag == "div" and "text" in a.get("class", "").split():
            self.in_text = len(self.stack)
        if tag == "mark":
            self.marks.append({"class": a.get("class", ""), "title": a.get("title", "")})

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        if self.in_text == len(self.stack):
            self.in_text = 0
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.in_text:
            self.text.append(data)


def parse(page: str) -> Marks:
    m = Marks()
    m.feed(page)
    m.close()
    return m


def test_gold_quotes_are_found_in_order_from_the_previous_one() -> None:
    text = "100% xã; 100% xã; 90% huyện"
    ts = [Target(value=100, unit=Unit.PERCENT, indicator="x", quote="100% xã"),
          Target(value=100, unit=Unit.PERCENT, indicator="x", quote="100% xã"),
          Target(value=90, unit=Unit.PERCENT, indicator="x", quote="90% huyện"),
          Target(value=10, unit=Unit.PERCENT, indicator="x", quote="không có")]
    assert locate(text, ts) == [(0, 7), (0, 7), (18, 27), None]
    later = Target(value=100, unit=Unit.PERCENT, indicator="x", quote="100% xã", start=9, end=16)
    assert locate(text, [later]) == [(9, 16)]


def test_overlapping_highlights_nest_and_keep_the_text() -> None:
    text = "abcdefghij <x> & z"
    marks = [Highlight("g", "missed", 0, 0, 6, 'a "quoted" <title>'),
             Highlight("p", "spurious", 0, 3, 12, "p"),
             Highlight("g", "matched", 1, 4, 5, "inner")]
    m = parse(f'<div class="text">{render_text(text, marks, "d")}</div>')
    assert "".join(m.text) == text
    assert [k["class"] for k in m.marks] == [
        "hl g-missed", "hl g-missed p-spurious", "hl g-missed g-matched p-spurious",
        "hl g-missed p-spurious", "hl p-spurious"]
    assert m.marks[0]["title"] == 'a "quoted" <title>'


def test_report_shows_figures_text_and_every_kind_of_highlight(dirs: dict[str, Path]) -> None:
    page = _report(dirs)
    m = parse(page)
    assert not m.stack
    assert "".join(m.text) == TEXT  # the whole normalised text, escaped and restored by the parser
    assert "b" not in m.tags and "script" not in m.tags
    classes = [set(k["class"].split()) for k in m.marks]
    assert {"hl", "g-matched", "p-matched"} in classes
    assert any("g-missed" in c for c in classes)
    assert {"hl", "p-spurious"} in classes
    assert any({"g-partial", "p-partial"} <= c for c in classes)  # 100% district vs commune
    spurious = next(k for k in m.marks if k["class"] == "hl p-spurious")
    assert "PREDICTED #2 [spurious] 50 · unit percent, comparator >" in spurious["title"]
    partial = next(k for k in m.marks if "g-partial" in k["class"])
    assert "scope: gold district, predicted commune" in partial["title"]
    assert "value" in page and "strict" in page and "deadline_year" in page
    assert 'href="#doc1"' in page and "<link" not in page and "src=" not in page


def test_missing_document_text_is_reported_not_fatal(dirs: dict[str, Path], tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "--gold", str(dirs["gold"]), "--pred", str(dirs["pred"]),
                 "--corpus", str(tmp_path / "nothing"), "--out", str(out)]) == 0
    assert "kh: document text not found" in capsys.readouterr().err
    assert "document text not found" in out.read_text(encoding="utf-8")


# ---------------------------------------------------------------- in a real browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
COLOURS = {"g-matched": (0xB2, 0xF2, 0xBB), "g-missed": (0xFF, 0xA8, 0xA8), "p-spurious": (0xD0, 0xBF, 0xFF),
           "g-partial": (0xFF, 0xE0, 0x66)}


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True, text=True, timeout=90, check=False,
    )


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make sysdeps installs it as root)")
def test_report_renders_in_a_headless_browser(dirs: dict[str, Path], tmp_path: Path) -> None:
    from PIL import Image

    _report(dirs)
    url = dirs["out"].resolve().as_uri()
    shot = tmp_path / "shot.png"
    run = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", url)
    assert shot.exists(), run.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 2000)
    counts = dict.fromkeys(COLOURS, 0)
    for n, rgb in image.getcolors(maxcolors=1 << 24) or []:
        assert isinstance(rgb, tuple)
        for name, want in COLOURS.items():
            if all(abs(a - b) <= 2 for a, b in zip(rgb, want, strict=True)):
                counts[name] += n
    # a legend key is 12x12 px; a highlighted clause is thousands of pixels
    assert all(n > 1000 for n in counts.values()), counts

    dom = _chromium(tmp_path, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    m = parse(dom.stdout)
    classes = [set(k["class"].split()) for k in m.marks]
    assert {"hl", "g-matched", "p-matched"} in classes and {"hl", "p-spurious"} in classes
    assert any("g-missed" in c for c in classes)
    assert all(k["title"] for k in m.marks)
    assert "&lt;b&gt;dùng&lt;/b&gt;" in dom.stdout  # the document's markup is text, not tags


def test_a_missed_gold_target_shows_the_rule_that_dropped_its_number(tmp_path: Path) -> None:
    """Beside a missed gold target: the extractor's drop of its number, with the rule id and reason on hover."""
    text = "Kế hoạch chuyển đổi số năm 2025\nĐến năm 2025, tốc độ tăng trưởng GRDP bình quân đạt 10%; kinh tế số chiếm 20% GRDP.\n"
    corpus, gold, pred = tmp_path / "corpus", tmp_path / "gold", tmp_path / "pred"
    corpus.mkdir()
    (corpus / "kh.txt").write_text(text, encoding="utf-8")
    quote = "tốc độ tăng trưởng GRDP bình quân đạt 10%"
    write_plan(Plan(doc_id="kh", targets=[Target(value=10, unit=Unit.PERCENT, indicator=quote, quote=quote)]),
               gold / "kh.json")
    assert main(["extract", str(corpus / "kh.txt"), "--out", str(pred)]) == 0
    out = tmp_path / "r.html"
    assert main(["report", "--gold", str(gold), "--pred", str(pred), "--corpus", str(corpus), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    m = parse(page)
    dropped = [k for k in m.marks if "d-dropped" in k["class"]]
    assert dropped and "dropped by not_digital_growth" in dropped[0]["title"]
    assert "dropped by <code>not_digital_growth</code>" in page  # in the missed row of the table
    spurious = next(k for k in m.marks if "p-spurious" in k["class"])
    assert "rules: value percent" in spurious["title"] and "pillar pillar_in_clause" in spurious["title"]
