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
from typing import Final

import regex

from pipeline.charset_tables import (
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


def vietnamese_score(text: str) -> int:
    """Well-formed minus ill-formed words among those with non-ASCII letters."""
    score = 0
    for m in _WORD.finditer(unicodedata.normalize("NFC", text)):
        word = m.group(0)
        if word.isascii():
            continue
        score += 1 if is_syllable(word) else -1
    return score


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
    """A decoded text and the encoding it was read as."""

    text: str
    encoding: str


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


def unicode_candidates(data: bytes) -> list[Decoded]:
    """Decodings that need no guessing: a BOM, BOM-less UTF-16, or valid UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return [Decoded(data[len(codecs.BOM_UTF8) :].decode("utf-8"), UTF8)]
        except UnicodeDecodeError:
            return []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return [Decoded(data.decode("utf-16"), UTF16)]
        except UnicodeDecodeError:
            return []
    utf16 = bomless_utf16(data)
    if utf16 is not None:
        return [Decoded(utf16, UTF16)]
    try:
        return [Decoded(data.decode("utf-8"), UTF8)]
    except UnicodeDecodeError:
        return []


def candidates(data: bytes) -> list[Decoded]:
    """Every plausible reading of `data`, most common encoding first."""
    found = unicode_candidates(data)
    if not found:
        try:
            found.append(Decoded(data.decode("cp1258"), CP1258))
        except UnicodeDecodeError:
            pass
        ansi = bytes_to_ansi(data)
        found += [Decoded(tcvn3_from_ansi(ansi), TCVN3_NAME), Decoded(vni_from_ansi(ansi), VNI_NAME)]
        return found
    text = found[0].text
    if not text.isascii() and ansi_only(text):
        found += [Decoded(tcvn3_from_ansi(text), TCVN3_NAME), Decoded(vni_from_ansi(text), VNI_NAME)]
    return found


# Characters scored per reading: a document's encoding shows long before its end.
SCORE_SAMPLE = 200_000


def best_decoding(options: list[Decoded]) -> Decoded:
    """The reading with the most well-formed Vietnamese; the earlier one on a tie."""
    best = options[0]
    if len(options) == 1:
        return best
    best_score = vietnamese_score(best.text[:SCORE_SAMPLE])
    for option in options[1:]:
        score = vietnamese_score(option.text[:SCORE_SAMPLE])
        if score > best_score:
            best, best_score = option, score
    return best


def fix_legacy_text(text: str) -> Decoded:
    """Unicode text (e.g. from HTML or .docx) that may hold a pasted TCVN3/VNI passage."""
    if text.isascii() or not ansi_only(text):
        return Decoded(text, UTF8)
    return best_decoding(
        [Decoded(text, UTF8), Decoded(tcvn3_from_ansi(text), TCVN3_NAME), Decoded(vni_from_ansi(text), VNI_NAME)]
    )
