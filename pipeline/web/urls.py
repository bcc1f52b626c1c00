"""URLs to documents: fetch each page (and its attachments), sniff it, keep its bytes, make a Source.

A fetched document is read exactly as a file of its sniffed type is (`source_from_bytes`),
so a page, its attached PDF and the same text saved as a file give the same targets.  Each
record says where it came from, in its metadata: `source_url`, `final_url` (after
redirects), `fetched_at`, `http_status`, `publisher_host`, and for an attachment
`attached_to` (the article's URL); an article lists its `attachments`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

import regex
from bs4 import BeautifulSoup

from pipeline.errors import ChitieuError
from pipeline.ingest.html import check_parse_fits
from pipeline.ingest.load import DOCX, source_from_bytes
from pipeline.ingest.source import Source, sha256_bytes
from pipeline.web.fetch import Fetcher, FetchError, FetchResult, check_url, normalise_url
from pipeline.web.links import attachment_links
from pipeline.web.sniff import HTML, PDF, TEXT, XML, decode_body, login_reason, sniff

SUFFIX = {HTML: ".html", PDF: ".pdf", DOCX: ".docx", TEXT: ".txt"}
_SLUG_JUNK = regex.compile(r"[^\p{L}\p{N}]+")


@dataclass(frozen=True)
class Seed:
    """A URL to fetch as a document, with what the sources file says of its publisher."""

    url: str
    publisher: str | None = None  # the source's name
    province: str | None = None  # the publisher's province (metadata, not the record's province)


@dataclass
class Fetched:
    """One URL's fetch: what came back, or the reason nothing usable did."""

    url: str
    seed: Seed
    result: FetchResult | None = None
    media_type: str | None = None
    reason: str | None = None
    parent: str | None = None  # the article an attachment hangs on
    attachments: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return self.result is not None and self.result.unchanged


def doc_id_for_url(url: str) -> str:
    """A readable record id: the last path segment without suffix, else the host; the
    query's words are kept (`?id=12`), because portals put the article id there."""
    parts = urlsplit(url)
    segments = [s for s in unquote(parts.path).split("/") if s]
    stem = segments[-1].rsplit(".", 1)[0] if segments else (parts.hostname or "page")
    if stem.lower() in ("index", "default", "view", "detail", "chitiet", "chi-tiet") and len(segments) > 1:
        stem = segments[-2]
    slug = _SLUG_JUNK.sub("-", f"{stem} {unquote(parts.query)}").strip("-")
    return (slug or "page")[:120]


def unique_id(url: str, taken: set[str]) -> str:
    """`doc_id_for_url`, with a short hash of the URL when another URL took that id."""
    base = doc_id_for_url(url)
    doc_id = base if base not in taken else f"{base}-{hashlib.sha256(url.encode()).hexdigest()[:8]}"
    taken.add(doc_id)
    return doc_id


def fetch_metadata(result: FetchResult, seed: Seed, parent: str | None) -> dict[str, str]:
    """What the record says about where its bytes came from (all strings, all optional)."""
    meta = {
        "source_url": result.url,
        "final_url": result.final_url,
        "fetched_at": result.fetched_at,
        "http_status": str(result.status),
        "publisher_host": result.host,
    }
    if seed.publisher:
        meta["publisher"] = seed.publisher
    if seed.province:
        meta["publisher_province"] = seed.province
    if parent:
        meta["attached_to"] = parent
    return meta


def source_from_fetch(result: FetchResult, seed: Seed, doc_id: str, parent: str | None = None,
                      media_type: str | None = None) -> Source:
    """The fetched body as a Source, read as its sniffed type; IngestError/FetchError if not."""
    media_type = media_type or sniff(result.body, result.content_type, result.final_url).media_type
    if media_type == XML:
        raise FetchError("a feed or sitemap, not a document (list it under feeds/sitemaps in a sources file)")
    decoded = None
    if media_type in (HTML, TEXT):
        decoded = decode_body(result.body, result.content_type, html=media_type == HTML)
    if media_type == HTML and decoded is not None and (reason := _login_page(decoded.text)):
        raise FetchError(reason)
    meta = fetch_metadata(result, seed, parent)
    served = sniff_declared(result.content_type)
    if served and served != media_type:
        meta["served_as"] = served
    source = source_from_bytes(result.body, Path(doc_id + SUFFIX[media_type]), media_type=media_type,
                               decoded=decoded, metadata=meta)
    return dataclasses.replace(source, path=result.url)


@dataclass(frozen=True)
class FetchedPage:
    """A fetched document not yet read: what a bounded worker turns into a Source.

    Why not read it here: reading a page (decoding it, parsing its HTML, once for the
    sign-in check and once for its text) costs time and memory that grow with what the
    server sent, so a hostile page must be read where the per-document bounds hold (a
    sandboxed worker, `pipeline.batch.sandbox`), as a file is, not in the process that
    runs the whole watch or batch.  Plain data, so it pickles to the worker; `load` is
    what `pipeline.run.run_one` calls there.
    """

    name: str  # the URL, as a failure names it
    result: FetchResult
    seed: Seed
    doc_id: str
    parent: str | None = None
    media_type: str | None = None
    attachments: tuple[str, ...] = ()

    @cached_property
    def sha256(self) -> str:
        """The body's hash, computed once: a batch asks it of a page (up to the body cap) several
        times (duplicate check, failure row, job)."""
        return sha256_bytes(self.result.body)

    @property
    def size(self) -> int:
        return len(self.result.body)

    def load(self) -> Source:
        """The page read as its sniffed type (`source_from_fetch`); IngestError/FetchError if it cannot be."""
        source = source_from_fetch(self.result, self.seed, self.doc_id, self.parent, self.media_type)
        if self.attachments:
            source.metadata["attachments"] = " ".join(self.attachments)
        return source


_PASSWORD = regex.compile(r"password", regex.IGNORECASE)


def _login_page(markup: str) -> str | None:
    """Why the page is a sign-in page and not an article, or None.

    A sign-in page has a password field (`login_reason`), so a page that never writes the
    word `password` is not one and is not parsed for the check: an article is then parsed
    once, by ingest, instead of twice (a field written with character references,
    `&#112;assword`, is not seen; no portal's sign-in form does that).  Its own function so
    that its parse tree is freed before ingest parses the page again (two trees of a big
    page at once doubled the memory it takes).
    """
    if _PASSWORD.search(markup) is None:
        return None
    check_parse_fits(markup)
    soup = BeautifulSoup(markup, "lxml")
    return login_reason(soup, len(" ".join(soup.get_text(" ").split())))


def sniff_declared(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


class UrlIngest:
    """Fetch seeds concurrently (politeness is the fetcher's), each article with its attachments.

    `keep(result, media_type)` stores the body and returns its sha256.  Attachment links
    are found here, under `memory_mb` (`pipeline.web.links.parsed`); everything else a
    page costs is spent where it is read (`FetchedPage`).
    """

    def __init__(self, fetcher: Fetcher, keep: Callable[[FetchResult, str], str],
                 attachments: bool = True, max_attachments: int = 10, memory_mb: int | None = None) -> None:
        self.fetcher = fetcher
        self.keep = keep
        self.attachments = attachments
        self.max_attachments = max_attachments
        self.memory_mb = memory_mb  # an article too big to parse within it is not searched for attachments
        self.ids: set[str] = set()

    def _fetch_one(self, url: str, seed: Seed, parent: str | None) -> Fetched:
        item = Fetched(url=url, seed=seed, parent=parent)
        try:
            check_url(url)
            item.result = self.fetcher.fetch(url)
            item.media_type = sniff(item.result.body, item.result.content_type, item.result.final_url).media_type
            self.keep(item.result, item.media_type)
        except ChitieuError as exc:
            item.reason = str(exc)
        return item

    def _fetch_with_attachments(self, seed: Seed) -> list[Fetched]:
        """The article, then its attachments.

        An unchanged article (a 304) still has its attachments looked at: one whose last
        fetch failed, or that was never fetched, is fetched now, so an attachment that
        failed once is not lost for as long as its article stays the same.  One fetched
        well before is not asked for again.
        """
        url = normalise_url(seed.url)
        article = self._fetch_one(url, seed, None)
        items = [article]
        if self.attachments and article.result is not None and article.media_type == HTML:
            try:
                decoded = decode_body(article.result.body, article.result.content_type, html=True)
                links = attachment_links(decoded.text, article.result.final_url, self.max_attachments,
                                         self.memory_mb)
            except ChitieuError:  # the page itself fails where it is read, with this reason
                links = []
            article.attachments = [u for u in links if u != url]
            wanted = [u for u in article.attachments if not (article.unchanged and self._fetched_well(u))]
            items += [self._fetch_one(link, seed, url) for link in wanted]
        return items

    def _fetched_well(self, url: str) -> bool:
        """Whether an earlier run kept this URL's bytes (the fetch log has a good fetch of it)."""
        cache = self.fetcher.cache
        return cache is not None and cache.cached(normalise_url(url)) is not None

    def fetch(self, seeds: Iterable[Seed], workers: int) -> Iterator[Fetched]:
        """Every seed's items as they complete (an article before its attachments)."""
        pending = list(seeds)
        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="fetch") as pool:
            futures: set[Future[list[Fetched]]] = set()
            while pending or futures:
                while pending and len(futures) < max(1, workers) * 2:
                    futures.add(pool.submit(self._fetch_with_attachments, pending.pop(0)))
                done, futures = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    yield from future.result()

    def page(self, item: Fetched) -> FetchedPage:
        """The item's fetched bytes as a page to read, with a record id unique in this run.

        Nothing is parsed here: the page is read where its bounds hold (`FetchedPage`).
        Ids are given in the caller's thread, in the order items are settled.
        """
        assert item.result is not None and not item.reason
        return FetchedPage(item.url, item.result, item.seed, unique_id(item.url, self.ids), item.parent,
                           item.media_type, tuple(item.attachments))


def read_url_list(path: Path) -> list[str]:
    """URLs of a list file: one a line; blank lines and `#` comments skipped."""
    urls = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            urls.append(line)
    return urls


def is_url_list(path: Path) -> bool:
    """A `.txt` file whose first entry is an http(s) URL: `chitieu run --input urls.txt`."""
    if not path.is_file() or path.suffix.lower() not in (".txt", ".list", ".urls"):
        return False
    try:
        first = next(iter(read_url_list(path)), "")
    except (OSError, UnicodeDecodeError):
        return False
    return first.lower().startswith(("http://", "https://"))


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))
