"""How the HTML report scales: index page size and time to first screen at N documents.

    python bench/report_scale.py [N]        # default 2000

Builds N synthetic documents (text, gold, and a prediction with one pillar error in every
fifth document and one missed target in every seventh), writes the report, and measures
the index page's size, the time to write the report, and headless Chromium's time to its
first screen twice: a whole `chromium --screenshot` run (browser start-up included, which
dominates on a busy machine) and, in one running browser over its DevTools pipe, a fresh
tab from navigation to the first screen captured, with the page's own first-contentful-paint
and load-event times (median of 3).  Beside each, the same for one document as the baseline.
Prints one line per measure.
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

from pipeline.evaluation.report import build_report
from pipeline.io import write_plan
from schemas.plan import Pillar, Plan, Target

SENTENCES = [
    ("Kinh tế số chiếm {v}% GRDP của tỉnh", "economy"),
    ("{v}% hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng", "government"),
    ("{v}% dân số trưởng thành có tài khoản thanh toán điện tử", "society"),
    ("{v}% dịch vụ công trực tuyến toàn trình", "government"),
    ("{v}% doanh nghiệp sử dụng hợp đồng điện tử", "economy"),
]


def make_corpus(folder: Path, n: int) -> tuple[Path, Path, Path]:
    """`n` documents of five targets each under folder/{corpus,gold,pred}."""
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
        write_plan(Plan(doc_id=doc_id, targets=predicted), pred / f"{doc_id}.json")
    return corpus, gold, pred


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
    build_report(gold, pred, [corpus], out)
    written = time.perf_counter() - started
    return {"documents": n, "index_bytes": out.stat().st_size, "write_seconds": written,
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
    for key in ("index_bytes", "write_seconds", "first_screen_seconds",
                "page_first_screen_seconds", "page_first_paint_seconds", "page_load_seconds"):
        ratio = big[key] / base[key] if base[key] else float("nan")
        print(f"{key:<22} {n} documents: {big[key]:>12.3f}   1 document: {base[key]:>10.3f}   ratio {ratio:.1f}")


if __name__ == "__main__":
    main()
