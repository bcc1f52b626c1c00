"""The Label Studio round trip: predictions -> tasks -> (annotators edit) -> export -> gold."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli import main
from pipeline.evaluation.evaluate import evaluate
from pipeline.evaluation.labelstudio import CONFIG, LabelError, from_task, to_js_offset, to_task
from pipeline.ingest.source import Source
from schemas.gold import load_dir, load_plan
from schemas.plan import Plan, Target, Unit
from tests.conftest import DEV, needs_dev

TEXT = (
    "Kế hoạch chuyển đổi số tỉnh Bình Thuận năm 2025\n"
    "Về phát triển kinh tế số: kinh tế số chiếm 20% GRDP; tỷ trọng thương mại điện tử đạt tối thiểu 2,5%.\n"
    "Về chính quyền số: 90% hồ sơ công việc tại cấp tỉnh, 80% hồ sơ công việc tại cấp huyện được xử lý trên mạng.\n"
    "Phấn đấu tỉnh nằm trong top 25 về chỉ số chuyển đổi số.\n"
)
SOURCE = Source(doc_id="kh", path="corpus/kh.txt", media_type="text/plain", sha256="0" * 64, text=TEXT)


def t(value: float, quote: str, **kw: Any) -> Target:
    start = TEXT.index(quote)
    data: dict[str, Any] = {"value": value, "unit": "percent", "indicator": "x", "quote": quote,
                            "start": start, "end": start + len(quote), "deadline_year": 2025, **kw}
    return Target.model_validate(data)


PRED = Plan(
    doc_id="kh", province="Bình Thuận", doc_type="Kế hoạch", extractor_version="test",
    targets=[
        t(20, "kinh tế số chiếm 20% GRDP", indicator="kinh tế số trong GRDP", pillar="economy"),
        t(2.5, "thương mại điện tử đạt tối thiểu 2,5%", indicator="thương mại điện tử", comparator=">=",
          pillar="economy"),
        t(90, "90% hồ sơ công việc tại cấp tỉnh", indicator="hồ sơ công việc", scope="province",
          pillar="government"),
    ],
)


def exported(task: dict[str, Any], result: list[dict[str, Any]], task_id: int = 7,
             who: Any = 1) -> dict[str, Any]:
    """What Label Studio exports once an annotator has submitted `result` for `task`."""
    return {"id": task_id, "data": task["data"], "predictions": task.get("predictions", []),
            "annotations": [{"id": 100 + task_id, "completed_by": who, "was_cancelled": False,
                             "updated_at": "2026-01-01T10:00:00Z", "result": result}]}


def accepted(task: dict[str, Any]) -> list[dict[str, Any]]:
    """An annotator who accepts the prediction: its results become the annotation's."""
    result = copy.deepcopy(task["predictions"][0]["result"])
    for r in result:
        r.pop("origin", None)
    return result


def region(rid: str, quote: str, unit: str, fields: dict[str, str]) -> list[dict[str, Any]]:
    """A region drawn by hand in Label Studio: the span, then its per-region controls."""
    start = TEXT.index(quote)
    pos = {"start": start, "end": start + len(quote)}
    out: list[dict[str, Any]] = [{"id": rid, "from_name": "target", "to_name": "text", "type": "labels",
                                  "value": {**pos, "text": quote, "labels": [unit]}}]
    for name, v in fields.items():
        if name in {"value", "value_max", "indicator", "deadline_year"}:
            out.append({"id": rid, "from_name": name, "to_name": "text", "type": "textarea",
                        "value": {**pos, "text": [v]}})
        else:
            out.append({"id": rid, "from_name": name, "to_name": "text", "type": "choices",
                        "value": {**pos, "choices": [v]}})
    return out


def test_accepting_every_prediction_gives_the_prediction_back() -> None:
    task = to_task(SOURCE, PRED)
    plan = from_task(exported(task, accepted(task)))
    assert plan is not None
    assert plan.model_dump(exclude={"extractor_version", "media_type"}) == PRED.model_copy(
        update={"source": "corpus/kh.txt", "sha256": "0" * 64}).model_dump(exclude={"extractor_version", "media_type"})


def test_edited_export_becomes_the_expected_gold() -> None:
    task = to_task(SOURCE, PRED)
    result = accepted(task)
    for r in result:  # change one value: the annotator reads 2,5% as 2.6 (and says so)
        if r["id"] == "t002" and r["from_name"] == "value":
            r["value"]["text"] = ["2,6"]
    result = [r for r in result if r["id"] != "t003"]  # delete one region (all its results)
    result += region("hand1", "80% hồ sơ công việc tại cấp huyện", "percent",  # add one
                     {"value": "80", "indicator": "hồ sơ công việc", "scope": "district",
                      "pillar": "government", "deadline_year": "2025"})
    result += region("hand2", "top 25", "rank", {"value": "25", "comparator": "<=",
                                                  "indicator": "chỉ số chuyển đổi số", "scope": "none",
                                                  "pillar": "none", "achieved": "false"})
    plan = from_task(exported(task, result))
    assert plan is not None
    got = [(x.value, x.unit.value, x.comparator.value, x.scope and x.scope.value, x.quote) for x in plan.targets]
    assert got == [
        (20, "percent", "=", None, "kinh tế số chiếm 20% GRDP"),
        (2.6, "percent", ">=", None, "thương mại điện tử đạt tối thiểu 2,5%"),
        (80, "percent", "=", "district", "80% hồ sơ công việc tại cấp huyện"),
        (25, "rank", "<=", None, "top 25"),
    ]
    assert plan.targets[2].deadline_year == 2025 and plan.targets[3].deadline_year is None
    assert (plan.province, plan.doc_type, plan.doc_id) == ("Bình Thuận", "Kế hoạch", "kh")
    plan.check_offsets(TEXT)


def test_span_that_does_not_match_the_text_is_refused_naming_task_and_region() -> None:
    task = to_task(SOURCE, PRED)
    result = accepted(task)
    for r in result:  # shift the second region's span by one character
        if r["id"] == "t002" and r["type"] == "labels":
            r["value"]["start"] += 1
            r["value"]["end"] += 1
    with pytest.raises(LabelError) as info:
        from_task(exported(task, result))
    message = str(info.value)
    assert message.startswith("task 7 (kh), region t002: span text 'thương mại")
    assert "\n" not in message


def test_import_labels_cli_writes_good_tasks_and_refuses_bad_ones(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    task = to_task(SOURCE, PRED)
    other = to_task(Source("kh2", "kh2.txt", "text/plain", "1" * 64, TEXT), PRED)
    bad = accepted(other)
    next(r for r in bad if r["type"] == "labels")["value"]["text"] = "khác"
    export = [exported(task, accepted(task)), exported(other, bad, task_id=8),
              {"id": 9, "data": {"text": TEXT, "doc_id": "kh3"}, "annotations": []}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "gold"
    assert main(["import-labels", str(path), "--out", str(out), "--no-offsets"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("task 8 (kh2), region t001: span text 'khác'")
    assert "task 9 (kh3): no annotation, skipped" in err
    assert sorted(p.name for p in out.iterdir()) == ["kh.json"]
    gold = load_plan(out / "kh.json")
    assert all(x.start is None and x.sentence is None for x in gold.targets)
    # a second import does not replace hand-corrected gold unless asked
    assert main(["import-labels", str(path), "--out", str(out)]) == 1
    assert "exists (pass --overwrite" in capsys.readouterr().err


def test_config_declares_every_control_and_choice_the_tasks_use() -> None:
    root = ET.parse(CONFIG).getroot()
    controls = {el.get("name"): el for el in root.iter() if el.get("toName") == "text"}
    text = next(el for el in root.iter("Text"))
    assert (text.get("name"), text.get("value")) == ("text", "$text")
    task = to_task(SOURCE, PRED)
    for r in task["predictions"][0]["result"]:
        el = controls[r["from_name"]]
        assert r["to_name"] == "text"
        tag = {"labels": "Labels", "choices": "Choices", "textarea": "TextArea"}[r["type"]]
        assert el.tag == tag, r["from_name"]
        if r["type"] == "labels":
            assert set(r["value"]["labels"]) <= {c.get("value") for c in el.iter("Label")}
        if r["type"] == "choices":
            assert set(r["value"]["choices"]) <= {c.get("value") for c in el.iter("Choice")}
        per_region = "start" in r["value"]
        assert (el.get("perRegion") == "true") == (per_region and r["type"] != "labels"), r["from_name"]
    assert json.loads(json.dumps(task, ensure_ascii=False)) == task


def test_offsets_are_utf16_for_label_studio_and_code_points_for_us() -> None:
    text = "🚀 Kinh tế số chiếm 20% GRDP."
    quote = "Kinh tế số chiếm 20% GRDP"
    start = text.index(quote)
    source = Source("e", "e.txt", "text/plain", "2" * 64, text)
    pred = Plan(doc_id="e", targets=[Target(value=20, unit=Unit.PERCENT, indicator="kinh tế số", quote=quote,
                                            start=start, end=start + len(quote))])
    task = to_task(source, pred)
    span = next(r for r in task["predictions"][0]["result"] if r["type"] == "labels")
    assert span["value"]["start"] == start + 1 == to_js_offset(text, start)
    plan = from_task(exported(task, accepted(task)))
    assert plan is not None and plan.targets[0].start == start


def test_pre_annotate_cli_writes_tasks(tmp_path: Path) -> None:
    doc = tmp_path / "kh.txt"
    doc.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "tasks.json"
    assert main(["pre-annotate", str(doc), "--out", str(out)]) == 0
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert tasks[0]["data"]["doc_id"] == "kh" and tasks[0]["data"]["text"] == TEXT
    spans = [r for r in tasks[0]["predictions"][0]["result"] if r["type"] == "labels"]
    assert spans and all(TEXT[r["value"]["start"]:r["value"]["end"]] == r["value"]["text"] for r in spans)
    assert main(["pre-annotate", str(doc), "--out", str(out), "--blank"]) == 0
    assert "predictions" not in json.loads(out.read_text(encoding="utf-8"))[0]


def test_two_annotators_agreement_is_evaluate_on_their_gold(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    task = to_task(SOURCE, None)
    a = region("a1", "kinh tế số chiếm 20% GRDP", "percent", {"value": "20", "indicator": "kinh tế số trong GRDP"})
    a += region("a2", "top 25", "rank", {"value": "25", "comparator": "<=", "indicator": "chỉ số chuyển đổi số"})
    b = region("b1", "kinh tế số chiếm 20% GRDP", "percent", {"value": "20", "indicator": "kinh tế số",
                                                               "comparator": "~"})
    export = exported(task, a, who={"id": 1, "email": "an@example.org"})
    export["annotations"] += exported(task, b, who={"id": 2, "email": "binh@example.org"})["annotations"]
    path = tmp_path / "export.json"
    path.write_text(json.dumps([export], ensure_ascii=False), encoding="utf-8")
    for who in ("an@example.org", "2"):
        assert main(["import-labels", str(path), "--out", str(tmp_path / who), "--annotator", who,
                     "--no-offsets"]) == 0
    capsys.readouterr()
    assert main(["evaluate", "--gold", str(tmp_path / "an@example.org"), "--pred", str(tmp_path / "2"),
                 "--json"]) == 0
    agreement = json.loads(capsys.readouterr().out)
    assert agreement["value"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667}
    assert agreement["fields"]["comparator"] == 0.0


@needs_dev
def test_evaluate_works_on_gold_without_offsets_or_sentences() -> None:
    gold = load_dir(DEV / "gold")
    assert all(x.start is None and x.sentence is None for p in gold.values() for x in p.targets)
    r = evaluate(gold, gold)
    assert r["value"]["f1"] == 1.0 and r["strict"]["f1"] == 1.0 and not r["errors"]
    other = {k: p.model_copy(update={"targets": p.targets[1:]}) for k, p in gold.items()}
    r = evaluate(gold, other)
    assert r["value"]["precision"] == 1.0 and r["value"]["recall"] < 1.0
    assert {e["kind"] for e in r["errors"]} == {"missed"}
