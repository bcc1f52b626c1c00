"""Vietnamese words inside a spaCy `Doc` whose text is exactly the normalised text.

underthesea segments words (multi-syllable words such as `chính quyền`); a custom
spaCy tokenizer aligns them back to the input so that `doc.text == text` and every
character offset survives.  POS tags come from underthesea too, on demand, because
the extractor only needs them inside the clauses that hold a number.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces
from spacy.vocab import Vocab
from underthesea import pos_tag, word_tokenize

TOKENIZER_NAME = "chitieu.underthesea_tokenizer.v1"
_MODEL_LOCK = threading.Lock()
_WARMED = False


def warm_up() -> None:
    """Load underthesea's CRF models once: their lazy load is not thread-safe."""
    global _WARMED
    with _MODEL_LOCK:
        if not _WARMED:
            word_tokenize("khởi động")
            pos_tag("khởi động")
            _WARMED = True


def align_words(text: str, words: list[str]) -> list[str]:
    """Map underthesea's words back onto `text`, keeping the text's own inner spacing."""
    aligned: list[str] = []
    pos = 0
    for word in words:
        start: int | None = None
        for syllable in word.split():
            i = text.find(syllable, pos)
            if i < 0:
                raise ValueError(f"cannot align {syllable!r} at offset {pos}")
            start = i if start is None else start
            pos = i + len(syllable)
        if start is not None:
            aligned.append(text[start:pos])
    return aligned


def segment(text: str) -> list[str]:
    """underthesea word segmentation that never rewrites the characters it returns."""
    if not text.strip():
        return []
    warm_up()
    return align_words(text, word_tokenize(text, use_token_normalize=False))


class UndertheseaTokenizer:
    """spaCy tokenizer: underthesea words, whitespace kept as spaCy expects."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        words, spaces = get_words_and_spaces(segment(text), text)
        return Doc(self.vocab, words=words, spaces=spaces)

    def to_bytes(self, **_: Any) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **_: Any) -> UndertheseaTokenizer:
        return self

    def to_disk(self, _path: Any, **_: Any) -> None:
        return None

    def from_disk(self, _path: Any, **_: Any) -> UndertheseaTokenizer:
        return self


@spacy.registry.tokenizers(TOKENIZER_NAME)
def create_underthesea_tokenizer() -> Callable[[Language], UndertheseaTokenizer]:
    """Registry entry so `spacy.blank("vi", config=...)` builds our tokenizer."""
    return lambda nlp: UndertheseaTokenizer(nlp.vocab)


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The shared blank Vietnamese pipeline with the underthesea tokenizer."""
    return spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}})


def make_doc(text: str) -> Doc:
    """A spaCy Doc over `text` (already normalised): `doc.text == text`."""
    return get_nlp()(text)


@lru_cache(maxsize=4096)
def pos_words(text: str) -> tuple[tuple[str, str], ...]:
    """underthesea (word, POS) pairs for a short phrase, cached across documents."""
    if not text.strip():
        return ()
    warm_up()
    return tuple((w, t) for w, t in pos_tag(text))
