"""Documents extracted in a worker process that one bad document cannot take down with it.

A batch of thousands must finish whatever one document holds.  Each `Sandbox` is one
child process (`python -m pipeline.batch.sandbox`) that extracts the documents it is sent one
at a time and answers each with its outcome.  The parent bounds every document:

- time: it waits at most `max_seconds` for an answer, then kills the child, records that
  document as failed with the bound in its reason, and goes on with a new child;
- memory: the child caps its own address space at what it uses after start-up plus
  `max_memory_mb`, so a document that needs more gets a MemoryError, fails alone, and
  the child is replaced (a process that ran out of memory is not trusted further);
- targets: a plan with more than `max_targets` targets fails (a repeated phrase);
- a child that dies for another reason (killed, OOM) costs only the document it held,
  which is retried once on a new child before it is recorded as failed.

The child never outlives the run: it ignores Ctrl-C (the parent decides when to stop),
asks the kernel for SIGKILL when its parent thread dies (PR_SET_PDEATHSIG, Linux), and
also watches its parent's pid, so a `kill -9` of the main process leaves no worker.
`SandboxPool` lends sandboxes to the flow's threads; `stop()` ends every child at once
(Ctrl-C), and a sandbox that was stopped answers nothing more.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import os
import pickle
import queue
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Self

from pipeline.batch.refs import Job, failed_outcome, run_job
from pipeline.errors import E_MEMORY_BOUND, E_TIME_BOUND, E_WORKER_DIED, ChitieuError
from pipeline.ingest.budget import vm_size
from pipeline.limits import MAX_MEMORY_MB, MAX_SECONDS, MAX_TARGETS
from pipeline.run import Outcome

_HEADER = struct.Struct("!Q")
_ROOT = str(Path(__file__).resolve().parents[2])
_PR_SET_PDEATHSIG = 1
RETRIES = 1  # a document whose worker died for no reason of its own is tried once more
START_SECONDS = 180.0  # a worker's start-up (imports, model load) on a busy machine
READY = "ready"


@dataclass(frozen=True)
class Bounds:
    """What one document may cost (README, "Reliability")."""

    max_seconds: float = MAX_SECONDS
    max_memory_mb: int = MAX_MEMORY_MB
    max_targets: int = MAX_TARGETS
    max_bytes: int | None = None  # None: pipeline.limits.MAX_BYTES
    isolate: bool = True  # False: extract in the task's own thread (tests that patch the extractor)


class WorkerFailed(ChitieuError):
    """No worker process could be started (a broken installation, not a document)."""


class Stopped(Exception):
    """The pool was stopped (Ctrl-C, SIGTERM) while a document was being extracted."""


def _send(fd: int, obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes | None:
    """`n` bytes from `fd`; None on end of file; TimeoutError past `deadline`."""
    parts: list[bytes] = []
    while n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        n -= len(chunk)
    return b"".join(parts)


def _receive(fd: int, deadline: float | None = None) -> Any:
    head = _read_exact(fd, _HEADER.size, deadline)
    if head is None:
        return None
    body = _read_exact(fd, _HEADER.unpack(head)[0], deadline)
    return None if body is None else pickle.loads(body)


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL when the parent dies (Linux), own Ctrl-C ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class Sandbox:
    """One child process extracting documents under `bounds`; restarted when it dies."""

    def __init__(self, bounds: Bounds, stopped: threading.Event | None = None) -> None:
        self.bounds = bounds
        self.stopped = stopped or threading.Event()
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = 0  # children started, for tests and the summary

    def _start(self) -> subprocess.Popen[bytes]:
        if self.proc is None or self.proc.poll() is not None:
            # The child imports exactly this process's code: its package root first on the
            # path, and not the working directory (-P), which may hold another `pipeline`.
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_ROOT, os.environ.get("PYTHONPATH")]))}
            self.proc = subprocess.Popen(
                [sys.executable, "-P", "-m", "pipeline.batch.sandbox", str(os.getpid())],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                preexec_fn=_die_with_parent,  # noqa: PLW1509  async-signal-safe enough: signal + prctl only
            )
            self.started += 1
            assert self.proc.stdin is not None and self.proc.stdout is not None
            _send(self.proc.stdin.fileno(), asdict(self.bounds))
            # Start-up (imports, models) is not a document's time: wait for the child first.
            try:
                ready = _receive(self.proc.stdout.fileno(), time.monotonic() + START_SECONDS)
            except TimeoutError:
                ready = None
            if ready != READY:
                self.kill()
                raise WorkerFailed("a worker process could not start")
        return self.proc

    def kill(self) -> None:
        """End the child now (a document over its time, a stop); the next call starts another."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
        if proc is not None:
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                with contextlib.suppress(OSError):
                    stream and stream.close()

    close = kill

    def run_one(self, ref: Job) -> Outcome:
        """One job's outcome (`pipeline.batch.refs`), whatever it does to the child."""
        for attempt in range(RETRIES + 1):
            if self.stopped.is_set():
                raise Stopped
            proc = self._start()
            assert proc.stdin is not None and proc.stdout is not None
            started = time.monotonic()
            try:
                _send(proc.stdin.fileno(), ref)
                answer = _receive(proc.stdout.fileno(), started + self.bounds.max_seconds)
            except TimeoutError:
                self.kill()
                return failed_outcome(ref, E_TIME_BOUND.format(seconds=self.bounds.max_seconds),
                                      time.monotonic() - started)
            except (BrokenPipeError, OSError):
                answer = None
            if self.stopped.is_set():
                raise Stopped
            if answer is not None:
                outcome, restart = answer
                if restart:
                    self.kill()
                return outcome  # type: ignore[no-any-return]
            code = self.proc.wait() if self.proc is not None else None
            self.kill()
            if attempt == RETRIES:
                how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                return failed_outcome(ref, E_WORKER_DIED.format(how=how), time.monotonic() - started)
        raise AssertionError("unreachable")


class SandboxPool:
    """Sandboxes lent to the flow's threads, one per worker; all stopped at once on Ctrl-C."""

    def __init__(self, workers: int, bounds: Bounds) -> None:
        self.stopped = threading.Event()
        self.boxes = [Sandbox(bounds, self.stopped) for _ in range(workers)]
        self._free: queue.Queue[Sandbox] = queue.Queue()
        for box in self.boxes:
            self._free.put(box)

    @contextlib.contextmanager
    def lease(self) -> Iterator[Sandbox]:
        box = self._free.get()
        try:
            yield box
        finally:
            self._free.put(box)

    def stop(self) -> None:
        """Stop every child now; documents in flight are given up, whole chunks stay stored."""
        self.stopped.set()
        for box in self.boxes:
            proc = box.proc
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(OSError):
                    proc.kill()

    def close(self) -> None:
        for box in self.boxes:
            box.kill()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_POOL: SandboxPool | None = None


def current_pool() -> SandboxPool | None:
    """The pool of this process's run, if it has one (tasks on Dask workers have none)."""
    return _POOL


@contextlib.contextmanager
def installed(pool: SandboxPool) -> Iterator[SandboxPool]:
    """Make `pool` the one tasks in this process lend sandboxes from, and close it after."""
    global _POOL
    _POOL = pool
    try:
        with pool:
            yield pool
    finally:
        _POOL = None


# --- the child ---------------------------------------------------------------------------


def _watch_parent(parent: int) -> None:
    """Exit when the parent is gone (belt and braces for PR_SET_PDEATHSIG)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _cap_memory(extra_mb: int) -> None:
    """Address space: what the warmed-up child maps now, plus `extra_mb` for one document."""
    limit = vm_size() + extra_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _extract(job: Job, reader: Any, bounds: Bounds) -> tuple[Outcome, bool]:
    """One job in the child (`pipeline.batch.refs.run_job`): the outcome, and whether this child should be replaced.

    With `out` the child writes the record there itself and answers only the outcome
    (`chitieu extract`); without, the answer carries the plan's JSON text, as the store
    takes it (`run --store`).
    """
    from pipeline.store.db import pack, unpack

    try:
        outcome = run_job(reader, job, bounds.max_targets)
        if outcome.reason and outcome.reason.startswith("internal error (MemoryError)"):
            return _memory_failure(job, bounds, outcome.seconds), True
        if "out" in job:  # record and drops written: the parent needs only what became of it
            return dataclasses.replace(outcome, plan=None, source=None, drops=None), False
        return unpack(pack([outcome]))[0], False  # the plan as its JSON text, as the store takes it
    except MemoryError:
        return _memory_failure(job, bounds, 0.0), True


def _memory_failure(job: Job, bounds: Bounds, seconds: float) -> Outcome:
    return failed_outcome(job, E_MEMORY_BOUND.format(mb=bounds.max_memory_mb), seconds)


def _warm(warm_up: Any) -> None:
    """Load models, lexicon and pipeline before the first document's clock starts."""
    from pipeline.extract import extract_source
    from pipeline.ingest.load import source_from_bytes
    from pipeline.run import run_one  # noqa: F401  imported before the memory cap, as is:
    from pipeline.store.db import pack  # noqa: F401  a shared library mapped later may not fit

    warm_up()
    extract_source(source_from_bytes("Kế hoạch\nĐến năm 2025 đạt 90% hồ sơ.".encode(), Path("warm.txt")))


def child_main(parent: int) -> None:
    """The child's loop: read bounds, then answer each document with its outcome."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    stdin, stdout = sys.stdin.buffer.fileno(), sys.stdout.buffer.fileno()
    sys.stdout = sys.stderr  # anything printed goes to stderr, never into the answers
    from extractors.nlp import warm_up
    from pipeline.ingest.archive import Limits, Reader
    from pipeline.limits import MAX_BYTES

    settings = _receive(stdin)
    if settings is None:
        return
    bounds = Bounds(**settings)
    _warm(warm_up)
    _cap_memory(bounds.max_memory_mb)
    _send(stdout, READY)
    with Reader(Limits(max_bytes=bounds.max_bytes or MAX_BYTES)) as reader:
        while (ref := _receive(stdin)) is not None:
            outcome, restart = _extract(ref, reader, bounds)
            _send(stdout, (outcome, restart))
            if restart:
                return


if __name__ == "__main__":
    child_main(int(sys.argv[1]))
