"""A cap on the bytes pdfminer may inflate while reading one PDF.

pdfminer inflates each FlateDecode stream whole with `zlib.decompress`, so a 1 MB file
holding a 1 GiB stream of spaces took 2.2 GB of memory before anything could look at
it.  The `zlib` that pdfminer's stream decoder sees is replaced by one whose
`decompress` inflates in bounded steps and charges every byte to the budget of the PDF
being read (a context variable, so threads reading PDFs at once each have their own);
past the budget it raises `InflationBomb` and the PDF is refused.  Outside a budget it
inflates as zlib does.
"""

from __future__ import annotations

import contextvars
import types
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from pdfminer import pdftypes

_STEP = 1 << 20


class InflationBomb(Exception):
    """A PDF's streams inflated past the budget of `inflation_budget`."""


_left: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("pdf_inflation_left", default=None)


def bounded_decompress(data: bytes, wbits: int = zlib.MAX_WBITS, bufsize: int = zlib.DEF_BUF_SIZE) -> bytes:
    """`zlib.decompress`, charging the inflated bytes to the current budget."""
    left = _left.get()
    if left is None:
        return zlib.decompress(data, wbits, bufsize)
    d = zlib.decompressobj(wbits)
    out: list[bytes] = []
    pending = data
    while True:
        chunk = d.decompress(pending, _STEP)
        left[0] -= len(chunk)
        if left[0] < 0:
            raise InflationBomb
        out.append(chunk)
        pending = d.unconsumed_tail
        if d.eof or (not pending and not chunk):
            break
    if not d.eof:
        raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
    return b"".join(out)


@contextmanager
def inflation_budget(max_bytes: int) -> Iterator[None]:
    """Within this block, pdfminer may inflate at most `max_bytes` bytes in all."""
    token = _left.set([max_bytes])
    try:
        yield
    finally:
        _left.reset(token)


_bounded_zlib = types.ModuleType("zlib")
_bounded_zlib.__dict__.update({k: v for k, v in vars(zlib).items() if not k.startswith("__")})
_bounded_zlib.decompress = bounded_decompress  # type: ignore[attr-defined]
pdftypes.zlib = _bounded_zlib  # type: ignore[attr-defined]
