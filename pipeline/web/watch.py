"""`chitieu watch`: find new article URLs on watched sources, extract only what is new or changed.

A run reads each source's listing pages, feeds and sitemaps, collects article URLs,
fetches each (with its attachments) and extracts it into the store.  Everything is
fetched conditionally once seen: an unchanged listing, feed, article or robots.txt costs a
304 and its kept bytes; a 200 or 304 whose bytes are a plan already stored (by this
extractor version) is not extracted again (kept bytes that failed are read again); the same bytes under two URLs are one document with two
names.  So a second run over unchanged sources sends only conditional requests and
extracts nothing.  `chitieu run --input urls.txt --store S` is the same run over a fixed
list of URLs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from extractors.nlp import warm_up
from pipeline.batch.files import BoundedRunner
from pipeline.batch.refs import page_job
from pipeline.batch.sandbox import Bounds
from pipeline.errors import ChitieuError
from pipeline.extract import version_tag
from pipeline.run import Outcome
from pipeline.store.db import Store
from pipeline.web.feeds import feed_links, sitemap_links
from pipeline.web.fetch import Fetcher, FetchOptions, FetchResult
from pipeline.web.fetchlog import FetchLog, FetchRow
from pipeline.web.links import article_links, same_site
from pipeline.web.raw import RawStore, raw_dir_for
from pipeline.web.robots import Robots
from pipeline.web.sniff import HTML, decode_body, sniff
from pipeline.web.sources import WebSource
from pipeline.web.urls import Fetched, Seed, UrlIngest

MAX_SITEMAP_DEPTH = 2  # an index of indexes, no deeper


@dataclass
class WatchCounts:
    """What a run did, for its summary."""

    discovered: int = 0
    fetched: int = 0  # 200 responses for documents
    unchanged: int = 0  # 304, or the same bytes as the stored plan
    duplicates: int = 0  # bytes already extracted under another URL in this run
    extracted: int = 0
    targets: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)


class _Discovery:
    """Article URLs of one source, through the run's fetcher and fetch log."""

    def __init__(self, fetcher: Fetcher, log: FetchLog, raw: RawStore, run_id: str, counts: WatchCounts,
                 memory_mb: int | None = None) -> None:
        self.fetcher, self.log, self.raw, self.run_id, self.counts = fetcher, log, raw, run_id, counts
        self.memory_mb = memory_mb  # a listing page too big to parse within it fails, by its URL

    def _get(self, url: str, kind: str, source: WebSource) -> FetchResult | None:
        try:
            result = self.fetcher.fetch(url)
        except ChitieuError as exc:
            self.counts.failures.append({"name": url, "reason": str(exc)})
            self.log.record(FetchRow(url, kind, self.run_id, reason=str(exc), publisher=source.name,
                                     province=source.province))
            return None
        media = "application/xml" if kind in ("feed", "sitemap") else HTML
        sha = self.raw.put(result.body, media)
        self.log.record(FetchRow(url, kind, self.run_id, result, sha, media, publisher=source.name,
                                 province=source.province))
        return result

    def _text(self, result: FetchResult) -> str:
        return decode_body(result.body, result.content_type, html=True).text

    def articles(self, source: WebSource) -> list[str]:
        found: list[str] = []
        css, pattern = source.articles.css, source.articles.pattern
        for url in source.listings:
            if (result := self._get(url, "listing", source)) is not None:
                try:
                    found += article_links(self._text(result), result.final_url, css, pattern, self.memory_mb)
                except ChitieuError as exc:
                    self.counts.failures.append({"name": url, "reason": str(exc)})
        for url in source.feeds:
            if (result := self._get(url, "feed", source)) is not None:
                found += [u for u in feed_links(result.body) if self._wanted(u, url, pattern)]
        queue = [(url, 0) for url in source.sitemaps]
        while queue:
            url, depth = queue.pop(0)
            if (result := self._get(url, "sitemap", source)) is None:
                continue
            pages, children = sitemap_links(self._text(result))
            found += [u for u in pages if self._wanted(u, url, pattern)]
            if depth < MAX_SITEMAP_DEPTH:
                queue += [(child, depth + 1) for child in children]
        unique = list(dict.fromkeys(found))
        return unique[: source.max_articles]

    @staticmethod
    def _wanted(url: str, listed_on: str, pattern: str | None) -> bool:
        return same_site(url, listed_on) and (pattern is None or regex.search(pattern, url) is not None)


def _kind(item: Fetched) -> str:
    return "attachment" if item.parent else "page"


def watch(
    sources: list[WebSource],
    store: Path,
    options: FetchOptions | None = None,
    urls: list[str] | None = None,
    attachments: bool = True,
    input_name: str | None = None,
    bounds: Bounds | None = None,
) -> dict[str, Any]:
    """Discover, fetch and extract what is new or changed into the store; return a summary.

    Each page is read and extracted under `bounds` (the per-document bounds of `run
    --store`: a sandboxed worker, `pipeline.batch.files.BoundedRunner`), so one over its
    time or memory fails alone, by URL, and the run goes on.
    """
    options = options or FetchOptions()
    started = time.perf_counter()
    version = version_tag()
    raw = RawStore(raw_dir_for(store))
    counts = WatchCounts()
    warm_up()
    with Store.open(store) as db:
        log = FetchLog(db.con, raw)
        run_id = db.begin_run(input_name or ("urls" if urls else "watch"), version, "web", options.concurrency)
        summary: dict[str, Any] = {"run_id": run_id, "store": str(store), "extractor_version": version}
        try:
            with Fetcher(options, cache=log) as fetcher, BoundedRunner(bounds) as runner:
                robots = Robots(fetcher)
                discovery = _Discovery(fetcher, log, raw, run_id, counts, runner.bounds.max_memory_mb)
                seeds = [Seed(u) for u in urls or []]
                for source in sources:
                    seeds += [Seed(u, source.name, source.province) for u in discovery.articles(source)]
                seeds = list({s.url: s for s in seeds}.values())
                counts.discovered = len(seeds)

                def keep(result: FetchResult, media_type: str) -> str:
                    return raw.put(result.body, media_type)

                ingest = UrlIngest(fetcher, keep, attachments=attachments, memory_mb=runner.bounds.max_memory_mb)
                seen: dict[str, Outcome | None] = {}
                for item in ingest.fetch(seeds, workers=options.concurrency):
                    _settle(db, log, ingest, runner, item, run_id, version, seen, counts)
                for result in robots.fetched:
                    log.record(FetchRow(result.url, "robots", run_id, result, raw.put(result.body, "text/plain"),
                                        "text/plain"))
                requests, conditional = fetcher.requests, fetcher.conditional_requests
            seconds = time.perf_counter() - started
            summary.update(
                discovered=counts.discovered, fetched=counts.fetched, unchanged=counts.unchanged,
                duplicates=counts.duplicates, extracted=counts.extracted, targets=counts.targets,
                failed=len(counts.failures), failures=counts.failures, requests=requests,
                conditional_requests=conditional, seconds=round(seconds, 3),
            )
            db.finish_run(run_id, "completed", {
                "documents": counts.discovered, "processed": counts.extracted,
                "skipped": counts.unchanged + counts.duplicates, "duplicates": counts.duplicates,
                "failed": len(counts.failures), "targets": counts.targets, "seconds": round(seconds, 3),
                "runner": "web", "workers": options.concurrency})
        except BaseException as exc:
            db.finish_run(run_id, "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed", summary,
                          error=" ".join(str(exc).split())[:200])
            raise
    return summary


def _settle(db: Store, log: FetchLog, ingest: UrlIngest, runner: BoundedRunner, item: Fetched, run_id: str,
            version: str, seen: dict[str, Outcome | None], counts: WatchCounts) -> None:
    """One fetched URL into the store: its fetch row, then its plan unless nothing changed.

    `seen` maps the bytes settled in this run to None, or to their failure (a copy under
    another URL then fails too, saying so).  A 304 is unchanged only when its kept bytes
    have a plan: a page that failed (over a bound raised since) is read again.
    """
    meta: dict[str, Any] = {"publisher": item.seed.publisher, "province": item.seed.province,
                            "parent_url": item.parent}
    if item.result is None:
        counts.failures.append({"name": item.url, "reason": item.reason or "unknown"})
        log.record(FetchRow(item.url, _kind(item), run_id, reason=item.reason, **meta))
        db.add_failures(run_id, [(item.url, None, item.reason or "unknown")])
        return
    result = item.result
    media = item.media_type or sniff(result.body, result.content_type, result.final_url).media_type
    sha = ingest.keep(result, media)
    log.record(FetchRow(item.url, _kind(item), run_id, result, sha, media, **meta))
    if item.reason:  # fetched, but not a document chitieu reads (a binary, a feed)
        counts.failures.append({"name": item.url, "reason": item.reason})
        db.add_failures(run_id, [(item.url, sha, item.reason)])
        return
    if result.unchanged and db.stored([sha], version):
        counts.unchanged += 1
        return
    if not result.unchanged:  # (a 304 whose kept bytes have no plan, because they failed last time, is read again)
        counts.fetched += 1
    if sha in seen:
        if (first := seen[sha]) is None:
            counts.duplicates += 1
            db.add_names(run_id, [(sha, item.url)])
        else:  # those bytes failed under another URL in this run: not read again, and not a plan's name
            reason = f"same bytes as {first.name}, which failed: {first.reason}"
            counts.failures.append({"name": item.url, "reason": reason})
            db.add_failures(run_id, [(item.url, sha, reason)])
        return
    seen[sha] = None
    if db.stored([sha], version):
        counts.unchanged += 1
        db.add_names(run_id, [(sha, item.url)])
        return
    outcome = runner.run_job(page_job(ingest.page(item), sha256=sha, size=len(result.body)))
    for stored in db.write_outcomes(run_id, [outcome], version):
        if stored.failed:
            seen[sha] = stored
            counts.failures.append({"name": stored.name, "reason": stored.reason or "unknown"})
        else:
            counts.extracted += 1
            counts.targets += stored.targets


def render_watch(summary: dict[str, Any]) -> str:
    """The closing line of a watch run."""
    return (f"{summary['discovered']} URLs: {summary['extracted']} extracted, {summary['unchanged']} unchanged, "
            f"{summary['duplicates']} duplicates, {summary['failed']} failed, {summary['targets']} targets; "
            f"{summary['requests']} requests ({summary['conditional_requests']} conditional), "
            f"{summary['seconds']:.1f} s")


def watch_markdown(summary: dict[str, Any]) -> str:
    """The summary as a Markdown table (a Prefect artifact in the UI)."""
    keys = ("discovered", "extracted", "unchanged", "duplicates", "failed", "targets", "requests",
            "conditional_requests", "seconds")
    rows = "\n".join(f"| {k} | {summary[k]} |" for k in keys)
    fails = "\n".join(f"- `{f['name']}`: {f['reason']}" for f in summary["failures"][:50])
    return f"| field | value |\n|---|---|\n{rows}\n" + (f"\n**Failures**\n\n{fails}\n" if fails else "")
