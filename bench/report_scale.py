"""How the HTML report scales: index page size, time to write, and time to first screen at N documents.

    python bench/report_scale.py [N]        # default 2000

Builds N synthetic documents (text, gold, and a prediction with one pillar error in every
fifth document and one missed target in every seventh), writes the report, and measures
the index page's size, the time to write the report, and headless Chromium's time to its
first screen twice: a whole `chromium --screenshot` run (browser start-up included, which
dominates on a busy machine) and, in one running browser over its DevTools pipe, a fresh
tab from navigation to the first screen captured, with the page's own first-contentful-paint
and load-event times (median of 3).  Beside each, the same for one document as the baseline.

The report marks the numbers the extractor dropped.  The predictions get the drops a run
keeps beside its records (`pred.drops/`, pipeline/drops.py), so the report reads them; the
same report is then written from a copy of the predictions without drops, as records made
before drops were kept, for which the report runs the extractor again (the code before
this change did so for every report).  Both are timed in this process (the report-writing
step alone) and as a whole `chitieu report` process (start-up and imports included), and
printed as a ratio.  Prints one line per measure.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cdp import Browser

from pipeline.drops import DocumentDrops, drops_path
from pipeline.evaluation.report import build_report
from pipeline.extract import extract_source_with_drops, version_tag
from pipeline.ingest.load import load_source
from pipeline.io import write_plan, write_text_atomic
from schemas.plan import Pillar, Plan, Target

SENTENCES = [
    ("Kinh tế số chiếm {v}% GRDP của tỉnh", "economy"),
    ("{v}% hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng", "government"),
    ("{v}% dân số trưởng thành có tài khoản thanh toán điện tử", "society"),
    ("{v}% dịch vụ công trực tuyến toàn trình", "government"),
    ("{v}% doanh nghiệp sử dụng hợp đồng điện tử", "economy"),
]


def make_corpus(folder: Path, n: int) -> tuple[Path, Path, Path]:
    """`n` documents of five targets each under folder/{corpus,gold,pred}, and pred's drops as a run keeps them."""
    corpus, gold, pred = folder / "corpus", folder / "gold", folder / "pred"
    corpus.mkdir(parents=True)
    for i in range(n):
        doc_id = f"kh{i:05d}"
        lines = ["Kế hoạch chuyển đổi số năm 2025"]
        targets = []
        for j, (pattern, pillar) in enumerate(SENTENCES):
            quote = pattern.format(v=10 + (i + j) % 90)
            start = len("\n".join(lines)) + 1
            lines.append(f"Đến năm 2025, {quote}.")
            start += len("Đến năm 2025, ")
            targets.append(Target(value=10 + (i + j) % 90, unit="percent", indicator=quote, quote=quote,
                                  start=start, end=start + len(quote), deadline_year=2025, pillar=pillar))
        text = "\n".join(lines) + "\n"
        (corpus / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        write_plan(Plan(doc_id=doc_id, targets=targets), gold / f"{doc_id}.json")
        predicted = list(targets)
        if i % 5 == 0:
            predicted[0] = predicted[0].model_copy(update={"pillar": Pillar.SOCIETY})
        if i % 7 == 0:
            predicted = predicted[:-1]
        source = load_source(corpus / f"{doc_id}.txt")
        record = Plan(doc_id=doc_id, targets=predicted, sha256=source.sha256, extractor_version=version_tag())
        write_plan(record, pred / f"{doc_id}.json")
        kept = DocumentDrops.of(*extract_source_with_drops(source), source.text)
        kept = DocumentDrops(doc_id, source.sha256, record.extractor_version, kept.drops,
                             (None,) * len(predicted))  # the hand-made errors have no number spans
        write_text_atomic(drops_path(pred, doc_id), kept.to_file_text())
    return corpus, gold, pred


def whole_process_seconds(gold: Path, pred: Path, corpus: Path, out: Path) -> float:
    """Wall time of a whole `chitieu report` process (interpreter start-up and imports included)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline.cli", "report", "--gold", str(gold), "--pred", str(pred),
                    "--corpus", str(corpus), "--out", str(out)], cwd=ROOT, capture_output=True, check=True,
                   timeout=1800)
    return time.perf_counter() - started


def first_screen_seconds(page: Path, profile: Path) -> float:
    """Wall time for headless Chromium to load `page` and screenshot its first screen."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    started = time.perf_counter()
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--hide-scrollbars",
                    f"--user-data-dir={profile}", f"--screenshot={profile / 'shot.png'}",
                    "--window-size=1400,1000", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    return time.perf_counter() - started


def measure(n: int, work: Path) -> dict[str, float]:
    corpus, gold, pred = make_corpus(work / f"n{n}", n)
    out = work / f"n{n}" / "report.html"
    started = time.perf_counter()
    summary = build_report(gold, pred, [corpus], out)
    written = time.perf_counter() - started
    assert not summary["drops_extracted"], "the report did not read the kept drops"
    bare = work / f"n{n}" / "pred-without-drops"  # the same records, as written before drops were kept
    shutil.copytree(pred, bare)
    started = time.perf_counter()
    summary = build_report(gold, bare, [corpus], work / f"n{n}" / "report-extracting.html")
    extracting = time.perf_counter() - started
    assert len(summary["drops_extracted"]) == n
    return {"documents": n, "index_bytes": out.stat().st_size, "write_seconds": written,
            "write_seconds_extracting": extracting,
            "process_seconds": whole_process_seconds(gold, pred, corpus, work / f"n{n}" / "p.html"),
            "process_seconds_extracting": whole_process_seconds(gold, bare, corpus, work / f"n{n}" / "q.html"),
            "first_screen_seconds": first_screen_seconds(out, work / f"profile{n}")}


def page_seconds(pages: list[Path], profile: Path, repeats: int = 3) -> list[dict[str, float]]:
    """Per page, the median over `repeats` fresh tabs of one running browser (start-up excluded)."""
    with Browser(profile) as browser:
        browser.first_screen("about:blank")  # the first tab pays the renderer's own start-up
        runs = [[browser.first_screen(p.as_uri()) for p in pages] for _ in range(repeats)]
    return [{k: statistics.median(r[i][k] for r in runs) for k in runs[0][i]} for i in range(len(pages))]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        base = measure(1, Path(tmp))
        big = measure(n, Path(tmp))
        base_page, big_page = page_seconds([Path(tmp) / "n1" / "report.html", Path(tmp) / f"n{n}" / "report.html"],
                                           Path(tmp) / "profile-pipe")
    base.update({f"page_{k}": v for k, v in base_page.items()})
    big.update({f"page_{k}": v for k, v in big_page.items()})
    for key in ("index_bytes", "write_seconds", "write_seconds_extracting", "process_seconds",
                "process_seconds_extracting", "first_screen_seconds",
                "page_first_screen_seconds", "page_first_paint_seconds", "page_load_seconds"):
        ratio = big[key] / base[key] if base[key] else float("nan")
        print(f"{key:<26} {n} documents: {big[key]:>12.3f}   1 document: {base[key]:>10.3f}   ratio {ratio:.1f}")
    for key in ("write_seconds", "process_seconds"):
        print(f"{key} at {n} documents, drops kept vs extracted again: {big[key]:.2f} s vs "
              f"{big[key + '_extracting']:.2f} s, {big[key + '_extracting'] / big[key]:.1f}x faster")


if __name__ == "__main__":
    main()
