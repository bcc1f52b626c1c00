"""Plain-text ingest: bytes to a Python string, refusing binary junk.

Vietnamese files arrive as UTF-8 (with or without BOM), UTF-16, Windows-1258, or in the
legacy font encodings TCVN3 (ABC) and VNI; `pipeline.encodings` picks the reading with
the most well-formed Vietnamese, so a wrong guess never passes silently as mojibake.
"""

from __future__ import annotations

import codecs

from pipeline.encodings import Decoded, best_decoding, bomless_utf16, candidates
from pipeline.errors import E_BINARY, E_DECODE, IngestError

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
    options = candidates(data)
    if not options:
        raise IngestError(E_DECODE)
    return best_decoding(options)


def decode_text(data: bytes) -> str:
    """The text of a text file (see `decode_bytes`)."""
    return decode_bytes(data).text
