"""Article URLs from RSS/Atom feeds (feedparser) and sitemaps (ultimate-sitemap-parser).

Both parse bytes the polite fetcher already fetched: feedparser is never handed a URL
(it would fetch with its own client, past robots.txt and the per-host limit), and the
sitemap parser reads a fetched document with `sitemap_from_str`; an index's child
sitemaps are fetched by the caller, the same way.  Each URL is kept once, in order, by a
dict, so a sitemap of 50,000 URLs costs no more than its parse.
"""

from __future__ import annotations

import feedparser
from usp.objects.sitemap import AbstractIndexSitemap, InvalidSitemap
from usp.tree import sitemap_from_str

from pipeline.web.fetch import normalise_url


def feed_links(data: bytes) -> list[str]:
    """Entry links of an RSS or Atom feed, in feed order (newest first on portals)."""
    parsed = feedparser.parse(data)
    return list(dict.fromkeys(normalise_url(str(link)) for entry in parsed.entries if (link := entry.get("link"))))


def sitemap_links(text: str) -> tuple[list[str], list[str]]:
    """(page URLs, child sitemap URLs) of a sitemap or sitemap index; newest first when dated."""
    sitemap = sitemap_from_str(text)
    children: list[str] = []
    if isinstance(sitemap, AbstractIndexSitemap):
        children = [s.url for s in sitemap.sub_sitemaps if isinstance(s, InvalidSitemap) or s.url]
    pages = list(sitemap.all_pages())
    pages.sort(key=lambda p: p.last_modified.timestamp() if p.last_modified else 0.0, reverse=True)
    return list(dict.fromkeys(normalise_url(page.url) for page in pages)), children  # each once: linear
