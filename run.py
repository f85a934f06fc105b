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
  python run.py optimize scenarios/assistant.toml --budget 200       each road at its best (held-out figures)
  python run.py compare scenarios/assistant.toml --best results/assistant-optimize-20261127-101500
  python run.py charts results/assistant-20261127-101500 --format png --theme talk --lang fr
  python run.py scenarios
  python run.py validate scenarios/assistant.toml
"""


class UserError(Exception):
    """A user's mistake: printed as one line per problem on stderr, exit code 2."""


class Parser(argparse.ArgumentParser):
    """argparse with a user's mistake on one line (``run.py optimize: --budget: '0': expected ...``), exit 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message.removeprefix('argument ')}\n")


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
    parser = Parser(
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
    compare.add_argument(
        "--best",
        nargs="?",
        const="",
        metavar="DIR",
        help="compare the policies at their optimised parameters (DIR written by `optimize`; alone: a quick "
        "optimisation first) and at their defaults, on held-out replicates: does the verdict survive?",
    )
    optimize = sub.add_parser(
        "optimize",
        help="search each policy's own decisions for its best mean NPV; final figures on held-out replicates",
        epilog="docs/optimize.md: what is searched, the held-out design, how to read the output",
    )
    optimize.add_argument(
        "scenario", nargs="?", default=str(DEFAULT_SCENARIO), help="scenario file (default: scenarios/assistant.toml)"
    )
    optimize.add_argument(
        "--policy",
        action="extend",
        nargs="+",
        metavar="NAME",
        help="policies to optimise (space- or comma-separated, repeatable; default: all but status_quo)",
    )
    optimize.add_argument("--budget", type=positive_int, default=100, help="trials per policy (default: 100)")
    optimize.add_argument(
        "--replicates",
        type=positive_int,
        default=100,
        help="search replicates, the same for every trial (default: 100)",
    )
    optimize.add_argument(
        "--holdout", type=positive_int, default=200, help="held-out replicates for the final figures (default: 200)"
    )
    optimize.add_argument("--years", type=positive_int, help="horizon in years (same as --set levers.years=Y)")
    optimize.add_argument("--seed", type=non_negative_int, help="root seed (default: the scenario's)")
    optimize.add_argument("--set", action="append", default=[], metavar="KEY.PATH=VALUE")
    optimize.add_argument("--out", help="output directory (default: results/SCENARIO-optimize-DATE-TIME)")
    optimize.add_argument("--json", action="store_true", help="print the study summary as one JSON object")
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


def overrides_of(args: argparse.Namespace) -> list[str]:
    return list(args.set) + ([f"levers.years={args.years}"] if args.years else [])


def known_policies(names: list[str], scenario, flag: str, path: str) -> list[str]:
    unknown = [p for p in names if p not in scenario.policy_names()]
    if unknown or not names:
        raise UserError(f"{path}: {flag} {','.join(unknown)}: unknown; defined: {', '.join(scenario.policy_names())}")
    return names


def progress(total: int, desc: str, unit: str):
    """A progress bar with the time left, on stderr (off when stderr is not a terminal)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=None, leave=False)


def cmd_compare(args: argparse.Namespace) -> int:
    overrides = overrides_of(args)
    scenario = load(args.scenario, overrides)
    policies = known_policies(
        args.policies.split(",") if args.policies else scenario.policy_names(), scenario, "--policies", args.scenario
    )
    optimum = saved_optimum(args.best) if args.best else None
    out_dir = results_dir(args.out, scenario.meta.name)
    if args.best == "":  # --best alone
        optimum = quick_optimum(args, scenario, overrides, policies, out_dir)
    replicates = args.replicates or (optimum["held_out_replicates"] if optimum else scenario.simulation.replicates)
    seed = args.seed if args.seed is not None else optimum["seed"] if optimum else scenario.simulation.seed

    from experiments.compare import run_comparison
    from experiments.optimize import OptimumError, fair_fight
    from experiments.results import manifest, write_results

    runs = 2 if optimum else 1  # the fair fight runs the policies at their defaults and at their best
    with progress(runs * replicates, f"{scenario.meta.name}: {len(policies)} policies", "rep") as bar:
        if optimum:
            try:
                monthly, outcomes, summary = fair_fight(
                    scenario, policies, optimum, replicates, seed, jobs=args.jobs, on_block=bar.update
                )
            except OptimumError as error:
                raise UserError(str(error)) from None
        else:
            monthly, outcomes, summary = run_comparison(
                scenario, policies, replicates, seed, jobs=args.jobs, on_block=bar.update
            )
    if args.json:
        print(json.dumps(summary))
    else:
        print(summary_table(summary))
    run_manifest = manifest(args.scenario, scenario, overrides, policies, replicates, seed)
    if optimum:
        run_manifest |= {"best": optimum["path"], "replicate_set": "held_out"}
    try:
        write_results(out_dir, scenario, monthly, outcomes, summary, run_manifest, csv=args.csv)
    except OSError as error:
        raise UserError(f"{out_dir}: cannot write results ({error.strerror}); the summary above is complete") from None
    if not args.no_report:
        write_report(out_dir, quiet=args.json)
    print(f"results: {out_dir}", file=sys.stderr)
    return 0


def saved_optimum(path: str) -> dict:
    """The optimum that ``--best DIR`` names."""
    from experiments.optimize import OptimumError, load_optimum

    try:
        return load_optimum(path) | {"path": path}
    except OptimumError as error:
        raise UserError(str(error)) from None


def quick_optimum(args: argparse.Namespace, scenario, overrides: list[str], policies: list[str], out_dir: Path) -> dict:
    """``--best`` alone: a quick optimisation of the compared policies, written to OUT/optimum."""
    from experiments.optimize import QUICK

    holdout = args.replicates or scenario.simulation.replicates
    seed = scenario.simulation.seed if args.seed is None else args.seed
    optimised = [p for p in policies if scenario.policy(p).kind != "status_quo"]
    path = out_dir / "optimum"
    summary = run_optimization(
        args.scenario, scenario, overrides, optimised, QUICK["budget"], QUICK["replicates"], holdout, seed, path
    )
    print(f"optimum: {path} (quick: {QUICK['budget']} trials on {QUICK['replicates']} replicates)", file=sys.stderr)
    return summary | {"path": str(path)}


def cmd_optimize(args: argparse.Namespace) -> int:
    overrides = overrides_of(args)
    scenario = load(args.scenario, overrides)
    named = [name for text in args.policy or [] for name in text.split(",") if name]
    default = [p for p in scenario.policy_names() if scenario.policy(p).kind != "status_quo"]
    policies = known_policies(named, scenario, "--policy", args.scenario) if args.policy else default
    seed = scenario.simulation.seed if args.seed is None else args.seed
    out_dir = results_dir(args.out, f"{scenario.meta.name}-optimize")
    summary = run_optimization(
        args.scenario, scenario, overrides, policies, args.budget, args.replicates, args.holdout, seed, out_dir
    )
    print(json.dumps(summary) if args.json else optimum_table(summary))
    print(f"optimum: {out_dir}\nnext:    python run.py compare {args.scenario} --best {out_dir}", file=sys.stderr)
    return 0


def run_optimization(
    path: str, scenario, overrides, policies, budget, replicates, holdout, seed, out_dir: Path
) -> dict:
    """Optimise with a progress bar, write the optimum to ``out_dir``; returns the study summary."""
    from experiments.optimize import optimize, optimum_manifest, write_optimum

    if not policies:
        raise UserError(f"{path}: no policy to optimise (status_quo is left out unless named with --policy)")
    desc = f"{scenario.meta.name}: optimising {', '.join(policies)}"
    with progress(budget * len(policies), desc, "trial") as bar:
        summary, trials = optimize(scenario, policies, budget, replicates, holdout, seed, on_trials=bar.update)
    run_manifest = optimum_manifest(path, scenario, overrides, summary)
    try:
        write_optimum(out_dir, summary, trials, run_manifest)
    except OSError as error:
        raise UserError(f"{out_dir}: cannot write the optimum ({error.strerror})") from None
    return summary


def optimum_table(summary: dict) -> str:
    from experiments.tables import format_optimum

    return format_optimum(summary)


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
    from experiments.tables import format_fair_fight, format_summary

    fight = summary.get("fair_fight")
    return format_summary(summary) + (f"\n\n{format_fair_fight(fight)}" if fight else "")


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


COMMANDS = {
    "compare": cmd_compare,
    "optimize": cmd_optimize,
    "scenarios": cmd_scenarios,
    "validate": cmd_validate,
    "charts": cmd_charts,
}

if __name__ == "__main__":
    sys.exit(main())
