"""Links on a page: an article's attached documents, and a listing page's articles.

Attachments are `.pdf`/`.docx` links on the same site, found after the page's menus,
sidebars and related-news lists are dropped (the ingest's own boilerplate rules), so a
"Văn bản mới" sidebar does not pull in every recent decision of the portal.

Links are looked for in the process that runs the whole watch or batch (they decide what
to fetch next), not in a sandboxed worker, so that parse is bounded here: a page whose
tree would not fit one document's memory bound (`--max-memory`, at bs4's measured
`HTML_TREE_BYTES_PER_CHAR`) is refused before parsing, and one page is parsed at a time,
so the fetch threads' trees never add up.  Its time is linear in the markup (a 5 MB page:
about 3 s; 100,000 nested elements: 2 s).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import unquote, urljoin, urlsplit

import regex
from bs4 import BeautifulSoup

from pipeline.errors import E_HTML_TOO_BIG
from pipeline.ingest.budget import MB
from pipeline.ingest.html import drop_boilerplate
from pipeline.limits import HTML_TREE_BYTES_PER_CHAR
from pipeline.web.fetch import FetchError, normalise_url

ATTACHMENT_SUFFIXES = (".pdf", ".docx")
MAX_ATTACHMENTS = 10


def same_site(url: str, base: str) -> bool:
    """The same host, or one a subdomain of the other (`vanban.x.gov.vn` and `x.gov.vn`)."""
    a, b = (urlsplit(u).hostname or "" for u in (url, base))
    return bool(a) and (a == b or a.endswith("." + b) or b.endswith("." + a))


def _links(soup: BeautifulSoup, base: str) -> list[str]:
    found: dict[str, None] = {}  # in page order, each once (a dict: a page of 100,000 links stays linear)
    for a in soup.find_all("a", href=True):
        href = str(a["href"]).strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = normalise_url(urljoin(base, href))
        if urlsplit(url).scheme in ("http", "https"):
            found[url] = None
    return list(found)


def is_attachment(url: str) -> bool:
    """A link to a document file: by the path's suffix, or a file name in the query."""
    parts = urlsplit(url)
    return unquote(parts.path).lower().endswith(ATTACHMENT_SUFFIXES) or any(
        unquote(v).lower().endswith(ATTACHMENT_SUFFIXES) for v in regex.split(r"[&=]", parts.query)
    )


_ONE_PAGE = threading.Lock()


@contextmanager
def parsed(markup: str, memory_mb: int | None) -> Iterator[BeautifulSoup]:
    """The page's tree, for one page at a time, if it fits `memory_mb`; FetchError (one line) if not.

    The tree is taken apart afterwards: bs4's nodes point at each other, so without that
    a big page's tree would wait for the cycle collector.
    """
    need = len(markup) * HTML_TREE_BYTES_PER_CHAR
    if memory_mb is not None and need > memory_mb * MB:
        raise FetchError(E_HTML_TOO_BIG.format(chars=len(markup), need=need // MB, left=memory_mb))
    with _ONE_PAGE:
        soup = BeautifulSoup(markup, "lxml")
        try:
            yield soup
        finally:
            soup.decompose()


def attachment_links(markup: str, base: str, limit: int = MAX_ATTACHMENTS, memory_mb: int | None = None) -> list[str]:
    """The article's attached `.pdf`/`.docx` files on the same site, in page order."""
    with parsed(markup, memory_mb) as soup:
        drop_boilerplate(soup)
        return [u for u in _links(soup, base) if is_attachment(u) and same_site(u, base)][:limit]


def article_links(markup: str, base: str, css: str | None = None, pattern: str | None = None,
                  memory_mb: int | None = None) -> list[str]:
    """Article URLs on a listing page: links under `css` (else all), matching `pattern`."""
    with parsed(markup, memory_mb) as soup:
        return _article_links(soup, base, css, pattern)


def _article_links(soup: BeautifulSoup, base: str, css: str | None, pattern: str | None) -> list[str]:
    if css:
        picked: dict[str, None] = {}
        for node in soup.select(css):
            anchors = [node] if node.name == "a" else node.find_all("a", href=True)
            for a in anchors:
                if a.get("href"):
                    picked[normalise_url(urljoin(base, str(a["href"]).strip()))] = None
        links = list(picked)
    else:
        links = _links(soup, base)
    wanted = regex.compile(pattern) if pattern else None
    return [u for u in links if same_site(u, base) and u != normalise_url(base)
            and (wanted is None or wanted.search(u))]
