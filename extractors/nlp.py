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
from underthesea.pipeline.text_normalize.text_normalizer import character_map

TOKENIZER_NAME = "chitieu.underthesea_tokenizer.v1"
_MODEL_LOCK = threading.Lock()
_WARMED = False
# underthesea rewrites a few characters before it segments (the look-alike `ð`/`Ð`, typed for
# `đ`/`Đ` by old fonts, becomes `đ`/`Đ`); words are found in the text under the same
# one-for-one rewrite, so offsets stay those of the text and its own characters are kept.
_SEGMENTER_FOLD = str.maketrans({k: v for k, v in character_map.items() if len(k) == len(v) == 1})


def warm_up() -> None:
    """Load underthesea's CRF models once: their lazy load is not thread-safe."""
    global _WARMED
    with _MODEL_LOCK:
        if not _WARMED:
            word_tokenize("khởi động")
            pos_tag("khởi động")
            _WARMED = True


def align_words(text: str, words: list[str]) -> list[str]:
    """Map underthesea's words back onto `text`, keeping the text's own inner spacing and characters."""
    aligned: list[str] = []
    pos = 0
    folded = text.translate(_SEGMENTER_FOLD)
    for word in words:
        start: int | None = None
        for syllable in word.split():
            i = folded.find(syllable.translate(_SEGMENTER_FOLD), pos)
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


@Language.component("chitieu_pos")
def underthesea_pos(doc: Doc) -> Doc:
    """Set `token.tag_` from underthesea's POS tagger, aligned to our tokens by text."""
    pairs = list(pos_words(doc.text))
    k = 0
    for token in doc:
        if token.is_space:
            continue
        while k < len(pairs) and pairs[k][0].split() != token.text.split():
            if token.text.startswith(pairs[k][0]):
                break
            k += 1
        if k < len(pairs):
            token.tag_ = pairs[k][1]
            k += 1
    return doc


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The shared blank Vietnamese pipeline: underthesea tokenizer, then its POS tags."""
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}})
    nlp.add_pipe("chitieu_pos")
    return nlp


def make_doc(text: str) -> Doc:
    """A spaCy Doc over `text` (already normalised): `doc.text == text`, words tagged."""
    return get_nlp()(text)


@lru_cache(maxsize=4096)
def phrase_doc(text: str) -> Doc:
    """A tagged Doc for a short phrase, cached: the extractor asks for the same phrases often.

    The tagger segments as it tags, so its words are used as the tokens when they align
    with the text (one segmentation instead of two); otherwise the normal pipeline runs.
    """
    pairs = pos_words(text)
    try:
        words = align_words(text, [w for w, _ in pairs])
    except ValueError:  # the tagger rewrote a character (old tone placement): tokenize anew
        return make_doc(text)
    nlp = get_nlp()
    doc_words, spaces = get_words_and_spaces(words, text)
    doc = Doc(nlp.vocab, words=doc_words, spaces=spaces)
    tags = iter(tag for _, tag in pairs)
    for token in doc:
        if not token.is_space:
            token.tag_ = next(tags, "")
    return doc


@lru_cache(maxsize=4096)
def phrase_tokens(text: str) -> Doc:
    """Words only (tokenizer, no tagger) for a short phrase, cached: cheaper when no POS is needed."""
    return get_nlp().make_doc(text)


@lru_cache(maxsize=4096)
def pos_words(text: str) -> tuple[tuple[str, str], ...]:
    """underthesea (word, POS) pairs for a short phrase, cached across documents."""
    if not text.strip():
        return ()
    warm_up()
    return tuple((w, t) for w, t in pos_tag(text))


def clear_caches() -> None:
    """Forget every phrase segmented or tagged so far: benchmarks time each round from cold."""
    for cached in (pos_words, phrase_doc, phrase_tokens):
        cached.cache_clear()
