"""Normalisation at the door: NFC, tidy spaces, and hard-wrapped lines re-joined.

Extraction and offsets assume one canonical text.  NFC is applied first; every later
step here replaces characters one for one (a wrapped line break becomes a space, a
no-break space becomes a space), so it never shifts an offset it does not have to.
"""

from __future__ import annotations

import itertools
import unicodedata

import regex

# Characters that display as nothing or as a plain space in Vietnamese web text.
_ZERO_WIDTH = regex.compile(r"[\u200b\u200c\u200d\u2060-\u2064\ufeff\u00ad\u180e]")
_ODD_SPACES = regex.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
# Line endings: CRLF, CR, and the Unicode line and paragraph separators (Word, web CMSs).
_CRLF = regex.compile(r"\r\n?|[\u2028\u2029\u0085]")

# A line that ends a sentence, a heading or a list item: its break is real.
_HARD_END = regex.compile(r"[.:;!?…)\]\"”'»|]\s*$|^\s*$")
# A line starting like a new item or heading: its preceding break is real.
_ITEM_START = regex.compile(
    r"^\s*(?:[-–—•*+●○▪]\s|\(?\d{1,2}[.)]\s|\(?[a-zđ][.)]\s|[IVX]{1,5}\.\s)"
)


def to_nfc(text: str) -> str:
    """Canonical composition, so `hoà` typed two ways is one string."""
    return unicodedata.normalize("NFC", text)


def clean_spaces(text: str) -> str:
    """Line endings to `\\n`, odd spaces to ` `, zero-width marks removed."""
    text = _CRLF.sub("\n", text)
    text = _ZERO_WIDTH.sub("", text)
    return _ODD_SPACES.sub(" ", text)


def _starts_lower(line: str) -> bool:
    stripped = line.lstrip()
    return bool(stripped) and stripped[0].islower()


def is_hard_wrapped(lines: list[str]) -> bool:
    """True when many lines break mid-sentence (a text copied from a fixed-width view)."""
    breaks = 0
    wraps = 0
    for cur, nxt in itertools.pairwise(lines):
        if not cur.strip() or not nxt.strip():
            continue
        breaks += 1
        if not _HARD_END.search(cur) and _starts_lower(nxt):
            wraps += 1
    return breaks >= 4 and wraps / breaks >= 0.25


def rejoin_wrapped_lines(text: str) -> str:
    """Turn each wrap-inside-a-sentence line break into a space (same length).

    Only documents that look hard-wrapped are touched; in them a break is kept where
    the line ends like a sentence or heading, or the next line opens a list item
    with an uppercase word after a closing mark.
    """
    lines = text.split("\n")
    if not is_hard_wrapped(lines):
        return text
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        if i == len(lines) - 1:
            break
        nxt = lines[i + 1]
        joined = (
            i > 0  # the first line is the title: keep it apart from the body
            and line.strip()
            and nxt.strip()
            and not _HARD_END.search(line)
            and not _ITEM_START.match(nxt)
        )
        out.append(" " if joined else "\n")
    return "".join(out)


def normalize_text(text: str) -> str:
    """The canonical text every offset points into."""
    text = clean_spaces(to_nfc(text))
    return rejoin_wrapped_lines(text)
