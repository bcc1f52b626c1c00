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

What to extract and where it runs is decided in `pipeline/batch/` as plain functions tested
without Prefect: `scan.scan_input` (what is new), `policy` (chunk sizes, how many workers),
`refs` (a document as a job, and a job to an outcome), `tally.RunTally` (each chunk's outcomes
into the store, and the run's summary) and `options.BatchOptions` (one typed value from the
CLI to the flow); this module wires them into Prefect tasks, runners and flows.

`chitieu run` is the entry point; this module never imports the CLI (tests/test_layers.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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
import json
import logging
import signal
import time
from collections import deque
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import asdict
from datetime import timedelta

import duckdb
from prefect import flow, get_run_logger, task, unmapped
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
from pipeline.batch.files import BoundedRunner, OutputNames
from pipeline.batch.options import BatchOptions
from pipeline.batch.policy import (
    IN_FLIGHT_PER_WORKER,
    check_scheduler,
    chunk_size_for,
    chunked,
    local_plan,
)
from pipeline.batch.progress import Progress, summary_markdown
from pipeline.batch.refs import Job, failed_outcome, run_job
from pipeline.batch.sandbox import Bounds, SandboxPool, Stopped, current_pool, installed
from pipeline.batch.scan import scan_input
from pipeline.batch.stopping import Interrupted, RunStopped, StopRequest
from pipeline.batch.tally import RunTally
from pipeline.errors import ChitieuError
from pipeline.evaluation.evaluate import evaluate, render_text
from pipeline.extract import version_tag
from pipeline.ingest.archive import Limits, Reader, check_input
from pipeline.ingest.inputs import Document, list_folder
from pipeline.ingest.sidecar import lookup, manifests_for
from pipeline.limits import MAX_BYTES
from pipeline.run import Outcome, failure_reason
from pipeline.store.db import Store, StoreError, disk_full, pack, unpack
from pipeline.store.quality import summarize
from schemas.gold import load_dir

DEFAULT_CHUNK = 50
# At exit Prefect drains its event queue and says so at WARNING ("Still processing items:
# 1 items remaining...") although nothing is wrong; errors from it still show.
logging.getLogger("EventsWorker").setLevel(logging.ERROR)


@task(name="extract-chunk")
def extract_chunk(jobs: list[tuple[str, str]] | list[tuple[str, str, str, dict[str, str] | None]],
                  bounds: dict[str, Any] | None = None) -> list[Outcome]:
    """Every stage for a chunk of (document, record path[, doc_id, sidecar metadata]); each outcome is data.

    Each document goes to a sandboxed worker under the per-document bounds, as in
    `chitieu extract` (`pipeline.batch.files.BoundedRunner`): one over its time, memory or
    target bound fails alone, by name, and the rest of the chunk is written.
    """
    outcomes = []
    with BoundedRunner(Bounds(**bounds) if bounds else Bounds()) as runner:
        for job in jobs:
            path, out = job[0], job[1]
            doc_id = job[2] if len(job) > 2 else Path(path).stem  # type: ignore[misc]
            metadata = job[3] if len(job) > 3 else None  # type: ignore[misc]
            outcomes.append(runner.run(Document(Path(path), doc_id), Path(out), metadata))
    return outcomes


@task(name="evaluate")
def evaluate_records(gold_dir: str, out_dir: str) -> dict[str, Any]:
    """Score the written records against gold (labelling guide §5)."""
    return evaluate(load_dir(Path(gold_dir)), load_dir(Path(out_dir)))


def _written_records(jobs: list[tuple[str, str, str, dict[str, str] | None]],
                     outcomes: list[Outcome]) -> Iterator[dict[str, Any]]:
    """The records the workers wrote, read back one at a time (for the quality summary)."""
    for job, outcome in zip(jobs, outcomes, strict=True):
        if not outcome.failed:
            yield json.loads(Path(job[1]).read_text(encoding="utf-8"))


# A chunk's documents go to one sandboxed worker; chunks run in threads, one worker each,
# so at most one worker per core extracts at a time.
_CORPUS_RUNNER: TaskRunner[Any] = ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1)


@flow(name="chitieu-corpus", log_prints=False, task_runner=_CORPUS_RUNNER)
def _corpus_flow(input_dir: str, gold_dir: str | None, out_dir: str, chunk_size: int = DEFAULT_CHUNK,
                 manifests: list[str] | None = None, show_errors: bool = True,
                 bounds: Bounds | None = None) -> dict[str, Any]:
    files = list_folder(Path(input_dir)).documents
    manifest = manifests_for([Path(input_dir)], [Path(m) for m in manifests or []])
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    names = OutputNames(Path(out_dir))
    claims = [(doc, names.claim(doc)) for doc in files]
    refused = [c for _, c in claims if isinstance(c, Outcome)]
    jobs = [(str(d.path), str(c), d.doc_id, lookup(manifest, d.path)) for d, c in claims if not isinstance(c, Outcome)]
    futures = extract_chunk.map(chunked(jobs, chunk_size), bounds=unmapped(asdict(bounds or Bounds())))
    extracted = [o for chunk in futures.result() for o in chunk]
    outcomes = extracted + refused
    summary: dict[str, Any] = {
        "documents": len(files),
        "written": sum(1 for o in outcomes if not o.failed),
        "targets": sum(o.targets for o in outcomes),
        "failures": [{"path": o.name, "reason": o.reason} for o in outcomes if o.failed],
        "quality": summarize(_written_records(jobs, extracted)),
    }
    if gold_dir and Path(gold_dir).is_dir():
        result = evaluate_records(gold_dir, out_dir)
        summary["scores"] = {k: result[k] for k in ("value", "strict", "fields", "indicator_overlap")}
        summary["scorecard"] = render_text(result, show_errors=show_errors)
    return summary


def corpus_flow(input_dir: str, gold_dir: str | None, out_dir: str, chunk_size: int = DEFAULT_CHUNK,
                manifests: list[str] | None = None, show_errors: bool = True,
                bounds: Bounds | None = None) -> dict[str, Any]:
    """Run the corpus flow without the +1 s heartbeat join of synchronous flows.

    `bounds` are the per-document bounds (time, memory, targets; `chitieu run --max-seconds`,
    `--max-memory`, `--max-bytes`), the same as `chitieu extract` and `run --store` apply.
    """
    if not Path(input_dir).is_dir():
        raise FileNotFoundError(f"{input_dir}: not a folder")
    isolate_ephemeral_server()  # Ctrl-C: 12 s and one line; with the server killed under it, 89 s of tracebacks
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return _corpus_flow(input_dir, gold_dir, out_dir, chunk_size, manifests, show_errors, bounds)


# --- batch runs into a store (issue #7) -------------------------------------------------

# The rules' version is a task input, so the cache key changes with the lexicon or the
# extractor version, not only with this task's source code.
EXTRACT_CACHE_POLICY = TASK_SOURCE + INPUTS


# What a chunk task returns when the run was stopped under it.  Prefect caches it like any
# result, so a later run that meets it from the cache recomputes that chunk (refresh_cache).
STOPPED = b""


@task(name="extract-refs", cache_policy=EXTRACT_CACHE_POLICY, cache_expiration=timedelta(days=7),
      persist_result=True)
def extract_refs(refs: list[Job], version: str, bounds: dict[str, Any] | None = None) -> bytes:
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
        return pack([run_job(reader, ref) for ref in refs])


def local_runner(todo: int, workers: int | None, chunk_size: int | None) -> tuple[TaskRunner[Any], str, int, int]:
    """Several sandboxed worker processes when the work pays for them; otherwise one.

    Each task runs in a thread of this process and hands its documents to its own
    sandboxed worker (`pipeline.batch.sandbox`), so the flow's process never extracts and a
    document that breaks a bound or kills its worker fails alone.  (Prefect's process
    pool was dropped: one dead worker broke it for every later chunk, and at Ctrl-C its
    exit joined a worker blocked on a full pipe and never returned.)
    Returns the runner, its label, the number of workers and the chunk size.
    """
    n, size = local_plan(todo, workers, chunk_size)
    return ThreadPoolTaskRunner(max_workers=n), f"processes:{n}", n, size


def dask_runner(address: str) -> tuple[TaskRunner[Any], str]:
    """The same tasks on an existing Dask cluster (prefect-dask)."""
    from prefect_dask import DaskTaskRunner

    return DaskTaskRunner(address=address, client_kwargs={"timeout": "20s"}), f"dask:{address}"


def _submit_all(
    runner: TaskRunner[Any], extract: Any, chunks: deque[list[Job]], window: int, version: str,
    bounds: dict[str, Any] | None = None, stop: StopRequest | None = None,
) -> Iterator[tuple[list[Job], list[Outcome]]]:
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
    inflight: deque[tuple[PrefectFuture[Any], list[Job]]] = deque()
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


def open_runner(stack: ExitStack, todo: int, options: BatchOptions) -> tuple[TaskRunner[Any], str, int, int]:
    """Start the task runner; return it with its label, worker count and chunk size."""
    share_api(stack)
    if options.dask_address:
        runner, label = dask_runner(options.dask_address)
        stack.enter_context(runner)
        n = max(1, sum(runner.client.nthreads().values()))  # type: ignore[attr-defined]
        return runner, label, n, options.chunk_size or chunk_size_for(todo, n)
    runner, label, n, size = local_runner(todo, options.workers, options.chunk_size)
    stack.enter_context(runner)
    return runner, label, n, size


@flow(name="chitieu-batch", log_prints=False)
def batch_flow(input: str, store: str, options: BatchOptions | None = None) -> dict[str, Any]:
    """Extract every document of a folder or zip into the store, skipping what is stored.

    `options` say where and how (`pipeline.batch.options.BatchOptions`; its defaults are
    those of `chitieu run --store`, so a deployment needs only `input` and `store`).
    Returns the summary that the CLI prints; a store that cannot be used (locked, full)
    and a stopped run come back in it (`error`, `status`), not as exceptions, so the user
    sees one line rather than Prefect's traceback of the failed flow.
    """
    logger = get_run_logger()
    started = time.perf_counter()
    options = options or BatchOptions()
    version = version_tag()
    extract = extract_refs if options.cache else extract_refs.with_options(cache_policy=NO_CACHE,
                                                                            persist_result=False)
    limits = Limits(max_bytes=options.max_bytes)
    bounds = options.task_bounds()
    try:
        db = Store.open(Path(store))
    except StoreError as exc:
        return {"error": str(exc)}
    with db:
        run_id = db.begin_run(input, version, "dask" if options.dask_address else "local", options.workers or 0)
        summary: dict[str, Any] = {"run_id": run_id, "store": store, "input": input, "extractor_version": version}
        tally: RunTally | None = None
        try:
            manifest = manifests_for([Path(input)], [Path(m) for m in options.manifests])
            root = str(Path(input).resolve())  # document ids and versions are relative to it
            scan = scan_input(db, run_id, Path(input), version, limits, manifest)
            logger.info("%s: %d documents, %d to extract, %d already stored, %d duplicates, %d refused (%.1f s)",
                        input, scan.documents, len(scan.todo), scan.skipped - scan.duplicates,
                        scan.duplicates, len(scan.failures), scan.seconds)
            tally = RunTally.start(db, run_id, root, version, scan)
            with ExitStack() as stack:
                runner, label, n_workers, size = open_runner(stack, len(scan.todo), options)
                pool = None if options.dask_address or not options.bounds.isolate else stack.enter_context(
                    installed(SandboxPool(n_workers, options.bounds)))
                stop = stack.enter_context(StopRequest(pool.stop if pool else (lambda: None), _stop_server))
                chunks = deque(chunked(scan.todo, size))
                summary.update(runner=label, workers=n_workers, chunk_size=size, chunks=len(chunks))
                logger.info("%d chunks of up to %d documents on %s", len(chunks), size, label)
                bar = Progress(len(scan.todo), enabled=options.progress)
                stack.callback(bar.close)
                tally.store_skipped()
                for jobs, outcomes in _submit_all(runner, extract, chunks, IN_FLIGHT_PER_WORKER * n_workers, version,
                                                  bounds, stop):
                    tally.store(jobs, outcomes)
                    bar.advance(len(jobs))
                    logger.debug("stored a chunk of %d documents", len(jobs))
            summary.update(tally.finish(started))
            db.finish_run(run_id, "completed", summary)
        except (RunStopped, KeyboardInterrupt):
            summary.update(status="interrupted", processed=tally.processed if tally else 0,
                           failed=len(tally.failures) if tally else 0, seconds=round(time.perf_counter() - started, 3))
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
    for f in summary["failures"]:
        logger.info("failed: %s: %s", f["name"], f["reason"])
    logger.info("%d documents: %d processed, %d skipped, %d failed, %d targets, %.1f s", summary["documents"],
                summary["processed"], summary["skipped"], summary["failed"], summary["targets"], summary["seconds"])
    create_markdown_artifact(summary_markdown(summary), key="chitieu-batch-summary",
                             description=f"chitieu batch run {run_id}")
    return summary


def run_batch(input: str, store: str, options: BatchOptions | None = None) -> dict[str, Any]:
    """Run `batch_flow` from the command line: inputs checked first, no heartbeat join."""
    options = options or BatchOptions()
    check_input(Path(input), Limits())
    Store.open(Path(store)).close()  # a locked or foreign store fails here, in one line
    if options.dask_address:
        check_scheduler(options.dask_address)
    isolate_ephemeral_server()
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        summary = batch_flow(input, store, options)
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
    bounds: Bounds | None = None,
) -> dict[str, Any]:
    """Fetch what is new or changed on the watched sources (or `urls`) into the store.

    Deploy it on a schedule (README, "Watching portals"): each run sends conditional
    requests for what it has seen, so an unchanged portal costs 304s and no extraction.
    Fetching is I/O-bound and polite (one request at a time per host), so it runs in this
    process's threads; each page is then read and extracted in a sandboxed worker under
    `bounds` (`chitieu watch --max-seconds`, `--max-memory`), as `run --store` does a file.
    """
    from pipeline.web.fetch import FetchOptions
    from pipeline.web.sources import load_sources
    from pipeline.web.watch import render_watch, watch, watch_markdown

    logger = get_run_logger()
    options = FetchOptions(host_delay=host_delay, read_timeout=read_timeout, concurrency=concurrency,
                           robots=robots)
    watched = load_sources(Path(sources)) if sources else []
    summary = watch(watched, Path(store), options, urls=urls, attachments=attachments,
                    input_name=sources or "urls", bounds=bounds)
    for f in summary["failures"]:
        logger.info("failed: %s: %s", f["name"], f["reason"])
    logger.info("%s", render_watch(summary))
    create_markdown_artifact(watch_markdown(summary), key="chitieu-watch-summary",
                             description=f"chitieu watch run {summary['run_id']}")
    return summary


def run_watch(sources: str | None, store: str, urls: list[str] | None = None, options: Any = None,
              attachments: bool = True, bounds: Bounds | None = None) -> dict[str, Any]:
    """Run `watch_flow` from the command line: sources checked first, no heartbeat join."""
    from pipeline.web.fetch import FetchOptions
    from pipeline.web.sources import load_sources

    if sources:
        load_sources(Path(sources))  # a bad sources file fails here, in one line
    Store.open(Path(store)).close()  # a locked or foreign store fails here, in one line
    o = options or FetchOptions()
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return watch_flow(sources, store, urls=urls, host_delay=o.host_delay, read_timeout=o.read_timeout,
                          concurrency=o.concurrency, robots=o.robots, attachments=attachments, bounds=bounds)
