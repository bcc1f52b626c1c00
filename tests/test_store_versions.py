"""The store says what the input holds now (issue 12 item 2, issue 15 points 5, 7, 8).

A corrected file supersedes its old plan, a deleted one is marked removed, both are kept
for history and left out of the views and exports; the analyst view joins each target
with its document's fields, sidecar metadata and run; each run keeps its quality summary.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

import flows
from pipeline.batch.options import BatchOptions
from pipeline.store.db import Store
from pipeline.store.export import export_store

pytestmark = pytest.mark.usefixtures("prefect_api")

DOC = (
    "KẾ HOẠCH\nChuyển đổi số tỉnh Bình Thuận giai đoạn 2021 - 2025\n"
    "Về phát triển kinh tế số:\nĐến năm 2025, kinh tế số chiếm 20% GRDP của tỉnh.\n"
    "Về phát triển chính quyền số:\nĐến năm 2025, 100% hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng.\n"
)


def run(folder: Path, store: Path, **options: Any) -> dict[str, Any]:
    return flows.run_batch(str(folder), str(store), BatchOptions(workers=1, cache=False, **options))


def query(store: Path, sql: str) -> list[tuple[Any, ...]]:
    with Store.open(store, read_only=True) as db:
        return db.query(sql)[1]


def make_input(folder: Path) -> None:
    (folder / "2024").mkdir(parents=True)
    (folder / "2025").mkdir()
    (folder / "2024" / "kehoach.txt").write_text(DOC, encoding="utf-8")
    (folder / "2025" / "kehoach.txt").write_text(DOC.replace("Bình Thuận", "Lâm Đồng"), encoding="utf-8")
    (folder / "gone.txt").write_text(DOC.replace("20%", "15%"), encoding="utf-8")


def test_a_corrected_file_supersedes_its_plan_and_a_deleted_one_is_removed(tmp_path: Path) -> None:
    folder, store = tmp_path / "in", tmp_path / "s.duckdb"
    make_input(folder)
    first = run(folder, store)
    assert (first["processed"], first["superseded"], first["removed"]) == (3, 0, 0)
    assert sorted(r[0] for r in query(store, "SELECT doc_id FROM current_plans")) == [
        "2024/kehoach", "2025/kehoach", "gone"]  # same file names, two ids
    path = folder / "2024" / "kehoach.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("20%", "25%"), encoding="utf-8")
    (folder / "gone.txt").unlink()
    second = run(folder, store)
    assert (second["processed"], second["skipped"], second["superseded"], second["removed"]) == (1, 1, 1, 1)
    assert query(store, "SELECT doc_id, version_status FROM all_plans ORDER BY 1, 2") == [
        ("2024/kehoach", "current"), ("2024/kehoach", "superseded"), ("2025/kehoach", "current"),
        ("gone", "removed")]
    # the README's count per province counts each document once
    assert query(store, "SELECT doc_id, count(*) FROM current_targets GROUP BY 1 ORDER BY 1") == [
        ("2024/kehoach", 2), ("2025/kehoach", 2)]
    assert query(store, "SELECT value FROM current_targets WHERE doc_id = '2024/kehoach' AND unit = 'percent' "
                        "ORDER BY value") == [(25.0,), (100.0,)]
    records = tmp_path / "plans.jsonl"
    export_store(store, "jsonl", records)
    assert len(records.read_text(encoding="utf-8").splitlines()) == 2
    history = tmp_path / "history.csv"
    export_store(store, "csv", history, history=True)
    with duckdb.connect() as con:
        statuses = con.execute(f"SELECT version_status, count(*) FROM read_csv_auto('{history}') GROUP BY 1 "
                               "ORDER BY 1").fetchall()
    assert statuses == [("current", 4), ("removed", 2), ("superseded", 2)]  # kept, marked
    (folder / "gone.txt").write_text(DOC.replace("20%", "15%"), encoding="utf-8")  # back again
    third = run(folder, store)
    assert third["processed"] == 0
    assert ("gone", "current") in query(store, "SELECT doc_id, version_status FROM all_plans")


def test_the_analyst_view_joins_document_fields_metadata_and_run_and_is_what_parquet_gives(tmp_path: Path) -> None:
    folder, store = tmp_path / "in", tmp_path / "s.duckdb"
    make_input(folder)
    manifest = [{"file": "2025/kehoach.txt", "url": "https://lamdong.gov.vn/kh", "province": "Lâm Đồng",
                 "title": "Kế hoạch chuyển đổi số", "why": "a curator's note, not stored"}]
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    summary = run(folder, store)
    rows = query(store, "SELECT doc_id, province, url, title, metadata_province, run_id, extracted_at IS NOT NULL, "
                        "ordinal, value FROM current_targets WHERE doc_id = '2025/kehoach' ORDER BY ordinal")
    assert rows[0] == ("2025/kehoach", "Lâm Đồng", "https://lamdong.gov.vn/kh", "Kế hoạch chuyển đổi số",
                       "Lâm Đồng", summary["run_id"], True, 0, 20.0)
    parquet = tmp_path / "targets.parquet"
    export_store(store, "parquet", parquet)
    with duckdb.connect() as con:
        exported = con.execute(f"SELECT * FROM read_parquet('{parquet}') ORDER BY doc_id, ordinal").fetchall()
    assert exported == query(store, "SELECT * FROM current_targets ORDER BY doc_id, ordinal")
    comments = dict(query(store, "SELECT column_name, comment FROM duckdb_columns() "
                                 "WHERE table_name = 'current_targets'"))
    assert all(comments.values()), [c for c, text in comments.items() if not text]
    assert "sidecar" in comments["url"] and "deadline" not in comments["url"]


def test_each_run_keeps_its_data_quality_summary(tmp_path: Path) -> None:
    folder, store = tmp_path / "in", tmp_path / "s.duckdb"
    folder.mkdir()
    (folder / "kh.txt").write_text(DOC, encoding="utf-8")
    (folder / "none.txt").write_text("Thông báo lịch họp tuần của Văn phòng.\n", encoding="utf-8")
    summary = run(folder, store)
    quality = summary["quality"]
    assert (quality["documents"], quality["documents_without_targets"], quality["targets"]) == (2, 1, 2)
    assert quality["missing"]["deadline_year"] == 0 and quality["missing"]["province"] == 0
    assert quality["missing"]["scope"] == 1  # "cấp tỉnh" gives the second target its scope
    [(stored,)] = query(store, f"SELECT quality FROM runs WHERE run_id = '{summary['run_id']}'")
    assert json.loads(stored) == quality
