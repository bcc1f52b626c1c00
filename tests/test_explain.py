"""`chitieu explain`: every number of a document, in order, with what became of it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.evaluation.explain import explain_source, render_explanation
from pipeline.ingest.load import load_source
from pipeline.ingest.source import Source
from tests.conftest import ROOT

CORPUS = sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix in (".txt", ".html", ".pdf", ".docx"))


def _source(text: str) -> Source:
    return Source(doc_id="t", path="t.txt", media_type="text/plain", sha256="0" * 64, text=text)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_corpus_document_is_explained_number_by_number(path: Path) -> None:
    result = explain_source(load_source(path))
    numbers = result["numbers"]
    assert [n["start"] for n in numbers] == sorted(n["start"] for n in numbers)
    assert {n["status"] for n in numbers} <= {"target", "dropped", "not_a_value"}
    given = sorted(t["index"] for n in numbers for t in n.get("targets", []))
    assert given == list(range(result["targets"]))  # every record comes from exactly one number
    assert all(n["rule"] and n["reason"] for n in numbers if n["status"] != "target")
    assert all(t["rules"].get("value") and t["rules"].get("comparator") for n in numbers for t in n.get("targets", []))
    json.dumps(result, ensure_ascii=False)
    assert render_explanation(result).count("\n") >= len(numbers)


@pytest.mark.parametrize(
    ("text", "fates"),
    [
        ("Đến năm 2025, kinh tế số chiếm tối thiểu 20% GRDP.", [("2025", "not_a_value", ""), ("20%", "target", "")]),
        ("năm 2022 đã có 100% hồ sơ được xử lý trực tuyến.", [("2022", "not_a_value", ""), ("100%", "dropped", "reported_result")]),
        ("Kế hoạch đề ra 5 giải pháp cơ bản.", [("5", "not_a_value", "no_value_shape")]),
    ],
)
def test_each_number_says_what_became_of_it(text: str, fates: list[tuple[str, str, str]]) -> None:
    numbers = explain_source(_source(text))["numbers"]
    got = [(n["text"], n["status"], n.get("rule", "") if want else "")
           for n, (_, _, want) in zip(numbers, fates, strict=True)]
    assert got == fates


def test_the_command_prints_text_and_json(tmp_path: Path) -> None:
    doc = tmp_path / "kh.txt"
    doc.write_text("Tỉnh phấn đấu đến năm 2025, kinh tế số chiếm tối thiểu 20% GRDP; tốc độ tăng trưởng GRDP bình quân đạt 10%.\n",
                   encoding="utf-8")
    run = [sys.executable, "-m", "pipeline.cli", "explain", str(doc)]
    text = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    assert "target #1" in text and "comparator=>= [ge_minimum]" in text
    assert "dropped by not_digital_growth" in text
    data = json.loads(subprocess.run([*run, "--json"], capture_output=True, text=True, check=True).stdout)
    assert [n["status"] for n in data["numbers"]] == ["not_a_value", "target", "dropped"]


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "explain", str(tmp_path / "none.txt")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "none.txt" in done.stderr
