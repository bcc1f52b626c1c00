"""A response body's Content-Encoding undone a bounded piece at a time.

Why not httpx's own decoding (`Response.iter_bytes`): it inflates each chunk read from the
socket whole before anyone can count it, and gzip inflates about 1,000:1, so one 64 KB
chunk of a gzip bomb became 64 MB in memory before the size cap was checked.  Here zlib
is asked for at most `STEP` bytes at a time and never for more than the cap allows, so
what a body decodes to is counted as it grows and memory stays within the cap.

Only the encodings chitieu asks for (`Accept-Encoding: gzip, deflate`) are read; a server
that sends another anyway (`br`, `zstd`) is refused in one line rather than guessed at.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

from pipeline.errors import ChitieuError

ACCEPT_ENCODING = "gzip, deflate"
STEP = 1 << 20  # the most one zlib call may return, in bytes


class BodyError(ChitieuError):
    """The body cannot be decoded, or decodes past the cap; the message is the reason."""


class _Over(Exception):
    """A stage produced more than the cap allows."""


class _Inflate:
    """One gzip or deflate layer.  HTTP `deflate` is meant to be zlib-wrapped, but some
    servers send a bare deflate stream: the first chunk decides, as browsers do."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.bare_tried = encoding != "deflate"
        wbits = zlib.MAX_WBITS | 16 if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self.z = zlib.decompressobj(wbits)
        self.started = False

    def pieces(self, data: bytes, room: int) -> Iterator[bytes]:
        """`data` inflated, at most `STEP` bytes a piece; `_Over` once past `room` bytes."""
        while data:
            if room < 0:
                raise _Over
            try:
                piece = self.z.decompress(data, min(STEP, room + 1))
            except zlib.error as exc:
                if self.bare_tried or self.started:
                    raise BodyError(f"cannot decode the body ({self.encoding}): {exc}") from exc
                self.bare_tried = True  # not zlib-wrapped: a bare deflate stream
                self.z = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self.started = True
            room -= len(piece)
            data = self.z.unconsumed_tail
            yield piece

    def tail(self) -> bytes:
        try:
            return self.z.flush()
        except zlib.error as exc:
            raise BodyError(f"cannot decode the body ({self.encoding}): {exc}") from exc


def layers(content_encoding: str) -> list[str]:
    """The encodings applied to the body, first applied first; identity left out."""
    names = [e.strip().lower() for e in content_encoding.split(",") if e.strip()]
    names = [e for e in names if e != "identity"]
    for name in names:
        if name not in ("gzip", "x-gzip", "deflate"):
            raise BodyError(f"cannot decode the body: Content-Encoding {name!r} was not asked for "
                            f"(chitieu accepts {ACCEPT_ENCODING})")
    return names


def decoded_body(raw: Iterable[bytes], content_encoding: str, limit: int) -> bytes:
    """The body of `raw` chunks with its Content-Encoding undone, or BodyError past `limit` bytes."""
    stages = [_Inflate(name) for name in reversed(layers(content_encoding))]  # the last applied first
    out: list[bytes] = []
    total = 0

    def push(data: bytes, depth: int) -> None:
        nonlocal total
        if depth == len(stages):
            total += len(data)
            if total > limit:
                raise _Over
            out.append(data)
            return
        for piece in stages[depth].pieces(data, limit - total):
            push(piece, depth + 1)

    try:
        for chunk in raw:
            push(chunk, 0)
        for depth, stage in enumerate(stages):
            push(stage.tail(), depth + 1)
    except _Over:
        how = content_encoding.strip() or "identity"
        raise BodyError(f"body is over the {limit}-byte limit after decoding ({how})") from None
    return b"".join(out)
