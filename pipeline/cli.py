"""`chitieu`: the command line.  Each command is a thin wrapper over a plain function.

Exit codes: 0 when everything asked for was done; 1 when some input failed (each
failure is one `path: reason` line on stderr, the rest still written) or when a
`--fail-under` floor is not met; 2 for a wrong command line.
"""

from __future__ import annotations

import argparse
import json
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
        print(f"chitieu extract: no .txt, .html, .htm or .pdf files in {' '.join(args.paths)}", file=sys.stderr)
        return 1
    report = extract_files(files, Path(args.out), progress=not args.quiet)
    for failure in report.failures:
        print(f"{failure.path}: {failure.reason}", file=sys.stderr)
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


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of a plan record."""
    from schemas.plan import plan_json_schema

    _print_json(plan_json_schema())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chitieu",
        description=(
            "Extract quantified targets from Vietnamese provincial digital-transformation plans "
            "(.txt, .html, .pdf) into validated plan records, and score them against gold labels."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("extract", help="extract plan records from files",
                       description="Write one plan record DIR/<file stem>.json per input file.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, or folders searched for .txt/.html/.htm/.pdf")
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

    p = sub.add_parser("run", help="run the Prefect flow over a corpus and score it",
                       description="Extract every document of --input with the Prefect flow, write the "
                                   "records to --out, and print the scorecard against --gold.")
    p.add_argument("--input", type=Path, default=DEFAULT_CORPUS, metavar="DIR", help="corpus folder (default: corpus)")
    p.add_argument("--gold", type=Path, default=DEFAULT_GOLD, metavar="DIR", help="gold folder (default: gold)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="output folder (default: out/records)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("schema", help="print the JSON Schema of a plan record",
                       description="Print the JSON Schema of the plan record that `chitieu extract` writes "
                                   "(labelling guide §3-4, plus offsets and provenance).")
    p.set_defaults(func=cmd_schema)
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
