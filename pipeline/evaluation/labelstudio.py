"""The annotation round trip through Label Studio: predictions out as tasks, labels back as gold.

`to_task` writes one Label Studio task per document (JSON import format): the normalised
text in `data.text`, and the extractor's targets as a prediction whose regions are
`labels` spans (the label is the unit) with the other target fields as per-region
`textarea`/`choices` results tied to the span by the region `id`. Those are exactly the
controls of `docs/label-studio-config.xml`, so an annotator sees and edits every field.

`from_task` reads a task of Label Studio's JSON export (`annotations[].result[]`) back
into a validated gold `Plan`. A span whose text is not the document's text at its offsets
is refused with one line naming the task and the region: a gold quote that is not in the
document would silently never match anything.

Label Studio counts offsets in UTF-16 code units (JavaScript strings) while our offsets
count code points; the two differ only past U+FFFF (emoji, rare CJK), and are converted
both ways here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pipeline.ingest.archive import DocRef
from pipeline.ingest.inputs import Document, list_inputs
from pipeline.ingest.source import Source
from pipeline.io import write_json_atomic, write_plan
from pipeline.run import no_extraction, run_one
from schemas.fields import (
    DOC_FIELDS,
    LABELLED_TARGET_FIELDS,
    choices,
    field_type,
    is_optional,
    plain,
)
from schemas.gold import describe_validation_error
from schemas.plan import Plan, Target, Unit

TEXT = "text"  # the Text object tag and the task data key
LABELS = "target"  # the Labels control; its label is the target's unit
NONE = "none"  # the choice that stands for null (scope, pillar)
UNITS = tuple(u.value for u in Unit)


def _region_choices(name: str) -> tuple[str, ...] | None:
    """A field's Choices values (with `none` when it may be null), or None for a TextArea."""
    closed = choices(Target, name)
    if closed is None:
        return None
    return (*closed, NONE) if is_optional(Target, name) else closed


# Per-region controls, one per labelled field of a target (schemas/fields.py): field name ->
# allowed choices, or None for a free-text TextArea. The unit is the span's label instead.
REGION_FIELDS: dict[str, tuple[str, ...] | None] = {name: _region_choices(name) for name in LABELLED_TARGET_FIELDS}
CONFIG = Path(__file__).resolve().parents[2] / "docs" / "label-studio-config.xml"


class LabelError(ValueError):
    """One annotation that cannot become gold: `task …, region …: reason`."""


# ---------------------------------------------------------------- offsets


def _needs_utf16_map(text: str) -> bool:
    return any(ord(c) > 0xFFFF for c in text)


def to_js_offset(text: str, i: int) -> int:
    """Code-point offset -> UTF-16 offset (what Label Studio's `start`/`end` count)."""
    if not _needs_utf16_map(text):
        return i
    return i + sum(1 for c in text[:i] if ord(c) > 0xFFFF)


def from_js_offset(text: str, j: int) -> int:
    """UTF-16 offset -> code-point offset; raises when `j` falls inside a surrogate pair."""
    if not _needs_utf16_map(text):
        return j
    units = 0
    for i, c in enumerate(text):
        if units == j:
            return i
        units += 2 if ord(c) > 0xFFFF else 1
        if units > j:
            raise LabelError(f"offset {j} splits the character {c!r}")
    if units == j:
        return len(text)
    raise LabelError(f"offset {j} is past the end of the text")


# ---------------------------------------------------------------- predictions -> tasks


def _number(v: float | None) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else str(v)


def _choice(v: Any) -> str:
    if v is None:
        return NONE
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(plain(v))


def _free_text(t: Target, name: str) -> str:
    """A TextArea's text for a field: numbers as the text wrote them, empty for null."""
    v = getattr(t, name)
    if v is None:
        return ""
    return _number(v) if isinstance(v, float) else str(v)


def target_results(text: str, t: Target, region_id: str, start: int, end: int) -> list[dict[str, Any]]:
    """A target as Label Studio results: the `labels` span, then one result per field."""
    js = {"start": to_js_offset(text, start), "end": to_js_offset(text, end)}
    base: dict[str, Any] = {"id": region_id, "from_name": "", "to_name": TEXT, "origin": "prediction"}
    if t.confidence is not None:
        base["score"] = t.confidence  # Label Studio shows a region's score and sorts by it
    results: list[dict[str, Any]] = [{
        **base, "from_name": LABELS, "type": "labels",
        "value": {**js, "text": text[start:end], "labels": [t.unit.value]},
    }]
    for name, closed in REGION_FIELDS.items():
        if closed is None:
            text = _free_text(t, name)
            if text == "":
                continue  # an empty TextArea has no result in Label Studio either
            results.append({**base, "from_name": name, "type": "textarea",
                            "value": {**js, "text": [text]}})
        else:
            results.append({**base, "from_name": name, "type": "choices",
                            "value": {**js, "choices": [_choice(getattr(t, name))]}})
    return results


def document_results(plan: Plan) -> list[dict[str, Any]]:
    """The document fields as whole-task TextArea results (empty ones left out)."""
    out = []
    for name in DOC_FIELDS:
        v = getattr(plan, name)
        if v is None:
            continue
        text = v.isoformat() if isinstance(v, dt.date) else str(v)
        out.append({"id": f"doc-{name}", "from_name": name, "to_name": TEXT, "type": "textarea",
                    "origin": "prediction", "value": {"text": [text]}})
    return out


def to_task(source: Source, plan: Plan | None) -> dict[str, Any]:
    """One Label Studio task: the text, and `plan` (if any) as its pre-annotation."""
    task: dict[str, Any] = {
        "data": {TEXT: source.text, "doc_id": source.doc_id, "source": source.path, "sha256": source.sha256},
    }
    if plan is None:
        return task
    result = document_results(plan)
    for i, t in enumerate(plan.targets, 1):
        if t.start is None or t.end is None:
            raise ValueError(f"{source.doc_id}: target {i} has no offsets")
        result += target_results(source.text, t, f"t{i:03d}", t.start, t.end)
    prediction: dict[str, Any] = {"model_version": plan.extractor_version or "chitieu", "result": result}
    scores = [t.confidence for t in plan.targets if t.confidence is not None]
    if scores:
        prediction["score"] = round(min(scores), 3)  # a task is as doubtful as its weakest target
    task["predictions"] = [prediction]
    return task


@dataclass
class PreAnnotation:
    tasks: list[dict[str, Any]] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)


def pre_annotate(paths: Sequence[Path | Document], blank: bool = False) -> PreAnnotation:
    """Tasks for every document under `paths`; a file that fails is a (path, reason), not a stop.

    Documents keep the ids `pipeline/ingest/inputs.py` gives them (the path below the input folder),
    so two files named alike in two sub-folders become two tasks with two ids.
    """
    out = PreAnnotation()
    docs = [p for p in paths if isinstance(p, Document)]
    docs += list_inputs([p for p in paths if not isinstance(p, Document)]).documents
    for doc in docs:
        ref = DocRef(name=str(doc.path), path=str(doc.path), doc_id=doc.doc_id)
        outcome = run_one(ref, extract=no_extraction if blank else None)
        if outcome.source is None:
            out.failures.append((outcome.name, outcome.reason or "failed"))
            continue
        out.tasks.append(to_task(outcome.source, None if blank else outcome.plan))
    return out



def write_tasks(tasks: list[dict[str, Any]], path: Path) -> None:
    """Write the task list atomically, UTF-8 with Vietnamese unescaped."""
    write_json_atomic(path, tasks)


# ---------------------------------------------------------------- export -> gold


def _task_name(task: dict[str, Any]) -> str:
    data = task.get("data") or {}
    doc = data.get("doc_id")
    tid = task.get("id")
    if tid is not None and doc:
        return f"task {tid} ({doc})"
    return f"task {tid}" if tid is not None else f"task {doc}"


def choose_annotation(task: dict[str, Any], annotator: str | None = None) -> dict[str, Any] | None:
    """The annotation to import: not cancelled, by `annotator` if given, the latest one.

    `annotator` matches `completed_by` as Label Studio exports it: a user id, or an object
    with `id` and `email`.
    """
    found = []
    for n, a in enumerate(task.get("annotations") or []):
        if a.get("was_cancelled"):
            continue
        if annotator is not None and annotator not in _annotator_names(a.get("completed_by")):
            continue
        found.append((str(a.get("updated_at") or a.get("created_at") or ""), n, a))
    return max(found, key=lambda x: (x[0], x[1]))[2] if found else None


def annotators_in(tasks: Sequence[dict[str, Any]]) -> list[str]:
    """Every annotator named in an export, as `--annotator` accepts them (ids, emails)."""
    found: set[str] = set()
    for task in tasks:
        for a in task.get("annotations") or []:
            if isinstance(a, dict):
                found |= _annotator_names(a.get("completed_by"))
    return sorted(found, key=lambda n: (not n.isdigit(), int(n) if n.isdigit() else 0, n))


def _annotator_names(who: Any) -> set[str]:
    if isinstance(who, dict):
        return {str(who[k]) for k in ("id", "email") if who.get(k) is not None}
    return {str(who)} if who is not None else set()


def _one_text(value: dict[str, Any], name: str) -> str:
    items = value.get("text")
    if isinstance(items, str):
        items = [items]
    parts = [s.strip() for s in (items or []) if isinstance(s, str) and s.strip()]
    if len(parts) > 1:
        raise LabelError(f"{name}: {len(parts)} entries ({parts}); keep one")
    return parts[0] if parts else ""


def _one_choice(value: dict[str, Any], name: str) -> str | None:
    choices = value.get("choices") or []
    if len(choices) > 1:
        raise LabelError(f"{name}: {len(choices)} choices ({choices}); pick one")
    return str(choices[0]) if choices else None


def _parse_number(s: str, name: str) -> float | None:
    s = s.strip().replace(" ", "")
    if not s:
        return None
    try:
        return float(s.replace(",", ".")) if s.count(",") <= 1 and "." not in s else float(s)
    except ValueError:
        raise LabelError(f"{name}: {s!r} is not a number") from None


def _parse_text(raw: str, name: str) -> Any:
    """A TextArea's text as the field's type: a number, a whole number, or text (empty: null)."""
    kind = field_type(Target, name)
    if kind is float:
        return _parse_number(raw, name)
    if kind is int:
        return int(num) if (num := _parse_number(raw, name)) is not None else None
    return (raw or None) if is_optional(Target, name) else raw


def region_target(text: str, region: dict[str, Any], fields: dict[str, dict[str, Any]]) -> Target:
    """One labelled span and its per-region fields as a validated `Target`."""
    value = region.get("value") or {}
    labels = value.get("labels") or []
    if len(labels) != 1 or labels[0] not in UNITS:
        raise LabelError(f"label {labels}: expected one of {', '.join(UNITS)}")
    try:
        start = from_js_offset(text, int(value["start"]))
        end = from_js_offset(text, int(value["end"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise LabelError(f"span: no usable start/end ({exc})") from None
    quote = text[start:end]
    if "text" in value and value["text"] != quote:
        raise LabelError(f"span text {value['text']!r} is not the document text at {start}..{end} ({quote!r})")
    if not quote.strip():
        raise LabelError(f"span {start}..{end} is empty")
    data: dict[str, Any] = {"unit": labels[0], "quote": quote, "start": start, "end": end}
    for name, closed in REGION_FIELDS.items():
        result = fields.get(name)
        if result is None:
            continue
        v = result.get("value") or {}
        if closed is None:
            data[name] = _parse_text(_one_text(v, name), name)
        else:
            picked = _one_choice(v, name)
            if picked is None:
                continue
            data[name] = None if picked == NONE else (picked == "true" if name == "achieved" else picked)
    if data.get("value") is None:
        raise LabelError("value: missing (fill the value box of the region)")
    try:
        return Target.model_validate(data)
    except ValidationError as exc:
        raise LabelError(describe_validation_error(exc, "target")) from None


def from_task(task: dict[str, Any], annotator: str | None = None) -> Plan | None:
    """A task of Label Studio's JSON export as a gold `Plan`; None when it has no annotation.

    Raises `LabelError` naming the task and the region for the first region that is wrong.
    """
    name = _task_name(task)
    data = task.get("data")
    if not isinstance(data, dict) or not isinstance(data.get(TEXT), str):
        raise LabelError(f"{name}: no data.text (is this Label Studio's JSON export, not JSON-MIN or CSV?)")
    text: str = data[TEXT]
    annotation = choose_annotation(task, annotator)
    if annotation is None:
        return None
    regions: dict[str, dict[str, Any]] = {}
    per_region: dict[str, dict[str, dict[str, Any]]] = {}
    doc: dict[str, Any] = {}
    for r in annotation.get("result") or []:
        rid = str(r.get("id"))
        if r.get("type") == "labels" and r.get("from_name") == LABELS:
            regions[rid] = r
        elif r.get("from_name") in REGION_FIELDS:
            per_region.setdefault(rid, {})[r["from_name"]] = r
        elif r.get("from_name") in DOC_FIELDS:
            doc[r["from_name"]] = _one_text(r.get("value") or {}, r["from_name"]) or None
    targets: list[tuple[int, Target]] = []
    for rid, region in regions.items():
        try:
            t = region_target(text, region, per_region.get(rid, {}))
        except LabelError as exc:
            raise LabelError(f"{name}, region {rid}: {exc}") from None
        targets.append((t.start or 0, t))
    targets.sort(key=lambda x: x[0])  # stable: regions on one span keep their order
    doc_id = str(data.get("doc_id") or f"task-{task.get('id')}")
    try:
        plan = Plan.model_validate({
            "doc_id": doc_id,
            "source": data.get("source"),
            "sha256": data.get("sha256"),
            **doc,
            "targets": [t for _, t in targets],
        })
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "record"
        raise LabelError(f"{name}: {loc}: {first['msg']}") from None
    return plan


def read_export(path: Path) -> list[dict[str, Any]]:
    """The task list of a Label Studio JSON export (a list, or one task)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LabelError(f"{path}: cannot read JSON: {exc}") from exc
    tasks = [data] if isinstance(data, dict) else data
    if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
        raise LabelError(f"{path}: expected a list of Label Studio tasks")
    return tasks


def import_labels(path: Path, out_dir: Path, annotator: str | None = None,
                  overwrite: bool = False, offsets: bool = True) -> dict[str, Any]:
    """Every annotated task of an export to `out_dir/<doc_id>.json`.

    A task with a wrong region is not written (its problem is listed); the others are.
    An existing gold file is kept unless `overwrite`, so a re-import cannot silently
    replace hand-corrected gold.
    """
    written: list[str] = []
    unannotated: list[str] = []
    problems: list[str] = []
    warnings: list[str] = []
    tasks = read_export(path)
    if annotator is not None:
        known = annotators_in(tasks)
        if known and annotator not in known:
            hint = ("; Label Studio's JSON export names annotators by user id" if all(k.isdigit() for k in known)
                    else "")
            warnings.append(f"no annotation by --annotator {annotator!r} in {path}: it has annotations by "
                            f"{', '.join(known)}{hint}")
            return {"written": written, "unannotated": unannotated, "problems": problems, "warnings": warnings}
    for task in tasks:
        try:
            plan = from_task(task, annotator)
        except LabelError as exc:
            problems.append(str(exc))
            continue
        if plan is None:
            unannotated.append(_task_name(task))
            continue
        target = out_dir / f"{plan.doc_id}.json"
        if target.exists() and not overwrite:
            problems.append(f"{_task_name(task)}: {target} exists (pass --overwrite to replace it)")
            continue
        if not offsets:
            plan = plan.model_copy(update={"targets": [
                t.model_copy(update={"start": None, "end": None}) for t in plan.targets]})
        write_plan(plan, target)
        written.append(str(target))
    if tasks and len(unannotated) == len(tasks):
        warnings.append(f"no task in {path} has an annotation (is this the pre-annotate task file, "
                        "not Label Studio's export?)")
    return {"written": written, "unannotated": unannotated, "problems": problems, "warnings": warnings}
