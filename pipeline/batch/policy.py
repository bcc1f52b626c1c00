"""Where a batch's work runs and in what chunks: the runner policy, as plain functions.

Chunk sizing, measured by bench/task_overhead.py on 2 cores (README, "Batch runs"): one
Prefect task costs ~3 ms of wall time in a thread but 45-80 ms on a process pool and
60-75 ms on Dask (twice that of a worker's time, as two run at once), against ~8 ms to
extract a typical 4-6 kB document.  So a task carries at least MIN_CHUNK documents (overhead near 5 %),
each worker gets the same number of chunks (up to CHUNKS_PER_WORKER, so none idles at the
end), and MAX_CHUNK bounds the work an interruption loses and the size of one result.
Starting a process pool costs ~2.5 s (spawn, imports, model load), which pays off only
from about PARALLEL_MIN_DOCS documents; below that the run stays in one worker, in
chunks of IN_PROCESS_CHUNK (a thread task costs almost nothing, and progress stays fine).

Why apart from `flows.py`: these are decisions with figures behind them, tested without
Prefect; the flow only turns them into a task runner.
"""

from __future__ import annotations

import math
import os
import socket
from typing import TypeVar

from pipeline.errors import ChitieuError

MIN_CHUNK = 150
MAX_CHUNK = 250
CHUNKS_PER_WORKER = 4
PARALLEL_MIN_DOCS = 600
IN_PROCESS_CHUNK = 50
IN_FLIGHT_PER_WORKER = 2  # submitted ahead, so results stream in and memory stays flat

T = TypeVar("T")


def chunked(items: list[T], size: int) -> list[list[T]]:
    """Consecutive chunks of at most `size` items."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def chunk_size_for(todo: int, workers: int) -> int:
    """Documents per task for `workers` parallel workers: equal shares, never tiny ones."""
    for per_worker in range(CHUNKS_PER_WORKER, 0, -1):
        size = math.ceil(todo / (workers * per_worker))
        if size > MAX_CHUNK:  # a big input: more chunks, still a multiple of the workers
            chunks = math.ceil(todo / MAX_CHUNK / workers) * workers
            return math.ceil(todo / chunks)
        if size >= MIN_CHUNK:
            return size
    return max(1, math.ceil(todo / workers))  # a small input: one chunk per worker


def local_plan(todo: int, workers: int | None, chunk_size: int | None) -> tuple[int, int]:
    """(worker processes, chunk size) for `todo` documents on this machine.

    Several workers only when the work pays for them (or `workers` was asked for), and
    never more workers than chunks.
    """
    n = workers or os.cpu_count() or 1
    parallel = n > 1 and (workers is not None or todo >= PARALLEL_MIN_DOCS)
    size = chunk_size or (chunk_size_for(todo, n) if parallel else IN_PROCESS_CHUNK)
    chunks = math.ceil(todo / max(1, size))
    if parallel and chunks > 1:
        return min(n, chunks), size
    return 1, size


def check_scheduler(address: str, timeout: float = 5.0) -> None:
    """Fail in one line, before Prefect starts, when nothing listens at the Dask address."""
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except (OSError, ValueError) as exc:
        raise ChitieuError(f"cannot reach a Dask scheduler at {address}: {exc}") from exc
