"""The accuracy gate: the extractor, run now, must reach the floors stored in the repository.

A failure here means either a figure dropped (fix the regression, or lower the floor on
purpose with `chitieu floors --update --allow-lower` and say why in the commit), or the
gold/corpus files changed since the floors were set (re-measure with `chitieu floors
--update`). The second half tests the gate's own rules on a one-document corpus.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline import run
from pipeline.cli import main
from pipeline.evaluation import floors
from pipeline.io import write_plan
from schemas.plan import Plan, Target
from tests.conftest import DEV, ROOT, needs_dev

FLOORS = ROOT / "tests" / "accuracy_floors.json"


@pytest.mark.parametrize(
    "name", ["seeds", pytest.param("dev", marks=needs_dev), pytest.param("dev2", marks=needs_dev)]
)
def test_extractor_meets_stored_floors(name: str) -> None:
    result = floors.check_set(FLOORS, name)
    if result["status"] == "skipped":
        pytest.skip(result["reason"])
    crashes = "".join(f"\n  {d}: {r} (scored as all missed)" for d, r in result["failures"].items())
    assert result["status"] == "ok", f"{name}:\n  " + "\n  ".join(result["problems"]) + crashes


def test_floors_file_covers_both_sets_with_hashes() -> None:
    data = json.loads(FLOORS.read_text(encoding="utf-8"))
    assert set(data["sets"]) == {"seeds", "dev", "dev2"}
    for spec in data["sets"].values():
        assert spec["hash"].startswith("sha256:")
        assert {"value_f1", "strict_f1", "scope", "deadline_year", "comparator", "direction",
                "pillar", "achieved", "indicator_overlap"} <= set(spec["floors"])


@pytest.mark.parametrize("name, folder", [("dev", DEV), ("dev2", DEV.parent / "corpus-dev2")])
def test_dev_sets_are_measured_by_path_not_copied(name: str, folder: Path) -> None:
    spec = json.loads(FLOORS.read_text(encoding="utf-8"))["sets"][name]
    corpus, gold = floors.set_paths(FLOORS, spec)
    assert corpus == folder.resolve() and gold == (folder / "gold").resolve()


# ---------------------------------------------------------------- the gate's own rules

DOC = "Kế hoạch chuyển đổi số năm 2025\nVề phát triển kinh tế số:\nKinh tế số chiếm 20% GRDP của tỉnh.\n"


def _gold_target(**kw: Any) -> Target:
    base: dict[str, Any] = {
        "value": 20, "unit": "percent", "comparator": "=", "direction": "level",
        "indicator": "kinh tế số trong GRDP", "scope": None, "deadline_year": 2025,
        "pillar": "economy", "achieved": False, "quote": "Kinh tế số chiếm 20% GRDP",
    }
    return Target.model_validate({**base, **kw})


@pytest.fixture()
def tiny(tmp_path: Path) -> Path:
    """A repo-like folder: tests/floors.json, corpus/kh.txt and gold/kh.json (one target)."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "kh.txt").write_text(DOC, encoding="utf-8")
    write_plan(Plan(doc_id="kh", targets=[_gold_target()]), tmp_path / "gold" / "kh.json")
    (tmp_path / "tests").mkdir()
    return tmp_path


def _update(root: Path, *extra: str) -> int:
    return main(["floors", "--file", str(root / "tests" / "floors.json"), "--set", "seeds", "--update", *extra])


def _stored(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / "tests" / "floors.json").read_text(encoding="utf-8"))
    return data


def test_update_writes_figures_rounded_down_and_a_hash(tiny: Path) -> None:
    assert _update(tiny) == 0
    seeds = _stored(tiny)["sets"]["seeds"]
    assert seeds["floors"]["value_f1"] == 1.0
    assert seeds["hash"] == floors.inputs_hash(tiny / "corpus", tiny / "gold")
    assert floors.check_floors(tiny / "tests" / "floors.json")["ok"]
    assert floors.floor3(0.92579) == 0.925 and floors.floor3(0.925) == 0.925


def test_edited_gold_fails_the_check_until_floors_are_updated(tiny: Path) -> None:
    assert _update(tiny) == 0
    write_plan(Plan(doc_id="kh", province="Bình Thuận", targets=[_gold_target()]), tiny / "gold" / "kh.json")
    result = floors.check_floors(tiny / "tests" / "floors.json")
    assert not result["ok"]
    assert "changed since the floors were set" in result["sets"][0]["problems"][0]


def test_a_floor_goes_down_only_with_allow_lower(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _update(tiny) == 0
    before = (tiny / "tests" / "floors.json").read_text(encoding="utf-8")
    # a second gold target the extractor does not find: recall and value F1 drop
    extra = _gold_target(value=70, quote="Kế hoạch chuyển đổi số năm 2025")
    write_plan(Plan(doc_id="kh", targets=[_gold_target(), extra]), tiny / "gold" / "kh.json")
    assert not floors.check_floors(tiny / "tests" / "floors.json")["ok"]
    capsys.readouterr()
    assert _update(tiny) == 1
    out = capsys.readouterr().out
    assert "seeds.value_f1" in out and "--allow-lower" in out
    assert (tiny / "tests" / "floors.json").read_text(encoding="utf-8") == before
    assert _update(tiny, "--allow-lower") == 0
    assert _stored(tiny)["sets"]["seeds"]["floors"]["value_f1"] == floors.floor3(2 * 1 * 0.5 / 1.5)
    assert floors.check_floors(tiny / "tests" / "floors.json")["ok"]


def test_a_crash_counts_as_every_gold_target_missed(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(source: object) -> Plan:
        raise RuntimeError("extractor bug")

    monkeypatch.setattr(run, "extract_source_with_drops", boom)  # the one runner every caller goes through
    m = floors.measure(tiny / "corpus", tiny / "gold")
    assert m.figures["value_f1"] == 0.0
    assert m.failures == {"kh": "internal error (RuntimeError): extractor bug"}


def test_absent_gold_set_is_skipped_and_keeps_its_floors(tiny: Path) -> None:
    assert _update(tiny) == 0
    data = _stored(tiny)
    data["sets"]["dev"] = {"corpus": "../nowhere", "gold": "../nowhere/gold", "hash": "sha256:x",
                           "floors": {"value_f1": 0.5}}
    (tiny / "tests" / "floors.json").write_text(json.dumps(data), encoding="utf-8")
    result = floors.check_floors(tiny / "tests" / "floors.json")
    assert result["ok"] and result["sets"][1]["status"] == "skipped"
    assert main(["floors", "--file", str(tiny / "tests" / "floors.json"), "--update"]) == 0
    assert _stored(tiny)["sets"]["dev"]["floors"] == {"value_f1": 0.5}
