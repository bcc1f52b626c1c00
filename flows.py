"""Prefect flows: sequencing, chunking and reporting only; no extraction logic here.

`corpus_flow` runs ingest → normalise → tokenise → extract → validate → write over a
folder in chunks (a Prefect task costs tens of milliseconds, so one task per document
would cost more than the extraction), then scores the records against gold.  It runs
locally in Prefect's ephemeral mode with nothing to set up, quietly and offline.

`batch_flow` (`chitieu run --store`) runs the same stages over a folder or a zip of any
size into a DuckDB store: each document is keyed by the sha256 of its bytes and skipped
when a plan from the current extractor version (code and lexicon) is already stored, so a re-run, a
resumed run and a scheduled run over a watched folder only do the new work.  It runs in
worker processes on this machine by default, or on a Dask cluster with `dask_address`.

`chitieu run` is the entry point; this module never imports the CLI (tests/test_layers.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, TypeVar

# Quiet, offline Prefect (see ../shared/notes/env-recipe.md §2).  Set before importing it.
_PREFECT_DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
    "HF_HUB_OFFLINE": "1",
    "PREFECT_HOME": str(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "chitieu" / "prefect"),
}
for _key, _value in _PREFECT_DEFAULTS.items():
    os.environ.setdefault(_key, _value)
Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)  # Prefect makes only the leaf
# Dask: ~140 INFO lines per cluster otherwise; scratch space beside Prefect's, not in /tmp.
os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
os.environ.setdefault("DASK_TEMPORARY_DIRECTORY", str(Path(os.environ["PREFECT_HOME"]).parent / "dask"))

import contextlib
import ctypes
import logging
import math
import signal
import socket
import time
from collections import deque
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta

import duckdb
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import INPUTS, NO_CACHE, TASK_SOURCE
from prefect.futures import PrefectFuture
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
    get_current_settings,
    temporary_settings,
)
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from extractors.nlp import warm_up
from pipeline.batch.files import OutputNames
from pipeline.batch.progress import Progress
from pipeline.batch.sandbox import Bounds, SandboxPool, Stopped, current_pool, installed
from pipeline.batch.stopping import Interrupted, RunStopped, StopRequest
from pipeline.errors import ChitieuError, IngestError
from pipeline.evaluation.evaluate import evaluate, render_text
from pipeline.extract import version_tag
from pipeline.ingest.archive import (
    DocRef,
    Limits,
    Reader,
    Refused,
    check_input,
    iter_bytes,
    list_input,
)
from pipeline.ingest.inputs import list_folder
from pipeline.ingest.sidecar import lookup, manifests_for
from pipeline.ingest.source import sha256_bytes
from pipeline.limits import MAX_BYTES
from pipeline.run import Outcome, failure_reason, run_one
from pipeline.store.db import Store, StoreError, disk_full, pack, unpack
from pipeline.store.quality import summarize
from schemas.gold import load_dir

DEFAULT_CHUNK = 50
T = TypeVar("T")
# At exit Prefect drains its event queue and says so at WARNING ("Still processing items:
# 1 items remaining...") although nothing is wrong; errors from it still show.
logging.getLogger("EventsWorker").setLevel(logging.ERROR)


@task(name="extract-chunk")
def extract_chunk(jobs: list[tuple[str, str]] | list[tuple[str, str, str, dict[str, str] | None]]) -> list[Outcome]:
    """Every stage for a chunk of (document, record path[, doc_id, sidecar metadata]); each outcome is data."""
    warm_up()
    outcomes = []
    for job in jobs:
        path, out = job[0], job[1]
        doc_id = job[2] if len(job) > 2 else Path(path).stem  # type: ignore[misc]
        metadata = job[3] if len(job) > 3 else None  # type: ignore[misc]
        ref = DocRef(name=path, path=path, doc_id=doc_id)
        outcomes.append(run_one(ref, out=Path(out), metadata=metadata))
    return outcomes


@task(name="evaluate")
def evaluate_records(gold_dir: str, out_dir: str) -> dict[str, Any]:
    """Score the written records against gold (labelling guide §5)."""
    return evaluate(load_dir(Path(gold_dir)), load_dir(Path(out_dir)))


def chunked(items: list[T], size: int) -> list[list[T]]:
    """Consecutive chunks of at most `size` items."""
    return [items[i : i + size] for i in range(0, len(items), size)]


@flow(name="chitieu-corpus", log_prints=False)
def _corpus_flow(input_dir: str, gold_dir: str | None, out_dir: str, chunk_size: int = DEFAULT_CHUNK,
                 manifests: list[str] | None = None, show_errors: bool = True) -> dict[str, Any]:
    files = list_folder(Path(input_dir)).documents
    manifest = manifests_for([Path(input_dir)], [Path(m) for m in manifests or []])
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    names = OutputNames(Path(out_dir))
    claims = [(doc, names.claim(doc)) for doc in files]
    refused = [c for _, c in claims if isinstance(c, Outcome)]
    jobs = [(str(d.path), str(c), d.doc_id, lookup(manifest, d.path)) for d, c in claims if not isinstance(c, Outcome)]
    futures = extract_chunk.map(chunked(jobs, chunk_size))
    outcomes = [o for chunk in futures.result() for o in chunk] + refused
    summary: dict[str, Any] = {
        "documents": len(files),
        "written": sum(1 for o in outcomes if not o.failed),
        "targets": sum(o.targets for o in outcomes),
        "failures": [{"path": o.name, "reason": o.reason} for o in outcomes if o.failed],
        "quality": summarize(o.plan.to_json() for o in outcomes if o.plan is not None),
    }
    if gold_dir and Path(gold_dir).is_dir():
        result = evaluate_records(gold_dir, out_dir)
        summary["scores"] = {k: result[k] for k in ("value", "strict", "fields", "indicator_overlap")}
        summary["scorecard"] = render_text(result, show_errors=show_errors)
    return summary


def corpus_flow(input_dir: str, gold_dir: str | None, out_dir: str, chunk_size: int = DEFAULT_CHUNK,
                manifests: list[str] | None = None, show_errors: bool = True) -> dict[str, Any]:
    """Run the corpus flow without the +1 s heartbeat join of synchronous flows."""
    if not Path(input_dir).is_dir():
        raise FileNotFoundError(f"{input_dir}: not a folder")
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return _corpus_flow(input_dir, gold_dir, out_dir, chunk_size, manifests, show_errors)


# --- batch runs into a store (issue #7) -------------------------------------------------

# Chunk sizing, measured by bench/task_overhead.py on 2 cores (README, "Batch runs"): one
# Prefect task costs ~3 ms of wall time in a thread but 45-80 ms on a process pool and
# 60-75 ms on Dask (twice that of a worker's time, as two run at once), against ~8 ms to
# extract a typical 4-6 kB document.  So a task carries at least MIN_CHUNK documents (overhead near 5 %),
# each worker gets the same number of chunks (up to CHUNKS_PER_WORKER, so none idles at the
# end), and MAX_CHUNK bounds the work an interruption loses and the size of one result.
# Starting a process pool costs ~2.5 s (spawn, imports, model load), which pays off only
# from about PARALLEL_MIN_DOCS documents; below that the run stays in this process, in
# chunks of IN_PROCESS_CHUNK (a thread task costs almost nothing, and progress stays fine).
MIN_CHUNK = 150
MAX_CHUNK = 250
CHUNKS_PER_WORKER = 4
PARALLEL_MIN_DOCS = 600
IN_PROCESS_CHUNK = 50
IN_FLIGHT_PER_WORKER = 2  # submitted ahead, so results stream in and memory stays flat
NAME_BATCH = 1000

# The rules' version is a task input, so the cache key changes with the lexicon or the
# extractor version, not only with this task's source code.
EXTRACT_CACHE_POLICY = TASK_SOURCE + INPUTS


def failed_outcome(ref: dict[str, Any], reason: str) -> Outcome:
    """A listed document that could not be extracted, as data."""
    return Outcome.failure(ref["name"], reason, sha256=ref.get("sha256"), size=ref.get("size"))


def extract_ref(reader: Reader, ref: dict[str, Any]) -> Outcome:
    """One listed document through `run_one`; its bytes must still hash as they did when listed."""
    return run_one(DocRef(ref["name"], ref["path"], ref.get("member"), ref.get("doc_id")), reader,
                   expect_sha256=ref["sha256"], size=ref["size"], metadata=ref.get("metadata"))


# What a chunk task returns when the run was stopped under it.  Prefect caches it like any
# result, so a later run that meets it from the cache recomputes that chunk (refresh_cache).
STOPPED = b""


@task(name="extract-refs", cache_policy=EXTRACT_CACHE_POLICY, cache_expiration=timedelta(days=7),
      persist_result=True)
def extract_refs(refs: list[dict[str, Any]], version: str, bounds: dict[str, Any] | None = None) -> bytes:
    """Extract a chunk of documents wherever the task runs; outcomes are data, packed small.

    In the run's own process the documents go to a sandboxed worker (`pipeline.batch.sandbox`:
    per-document time and memory bounds, a worker lost costs only its document); on a Dask
    worker, which has no sandbox pool, they are extracted in the task itself.
    """
    if version != version_tag():  # a worker on another host with other rules
        return pack([failed_outcome(r, f"worker has extractor {version_tag()}, the run asked for {version}")
                     for r in refs])
    pool = current_pool()
    if pool is not None:
        if pool.stopped.is_set():
            return STOPPED
        with pool.lease() as box:
            try:
                return pack([box.run_one(ref) for ref in refs])
            except Stopped:
                return STOPPED
    warm_up()
    with Reader(Limits(max_bytes=(bounds or {}).get("max_bytes") or MAX_BYTES)) as reader:
        return pack([extract_ref(reader, ref) for ref in refs])


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


def local_runner(todo: int, workers: int | None, chunk_size: int | None) -> tuple[TaskRunner[Any], str, int, int]:
    """Several sandboxed worker processes when the work pays for them; otherwise one.

    Each task runs in a thread of this process and hands its documents to its own
    sandboxed worker (`pipeline.batch.sandbox`), so the flow's process never extracts and a
    document that breaks a bound or kills its worker fails alone.  (Prefect's process
    pool was dropped: one dead worker broke it for every later chunk, and at Ctrl-C its
    exit joined a worker blocked on a full pipe and never returned.)
    Returns the runner, its label, the number of workers and the chunk size.
    """
    n = workers or os.cpu_count() or 1
    parallel = n > 1 and (workers is not None or todo >= PARALLEL_MIN_DOCS)
    size = chunk_size or (chunk_size_for(todo, n) if parallel else IN_PROCESS_CHUNK)
    chunks = math.ceil(todo / max(1, size))
    if parallel and chunks > 1:
        n = min(n, chunks)
        return ThreadPoolTaskRunner(max_workers=n), f"processes:{n}", n, size
    return ThreadPoolTaskRunner(max_workers=1), "processes:1", 1, size


def dask_runner(address: str) -> tuple[TaskRunner[Any], str]:
    """The same tasks on an existing Dask cluster (prefect-dask)."""
    from prefect_dask import DaskTaskRunner

    return DaskTaskRunner(address=address, client_kwargs={"timeout": "20s"}), f"dask:{address}"


class _Scan:
    """What listing and hashing the input found: work to do, skips, failures."""

    def __init__(self) -> None:
        self.documents = 0
        self.todo: list[dict[str, Any]] = []
        self.skipped = 0
        self.duplicates = 0
        self.stored_targets = 0
        self.failures: list[tuple[str, str | None, str]] = []
        self.seconds = 0.0
        self.stored_versions: list[tuple[str, str]] = []  # (doc_id, sha256) already with a plan
        self.duplicate_versions: list[tuple[str, str]] = []  # another id of bytes seen in this run
        self.unread_ids: list[str] = []  # ids found but not readable: not removed, whatever they held


def scan_input(db: Store, run_id: str, input_path: Path, version: str, limits: Limits,
               manifest: dict[str, dict[str, str]] | None = None) -> _Scan:
    """Hash every document once, one at a time, and keep only what is not stored yet."""
    started = time.perf_counter()
    scan = _Scan()
    entries = list_input(input_path, limits)
    scan.documents = len(entries)
    scan.failures = [(e.name, None, e.reason) for e in entries if isinstance(e, Refused)]
    seen: set[str] = set()
    pending: list[dict[str, Any]] = []
    names: list[tuple[str, str]] = []

    def settle() -> None:
        stored = db.stored([p["sha256"] for p in pending], version)
        for p in pending:
            if p["sha256"] in stored:
                scan.skipped += 1
                scan.stored_targets += stored[p["sha256"]]
                names.append((p["sha256"], p["name"]))
                scan.stored_versions.append((p["doc_id"], p["sha256"]))
            else:
                scan.todo.append(p)
        pending.clear()
        db.add_names(run_id, names)
        names.clear()

    for ref, data in iter_bytes(entries, limits):
        if isinstance(data, IngestError):
            scan.failures.append((ref.name, None, str(data)))
            scan.unread_ids.append(ref.doc_id or Path(ref.name).stem)
            continue
        sha = sha256_bytes(data)
        if sha in seen:  # the same bytes under another name: one document
            scan.skipped += 1
            scan.duplicates += 1
            names.append((sha, ref.name))
            scan.duplicate_versions.append((ref.doc_id or Path(ref.name).stem, sha))
            continue
        seen.add(sha)
        pending.append({"name": ref.name, "path": ref.path, "member": ref.member, "sha256": sha, "size": len(data),
                        "doc_id": ref.doc_id or Path(ref.name).stem,
                        "metadata": lookup(manifest, Path(ref.path)) if manifest and ref.member is None else None})
        if len(pending) >= NAME_BATCH:
            settle()
    settle()
    db.add_failures(run_id, scan.failures)
    scan.seconds = time.perf_counter() - started
    return scan


def _submit_all(
    runner: TaskRunner[Any], extract: Any, chunks: deque[list[dict[str, Any]]], window: int, version: str,
    bounds: dict[str, Any] | None = None, stop: StopRequest | None = None,
) -> Iterator[tuple[list[dict[str, Any]], list[Outcome]]]:
    """Submit chunks with at most `window` in flight; yield (refs, outcomes) in order.

    Results are taken oldest first rather than with `prefect.futures.as_completed`: on a
    process pool, each done-callback that `as_completed` registers (one per pass, on every
    pending future) makes Prefect 3.8's `_UnpicklingFuture` unpickle the whole result once
    more, in the flow's process.  Chunks are of equal size, so they finish in about the
    order they were sent, and the window keeps the workers fed meanwhile.

    A chunk whose task fails as a whole (a worker died, a result could not be sent) is split
    into single documents and tried once more, so one poison document fails alone.  Once
    `stop` is requested nothing more is submitted and `RunStopped` ends the loop.
    """
    inflight: deque[tuple[PrefectFuture[Any], list[dict[str, Any]]]] = deque()
    stale: set[int] = set()  # chunks whose cached result is a stopped run's marker
    while chunks or inflight:
        while chunks and len(inflight) < window and not (stop and stop.requested):
            refs = chunks.popleft()
            task = extract.with_options(refresh_cache=True) if id(refs) in stale else extract
            inflight.append((runner.submit(task, {"refs": refs, "version": version, "bounds": bounds}), refs))
        if stop and stop.requested:
            raise RunStopped
        future, refs = inflight.popleft()
        try:
            result = future.result()
            if stop and stop.requested:
                raise RunStopped
            if result == STOPPED and id(refs) not in stale:
                stale.add(id(refs))
                chunks.appendleft(refs)
                continue
            outcomes = unpack(result)
        except RunStopped:
            raise
        except Exception as exc:  # noqa: BLE001  the chunk failed as a whole, not a document
            if len(refs) > 1:
                chunks.extend([ref] for ref in refs)
                continue
            outcomes = [failed_outcome(refs[0], f"task failed: {failure_reason(exc)}")]
        del future
        yield refs, outcomes


def summary_markdown(summary: dict[str, Any]) -> str:
    """The closing summary as a Markdown table (a Prefect artifact in the UI)."""
    keys = ("documents", "processed", "skipped", "duplicates", "failed", "targets", "seconds",
            "docs_per_second", "runner", "chunk_size", "extractor_version")
    rows = "\n".join(f"| {k} | {summary[k]} |" for k in keys)
    fails = "\n".join(f"- `{f['name']}`: {f['reason']}" for f in summary["failures"][:50])
    return f"| field | value |\n|---|---|\n{rows}\n" + (f"\n**Failures**\n\n{fails}\n" if fails else "")


def _server_preexec() -> None:
    """In Prefect's ephemeral server before exec: SIGTERM when this process dies (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


def isolate_ephemeral_server() -> None:
    """Start Prefect's ephemeral server out of the terminal's reach and tied to this process.

    A terminal's Ctrl-C reaches the whole process group: the server died first and the
    flow then spent over a minute retrying its API (trial row 49).  In its own session it
    gets no Ctrl-C and is stopped by Prefect at exit as usual; PR_SET_PDEATHSIG ends it
    when this process is killed outright (`kill -9` left it running).  Prefect's server
    module is given a `subprocess` whose Popen adds both; nothing else changes.
    """
    import subprocess
    import types

    from prefect.server.api import server as server_module

    if getattr(server_module.subprocess, "_chitieu", False):
        return

    def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[Any]:
        kwargs.setdefault("start_new_session", True)
        kwargs.setdefault("preexec_fn", _server_preexec)
        return subprocess.Popen(*args, **kwargs)

    proxy = types.ModuleType("subprocess")
    proxy.__dict__.update(vars(subprocess))
    proxy.Popen = popen  # type: ignore[attr-defined]
    proxy._chitieu = True  # type: ignore[attr-defined]
    server_module.subprocess = proxy  # type: ignore[attr-defined]


def _stop_server() -> None:
    """A second Ctrl-C exits at once: end the ephemeral server first, it is in its own session."""
    from prefect.server.api.server import SubprocessASGIServer

    proc = SubprocessASGIServer().server_process
    if proc is not None and proc.poll() is None:
        proc.kill()


def share_api(stack: ExitStack) -> None:
    """Point worker processes at this run's Prefect API so they do not each start their own.

    In ephemeral mode the API URL is unset, and every spawned worker process would start a
    private ephemeral server of its own on its first task: about 4 s each on 2 cores, and
    several servers writing one SQLite file.  Measured: first result of a 2-process pool
    after 9.6 s without this, 2.5 s with it.
    """
    if get_current_settings().api.url:
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the singleton this process's flow run already uses
    if server.running:
        stack.enter_context(temporary_settings(updates={PREFECT_API_URL: server.api_url}))


def open_runner(stack: ExitStack, todo: int, workers: int | None, chunk_size: int | None,
                dask_address: str | None) -> tuple[TaskRunner[Any], str, int, int]:
    """Start the task runner; return it with its label, worker count and chunk size."""
    share_api(stack)
    if dask_address:
        runner, label = dask_runner(dask_address)
        stack.enter_context(runner)
        n = max(1, sum(runner.client.nthreads().values()))  # type: ignore[attr-defined]
        return runner, label, n, chunk_size or chunk_size_for(todo, n)
    runner, label, n, size = local_runner(todo, workers, chunk_size)
    stack.enter_context(runner)
    return runner, label, n, size


@flow(name="chitieu-batch", log_prints=False)
def batch_flow(
    input: str,
    store: str,
    workers: int | None = None,
    chunk_size: int | None = None,
    dask_address: str | None = None,
    cache: bool = True,
    progress: bool = False,
    manifests: list[str] | None = None,
    bounds: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Extract every document of a folder or zip into the store, skipping what is stored.

    `workers` defaults to the number of cores; `dask_address` (tcp://host:port) runs the
    tasks on that Dask cluster instead; `cache=False` neither reads nor writes Prefect's
    task cache (benchmarks); `bounds` are the per-document bounds (`pipeline.batch.sandbox.Bounds`).
    Returns the summary that the CLI prints; a store that cannot be used (locked, full)
    and a stopped run come back in it (`error`, `status`), not as exceptions, so the user
    sees one line rather than Prefect's traceback of the failed flow.
    """
    logger = get_run_logger()
    started = time.perf_counter()
    version = version_tag()
    extract = extract_refs if cache else extract_refs.with_options(cache_policy=NO_CACHE, persist_result=False)
    limits = Limits(max_bytes=(bounds or {}).get("max_bytes") or MAX_BYTES)
    try:
        db = Store.open(Path(store))
    except StoreError as exc:
        return {"error": str(exc)}
    with db:
        run_id = db.begin_run(input, version, "dask" if dask_address else "local", workers or 0)
        summary: dict[str, Any] = {"run_id": run_id, "store": store, "input": input, "extractor_version": version}
        processed, failures = 0, []
        try:
            manifest = manifests_for([Path(input)], [Path(m) for m in manifests or []])
            root = str(Path(input).resolve())  # document ids and versions are relative to it
            scan = scan_input(db, run_id, Path(input), version, limits, manifest)
            logger.info("%s: %d documents, %d to extract, %d already stored, %d duplicates, %d refused (%.1f s)",
                        input, scan.documents, len(scan.todo), scan.skipped - scan.duplicates,
                        scan.duplicates, len(scan.failures), scan.seconds)
            processed, targets = 0, scan.stored_targets
            failures = [{"name": n, "reason": r} for n, _, r in scan.failures]
            with ExitStack() as stack:
                runner, label, n_workers, size = open_runner(stack, len(scan.todo), workers, chunk_size, dask_address)
                doc_bounds = Bounds(**(bounds or {}))
                pool = None if dask_address or not doc_bounds.isolate else stack.enter_context(
                    installed(SandboxPool(n_workers, doc_bounds)))
                stop = stack.enter_context(StopRequest(pool.stop if pool else (lambda: None), _stop_server))
                chunks = deque(scan.todo[i : i + size] for i in range(0, len(scan.todo), size))
                summary.update(runner=label, workers=n_workers, chunk_size=size, chunks=len(chunks))
                logger.info("%d chunks of up to %d documents on %s", len(chunks), size, label)
                bar = Progress(len(scan.todo), enabled=progress)
                stack.callback(bar.close)
                superseded = db.record_versions(run_id, root, scan.stored_versions)
                for refs, outcomes in _submit_all(runner, extract, chunks, IN_FLIGHT_PER_WORKER * n_workers, version,
                                                  bounds, stop):
                    ids = {r["name"]: r["doc_id"] for r in refs}
                    stored_now: list[tuple[str, str]] = []
                    for o in db.write_outcomes(run_id, outcomes, version):
                        if o.failed:
                            failures.append({"name": o.name, "reason": o.reason or "unknown"})
                            scan.unread_ids.append(ids[o.name])
                        else:
                            processed += 1
                            targets += o.targets
                            if o.sha256:
                                stored_now.append((ids[o.name], o.sha256))
                    superseded += db.record_versions(run_id, root, stored_now)
                    bar.advance(len(refs))
                    logger.debug("stored a chunk of %d documents", len(refs))
            superseded += db.record_versions(run_id, root, scan.duplicate_versions)
            # the whole root was listed: what it lacks is gone (a file that failed is still there)
            removed = db.mark_removed(run_id, root, keep=scan.unread_ids)
            seconds = time.perf_counter() - started
            summary.update(
                superseded=superseded, removed=removed,
                documents=scan.documents, processed=processed, skipped=scan.skipped, duplicates=scan.duplicates,
                failed=len(failures), targets=targets, seconds=round(seconds, 3),
                scan_seconds=round(scan.seconds, 3),
                docs_per_second=round(processed / seconds, 2) if seconds > 0 else 0.0, failures=failures,
            )
            summary["quality"] = db.quality(run_id, root)
            db.finish_run(run_id, "completed", summary)
        except (RunStopped, KeyboardInterrupt):
            summary.update(status="interrupted", processed=processed, failed=len(failures),
                           seconds=round(time.perf_counter() - started, 3))
            db.finish_run(run_id, "interrupted", summary, error="stopped by a signal")
            return summary
        except (StoreError, duckdb.Error) as exc:  # the store itself failed (a full disk)
            if isinstance(exc, duckdb.Error) and not disk_full(exc):
                raise
            message = str(exc) if isinstance(exc, StoreError) else f"store: no space left on device ({store})"
            with contextlib.suppress(Exception):
                db.finish_run(run_id, "failed", summary, error=message)
            return {**summary, "error": message}
        except BaseException as exc:
            db.finish_run(run_id, "failed", summary, error=failure_reason(exc))
            raise
    for f in failures:
        logger.info("failed: %s: %s", f["name"], f["reason"])
    logger.info("%d documents: %d processed, %d skipped, %d failed, %d targets, %.1f s",
                summary["documents"], processed, scan.skipped, len(failures), targets, seconds)
    create_markdown_artifact(summary_markdown(summary), key="chitieu-batch-summary",
                             description=f"chitieu batch run {run_id}")
    return summary


def check_scheduler(address: str, timeout: float = 5.0) -> None:
    """Fail in one line, before Prefect starts, when nothing listens at the Dask address."""
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except (OSError, ValueError) as exc:
        raise ChitieuError(f"cannot reach a Dask scheduler at {address}: {exc}") from exc


def run_batch(
    input: str,
    store: str,
    workers: int | None = None,
    chunk_size: int | None = None,
    dask_address: str | None = None,
    cache: bool = True,
    progress: bool = False,
    manifests: list[str] | None = None,
    bounds: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run `batch_flow` from the command line: inputs checked first, no heartbeat join."""
    check_input(Path(input), Limits())
    Store.open(Path(store)).close()  # a locked or foreign store fails here, in one line
    if dask_address:
        check_scheduler(dask_address)
    isolate_ephemeral_server()
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        summary = batch_flow(input, store, workers=workers, chunk_size=chunk_size, dask_address=dask_address,
                             cache=cache, progress=progress, manifests=manifests, bounds=bounds)
    if summary.get("error"):
        raise ChitieuError(summary["error"])
    if summary.get("status") == "interrupted":
        raise Interrupted(f"interrupted: {summary.get('processed', 0)} documents stored by this run are kept "
                          f"(run {summary['run_id']} marked interrupted); run the same command again to resume")
    return summary



# --- watching web sources (issue #13) ---------------------------------------------------


@flow(name="chitieu-watch", log_prints=False)
def watch_flow(
    sources: str | None,
    store: str,
    urls: list[str] | None = None,
    host_delay: float = 1.0,
    read_timeout: float = 30.0,
    concurrency: int = 4,
    robots: bool = True,
    attachments: bool = True,
) -> dict[str, Any]:
    """Fetch what is new or changed on the watched sources (or `urls`) into the store.

    Deploy it on a schedule (README, "Watching portals"): each run sends conditional
    requests for what it has seen, so an unchanged portal costs 304s and no extraction.
    Fetching is I/O-bound and polite (one request at a time per host), so it runs in this
    process's threads; extraction follows in the flow's thread.
    """
    from pipeline.web.fetch import FetchOptions
    from pipeline.web.sources import load_sources
    from pipeline.web.watch import render_watch, watch, watch_markdown

    logger = get_run_logger()
    options = FetchOptions(host_delay=host_delay, read_timeout=read_timeout, concurrency=concurrency,
                           robots=robots)
    watched = load_sources(Path(sources)) if sources else []
    summary = watch(watched, Path(store), options, urls=urls, attachments=attachments,
                    input_name=sources or "urls")
    for f in summary["failures"]:
        logger.info("failed: %s: %s", f["name"], f["reason"])
    logger.info("%s", render_watch(summary))
    create_markdown_artifact(watch_markdown(summary), key="chitieu-watch-summary",
                             description=f"chitieu watch run {summary['run_id']}")
    return summary


def run_watch(sources: str | None, store: str, urls: list[str] | None = None, options: Any = None,
              attachments: bool = True) -> dict[str, Any]:
    """Run `watch_flow` from the command line: sources checked first, no heartbeat join."""
    from pipeline.web.fetch import FetchOptions
    from pipeline.web.sources import load_sources

    if sources:
        load_sources(Path(sources))  # a bad sources file fails here, in one line
    Store.open(Path(store)).close()  # a locked or foreign store fails here, in one line
    o = options or FetchOptions()
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return watch_flow(sources, store, urls=urls, host_delay=o.host_delay, read_timeout=o.read_timeout,
                          concurrency=o.concurrency, robots=o.robots, attachments=attachments)
