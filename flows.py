"""Prefect flows: sequencing, chunking and reporting only; no extraction logic here.

`corpus_flow` runs ingest → normalise → tokenise → extract → validate → write over a
folder in chunks (a Prefect task costs tens of milliseconds, so one task per document
would cost more than the extraction), then scores the records against gold.  It runs
locally in Prefect's ephemeral mode with nothing to set up, quietly and offline.

`python flows.py` does what `chitieu run` does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

# Quiet, offline Prefect (see ../shared/notes/env-recipe.md §2).  Set before importing it.
_PREFECT_DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
    "HF_HUB_OFFLINE": "1",
    "PREFECT_HOME": str(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "chitieu" / "prefect"),
}
for _key, _value in _PREFECT_DEFAULTS.items():
    os.environ.setdefault(_key, _value)
Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)  # Prefect makes only the leaf

from prefect import flow, task
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

from pipeline.batch import failure_reason
from pipeline.evaluate import evaluate, render_text
from pipeline.extract import extract_source
from pipeline.ingest import expand_inputs, load_source
from pipeline.nlp import warm_up
from schemas.gold import load_dir, write_plan

DEFAULT_CHUNK = 50


@task(name="extract-chunk")
def extract_chunk(paths: list[str], out_dir: str) -> list[dict[str, Any]]:
    """Every stage for a chunk of documents; each outcome is data, never an exception."""
    warm_up()
    outcomes: list[dict[str, Any]] = []
    for raw in paths:
        path = Path(raw)
        try:
            source = load_source(path)  # ingest + normalise (NFC, spaces, re-joined lines)
            plan = extract_source(source)  # tokenise + extract + validate
            write_plan(plan, Path(out_dir) / f"{path.stem}.json")  # atomic write
        except Exception as exc:  # noqa: BLE001  a bad file is an outcome; the chunk carries on
            outcomes.append({"path": raw, "status": "failed", "reason": failure_reason(exc), "targets": 0})
            continue
        outcomes.append({"path": raw, "status": "written", "reason": None, "targets": len(plan.targets)})
    return outcomes


@task(name="evaluate")
def evaluate_records(gold_dir: str, out_dir: str) -> dict[str, Any]:
    """Score the written records against gold (labelling guide §5)."""
    return evaluate(load_dir(Path(gold_dir)), load_dir(Path(out_dir)))


def chunked(items: list[str], size: int) -> list[list[str]]:
    """Consecutive chunks of at most `size` items."""
    return [items[i : i + size] for i in range(0, len(items), size)]


@flow(name="chitieu-corpus", log_prints=False)
def _corpus_flow(input_dir: str, gold_dir: str | None, out_dir: str, chunk_size: int = DEFAULT_CHUNK) -> dict[str, Any]:
    files = [str(p) for p in expand_inputs([Path(input_dir)])]
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    futures = extract_chunk.map(chunked(files, chunk_size), out_dir=out_dir)
    outcomes = [o for chunk in futures.result() for o in chunk]
    summary: dict[str, Any] = {
        "documents": len(files),
        "written": sum(1 for o in outcomes if o["status"] == "written"),
        "targets": sum(o["targets"] for o in outcomes),
        "failures": [{"path": o["path"], "reason": o["reason"]} for o in outcomes if o["status"] == "failed"],
    }
    if gold_dir and Path(gold_dir).is_dir():
        result = evaluate_records(gold_dir, out_dir)
        summary["scores"] = {k: result[k] for k in ("value", "strict", "fields", "indicator_overlap")}
        summary["scorecard"] = render_text(result, show_errors=False)
    return summary


def corpus_flow(input_dir: str, gold_dir: str | None, out_dir: str, chunk_size: int = DEFAULT_CHUNK) -> dict[str, Any]:
    """Run the corpus flow without the +1 s heartbeat join of synchronous flows."""
    if not Path(input_dir).is_dir():
        raise FileNotFoundError(f"{input_dir}: not a folder")
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return _corpus_flow(input_dir, gold_dir, out_dir, chunk_size)


if __name__ == "__main__":
    from pipeline.cli import main

    raise SystemExit(main(["run"]))
