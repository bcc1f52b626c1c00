"""PDF ingest with pdfplumber: words with positions, tables, and OCR for scanned pages.

Each page becomes positioned lines (tables become sentences, see `pipeline.ingest.tables`);
`pipeline.ingest.pdf_layout` then drops running headers and page numbers, reads the official
two-column header column by column and re-joins wrapped lines into paragraphs.  A
page with no text but an image is a scan: it is read with Tesseract when available,
and otherwise the file fails with the reason rather than becoming an empty record.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
from pdfminer.pdftypes import resolve1

from pipeline.errors import (
    E_PDF,
    E_PDF_BOMB,
    E_PDF_ENCRYPTED,
    E_PDF_NOT_PDF,
    E_PDF_OCR_EMPTY,
    E_PDF_OCR_FAILED,
    E_PDF_PAGES,
    E_PDF_SCANNED,
    E_PDF_TRUNCATED,
    IngestError,
)
from pipeline.ingest.ocr import DPI, INSTALL_HINT, ocr_unavailable, ocr_words
from pipeline.ingest.pdf_bounds import InflationBomb, inflation_budget
from pipeline.ingest.pdf_layout import (
    Line,
    Page,
    Word,
    drop_running_lines,
    group_lines,
    paragraphs,
    reorder_header_columns,
)
from pipeline.ingest.tables import heading_rows, table_lines
from pipeline.limits import MAX_INFLATED, MAX_PDF_PAGES

# pdfminer logs a WARNING for every repair it makes to a damaged file, with no file name;
# what matters reaches the user as the one-line reason of the failure instead.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

# The end-of-file marker must sit this close to the end (some writers add a few bytes after it).
EOF_WINDOW = 2048
# Table settings: ruled tables only; borderless layouts (the official header) stay text.
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


@dataclass
class PdfText:
    """What a PDF yielded: paragraphs, and which pages needed OCR or could not be read."""

    paragraphs: list[str]
    ocr_pages: list[int] = field(default_factory=list)
    scanned_unread: list[int] = field(default_factory=list)


def check_container(data: bytes) -> None:
    """Refuse what is not a whole PDF before pdfminer tries to repair it."""
    if b"%PDF-" not in data[:1024]:
        raise IngestError(E_PDF_NOT_PDF)
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise IngestError(E_PDF_TRUNCATED)


def _words(page: Any) -> list[Word]:
    return [
        Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]))
        for w in page.extract_words(keep_blank_chars=False, use_text_flow=False)
    ]


def _inside(word: Word, bbox: Sequence[float]) -> bool:
    cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]


@dataclass
class _TableCarry:
    """The headings of the last table, for a table that continues on the next page."""

    headings: list[list[str | None]] = field(default_factory=list)
    width: int = 0


def _table_rows(table: Any, carry: _TableCarry) -> list[list[str | None]]:
    """A table's rows; a continuation without headings borrows the previous table's."""
    rows = [[(c or "").replace("\n", " ") for c in row] for row in table.extract()]
    width = max((len(r) for r in rows), default=0)
    n_head = heading_rows(rows)
    if n_head == 0 and carry.headings and width == carry.width:
        rows = [*carry.headings, *rows]
    elif n_head:
        carry.headings, carry.width = [list(r) for r in rows[:n_head]], width
    return rows


def _text_page(page: Any, number: int, carry: _TableCarry) -> Page:
    """A born-digital page: its words as lines, each ruled table as sentence lines."""
    tables = page.find_tables(TABLE_SETTINGS)
    boxes = [t.bbox for t in tables]
    words = [w for w in _words(page) if not any(_inside(w, b) for b in boxes)]
    lines = group_lines(words, number)
    for table in tables:
        for i, text in enumerate(table_lines(_table_rows(table, carry))):
            lines.append(Line([], number, fixed=text, top_=float(table.bbox[1]) + i * 1e-3))
    lines.sort(key=lambda ln: ln.top)
    return Page(number, float(page.width), float(page.height), lines)


def _ocr_page(page: Any, number: int) -> Page:
    try:
        image = page.to_image(resolution=DPI).original
        words = ocr_words(image, DPI)
    except Exception as exc:
        raise IngestError(E_PDF_OCR_FAILED.format(reason=f"{type(exc).__name__}: {str(exc)[:120]}")) from exc
    return Page(number, float(page.width), float(page.height), group_lines(words, number))


def _is_scan(page: Any) -> bool:
    return not page.chars and bool(page.images)


def _open_error(exc: Exception) -> IngestError:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    name = type(inner).__name__
    if "Password" in name or "Encrypt" in name:
        return IngestError(E_PDF_ENCRYPTED)
    if name in {"PSEOF", "PDFSyntaxError"}:
        return IngestError(E_PDF_TRUNCATED)
    return IngestError(E_PDF.format(reason=f"{name}: {str(inner)[:120]}"))


def _page_count(pdf: Any) -> int:
    """Pages the document's page tree declares, read without building a page object."""
    try:
        return int(resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"]))
    except Exception:  # noqa: BLE001  a damaged tree: count the pages pdfplumber finds
        return len(pdf.pages)


def read_pdf(data: bytes, max_pages: int = MAX_PDF_PAGES, max_inflated: int = MAX_INFLATED) -> PdfText:
    """Paragraphs of a PDF in reading order; IngestError for what cannot be read.

    The page count is checked before any page is parsed, and the streams' inflated bytes
    are counted as pdfminer inflates them (see `pipeline.ingest.pdf_bounds`).
    """
    check_container(data)
    pages: list[Page] = []
    scans: list[int] = []
    ocr_pages: list[int] = []
    try:
        with inflation_budget(max_inflated), pdfplumber.open(io.BytesIO(data)) as pdf:
            declared = _page_count(pdf)
            if declared > max_pages:
                raise IngestError(E_PDF_PAGES.format(pages=declared, limit=max_pages))
            carry = _TableCarry()
            n_pages = len(pdf.pages)
            scan_numbers = [p.page_number for p in pdf.pages if _is_scan(p)]
            use_ocr = bool(scan_numbers) and ocr_unavailable() is None
            for page in pdf.pages:
                if page.page_number in scan_numbers:
                    scans.append(page.page_number)
                    if use_ocr:
                        pages.append(_ocr_page(page, page.page_number))
                        ocr_pages.append(page.page_number)
                    continue
                pages.append(_text_page(page, page.page_number, carry))
    except IngestError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        if isinstance(exc, InflationBomb) or (exc.args and isinstance(exc.args[0], InflationBomb)):
            raise IngestError(E_PDF_BOMB.format(limit=max_inflated)) from exc
        raise _open_error(exc) from exc
    if scans and not ocr_pages and 2 * len(scans) >= n_pages:
        raise IngestError(E_PDF_SCANNED.format(reason=ocr_unavailable(), hint=INSTALL_HINT))
    pages = drop_running_lines(pages)
    if pages:
        pages[0] = Page(pages[0].number, pages[0].width, pages[0].height, reorder_header_columns(pages[0]))
    paras = paragraphs(pages)
    if not paras and ocr_pages:
        raise IngestError(E_PDF_OCR_EMPTY.format(pages=len(ocr_pages)))
    unread = [n for n in scans if n not in ocr_pages]
    return PdfText(paras, ocr_pages, unread)


def pdf_to_text(data: bytes) -> tuple[str, dict[str, str]]:
    """The text of a PDF and what the reader should know about it (OCR'd pages)."""
    result = read_pdf(data)
    meta: dict[str, str] = {}
    if result.ocr_pages:
        meta["ocr_pages"] = ",".join(map(str, result.ocr_pages))
    if result.scanned_unread:
        meta["scanned_pages_not_read"] = ",".join(map(str, result.scanned_unread))
    return "\n".join(result.paragraphs), meta
