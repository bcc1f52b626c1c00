"""`chitieu extract URL...` and `chitieu run --input urls.txt`: URLs to JSON records.

Like files, each document gets `OUT/<doc_id>.json`; a URL that fails gets one `url: reason`
and the rest carries on.  The fetched bytes are kept beside, in `OUT.raw/` (see `pipeline.web.raw`)
with what the server said, so a record can be re-extracted without the web.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path

from extractors.nlp import warm_up
from pipeline.batch.files import BatchReport, BoundedRunner
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
                 runner: BoundedRunner | None = None) -> BatchReport:
    """Fetch and extract each URL (and its attachments) into `out_dir/<doc_id>.json`.

    Pages are fetched and read here; each read page is extracted by `runner` (the
    per-document bounds, `pipeline.batch.BoundedRunner`); a new one when none is given.
    """
    report = BatchReport()
    started = time.perf_counter()
    raw = RawStore(raw_dir or raw_dir_for(out_dir))
    options = options or FetchOptions()
    warm_up()
    seen: dict[str, str] = {}  # sha256 -> URL first extracted with these bytes
    with Fetcher(options) as fetcher, BoundedRunner() if runner is None else \
            contextlib.nullcontext(runner) as extractor:
        Robots(fetcher)
        ingest = UrlIngest(fetcher, keeper(raw), attachments=attachments)
        for item in ingest.fetch([Seed(u) for u in urls], workers=options.concurrency):
            item = ingest.read(item)
            if item.source is None:
                report.outcomes.append(Outcome.failure(item.url, item.reason or "unknown"))
                continue
            if item.source.sha256 in seen:
                continue  # the same bytes under another URL: extracted once
            seen[item.source.sha256] = item.url
            report.outcomes.append(extractor.run(item.source, out_dir / f"{item.source.doc_id}.json"))
    report.seconds = time.perf_counter() - started
    return report
