"""Vietnamese words inside a spaCy `Doc` whose text is exactly the normalised text.

underthesea segments words (multi-syllable words such as `chính quyền`); a custom
spaCy tokenizer aligns them back to the input so that `doc.text == text` and every
character offset survives.  POS tags come from underthesea too, on demand, because
the extractor only needs them inside the clauses that hold a number.
"""

from __future__ import annotations

import gc
import sys
import threading
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

import regex
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces
from spacy.vocab import Vocab
from underthesea import pos_tag
from underthesea.pipeline.text_normalize.text_normalizer import character_map

from extractors.crf_features import clear_memos
from extractors.pos_tagger import get_pos_tagger
from extractors.segmenter import get_segmenter, regex_tokens, word_tokenize

TOKENIZER_NAME = "chitieu.underthesea_tokenizer.v1"
_F = TypeVar("_F", bound=Callable[..., Any])
_PHRASE_CACHES: list[Any] = []


def phrase_cache(fn: _F) -> _F:
    """Cache a pure reading of a short phrase (by its arguments), forgotten by `clear_caches`.

    The extractor reads the same phrase more than once (a left part is stripped when its
    clause is cut and again for its indicator; one phrase is tagged for several readings);
    benchmarks clear every such cache between rounds so that no round reuses an earlier one's work.
    """
    cached = lru_cache(maxsize=4096)(fn)
    _PHRASE_CACHES.append(cached)
    return cached  # type: ignore[return-value]
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
            get_segmenter()  # loads underthesea's segmenter and POS model, then checks our reading of them
            pos_tag("khởi động")
            get_pos_tagger()
            _freeze_loaded()
            _WARMED = True


def _freeze_loaded() -> None:
    """Leave what is loaded by now (modules, models, lexicon) out of the garbage collector's walks.

    Those objects live as long as the process and are never garbage, yet every full (generation-2)
    collection walked all of them, ~115k objects, ~50-100 ms each time: a run that keeps making and
    dropping readings pays it again and again (about 8% of bench/extract_speed.py's CPU time, whose
    rounds clear the phrase caches; two collections per 2,000 documents of a plain run).
    `gc.freeze` moves them to a generation collections skip; objects made later (a document's
    readings) are collected as before. (No collection first: the loading leaves no garbage cycles,
    and one would cost every process ~80 ms at start.)
    """
    gc.freeze()


def align_spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """(start, end) in `text` of each of underthesea's words, under the segmenter's one-for-one rewrite."""
    spans: list[tuple[int, int]] = []
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
            spans.append((start, pos))
    return spans


def align_words(text: str, words: list[str]) -> list[str]:
    """Map underthesea's words back onto `text`, keeping the text's own inner spacing and characters."""
    return [text[s:e] for s, e in align_spans(text, words)]


def _check_cover(text: str, spans: list[tuple[int, int]]) -> None:
    """The words cover every non-space character of `text`, as spaCy requires of a Doc's words."""
    if "".join("".join(text[s:e] for s, e in spans).split()) != "".join(text.split()):
        raise ValueError(f"the words of {text[:60]!r} do not cover its text")


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


@phrase_cache
def word_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each word of a short phrase (segmenter only, no tagger), cached.

    The offsets are those of the tokens of `make_doc(text)` that are not spaces, without
    building a spaCy Doc: the readings that segment only ask where the words are.
    """
    if not unicodedata.is_normalized("NFC", text):  # the tokenizer reads the NFC form: let it
        return tuple((t.idx, t.idx + len(t.text)) for t in get_nlp().make_doc(text) if not t.is_space)
    if not text.strip():
        return ()
    warm_up()
    spans = align_spans(text, word_tokenize(text, use_token_normalize=False))
    _check_cover(text, spans)
    return tuple(spans)


@phrase_cache
def tagger_words(text: str) -> tuple[str, ...]:
    """underthesea's words of a short phrase as its POS tagger segments it (with its token
    normalisation), cached: a reading can ask whether a word is there before tagging."""
    if not text.strip():
        return ()
    warm_up()
    return tuple(word_tokenize(text))  # as underthesea's pos_tag segments


@phrase_cache
def tagger_spans(text: str) -> tuple[tuple[int, int], ...] | None:
    """(start, end) of each of `tagger_words(text)`, or None when they do not align with the text
    (the tagger rewrote a character: `tagged_spans` then tokenizes anew)."""
    try:
        spans = align_spans(text, list(tagger_words(text)))
    except ValueError:
        return None
    _check_cover(text, spans)
    return tuple(spans)


def surely_not_a_word(text: str, word: str) -> bool:
    """Whether no word of `tagger_spans(text)` is `word` (its text in `text`, lower-cased, equal
    to `word`, given in lower case), shown from the segmenter's weights without segmenting
    `text`; False when not shown (then segment, as before).

    True only when the tagger's tokens of `text` align with it and cover it (so `tagger_spans`
    is not None) and every run of tokens whose text is `word` surely is not one word
    (`Segmenter.never_one_word`): a word's span is that of a run of its tokens. Why: a reading
    that asks only whether a syllable stands alone (`hiện` in `thực hiện`) need not decode.
    """
    if not text.strip():
        return False
    warm_up()
    segmenter = get_segmenter()
    if segmenter is None:
        return False
    tokens = regex_tokens(text, True)  # the tokens `tagger_words` joins into words
    try:
        spans = align_spans(text, tokens)
        _check_cover(text, spans)
    except ValueError:
        return False
    if len(spans) != len(tokens):
        return False
    for i, (start, _) in enumerate(spans):
        for j in range(i, len(spans)):
            end = spans[j][1]
            if end - start > len(word):  # lower case never shortens a text
                break
            if text[start:end].lower() == word and not segmenter.never_one_word(tokens, i, j):
                return False
    return True


@phrase_cache
def tagged_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, POS) of each word of a short phrase, cached: the words are the tagger's own.

    The tagger segments as it tags, so its words are used when they align with the text (one
    segmentation instead of two); otherwise the text is tokenized anew and tagged by the
    spaCy pipeline (`make_doc`). Either way the spans and tags are those of the Doc's tokens
    that are not spaces.
    """
    pairs = pos_words(text)
    spans = tagger_spans(text)
    if spans is None:  # old tone placement, rewritten by the tagger: tokenize anew
        return tuple((t.idx, t.idx + len(t.text), t.tag_) for t in make_doc(text) if not t.is_space)
    tags = iter(tag for _, tag in pairs)
    return tuple((s, e, next(tags, "")) for s, e in spans)


@phrase_cache
def pos_words(text: str) -> tuple[tuple[str, str], ...]:
    """underthesea (word, POS) pairs for a short phrase, cached across documents."""
    if not text.strip():
        return ()
    warm_up()
    tagger = get_pos_tagger()
    if tagger is None:  # another underthesea layout: its own function, slower
        return tuple((w, t) for w, t in pos_tag(text))
    words = list(tagger_words(text))
    return tuple(zip(words, tagger.tags(words), strict=True))


def clear_caches() -> None:
    """Forget every phrase segmented, tagged or read so far (`phrase_cache`), and the n-grams the
    CRF featurizers have looked up: benchmarks time each round from cold."""
    for cached in _PHRASE_CACHES:
        cached.cache_clear()
    clear_memos()


_SYLLABLE = regex.compile(r"\S+")


def syllable_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each syllable (run of non-space characters) of `text`."""
    return [(m.start(), m.end()) for m in _SYLLABLE.finditer(text)]


def syllable_window(syllables: list[tuple[int, int]], at: int, before: int, after: int) -> tuple[int, int, int]:
    """(index of the first syllable kept, start, end) of the `before` syllables before the one
    holding offset `at`, that syllable and the `after` ones after it.

    Why: the segmenter and tagger read a word by the few syllables around it, so a reading
    that asks about one place segments only this window, not the whole phrase.
    """
    k = bisect_right(syllables, (at, sys.maxsize)) - 1  # the syllable holding `at`
    first = max(k - before, 0)
    return first, syllables[first][0], syllables[min(k + after, len(syllables) - 1)][1]

