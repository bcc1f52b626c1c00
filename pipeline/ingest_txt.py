"""Plain-text ingest: bytes to a Python string, refusing binary junk.

Decoding is tried in the order Vietnamese files are met in practice: UTF-8 (with or
without BOM), UTF-16 with a BOM, then Windows-1258, the legacy Windows code page.
"""

from __future__ import annotations

import codecs

from pipeline.errors import E_BINARY, E_DECODE, IngestError

_CONTROL_OK = {"\n", "\r", "\t", "\f", "\v"}


def looks_binary(data: bytes) -> bool:
    """NUL bytes outside UTF-16 text, or many control characters, mean not text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and chr(b) not in _CONTROL_OK)
    return controls > max(8, len(sample) // 50)


def decode_text(data: bytes) -> str:
    """Decode bytes of a text file; raise IngestError with the reason if impossible."""
    if looks_binary(data):
        raise IngestError(E_BINARY)
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IngestError(E_DECODE) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise IngestError(E_DECODE) from exc
