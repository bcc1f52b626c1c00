"""Which encoding a Vietnamese text file is in, decided by reading it as Vietnamese.

Byte patterns cannot tell TCVN3 from Windows-1258 or VNI: all three are valid "ANSI".
What differs is the result, so each plausible decoding is made and the one with the
most well-formed Vietnamese syllables wins (ties go to the more common encoding).
The same test catches text that was pasted from a `.VnTime` or `VNI-Times` document
into a Unicode file, where the legacy bytes survive as Windows-1252 letters (`ChuyÓn
®æi sè`).  Text is converted letter for letter; its tone placement is left as written.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import regex

from pipeline.ingest.charset_tables import (
    BREVE,
    CIRCUMFLEX,
    HORN,
    TCVN3,
    VNI_BASES,
    VNI_BREVE,
    VNI_CIRCUMFLEX,
    VNI_LETTER,
    VNI_TONE,
)

# Encodings in order of preference when two decodings read equally well.
UTF8, UTF16, CP1258, TCVN3_NAME, VNI_NAME = "utf-8", "utf-16", "windows-1258", "tcvn3", "vni"


def _ansi_table() -> str:
    """Byte -> Windows-1252 character, with the five unassigned bytes kept as Latin-1."""
    chars = []
    for b in range(256):
        try:
            chars.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(b))
    return "".join(chars)


ANSI: Final[str] = _ansi_table()
_ANSI_BYTE: Final[dict[str, int]] = {c: b for b, c in enumerate(ANSI)}
_LATIN1_TO_ANSI: Final[dict[int, str]] = {b: c for b, c in enumerate(ANSI) if chr(b) != c}
_TCVN3_FROM_ANSI: Final[dict[int, str]] = {ord(ANSI[b]): u for b, u in TCVN3.items()}

# --- reading Vietnamese -----------------------------------------------------------------

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_ONSET = r"ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]"
_NUCLEUS = r"iê|yê|ia|ya|ua|uô|ưa|ươ|oo|[aăâeêioôơuưy]"
_SYLLABLE = regex.compile(rf"(?:{_ONSET})?[ou]?(?:{_NUCLEUS})(?:ch|ng|nh|[cmnptiyou])?")
_WORD = regex.compile(r"[^\W\d_]+")


def is_syllable(word: str) -> bool:
    """A well-formed Vietnamese syllable: onset, rhyme, at most one tone mark, sane case."""
    if not (word.islower() or word.isupper() or word[1:].islower()):
        return False
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in _TONE_MARKS)
    if tones > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(bare) is not None


# --- legacy encodings -------------------------------------------------------------------


def bytes_to_ansi(data: bytes) -> str:
    """Bytes as Windows-1252 text, never failing (what a legacy font file 'says' in ANSI)."""
    return data.decode("latin-1").translate(_LATIN1_TO_ANSI)


def ansi_only(text: str) -> bool:
    """True when every character of `text` has a Windows-1252 byte (a legacy-font paste)."""
    return all(ch in _ANSI_BYTE for ch in set(text))


_LOWER_ASCII = regex.compile(r"[a-z]")
# A word typed in `.VnTimeH`: two or more ASCII capitals and a lowercase-coded tone letter.
_CAPS_FONT_WORD = regex.compile(r"\b(?=(?:\w*?[A-Z]){2})(?=\w*?[^\W\d_a-zA-Z])[^\W\da-z]+\b")


def _upper_caps_lines(text: str) -> str:
    """Lines typed in the capitals-only `.VnTimeH` font: their tone letters decode lowercase.

    A line is taken as such when one of its words is plainly capitals (`HOạCH`, `TỉNH`)
    and it has no lowercase ASCII letter; `Số: 12/KH-UBND` stays as it is.
    """
    out = []
    for line in text.split("\n"):
        if not _LOWER_ASCII.search(line) and _CAPS_FONT_WORD.search(line):
            line = line.upper()
        out.append(line)
    return "\n".join(out)


def tcvn3_from_ansi(text: str) -> str:
    """Read Windows-1252 text as TCVN3 (ABC, `.VnTime`)."""
    converted = text.translate(_TCVN3_FROM_ANSI)
    return _upper_caps_lines(unicodedata.normalize("NFC", converted))


_VNI_MARKS = "".join(VNI_TONE) + "".join(VNI_CIRCUMFLEX) + "".join(VNI_BREVE)
_VNI_RE = regex.compile(
    rf"(?P<base>[{''.join(VNI_BASES)}])(?P<mark>[{_VNI_MARKS}])|(?P<single>[{''.join(VNI_LETTER)}])",
    regex.IGNORECASE,
)
_VNI_BASE_LETTER = {"a": "a", "e": "e", "o": "o", "u": "u", "y": "y", "ô": "o" + HORN, "ö": "u" + HORN}


def _vni_letter(base: str, mark: str | None) -> str | None:
    """The Unicode letter for a VNI base byte plus an optional mark byte, or None."""
    low, upper = base.lower(), base.isupper()
    letter = _VNI_BASE_LETTER[low]
    if mark is not None:
        m = mark.lower()
        families = VNI_BASES[low]
        if m in VNI_TONE and "tone" in families:
            letter += VNI_TONE[m]
        elif m in VNI_CIRCUMFLEX and "circumflex" in families:
            letter += CIRCUMFLEX + VNI_CIRCUMFLEX[m]
        elif m in VNI_BREVE and "breve" in families:
            letter += BREVE + VNI_BREVE[m]
        else:
            return None
    composed = unicodedata.normalize("NFC", letter)
    return composed.upper() if upper else composed


def vni_from_ansi(text: str) -> str:
    """Read Windows-1252 text as VNI Windows (`VNI-Times`): letter byte plus mark byte."""

    def repl(m: regex.Match[str]) -> str:
        if m["single"]:
            ch = m["single"]
            out = VNI_LETTER[ch.lower()]
            return out.upper() if ch.isupper() else out
        letter = _vni_letter(m["base"], m["mark"])
        if letter is None:  # a mark this letter cannot take: leave both alone but the base
            return (_vni_letter(m["base"], None) if m["base"].lower() in "ôö" else m["base"]) + m["mark"]
        return letter

    return _VNI_RE.sub(repl, text)


def _encode_vni_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], set(decomposed[1:])
    upper = base.isupper()
    base = base.lower()
    tone = next((m for m in decomposed[1:] if m in {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}), "")
    if ch.lower() == "đ":
        out = "ñ"
    elif base in "iy" and not marks - {tone}:
        singles = {v: k for k, v in VNI_LETTER.items()}
        plain = unicodedata.normalize("NFC", base + tone)
        out = singles.get(plain) or (base + next(k for k, v in VNI_TONE.items() if v == tone))
    elif HORN in marks:
        key = "ô" if base == "o" else "ö"
        out = key + (next(k for k, v in VNI_TONE.items() if v == tone) if tone else "")
    elif CIRCUMFLEX in marks:
        out = base + next(k for k, v in VNI_CIRCUMFLEX.items() if v == tone)
    elif BREVE in marks:
        out = base + next(k for k, v in VNI_BREVE.items() if v == tone)
    elif tone:
        out = base + next(k for k, v in VNI_TONE.items() if v == tone)
    else:
        raise ValueError(f"no VNI form for {ch!r}")
    return out.upper() if upper else out


def _cp1258(text: str) -> bytes:
    """Windows-1258 keeps some letters whole and writes the rest as letter + tone mark."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            tone = "".join(m for m in decomposed if m in _TONE_MARKS)
            base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in _TONE_MARKS))
            out += (base + tone).encode("cp1258")
    return bytes(out)


def encode_legacy(text: str, encoding: str) -> bytes:
    """Unicode text as the bytes a Windows-1258, TCVN3 or VNI document holds (for tests).

    TCVN3 has no capitals with tone marks; they are written as their lowercase letters,
    as `.VnTimeH` users did.
    """
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    if encoding == CP1258:
        return _cp1258(text)
    if encoding == TCVN3_NAME:
        # ABC fonts: lowercase letters, plus the seven capitals without a tone (0xA1-0xA7).
        inverse = {u: ANSI[b] for b, u in TCVN3.items() if u.islower() or b <= 0xA7}
        for ch in text:
            if ch.isascii():
                out.append(ch)
            elif ch in inverse:
                out.append(inverse[ch])
            elif ch.lower() in inverse:
                out.append(inverse[ch.lower()])
            else:
                out.append(ch)  # not Vietnamese: left for the ANSI encoder to accept or refuse
    elif encoding == VNI_NAME:
        for ch in text:
            out.append(ch if ch.isascii() or ch in _ANSI_BYTE and not _is_vietnamese(ch) else _encode_vni_char(ch))
    else:
        raise ValueError(f"unknown legacy encoding {encoding!r}")
    joined = "".join(out)
    missing = sorted({ch for ch in joined if ch not in _ANSI_BYTE})
    if missing:
        raise ValueError(f"no {encoding} byte for {''.join(missing)!r}")
    return bytes(_ANSI_BYTE[ch] for ch in joined)


def _is_vietnamese(ch: str) -> bool:
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return ch.lower() == "đ" or (base in "aeiouy" and len(unicodedata.normalize("NFD", ch)) > 1)


# --- choosing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Decoded:
    """A decoded text, the encoding it was read as, and how many bytes no reading explained.

    `encoding` is one name, or `mixed:` and the names in order of appearance when parts
    of one file were typed in different encodings.
    """

    text: str
    encoding: str
    invalid_bytes: int = 0


def bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: Vietnamese text in it has NULs in every other byte."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:4096]
    even_nuls = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd_nuls = sample[1::2].count(0) / max(1, len(sample[1::2]))
    codec = "utf-16-le" if odd_nuls > 0.3 and even_nuls < 0.05 else None
    codec = codec or ("utf-16-be" if even_nuls > 0.3 and odd_nuls < 0.05 else None)
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


# A line is read in the encoding that makes the most well-formed Vietnamese of it, but a
# change of encoding between lines costs SWITCH_COST words, so short or ambiguous lines
# follow their neighbours and only a real change of part (a pasted passage) switches.
# A byte that is invalid in a reading costs BAD_BYTE_COST words: one stray byte in a UTF-8
# line still reads as UTF-8 (that byte shown as its Windows-1252 character).
STATES: Final[tuple[str, ...]] = (UTF8, CP1258, TCVN3_NAME, VNI_NAME)
SWITCH_COST = 4.0
BAD_BYTE_COST = 3.0
# A guessed reading (the file is not valid UTF-8) is refused when fewer than this share of
# its non-ASCII words are well-formed syllables, once it has MIN_VERDICT_WORDS of them.
MIN_WELL_FORMED = 0.6
MIN_VERDICT_WORDS = 10
_SURROGATE_TO_ANSI: Final[dict[int, str]] = {0xDC00 + b: ANSI[b] for b in range(0x80, 0x100)}


def _lenient(data: bytes, codec: str) -> tuple[str, int]:
    """`data` in `codec`, each byte it cannot decode taken as its Windows-1252 character."""
    raw = data.decode(codec, "surrogateescape")
    bad = sum(1 for ch in raw if "\udc80" <= ch <= "\udcff")
    return (raw.translate(_SURROGATE_TO_ANSI) if bad else raw), bad


def _word_counts(text: str) -> tuple[int, int]:
    """Well-formed and ill-formed words among those with non-ASCII letters."""
    good = bad = 0
    for m in _WORD.finditer(unicodedata.normalize("NFC", text)):
        word = m.group(0)
        if word.isascii():
            continue
        if _cached_syllable(word):
            good += 1
        else:
            bad += 1
    return good, bad


@lru_cache(maxsize=65536)
def _cached_syllable(word: str) -> bool:
    return is_syllable(word)


_Reading = dict[str, tuple[str, float, int]]  # encoding -> (text, score, invalid bytes)


def _score(text: str, bad_bytes: int) -> float:
    good, bad = _word_counts(text)
    return good - bad - BAD_BYTE_COST * bad_bytes


def _line_readings(line: bytes) -> _Reading:
    """Every reading of one line of bytes, scored."""
    if line.isascii():
        text = line.decode("ascii")
        return {state: (text, 0.0, 0) for state in STATES}
    utf8, bad = _lenient(line, "utf-8")
    readings: _Reading = {UTF8: (utf8, _score(utf8, bad), bad)}
    cp1258, bad_cp = _lenient(line, "cp1258")
    readings[CP1258] = (cp1258, _score(cp1258, bad_cp), bad_cp)
    ansi = bytes_to_ansi(line)
    for state, convert in ((TCVN3_NAME, tcvn3_from_ansi), (VNI_NAME, vni_from_ansi)):
        text = convert(ansi)
        best = (text, _score(text, 0), 0)
        if bad == 0 and ansi_only(utf8):  # legacy-font text pasted into a Unicode file
            pasted = convert(utf8)
            if (score := _score(pasted, 0)) > best[1]:
                best = (pasted, score, 0)
        readings[state] = best
    return readings


def _text_readings(line: str) -> _Reading:
    """Readings of a line that is already Unicode: as it is, or as a pasted legacy passage."""
    readings: _Reading = {UTF8: (line, 0.0, 0)}
    if line.isascii() or not ansi_only(line):
        return readings
    readings[UTF8] = (line, _score(line, 0), 0)
    for state, convert in ((TCVN3_NAME, tcvn3_from_ansi), (VNI_NAME, vni_from_ansi)):
        text = convert(line)
        readings[state] = (text, _score(text, 0), 0)
    return readings


def _best_path(lines: list[_Reading]) -> list[str]:
    """The encoding of each line: most well-formed words overall, few switches (Viterbi).

    Ties go to the earlier encoding in STATES, and to staying in the current one.
    """
    if not lines:
        return []
    minus_inf = float("-inf")
    total = {s: lines[0][s][1] if s in lines[0] else minus_inf for s in STATES}
    back: list[dict[str, str]] = []
    for reading in lines[1:]:
        step: dict[str, str] = {}
        nxt: dict[str, float] = {}
        leader = max(STATES, key=lambda s: (total[s], -STATES.index(s)))
        for s in STATES:
            if s not in reading:
                nxt[s], step[s] = minus_inf, s
                continue
            stay, switch = total[s], total[leader] - SWITCH_COST
            prev = s if stay >= switch else leader
            nxt[s] = max(stay, switch) + reading[s][1]
            step[s] = prev
        back.append(step)
        total = nxt
    state = max(STATES, key=lambda s: (total[s], -STATES.index(s)))
    path = [state]
    for step in reversed(back):
        state = step[state]
        path.append(state)
    return path[::-1]


def _join(lines: list[_Reading]) -> Decoded:
    """The chosen reading of every line, joined, with the encodings it used."""
    path = _best_path(lines)
    texts, used, invalid = [], [], 0
    for reading, state in zip(lines, path, strict=True):
        text, _, bad = reading[state]
        texts.append(text)
        invalid += bad
        if not text.isascii() and state not in used:
            used.append(state)
    encoding = used[0] if len(used) == 1 else ("mixed:" + ",".join(used) if used else UTF8)
    return Decoded("\n".join(texts), encoding, invalid)


def well_formed_share(text: str) -> tuple[float, int]:
    """Share of well-formed syllables among the non-ASCII words of `text`, and their number."""
    good, bad = _word_counts(text)
    return (good / (good + bad) if good + bad else 1.0), good + bad


def decode_lines(data: bytes) -> Decoded:
    """Bytes that are not UTF-16, read line by line (UTF-8, Windows-1258, TCVN3 or VNI).

    A valid UTF-8 file is taken as UTF-8 except for lines that read better as a pasted
    legacy-font passage.  Otherwise each part of the file is read in its own encoding, and
    `ValueError` is raised when even the best reading is mostly not Vietnamese: such a
    file is refused rather than stored as mojibake.
    """
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        decoded = _join([_line_readings(line) for line in data.split(b"\n")])
        share, words = well_formed_share(decoded.text)
        if words >= MIN_VERDICT_WORDS and share < MIN_WELL_FORMED:
            raise ValueError(
                f"no reading gives Vietnamese text: the best ({decoded.encoding}) has only "
                f"{share:.0%} well-formed words"
            ) from None
        return decoded
    return fix_legacy_text(text)


def decode_unicode(data: bytes) -> Decoded | None:
    """UTF-16 text (with a byte-order mark, or without one), or None when it is not UTF-16."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ValueError(f"invalid UTF-16 at byte {exc.start}") from None
    else:
        found = bomless_utf16(data)
        if found is None:
            return None
        text = found
    fixed = fix_legacy_text(text)
    return Decoded(fixed.text, UTF16 if fixed.encoding == UTF8 else fixed.encoding)


def fix_legacy_text(text: str) -> Decoded:
    """Unicode text (e.g. from HTML or .docx) that may hold pasted TCVN3/VNI passages."""
    if text.isascii():
        return Decoded(text, UTF8)
    lines = text.split("\n")
    if not any(ansi_only(line) and not line.isascii() for line in lines):
        return Decoded(text, UTF8)
    return _join([_text_readings(line) for line in lines])
