"""`chitieu extract URL...` and `chitieu run --input urls.txt`: URLs to JSON records.

Like files, each document gets `OUT/<doc_id>.json`, read and extracted under the same
per-document bounds (time, memory, targets); a URL that fails gets one `url: reason` and
the rest carries on.  The fetched bytes are kept beside, in `OUT.raw/` (see `pipeline.web.raw`)
with what the server said, so a record can be re-extracted without the web.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path

from extractors.nlp import warm_up
from pipeline.batch.files import BatchReport, BoundedRunner
from pipeline.batch.refs import page_job
from pipeline.batch.sandbox import Bounds
from pipeline.run import Outcome
from pipeline.web.fetch import Fetcher, FetchOptions, FetchResult
from pipeline.web.raw import RawStore, raw_dir_for
from pipeline.web.robots import Robots
from pipeline.web.urls import Seed, UrlIngest


def keeper(raw: RawStore) -> Callable[[FetchResult, str], str]:
    """Keep a fetched body and note the fetch beside it."""

    def keep(result: FetchResult, media_type: str) -> str:
        sha = raw.put(result.body, media_type)
        raw.note_fetch(sha, result.url, {"final_url": result.final_url, "status": result.status,
                                         "fetched_at": result.fetched_at, "headers": result.headers})
        return sha

    return keep


def extract_urls(urls: list[str], out_dir: Path, options: FetchOptions | None = None,
                 raw_dir: Path | None = None, attachments: bool = True,
                 runner: BoundedRunner | None = None, bounds: Bounds | None = None) -> BatchReport:
    """Fetch and extract each URL (and its attachments) into `out_dir/<doc_id>.json`.

    Pages are fetched here and read and extracted by `runner` (a sandboxed worker under
    the per-document bounds, `pipeline.batch.files.BoundedRunner`; a new one under
    `bounds` when none is given), so a page over a bound fails alone, named by its URL.
    The same bytes under a second URL are extracted once; when they failed, the second
    URL fails too, saying so, rather than being read again.
    """
    report = BatchReport()
    started = time.perf_counter()
    raw = RawStore(raw_dir or raw_dir_for(out_dir))
    options = options or FetchOptions()
    warm_up()
    seen: dict[str, Outcome] = {}  # sha256 -> the outcome of the URL first extracted with these bytes
    with Fetcher(options) as fetcher, BoundedRunner(bounds) if runner is None else \
            contextlib.nullcontext(runner) as extractor:
        Robots(fetcher)
        ingest = UrlIngest(fetcher, keeper(raw), attachments=attachments, memory_mb=extractor.bounds.max_memory_mb)
        for item in ingest.fetch([Seed(u) for u in urls], workers=options.concurrency):
            if item.result is None or item.reason:
                report.outcomes.append(Outcome.failure(item.url, item.reason or "unknown"))
                continue
            page = ingest.page(item)
            if (first := seen.get(page.sha256)) is not None:  # the same bytes under another URL
                if first.failed:
                    report.outcomes.append(Outcome.failure(
                        item.url, f"same bytes as {first.name}, which failed: {first.reason}",
                        sha256=page.sha256, size=page.size))
                continue
            seen[page.sha256] = outcome = extractor.run_job(
                page_job(page, out_dir / f"{page.doc_id}.json", sha256=page.sha256, size=page.size))
            report.outcomes.append(outcome)
    report.seconds = time.perf_counter() - started
    return report
