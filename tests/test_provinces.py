"""Provinces across the 1 July 2025 merger: every spelling resolves to the province of today."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml

from extractors.lexicon import LEXICON_DIR
from extractors.provinces import DATA, NATIONAL, MergerData, current_province, get_provinces
from pipeline.extract import extract_path
from tests.conftest import CORPUS, DEV, SHARED, needs_dev

DEV2 = SHARED / "corpus-dev2"


@pytest.mark.parametrize(
    "written, today",
    [
        ("TPHCM", "Hồ Chí Minh"),
        ("TP.HCM", "Hồ Chí Minh"),
        ("TP. Hồ Chí Minh", "Hồ Chí Minh"),
        ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("tỉnh Bình Dương", "Hồ Chí Minh"),
        ("Bà Rịa-Vũng Tàu", "Hồ Chí Minh"),
        ("Thừa Thiên Huế", "Huế"),
        ("Thừa Thiên - Huế", "Huế"),
        ("thành phố Huế", "Huế"),
        ("Khánh Hoà", "Khánh Hòa"),
        ("Hoà Bình", "Phú Thọ"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("Quảng Bình", "Quảng Trị"),
        ("Bình Thuận", "Lâm Đồng"),
        ("Đăk Nông", "Lâm Đồng"),
        ("Bắc Cạn", "Thái Nguyên"),
        ("Kon Tum", "Quảng Ngãi"),
        ("Nam Định", "Ninh Bình"),
        ("Hậu Giang", "Cần Thơ"),
        ("Hà Nội", "Hà Nội"),
        ("Việt Nam", "Việt Nam"),
        ("Atlantis", None),
        (None, None),
    ],
)
def test_former_and_current_spellings_resolve(written: str | None, today: str | None) -> None:
    assert current_province(written) == today


def test_merger_table_holds_34_current_and_63_former_provinces() -> None:
    provinces = get_provinces()
    assert len(provinces.data.current) == 34
    assert sum(len(c.former) for c in provinces.data.current) == 63
    assert provinces.former_of("Hồ Chí Minh") == ["Bình Dương", "Bà Rịa - Vũng Tàu", "Hồ Chí Minh"]
    assert provinces.by_code["44"].name == "Quảng Trị"


def test_every_name_the_extractor_knows_resolves() -> None:
    """The extractor's province list (pre-merger names and aliases) and the merger table agree."""
    known = yaml.safe_load((LEXICON_DIR / "provinces.yaml").read_text(encoding="utf-8"))
    names = known["provinces"] + known["merged_2025"] + list(known["aliases"])
    assert [n for n in names if current_province(n) is None] == []


def test_current_name_reads_the_name_once_as_is_national_then_resolve_would() -> None:
    # `current_name` keys the name once; the answer is that of asking `is_national`, then `resolve`
    provinces = get_provinces()
    known = yaml.safe_load((LEXICON_DIR / "provinces.yaml").read_text(encoding="utf-8"))
    names = [*known["provinces"], *known["merged_2025"], *known["aliases"], *provinces.data.national]
    names += [n for c in provinces.data.current for n in (c.name, *c.aliases, *(f.name for f in c.former))]
    names += ["TP.HCM", "tỉnh  Bình  Dương", "BìnhDương", "Atlantis", "", " ", "Tỉnh", None]
    for name in names:
        unit = provinces.resolve(name)
        two_steps = NATIONAL if provinces.is_national(name) else (unit.name if unit else None)
        assert provinces.current_name(name) == two_steps, name


def test_a_table_that_loses_a_province_is_refused() -> None:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    data["current"][2]["former"] = data["current"][2]["former"][:1]  # Tuyên Quang without Hà Giang
    with pytest.raises(ValueError, match="62 provinces, expected 63"):
        MergerData.model_validate(data)


# The province today of each document's own province (facts about provinces, not text).
SEEDS = {
    "000_7a2557ccfcb18e76": "Hồ Chí Minh", "001_15997fbed6db0b97": "Đồng Tháp",
    "002_0eed9f5125a01b02": "Lâm Đồng", "003_14bb54a316deb404": "Quảng Trị",
    "004_e6ada6a5baa97eb8": "Bắc Ninh", "101_inhouse_official_plan": "Hà Tĩnh",
    "102_inhouse_news_article": "Bắc Ninh",
}
# d01, d02, d05 (dev) and d23, d38 (dev2) never name their province: the record says null.
DEV_SET = {
    "d01": None, "d02": None, "d03": "Lạng Sơn", "d04": "Huế", "d05": None, "d06": "Hải Phòng",
    "d07": "Khánh Hòa", "d08": "Lâm Đồng", "d09": "Hồ Chí Minh", "d10": "Quảng Ngãi", "d11": "Cần Thơ",
    "d12": "Thanh Hóa", "d13": "Đồng Tháp", "d14": "Lào Cai", "d15": "Điện Biên", "d16": "Việt Nam",
    "d17": "Việt Nam", "d18": "Tuyên Quang", "d19": "Đồng Nai", "d20": "Vĩnh Long",
}
DEV2_SET = {
    "d21": "Nghệ An", "d22": "Thanh Hóa", "d23": None, "d24": "Khánh Hòa", "d25": "Phú Thọ",
    "d26": "Việt Nam", "d27": "Thái Nguyên", "d28": "Cần Thơ", "d29": "Huế", "d30": "Hồ Chí Minh",
    "d31": "Quảng Ninh", "d32": "Thanh Hóa", "d33": "Tuyên Quang", "d34": "Phú Thọ", "d35": "Việt Nam",
    "d36": "Quảng Ngãi", "d37": "Sơn La", "d38": None, "d39": "Lào Cai", "d40": "Phú Thọ",
    "d41": "Việt Nam", "d42": "Thái Nguyên", "d43": "Tuyên Quang", "d44": "Thanh Hóa", "d45": "Ninh Bình",
}


def _check(folder: Path, expected: Mapping[str, str | None]) -> None:
    got = {doc: extract_path(folder / f"{doc}.txt").province_current for doc in expected}
    assert got == expected


def test_province_current_of_every_seed_document() -> None:
    _check(CORPUS, SEEDS)


@needs_dev
def test_province_current_of_every_dev_document() -> None:
    _check(DEV, DEV_SET)


@pytest.mark.skipif(not (DEV2 / "gold").is_dir(), reason="../shared/corpus-dev2 is not present")
def test_province_current_of_every_dev2_document() -> None:
    _check(DEV2, DEV2_SET)
