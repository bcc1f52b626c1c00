"""What a fetched body really is: its media type by content, and its charset.

Servers mislabel: portals serve PDFs as `text/html` or `application/octet-stream`, an
error page as `application/pdf`, a sign-in page with status 200 where the article should
be.  So the bytes decide (magic numbers via `filetype`), the Content-Type header and the
URL's suffix only break ties, and a sign-in page is refused with its own reason.

Charset: the header's, the page's `<meta charset>` (found by bs4's `EncodingDetector`), a
guess by `charset-normalizer`, and chitieu's own Vietnamese-aware readings (UTF-8/16,
Windows-1258, TCVN3, VNI) are all tried; the reading with the most well-formed Vietnamese
wins, a declared one on a tie, because portals declare `iso-8859-1` for UTF-8 pages and
omit the charset of Windows-1258 ones.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from urllib.parse import urlsplit

import filetype
import regex
from bs4 import BeautifulSoup
from bs4.dammit import EncodingDetector
from charset_normalizer import from_bytes

from pipeline.errors import IngestError
from pipeline.ingest.encodings import Decoded, fix_legacy_text, well_formed_share
from pipeline.ingest.html_selectors import LOGIN
from pipeline.ingest.load import DOCX, MEDIA_TYPES
from pipeline.ingest.txt import decode_bytes
from pipeline.web.fetch import FetchError

HTML = "text/html"
XML = "application/xml"
PDF = "application/pdf"
TEXT = "text/plain"
SNIFF_BYTES = 4096
_HTML_START = regex.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|p|table)\b",
                            regex.IGNORECASE | regex.DOTALL)
_HTML_ANY = regex.compile(rb"<(?:html|body)\b", regex.IGNORECASE)
_XML_FEED = regex.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|urlset|sitemapindex|rdf:RDF)\b",
                          regex.IGNORECASE | regex.DOTALL)
_LOGIN_WORDS = regex.compile("|".join(regex.escape(w) for w in LOGIN.title_words), regex.IGNORECASE)


@dataclass(frozen=True)
class Sniffed:
    """The media type chitieu will read the body as, and what the server said."""

    media_type: str
    declared: str  # the Content-Type header's media type ('' if none)

    @property
    def mislabelled(self) -> bool:
        return bool(self.declared) and self.declared != self.media_type and not (
            self.declared in ("text/xml", "application/rss+xml", "application/atom+xml") and self.media_type == XML
        )


def declared_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def declared_charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip(" \"'"):
            return value.strip(" \"'").lower()
    return None


def sniff(body: bytes, content_type: str, url: str) -> Sniffed:
    """The body's media type, by its bytes first; FetchError for what chitieu cannot read."""
    declared = declared_type(content_type)
    kind = filetype.guess(body[:8192])
    if kind is not None:
        if kind.mime == PDF:
            return Sniffed(PDF, declared)
        if kind.extension == "docx":
            return Sniffed(DOCX, declared)
        if kind.extension == "doc":
            raise FetchError("an old Word .doc file (served as "
                             f"{declared or 'no type'}): save it as .docx or PDF to read it")
        if kind.extension == "zip" and b"word/" in body[:65536]:
            return Sniffed(DOCX, declared)
        raise FetchError(f"content is {kind.mime} (served as {declared or 'no type'}), not a document chitieu reads")
    head = body[:SNIFF_BYTES]
    if _XML_FEED.match(head):
        return Sniffed(XML, declared)
    if _HTML_START.match(head) or _HTML_ANY.search(head):
        return Sniffed(HTML, declared)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FetchError(f"binary content of unknown type (served as {declared or 'no type'})")
    if declared in (HTML, "application/xhtml+xml"):
        return Sniffed(HTML, declared)
    suffix = "." + urlsplit(url).path.rsplit(".", 1)[-1].lower() if "." in urlsplit(url).path else ""
    if MEDIA_TYPES.get(suffix) == HTML:
        return Sniffed(HTML, declared)
    return Sniffed(TEXT, declared)


SCORE_SAMPLE = 200_000


def _strict(data: bytes, encoding: str | None) -> Decoded | None:
    """`data` read in a declared or guessed charset, or None when it does not decode."""
    if not encoding:
        return None
    try:
        codec = codecs.lookup(encoding).name
        text = data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return None
    fixed = fix_legacy_text(text)  # a TCVN3/VNI passage pasted into a Unicode page
    return Decoded(fixed.text, codec if fixed.encoding == "utf-8" else fixed.encoding)


def _vietnamese(decoded: Decoded) -> float:
    """Well-formed minus ill-formed Vietnamese words: how right a reading is."""
    share, words = well_formed_share(decoded.text[:SCORE_SAMPLE])
    return words * (2 * share - 1)


def decode_body(data: bytes, content_type: str, html: bool) -> Decoded:
    """The text of a page: declared and guessed charsets, the best Vietnamese reading wins."""
    options: list[Decoded] = []
    header = _strict(data, declared_charset(content_type))
    if header:
        options.append(header)
    if html:
        meta = _strict(data, EncodingDetector.find_declared_encoding(data[:SNIFF_BYTES * 4], is_html=True))
        if meta:
            options.append(meta)
    guess = from_bytes(data[:200_000]).best()
    if guess is not None:
        guessed = _strict(data, guess.encoding)
        if guessed:
            options.append(guessed)
    try:
        options.append(decode_bytes(data))  # chitieu's own UTF-8/16, Windows-1258, TCVN3, VNI reading
    except IngestError:
        pass
    if not options:
        raise FetchError("cannot decode the page as text (no declared, guessed or Vietnamese charset fits)")
    chosen = max(options, key=_vietnamese)  # the first of equals: a declared charset wins a tie
    name = "utf-8" if chosen.encoding in ("utf_8", "utf-8") else chosen.encoding
    return Decoded(chosen.text, name)


def login_reason(soup: BeautifulSoup, article_chars: int) -> str | None:
    """A sign-in page where an article should be: a password field and little text, or a
    title that says so."""
    title = " ".join((soup.title.get_text(" ") if soup.title else "").split())
    has_password = soup.select_one("input[type=password]") is not None
    if has_password and (article_chars < LOGIN.max_article_chars or _LOGIN_WORDS.search(title)):
        return "a sign-in page, not an article (the site asks for a login)"
    return None
