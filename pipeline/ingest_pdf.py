"""PDF ingest with pdfplumber: the text layer, page by page, in reading order.

A PDF with no text layer is refused with a reason rather than stored as an empty record.
"""

from __future__ import annotations

import io

import pdfplumber

from pipeline.errors import E_PDF, E_PDF_SCANNED, IngestError


def pdf_to_text(data: bytes) -> str:
    """Concatenate the pages' text; raise IngestError for unreadable or scanned PDFs."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        raise IngestError(E_PDF.format(reason=type(exc).__name__ + ": " + str(exc)[:120])) from exc
    text = "\n".join(p for p in pages if p.strip())
    if not text.strip():
        raise IngestError(E_PDF_SCANNED)
    return text
