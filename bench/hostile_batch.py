"""Benchmark of a hostile batch (issue 12): 2,000 good documents with the trial's hostile files.

Builds, under .cache/bench/hostile/, N good documents (the corpus/ texts copied round-robin,
each with a unique last line, as ../shared/trials/reliability.md did) and the hostile files
of the trial's Appendix A (a stray byte, mixed encodings, a phrase repeated without a full
stop, 100,000 nested divs, a 40 MB page, a PDF flate bomb, 20,000 PDF pages, a .docx bomb,
a FIFO, a link to /dev/zero, a name that is not UTF-8, a newline in a failing name), then runs
`chitieu run --store` over them on 2 worker processes and prints:

- wall time, and the peak memory of the whole process tree (the sum of the RSS of the
  run's process and every descendant, sampled every 0.2 s), against the 4 GiB target;
- stored and failed counts, whether every good document was stored, and what became of
  each hostile file (stored, or failed with its reason).

    .venv/bin/python bench/hostile_batch.py [--n 2000] [--workers 2]

It takes a few minutes plus the per-document time bound (the 40 MB page runs into it).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from pathlib import Path

import duckdb
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pipeline.ingest.encodings import encode_legacy

WORK = ROOT / ".cache" / "bench" / "hostile"
LIMIT = 4 * 2**30


def _pdf(objs: list[bytes]) -> bytes:
    out, offs = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offs)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return bytes(out)


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"


def hostile(folder: Path) -> dict[str, str]:
    """The trial's hostile files; returns name -> what it is."""
    doc = (ROOT / "corpus" / "002_0eed9f5125a01b02.txt").read_bytes()
    text = doc.decode()
    lines = text.split("\n")
    n = len(lines)
    a, b, c = ("\n".join(lines[i * n // 3 : (i + 1) * n // 3]) for i in range(3))
    mid = doc.find(b"\n", len(doc) // 2)
    made: dict[str, str] = {}

    def put(name: str, data: bytes, what: str) -> None:
        (folder / os.fsdecode(name.encode("utf-8", "surrogateescape"))).write_bytes(data)
        made[name] = what

    put("h_invalid_utf8.txt", doc[:mid] + b"\xff" + doc[mid:], "one stray 0xFF in UTF-8")
    put("h_mixed3.txt", a.encode() + b"\n" + encode_legacy(b, "windows-1258") + b"\n" + encode_legacy(c, "tcvn3"),
        "UTF-8 + cp1258 + TCVN3")
    put("h_mixed2.txt", a.encode() + b"\n" + encode_legacy(b + "\n" + c, "windows-1258"), "UTF-8 + cp1258")
    put("h_pct_256k.txt", ("đến năm 2025 đạt 90% hồ sơ " * 8738).encode(), "phrase repeated, no full stop")
    body = "<p>" + "</p><p>".join(ln for ln in lines[:40] if ln.strip()) + "</p>"
    put("h_nested_100k.html", ("<html><body>" + "<div>" * 100_000 + body + "</div>" * 100_000
                               + "</body></html>").encode(), "100,000 nested divs")
    unit = "<p>" + " ".join(lines[10:13]) + "</p>\n"
    put("h_big_40mb.html", ("<html><head><title>Ke hoach</title></head><body><article>"
                            + unit * (40 * 2**20 // len(unit.encode())) + "</article></body></html>").encode(),
        "40 MB article")
    z = zlib.compressobj(9)
    blob = b"".join(z.compress(b" " * 2**20) for _ in range(1024)) + z.flush()
    put("h_flate_1g.pdf", _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                PAGE % (5, 4), b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(blob) + blob
                                + b"\nendstream", FONT]), "PDF flate bomb (1 GiB stream)")
    k = 20_000
    cs = b"BT /F1 12 Tf 72 720 Td (Den nam 2025 dat 90%) Tj ET"
    put("h_pages_20k.pdf", _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                 b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (4 + i) for i in range(k))
                                 + b"] /Count %d >>" % k, b"<< /Length %d >>\nstream\n" % len(cs) + cs + b"\nendstream"]
                                + [PAGE % (4 + k, 3)] * k + [FONT]), "20,000 PDF pages")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            for _ in range(64):
                fh.write(b" " * 2**24)
    put("h_bomb_1g.docx", buf.getvalue(), ".docx bomb (1 GiB part)")
    os.mkfifo(folder / "h_fifo.txt")
    made["h_fifo.txt"] = "a FIFO"
    (folder / "h_zero.txt").symlink_to("/dev/zero")
    made["h_zero.txt"] = "a link to /dev/zero"
    put("h_K\udcea ho\udcb5ch.txt", doc, "a name that is not UTF-8 (cp1258 bytes)")
    put("h_bad\nname.txt", b"", "an empty file with a newline in its name")
    return made


def good(folder: Path, n: int) -> list[str]:
    texts = [p.read_text(encoding="utf-8").rstrip("\n") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    names = []
    for i in range(n):
        name = f"{i:04d}.txt"
        (folder / name).write_text(texts[i % len(texts)] + f"\nVăn bản sao số {i} lưu tại kho lưu trữ.\n",
                                   encoding="utf-8")
        names.append(name)
    return names


def tree_rss(pid: int) -> int:
    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    folder = WORK / "in"
    folder.mkdir(parents=True)
    good_names = good(folder, args.n)
    bad = hostile(folder)
    store = WORK / "s.duckdb"
    env = {**os.environ, "PREFECT_HOME": str(ROOT / ".cache" / "prefect")}
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "run", "--input", str(folder), "--store",
                             str(store), "--workers", str(args.workers), "--no-cache", "-q"],
                            cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    err = proc.communicate()[1]
    seconds = time.monotonic() - started
    sampler.join()
    con = duckdb.connect(str(store), read_only=True)
    stored = {Path(n).name for (n,) in con.execute("SELECT name FROM names").fetchall()}
    failed = {Path(n).name: r for n, r in con.execute("SELECT name, reason FROM failures").fetchall()}
    plans = con.execute("SELECT count(*) FROM plans").fetchone()[0]  # type: ignore[index]
    con.close()
    missing = [n for n in good_names if n not in stored]
    print(f"documents: {args.n} good + {len(bad)} hostile, {args.workers} workers, exit code {proc.returncode}")
    print(f"wall time: {seconds:.1f} s")
    print(f"peak memory of the process tree: {peak[0] / 2**20:.0f} MiB "
          f"({'under' if peak[0] < LIMIT else 'OVER'} the 4 GiB target)")
    print(f"plans stored: {plans}; failures recorded: {len(failed)}; good documents not stored: {len(missing)}")
    shown = {os.fsencode(k.replace("\n", "\\n")).decode("utf-8", "backslashreplace"): v for k, v in bad.items()}
    for name, what in shown.items():
        reason = next((r for n, r in failed.items() if n.replace("\n", "\\n") == name
                       or n == name.replace("\\n", "\n")), None)
        state = f"failed: {reason}" if reason else ("stored" if name in stored else "not seen (skipped by the listing)")
        print(f"  {name} ({what}): {state}")
    skipped = [ln for ln in err.splitlines() if "skipped" in ln]
    print(f"listing lines mentioning skipped files: {len(skipped)}")
    return 0 if not missing and peak[0] < LIMIT else 1


if __name__ == "__main__":
    raise SystemExit(main())
