"""HTML ingest: the article of a portal or news page, paragraphs kept, chrome dropped.

The article is found by the portals' own containers (`pipeline.ingest.html_selectors`), or,
on pages without them (old table layouts, `<br>`-separated text), as the block with
the most text outside links.  Menus, breadcrumbs, related-news lists, rating boxes,
counters, footers, forms and scripts are removed by element and then by line, and the
article ends at a heading such as "Tin liên quan".  Block elements and `<br>` become
line breaks so headings and list items stay lines for the section parser.  The title
opens the text (as in a saved article); title and published date are metadata.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import regex
from bs4 import BeautifulSoup, NavigableString, Tag

from pipeline.errors import E_HTML_NO_ARTICLE, E_HTML_TOO_BIG, E_HTML_TOO_DEEP, IngestError
from pipeline.ingest.budget import MB, memory_left
from pipeline.ingest.encodings import UTF8, fix_legacy_text
from pipeline.ingest.html_selectors import (
    BOILERPLATE,
    DOC_TABLE,
    DROP_CLASS_PARTS,
    DROP_CLASS_WORDS,
    DROP_TAGS,
    SELECTORS,
)
from pipeline.limits import HTML_TREE_BYTES_PER_CHAR, MAX_HTML_DEPTH

BLOCK_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "section",
              "article", "blockquote", "ul", "ol", "table", "dd", "dt", "figcaption", "header",
              "main", "pre", "center", "caption")
PARAGRAPH_TAGS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "dt", "pre",
                            "figcaption", "caption", "span", "font", "b", "strong", "i", "em", "u"})
# Text outside links, in characters, below which a block is not an article: for a
# container the page itself marks as the article, and for a block found by density.
MIN_MARKED_CHARS = 20
MIN_ARTICLE_CHARS = 200
# A block holding more than this share of the page's text is never dropped as boilerplate.
KEEP_SHARE = 0.4

_TAIL = frozenset(BOILERPLATE.tail_headings)
_LINE_DROP = regex.compile("|".join(f"(?:{p})" for p in BOILERPLATE.line_patterns), regex.IGNORECASE)
_CLASS_PART = regex.compile("|".join(regex.escape(p) for p in DROP_CLASS_PARTS), regex.IGNORECASE)
_CLASS_WORD = regex.compile(
    r"(?:^|[-_\s])(?:" + "|".join(DROP_CLASS_WORDS) + r")(?:$|[-_\s\d])", regex.IGNORECASE
)
_HIDDEN = regex.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", regex.IGNORECASE)
_DATE_NUM = regex.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d\d)(?!\d)")
_DATE_WORDS = regex.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d\d)", regex.IGNORECASE)
_DATE_ISO = regex.compile(r"((?:19|20)\d\d)-(\d\d)-(\d\d)")
_TITLE_SUFFIX = regex.compile(r"\s+[-|–—:]\s+[^-|–—]{3,80}$")
_CUT = regex.compile(r"\s*(?:\.{3,}|…)\s*$")
WEAK_TITLES = ("title", "meta[property='og:title']")  # often cut and suffixed with the site's name
_DOC_LABELS = frozenset(DOC_TABLE.labels)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _iso(d: str, m: str, y: str) -> str | None:
    try:
        return dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """The first date in `text` as YYYY-MM-DD (ISO, `dd/mm/yyyy`, `ngày d tháng m năm y`)."""
    if m := _DATE_ISO.search(text):
        return _iso(m[3], m[2], m[1])
    if m := _DATE_WORDS.search(text) or _DATE_NUM.search(text):
        return _iso(m[1], m[2], m[3])
    return None


def _title_text(node: Tag, selector: str) -> str:
    text = _flat(str(node.get("content") or "") if node.name == "meta" else node.get_text(" "))
    if selector != "title" or _CUT.search(text):  # a title cut at its end carries no site suffix
        return text
    return _TITLE_SUFFIX.sub("", text)


def _cut_stem(title: str) -> str:
    """A title without the ellipsis a portal put where it cut it."""
    return _CUT.sub("", title)


def page_title(soup: BeautifulSoup) -> tuple[str | None, bool]:
    """The headline, and whether it is only a weak one (`<title>` or og:title, which portals
    cut and suffix with the site's name).

    A weak title gives way to the page's own headline element (h1, the portal's title
    class) when that headline is the same title in full: it starts with the weak title's
    text or contains it.  Otherwise the selectors' order decides (an h1 may be the logo).
    """
    found: list[tuple[str, str]] = []
    for selector in SELECTORS.title:
        node = soup.select_one(selector)
        if node is None:
            continue
        text = _title_text(node, selector)
        if len(text) >= 20 or (len(text) >= 8 and selector != "title"):
            found.append((selector, text))
    if not found:
        return None, False
    selector, text = found[0]
    if selector in WEAK_TITLES:
        stem = _cut_stem(text).casefold()
        for other, full in found[1:]:
            if other not in WEAK_TITLES and len(full) > len(stem) and (
                full.casefold().startswith(stem) or stem in full.casefold()
            ):
                return full, False
        cut = bool(_CUT.search(text))
        if cut and (whole := _full_headline(soup, stem)):
            return whole, False
        return (_cut_stem(text) if cut else text), selector == "title" or cut
    return text, False


def _full_headline(soup: BeautifulSoup, stem: str) -> str | None:
    """The shortest element text (a bold line, a heading) that a weak title was cut from."""
    best: str | None = None
    for node in soup.find_all(["h2", "h3", "h4", "p", "strong", "b"]):
        text = _flat(node.get_text(" "))
        if len(stem) < len(text) <= 250 and text.casefold().startswith(stem) and (best is None or len(text) < len(best)):
            best = text
    return best


def _label(cell: str) -> str:
    return _flat(cell).strip(" :.").casefold()


def document_table_lines(soup: BeautifulSoup) -> list[str]:
    """The "văn bản" metadata table as `Label: value` lines, and the table removed.

    Legal-document pages show `Số ký hiệu | 12/KH-UBND`, `Ngày ban hành | 05/03/2026`,
    `Cơ quan ban hành`, `Trích yếu` … as a two-column table (or a `<dl>`) beside the text;
    cell by cell it would come out as separate lines the document-field extractor cannot
    pair.  The first table with at least `DOC_TABLE.min_rows` known labels is read.
    """
    for table in soup.find_all(["table", "dl"]):
        rows: list[tuple[str, str]] = []
        if table.name == "dl":
            for dt_tag in table.find_all("dt"):
                dd = dt_tag.find_next_sibling("dd")
                if dd is not None:
                    rows.append((_flat(dt_tag.get_text(" ")), _flat(dd.get_text(" "))))
        else:
            for tr in table.find_all("tr"):
                cells = [_flat(c.get_text(" ")) for c in tr.find_all(["td", "th"], recursive=False)]
                for i in range(0, len(cells) - 1, 2):  # label | value, sometimes two pairs a row
                    rows.append((cells[i], cells[i + 1]))
        known = [(label.strip(" :"), value) for label, value in rows
                 if _label(label) in _DOC_LABELS and value.strip()]
        if len(known) >= DOC_TABLE.min_rows:
            table.decompose()
            return [f"{label}: {value}" for label, value in known]
    return []


def _headline(line: str) -> bool:
    """A first line that reads as a headline: short, not a finished sentence."""
    return 15 <= len(line) <= 250 and not line.rstrip().endswith((".", ";", ":"))


def _date_after_title(soup: BeautifulSoup) -> str | None:
    """A dateline just after the h1 (within its block), before any other list of dates."""
    h1 = soup.find("h1")
    if h1 is None:
        return None
    for block in (h1.parent, h1.parent.parent if h1.parent else None):
        if not isinstance(block, Tag):
            continue
        text = _flat(block.get_text(" "))
        title = _flat(h1.get_text(" "))
        at = text.find(title)
        if at >= 0 and (date := parse_date(text[at + len(title) : at + len(title) + 120])):
            return date
    return None


def published(soup: BeautifulSoup) -> str | None:
    """The published date from meta tags, `<time>`, or a dateline near the title."""
    for selector in SELECTORS.date_meta:
        for node in soup.select(selector):
            value = str(node.get("content") or node.get("datetime") or node.get_text(" "))
            if date := parse_date(value):
                return date
    if date := _date_after_title(soup):
        return date
    for selector in SELECTORS.date_text:
        for node in soup.select(selector)[:5]:
            text = _flat(node.get_text(" "))
            if len(text) <= 80 and (date := parse_date(text)):
                return date
    return None


def lead_text(soup: BeautifulSoup) -> str | None:
    """The sapo (bold lead paragraph) that many portals keep outside the body container."""
    for selector in SELECTORS.lead:
        node = soup.select_one(selector)
        if node is not None and len(text := _flat(node.get_text(" "))) >= 20:
            return text
    return None


def _text_len(node: Tag) -> int:
    return len(_flat(node.get_text(" ")))


def _link_free_len(node: Tag) -> int:
    total = _text_len(node)
    links = sum(len(_flat(a.get_text(" "))) for a in node.find_all("a"))
    return total - links


def _is_boilerplate(tag: Tag) -> bool:
    if tag.name in ("html", "body") or tag.attrs is None:
        return False
    if _HIDDEN.search(str(tag.get("style") or "")) or tag.has_attr("hidden"):
        return True
    names = " ".join([*(tag.get("class") or []), str(tag.get("id") or "")])
    return bool(names.strip()) and bool(_CLASS_PART.search(names) or _CLASS_WORD.search(names))


def _gone(tag: Tag) -> bool:
    """Whether `tag` was decomposed, in constant time.

    bs4's own `Tag.decomposed` looks up `_decomposed`, which a live tag lacks, so the
    lookup falls through to `Tag.__getattr__`, a search of the whole subtree for a child
    tag of that name: 100,000 nested `<div>`s took half an hour that way.
    """
    return bool(vars(tag).get("_decomposed", False))


def drop_boilerplate(soup: BeautifulSoup) -> None:
    """Remove non-article elements, never one that holds most of the page's text."""
    page_len = max(1, _text_len(soup))
    for tag in soup(DROP_TAGS):
        if not _gone(tag) and _text_len(tag) <= KEEP_SHARE * page_len:
            tag.decompose()
    for form in soup("form"):  # ASP.NET portals wrap the whole page in one <form>
        if _gone(form):
            continue
        if _text_len(form) > KEEP_SHARE * page_len:
            form.unwrap()
        else:
            form.decompose()
    for header in soup("header"):
        if not _gone(header) and header.find_parent(["article", "main"]) is None:
            header.decompose()
    for tag in soup.find_all(True):
        if not _gone(tag) and _is_boilerplate(tag) and _text_len(tag) <= KEEP_SHARE * page_len:
            tag.decompose()


def _densest(soup: BeautifulSoup) -> Tag | None:
    """The block whose paragraphs hold the most text outside links (readability-style)."""
    scores: dict[int, float] = defaultdict(float)
    nodes: dict[int, Tag] = {}
    for string in soup.find_all(string=True):
        if not isinstance(string, NavigableString) or string.find_parent("a") is not None:
            continue
        n = len(_flat(str(string)))
        if n == 0:
            continue
        block = string.parent
        while block is not None and block.name in PARAGRAPH_TAGS:
            block = block.parent
        if block is None or not isinstance(block, Tag):
            continue
        for weight, node in ((1.0, block), (0.5, block.parent)):
            if isinstance(node, Tag) and node.name not in ("[document]", "html"):
                scores[id(node)] += weight * n
                nodes[id(node)] = node
    if not scores:
        return None
    best = max(scores, key=lambda k: scores[k])
    return nodes[best]


def _one_article(found: list[Tag]) -> tuple[Tag | None, list[Tag]]:
    """The article among a selector's matches, or the teasers of a listing page."""
    sizes = sorted(((_link_free_len(n), i) for i, n in enumerate(found)), reverse=True)
    sizes = [(size, i) for size, i in sizes if size >= MIN_MARKED_CHARS]
    if not sizes:
        return None, []
    if len(sizes) >= 3 and sizes[0][0] < 3 * sizes[1][0]:
        return None, [found[i] for _, i in sizes]
    return found[sizes[0][1]], []


def main_node(soup: BeautifulSoup) -> Tag | None:
    """The article container: the first selector marking one article, else the densest block.

    A block that holds three or more teasers of a listing (a category page's `<article>`
    items) is not an article.
    """
    teasers: list[Tag] = []
    for selector in SELECTORS.article:
        node, listed = _one_article(soup.select(selector))
        if node is not None:
            return node
        teasers = teasers or listed
    node = _densest(soup)
    if node is None or _link_free_len(node) < MIN_ARTICLE_CHARS:
        return None
    if sum(1 for t in teasers if t is node or node in t.parents or t in node.parents) >= 3:
        return None
    return node


def node_lines(node: Tag) -> list[str]:
    """The node's text with block elements and `<br>` as line breaks, spaces collapsed.

    Each break goes inside its element, as its first (and last) child, not beside it: the
    text is the same, and bs4's `insert_before`/`insert_after`/`replace_with` look the
    element up among all its siblings, which made an article of 30,000 paragraphs take
    time with the square of their number (4 MB of HTML: 208 s; now linear).
    """
    for tag in node.find_all(["br", *BLOCK_TAGS]):
        tag.insert(0, "\n")
        if tag.name != "br":
            tag.append("\n")
    return [_flat(line) for line in node.get_text().split("\n") if line.strip()]


def clean_lines(lines: list[str]) -> list[str]:
    """Drop boilerplate lines; stop at the first related-news or comments heading."""
    out = []
    for line in lines:
        key = line.strip(" :.-–—»›>").casefold()
        if key in _TAIL:
            break
        if _LINE_DROP.match(line):
            continue
        out.append(line)
    return out


def nesting_depth(soup: BeautifulSoup, limit: int = MAX_HTML_DEPTH) -> int:
    """How deep elements nest, counted without recursion and stopping past `limit`.

    CSS selection and text lookups walk an element's ancestors, so their cost grows with
    the nesting depth: a page of 100,000 nested `<div>`s took minutes per selector.  Real
    pages nest a few dozen deep, so a deeper page is refused before any selector runs.
    """
    deepest = 0
    stack: list[tuple[Tag, int]] = [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth + 1) for child in node.contents if isinstance(child, Tag))
    return deepest


def check_parse_fits(markup: str) -> None:
    """Refuse, before parsing, a page whose tree would not fit the memory bound (trial row 12).

    bs4 keeps about `HTML_TREE_BYTES_PER_CHAR` bytes per character of markup (a 40 MB
    article: 1.4 GB), so under the default 1,024 MB bound such a page ran for a minute and
    then failed on the bound; it is now refused at once with what it would need.  The
    estimate is on the low side for real pages: one that passes may still meet the bound.
    """
    left = memory_left()
    need = len(markup) * HTML_TREE_BYTES_PER_CHAR
    if left is not None and need > left:
        raise IngestError(E_HTML_TOO_BIG.format(chars=len(markup), need=need // MB, left=left // MB))


def html_to_text(markup: str) -> tuple[str, dict[str, str]]:
    """Article text and metadata (title, published date) of an HTML page."""
    check_parse_fits(markup)
    soup = BeautifulSoup(markup, "lxml")
    if nesting_depth(soup) > MAX_HTML_DEPTH:
        raise IngestError(E_HTML_TOO_DEEP.format(limit=MAX_HTML_DEPTH))
    meta: dict[str, str] = {}
    title, from_title_tag = page_title(soup)
    date = published(soup)
    lead = lead_text(soup)
    doc_lines = document_table_lines(soup)
    drop_boilerplate(soup)
    node = main_node(soup)
    if node is None:
        raise IngestError(E_HTML_NO_ARTICLE)
    lines = clean_lines(node_lines(node))
    if title is None or (from_title_tag and lines and _headline(lines[0])):
        title = lines[0] if lines and _headline(lines[0]) else title  # old pages: a bold first line
    if title and from_title_tag:  # a cut <title>: the line it was cut from is the headline
        stem = _flat(title).casefold()
        title = next((line for line in lines[:3] if line.casefold().startswith(stem)), title)
    date = date or next((d for line in lines[:4] if len(line) <= 60 and (d := parse_date(line))), None)
    body = "\n".join(lines)
    if lead and _flat(lead) not in _flat(body):
        lines.insert(0, lead)
    lines[0:0] = [line for line in doc_lines if _flat(line) not in _flat(body)]
    if title and not any(_flat(title) in line for line in lines[:3]):
        lines.insert(0, title)
    if title:
        meta["title"] = title
    if date:
        meta["published"] = date
    fixed = [fix_legacy_text(line) for line in lines]
    if any(f.encoding != UTF8 for f in fixed):
        meta["encoding"] = next(f.encoding for f in fixed if f.encoding != UTF8)
    text = "\n".join(f.text for f in fixed)
    if sum(len(line) for line in lines if line != title) < MIN_MARKED_CHARS:
        raise IngestError(E_HTML_NO_ARTICLE)
    return text, meta
