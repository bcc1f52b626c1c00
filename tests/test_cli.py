"""The CLI contract other tooling relies on: file names, exit codes, one line per failure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main
from tests.conftest import CORPUS, GOLD

SENTENCE = "Kế hoạch chuyển đổi số tỉnh Bình Thuận năm 2025\nVề phát triển kinh tế số:\nKinh tế số chiếm 20% GRDP của tỉnh.\n"


def test_extract_writes_one_record_per_file(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "ke-hoach.txt").write_text(SENTENCE, encoding="utf-8")
    (src / "trang.html").write_text(f"<html><body><article><p>{SENTENCE}</p></article></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(src), "--out", str(out), "-q"]) == 0
    record = json.loads((out / "ke-hoach.json").read_text(encoding="utf-8"))
    assert record["doc_id"] == "ke-hoach"
    assert record["targets"][0]["value"] == 20
    assert record["targets"][0]["deadline_year"] == 2025
    assert "Kinh tế số" in (out / "ke-hoach.json").read_text(encoding="utf-8")  # unescaped
    assert (out / "trang.json").exists()


def test_bad_files_fail_one_line_each_and_the_rest_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.txt"
    good.write_text(SENTENCE, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 4)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 truncated")
    odd = tmp_path / "notes.odt"
    odd.write_bytes(b"PK")
    out = tmp_path / "out"
    code = main(["extract", str(good), str(empty), str(junk), str(broken), str(odd), "--out", str(out), "-q"])
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 4
    assert err[0].startswith(f"{empty}: ") and "empty" in err[0]
    assert err[1].startswith(f"{junk}: ") and "binary" in err[1]
    assert err[2].startswith(f"{broken}: ") and "PDF" in err[2]
    assert err[3].startswith(f"{odd}: ") and "unsupported" in err[3]
    assert sorted(p.name for p in out.iterdir()) == ["good.json"]


def test_same_stem_twice_is_a_failure_not_an_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "kh.txt").write_text(SENTENCE, encoding="utf-8")
    (tmp_path / "b" / "kh.txt").write_text(SENTENCE.replace("20%", "30%"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(out), "-q"]) == 1
    assert "already written" in capsys.readouterr().err
    assert json.loads((out / "kh.json").read_text(encoding="utf-8"))["targets"][0]["value"] == 20


def test_extract_then_evaluate_seeds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pred"
    assert main(["extract", *map(str, sorted(CORPUS.glob("*.txt"))), "--out", str(out), "-q"]) == 0
    assert len(list(out.glob("*.json"))) == len(list(CORPUS.glob("*.txt")))
    capsys.readouterr()
    assert main(["evaluate", "--gold", str(GOLD), "--pred", str(out)]) == 0
    text = capsys.readouterr().out
    assert "strict P" in text and "value  P" in text and "deadline_year" in text
    assert main(["evaluate", "--gold", str(GOLD), "--pred", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result["strict"]) == {"precision", "recall", "f1"}
    assert main(["evaluate", "--gold", str(GOLD), "--pred", str(out), "--fail-under", "1", "--no-errors"]) == 0
    min(out.glob("*.json")).unlink()  # one document's targets all missed: strict F1 below 1
    capsys.readouterr()
    assert main(["evaluate", "--gold", str(GOLD), "--pred", str(out), "--fail-under", "1", "--no-errors"]) == 1
    assert "is below --fail-under 1.0" in capsys.readouterr().err


@pytest.mark.parametrize("floor", ["1.01", "99", "-0.1", "nan", "x"])
def test_fail_under_outside_0_to_1_is_refused(floor: str, capsys: pytest.CaptureFixture[str]) -> None:
    # an F1 is 0..1: `--fail-under 99` (a percent) would fail every run, 1.01 could never pass
    with pytest.raises(SystemExit) as refused:
        main(["evaluate", "--gold", str(GOLD), "--pred", str(GOLD), "--fail-under", floor])
    assert refused.value.code == 2
    assert "argument --fail-under" in capsys.readouterr().err


def test_schema_prints_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Plan"


@pytest.mark.parametrize(
    "command",
    [[], ["extract"], ["evaluate"], ["run"], ["schema"],
     ["floors"], ["report"], ["pre-annotate"], ["import-labels"]],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *command, "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "usage: chitieu" in result.stdout
    assert len(result.stdout.splitlines()) > 4


def test_missing_input_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "o"), "-q"]) == 1
    assert "nope.txt: cannot read file" in capsys.readouterr().err
