"""`chitieu run --store`: what users rely on when they point it at a folder or an archive.

Re-runs skip what is stored, a rules change re-extracts, the same bytes under two names
are one document, a bad file is a reason and not the end of the run, an interrupted run
resumes, and the closing summary and exit code say what happened.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb
import pytest

import flows
from pipeline import extract
from pipeline.batch.options import BatchOptions
from pipeline.batch.sandbox import Bounds
from pipeline.batch.stopping import Interrupted
from pipeline.cli import main
from pipeline.ingest.load import load_source
from pipeline.store.db import Store
from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.usefixtures("prefect_api")
SUMMARY_KEYS = {"documents", "processed", "skipped", "failed", "targets", "seconds"}


def write_docs(folder: Path, n: int, paragraphs: int = 30, seed: int = 1) -> list[Path]:
    """`n` distinct documents recombined from corpus lines (as bench/synth.py does)."""
    lines = [ln for p in sorted(CORPUS.glob("*.txt")) for ln in p.read_text(encoding="utf-8").splitlines() if ln]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"doc_{i:03d}.txt"
        path.write_text("\n".join(rng.choices(lines, k=paragraphs)) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def expected_records(paths: list[Path]) -> dict[str, dict[str, Any]]:
    """The records `chitieu extract` makes of the same files: what the store must hold."""
    plans = [extract.extract_source(load_source(p)) for p in paths]
    return {p.sha256 or "": p.to_json() for p in plans}


def run(input_path: Path, store: Path, **options: Any) -> dict[str, Any]:
    options.setdefault("workers", 1)
    options.setdefault("cache", False)
    return flows.run_batch(str(input_path), str(store), BatchOptions(**options))


def table(store: Path, sql: str) -> list[tuple[Any, ...]]:
    with Store.open(store, read_only=True) as db:
        return db.query(sql)[1]


def records(store: Path) -> dict[str, dict[str, Any]]:
    with Store.open(store, read_only=True) as db:
        return db.plan_records()


def test_rerun_skips_what_is_stored(tmp_path: Path) -> None:
    paths = write_docs(tmp_path / "in", 6)
    first = run(tmp_path / "in", tmp_path / "s.duckdb", chunk_size=2)
    assert (first["documents"], first["processed"], first["skipped"], first["failed"]) == (6, 6, 0, 0)
    assert records(tmp_path / "s.duckdb") == expected_records(paths)
    again = run(tmp_path / "in", tmp_path / "s.duckdb")
    assert (again["processed"], again["skipped"], again["failed"]) == (0, 6, 0)
    assert again["targets"] == first["targets"] > 0  # the input's targets, now all from the store
    assert table(tmp_path / "s.duckdb", "SELECT count(DISTINCT run_id) FROM plans") == [(1,)]


def test_a_rules_change_re_extracts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_docs(tmp_path / "in", 3)
    store = tmp_path / "s.duckdb"
    run(tmp_path / "in", store)
    targets = table(store, "SELECT count(*) FROM targets")
    monkeypatch.setattr(extract, "EXTRACTOR_VERSION", "9.9.9")  # as a lexicon edit changes the hash
    again = run(tmp_path / "in", store, bounds=Bounds(isolate=False))  # the patch lives in this process only
    assert (again["processed"], again["skipped"]) == (3, 0)
    assert {v for (v,) in table(store, "SELECT DISTINCT extractor_version FROM plans")} == {extract.version_tag()}
    assert table(store, "SELECT count(*) FROM targets") == targets  # replaced, not appended


def test_cache_key_includes_the_rules_version() -> None:
    policy = flows.extract_refs.cache_policy
    ctx: Any = SimpleNamespace(task=flows.extract_refs)  # compute_key reads only .task
    key = policy.compute_key(task_ctx=ctx, inputs={"refs": [], "version": "0.1.0+lex.a"}, flow_parameters={})
    same = policy.compute_key(task_ctx=ctx, inputs={"refs": [], "version": "0.1.0+lex.a"}, flow_parameters={})
    other = policy.compute_key(task_ctx=ctx, inputs={"refs": [], "version": "0.1.0+lex.b"}, flow_parameters={})
    assert key == same != other


def test_same_content_under_two_names_is_stored_once(tmp_path: Path) -> None:
    [doc] = write_docs(tmp_path / "in", 1)
    (tmp_path / "in" / "copy").mkdir()
    (tmp_path / "in" / "copy" / "ban-sao.txt").write_bytes(doc.read_bytes())
    store = tmp_path / "s.duckdb"
    summary = run(tmp_path / "in", store)
    assert (summary["documents"], summary["processed"], summary["skipped"], summary["duplicates"]) == (2, 1, 1, 1)
    assert table(store, "SELECT count(*) FROM documents") == [(1,)]
    assert table(store, "SELECT count(*) FROM plans") == [(1,)]
    assert len(table(store, "SELECT name FROM names")) == 2
    # Later, the same bytes inside an archive under a third name: still one document.
    with zipfile.ZipFile(tmp_path / "in.zip", "w") as zf:
        zf.write(doc, "nested/khac-ten.txt")
    later = run(tmp_path / "in.zip", store)
    assert (later["processed"], later["skipped"]) == (0, 1)
    assert len(table(store, "SELECT name FROM names")) == 3


def test_bad_files_are_recorded_with_reasons_and_the_run_carries_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_docs(tmp_path / "in", 2)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    store = tmp_path / "s.duckdb"
    code = main(["run", "--input", str(tmp_path / "in"), "--store", str(store), "--workers", "1",
                 "--no-cache", "--summary-json"])
    assert code == 1
    captured = capsys.readouterr()
    summary = json.loads(captured.out.strip().splitlines()[-1])
    assert SUMMARY_KEYS <= set(summary)
    assert (summary["documents"], summary["processed"], summary["failed"]) == (4, 2, 2)
    assert f"{tmp_path / 'in' / 'empty.txt'}: file is empty" in captured.err
    reasons = dict(table(store, "SELECT name, reason FROM failures"))
    assert reasons[str(tmp_path / "in" / "empty.txt")] == "file is empty"
    assert "PDF" in reasons[str(tmp_path / "in" / "broken.pdf")]
    assert table(store, "SELECT count(*) FROM plans") == [(2,)]


def test_hostile_zip_members_are_refused_and_the_rest_is_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [doc] = write_docs(tmp_path / "docs", 1)
    archive = tmp_path / "in.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(doc, "ok.txt")
        zf.writestr("../../escape.txt", doc.read_bytes())
        zf.writestr("bomb.txt", b"\0" * 3_000_000)
    code = main(["run", "--input", str(archive), "--store", str(tmp_path / "s.duckdb"), "--workers", "1",
                 "--no-cache", "--summary-json", "-q"])
    assert code == 1
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (summary["processed"], summary["failed"]) == (1, 2)
    reasons = " | ".join(f["reason"] for f in summary["failures"])
    assert "path traversal" in reasons and "decompression bomb" in reasons
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "in.zip", "s.duckdb"]


def test_all_good_exits_zero_with_the_summary_json_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_docs(tmp_path / "in", 2)
    code = main(["run", "--input", str(tmp_path / "in"), "--store", str(tmp_path / "s.duckdb"), "--workers", "1",
                 "--no-cache", "--summary-json"])
    assert code == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out.strip().splitlines()[-1])
    assert SUMMARY_KEYS <= set(summary)
    assert (summary["documents"], summary["processed"], summary["skipped"], summary["failed"]) == (2, 2, 0, 0)
    assert "2 documents: 2 processed, 0 skipped, 0 failed" in captured.err


def test_out_and_store_together_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["run", "--store", str(tmp_path / "s.duckdb"), "--out", str(tmp_path / "o")]) == 2


def test_a_failed_write_keeps_earlier_chunks_and_the_rerun_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = write_docs(tmp_path / "in", 6)
    store = tmp_path / "s.duckdb"
    real = Store.write_outcomes
    calls = {"n": 0}

    def crash_on_second_chunk(self: Store, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # Ctrl-C between two chunks
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "write_outcomes", crash_on_second_chunk)
    with pytest.raises(Interrupted, match="interrupted: 2 documents stored"):
        run(tmp_path / "in", store, chunk_size=2)
    monkeypatch.setattr(Store, "write_outcomes", real)
    assert table(store, "SELECT count(*) FROM plans") == [(2,)]
    assert table(store, "SELECT status FROM runs") == [("interrupted",)]
    resumed = run(tmp_path / "in", store, chunk_size=2)
    assert (resumed["processed"], resumed["skipped"]) == (4, 2)
    assert records(store) == expected_records(paths)


def test_a_killed_run_leaves_whole_plans_and_resumes(tmp_path: Path, prefect_api: str) -> None:
    paths = write_docs(tmp_path / "in", 40, paragraphs=150)
    store = tmp_path / "s.duckdb"
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "run", "--input", str(tmp_path / "in"), "--store", str(store),
         "--workers", "1", "--chunk-size", "2", "--no-cache"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env, cwd=ROOT,
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 180  # a worker starts in seconds, more on a busy machine
    for line in proc.stderr:  # progress lines: "  6/40 documents (15%), ..."
        if "/40 documents" in line and int(line.split("/")[0]) >= 6:
            break
        assert time.monotonic() < deadline, "no progress from the run"
    proc.send_signal(signal.SIGKILL)  # no clean-up at all: as a power cut
    proc.wait(timeout=10)
    proc.stderr.close()

    stored = table(store, "SELECT count(*) FROM plans")[0][0]
    assert 6 <= stored < 40
    assert table(store, "SELECT status FROM runs") == [("running",)]
    torn = table(store, "SELECT p.sha256 FROM plans p LEFT JOIN targets t USING (sha256) "
                        "GROUP BY p.sha256, p.n_targets HAVING count(t.sha256) <> p.n_targets")
    assert torn == []  # every stored plan has exactly its targets

    resumed = run(tmp_path / "in", store)
    assert resumed["skipped"] == stored and resumed["processed"] == 40 - stored
    assert records(store) == expected_records(paths)
    assert [s for (s,) in table(store, "SELECT status FROM runs ORDER BY started_at")] == ["interrupted", "completed"]


def test_worker_processes_store_what_one_process_stores(tmp_path: Path) -> None:
    paths = write_docs(tmp_path / "in", 8)
    summary = run(tmp_path / "in", tmp_path / "s.duckdb", workers=2, chunk_size=2)
    assert summary["runner"] == "processes:2"
    assert records(tmp_path / "s.duckdb") == expected_records(paths)


@pytest.mark.parametrize("command", ["export", "query"])
def test_new_commands_have_help(command: str) -> None:
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", command, "--help"],
                            capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 0 and "usage: chitieu" in result.stdout and "--store" in result.stdout


def test_export_command_writes_parquet_users_can_query(tmp_path: Path) -> None:
    write_docs(tmp_path / "in", 2)
    run(tmp_path / "in", tmp_path / "s.duckdb")
    out = tmp_path / "targets.parquet"
    assert main(["export", "--store", str(tmp_path / "s.duckdb"), "--format", "parquet", "--out", str(out)]) == 0
    with duckdb.connect() as con:
        n = con.execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchall()[0]
    assert n == table(tmp_path / "s.duckdb", "SELECT count(*) FROM targets")[0]
