"""Legacy Vietnamese font encodings as data: TCVN3 (ABC) and VNI Windows.

Offices still receive plans typed in `.VnTime` (TCVN3) or `VNI-Times` (VNI) fonts: the
bytes are Windows "ANSI", and only the font makes them Vietnamese.  These tables turn
those bytes into Unicode; `pipeline.ingest.encodings` decides which one a file uses.

TCVN3 (TCVN 5712:1993) is one byte per letter.  `TCVN3` below is bytes 0xA1-0xFF of
glibc's `TCVN5712-1` charmap, generated with

    for b in range(0xA1, 0x100):
        iconv -f TCVN5712-1 -t UTF-8  <<< bytes([b])

(`tests/test_ingest_encodings.py` regenerates it and compares when iconv is present).
The ABC fonts use the lowercase positions; capitals with a tone mark were typed in the
companion `.VnTimeH` font at the lowercase positions, so they decode lowercase (the
decoder upper-cases lines typed entirely in capitals).  Bytes 0x80-0x9F, which VN1 uses
for more capitals, are left to Windows-1252: ABC fonts do not use them, and text pasted
from such documents carries Windows punctuation (`…`, `“`) there.

VNI is one byte for the letter and one for the marks: `a` + `ù` is `á`, `e` + `á` is
`ế`, `a` + `ê` is `ă`; `ô` alone is `ơ`, `ö` is `ư`, `ñ` is `đ`; `i` and `y` with a dot
below have their own bytes.  Capitals take the capital form of the mark byte (`AÙ`).
Checked against the VNI table of xvnkb (`vni.h`, Dao Hai Lam, 2002).
"""

from __future__ import annotations

from typing import Final

# TCVN3 byte -> Unicode (glibc TCVN5712-1, bytes 0xA1-0xFF; 0xB0-0xB4 are combining marks).
TCVN3: Final[dict[int, str]] = {
    0xA1: "\u0102", 0xA2: "\u00c2", 0xA3: "\u00ca", 0xA4: "\u00d4", 0xA5: "\u01a0", 0xA6: "\u01af",
    0xA7: "\u0110", 0xA8: "\u0103", 0xA9: "\u00e2", 0xAA: "\u00ea", 0xAB: "\u00f4", 0xAC: "\u01a1",
    0xAD: "\u01b0", 0xAE: "\u0111", 0xAF: "\u1eb0", 0xB0: "\u0300", 0xB1: "\u0309", 0xB2: "\u0303",
    0xB3: "\u0301", 0xB4: "\u0323", 0xB5: "\u00e0", 0xB6: "\u1ea3", 0xB7: "\u00e3", 0xB8: "\u00e1",
    0xB9: "\u1ea1", 0xBA: "\u1eb2", 0xBB: "\u1eb1", 0xBC: "\u1eb3", 0xBD: "\u1eb5", 0xBE: "\u1eaf",
    0xBF: "\u1eb4", 0xC0: "\u1eae", 0xC1: "\u1ea6", 0xC2: "\u1ea8", 0xC3: "\u1eaa", 0xC4: "\u1ea4",
    0xC5: "\u1ec0", 0xC6: "\u1eb7", 0xC7: "\u1ea7", 0xC8: "\u1ea9", 0xC9: "\u1eab", 0xCA: "\u1ea5",
    0xCB: "\u1ead", 0xCC: "\u00e8", 0xCD: "\u1ec2", 0xCE: "\u1ebb", 0xCF: "\u1ebd", 0xD0: "\u00e9",
    0xD1: "\u1eb9", 0xD2: "\u1ec1", 0xD3: "\u1ec3", 0xD4: "\u1ec5", 0xD5: "\u1ebf", 0xD6: "\u1ec7",
    0xD7: "\u00ec", 0xD8: "\u1ec9", 0xD9: "\u1ec4", 0xDA: "\u1ebe", 0xDB: "\u1ed2", 0xDC: "\u0129",
    0xDD: "\u00ed", 0xDE: "\u1ecb", 0xDF: "\u00f2", 0xE0: "\u1ed4", 0xE1: "\u1ecf", 0xE2: "\u00f5",
    0xE3: "\u00f3", 0xE4: "\u1ecd", 0xE5: "\u1ed3", 0xE6: "\u1ed5", 0xE7: "\u1ed7", 0xE8: "\u1ed1",
    0xE9: "\u1ed9", 0xEA: "\u1edd", 0xEB: "\u1edf", 0xEC: "\u1ee1", 0xED: "\u1edb", 0xEE: "\u1ee3",
    0xEF: "\u00f9", 0xF0: "\u1ed6", 0xF1: "\u1ee7", 0xF2: "\u0169", 0xF3: "\u00fa", 0xF4: "\u1ee5",
    0xF5: "\u1eeb", 0xF6: "\u1eed", 0xF7: "\u1eef", 0xF8: "\u1ee9", 0xF9: "\u1ef1", 0xFA: "\u1ef3",
    0xFB: "\u1ef7", 0xFC: "\u1ef9", 0xFD: "\u00fd", 0xFE: "\u1ef5", 0xFF: "\u1ed0",
}  # fmt: skip

# Unicode combining tone marks, by name (used to build the VNI tables below).
GRAVE, ACUTE, HOOK, TILDE, DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
CIRCUMFLEX, BREVE, HORN = "\u0302", "\u0306", "\u031b"

# VNI mark byte (as its Windows-1252 character, lowercase form) -> the marks it adds.
# Tone alone: after a, e, o, u, y, ơ (`ô`) and ư (`ö`).
VNI_TONE: Final[dict[str, str]] = {"ù": ACUTE, "ø": GRAVE, "û": HOOK, "õ": TILDE, "ï": DOT}
# Circumflex with a tone: after a, e, o.
VNI_CIRCUMFLEX: Final[dict[str, str]] = {
    "â": "", "á": ACUTE, "à": GRAVE, "å": HOOK, "ã": TILDE, "ä": DOT,
}  # fmt: skip
# Breve with a tone: after a only.
VNI_BREVE: Final[dict[str, str]] = {
    "ê": "", "é": ACUTE, "è": GRAVE, "ú": HOOK, "ü": TILDE, "ë": DOT,
}  # fmt: skip
# Bytes that are a whole letter on their own (lowercase form; capitals are their upper()).
VNI_LETTER: Final[dict[str, str]] = {
    "ô": "ơ", "ö": "ư", "ñ": "đ",
    "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
}  # fmt: skip
# Letters a VNI mark byte may follow, and which mark families each accepts.
VNI_BASES: Final[dict[str, tuple[str, ...]]] = {
    "a": ("tone", "circumflex", "breve"),
    "e": ("tone", "circumflex"),
    "o": ("tone", "circumflex"),
    "u": ("tone",),
    "y": ("tone",),
    "ô": ("tone",),  # ơ
    "ö": ("tone",),  # ư
}
