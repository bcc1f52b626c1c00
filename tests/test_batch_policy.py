"""The batch's runner policy and options, without Prefect running a flow.

Chunk sizes and worker counts decide how long a run takes and how much an interruption
loses (README, "Batch runs"); `BatchOptions` is what a deployment's JSON parameters become.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import flows
from pipeline.batch.options import BatchOptions
from pipeline.batch.policy import (
    IN_PROCESS_CHUNK,
    MAX_CHUNK,
    MIN_CHUNK,
    PARALLEL_MIN_DOCS,
    check_scheduler,
    chunk_size_for,
    chunked,
    local_plan,
)
from pipeline.batch.refs import run_job
from pipeline.batch.sandbox import Bounds
from pipeline.batch.scan import scan_input
from pipeline.batch.tally import RunTally
from pipeline.errors import ChitieuError
from pipeline.extract import version_tag
from pipeline.ingest.archive import Limits, Reader
from pipeline.ingest.source import sha256_bytes
from pipeline.limits import MAX_BYTES
from pipeline.store.db import Store


def test_chunked_keeps_order_and_size() -> None:
    assert chunked(["a", "b", "c"], 2) == [["a", "b"], ["c"]]
    assert chunked([], 5) == []


@pytest.mark.parametrize(("todo", "workers"), [(600, 2), (1000, 2), (5000, 2), (100_000, 8), (2400, 3)])
def test_parallel_chunks_are_equal_shares_within_bounds(todo: int, workers: int) -> None:
    size = chunk_size_for(todo, workers)
    chunks = -(-todo // size)
    assert MIN_CHUNK <= size <= MAX_CHUNK
    assert chunks % workers == 0  # every worker gets the same number of chunks: none idles at the end


def test_a_small_input_is_one_chunk_per_worker() -> None:
    assert chunk_size_for(10, 2) == 5
    assert chunk_size_for(1, 4) == 1


@pytest.mark.parametrize(
    ("todo", "workers", "chunk_size", "expected"),
    [
        (PARALLEL_MIN_DOCS - 1, None, None, (1, IN_PROCESS_CHUNK)),  # a pool would cost more than it saves
        (10, 2, None, (2, 5)),  # workers asked for: used, in equal shares
        (10, 4, 10, (1, 10)),  # one chunk: one worker, never more workers than chunks
        (1000, 8, 400, (3, 400)),  # as many workers as chunks
        (0, None, None, (1, IN_PROCESS_CHUNK)),
    ],
)
def test_local_plan(todo: int, workers: int | None, chunk_size: int | None, expected: tuple[int, int]) -> None:
    assert local_plan(todo, workers, chunk_size) == expected


def test_an_unreachable_scheduler_is_one_line() -> None:
    with pytest.raises(ChitieuError, match=r"^cannot reach a Dask scheduler at tcp://127\.0\.0\.1:1: "):
        check_scheduler("tcp://127.0.0.1:1", timeout=1.0)
    with pytest.raises(ChitieuError, match="cannot reach a Dask scheduler at nonsense"):
        check_scheduler("nonsense")


def test_options_defaults_are_the_command_line_defaults() -> None:
    options = BatchOptions()
    assert (options.workers, options.chunk_size, options.dask_address, options.cache) == (None, None, None, True)
    assert options.max_bytes == MAX_BYTES and options.bounds == Bounds()
    assert BatchOptions(bounds=Bounds(max_bytes=10)).max_bytes == 10
    assert BatchOptions(bounds=Bounds(max_seconds=3.0)).task_bounds()["max_seconds"] == 3.0


def test_options_are_frozen() -> None:
    with pytest.raises(AttributeError):
        BatchOptions().workers = 2  # type: ignore[misc]


def test_a_deployments_json_parameters_become_options() -> None:
    """`prefect deploy … --param 'options={…}'` (README): Prefect validates the JSON into BatchOptions."""
    params = flows.batch_flow.validate_parameters(
        {"input": "in", "store": "s.duckdb", "options": {"workers": 4, "manifests": ["m.csv"],
                                                         "bounds": {"max_seconds": 60}}})
    options = params["options"]
    assert isinstance(options, BatchOptions) and isinstance(options.bounds, Bounds)
    assert (options.workers, options.manifests, options.bounds.max_seconds) == (4, ("m.csv",), 60.0)
    assert flows.batch_flow.validate_parameters({"input": "in", "store": "s.duckdb"}).get("options") is None


def test_scan_lists_each_document_once_and_skips_what_is_stored(tmp_path: Path) -> None:
    """Without Prefect: the same bytes under two names are one document; stored ones are skipped."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Đến năm 2025, 90% hồ sơ được xử lý trực tuyến.\n", encoding="utf-8")
    (folder / "b.txt").write_text("Đến năm 2025, 90% hồ sơ được xử lý trực tuyến.\n", encoding="utf-8")
    (folder / "c.txt").write_text("Đến năm 2030, 100% xã có cáp quang.\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    version = version_tag()  # the store keeps a plan under the version that made it
    with Store.open(tmp_path / "s.duckdb") as db:
        run_id = db.begin_run(str(folder), version, "local", 1)
        scan = scan_input(db, run_id, folder, version, Limits())
        assert (scan.documents, scan.duplicates, scan.skipped) == (4, 1, 1)
        assert sorted(r["doc_id"] for r in scan.todo) == ["a", "c", "empty"]
        assert {r["sha256"] for r in scan.todo} == {sha256_bytes(p.read_bytes()) for p in folder.iterdir()}
        with Reader(Limits()) as reader:
            stored = db.write_outcomes(run_id, [run_job(reader, r) for r in scan.todo], version)
        assert [o.failed for o in stored] == [False, False, True]  # the empty file fails, by name
        again = scan_input(db, db.begin_run(str(folder), version, "local", 1), folder, version, Limits())
        assert sorted(r["doc_id"] for r in again.todo) == ["empty"]  # only what has no plan is extracted again
        assert again.skipped == 3


def _tallied_run(db: Store, folder: Path) -> dict[str, object]:
    """One run as `batch_flow` stores it, chunk by chunk, with no Prefect: scan, extract, tally."""
    version = version_tag()
    run_id = db.begin_run(str(folder), version, "local", 1)
    scan = scan_input(db, run_id, folder, version, Limits())
    tally = RunTally.start(db, run_id, str(folder.resolve()), version, scan)
    tally.store_skipped()
    with Reader(Limits()) as reader:
        for chunk in chunked(scan.todo, 1):
            tally.store(chunk, [run_job(reader, r) for r in chunk])
    return tally.finish(0.0)


def test_a_run_tally_counts_chunks_and_keeps_a_failed_file_from_removal(tmp_path: Path) -> None:
    """What `chitieu run --store` reports: processed, failed by name, and ids the input lost marked removed."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Đến năm 2025, 90% hồ sơ được xử lý trực tuyến.\n", encoding="utf-8")
    (folder / "c.txt").write_text("Đến năm 2030, 100% xã có cáp quang.\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    with Store.open(tmp_path / "s.duckdb") as db:
        first = _tallied_run(db, folder)
        assert (first["processed"], first["failed"], first["targets"], first["removed"]) == (2, 1, 2, 0)
        assert [f["name"] for f in first["failures"]] == [str(folder / "empty.txt")]  # type: ignore[attr-defined]
        (folder / "c.txt").unlink()
        again = _tallied_run(db, folder)
        # a is stored already; c is gone (removed); the empty file fails again but is still there (kept)
        assert (again["processed"], again["skipped"], again["failed"], again["removed"]) == (0, 1, 1, 1)
        assert again["targets"] == 1  # the stored document's targets count in the run's total
