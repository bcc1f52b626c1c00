"""The Prefect flow does what the CLI does; its tasks are plain functions underneath."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import flows
from pipeline.run import Status
from tests.conftest import CORPUS, GOLD


@pytest.fixture(scope="module")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


def test_extract_chunk_task_records_failures_as_data(tmp_path: Path) -> None:
    good = tmp_path / "ok.txt"
    good.write_text("Về phát triển kinh tế số:\nKinh tế số chiếm 20% GRDP đến năm 2025.\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    out = tmp_path / "out"
    outcomes = flows.extract_chunk.fn([(str(good), str(out / "ok.json")), (str(bad), str(out / "bad.json"))])
    assert [o.status for o in outcomes] == [Status.EXTRACTED, Status.FAILED]
    assert outcomes[1].reason == "file is empty"
    assert json.loads((tmp_path / "out" / "ok.json").read_text(encoding="utf-8"))["targets"][0]["value"] == 20


def test_corpus_flow_writes_records_and_scores_them(prefect_harness: None, tmp_path: Path) -> None:
    out = tmp_path / "records"
    summary = flows.corpus_flow(str(CORPUS), str(GOLD), str(out), chunk_size=2)
    n_docs = len(list(CORPUS.glob("*.txt")))
    assert summary["documents"] == n_docs
    assert summary["written"] == n_docs
    assert summary["failures"] == []
    assert len(list(out.glob("*.json"))) == n_docs
    assert summary["scores"]["strict"]["f1"] > 0.5
    assert "strict P" in summary["scorecard"]


def test_run_out_gives_same_named_files_in_two_folders_two_records(prefect_harness: None, tmp_path: Path) -> None:
    """`chitieu run --out` names records by id, as `extract` does: the path below the input folder."""
    for folder, value in (("a", "20%"), ("b", "30%")):
        (tmp_path / "in" / folder).mkdir(parents=True)
        (tmp_path / "in" / folder / "kh.txt").write_text(
            f"Về phát triển kinh tế số:\nKinh tế số chiếm {value} GRDP đến năm 2025.\n", encoding="utf-8")
    out = tmp_path / "records"
    summary = flows.corpus_flow(str(tmp_path / "in"), None, str(out), chunk_size=1)
    assert (summary["documents"], summary["written"], summary["failures"]) == (2, 2, [])
    for folder, value in (("a", 20), ("b", 30)):
        record = json.loads((out / folder / "kh.json").read_text(encoding="utf-8"))
        assert (record["doc_id"], record["targets"][0]["value"]) == (f"{folder}/kh", value)


def test_run_without_a_store_bounds_each_document_and_writes_the_rest(
        prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`chitieu run --out` extracted in its own process with no bounds: a document that ran for
    minutes held up the run, and one that took all memory took the run with it."""
    from pipeline.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    good = sorted(CORPUS.glob("*.txt"))[:2]
    for path in good:
        (folder / path.name).write_bytes(path.read_bytes())
    slow = folder / "slow.txt"
    slow.write_text("đến năm 2025 đạt 90% hồ sơ " * 2184 * 20, encoding="utf-8")  # well over 5 s to extract
    out = tmp_path / "records"
    code = main(["run", "--input", str(folder), "--out", str(out), "--max-seconds", "5", "-q"])
    err = capsys.readouterr().err
    assert code == 1
    assert [line for line in err.splitlines() if "slow.txt" in line] == [
        f"{slow}: took more than 5 s to extract (the per-document time bound; raise --max-seconds)"]
    assert sorted(p.name for p in out.glob("*.json")) == sorted(f"{p.stem}.json" for p in good)
    for path in good:
        assert json.loads((out / f"{path.stem}.json").read_text(encoding="utf-8"))["targets"]
