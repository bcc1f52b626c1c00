"""Links on a page: an article's attached documents, and a listing page's articles.

Attachments are `.pdf`/`.docx` links on the same site, found after the page's menus,
sidebars and related-news lists are dropped (the ingest's own boilerplate rules), so a
"Văn bản mới" sidebar does not pull in every recent decision of the portal.
"""

from __future__ import annotations

from urllib.parse import unquote, urljoin, urlsplit

import regex
from bs4 import BeautifulSoup

from pipeline.ingest.html import drop_boilerplate
from pipeline.web.fetch import normalise_url

ATTACHMENT_SUFFIXES = (".pdf", ".docx")
MAX_ATTACHMENTS = 10


def same_site(url: str, base: str) -> bool:
    """The same host, or one a subdomain of the other (`vanban.x.gov.vn` and `x.gov.vn`)."""
    a, b = (urlsplit(u).hostname or "" for u in (url, base))
    return bool(a) and (a == b or a.endswith("." + b) or b.endswith("." + a))


def _links(soup: BeautifulSoup, base: str) -> list[str]:
    found: list[str] = []
    for a in soup.find_all("a", href=True):
        href = str(a["href"]).strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = normalise_url(urljoin(base, href))
        if urlsplit(url).scheme in ("http", "https") and url not in found:
            found.append(url)
    return found


def is_attachment(url: str) -> bool:
    """A link to a document file: by the path's suffix, or a file name in the query."""
    parts = urlsplit(url)
    return unquote(parts.path).lower().endswith(ATTACHMENT_SUFFIXES) or any(
        unquote(v).lower().endswith(ATTACHMENT_SUFFIXES) for v in regex.split(r"[&=]", parts.query)
    )


def attachment_links(markup: str, base: str, limit: int = MAX_ATTACHMENTS) -> list[str]:
    """The article's attached `.pdf`/`.docx` files on the same site, in page order."""
    soup = BeautifulSoup(markup, "lxml")
    drop_boilerplate(soup)
    return [u for u in _links(soup, base) if is_attachment(u) and same_site(u, base)][:limit]


def article_links(markup: str, base: str, css: str | None = None, pattern: str | None = None) -> list[str]:
    """Article URLs on a listing page: links under `css` (else all), matching `pattern`."""
    soup = BeautifulSoup(markup, "lxml")
    if css:
        picked = soup.select(css)
        links: list[str] = []
        for node in picked:
            anchors = [node] if node.name == "a" else node.find_all("a", href=True)
            for a in anchors:
                if a.get("href"):
                    url = normalise_url(urljoin(base, str(a["href"]).strip()))
                    if url not in links:
                        links.append(url)
    else:
        links = _links(soup, base)
    wanted = regex.compile(pattern) if pattern else None
    return [u for u in links if same_site(u, base) and u != normalise_url(base)
            and (wanted is None or wanted.search(u))]
