"""Text tests that spare the tagger give the tagged reading's answer.

A reading that needs underthesea's words and tags first asks the text whether the words it
looks for can be there at all (`owners._may_name_level`); each row here is read with the
shortcut and without it (the test forced to say "maybe"), and both must give the expected answer.
"""

from __future__ import annotations

import pytest

from extractors import owners
from extractors.lexicon import get_lexicon


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
