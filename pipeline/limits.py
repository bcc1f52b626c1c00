"""The bounds on one document's work, in one place (README, "Reliability").

A batch of thousands of documents must finish whatever one of them holds, so each
document is bounded before and while it is read: its size on disk, what its container
may inflate to, its pages, the time and memory its extraction may take, the targets it
may yield and the length of the sentence stored with each.  A document that breaks a
bound fails alone, with its name and the bound in its reason; the rest of the batch
carries on.  The defaults are far above what real plans need (the largest corpus plan is
under 1 MB, 60 pages and 200 targets) and far below what would hurt a 2-core machine.
"""

from __future__ import annotations

from typing import Final

from extractors.structure import MAX_SENTENCE_CHARS

MAX_BYTES: Final = 50 * 1024 * 1024  # a file, or a zip member, as stored (`--max-bytes`)
MAX_INFLATED: Final = 200 * 1024 * 1024  # a PDF's or .docx's decompressed streams, summed
MAX_RATIO: Final = 200.0  # inflated / compressed, for parts over RATIO_FLOOR (text deflates ~4:1)
RATIO_FLOOR: Final = 1 << 20  # small parts may compress well without harm
MAX_PDF_PAGES: Final = 2_000  # pages of one PDF
MAX_HTML_DEPTH: Final = 256  # elements nested inside each other in one HTML page
HTML_TREE_BYTES_PER_CHAR: Final = 36  # memory an HTML page's parse takes per character of markup (measured 39-41)
MAX_TARGETS: Final = 5_000  # targets of one document (a plan has tens to a few hundred)
MAX_SECONDS: Final = 300.0  # wall time to read and extract one document (`--max-seconds`)
MAX_MEMORY_MB: Final = 1_024  # memory one document may add to its worker (`--max-memory`)

__all__ = [
           "HTML_TREE_BYTES_PER_CHAR",
           "MAX_BYTES",
           "MAX_HTML_DEPTH",
           "MAX_INFLATED",
           "MAX_MEMORY_MB",
           "MAX_PDF_PAGES",
           "MAX_RATIO",
           "MAX_SECONDS",
           "MAX_SENTENCE_CHARS",
           "MAX_TARGETS",
           "RATIO_FLOOR",
]
