"""`chitieu`: the command line.  Each command is a thin wrapper over a plain function.

Exit codes: 0 when everything asked for was done; 1 when some input failed or was skipped
(each is one `path: reason` line on stderr, the rest still written) or when a
`--fail-under` floor is not met; 2 for a wrong command line.  Every command that prints a
summary prints it as one JSON object on stdout with `--json`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.batch.stopping import EXIT_INTERRUPTED
from pipeline.errors import ChitieuError
from pipeline.ingest.source import one_line, shown_path

if TYPE_CHECKING:
    from pipeline.batch.sandbox import Bounds
    from pipeline.web.fetch import FetchOptions

DEFAULT_CORPUS = Path("corpus")
DEFAULT_GOLD = Path("gold")
DEFAULT_OUT = Path("out/records")


NO_DOCUMENTS = "no .txt, .html, .htm, .pdf or .docx files in"


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def _summary_json(data: object) -> None:
    """A command's closing summary as one line of JSON on stdout (`--json`)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (workers, documents per chunk)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def positive_float(text: str) -> float:
    """An argparse type: a finite number above 0 (seconds)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number above 0, got {text}")
    return value


def fraction(text: str) -> float:
    """An argparse type: a number in 0..1 (an F1 or a confidence, not a percent)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must lie in 0..1, got {value} (write 0.9, not 90)")
    return value


def _print_skipped(skipped: list[tuple[str, str]]) -> None:
    for path, reason in skipped:
        print(f"{one_line(shown_path(path))}: skipped: {reason}", file=sys.stderr)


def _fetch_options(args: argparse.Namespace) -> FetchOptions:
    """How to fetch; `--max-bytes` caps a fetched body as it caps a file."""
    from pipeline.web.fetch import FetchOptions

    return FetchOptions(host_delay=args.delay, read_timeout=args.timeout, robots=not args.ignore_robots,
                        max_bytes=args.max_bytes)


def _bounds(args: argparse.Namespace) -> Bounds:
    """The per-document bounds a command applies to every file and fetched page (README, "Reliability")."""
    from pipeline.batch.sandbox import Bounds

    return Bounds(max_bytes=args.max_bytes, max_seconds=args.max_seconds, max_memory_mb=args.max_memory)


def cmd_extract(args: argparse.Namespace) -> int:
    """Extract every input document or URL into DIR/<doc_id>.json (ids mirror the input folders)."""
    from pipeline.batch.files import BatchReport, BoundedRunner, extract_files
    from pipeline.ingest.inputs import list_inputs
    from pipeline.ingest.sidecar import lookup, manifests_for
    from pipeline.outpaths import check_out_dir
    from pipeline.web.urls import is_url

    urls = [p for p in args.paths if is_url(p)]
    inputs = [Path(p) for p in args.paths if not is_url(p)]
    listing = list_inputs(inputs)
    _print_skipped(listing.skipped)
    if not listing.documents and not urls:
        print(f"chitieu extract: {NO_DOCUMENTS} {' '.join(args.paths)}", file=sys.stderr)
        return 1
    check_out_dir(Path(args.out))
    manifest = manifests_for(inputs, [Path(m) for m in args.manifest or []])
    metadata = {str(d.path): m for d in listing.documents if (m := lookup(manifest, d.path))}
    with BoundedRunner(_bounds(args)) as runner:  # one worker for files and pages alike
        report = (extract_files(listing.documents, Path(args.out), progress=not args.quiet, metadata=metadata,
                                runner=runner)
                  if listing.documents else BatchReport())
        documents = len(listing.documents)
        if urls:
            from pipeline.web.batch import extract_urls

            web = extract_urls(urls, Path(args.out), _fetch_options(args), attachments=not args.no_attachments,
                               runner=runner)
            report.outcomes += web.outcomes
            report.seconds += web.seconds
            documents += len(web.outcomes)  # pages and their attachments
    for failure in report.failures:
        print(f"{one_line(shown_path(failure.name))}: {failure.reason}", file=sys.stderr)
    summary = {"documents": documents, "written": report.written, "targets": report.targets,
               "failed": len(report.failures), "skipped": len(listing.skipped), "out": args.out,
               "seconds": round(report.seconds, 3),
               "failures": [{"path": f.name, "reason": f.reason} for f in report.failures],
               "skipped_files": [{"path": p, "reason": r} for p, r in listing.skipped]}
    if args.json:
        _summary_json(summary)
    elif not args.quiet:
        skipped = f", {len(listing.skipped)} skipped" if listing.skipped else ""
        print(
            f"{report.written} of {documents} documents written to {args.out}, "
            f"{report.targets} targets, {len(report.failures)} failed{skipped}, {report.seconds:.1f} s",
            file=sys.stderr,
        )
    return 1 if report.failures or listing.skipped else 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Score predictions against gold (guide §5)."""
    from pipeline.drops import drops_dir, kept_drops
    from pipeline.evaluation.evaluate import evaluate, render_text
    from schemas.gold import load_dir

    gold = load_dir(Path(args.gold))
    pred = load_dir(Path(args.pred))
    if not gold:
        print(f"{args.gold}: no gold files (*.json)", file=sys.stderr)
        return 1
    drops = kept_drops(Path(args.pred), pred)
    without = len(set(pred) & set(gold)) - len(set(drops) & set(gold))
    if without and drops_dir(Path(args.pred)).is_dir():  # a folder of hand-made records has none to miss
        print(f"chitieu evaluate: {without} scored records have no drops kept for them in {drops_dir(Path(args.pred))}: "
              "their missed targets do not name the rule that dropped their number", file=sys.stderr)
    result = evaluate(gold, pred, drops)
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


def gold_for_run(args: argparse.Namespace) -> Path | None:
    """The gold folder a run scores against: the one given, or the repo's own only for its corpus.

    Scoring other documents against the repository's `gold/` gives 0.000 everywhere, so
    without `--gold` a run over any other input writes records and does not score them.
    """
    if args.gold is not None:
        if not Path(args.gold).is_dir():
            raise FileNotFoundError(f"--gold {args.gold}: not a folder")
        return Path(args.gold)
    if Path(args.input) == DEFAULT_CORPUS and DEFAULT_GOLD.is_dir():
        return DEFAULT_GOLD
    return None


def cmd_run(args: argparse.Namespace) -> int:
    """The Prefect flow: extract the corpus, write records, print the scorecard."""
    from pipeline.web.urls import is_url_list

    if is_url_list(args.input):
        return cmd_run_urls(args)
    if args.store is not None:
        return cmd_run_store(args)
    for option in ("workers", "chunk_size", "dask_address"):
        if getattr(args, option) is not None:
            print(f"chitieu run: --{option.replace('_', '-')} applies only with --store; ignored", file=sys.stderr)
    args.out = args.out or DEFAULT_OUT
    gold = gold_for_run(args)
    from pipeline.ingest.inputs import list_folder
    from pipeline.outpaths import check_out_dir

    if not Path(args.input).is_dir():
        raise FileNotFoundError(f"{args.input}: not a folder")
    listing = list_folder(Path(args.input))
    _print_skipped(listing.skipped)
    if not listing.documents:
        print(f"chitieu run: {NO_DOCUMENTS} {args.input}", file=sys.stderr)
        return 1
    check_out_dir(Path(args.out))
    from flows import corpus_flow

    started = time.perf_counter()
    summary = corpus_flow(
        input_dir=str(args.input),
        gold_dir=str(gold) if gold else None,
        out_dir=str(args.out),
        manifests=[str(m) for m in args.manifest or []],
        show_errors=not args.no_errors,
        bounds=_bounds(args),
    )
    summary["skipped"] = len(listing.skipped)
    summary["seconds"] = round(time.perf_counter() - started, 3)
    for failure in summary["failures"]:
        print(f"{one_line(shown_path(failure['path']))}: {failure['reason']}", file=sys.stderr)
    if args.json:
        _summary_json({k: v for k, v in summary.items() if k != "scorecard"})
    else:
        if summary.get("scorecard"):
            print(summary["scorecard"], flush=True)
        elif gold is None:
            print("not scored: no --gold given for this input", file=sys.stderr)
        if not args.quiet:
            from pipeline.store.quality import render as render_quality

            print(
                f"wrote {summary['written']} plan records ({summary['targets']} targets) to {args.out}; "
                f"{len(summary['failures'])} failed; {summary['seconds']:.1f} s\n{render_quality(summary['quality'])}",
                file=sys.stderr,
            )
    return 1 if summary["failures"] or listing.skipped else 0


def cmd_run_urls(args: argparse.Namespace) -> int:
    """A list of URLs, one a line: fetched and extracted into --out, or into --store."""
    from pipeline.web.urls import read_url_list

    urls = read_url_list(args.input)
    if args.store is not None:
        from flows import run_watch

        summary = run_watch(None, str(args.store), urls=urls, options=_fetch_options(args),
                            attachments=not args.no_attachments, bounds=_bounds(args))
        return _report_watch(summary, args)
    from pipeline.web.batch import extract_urls

    out = args.out or DEFAULT_OUT
    report = extract_urls(urls, out, _fetch_options(args), attachments=not args.no_attachments,
                          bounds=_bounds(args))
    for failure in report.failures:
        print(f"{failure.name}: {failure.reason}", file=sys.stderr)
    if not args.quiet:
        print(f"wrote {report.written} plan records ({report.targets} targets) from {len(urls)} URLs to {out}; "
              f"{len(report.failures)} failed; {report.seconds:.1f} s", file=sys.stderr)
    return 1 if report.failures else 0


def cmd_run_store(args: argparse.Namespace) -> int:
    """The batch flow into a store: resumable, idempotent, with a closing summary."""
    if args.out is not None:
        print("chitieu run: --out writes JSON records for runs without --store; "
              "export a store with `chitieu export`", file=sys.stderr)
        return 2
    if args.verbose:
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"  # read when flows imports Prefect
    from flows import run_batch
    from pipeline.batch.options import BatchOptions
    from pipeline.batch.progress import render_summary

    started = time.perf_counter()
    options = BatchOptions(workers=args.workers, chunk_size=args.chunk_size, dask_address=args.dask_address,
                           cache=not args.no_cache, progress=not args.quiet,
                           manifests=tuple(str(m) for m in args.manifest or []),
                           bounds=_bounds(args))
    summary = run_batch(str(args.input), str(args.store), options)
    for failure in summary["failures"]:
        print(f"{one_line(failure['name'])}: {failure['reason']}", file=sys.stderr)
    if not args.quiet:
        print(render_summary(summary, time.perf_counter() - started), file=sys.stderr)
    if args.summary_json or args.json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    return 1 if summary["failed"] else 0


def cmd_watch(args: argparse.Namespace) -> int:
    """Fetch what is new or changed on the watched sources into a store."""
    from flows import run_watch

    summary = run_watch(str(args.sources), str(args.store), options=_fetch_options(args),
                        attachments=not args.no_attachments, bounds=_bounds(args))
    return _report_watch(summary, args)


def _report_watch(summary: dict[str, Any], args: argparse.Namespace) -> int:
    """One `url: reason` line per failure, the summary, and the exit code; shared by watch and run."""
    from pipeline.web.watch import render_watch

    for failure in summary["failures"]:
        print(f"{failure['name']}: {failure['reason']}", file=sys.stderr)
    if not args.quiet:
        print(render_watch(summary), file=sys.stderr)
    if args.summary_json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    return 1 if summary["failures"] else 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write a store's contents as Parquet, CSV or JSON Lines."""
    from pipeline.outpaths import check_out_dir, check_out_file
    from pipeline.store.export import export_store, is_folder_target

    out = Path(args.out)
    check_out_dir(out) if is_folder_target(out) else check_out_file(out)  # one line naming --out, not a temp file
    written = export_store(Path(args.store), args.format, Path(args.out), history=args.history,
                           min_confidence=args.min_confidence)
    if args.json:
        _summary_json({"store": str(args.store), "format": args.format, "written": [str(p) for p in written]})
    else:
        print(f"wrote {', '.join(str(p) for p in written)}", file=sys.stderr)
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    """Run one read-only SQL statement on a store and print the rows."""
    from pipeline.store.db import Store
    from pipeline.store.sql_guard import reading_statement

    with Store.open(Path(args.store), read_only=True) as store:
        columns, rows = store.query(reading_statement(store.con, args.sql))
    if args.json:
        for row in rows:
            sys.stdout.write(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, default=str) + "\n")
        return 0
    if columns:
        print("\t".join(columns))
    for row in rows:
        print("\t".join(args.null if v is None else str(v) for v in row))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """Compare provinces' targets per national indicator: table and page."""
    from pipeline.evaluation.compare_page import compare_store

    summary = compare_store(Path(args.store), Path(args.out))
    print(f"compared {summary['rows']} targets of {summary['provinces']} provinces on {summary['indicators']} "
          f"national indicators ({summary['documents']} documents); wrote {', '.join(summary['written'])}",
          file=sys.stderr)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of a plan record."""
    from schemas.plan import plan_json_schema

    _print_json(plan_json_schema())
    return 0


def cmd_floors(args: argparse.Namespace) -> int:
    """Check the accuracy floors, or re-measure and store them (--update)."""
    from pipeline.evaluation.floors import check_floors, render_check, render_update, update_floors

    if args.update:
        result = update_floors(Path(args.file), args.set, allow_lower=args.allow_lower)
        _print_json(result) if args.json else print(render_update(result))
        return 0 if result["written"] else 1
    result = check_floors(Path(args.file), args.set)
    _print_json(result) if args.json else print(render_check(result))
    return 0 if result["ok"] else 1


def cmd_explain(args: argparse.Namespace) -> int:
    """Every number of one document and what became of it."""
    from pipeline.evaluation.explain import explain_source, kept_for, render_explanation
    from pipeline.ingest.load import load_source

    try:
        source = load_source(Path(args.path))
    except ChitieuError as exc:
        raise ChitieuError(f"{args.path}: {exc}") from exc
    stored = None
    if args.records is not None:
        stored, why = kept_for(source, Path(args.records))
        if stored is None:
            print(f"chitieu explain: {why}; extracting {args.path} again", file=sys.stderr)
    result = explain_source(source, stored)
    _print_json(result) if args.json else print(render_explanation(result))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the HTML evaluation report."""
    from pipeline.evaluation.report import build_report
    from pipeline.outpaths import check_out_file

    check_out_file(Path(args.out))
    summary = build_report(Path(args.gold), Path(args.pred), [Path(c) for c in args.corpus], Path(args.out),
                           split=args.split, min_confidence=args.min_confidence)
    for doc_id, note in summary["without_text"].items():
        print(f"{doc_id}: {note}", file=sys.stderr)
    if summary["drops_extracted"]:
        n = len(summary["drops_extracted"])
        print(f"chitieu report: {n} of {n + summary['drops_kept']} documents have no drops kept for their record in "
              f"{summary['drops_dir']} (records written before drops were kept, or by hand): extracted again to "
              "mark their dropped numbers", file=sys.stderr)
    if args.json:
        _summary_json(summary)
    else:
        print(f"wrote {summary['out']}: {summary['documents']} documents, value F1 {summary['value']['f1']:.3f}, "
              f"strict F1 {summary['strict']['f1']:.3f}", file=sys.stderr)
    return 0


def cmd_pre_annotate(args: argparse.Namespace) -> int:
    """Write Label Studio tasks with the extractor's predictions."""
    from pipeline.evaluation.labelstudio import pre_annotate, write_tasks
    from pipeline.ingest.inputs import list_inputs
    from pipeline.outpaths import check_out_file

    listing = list_inputs([Path(p) for p in args.paths])
    _print_skipped(listing.skipped)
    if not listing.documents:
        print(f"chitieu pre-annotate: {NO_DOCUMENTS} {' '.join(args.paths)}", file=sys.stderr)
        return 1
    check_out_file(Path(args.out))
    result = pre_annotate(listing.documents, blank=args.blank)
    for path, reason in result.failures:
        print(f"{one_line(shown_path(path))}: {reason}", file=sys.stderr)
    write_tasks(result.tasks, Path(args.out))
    if args.json:
        _summary_json({"tasks": len(result.tasks), "failed": len(result.failures), "skipped": len(listing.skipped),
                       "out": args.out, "failures": [{"path": p, "reason": r} for p, r in result.failures]})
    else:
        print(f"wrote {len(result.tasks)} tasks to {args.out}; {len(result.failures)} failed", file=sys.stderr)
    return 1 if result.failures or listing.skipped else 0


def cmd_import_labels(args: argparse.Namespace) -> int:
    """Turn a Label Studio JSON export into gold records."""
    from pipeline.evaluation.labelstudio import import_labels

    result = import_labels(Path(args.file), Path(args.out), annotator=args.annotator,
                           overwrite=args.overwrite, offsets=not args.no_offsets)
    for line in result["problems"]:
        print(line, file=sys.stderr)
    for name in result["unannotated"]:
        print(f"{name}: no annotation, skipped", file=sys.stderr)
    for line in result["warnings"]:
        print(f"chitieu import-labels: {line}", file=sys.stderr)
    if args.json:
        _summary_json({**result, "out": args.out})
    else:
        print(f"wrote {len(result['written'])} gold records to {args.out}; "
              f"{len(result['problems'])} refused", file=sys.stderr)
    return 1 if result["problems"] or result["warnings"] else 0


def _byte_count(text: str) -> int:
    """A positive byte count for --max-bytes: digits, or with a K/M/G suffix (powers of 1024)."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    scale = units.get(text[-1:].lower(), 1)
    digits = text[:-1] if scale > 1 else text
    if not digits.isdigit() or int(digits) == 0:
        raise argparse.ArgumentTypeError(f"not a positive byte count: {text!r} (e.g. 52428800 or 50M)")
    return int(digits) * scale


def _add_max_bytes(p: argparse.ArgumentParser) -> None:
    from pipeline.limits import MAX_BYTES

    p.add_argument("--max-bytes", type=_byte_count, default=MAX_BYTES, metavar="N",
                   help="refuse a document (a file, or a fetched body as it arrives) larger than N bytes "
                        "(K/M/G suffixes allowed; default 50M)")


def _add_bounds(p: argparse.ArgumentParser) -> None:
    from pipeline.limits import MAX_MEMORY_MB, MAX_SECONDS

    p.add_argument("--max-seconds", type=positive_float, default=MAX_SECONDS, metavar="S",
                   help=f"a document (a file or a fetched page, read and extracted in a worker) taking "
                        f"longer fails alone (default {MAX_SECONDS:g})")
    p.add_argument("--max-memory", type=positive_int, default=MAX_MEMORY_MB, metavar="MB",
                   help=f"a document (a file or a fetched page) needing more memory fails alone "
                        f"(default {MAX_MEMORY_MB})")


def _web_arguments(p: argparse.ArgumentParser) -> None:
    """Options of commands that fetch URLs."""
    p.add_argument("--delay", type=float, default=1.0, metavar="SECONDS",
                   help="for URLs: least time between two requests to one host (default: 1)")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                   help="for URLs: give up a read after this long (default: 30)")
    p.add_argument("--no-attachments", action="store_true", help="for URLs: do not fetch attached .pdf/.docx")
    p.add_argument("--ignore-robots", action="store_true",
                   help="for URLs: do not read robots.txt (only for sites you run or may crawl)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chitieu",
        description=(
            "Extract quantified targets from Vietnamese provincial digital-transformation plans "
            "(.txt, .html, .pdf, .docx) into validated plan records, and score them against gold labels."
        ),
    )
    parser.add_argument("-V", "--version", action=_VersionAction, nargs=0,
                        help="print chitieu's version and its extractor version, then exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("extract", help="extract plan records from files or web pages",
                       description="Write one plan record DIR/<doc_id>.json per input document. A document "
                                   "found in a folder has its path below that folder as id (2024/kehoach), so "
                                   "the records mirror the folders; files of other types in a folder are "
                                   "listed as skipped (exit 1). A manifest.json/.csv at the top of a folder "
                                   "(or --manifest) adds url, province, published and title to metadata. "
                                   "An http(s) URL is fetched (politely: robots.txt, one request at a time per "
                                   "host) and extracted like a file of its real type, and the .pdf/.docx files "
                                   "the page attaches on the same site become records of their own; fetched "
                                   "bytes are kept beside, in DIR.raw/.")
    p.add_argument("paths", nargs="+", metavar="PATH_OR_URL",
                   help="files, folders searched for .txt/.html/.htm/.pdf/.docx, or http(s) URLs")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the JSON records")
    p.add_argument("--manifest", action="append", metavar="FILE",
                   help="sidecar manifest (.json list or .csv) mapping files to url/province/published/title")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or summary on stderr")
    p.add_argument("--json", action="store_true", help="print the closing summary as one JSON object on stdout")
    _add_max_bytes(p)
    _add_bounds(p)
    _web_arguments(p)
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("evaluate", help="score predicted records against gold",
                       description="Pair predictions with gold per labelling guide §5 and print the scorecard.")
    p.add_argument("--gold", required=True, metavar="DIR", help="folder of gold records (*.json)")
    p.add_argument("--pred", required=True, metavar="DIR", help="folder of predicted records (*.json)")
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.add_argument("--no-errors", action="store_true", help="leave out the error list")
    p.add_argument("--fail-under", type=fraction, metavar="F", help="exit 1 when strict F1 is below F (0..1)")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("run", help="run the Prefect flow over a corpus and score it, or into a store",
                       description="Extract every document of --input with the Prefect flow, write the "
                                   "records to --out, and print the scorecard against --gold. With --store, "
                                   "extract a folder or zip of any size into a DuckDB store instead: "
                                   "documents are keyed by the sha256 of their bytes and skipped when already "
                                   "stored by this extractor version (its code and lexicon), so a re-run or an interrupted run "
                                   "only does what is left; exit 1 if any document failed.")
    p.add_argument("--input", type=Path, default=DEFAULT_CORPUS, metavar="DIR_OR_ZIP",
                   help="corpus folder, or with --store also a .zip archive; or a .txt list of URLs, "
                        "one a line (default: corpus)")
    p.add_argument("--gold", type=Path, default=None, metavar="DIR",
                   help="gold folder to score against (default: gold, only when --input is the default corpus; "
                        "other inputs are not scored without --gold)")
    p.add_argument("--no-errors", action="store_true", help="leave the error list out of the scorecard")
    p.add_argument("--manifest", action="append", metavar="FILE",
                   help="sidecar manifest mapping files to url/province/published/title (see `extract --help`)")
    p.add_argument("--out", type=Path, default=None, metavar="DIR", help="output folder (default: out/records)")
    p.add_argument("--store", type=Path, metavar="PATH",
                   help="DuckDB store to extract into (created if missing); no scorecard")
    p.add_argument("--workers", type=positive_int, metavar="N",
                   help="with --store: worker processes, at least 1 (default: all cores)")
    p.add_argument("--chunk-size", type=positive_int, metavar="N",
                   help="with --store: documents per Prefect task (default: sized from the input)")
    p.add_argument("--dask-address", metavar="tcp://HOST:PORT",
                   help="with --store: run the tasks on this Dask cluster instead of local processes")
    p.add_argument("--summary-json", action="store_true",
                   help="with --store: also print the summary as one JSON line on stdout")
    p.add_argument("--no-cache", action="store_true", help="with --store: bypass Prefect's task cache")
    _add_max_bytes(p)
    _add_bounds(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary on stderr")
    p.add_argument("--json", action="store_true", help="print the closing summary as one JSON object on stdout")
    p.add_argument("-v", "--verbose", action="store_true", help="with --store: show Prefect's INFO logs")
    _web_arguments(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("watch", help="fetch new or changed documents from watched portals into a store",
                       description="Read each source of SOURCES.yaml (name, province, listing pages, RSS/Atom "
                                   "feeds, sitemaps, how to find article links), fetch the article URLs found "
                                   "and their attached .pdf/.docx, and extract into the store only what is new "
                                   "or changed: seen URLs are asked for conditionally (ETag/Last-Modified), so "
                                   "an unchanged page costs a 304. Fetched bytes are kept in STORE's .raw folder; "
                                   "each page is read and extracted in a worker process under --max-seconds and "
                                   "--max-memory, so one over a bound fails alone; each failed URL is one "
                                   "`url: reason` line and a failures row; exit 1 if any URL failed.")
    p.add_argument("--sources", required=True, type=Path, metavar="SOURCES.yaml", help="the watched sources")
    p.add_argument("--store", required=True, type=Path, metavar="PATH", help="DuckDB store (created if missing)")
    p.add_argument("--summary-json", action="store_true", help="also print the summary as one JSON line on stdout")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    _add_max_bytes(p)
    _add_bounds(p)
    _web_arguments(p)
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("export", help="export a store as Parquet, CSV or JSON Lines",
                       description="Export a store written by `chitieu run --store`. To a FILE: Parquet or CSV "
                                   "holds one row per target of each current document with its document's "
                                   "fields (the current_targets view); JSON Lines one current plan record per "
                                   "line; superseded and removed versions only with --history. To a DIR (no "
                                   "suffix): one file per table (runs, documents, names, plans, targets, "
                                   "failures, versions, drops) and current_targets.")
    p.add_argument("--store", required=True, type=Path, metavar="PATH", help="the DuckDB store")
    p.add_argument("--format", required=True, choices=["parquet", "csv", "jsonl"], help="file format")
    p.add_argument("--out", required=True, type=Path, metavar="FILE_OR_DIR", help="file, or folder for all tables")
    p.add_argument("--history", action="store_true",
                   help="to a FILE: also superseded and removed document versions (column version_status)")
    p.add_argument("--min-confidence", type=fraction, metavar="C",
                   help="to a Parquet/CSV FILE: only targets with confidence of at least C (0..1)")
    p.add_argument("--json", action="store_true", help="print the closing summary as one JSON object on stdout")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("query", help="run a read-only SQL query on a store",
                       description="Run one reading SQL statement (SELECT, WITH, FROM, DESCRIBE, SHOW, "
                                   "SUMMARIZE, EXPLAIN) on a store opened read-only and print the rows "
                                   "tab-separated with a header (or as JSON lines); several statements, writes, "
                                   "COPY, EXPORT, ATTACH, INSTALL/LOAD, SET, PRAGMA and CALL are refused. Tables: "
                                   "runs, documents, "
                                   "names, plans, targets, failures, versions, drops; views: current_targets (one row "
                                   "per target of each current document, with its document's fields, url, "
                                   "title, published, run_id, extracted_at), current_plans, all_targets.")
    p.add_argument("--store", required=True, type=Path, metavar="PATH", help="the DuckDB store")
    p.add_argument("sql", metavar="SQL", help="e.g. \"SELECT province, count(*) FROM plans GROUP BY 1\"")
    p.add_argument("--json", action="store_true", help="one JSON object per row (NULL is null)")
    p.add_argument("--null", default="NULL", metavar="TEXT",
                   help="how a NULL is printed in tab-separated output (default: NULL; an empty string stays empty)")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("compare", help="compare provinces' targets per national indicator",
                       description="Read the plan records of a store and write DIR/comparison.csv and "
                                   "DIR/comparison.parquet (one row per target linked to a national indicator: "
                                   "indicator, province today and as written, deadline year, value, comparator, "
                                   "national value and gap, source document and quote) and DIR/compare.html, an "
                                   "offline page with a chart per indicator (provinces' targets by year against "
                                   "the national target, each point linked to its quote), the provinces without "
                                   "it, and filters by indicator, province, pillar and year. Query the table with "
                                   "chitieu query --store S \"SELECT ... FROM 'DIR/comparison.parquet'\".")
    p.add_argument("--store", required=True, type=Path, metavar="PATH", help="the DuckDB store")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder for the table and the page")
    p.set_defaults(func=cmd_compare)

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
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_floors)

    p = sub.add_parser("explain", help="show what became of every number in a document",
                       description="Every number of the document, in order, with what became of it: the target "
                                   "records it gave and the rule id behind each field, or the rule that dropped it "
                                   "and why, or that no value shape reads it (a year, a date, a code).")
    p.add_argument("path", help="a document (.txt, .html, .pdf, .docx)")
    p.add_argument("--records", metavar="DIR",
                   help="explain the record `chitieu extract --out DIR` wrote for it, from the drops kept in "
                        "DIR.drops/, without extracting again (extracts again, saying why, when they are "
                        "missing or were written for other bytes)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the text view")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("report", help="write an HTML report of predictions against gold",
                       description="Score --pred against --gold (guide §5) and write a self-contained, offline "
                                   "HTML report: figures with per-field accuracy bars and a strict-F1 histogram, "
                                   "documents worst first with their error counts (filter: only documents with "
                                   "errors), confusion tables (scope, pillar, comparator, year), the error list "
                                   "(filter by field) linked to the text, then each document's text with gold and "
                                   "predicted targets highlighted and a table of its targets; above 30 documents "
                                   "each document gets its own page.")
    p.add_argument("--gold", required=True, metavar="DIR", help="folder of gold records (*.json)")
    p.add_argument("--pred", required=True, metavar="DIR", help="folder of predicted records (*.json)")
    p.add_argument("--corpus", required=True, action="append", metavar="DIR",
                   help="folder of the documents (repeatable; the first file with the doc_id as stem wins)")
    p.add_argument("--out", required=True, metavar="FILE.html", help="where to write the page")
    p.add_argument("--split", action=argparse.BooleanOptionalAction, default=None,
                   help="one page per document in <FILE>_pages/, linked from the index FILE.html "
                        "(default: --split above 30 documents, so the index stays small and fast)")
    p.add_argument("--min-confidence", type=fraction, metavar="C",
                   help="score and show only predicted targets with confidence of at least C (0..1)")
    p.add_argument("--json", action="store_true", help="print the closing summary as one JSON object on stdout")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("pre-annotate", help="write Label Studio tasks pre-annotated by the extractor",
                       description="Extract each document and write Label Studio import JSON: one task per "
                                   "document with its normalised text and the predicted targets as editable "
                                   "regions. Use with docs/label-studio-config.xml.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, or folders searched for .txt/.html/.htm/.pdf/.docx")
    p.add_argument("--out", required=True, metavar="FILE", help="task file to import into Label Studio")
    p.add_argument("--blank", action="store_true",
                   help="no predictions: text only (for an independent annotation, e.g. to measure agreement)")
    p.add_argument("--json", action="store_true", help="print the closing summary as one JSON object on stdout")
    p.set_defaults(func=cmd_pre_annotate)

    p = sub.add_parser("import-labels", help="turn a Label Studio JSON export into gold records",
                       description="Read Label Studio's JSON export (Export -> JSON) and write one validated "
                                   "gold record DIR/<doc_id>.json per annotated task. A region whose text does "
                                   "not match the document at its offsets is refused with one line naming the "
                                   "task and region; that task is not written.")
    p.add_argument("file", metavar="FILE", help="Label Studio JSON export")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the gold records")
    p.add_argument("--annotator", metavar="ID", help="import this annotator's annotations: the numeric user id "
                                                     "Label Studio exports as completed_by (or an email when the "
                                                     "export has one); default: the latest annotation of each task")
    p.add_argument("--overwrite", action="store_true", help="replace existing gold files")
    p.add_argument("--no-offsets", action="store_true", help="leave start/end out of the records")
    p.add_argument("--json", action="store_true", help="print the closing summary as one JSON object on stdout")
    p.set_defaults(func=cmd_import_labels)
    return parser


def version_text() -> str:
    """`chitieu 0.1.0 (extractor 0.1.0+rules.…)`: the package and the rules that made a record."""
    from importlib.metadata import PackageNotFoundError, version

    from pipeline.extract import version_tag

    try:
        package = version("chitieu")
    except PackageNotFoundError:  # run from a checkout that was never installed
        package = "unknown"
    return f"chitieu {package} (extractor {version_tag()})"


class _VersionAction(argparse.Action):
    """`--version`, computed only when asked (the extractor version imports the rules)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        print(version_text())
        parser.exit()


EXIT_BROKEN_PIPE = 141  # what a shell reports for a process ended by SIGPIPE (128 + 13)


def _quiet_broken_pipe() -> int:
    """`chitieu query … | head`: the reader left; stop without a traceback or a message."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # Python flushes stdout at exit; let it go nowhere
    return EXIT_BROKEN_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:
        parser.print_help()
        return 0
    args = parser.parse_args(argv)
    try:
        code = int(args.func(args))
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except KeyboardInterrupt:  # `run --store` handles its own (pipeline/stopping.py); records written stay
        print(f"chitieu {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ChitieuError as exc:
        print(f"chitieu {args.command}: {exc}", file=sys.stderr)
        return int(getattr(exc, "exit_code", 1))
    except (ValueError, OSError) as exc:
        print(f"chitieu {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
