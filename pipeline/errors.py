"""Every error a user can meet, in one place, each a one-line reason.

Bad input must give `path: reason` on one line and let the rest of a batch carry on,
so ingest raises `IngestError` with a short reason and the CLI prints it with the path.
"""

from __future__ import annotations


class ChitieuError(Exception):
    """Base class of errors that are reported to the user as one line."""


class IngestError(ChitieuError):
    """The file cannot be turned into text (unknown type, empty, binary, unreadable)."""


class BoundError(ChitieuError):
    """The document breaks a per-document bound (pipeline/limits.py): it fails alone."""


class OutputError(ChitieuError):
    """The document's record cannot be written (a full disk, a folder in its place, no permission)."""


E_UNSUPPORTED = "unsupported file type {suffix!r} (expected .txt, .html, .htm, .pdf or .docx)"
E_OLD_WORD = "old Word .doc format is not supported: save it as .docx (or PDF) first"
E_EMPTY = "file is empty"
E_NO_TEXT = "no text found after normalisation"
E_BINARY = "looks like binary data, not text"
E_DECODE = "cannot decode as text (tried UTF-8, UTF-16, Windows-1258, TCVN3 and VNI): {reason}"
E_TOO_LARGE = "file is {size} bytes, over the {limit}-byte limit (raise --max-bytes)"
E_NOT_REGULAR = "not a regular file (a pipe, device or socket): not read"
E_PDF = "cannot read PDF: {reason}"
E_PDF_NOT_PDF = "not a PDF file (no %PDF header)"
E_PDF_TRUNCATED = "PDF is truncated or damaged (no end-of-file marker)"
E_PDF_ENCRYPTED = "PDF is encrypted: it needs a password to open"
E_PDF_SCANNED = "PDF has no text layer (a scan?) and OCR is not available: {reason}; {hint}"
E_PDF_OCR_EMPTY = "PDF has no text layer and OCR found no text on its {pages} page(s)"
E_PDF_OCR_FAILED = "OCR of a scanned page failed: {reason}"
E_DOCX = "not a readable Word .docx file: {reason}"
E_HTML_NO_ARTICLE = "HTML page has no article text (only menus, links or scripts)"
E_HTML_TOO_BIG = ("HTML page of {chars} characters needs about {need} MB of memory to parse, more than the "
                  "per-document memory bound leaves ({left} MB): not read (raise --max-memory)")
E_HTML_TOO_DEEP = "HTML nests elements more than {limit} deep (a malformed or hostile page): not read"
E_DOCX_BOMB = "refused .docx (decompression bomb?): {reason}"
E_PDF_PAGES = "PDF has {pages} pages, over the {limit}-page limit"
E_PDF_BOMB = "PDF streams inflate past {limit} bytes (decompression bomb?): not read"
E_TOO_MANY_TARGETS = "{targets} targets, over the {limit} bound for one document (a phrase repeated without end?)"
E_TIME_BOUND = "took more than {seconds:g} s to extract (the per-document time bound; raise --max-seconds)"
E_MEMORY_BOUND = "needs more than {mb} MB of memory to extract (the per-document memory bound; raise --max-memory)"
E_WORKER_DIED = "its worker process died while extracting it ({how}), twice; out of memory?"
E_WRITE = "cannot write its record {path}: {reason}"
