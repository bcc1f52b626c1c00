"""OCR of scanned pages with Tesseract's Vietnamese model, when it is installed.

OCR is optional (`pip install 'chitieu[ocr]'` plus Debian's `tesseract-ocr` and
`tesseract-ocr-vie`), so availability is checked at run time and a missing piece is
named in the error: a scan must never become an empty record reported as success.
Words come back with their boxes (in PDF points) so that scanned pages go through the
same layout rules as born-digital ones.
"""

from __future__ import annotations

import functools
from typing import Any

from pipeline.ingest.pdf_layout import Word

LANGUAGE = "vie"
DPI = 300
INSTALL_HINT = (
    "install it with `apt-get install tesseract-ocr tesseract-ocr-vie` "
    "and `pip install 'chitieu[ocr]'`"
)


@functools.cache
def ocr_unavailable() -> str | None:
    """None when Vietnamese OCR works here, else what is missing."""
    try:
        import pytesseract
    except ImportError:
        return "the pytesseract package is not installed"
    try:
        pytesseract.get_tesseract_version()
    except Exception:  # noqa: BLE001  TesseractNotFoundError, or a broken binary
        return "the tesseract program is not installed"
    try:
        languages = pytesseract.get_languages(config="")
    except Exception:  # noqa: BLE001
        languages = []
    if LANGUAGE not in languages:
        return "Tesseract's Vietnamese model (tesseract-ocr-vie) is not installed"
    return None


def ocr_words(image: Any, dpi: int = DPI) -> list[Word]:
    """Words Tesseract reads on a page image, with boxes scaled from pixels to points."""
    import pytesseract

    data = pytesseract.image_to_data(image, lang=LANGUAGE, output_type=pytesseract.Output.DICT)
    scale = 72.0 / dpi
    words = []
    for text, left, top, width, height, conf in zip(
        data["text"], data["left"], data["top"], data["width"], data["height"], data["conf"], strict=False
    ):
        text = text.strip()
        if not text or float(conf) < 0:
            continue
        words.append(
            Word(text, left * scale, (left + width) * scale, top * scale, (top + height) * scale)
        )
    return words
