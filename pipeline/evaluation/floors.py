"""The accuracy gate: the scorer's figures compared with floors stored in the repository.

Figures are measured by running the extractor in-process on every gold document, so the
gate sees the code as it is now, not records left on disk. A document whose extraction
crashes counts as having no prediction: all its gold targets are missed. The floors file
also keeps a hash of the gold and corpus files it was measured on, so an edited gold set
fails the gate until someone re-measures on purpose.

Floors are rewritten only by `update_floors` (`chitieu floors --update`). It raises a
floor when the figure rose and refuses to lower one unless `allow_lower` is given, so a
regression cannot be waved through by re-running the update.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ChitieuError
from pipeline.evaluation.evaluate import evaluate
from pipeline.ingest.load import expand_inputs
from pipeline.io import write_json_atomic
from pipeline.run import run_documents
from schemas.gold import load_dir
from schemas.plan import Plan

DEFAULT_FLOORS = Path("tests/accuracy_floors.json")
# Paths are relative to the floors file's folder, so the file means the same wherever it is read.
DEFAULT_SETS: dict[str, dict[str, str]] = {
    "seeds": {"corpus": "../corpus", "gold": "../gold"},
    "dev": {"corpus": "../../shared/corpus-dev", "gold": "../../shared/corpus-dev/gold"},
    # Read by nobody while the rules were written: the generalisation check (issue #10).
    "dev2": {"corpus": "../../shared/corpus-dev2", "gold": "../../shared/corpus-dev2/gold"},
}
ABOUT = (
    "Accuracy floors checked by tests/test_accuracy_gate.py (make test). Rewritten only by "
    "`chitieu floors --update`; lowering a floor needs "
    "--allow-lower. Paths are relative to this file. `hash` covers the gold files and the corpus "
    "documents: editing either fails the gate until the floors are re-measured."
)


@dataclass
class Measurement:
    """One set's figures, the hash of its inputs, and the documents that could not be extracted."""

    figures: dict[str, float | None]
    hash: str
    documents: int
    gold_targets: int
    failures: dict[str, str] = field(default_factory=dict)


def floor3(value: float | None) -> float | None:
    """Round down to 3 decimals, so a floor set from a figure never exceeds that figure."""
    if value is None:
        return None
    return math.floor(value * 1000 + 1e-6) / 1000


def inputs_hash(corpus: Path, gold: Path) -> str:
    """sha256 over the names and bytes of every gold file and corpus document."""
    digest = hashlib.sha256()
    entries = [("gold", p) for p in sorted(gold.glob("*.json"))]
    entries += [("corpus", p) for p in expand_inputs([corpus])]
    for kind, path in entries:
        base = gold if kind == "gold" else corpus
        digest.update(f"{kind}/{path.relative_to(base).as_posix()}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return "sha256:" + digest.hexdigest()


def figures_of(result: dict[str, Any]) -> dict[str, float | None]:
    """The gated figures of an `evaluate()` result, flat: F1s, field accuracies, document fields."""
    figures: dict[str, float | None] = {
        "value_f1": result["value"]["f1"],
        "strict_f1": result["strict"]["f1"],
    }
    figures.update(result["fields"])
    figures["indicator_overlap"] = result["indicator_overlap"]
    figures.update({f"document.{k}": v for k, v in result["document_fields"].items()})
    return figures


def predict(gold: dict[str, Plan], corpus: Path) -> tuple[dict[str, Plan], dict[str, str]]:
    """Extract every gold document in-process; a crash or a missing file is a failure, not a stop."""
    done, failures = run_documents(gold, [corpus])  # a crash is a reason: scored as a miss, never a gate crash
    return {doc_id: o.plan for doc_id, o in done.items() if o.plan is not None}, failures


def measure(corpus: Path, gold: Path) -> Measurement:
    """Run the extractor over `corpus` and score it against `gold` (guide §5)."""
    gold_plans = load_dir(gold)
    pred, failures = predict(gold_plans, corpus)
    result = evaluate(gold_plans, pred)
    return Measurement(
        figures=figures_of(result),
        hash=inputs_hash(corpus, gold),
        documents=result["documents"],
        gold_targets=result["gold_targets"],
        failures=failures,
    )


def load_floors(path: Path) -> dict[str, Any]:
    """The floors file, or an empty one when it does not exist yet."""
    if not path.exists():
        return {"about": ABOUT, "sets": {}}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    data.setdefault("sets", {})
    return data


def set_paths(floors_path: Path, spec: dict[str, Any]) -> tuple[Path, Path]:
    """A set's corpus and gold folders, resolved against the floors file's folder."""
    base = floors_path.resolve().parent
    return (base / spec["corpus"]).resolve(), (base / spec["gold"]).resolve()


def below_floors(floors: dict[str, float | None], figures: dict[str, float | None]) -> list[str]:
    """One line per figure under its floor (a figure that vanished counts as under)."""
    problems = []
    for name, floor in floors.items():
        if floor is None:
            continue
        got = figures.get(name)
        if got is None or got < floor:
            problems.append(f"{name}: {got if got is not None else 'none'} is below its floor {floor}")
    return problems


def check_set(floors_path: Path, name: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """Measure one stored set and compare it with its floors and hash.

    Returns `status`: "ok", "failed" (with `problems`), or "skipped" (with `reason`) when
    the set's gold folder is absent, as `../shared` is on a machine without it.
    """
    data = data if data is not None else load_floors(floors_path)
    spec = data["sets"].get(name)
    if spec is None:
        return {"set": name, "status": "skipped", "reason": f"no floors stored for {name!r}"}
    corpus, gold = set_paths(floors_path, spec)
    if not gold.is_dir():
        return {"set": name, "status": "skipped", "reason": f"{gold} is absent"}
    m = measure(corpus, gold)
    problems = []
    hash_ok = m.hash == spec.get("hash")
    if not hash_ok:
        problems.append(
            f"gold or corpus files changed since the floors were set ({spec['gold']}, {spec['corpus']}); "
            "re-measure on purpose with `chitieu floors --update` (add --allow-lower if a figure drops)"
        )
    problems += below_floors(spec.get("floors", {}), m.figures)
    return {
        "set": name,
        "status": "failed" if problems else "ok",
        "problems": problems,
        "hash_ok": hash_ok,
        "figures": m.figures,
        "floors": spec.get("floors", {}),
        "failures": m.failures,
    }


class FloorsError(ChitieuError):
    """A gate that cannot be checked: no floors file, or a set it does not hold."""


def check_floors(floors_path: Path, names: Sequence[str] | None = None) -> dict[str, Any]:
    """`check_set` for every stored set (or the named ones).

    A missing floors file or an unknown set is an error, never a silent pass: run from
    another folder, the default `tests/accuracy_floors.json` does not exist, and a gate
    that checks nothing must not say the floors hold.
    """
    if not floors_path.is_file():
        raise FloorsError(f"{floors_path}: no floors file (run from the repository root, or pass --file)")
    data = load_floors(floors_path)
    if not data["sets"]:
        raise FloorsError(f"{floors_path}: holds no sets (measure them with `chitieu floors --update`)")
    unknown = [n for n in names or [] if n not in data["sets"]]
    if unknown:
        raise FloorsError(f"{floors_path}: no set {', '.join(map(repr, unknown))} "
                          f"(it holds {', '.join(data['sets'])})")
    wanted = list(names) if names else list(data["sets"])
    results = [check_set(floors_path, n, data) for n in wanted]
    return {"file": str(floors_path), "ok": all(r["status"] != "failed" for r in results), "sets": results}


def update_floors(
    floors_path: Path, names: Sequence[str] | None = None, allow_lower: bool = False
) -> dict[str, Any]:
    """Re-measure sets and store their figures (rounded down) and hashes as the new floors.

    Nothing is written when any floor would go down without `allow_lower`: the result then
    lists each refused figure. A set whose gold folder is absent keeps its stored floors.
    """
    data = load_floors(floors_path)
    wanted = list(names) if names else list(DEFAULT_SETS)
    new_sets = dict(data["sets"])
    refused: list[str] = []
    report: list[dict[str, Any]] = []
    for name in wanted:
        spec = dict(data["sets"].get(name) or DEFAULT_SETS.get(name) or {})
        if not spec:
            raise ValueError(f"unknown set {name!r} (known: {', '.join(DEFAULT_SETS)})")
        corpus, gold = set_paths(floors_path, spec)
        if not gold.is_dir():
            report.append({"set": name, "status": "skipped", "reason": f"{gold} is absent"})
            continue
        m = measure(corpus, gold)
        new_floors = {k: floor3(v) for k, v in m.figures.items()}
        old_floors: dict[str, float | None] = spec.get("floors", {})
        lowered = [
            f"{name}.{line}" for line in below_floors(old_floors, new_floors)
        ]
        refused += lowered
        new_sets[name] = {
            "corpus": spec["corpus"],
            "gold": spec["gold"],
            "hash": m.hash,
            "documents": m.documents,
            "gold_targets": m.gold_targets,
            "floors": new_floors,
        }
        report.append({
            "set": name, "status": "measured", "old": old_floors, "new": new_floors,
            "lowered": lowered, "failures": m.failures,
        })
    if refused and not allow_lower:
        return {"file": str(floors_path), "written": False, "refused": refused, "sets": report}
    out = {"about": data.get("about", ABOUT), "sets": new_sets}
    write_json_atomic(floors_path, out)  # an interrupted update never leaves half a floors file
    return {"file": str(floors_path), "written": True, "refused": [], "sets": report}


def _set_lines(result: dict[str, Any], skipped: str, body: Callable[[dict[str, Any]], list[str]],
               tail: Callable[[dict[str, Any]], list[str]] = lambda s: []) -> list[str]:
    """Per set: one line when skipped, else its figure lines, its failed documents, then `tail`."""
    lines = []
    for s in result["sets"]:
        if s["status"] == "skipped":
            lines.append(f"{s['set']}: skipped ({s['reason']}){skipped}")
            continue
        lines += body(s)
        lines += [f"  {doc_id}: {reason} (scored as all missed)" for doc_id, reason in s["failures"].items()]
        lines += tail(s)
    return lines


def _check_lines(s: dict[str, Any]) -> list[str]:
    lines = [f"{s['set']}: {s['status']}"]
    for name, floor in s["floors"].items():
        got = s["figures"].get(name)
        mark = "  BELOW" if floor is not None and (got is None or got < floor) else ""
        lines.append(f"  {name:<22} {_fmt(got, 4):>6}  floor {_fmt(floor):>5}{mark}")
    return lines


def _update_lines(s: dict[str, Any]) -> list[str]:
    lines = [f"{s['set']}:"]
    for name, new in s["new"].items():
        old = s["old"].get(name)
        lines.append(f"  {name:<22} {_fmt(new):>6}{'' if old == new else f'  (was {_fmt(old)})'}")
    return lines


def render_check(result: dict[str, Any]) -> str:
    """Figures next to their floors, one line each, then any problem."""
    return "\n".join(_set_lines(result, "", _check_lines,
                                lambda s: [] if s["hash_ok"] else [f"  ! {s['problems'][0]}"]))


def render_update(result: dict[str, Any]) -> str:
    """What an update changed, or what it refused to lower."""
    lines = _set_lines(result, "; stored floors kept", _update_lines)
    if result["refused"]:
        lines.append("refused: these floors would go down (pass --allow-lower to accept):")
        lines += [f"  {r}" for r in result["refused"]]
    lines.append(f"{'wrote' if result['written'] else 'did not write'} {result['file']}")
    return "\n".join(lines)


def _fmt(v: float | None, digits: int = 3) -> str:
    return "-" if v is None else f"{v:.{digits}f}"

