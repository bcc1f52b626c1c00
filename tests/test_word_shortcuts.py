"""Text tests that spare the tagger (or a long pattern search) give the full reading's answer.

A reading that needs underthesea's words and tags first asks the text whether the words it
looks for can be there at all (`owners._may_name_level`, `coordination._may_repeat_a_head`);
a pattern anchored at the end is run only when the text ends as a match must
(`clause._without_trailing_conj`). Each row here is read with the shortcut and without it, and
both must give the expected answer.
"""

from __future__ import annotations

import pytest

from extractors import clause, coordination, owners
from extractors.lexicon import get_lexicon
from tests.conftest import CORPUS, DEV, needs_dev


def _levels(found: list[owners.Owner]) -> tuple[str, ...]:
    return tuple(s for o in found for s in o.scopes)


@pytest.mark.parametrize(
    ("segment", "levels"),
    [
        ("văn bản của cơ quan quản lý nhà nước được ký số", ()),
        ("hồ sơ của Ủy ban nhân dân tỉnh được số hóa", ()),  # the province itself, not its level
        ("dữ liệu của cơ quan, đơn vị được chia sẻ trên môi trường mạng", ()),
        ("sản phẩm của hợp tác xã được bán trực tuyến", ()),  # `xã` inside a word: maybe, and no
        ("văn bản của các xã, phường được ký số", ("commune",)),
        ("hồ sơ của các trường trực thuộc tỉnh được số hóa", ("province",)),
        ("văn bản của các đơn vị thuộc tỉnh", ("province",)),
        ("văn bản, hồ sơ của Sở Giáo dục và Đào tạo được ký số", ("province",)),
        ("hồ sơ của Ủy ban nhân dân cấp huyện được xử lý", ("district",)),
        ("văn bản của UBND CẤP TỈNH được ký số", ("province",)),
        ("văn bản của phòng giáo dục các huyện, thị xã được ký số", ("district",)),
        ("hồ sơ của  cơ   quan    các quận được số hóa", ("district",)),
    ],
)
def test_genitive_owner_read_with_and_without_the_text_test(
    segment: str, levels: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    lex = get_lexicon()
    assert _levels(owners.owner_genitive(segment, lex)) == levels
    monkeypatch.setattr(owners, "_may_name_level", lambda text, cls: True)
    assert _levels(owners.owner_genitive(segment, lex)) == levels


def _every_genitive_window() -> list[str]:
    """The window read after each `của` + owner head in the texts of corpus/, corpus-dev and corpus-dev2."""
    from pipeline.ingest.load import expand_inputs, load_source

    cls = owners._classes(get_lexicon())
    folders = [p for p in (CORPUS, DEV, DEV.parent / "corpus-dev2") if p.is_dir()]
    texts = [load_source(p).text for p in expand_inputs(folders)]
    return [t[m.start() : m.start() + owners._MAX_OWNER_CHARS] for t in texts for m in cls.genitive_at.finditer(t)]


@needs_dev
def test_no_real_genitive_owner_is_skipped_by_the_text_test() -> None:
    """Every owner window of the corpora that the text test skips is one the tagged reading finds no level in."""
    cls = owners._classes(get_lexicon())
    skipped = [w for w in _every_genitive_window() if not owners._may_name_level(w, cls)]
    assert skipped  # the corpora have such owners (`của cơ quan quản lý nhà nước`)
    assert [w for w in skipped if owners._read_phrase(owners._words(w), 1, cls, head_owner=False)] == []


@pytest.mark.parametrize(
    ("lead", "levels"),
    [
        ("Các phường của thành phố xác định chỉ tiêu gồm", ("commune",)),
        ("Các cơ quan nhà nước phấn đấu", ()),
        ("Các sở, ban, ngành triển khai", ("province",)),
        ("Đối với cấp xã", ("commune",)),
        ("Các cơ quan xã hội", ()),
    ],
)
def test_list_head_owner_read_with_and_without_the_text_test(
    lead: str, levels: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    lex = get_lexicon()
    assert owners.head_owner(lead, lex) == levels
    monkeypatch.setattr(owners, "_may_name_level", lambda text, cls: True)
    assert owners.head_owner(lead, lex) == levels


@pytest.mark.parametrize(
    ("right", "expected"),
    [
        (" hồ sơ cấp tỉnh, và", " hồ sơ cấp tỉnh"),
        (" hồ sơ cấp tỉnh và ", " hồ sơ cấp tỉnh"),
        (" người dân hoặc", " người dân"),
        (" doanh nghiệp VÀ", " doanh nghiệp"),
        (" dịch vụ công trực tuyến;", " dịch vụ công trực tuyến"),
        (" dịch vụ công trực tuyến ,\n", " dịch vụ công trực tuyến"),
        (" dịch vụ công trực tuyến", " dịch vụ công trực tuyến"),
        (" vàng và bạc", " vàng và bạc"),
        (" quà tặng", " quà tặng"),
        ("và", "và"),  # a conjunction with nothing before it is no trailing one
        ("", ""),
    ],
)
def test_trailing_conjunction_cut_with_and_without_the_end_test(right: str, expected: str) -> None:
    assert clause._without_trailing_conj(right) == expected
    assert clause._TRAILING_CONJ.sub("", right) == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("tài khoản A, tài khoản B", True),
        ("chỉ số A và chỉ số B", True),
        ("CHỈ SỐ A VÀ CHỈ SỐ B", True),
        ("hồ sơ được xử lý trực tuyến", False),
        ("hồ sơ, giấy tờ", False),
        ("", False),
    ],
)
def test_repeated_head_text_test_with_and_without_the_join_test(phrase: str, expected: bool) -> None:
    """A phrase with no `,` and no `và` has no join to repeat a head after: answered before the scan."""
    low = phrase.lower()
    scanned = any(coordination._has_whole_word(low, m["word"], m.start()) for m in coordination._AFTER_JOIN.finditer(low))
    assert coordination._may_repeat_a_head(phrase) is scanned is expected
