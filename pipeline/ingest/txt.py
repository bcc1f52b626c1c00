"""Plain-text ingest: bytes to a Python string, refusing binary junk.

Vietnamese files arrive as UTF-8 (with or without BOM), UTF-16, Windows-1258, or in the
legacy font encodings TCVN3 (ABC) and VNI; `pipeline.ingest.encodings` reads each line in the
encoding that makes the most well-formed Vietnamese of it (a file may mix them), takes a
stray invalid byte in UTF-8 as one odd character rather than a reason to doubt the whole
file, and refuses a file no reading makes Vietnamese of, so a wrong guess never passes
silently as mojibake.
"""

from __future__ import annotations

import codecs

from pipeline.errors import E_BINARY, E_DECODE, IngestError
from pipeline.ingest.encodings import Decoded, bomless_utf16, decode_lines, decode_unicode

_CONTROL_OK = {"\n", "\r", "\t", "\f", "\v", "\x1a"}  # \x1a: DOS end-of-file mark


def _is_utf16(data: bytes) -> bool:
    return data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or bomless_utf16(data) is not None


def looks_binary(data: bytes) -> bool:
    """NUL bytes outside UTF-16 text, or many control characters, mean not text."""
    if _is_utf16(data):
        return False
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and chr(b) not in _CONTROL_OK)
    return controls > max(8, len(sample) // 50)


def decode_bytes(data: bytes) -> Decoded:
    """Decode bytes of a text file and name the encoding; IngestError if impossible."""
    if looks_binary(data):
        raise IngestError(E_BINARY)
    try:
        return decode_unicode(data) or decode_lines(data)
    except ValueError as exc:
        raise IngestError(E_DECODE.format(reason=exc)) from exc


def decode_text(data: bytes) -> str:
    """The text of a text file (see `decode_bytes`)."""
    return decode_bytes(data).text
