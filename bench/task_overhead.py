"""How many documents a Prefect task should carry: measure, then size the chunks.

Prints (1) the orchestration cost of one `extract-refs` task carrying no documents, on
each task runner the batch flow uses; (2) the cost of extracting one synthetic document;
(3) the flow's time over N documents for a range of chunk sizes.  The chunk constants in
pipeline/batch/policy.py (MIN_CHUNK, CHUNKS_PER_WORKER) come from these figures.

    .venv/bin/python bench/task_overhead.py [--tasks 100] [--docs 1000] [--sizes 5,25,100,250]

Run it as a script (worker processes are spawned and import this file), on an idle machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flows  # sets the quiet, offline Prefect defaults before Prefect is imported

# isort: split
from prefect import flow
from prefect.cache_policies import NO_CACHE
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner
from synth import write_zip

from extractors.nlp import warm_up
from pipeline.batch.options import BatchOptions
from pipeline.extract import extract_source, version_tag
from pipeline.ingest.archive import Reader, list_input

CACHE = Path(__file__).resolve().parent.parent / ".cache" / "bench"


@flow(name="task-overhead")
def overhead_flow(runner_name: str, tasks: int, dask_address: str | None = None) -> float:
    """Seconds per empty task on one runner, after a warm-up that starts its workers."""
    runner: TaskRunner[Any]
    if runner_name == "thread":
        runner = ThreadPoolTaskRunner(max_workers=1)
    elif runner_name == "process":
        runner = ProcessPoolTaskRunner(max_workers=2, initializer=warm_up)
    else:
        runner = flows.dask_runner(dask_address or "")[0]
    task = flows.extract_refs.with_options(cache_policy=NO_CACHE, persist_result=False)
    from contextlib import ExitStack

    with ExitStack() as stack:
        flows.share_api(stack)
        stack.enter_context(runner)
        for f in [runner.submit(task, {"refs": [], "version": version_tag()}) for _ in range(4)]:
            f.result()
        started = time.perf_counter()
        for f in [runner.submit(task, {"refs": [], "version": version_tag()}) for _ in range(tasks)]:
            f.result()
        return (time.perf_counter() - started) / tasks


def per_document_seconds(archive: Path, n: int = 300) -> float:
    """Mean seconds to extract one synthetic document in this process."""
    refs = list_input(archive)[:n]
    warm_up()
    with Reader() as reader:
        started = time.perf_counter()
        for ref in refs:
            extract_source(reader.source(ref))  # type: ignore[arg-type]
        return (time.perf_counter() - started) / len(refs)


def start_cluster(workers: int) -> tuple[str, list[subprocess.Popen[bytes]]]:
    """A scheduler and `workers` single-thread workers on 127.0.0.1."""
    import socket

    from distributed import Client

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    dask = [sys.executable, "-m", "dask"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              **quiet)]  # type: ignore[call-overload]
    procs.append(subprocess.Popen([*dask, "worker", address, "--host", "127.0.0.1", "--nworkers", str(workers),
                                   "--nthreads", "1", "--no-dashboard"], **quiet))  # type: ignore[call-overload]
    with Client(address, timeout=60) as client:
        client.wait_for_workers(workers, timeout=60)
    return address, procs


def stop_cluster(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in reversed(procs):
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=100, help="empty tasks per runner")
    parser.add_argument("--docs", type=int, default=1000, help="documents for the chunk-size sweep")
    parser.add_argument("--sizes", default="5,25,100,250", help="chunk sizes to sweep")
    args = parser.parse_args()
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    archive = CACHE / f"synthetic-{args.docs}.zip"
    if not archive.exists():
        write_zip(archive, args.docs)

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        print("\n| task runner | orchestration per empty task |\n|---|---|")
        for name in ("thread", "process"):
            print(f"| {name} | {overhead_flow(name, args.tasks) * 1000:.0f} ms |", flush=True)
        address, procs = start_cluster(2)
        try:
            print(f"| dask (2 workers) | {overhead_flow('dask', args.tasks, address) * 1000:.0f} ms |", flush=True)
        finally:
            stop_cluster(procs)

        doc = per_document_seconds(archive)
        print(f"\nextraction: {doc * 1000:.1f} ms per synthetic document (one core)")

        print(f"\n| chunk size | tasks | flow seconds for {args.docs} documents (2 processes) |\n|---|---|---|")
        for size in (int(s) for s in args.sizes.split(",")):
            with tempfile.TemporaryDirectory() as tmp:
                summary = flows.batch_flow(str(archive), str(Path(tmp) / "s.duckdb"),
                                           BatchOptions(workers=2, chunk_size=size, cache=False))
            print(f"| {size} | {summary['chunks']} | {summary['seconds']:.1f} s |", flush=True)


if __name__ == "__main__":
    main()
