"""Every error a user can meet, in one place, each a one-line reason.

Bad input must give `path: reason` on one line and let the rest of a batch carry on,
so ingest raises `IngestError` with a short reason and the CLI prints it with the path.
"""

from __future__ import annotations


class ChitieuError(Exception):
    """Base class of errors that are reported to the user as one line."""


class IngestError(ChitieuError):
    """The file cannot be turned into text (unknown type, empty, binary, unreadable)."""


E_UNSUPPORTED = "unsupported file type {suffix!r} (expected .txt, .html, .htm or .pdf)"
E_EMPTY = "file is empty"
E_NO_TEXT = "no text found after normalisation"
E_BINARY = "looks like binary data, not text"
E_DECODE = "cannot decode as text (tried UTF-8, UTF-16 and Windows-1258)"
E_TOO_LARGE = "file is {size} bytes, over the {limit}-byte limit (raise --max-bytes)"
E_PDF = "cannot read PDF: {reason}"
E_PDF_SCANNED = (
    "PDF has no text layer (a scan?); OCR is not available in this version"
)
E_HTML_NO_ARTICLE = "HTML page has no article text"
