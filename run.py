#!/usr/bin/env python3
"""Command line: compare what managers do with automation gains. Run `python run.py --help`.

Only argparse is imported at start-up; the model, numpy and plotly load when a command needs them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DEFAULT_SCENARIO = ROOT / "scenarios" / "assistant.toml"

EXAMPLES = """examples:
  python run.py                                     default comparison on scenarios/assistant.toml
  python run.py compare scenarios/assistant.toml --replicates 200 --json
  python run.py compare scenarios/assistant.toml --set levers.reskilling_success=0.2 --set levers.years=10
  python run.py compare scenarios/back_office.toml --policies cost_cutting,reinvest,attrition --jobs 2
  python run.py charts results/assistant-20261127-101500 --format png --theme talk --lang fr
  python run.py scenarios
  python run.py validate scenarios/assistant.toml
  python run.py workshop                            the workshop page on http://127.0.0.1:8050/
"""


class UserError(Exception):
    """A user's mistake: printed as one line per problem on stderr, exit code 2."""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["compare", *argv]  # no command: the default comparison, with any options given
    args = parser.parse_args(argv)
    command = args.command
    try:
        return COMMANDS[command](args)
    except UserError as error:
        print(str(error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run.py",
        description="Agent-based simulation of what managers do with automation gains: cut the freed people "
        "(cost_cutting) or reinvest their time after reskilling (reinvest). With no command: the default "
        "comparison on scenarios/assistant.toml.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    compare = sub.add_parser(
        "compare",
        help="compare policies on a scenario (Monte Carlo, paired)",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    compare.add_argument(
        "scenario", nargs="?", default=str(DEFAULT_SCENARIO), help="scenario file (default: scenarios/assistant.toml)"
    )
    compare.add_argument(
        "--policies", help="comma-separated policy names; the first is the reference (default: all in the file)"
    )
    compare.add_argument("--replicates", type=positive_int, help="Monte Carlo replicates (default: the scenario's)")
    compare.add_argument("--years", type=positive_int, help="horizon in years (same as --set levers.years=Y)")
    compare.add_argument("--seed", type=non_negative_int, help="root seed (default: the scenario's)")
    compare.add_argument("--jobs", type=positive_int, default=1, help="worker processes (results do not depend on it)")
    compare.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY.PATH=VALUE",
        help="override a scenario value, e.g. levers.automation_scale=0.5 (repeatable)",
    )
    compare.add_argument("--out", help="results directory (default: results/SCENARIO-DATE-TIME)")
    compare.add_argument("--json", action="store_true", help="print one JSON object on stdout and nothing else")
    compare.add_argument("--csv", action="store_true", help="also write the tables as CSV")
    compare.add_argument("--no-report", action="store_true", help="skip the HTML report and charts")
    sub.add_parser("scenarios", help="list the scenario files, one line each")
    validate = sub.add_parser("validate", help="check a scenario file; one line per problem")
    validate.add_argument("file")
    validate.add_argument("--set", action="append", default=[], metavar="KEY.PATH=VALUE")
    charts = sub.add_parser("charts", help="re-render charts and the report from a results directory (no simulation)")
    charts.add_argument("results", help="a results directory written by compare")
    charts.add_argument("--format", default="html", help="comma-separated: html,png,svg,pdf (default: html)")
    charts.add_argument("--theme", choices=("talk", "paper"), default="talk")
    charts.add_argument("--lang", choices=("en", "fr"), default="en")
    charts.add_argument("--only", help="comma-separated chart names")
    charts.add_argument("--out", help="output directory (default: RESULTS/charts)")
    workshop = sub.add_parser("workshop", help="the workshop page: a local web server (nothing leaves this computer)")
    workshop.add_argument(
        "scenario", nargs="?", default=str(DEFAULT_SCENARIO), help="the facilitator's scenario (default: assistant)"
    )
    workshop.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this computer)"
    )
    workshop.add_argument(
        "--port", type=non_negative_int, default=8050, help="port (default: 8050; 0 picks a free one)"
    )
    return parser


def positive_int(text: str) -> int:
    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected an integer >= 1")
    return value


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected an integer >= 0")
    return value


def load(path: str, overrides: list[str]):
    from model.scenario import ScenarioError, load_scenario

    try:
        return load_scenario(path, overrides)
    except ScenarioError as error:
        raise UserError(str(error)) from None


def cmd_compare(args: argparse.Namespace) -> int:
    overrides = list(args.set) + ([f"levers.years={args.years}"] if args.years else [])
    scenario = load(args.scenario, overrides)
    policies = args.policies.split(",") if args.policies else scenario.policy_names()
    unknown = [p for p in policies if p not in scenario.policy_names()]
    if unknown or len(policies) < 1:
        raise UserError(
            f"{args.scenario}: --policies {','.join(unknown)}: unknown; defined: {', '.join(scenario.policy_names())}"
        )
    replicates = args.replicates or scenario.simulation.replicates
    seed = scenario.simulation.seed if args.seed is None else args.seed
    out_dir = results_dir(args.out, scenario.meta.name)

    from tqdm import tqdm

    from experiments.compare import run_comparison
    from experiments.results import manifest, write_results

    with tqdm(
        total=replicates,
        desc=f"{scenario.meta.name}: {len(policies)} policies",
        unit="rep",
        file=sys.stderr,
        disable=None,
        leave=False,
    ) as bar:
        monthly, outcomes, summary = run_comparison(
            scenario, policies, replicates, seed, jobs=args.jobs, on_block=bar.update
        )
    if args.json:
        print(json.dumps(summary))
    else:
        print(summary_table(summary))
    run_manifest = manifest(args.scenario, scenario, overrides, policies, replicates, seed)
    try:
        write_results(out_dir, scenario, monthly, outcomes, summary, run_manifest, csv=args.csv)
    except OSError as error:
        raise UserError(f"{out_dir}: cannot write results ({error.strerror}); the summary above is complete") from None
    if not args.no_report:
        write_report(out_dir, quiet=args.json)
    print(f"results: {out_dir}", file=sys.stderr)
    return 0


def write_report(out_dir: Path, quiet: bool) -> None:
    try:
        from charts.report import write_report as render
    except ImportError:
        return
    path = render(out_dir)
    if not quiet:
        print(f"report:  {path}", file=sys.stderr)


def results_dir(out: str | None, scenario_name: str) -> Path:
    if out:
        path = Path(out)
    else:
        from datetime import datetime

        path = ROOT / "results" / f"{scenario_name}-{datetime.now():%Y%m%d-%H%M%S}"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"--out {path}: cannot create the results directory ({error.strerror})") from None
    return path


def summary_table(summary: dict) -> str:
    """The comparison as a readable text table."""
    from experiments.tables import format_summary

    return format_summary(summary)


def cmd_scenarios(args: argparse.Namespace) -> int:
    from model.scenario import ScenarioError, load_scenario

    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        try:
            s = load_scenario(path)
            print(
                f"{path.relative_to(ROOT)}  {s.meta.title.en}  ({s.headcount} people; policies: {', '.join(s.policy_names())})"
            )
        except ScenarioError as error:
            print(f"{path.relative_to(ROOT)}  INVALID: {error.problems[0]}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    scenario = load(args.file, args.set)
    print(
        f"{args.file}: valid ({scenario.meta.name}: {len(scenario.tasks)} tasks, {scenario.headcount} people, policies {', '.join(scenario.policy_names())})"
    )
    return 0


def cmd_charts(args: argparse.Namespace) -> int:
    from charts.render import render_charts

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    only = [n.strip() for n in args.only.split(",")] if args.only else None
    try:
        written = render_charts(
            args.results, formats=formats, theme=args.theme, lang=args.lang, only=only, out=args.out
        )
    except ValueError as error:
        raise UserError(str(error)) from None
    for path in written:
        print(path)
    return 0


def cmd_workshop(args: argparse.Namespace) -> int:
    from workshop.serve import ServeError, serve

    try:
        serve(args.scenario, args.host, args.port)
    except ServeError as error:
        raise UserError(str(error)) from None
    return 0


COMMANDS = {
    "compare": cmd_compare,
    "scenarios": cmd_scenarios,
    "validate": cmd_validate,
    "charts": cmd_charts,
    "workshop": cmd_workshop,
}

if __name__ == "__main__":
    sys.exit(main())
