"""The DuckDB store: whole plans or nothing, skips by version, exports users load elsewhere."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline.extract import version_tag
from pipeline.run import Outcome, Status, run_one
from pipeline.store.db import Store, StoreError, pack, unpack
from pipeline.store.export import ExportError, export_store
from schemas.plan import Plan
from tests.conftest import CORPUS

FILES = sorted(CORPUS.glob("*.txt"))[:3]


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    """What workers return for corpus files, after the trip back to the flow's process."""
    return unpack(pack([run_one(p, size=p.stat().st_size) for p in FILES]))


def counts(store: Store) -> dict[str, int]:
    return {t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in ("documents", "names", "plans", "targets", "failures")}


def test_write_then_skip_lookup_by_version(tmp_path: Path, outcomes: list[Outcome]) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        run = store.begin_run("corpus", version_tag(), "local", 1)
        store.write_outcomes(run, outcomes, version_tag())
        shas = [o.sha256 for o in outcomes if o.sha256]
        stored = store.stored(shas, version_tag())
        assert set(stored) == set(shas)
        assert sum(stored.values()) == sum(o.targets for o in outcomes)
        assert store.stored(shas, "0.0.0+lex.other") == {}
        assert counts(store)["targets"] == sum(stored.values())
        columns = ("value", "value_max", "unit", "comparator", "direction", "indicator", "scope", "deadline_year",
                   "pillar", "achieved", "quote", "start", "end", "sentence")
        for o in outcomes:
            rows = store.con.execute(
                "SELECT " + ", ".join(f'"{c}"' for c in columns) + " FROM targets WHERE sha256 = ? ORDER BY ordinal",
                [o.sha256]).fetchall()
            assert rows == [tuple(t[c] for c in columns) for t in json.loads(o.record or "")["targets"]]


def test_rewriting_a_plan_replaces_its_targets(tmp_path: Path, outcomes: list[Outcome]) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        run = store.begin_run("corpus", version_tag(), "local", 1)
        store.write_outcomes(run, outcomes, version_tag())
        before = counts(store)
        newer = [replace(o, record=json.dumps({**json.loads(o.record or ""), "extractor_version": "new-version"}))
                 for o in outcomes]
        store.write_outcomes(run, newer, "new-version")
        assert counts(store) == before
        assert len(store.stored([o.sha256 or "" for o in outcomes], "new-version")) == len(outcomes)
        assert store.stored([o.sha256 or "" for o in outcomes], version_tag()) == {}


def test_a_crash_inside_a_chunk_leaves_no_half_written_plan(
    tmp_path: Path, outcomes: list[Outcome], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        run = store.begin_run("corpus", version_tag(), "local", 1)
        store.write_outcomes(run, outcomes[:1], version_tag())
        before = counts(store)

        def power_cut(*args: Any, **kwargs: Any) -> None:
            store.con.execute("DELETE FROM targets")  # half-done work inside the transaction
            raise RuntimeError("power cut")

        monkeypatch.setattr(store, "_write_plans", power_cut)
        with pytest.raises(RuntimeError, match="power cut"):
            store.write_outcomes(run, outcomes[1:], version_tag())
        assert counts(store) == before  # rolled back: the chunk is absent, the earlier plan intact


def test_a_plan_that_cannot_be_stored_fails_alone_with_its_reason(tmp_path: Path, outcomes: list[Outcome]) -> None:
    broken = replace(outcomes[0], record='{"doc_id": "kh", "targets": [{"value": "nhiều"')  # cut short
    with Store.open(tmp_path / "s.duckdb") as store:
        run = store.begin_run("corpus", version_tag(), "local", 1)
        written = store.write_outcomes(run, [broken, *outcomes[1:]], version_tag())
        assert [o.status for o in written] == [Status.FAILED] + [Status.EXTRACTED] * (len(outcomes) - 1)
        assert "cannot store the plan" in (written[0].reason or "")
        status, reason = store.con.execute(
            "SELECT status, reason FROM documents WHERE sha256 = ?", [broken.sha256]).fetchone()  # type: ignore[misc]
        assert status == Status.FAILED.value and "cannot store the plan" in reason
        assert counts(store)["plans"] == len(outcomes) - 1 and counts(store)["failures"] == 1


def test_a_second_writer_is_refused_in_one_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "s.duckdb"
    Store.open(path).close()
    script = f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('open', flush=True); time.sleep(30)"
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreError, match="in use by another process"):
            Store.open(path)
    finally:
        holder.kill()
        holder.wait(timeout=10)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, outcomes: list[Outcome]) -> Path:
    path = tmp_path_factory.mktemp("store") / "s.duckdb"
    with Store.open(path) as store:
        run = store.begin_run("corpus", version_tag(), "local", 1)
        store.write_outcomes(run, outcomes, version_tag())
        store.add_failures(run, [("in.zip!../evil.txt", None, "path traversal")])
        store.finish_run(run, "completed", {"documents": 4, "processed": 3, "failed": 1, "seconds": 0.5})
    return path


def test_export_parquet_and_csv_files_have_one_row_per_target(filled: Path, tmp_path: Path,
                                                              outcomes: list[Outcome]) -> None:
    n_targets = sum(o.targets for o in outcomes)
    for fmt in ("parquet", "csv"):
        out = tmp_path / f"targets.{fmt}"
        assert export_store(filled, fmt, out) == [out]
        reader = "read_parquet" if fmt == "parquet" else "read_csv_auto"
        with duckdb.connect() as con:
            rows = con.execute(f"SELECT doc_id, value, quote FROM {reader}('{out}')").fetchall()
        assert len(rows) == n_targets
        assert {r[0] for r in rows} == {p.stem for p in FILES}


def test_export_jsonl_file_holds_the_plan_records(filled: Path, tmp_path: Path, outcomes: list[Outcome]) -> None:
    out = tmp_path / "plans.jsonl"
    export_store(filled, "jsonl", out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(outcomes)
    records = {json.loads(line)["sha256"]: json.loads(line) for line in lines}
    for o in outcomes:
        assert records[o.sha256 or ""] == json.loads(o.record or "")
        Plan.model_validate(records[o.sha256 or ""])
    assert "Kinh tế số" in out.read_text(encoding="utf-8") or "kinh tế số" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_export_to_a_folder_writes_every_table(filled: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "tables"
    written = export_store(filled, fmt, out)
    ext = "jsonl" if fmt == "jsonl" else fmt
    assert sorted(p.name for p in written) == sorted(
        f"{t}.{ext}" for t in ("runs", "documents", "names", "plans", "targets", "failures", "versions",
                               "drops", "current_targets"))
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_export_file_suffix_must_match_the_format(filled: Path, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"\.parquet"):
        export_store(filled, "parquet", tmp_path / "targets.csv")


def test_query_is_read_only(filled: Path) -> None:
    with Store.open(filled, read_only=True) as store:
        columns, rows = store.query("SELECT status, processed, failed FROM runs")
        assert columns == ["status", "processed", "failed"] and rows == [("completed", 3, 1)]
        with pytest.raises(StoreError, match="read-only"):
            store.query("DELETE FROM plans")


def test_runs_left_running_by_a_killed_process_become_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store.open(path) as store:
        first = store.begin_run("corpus", version_tag(), "local", 1)  # never finished: the process "died"
    time.sleep(0.01)
    with Store.open(path) as store:
        store.begin_run("corpus", version_tag(), "local", 1)
        status = store.con.execute("SELECT status FROM runs WHERE run_id = ?", [first]).fetchone()
    assert status == ("interrupted",)


def test_outcomes_travel_packed_with_the_plan_serialised_once(outcomes: list[Outcome]) -> None:
    """A worker's outcomes come back equal, each plan as the JSON line the store keeps."""
    [first, *_] = outcomes
    assert first.plan is None and first.record is not None  # not re-validated in the flow's process
    assert unpack(pack(outcomes)) == outcomes
    failed = Outcome.failure("kh.txt", "file is empty", sha256="0" * 64, size=0)
    assert unpack(pack([failed])) == [failed]
    assert unpack(pack([])) == []


def test_every_record_field_is_a_column_and_an_older_store_gains_new_ones(
    tmp_path: Path, outcomes: list[Outcome]
) -> None:
    """Columns come from the models: a store written before a field existed takes it on open."""
    from schemas.fields import TARGET_FIELDS

    path = tmp_path / "s.duckdb"
    with Store.open(path) as store:
        store.con.execute('ALTER TABLE targets DROP COLUMN "indicator_id"')  # as a store from before the field
    with Store.open(path) as store:
        run = store.begin_run("corpus", version_tag(), "local", 1)
        store.write_outcomes(run, outcomes, version_tag())
        columns = [d[0] for d in store.con.execute("SELECT * FROM targets LIMIT 0").description]
        assert set(TARGET_FIELDS) <= set(columns)
        got = store.con.execute("SELECT indicator_id FROM targets ORDER BY sha256, ordinal").fetchall()
    want = sorted((o.sha256 or "", i, t["indicator_id"]) for o in outcomes
                  for i, t in enumerate(json.loads(o.record or "")["targets"]))
    assert got == [(v,) for _, _, v in want]
