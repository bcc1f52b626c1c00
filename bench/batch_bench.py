"""Benchmark of batch runs (issue #7): one script, one table, real figures.

Builds a synthetic archive of N documents (corpus paragraphs recombined, bench/synth.py)
and measures, in this order:

1. documents/s of `chitieu extract` on one core (the CLI, pinned to CPU 0, wall time
   including its start-up), of a plain underthesea word-segmentation pass over the same
   texts, and of a bare regex scan for percentages (the floor);
2. the Prefect flow (`chitieu run --store`, defaults: worker processes on all cores) at N
   against that bare extraction, and the same flow held to one in-process worker;
3. the flow on a Dask cluster on 127.0.0.1 with one worker, then two (`--dask-address`),
   each after a small warm-up run so that worker start-up is not counted;
4. peak memory (RSS of the flow's process, and of its whole process tree) at N and 5N.

    .venv/bin/python bench/batch_bench.py [--n 2000] [--no-5n]

Targets: flow within 15 % of bare extraction at N = 2,000; two Dask workers at least 1.7x
one; peak memory flat as N grows.  Run it on an idle machine; it takes about 10 minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import psutil
import regex

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import write_zip
from task_overhead import start_cluster, stop_cluster

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "bench"
CHITIEU = [sys.executable, "-m", "pipeline.cli"]
PERCENT = regex.compile(r"\d+(?:[.,]\d+)?\s*(?:%|phần trăm)")
WARM_UP_DOCS = 40


def env() -> dict[str, str]:
    """The Makefile's environment: Prefect and Dask state under .cache/."""
    return {**os.environ, "PREFECT_HOME": str(ROOT / ".cache" / "prefect"),
            "DASK_TEMPORARY_DIRECTORY": str(ROOT / ".cache" / "dask"), "DASK_LOGGING__DISTRIBUTED": "warning"}


def machine() -> str:
    model = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                  if ln.startswith("model name")), platform.processor())
    mem = psutil.virtual_memory().total / 2**30
    return (f"{model}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def archive(n: int) -> Path:
    path = CACHE / f"synthetic-{n}.zip"
    if not path.exists():
        write_zip(path, n)
    return path


def unpacked(zip_path: Path) -> Path:
    """The archive as plain files, for `chitieu extract` (which reads files, not zips)."""
    folder = zip_path.with_suffix("")
    if not folder.is_dir():
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(folder)  # our own archive, made above
    return folder


class PeakRSS:
    """Samples the RSS of a process and of its whole tree every 0.1 s."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.main = 0
        self.tree = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                main = self.proc.memory_info().rss
                tree = main + sum(c.memory_info().rss for c in self.proc.children(recursive=True))
            except psutil.Error:
                break
            self.main, self.tree = max(self.main, main), max(self.tree, tree)
            self._stop.wait(0.1)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def timed(cmd: list[str], one_core: bool = False) -> tuple[float, str, PeakRSS]:
    """Run a command; return its wall time, stdout and peak memory."""
    before = os.sched_getaffinity(0)
    if one_core:
        os.sched_setaffinity(0, {0})  # the child inherits it
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    finally:
        os.sched_setaffinity(0, before)
    peak = PeakRSS(proc.pid)
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    peak.stop()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    return wall, out, peak


def flow_run(zip_path: Path, *options: str) -> tuple[float, dict[str, Any], PeakRSS]:
    """`chitieu run --store` into a fresh store; wall time, summary and peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        wall, out, peak = timed([*CHITIEU, "run", "--input", str(zip_path), "--store", str(Path(tmp) / "s.duckdb"),
                                 "--no-cache", "--summary-json", "-q", *options])
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["failed"] == 0, summary["failures"][:3]
    return wall, summary, peak


def single_core_rates(folder: Path, n: int, repeat: int) -> dict[str, float]:
    """documents/s on one core: chitieu extract (best of `repeat`), underthesea segmentation, regex floor."""
    walls = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            walls.append(timed([*CHITIEU, "extract", str(folder), "--out", tmp, "-q"], one_core=True)[0])
    wall = min(walls)
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.txt"))]
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {0})
    try:
        from underthesea import word_tokenize

        word_tokenize("khởi động")
        started = time.perf_counter()
        for text in texts:
            word_tokenize(text)
        seg = time.perf_counter() - started
        started = time.perf_counter()
        found = sum(1 for text in texts for _ in PERCENT.finditer(text))
        scan = time.perf_counter() - started
    finally:
        os.sched_setaffinity(0, before)
    assert found > 0
    return {"extract_wall": wall, "extract": n / wall, "underthesea": n / seg, "regex": n / scan}


def dask_run(zip_path: Path, workers: int, repeat: int) -> tuple[float, dict[str, Any]]:
    """The flow on a fresh local Dask cluster of `workers` single-thread workers, warmed up first."""
    address, procs = start_cluster(workers)
    try:
        flow_run(archive(WARM_UP_DOCS), "--dask-address", address)
        runs = [flow_run(zip_path, "--dask-address", address) for _ in range(repeat)]
    finally:
        stop_cluster(procs)
    wall, summary, _ = min(runs, key=lambda r: r[1]["seconds"])
    return wall, summary


def mib(n: int) -> str:
    return f"{n / 2**20:.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="documents in the archive (default 2000)")
    parser.add_argument("--no-5n", action="store_true", help="skip the 5N memory run")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs of each kind; the best is kept")
    args = parser.parse_args()
    n = args.n
    rows: list[tuple[str, str]] = []

    def row(what: str, value: str) -> None:
        rows.append((what, value))
        print(f"  {what}: {value}", file=sys.stderr, flush=True)

    print(f"machine: {machine()}", file=sys.stderr)
    zip_n = archive(n)
    size = sum(i.file_size for i in zipfile.ZipFile(zip_n).infolist())
    row("archive", f"{n} documents, {size / n / 1024:.1f} kB each on average")

    rates = single_core_rates(unpacked(zip_n), n, args.repeat)
    row("`chitieu extract`, one core", f"{rates['extract']:.0f} documents/s ({rates['extract_wall']:.1f} s)")
    row("underthesea word segmentation, one core", f"{rates['underthesea']:.0f} documents/s")
    row("regex scan for percentages, one core (floor)", f"{rates['regex']:,.0f} documents/s")

    wall, summary, peak_n = min((flow_run(zip_n) for _ in range(args.repeat)), key=lambda r: r[0])
    ratio = wall / rates["extract_wall"]
    row(f"flow, defaults ({summary['runner']}, chunks of {summary['chunk_size']})",
        f"{wall:.1f} s wall = {ratio:.2f}x bare extraction; flow body {summary['seconds']:.1f} s, "
        f"{n / wall:.0f} documents/s")
    wall1, summary1, _ = min((flow_run(zip_n, "--workers", "1") for _ in range(args.repeat)), key=lambda r: r[0])
    row("flow, one in-process worker", f"{wall1:.1f} s wall = {wall1 / rates['extract_wall']:.2f}x bare extraction; "
        f"flow body {summary1['seconds']:.1f} s")

    d1_wall, d1 = dask_run(zip_n, 1, args.repeat)
    d2_wall, d2 = dask_run(zip_n, 2, args.repeat)
    row("flow on Dask, 1 worker", f"{d1_wall:.1f} s wall, flow body {d1['seconds']:.1f} s")
    row("flow on Dask, 2 workers", f"{d2_wall:.1f} s wall, flow body {d2['seconds']:.1f} s; "
        f"speed-up {d1['seconds'] / d2['seconds']:.2f}x (flow body), {d1_wall / d2_wall:.2f}x (wall)")

    row(f"peak memory at N = {n}", f"flow process {mib(peak_n.main)}, whole tree {mib(peak_n.tree)}")
    if not args.no_5n:
        zip_5n = archive(5 * n)
        wall5, _, peak_5n = flow_run(zip_5n)
        row(f"peak memory at 5N = {5 * n}", f"flow process {mib(peak_5n.main)}, whole tree {mib(peak_5n.tree)} "
            f"({wall5:.1f} s wall, {5 * n / wall5:.0f} documents/s)")

    print(f"\nMachine: {machine()}; best of {args.repeat} runs where timed\n\n| measurement | result |\n|---|---|")
    for what, value in rows:
        print(f"| {what} | {value} |")
    shutil.rmtree(unpacked(zip_n), ignore_errors=True)


if __name__ == "__main__":
    main()
