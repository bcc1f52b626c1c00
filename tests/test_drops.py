"""The drops a run keeps beside its records are exactly what a fresh extraction drops, and readers use them.

`chitieu explain --records`, the HTML report and `evaluate` read `OUT.drops/` instead of
running the extractor again; for records made without drops they fall back to extracting,
and say so in one line.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline import run
from pipeline.cli import main
from pipeline.drops import (
    DocumentDrops,
    drops_dir,
    drops_path,
    find_drops,
    read_drops,
    records_root,
)
from pipeline.evaluation import report
from pipeline.evaluation.explain import explain_source, kept_for
from pipeline.extract import extract_source_with_drops
from pipeline.ingest.load import load_source, source_from_text
from pipeline.io import write_plan
from pipeline.store.db import Store, pack, unpack
from schemas.gold import load_dir
from schemas.plan import Plan, Target, Unit
from tests.conftest import CORPUS, DEV, GOLD, needs_dev

DOCS = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".html", ".pdf", ".docx"))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`chitieu extract corpus --out OUT`, as a user runs it (sandboxed worker and all)."""
    out = tmp_path_factory.mktemp("run") / "records"
    assert main(["extract", str(CORPUS), "--out", str(out), "-q"]) == 0
    return out


def _fresh(path: Path) -> DocumentDrops:
    source = load_source(path)
    plan, extraction = extract_source_with_drops(source)
    return DocumentDrops.of(plan, extraction, source.text)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_kept_drops_are_what_extraction_drops_and_explain_gives_the_same(extracted: Path, path: Path) -> None:
    kept = read_drops(drops_path(extracted, path.stem))
    assert kept == _fresh(path)
    source = load_source(path)
    stored, why = kept_for(source, extracted)
    assert why is None and stored is not None
    assert explain_source(source, stored) == explain_source(source)


def test_the_records_folder_holds_records_only(extracted: Path) -> None:
    assert sorted(load_dir(extracted)) == sorted(p.stem for p in DOCS)
    assert sorted(p.name for p in drops_dir(extracted).iterdir()) == sorted(f"{p.stem}.json" for p in DOCS)
    assert sum(len(read_drops(p).drops) for p in drops_dir(extracted).iterdir()) > 0


@needs_dev
def test_kept_drops_match_on_corpus_dev(tmp_path: Path) -> None:
    """A set with more drops than corpus/ (reported results, growth rates, …)."""
    docs = sorted(DEV.glob("*.txt"))
    outcomes = [run.run_one(p, out=tmp_path / f"{p.stem}.json") for p in docs]
    assert not [o for o in outcomes if o.failed]
    total = 0
    for p in docs:
        kept = read_drops(drops_path(tmp_path, p.stem))
        assert kept == _fresh(p)
        total += len(kept.drops)
    assert total > 0


@pytest.mark.parametrize(("record", "doc_id", "root"), [
    ("out/kh.json", "kh", "out"),
    ("out/2024/kh.json", "2024/kh", "out"),
    ("out/2024/kh.json", "kh", "out/2024"),
    ("out/other.json", "kh", None),
    ("out/2023/kh.json", "2024/kh", None),
])
def test_drops_go_beside_the_records_folder(record: str, doc_id: str, root: str | None) -> None:
    assert records_root(Path(record), doc_id) == (Path(root) if root else None)


def test_report_reads_kept_drops_and_extracts_only_without_them(
        extracted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_drops = report.build_report(GOLD, extracted, [CORPUS], tmp_path / "a" / "r.html", split=True)
    assert with_drops["drops_extracted"] == [] and with_drops["drops_kept"] == len(DOCS)
    bare = tmp_path / "bare"
    shutil.copytree(extracted, bare)  # the same records, made "before drops were kept"
    without = report.build_report(GOLD, bare, [CORPUS], tmp_path / "b" / "r.html", split=True)
    assert without["drops_extracted"] == sorted(p.stem for p in DOCS) and without["drops_kept"] == 0
    for page in sorted((tmp_path / "a" / "r_pages").glob("doc*.html")):  # the same marks either way
        assert page.read_text(encoding="utf-8") == (tmp_path / "b" / "r_pages" / page.name).read_text(encoding="utf-8")

    def boom(*_: object) -> None:
        raise AssertionError("the report extracted a document whose drops are kept")

    monkeypatch.setattr(report, "extract_source_with_drops", boom)
    assert report.build_report(GOLD, extracted, [CORPUS], tmp_path / "c" / "r.html")["drops_extracted"] == []


def test_stale_drops_are_not_used(extracted: Path, tmp_path: Path) -> None:
    """Drops written for other bytes, or beside another record, are extracted afresh."""
    pred = tmp_path / "pred"
    shutil.copytree(extracted, pred)
    shutil.copytree(drops_dir(extracted), drops_dir(pred))
    doc = DOCS[0].stem
    other = json.loads(drops_path(pred, doc).read_text(encoding="utf-8"))
    drops_path(pred, doc).write_text(json.dumps({**other, "sha256": "0" * 64}), encoding="utf-8")
    drops_path(pred, DOCS[1].stem).write_text("{not json", encoding="utf-8")
    record = json.loads((pred / f"{DOCS[2].stem}.json").read_text(encoding="utf-8"))
    (pred / f"{DOCS[2].stem}.json").write_text(json.dumps({**record, "extractor_version": "0.0.1"}), encoding="utf-8")
    kept, extracted_ids = report.report_drops(pred, load_dir(pred), report.run_documents(
        load_dir(GOLD), [CORPUS], extract=run.no_extraction)[0])
    assert extracted_ids == sorted(p.stem for p in DOCS[:3])
    assert find_drops(pred, DOCS[1].stem) is None
    assert all(kept[p.stem] == _fresh(p) for p in DOCS[:3])


def test_report_says_in_one_line_when_it_extracts_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred = tmp_path / "pred"
    pred.mkdir()
    shutil.copy(GOLD / f"{DOCS[0].stem}.json", pred)  # a record made by hand
    assert main(["report", "--gold", str(GOLD), "--pred", str(pred), "--corpus", str(CORPUS),
                 "--out", str(tmp_path / "r.html")]) == 0
    lines = [x for x in capsys.readouterr().err.splitlines() if "drops" in x]
    assert lines == [(f"chitieu report: {len(DOCS)} of {len(DOCS)} documents have no drops kept for their record "
                      f"in {drops_dir(pred)} (records written before drops were kept, or by hand): extracted again "
                      "to mark their dropped numbers")]


def test_explain_records_without_drops_extracts_again_and_says_why(
        extracted: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(extracted, bare)
    path = DOCS[-1]
    assert main(["explain", str(path), "--json", "--records", str(bare)]) == 0
    captured = capsys.readouterr()
    assert captured.err == (f"chitieu explain: no drops kept for {path.stem} in {drops_path(bare, path.stem)}; "
                            f"extracting {path} again\n")
    assert json.loads(captured.out) == explain_source(load_source(path))
    assert main(["explain", str(path), "--json", "--records", str(extracted)]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and json.loads(captured.out) == explain_source(load_source(path))


def test_drops_travel_to_the_store_and_are_replaced_with_their_plan(tmp_path: Path) -> None:
    docs = [p for p in DOCS if p.suffix == ".txt"][-3:]
    outcomes = unpack(pack([run.run_one(p, size=p.stat().st_size) for p in docs]))
    assert [o.drops for o in outcomes] == [_fresh(p) for p in docs]
    with Store.open(tmp_path / "s.duckdb") as store:
        for _ in range(2):  # a second write of the same plans keeps one copy of their drops
            run_id = store.begin_run("corpus", "v", "local", 1)
            store.write_outcomes(run_id, outcomes, "v")
        rows = store.con.execute('SELECT sha256, ordinal, "start", "end", number, rule, reason FROM drops '
                                 "ORDER BY sha256, ordinal").fetchall()
    want = sorted((o.sha256, i, d.start, d.end, d.text, d.rule, d.reason)
                  for o in outcomes if o.drops for i, d in enumerate(o.drops.drops))
    assert rows == want and rows


def test_a_plan_and_its_drops_disagreeing_is_a_bug_not_a_file() -> None:
    source = load_source(DOCS[0])
    plan, extraction = extract_source_with_drops(source)
    with pytest.raises(ValueError, match="candidates for"):
        DocumentDrops.of(Plan(doc_id=plan.doc_id), extraction, source.text)


GROWTH = ("Kế hoạch chuyển đổi số năm 2025\nĐến năm 2025, tốc độ tăng trưởng GRDP bình quân đạt 10%; "
          "kinh tế số chiếm 20% GRDP.\n")
GROWTH_QUOTE = "tốc độ tăng trưởng GRDP bình quân đạt 10%"


@pytest.fixture()
def growth(tmp_path: Path) -> dict[str, Path]:
    """A document whose one gold target the extractor drops (a growth rate: guide §1), extracted as a user does."""
    corpus, gold, pred = tmp_path / "corpus", tmp_path / "gold", tmp_path / "pred"
    corpus.mkdir()
    (corpus / "kh.txt").write_text(GROWTH, encoding="utf-8")
    write_plan(Plan(doc_id="kh", targets=[Target(value=10, unit=Unit.PERCENT, indicator=GROWTH_QUOTE,
                                                 quote=GROWTH_QUOTE)]), gold / "kh.json")
    assert main(["extract", str(corpus / "kh.txt"), "--out", str(pred), "-q"]) == 0
    return {"corpus": corpus, "gold": gold, "pred": pred}


def test_evaluate_names_the_rule_that_dropped_a_missed_targets_number(
        growth: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--gold", str(growth["gold"]), "--pred", str(growth["pred"])]) == 0
    captured = capsys.readouterr()
    missed = [x for x in captured.out.splitlines() if "MISSED" in x]
    assert len(missed) == 1 and missed[0].endswith(
        f"MISSED 10 percent «{GROWTH_QUOTE}» — '10%' dropped by not_digital_growth: "
        "guide §1: not a digital-transformation measure ('tốc độ tăng trưởng')")
    assert captured.err == ""
    (drops_dir(growth["pred"]) / "kh.json").unlink()
    assert main(["evaluate", "--gold", str(growth["gold"]), "--pred", str(growth["pred"])]) == 0
    captured = capsys.readouterr()
    assert "dropped by" not in captured.out
    assert captured.err == (f"chitieu evaluate: 1 scored records have no drops kept for them in "
                            f"{drops_dir(growth['pred'])}: their missed targets do not name the rule that "
                            "dropped their number\n")


def test_the_reports_error_list_shows_the_dropped_number_and_its_rule_on_hover(
        growth: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object) -> None:
        raise AssertionError("the report extracted a document whose drops are kept")

    monkeypatch.setattr(report, "extract_source_with_drops", boom)
    report.build_report(growth["gold"], growth["pred"], [growth["corpus"]], tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    errors = page[page.index('<section id="errors">'):]
    errors = errors[:errors.index("</section>")]
    assert ('<span class="drop" title="dropped by not_digital_growth: guide §1: not a digital-transformation '
            "measure (&#x27;tốc độ tăng trưởng&#x27;)\">10% dropped by <code>not_digital_growth</code></span>") in errors


@pytest.mark.parametrize(("quote", "holds"), [
    ("tốc độ tăng trưởng GRDP bình quân đạt 10%", True),
    ("đạt 10%", True),
    ("10%", True),
    ("10%; kinh tế số chiếm 20% GRDP", True),
    ("tốc độ tăng trưởng GRDP đạt 10%", False),  # another passage's words before the number
    ("đạt 10% GRDP", False),  # and after it
    ("kinh tế số chiếm 20% GRDP", False),  # no such number
])
def test_a_gold_quote_holds_a_drop_only_with_the_same_text_around_it(quote: str, holds: bool) -> None:
    source = source_from_text(GROWTH, doc_id="kh")
    plan, extraction = extract_source_with_drops(source)
    (drop,) = [d for d in DocumentDrops.of(plan, extraction, source.text).drops if d.text == "10%"]
    assert drop.in_quote(quote) is holds



def test_explain_records_finds_a_document_extracted_from_a_folder(tmp_path: Path) -> None:
    """`extract FOLDER` names records by their path below it; `explain FILE --records` still finds its own."""
    folder = tmp_path / "plans"
    (folder / "2024").mkdir(parents=True)
    (folder / "2025").mkdir()
    shutil.copy(DOCS[0], folder / "2024" / "kh.txt")
    shutil.copy(DOCS[1], folder / "2025" / "kh.txt")
    assert main(["extract", str(folder), "--out", str(tmp_path / "out"), "-q"]) == 0
    for year, doc in (("2024", DOCS[0]), ("2025", DOCS[1])):
        source = load_source(folder / year / "kh.txt")
        stored, why = kept_for(source, tmp_path / "out")
        assert why is None and stored is not None and stored[0].doc_id == f"{year}/kh"
        assert stored[1] == read_drops(drops_path(tmp_path / "out", f"{year}/kh"))
        mine = explain_source(source, stored)
        assert mine["numbers"] == explain_source(load_source(doc))["numbers"]


def test_extract_into_the_current_folder_keeps_its_drops_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--out .` after the process changed folder: the worker kept from the batch before (started
    in the old folder) must not resolve `.` against its own folder."""
    doc = min(CORPUS.glob("*.txt"))
    (tmp_path / "before").mkdir()
    monkeypatch.chdir(tmp_path / "before")
    assert main(["extract", str(doc), "--out", str(tmp_path / "first"), "-q"]) == 0  # leaves a worker idle
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    assert main(["extract", str(doc), "--out", ".", "-q"]) == 0
    assert (out / f"{doc.stem}.json").is_file(), sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert (tmp_path / "out.drops" / f"{doc.stem}.json").is_file()
    assert not (tmp_path / "before" / f"{doc.stem}.json").exists()
