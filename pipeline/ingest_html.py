"""HTML ingest: the article text of a portal or news page, paragraphs kept.

Navigation, scripts, forms and footers are dropped; block elements become line breaks
so that headings and list items stay separate lines for the section parser.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from pipeline.errors import E_HTML_NO_ARTICLE, IngestError

DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "form", "aside",
             "iframe", "svg", "button", "select", "input", "template")
BLOCK_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br",
              "section", "article", "blockquote", "td", "th", "ul", "ol", "table")
# Containers that portals (NukeViet and the like) and news sites use for the body.
ARTICLE_SELECTORS = ("article", "[itemprop=articleBody]", ".news-detail", ".detail-content",
                     ".bodytext", "#news-bodyhtml", ".article-content", ".content-detail",
                     "main")


def _main_node(soup: BeautifulSoup) -> Tag:
    for selector in ARTICLE_SELECTORS:
        node = soup.select_one(selector)
        if node is not None and len(node.get_text(strip=True)) > 200:
            return node
    return soup.body or soup


def html_to_text(markup: str) -> tuple[str, dict[str, str]]:
    """Article text and metadata (title) of an HTML page."""
    soup = BeautifulSoup(markup, "lxml")
    meta: dict[str, str] = {}
    if soup.title and soup.title.string:
        meta["title"] = soup.title.string.strip()
    for tag in soup(DROP_TAGS):
        tag.decompose()
    node = _main_node(soup)
    for tag in node.find_all(BLOCK_TAGS):
        if tag.name == "br":
            tag.replace_with("\n")
        else:
            tag.insert_before("\n")
            tag.insert_after("\n")
    lines = [" ".join(line.split()) for line in node.get_text().split("\n")]
    text = "\n".join(line for line in lines if line)
    if not text.strip():
        raise IngestError(E_HTML_NO_ARTICLE)
    return text, meta
