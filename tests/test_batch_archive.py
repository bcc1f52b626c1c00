"""Batch input: folders and zips listed as refs; hostile archives refused with reasons."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import IngestError
from pipeline.ingest.archive import (
    ArchiveError,
    DocRef,
    Limits,
    Reader,
    Refused,
    check_input,
    list_input,
)

TEXT = "Kế hoạch chuyển đổi số tỉnh Bình Thuận năm 2025\nKinh tế số chiếm 20% GRDP của tỉnh.\n"


def make_zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def refused(entries: list[DocRef | Refused]) -> dict[str, str]:
    return {e.name.split("!", 1)[1]: e.reason for e in entries if isinstance(e, Refused)}


def test_folder_lists_supported_files_sorted_and_refuses_other_types(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.html").write_text(f"<p>{TEXT}</p>", encoding="utf-8")
    (tmp_path / "notes.xyz").write_bytes(b"PK")
    (tmp_path / "manifest.json").write_text("[]", encoding="utf-8")  # a companion, not a document
    entries = list_input(tmp_path)
    docs = [e for e in entries if isinstance(e, DocRef)]
    assert [Path(e.name).name for e in docs] == ["b.txt", "a.html"]
    assert [e.doc_id for e in docs] == ["b", "sub/a"]
    assert all(e.member is None for e in docs)
    assert [(Path(e.name).name, "unsupported" in e.reason) for e in entries if isinstance(e, Refused)] == [
        ("notes.xyz", True)]


def test_zip_members_are_refs_and_read_back(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "in.zip", {"plans/kh.txt": TEXT.encode(), "plans/": b"", "readme.xyz": b"x"})
    entries = list_input(archive)
    assert [e for e in entries if isinstance(e, DocRef)] == [
        DocRef(f"{archive}!plans/kh.txt", str(archive), "plans/kh.txt", "plans/kh")]
    assert "unsupported file type '.xyz'" in refused(entries)["readme.xyz"]
    with Reader() as reader:
        source = reader.source(entries[0])  # type: ignore[arg-type]
    assert source.doc_id == "plans/kh"
    assert source.path == f"{archive}!plans/kh.txt"
    assert "20% GRDP" in source.text


@pytest.mark.parametrize(
    ("member", "reason"),
    [
        ("../evil.txt", "path traversal"),
        ("plans/../../evil.txt", "path traversal"),
        ("/etc/evil.txt", "absolute member path"),
        ("C:/Windows/evil.txt", "absolute member path"),
        ("..\\evil.txt", "path traversal"),
    ],
)
def test_zip_path_traversal_is_refused(tmp_path: Path, member: str, reason: str) -> None:
    archive = make_zip(tmp_path / "in.zip", {"ok.txt": TEXT.encode(), member: TEXT.encode()})
    entries = list_input(archive)
    assert reason in refused(entries)[member]
    assert [e.name for e in entries if isinstance(e, DocRef)] == [f"{archive}!ok.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.zip"]  # nothing extracted anywhere


def test_zip_symlink_member_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "in.zip"
    info = zipfile.ZipInfo("link.txt")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(info, "/etc/passwd")
    assert "symbolic link" in refused(list_input(archive))["link.txt"]


def test_zip_member_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "in.zip", {"big.txt": b"a" * 5000, "ok.txt": TEXT.encode()})
    entries = list_input(archive, Limits(max_bytes=4000))
    assert "over the 4000-byte limit" in refused(entries)["big.txt"]
    assert sum(isinstance(e, DocRef) for e in entries) == 1


def test_zip_member_compressing_like_a_bomb_is_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "in.zip", {"bomb.txt": b"\0" * 3_000_000})
    assert "decompression bomb" in refused(list_input(archive))["bomb.txt"]


def test_zip_whose_members_inflate_past_the_total_is_refused_whole(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "in.zip", {f"d{i}.txt": TEXT.encode() * 20 for i in range(5)})
    with pytest.raises(ArchiveError, match="decompression bomb"):
        list_input(archive, Limits(max_total=5000))
    with pytest.raises(ArchiveError, match="decompression bomb"):
        check_input(archive, Limits(max_total=5000))


def test_reader_refuses_a_member_that_inflates_past_its_limit(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "in.zip", {"big.txt": b"a" * 5000})
    ref = DocRef(f"{archive}!big.txt", str(archive), "big.txt")
    with Reader(Limits(max_bytes=4000)) as reader, pytest.raises(IngestError, match="limit"):
        reader.read_bytes(ref)


def test_duplicate_member_names_are_refused(tmp_path: Path) -> None:
    archive = tmp_path / "in.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("kh.txt", TEXT)
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr("kh.txt", TEXT.replace("20%", "30%"))
    entries = list_input(archive)
    assert len(entries) == 2 and all(isinstance(e, Refused) for e in entries)


@pytest.mark.parametrize("name", ["missing", "notes.xyz", "broken.zip"])
def test_missing_unknown_or_broken_input_is_refused_whole(tmp_path: Path, name: str) -> None:
    if name != "missing":
        (tmp_path / name).write_bytes(b"not a zip")
    with pytest.raises(ArchiveError):
        check_input(tmp_path / name)
