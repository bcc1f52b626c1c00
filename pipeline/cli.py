"""`chitieu`: the command line.  Each command is a thin wrapper over a plain function.

Exit codes: 0 when everything asked for was done; 1 when some input failed (each
failure is one `path: reason` line on stderr, the rest still written) or when a
`--fail-under` floor is not met; 2 for a wrong command line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from pipeline.errors import ChitieuError

DEFAULT_CORPUS = Path("corpus")
DEFAULT_GOLD = Path("gold")
DEFAULT_OUT = Path("out/records")


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def cmd_extract(args: argparse.Namespace) -> int:
    """Extract every input file into DIR/<stem>.json."""
    from pipeline.batch import extract_files
    from pipeline.ingest import expand_inputs

    files = list(expand_inputs([Path(p) for p in args.paths]))
    if not files:
        print(f"chitieu extract: no .txt, .html, .htm, .pdf or .docx files in {' '.join(args.paths)}", file=sys.stderr)
        return 1
    report = extract_files(files, Path(args.out), progress=not args.quiet)
    for failure in report.failures:
        print(f"{failure.name}: {failure.reason}", file=sys.stderr)
    if not args.quiet:
        print(
            f"{report.written} of {len(files)} documents written to {args.out}, "
            f"{report.targets} targets, {len(report.failures)} failed, {report.seconds:.1f} s",
            file=sys.stderr,
        )
    return 1 if report.failures else 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Score predictions against gold (guide §5)."""
    from pipeline.evaluate import evaluate, render_text
    from schemas.gold import load_dir

    gold = load_dir(Path(args.gold))
    pred = load_dir(Path(args.pred))
    if not gold:
        print(f"{args.gold}: no gold files (*.json)", file=sys.stderr)
        return 1
    result = evaluate(gold, pred)
    if args.json:
        _print_json(result)
    else:
        print(render_text(result, show_errors=not args.no_errors))
    if args.fail_under is not None and result["strict"]["f1"] < args.fail_under:
        print(
            f"strict F1 {result['strict']['f1']:.3f} is below --fail-under {args.fail_under}",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """The Prefect flow: extract the corpus, write records, print the scorecard."""
    if args.store is not None:
        return cmd_run_store(args)
    args.out = args.out or DEFAULT_OUT
    from flows import corpus_flow

    started = time.perf_counter()
    summary = corpus_flow(
        input_dir=str(args.input),
        gold_dir=str(args.gold) if args.gold else None,
        out_dir=str(args.out),
    )
    for failure in summary["failures"]:
        print(f"{failure['path']}: {failure['reason']}", file=sys.stderr)
    print(
        f"wrote {summary['written']} plan records ({summary['targets']} targets) to {args.out}; "
        f"{len(summary['failures'])} failed; {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    if summary.get("scorecard"):
        print(summary["scorecard"])
    return 1 if summary["failures"] else 0


def cmd_run_store(args: argparse.Namespace) -> int:
    """The batch flow into a store: resumable, idempotent, with a closing summary."""
    if args.out is not None:
        print("chitieu run: --out writes JSON records for runs without --store; "
              "export a store with `chitieu export`", file=sys.stderr)
        return 2
    if args.verbose:
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"  # read when flows imports Prefect
    from flows import run_batch
    from pipeline.progress import render_summary

    started = time.perf_counter()
    summary = run_batch(str(args.input), str(args.store), workers=args.workers, chunk_size=args.chunk_size,
                        dask_address=args.dask_address, cache=not args.no_cache, progress=not args.quiet)
    for failure in summary["failures"]:
        print(f"{failure['name']}: {failure['reason']}", file=sys.stderr)
    if not args.quiet:
        print(render_summary(summary, time.perf_counter() - started), file=sys.stderr)
    if args.summary_json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    return 1 if summary["failed"] else 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write a store's contents as Parquet, CSV or JSON Lines."""
    from pipeline.export import export_store

    written = export_store(Path(args.store), args.format, Path(args.out))
    print(f"wrote {', '.join(str(p) for p in written)}", file=sys.stderr)
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    """Run one read-only SQL statement on a store and print the rows."""
    from pipeline.store import Store

    with Store.open(Path(args.store), read_only=True) as store:
        columns, rows = store.query(args.sql)
    if args.json:
        for row in rows:
            sys.stdout.write(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, default=str) + "\n")
        return 0
    if columns:
        print("\t".join(columns))
    for row in rows:
        print("\t".join("" if v is None else str(v) for v in row))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of a plan record."""
    from schemas.plan import plan_json_schema

    _print_json(plan_json_schema())
    return 0


def cmd_floors(args: argparse.Namespace) -> int:
    """Check the accuracy floors, or re-measure and store them (--update)."""
    from pipeline.floors import check_floors, render_check, render_update, update_floors

    if args.update:
        result = update_floors(Path(args.file), args.set, allow_lower=args.allow_lower)
        print(render_update(result))
        return 0 if result["written"] else 1
    result = check_floors(Path(args.file), args.set)
    print(render_check(result))
    return 0 if result["ok"] else 1


def cmd_report(args: argparse.Namespace) -> int:
    """Write the HTML evaluation report."""
    from pipeline.report import build_report

    summary = build_report(Path(args.gold), Path(args.pred), [Path(c) for c in args.corpus], Path(args.out))
    for doc_id, note in summary["without_text"].items():
        print(f"{doc_id}: {note}", file=sys.stderr)
    print(f"wrote {summary['out']}: {summary['documents']} documents, value F1 {summary['value']['f1']:.3f}, "
          f"strict F1 {summary['strict']['f1']:.3f}", file=sys.stderr)
    return 0


def cmd_pre_annotate(args: argparse.Namespace) -> int:
    """Write Label Studio tasks with the extractor's predictions."""
    from pipeline.labelstudio import pre_annotate, write_tasks

    result = pre_annotate([Path(p) for p in args.paths], blank=args.blank)
    for path, reason in result.failures:
        print(f"{path}: {reason}", file=sys.stderr)
    if not result.tasks and not result.failures:
        print(f"chitieu pre-annotate: no .txt, .html, .htm, .pdf or .docx files in {' '.join(args.paths)}", file=sys.stderr)
        return 1
    write_tasks(result.tasks, Path(args.out))
    print(f"wrote {len(result.tasks)} tasks to {args.out}; {len(result.failures)} failed", file=sys.stderr)
    return 1 if result.failures else 0


def cmd_import_labels(args: argparse.Namespace) -> int:
    """Turn a Label Studio JSON export into gold records."""
    from pipeline.labelstudio import import_labels

    result = import_labels(Path(args.file), Path(args.out), annotator=args.annotator,
                           overwrite=args.overwrite, offsets=not args.no_offsets)
    for line in result["problems"]:
        print(line, file=sys.stderr)
    for name in result["unannotated"]:
        print(f"{name}: no annotation, skipped", file=sys.stderr)
    print(f"wrote {len(result['written'])} gold records to {args.out}; "
          f"{len(result['problems'])} refused", file=sys.stderr)
    return 1 if result["problems"] else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chitieu",
        description=(
            "Extract quantified targets from Vietnamese provincial digital-transformation plans "
            "(.txt, .html, .pdf, .docx) into validated plan records, and score them against gold labels."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("extract", help="extract plan records from files",
                       description="Write one plan record DIR/<file stem>.json per input file.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, or folders searched for .txt/.html/.htm/.pdf/.docx")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the JSON records")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or summary on stderr")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("evaluate", help="score predicted records against gold",
                       description="Pair predictions with gold per labelling guide §5 and print the scorecard.")
    p.add_argument("--gold", required=True, metavar="DIR", help="folder of gold records (*.json)")
    p.add_argument("--pred", required=True, metavar="DIR", help="folder of predicted records (*.json)")
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.add_argument("--no-errors", action="store_true", help="leave out the error list")
    p.add_argument("--fail-under", type=float, metavar="F", help="exit 1 when strict F1 is below F")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("run", help="run the Prefect flow over a corpus and score it, or into a store",
                       description="Extract every document of --input with the Prefect flow, write the "
                                   "records to --out, and print the scorecard against --gold. With --store, "
                                   "extract a folder or zip of any size into a DuckDB store instead: "
                                   "documents are keyed by the sha256 of their bytes and skipped when already "
                                   "stored by this extractor+lexicon version, so a re-run or an interrupted run "
                                   "only does what is left; exit 1 if any document failed.")
    p.add_argument("--input", type=Path, default=DEFAULT_CORPUS, metavar="DIR_OR_ZIP",
                   help="corpus folder, or with --store also a .zip archive (default: corpus)")
    p.add_argument("--gold", type=Path, default=DEFAULT_GOLD, metavar="DIR", help="gold folder (default: gold)")
    p.add_argument("--out", type=Path, default=None, metavar="DIR", help="output folder (default: out/records)")
    p.add_argument("--store", type=Path, metavar="PATH",
                   help="DuckDB store to extract into (created if missing); no scorecard")
    p.add_argument("--workers", type=int, metavar="N", help="with --store: worker processes (default: all cores)")
    p.add_argument("--chunk-size", type=int, metavar="N",
                   help="with --store: documents per Prefect task (default: sized from the input)")
    p.add_argument("--dask-address", metavar="tcp://HOST:PORT",
                   help="with --store: run the tasks on this Dask cluster instead of local processes")
    p.add_argument("--summary-json", action="store_true",
                   help="with --store: also print the summary as one JSON line on stdout")
    p.add_argument("--no-cache", action="store_true", help="with --store: bypass Prefect's task cache")
    p.add_argument("-q", "--quiet", action="store_true", help="with --store: no progress bar or summary on stderr")
    p.add_argument("-v", "--verbose", action="store_true", help="with --store: show Prefect's INFO logs")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("export", help="export a store as Parquet, CSV or JSON Lines",
                       description="Export a store written by `chitieu run --store`. To a FILE: Parquet or CSV "
                                   "holds one row per target with its document's fields; JSON Lines one plan "
                                   "record per line. To a DIR (no suffix): one file per table (runs, documents, "
                                   "names, plans, targets, failures).")
    p.add_argument("--store", required=True, type=Path, metavar="PATH", help="the DuckDB store")
    p.add_argument("--format", required=True, choices=["parquet", "csv", "jsonl"], help="file format")
    p.add_argument("--out", required=True, type=Path, metavar="FILE_OR_DIR", help="file, or folder for all tables")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("query", help="run a read-only SQL query on a store",
                       description="Run one SQL statement on a store opened read-only and print the rows "
                                   "tab-separated with a header (or as JSON lines). Tables: runs, documents, "
                                   "names, plans, targets, failures.")
    p.add_argument("--store", required=True, type=Path, metavar="PATH", help="the DuckDB store")
    p.add_argument("sql", metavar="SQL", help="e.g. \"SELECT province, count(*) FROM plans GROUP BY 1\"")
    p.add_argument("--json", action="store_true", help="one JSON object per row")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("schema", help="print the JSON Schema of a plan record",
                       description="Print the JSON Schema of the plan record that `chitieu extract` writes "
                                   "(labelling guide §3-4, plus offsets and provenance).")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("floors", help="check or update the accuracy floors of the CI gate",
                       description="Run the extractor over each gold set named in the floors file and "
                                   "compare value F1, strict F1 and every field accuracy with the stored "
                                   "floors and the stored hash of the gold and corpus files. With --update, "
                                   "store the measured figures (rounded down) and hashes as the new floors; "
                                   "a floor only goes down with --allow-lower.")
    p.add_argument("--file", default="tests/accuracy_floors.json", metavar="FILE",
                   help="floors file (default: tests/accuracy_floors.json)")
    p.add_argument("--set", action="append", metavar="NAME",
                   help="only this set (seeds, dev); repeatable; default: all")
    p.add_argument("--update", action="store_true", help="re-measure and rewrite the floors")
    p.add_argument("--allow-lower", action="store_true", help="with --update: accept floors that go down")
    p.set_defaults(func=cmd_floors)

    p = sub.add_parser("report", help="write an HTML report of predictions against gold",
                       description="Score --pred against --gold (guide §5) and write one self-contained HTML "
                                   "page: the figures, then each document's text with gold and predicted "
                                   "targets highlighted (matched, value only, missed, spurious; hover for "
                                   "fields) and a table of its targets.")
    p.add_argument("--gold", required=True, metavar="DIR", help="folder of gold records (*.json)")
    p.add_argument("--pred", required=True, metavar="DIR", help="folder of predicted records (*.json)")
    p.add_argument("--corpus", required=True, action="append", metavar="DIR",
                   help="folder of the documents (repeatable; the first file with the doc_id as stem wins)")
    p.add_argument("--out", required=True, metavar="FILE.html", help="where to write the page")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("pre-annotate", help="write Label Studio tasks pre-annotated by the extractor",
                       description="Extract each document and write Label Studio import JSON: one task per "
                                   "document with its normalised text and the predicted targets as editable "
                                   "regions. Use with docs/label-studio-config.xml.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, or folders searched for .txt/.html/.htm/.pdf/.docx")
    p.add_argument("--out", required=True, metavar="FILE", help="task file to import into Label Studio")
    p.add_argument("--blank", action="store_true",
                   help="no predictions: text only (for an independent annotation, e.g. to measure agreement)")
    p.set_defaults(func=cmd_pre_annotate)

    p = sub.add_parser("import-labels", help="turn a Label Studio JSON export into gold records",
                       description="Read Label Studio's JSON export (Export -> JSON) and write one validated "
                                   "gold record DIR/<doc_id>.json per annotated task. A region whose text does "
                                   "not match the document at its offsets is refused with one line naming the "
                                   "task and region; that task is not written.")
    p.add_argument("file", metavar="FILE", help="Label Studio JSON export")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the gold records")
    p.add_argument("--annotator", metavar="ID", help="import this annotator's annotations (user id or email); "
                                                     "default: the latest annotation of each task")
    p.add_argument("--overwrite", action="store_true", help="replace existing gold files")
    p.add_argument("--no-offsets", action="store_true", help="leave start/end out of the records")
    p.set_defaults(func=cmd_import_labels)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ChitieuError as exc:
        print(f"chitieu {args.command}: {exc}", file=sys.stderr)
        return 1
    except (ValueError, OSError) as exc:
        print(f"chitieu {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
