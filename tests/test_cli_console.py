"""The installed `chitieu` command refuses nonsense and does what it says (issue 15, points 1, 2, 4).

These run the console script itself (`.venv/bin/chitieu`), as a user does: exit codes,
what reaches stderr and stdout, and that a shell pipe or a bare command behaves.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.run import Outcome, Status
from pipeline.store.db import Store
from tests.conftest import ROOT

CHITIEU = Path(sys.executable).with_name("chitieu")
TEXT = "Kế hoạch chuyển đổi số tỉnh Bình Thuận năm 2025\nVề phát triển kinh tế số:\nKinh tế số chiếm 20% GRDP của tỉnh.\n"

pytestmark = pytest.mark.skipif(not CHITIEU.exists(), reason="the chitieu console script is not installed")


def chitieu(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CHITIEU), *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--chunk-size", "-1", "must be at least 1, got -1"),
        ("--chunk-size", "0", "must be at least 1, got 0"),
        ("--workers", "0", "must be at least 1, got 0"),
        ("--workers", "-3", "must be at least 1, got -3"),
        ("--workers", "two", "'two' is not a whole number"),
    ],
)
def test_run_refuses_impossible_numbers(tmp_path: Path, option: str, value: str, message: str) -> None:
    done = chitieu("run", "--input", str(ROOT / "corpus"), "--store", str(tmp_path / "s.duckdb"), option, value)
    assert done.returncode == 2
    assert message in done.stderr
    assert not (tmp_path / "s.duckdb").exists()  # refused before anything was opened


def test_bare_command_prints_help_and_version_names_the_extractor() -> None:
    bare = chitieu()
    assert bare.returncode == 0
    assert bare.stdout.startswith("usage: chitieu") and "extract" in bare.stdout and "import-labels" in bare.stdout
    for flag in ("--version", "-V"):
        done = chitieu(flag)
        assert done.returncode == 0
        assert done.stdout.startswith("chitieu 0.") and "(extractor 0." in done.stdout and "+rules." in done.stdout


def test_floors_outside_the_repository_or_with_a_wrong_file_or_set_fail(tmp_path: Path) -> None:
    outside = chitieu("floors", cwd=tmp_path)
    assert outside.returncode == 1
    assert "no floors file (run from the repository root, or pass --file)" in outside.stderr
    missing = chitieu("floors", "--file", "none.json")
    assert missing.returncode == 1 and "none.json: no floors file" in missing.stderr
    unknown = chitieu("floors", "--set", "nope")
    assert unknown.returncode == 1 and "no set 'nope'" in unknown.stderr and "seeds" in unknown.stderr


def test_a_folder_lists_each_skipped_file_with_its_reason(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (inbox / "table.xlsx").write_bytes(b"PK")
    (inbox / "ke-hoach.txt").write_text(TEXT, encoding="utf-8")
    (inbox / "manifest.json").write_text("[]", encoding="utf-8")  # a sidecar: read, not skipped
    (inbox / ".DS_Store").write_bytes(b"x")
    done = chitieu("extract", str(inbox), "--out", str(tmp_path / "out"))
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert f"{inbox / 'old.doc'}: skipped: old Word .doc format is not supported: save it as .docx (or PDF) first" in lines
    assert f"{inbox / 'table.xlsx'}: skipped: unsupported file type '.xlsx' (expected .txt, .html, .htm, .pdf or .docx)" in lines
    assert "1 of 1 documents written" in lines[-1] and "2 skipped" in lines[-1]
    assert not any("manifest.json" in line or ".DS_Store" in line for line in lines)
    as_json = chitieu("extract", str(inbox), "--out", str(tmp_path / "out2"), "--json")
    summary = json.loads(as_json.stdout)
    assert (summary["written"], summary["skipped"]) == (1, 2)
    assert sorted(Path(s["path"]).name for s in summary["skipped_files"]) == ["old.doc", "table.xlsx"]


def test_same_file_names_get_unique_ids_that_mirror_the_folders(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    for folder, value in (("2024", "20%"), ("2025", "30%")):
        (inbox / folder).mkdir(parents=True)
        (inbox / folder / "kehoach.txt").write_text(TEXT.replace("20%", value), encoding="utf-8")
    # the same decision in two formats, side by side
    (inbox / "qd.txt").write_text(TEXT, encoding="utf-8")
    (inbox / "qd.html").write_text(f"<html><body><article><p>{TEXT}</p></article></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    done = chitieu("extract", str(inbox), "--out", str(out), "-q")
    assert done.returncode == 0, done.stderr
    records = {p.relative_to(out).as_posix(): json.loads(p.read_text(encoding="utf-8")) for p in out.rglob("*.json")}
    assert sorted(records) == ["2024/kehoach.json", "2025/kehoach.json", "qd.html.json", "qd.txt.json"]
    assert [records[k]["doc_id"] for k in sorted(records)] == ["2024/kehoach", "2025/kehoach", "qd.html", "qd.txt"]
    assert records["2025/kehoach.json"]["targets"][0]["value"] == 30
    again = tmp_path / "again"
    chitieu("extract", str(inbox), "--out", str(again), "-q")
    assert sorted(p.relative_to(again).as_posix() for p in again.rglob("*.json")) == sorted(records)  # stable
    tasks_file = tmp_path / "tasks.json"
    assert chitieu("pre-annotate", str(inbox), "--out", str(tasks_file)).returncode == 0
    tasks = json.loads(tasks_file.read_text(encoding="utf-8"))
    assert sorted(t["data"]["doc_id"] for t in tasks) == ["2024/kehoach", "2025/kehoach", "qd.html", "qd.txt"]
    scored = chitieu("evaluate", "--gold", str(out), "--pred", str(again), "--json")
    assert json.loads(scored.stdout)["documents"] == 4  # records in sub-folders pair by id


def test_an_unusable_out_is_refused_once_before_any_work(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    for i in range(3):
        (inbox / f"kh{i}.txt").write_text(TEXT, encoding="utf-8")
    a_file = tmp_path / "targets.csv"
    a_file.write_text("x", encoding="utf-8")
    done = chitieu("extract", str(inbox), "--out", str(a_file))
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"chitieu extract: {a_file}: exists and is not a folder"]
    folder = chitieu("pre-annotate", str(inbox), "--out", str(tmp_path))
    assert folder.returncode == 1
    assert folder.stderr.splitlines() == [f"chitieu pre-annotate: {tmp_path}: is a folder, expected a file name"]


def _store_with_one_plan(path: Path) -> None:
    with Store.open(path) as store:
        run_id = store.begin_run("in", "v", "test", 1)
        record = {"doc_id": "kh", "province": None, "targets": []}
        store.write_outcomes(run_id, [Outcome(name="in/kh.txt", status=Status.NO_TARGETS, sha256="a" * 64, size=1,
                                              record=json.dumps(record))], "v")


def test_query_prints_null_apart_from_empty_and_ends_quietly_in_a_pipe(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    _store_with_one_plan(store)
    done = chitieu("query", "--store", str(store), "SELECT province, '' AS empty, doc_id FROM plans")
    assert done.stdout.splitlines() == ["province\tempty\tdoc_id", "NULL\t\tkh"]
    custom = chitieu("query", "--store", str(store), "SELECT province FROM plans", "--null", "\\N")
    assert custom.stdout.splitlines()[1] == "\\N"
    piped = subprocess.run(
        f"'{CHITIEU}' query --store '{store}' 'SELECT range AS n FROM range(200000)' | head -n 2",
        check=False, shell=True, capture_output=True, text=True, timeout=120,
    )
    assert piped.stdout.splitlines() == ["n", "0"]
    assert piped.stderr == ""  # no "[Errno 32] Broken pipe", no traceback


def _export(tmp_path: Path, completed_by: object) -> Path:
    text = TEXT
    start = text.index("20%")
    task = {
        "id": 7,
        "data": {"text": text, "doc_id": "kh"},
        "annotations": [{
            "completed_by": completed_by, "was_cancelled": False, "updated_at": "2026-01-01",
            "result": [
                {"id": "t1", "from_name": "target", "to_name": "text", "type": "labels",
                 "value": {"start": start, "end": start + 3, "text": "20%", "labels": ["percent"]}},
                {"id": "t1", "from_name": "value", "to_name": "text", "type": "textarea",
                 "value": {"text": ["20"]}},
                {"id": "t1", "from_name": "indicator", "to_name": "text", "type": "textarea",
                 "value": {"text": ["kinh tế số chiếm GRDP"]}},
            ],
        }],
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    return path


def test_import_labels_takes_the_numeric_id_label_studio_exports_and_refuses_a_filter_that_matches_nothing(
    tmp_path: Path,
) -> None:
    export = _export(tmp_path, 1)
    by_id = chitieu("import-labels", str(export), "--out", str(tmp_path / "g1"), "--annotator", "1", "--json")
    assert by_id.returncode == 0, by_id.stderr
    assert len(json.loads(by_id.stdout)["written"]) == 1
    by_email = chitieu("import-labels", str(export), "--out", str(tmp_path / "g2"), "--annotator", "eval@example.com")
    assert by_email.returncode == 1
    assert "no annotation by --annotator 'eval@example.com'" in by_email.stderr
    assert "annotations by 1; Label Studio's JSON export names annotators by user id" in by_email.stderr
    assert not (tmp_path / "g2").exists()
    with_email = _export(tmp_path, {"id": 4, "email": "eval@example.com"})
    ok = chitieu("import-labels", str(with_email), "--out", str(tmp_path / "g3"), "--annotator", "eval@example.com")
    assert ok.returncode == 0, ok.stderr
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([{"data": {"text": TEXT, "doc_id": "kh"}}]), encoding="utf-8")
    task_file = chitieu("import-labels", str(tasks), "--out", str(tmp_path / "g4"))
    assert task_file.returncode == 1
    assert "is this the pre-annotate task file" in task_file.stderr


def test_run_scores_only_against_the_gold_it_is_given_and_lists_the_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipeline.cli import main

    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "kh.txt").write_text(TEXT, encoding="utf-8")
    assert main(["run", "--input", str(inbox), "--out", str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""  # no scorecard against the repository's own gold/
    assert "not scored: no --gold given for this input" in captured.err
    assert "quality: 1 targets; without deadline_year 0% (0)" in captured.err  # the run's data quality
    gold = tmp_path / "gold"
    gold.mkdir()
    record = json.loads((tmp_path / "out" / "kh.json").read_text(encoding="utf-8"))
    record["targets"][0]["pillar"] = "society" if record["targets"][0]["pillar"] != "society" else "economy"
    (gold / "kh.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert main(["run", "--input", str(inbox), "--gold", str(gold), "--out", str(tmp_path / "out2")]) == 0
    card = capsys.readouterr().out
    assert "strict P" in card and "errors (1):" in card and "pillar" in card.split("errors (1):")[1]
    assert main(["run", "--input", str(inbox), "--gold", str(tmp_path / "nogold"), "--out", str(tmp_path / "o3")]) == 1
    assert "--gold" in capsys.readouterr().err


def test_export_to_an_unusable_out_names_it_once(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    _store_with_one_plan(store)
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    done = chitieu("export", "--store", str(store), "--format", "csv", "--out", str(blocker / "targets.csv"))
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"chitieu export: {blocker / 'targets.csv'}: {blocker} is not a folder"]


def test_query_refuses_several_statements_and_writes_in_one_line(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    _store_with_one_plan(store)
    several = chitieu("query", "--store", str(store), "SELECT 1; SELECT doc_id FROM plans")
    assert several.returncode == 1 and several.stdout == ""
    assert several.stderr.splitlines() == [("chitieu query: 2 statements given: give one (a query prints one "
                                           "table; several would run and show only the last)")]
    copy = chitieu("query", "--store", str(store), "COPY (SELECT * FROM plans) TO 'leak.csv'", cwd=tmp_path)
    assert copy.returncode == 1 and len(copy.stderr.splitlines()) == 1 and "COPY writes" in copy.stderr
    assert not (tmp_path / "leak.csv").exists()
    wrong = chitieu("query", "--store", str(store), "SELECT nope FROM plans")
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
    assert len(wrong.stderr.splitlines()) == 1 and wrong.stderr.rstrip().endswith("(line 1, column 8)")


def _downgrade(path: Path) -> None:
    """Make the store look like one written before schema 2: no versions, no analyst views."""
    import duckdb

    with duckdb.connect(str(path)) as con:
        for view in ("current_targets", "all_targets", "current_plans", "all_plans"):
            con.execute(f"DROP VIEW {view}")
        con.execute("DROP TABLE versions")
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")


def test_query_and_export_on_a_store_made_before_the_views_give_them_and_leave_the_file(tmp_path: Path) -> None:
    store = tmp_path / "old.duckdb"
    _store_with_one_plan(store)
    _downgrade(store)
    before = store.read_bytes()
    done = chitieu("query", "--store", str(store), "SELECT doc_id, version_status, input_root FROM current_plans")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["doc_id\tversion_status\tinput_root", "kh\tcurrent\t"]
    out = tmp_path / "targets.csv"
    exported = chitieu("export", "--store", str(store), "--format", "csv", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith("doc_id,")
    assert store.read_bytes() == before  # read-only: nothing upgraded or written
