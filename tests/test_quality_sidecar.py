"""Quality summaries and sidecar manifests as users see them (issue 15, points 5 and 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.batch.progress import render_summary
from pipeline.cli import main
from pipeline.ingest.sidecar import SidecarError, manifests_for, merge_metadata
from pipeline.store.quality import render, summarize

TEXT = "Kế hoạch chuyển đổi số năm 2025\nVề phát triển kinh tế số:\nKinh tế số chiếm 20% GRDP.\n"


def test_quality_counts_targets_without_each_field_and_documents_without_targets() -> None:
    plans = [
        {"province": "Gia Lai", "targets": [{"deadline_year": 2025, "scope": None, "pillar": "economy"},
                                            {"deadline_year": None, "scope": "province", "pillar": None}]},
        {"province": None, "targets": [{"deadline_year": 2030, "scope": None, "pillar": "society"}]},
        {"province": "Huế", "targets": []},
    ]
    q = summarize(plans)
    assert q["missing"] == {"deadline_year": 1, "province": 1, "scope": 2, "pillar": 1}
    assert (q["documents"], q["documents_without_targets"], q["targets"]) == (3, 1, 3)
    assert render(q) == ("quality: 3 targets; without deadline_year 33% (1), province 33% (1), scope 67% (2), "
                         "pillar 33% (1); 1 of 3 documents without a target")


def test_the_closing_summary_of_a_run_shows_versions_and_quality() -> None:
    summary = {"documents": 3, "processed": 1, "skipped": 2, "failed": 0, "targets": 3, "seconds": 1.0,
               "docs_per_second": 1.0, "store": "s.duckdb", "run_id": "r1", "extractor_version": "v",
               "superseded": 1, "removed": 1, "quality": summarize([{"province": None, "targets": [{}]}])}
    text = render_summary(summary)
    assert "versions: 1 superseded, 1 removed" in text
    assert "quality: 1 targets; without deadline_year 100% (1)" in text


@pytest.mark.parametrize(
    ("ingested", "sidecar", "expected"),
    [
        ({"title": "Trang chủ"}, {"url": "https://x.vn/a"}, {"title": "Trang chủ", "url": "https://x.vn/a"}),
        ({"title": "Trang chủ"}, {"title": "Kế hoạch 12"}, {"title": "Kế hoạch 12", "ingest_title": "Trang chủ"}),
        ({"published": "2024-05-01"}, {"published": "2024-05-01"}, {"published": "2024-05-01"}),
    ],
)
def test_sidecar_facts_sit_beside_what_ingest_read(ingested: dict[str, str], sidecar: dict[str, str],
                                                   expected: dict[str, str]) -> None:
    assert merge_metadata(ingested, sidecar) == expected


def test_extract_reads_a_manifest_json_in_the_folder_and_a_csv_named_on_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "b.txt").write_text(TEXT, encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps(
        [{"file": "a.txt", "url": "https://camau.gov.vn/a", "province": "Cà Mau", "why": "curator note"}],
        ensure_ascii=False), encoding="utf-8")
    csv = tmp_path / "more.csv"
    csv.write_text("file,url,published,title\nin/b.txt,https://x.vn/b,2024-03-02,Kế hoạch B\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(folder), "--out", str(out), "--manifest", str(csv), "-q"]) == 0
    a = json.loads((out / "a.json").read_text(encoding="utf-8"))
    b = json.loads((out / "b.json").read_text(encoding="utf-8"))
    assert a["metadata"] == {"url": "https://camau.gov.vn/a", "province": "Cà Mau"}
    assert a["province"] is None  # the text names no province: what the text says stays apart
    assert b["metadata"] == {"url": "https://x.vn/b", "published": "2024-03-02", "title": "Kế hoạch B"}


def test_a_manifest_that_cannot_be_used_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text('{"file": "a.txt"}', encoding="utf-8")
    with pytest.raises(SidecarError, match="a manifest is a list of objects"):
        manifests_for([], [bad])
    with pytest.raises(SidecarError, match="no such manifest"):
        manifests_for([], [tmp_path / "none.csv"])
