#!/usr/bin/env python3
"""Command line: compare what managers do with automation gains. Run `python run.py --help`.

Only argparse is imported at start-up; the model, numpy and plotly load when a command needs them.
"""

from __future__ import annotations

import argparse
import os
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
  python run.py charts results/assistant-20261127-101500 --deck          one 16:9 PDF of every chart, in story order
  python run.py scenarios
  python run.py validate scenarios/assistant.toml
  python run.py sweep assistant --vary levers.reskilling_success=0.2:0.9:8 --replicates 50
  python run.py sweep assistant --vary levers.reskilling_success=0.2:0.9 --vary customers.contact_loss_churn=0.3:2 --design lhs --samples 64
  python run.py frontier assistant --x levers.reskilling_success=0:1:11 --y levers.customer_sensitivity_scale=0:2:11
  python run.py breakeven assistant --lever reskilling_success --lever new_work_demand_scale
  python run.py sensitivity assistant --method morris --samples 10
  python run.py sensitivity assistant --method sobol --samples 256 --jobs 2
  python run.py discover assistant --samples 256
  python run.py sweep --resume results/sweep-assistant-20261127-101500
  python run.py replay results/sweep-assistant-20261127-101500/manifest.json
  python run.py workshop                            the workshop page on http://127.0.0.1:8050/
"""


class UserError(Exception):
    """A user's mistake: printed as one line per problem on stderr, exit code 2."""


class Stopped(KeyboardInterrupt):
    """Ctrl-C, with what was kept and how to go on: printed on stderr, exit code 130."""


NOTHING_KEPT = {  # what Ctrl-C leaves of a command that writes its results only once it has finished
    "compare": "interrupted: the comparison was not saved (its results are written only once every replicate has run)",
    "optimize": "interrupted: the optimisation was not saved (the optimum is written only once every trial has run)",
}


class Parser(argparse.ArgumentParser):
    """argparse with a user's mistake on one line (``run.py optimize: --budget: '0': expected ...``), exit 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message.removeprefix('argument ')}\n")


def main(argv: list[str] | None = None) -> int:
    if os.getcwd() not in sys.path:  # a custom policy (kind = "package.module:Class") in the folder run from,
        sys.path.append(os.getcwd())  # as `python -m` would find it; worker processes inherit the path
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
    except KeyboardInterrupt as stop:
        print(str(stop) if isinstance(stop, Stopped) else NOTHING_KEPT.get(command, "interrupted"), file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - a user's mistake raised below run.py, or a bug
        from model.scenario import ScenarioError

        if isinstance(error, ScenarioError):  # a value or a size the user chose (experiments.preflight.TooLarge)
            print(str(error), file=sys.stderr)
            return 2
        print(internal_error(command, error), file=sys.stderr)
        return 1


def internal_error(command: str, error: Exception) -> str:
    """The one line a bug prints (exit code 1); its traceback goes to a file for the report."""
    import tempfile
    import traceback
    from datetime import datetime

    text = " ".join(str(error).split())
    what = f"{type(error).__name__}: {text[:200]}{'...' if len(text) > 200 else ''}" if text else type(error).__name__
    path = Path(tempfile.gettempdir()) / f"run.py-{command}-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.txt"
    try:
        path.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
        saved = f"with the traceback saved in {path}"
    except OSError as write_error:
        saved = f"(the traceback could not be saved: {write_error.strerror})"
    return f"run.py {command}: internal error: {what}; please report it {saved}"


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
    optimize.add_argument(
        "--budget",
        type=at_most(MAX_TRIALS),
        default=100,
        help=f"trials per policy (default: 100, at most {MAX_TRIALS})",
    )
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
    charts.add_argument(
        "--format", help="comma-separated: html,png,svg,pdf (default: html, or nothing else with --deck)"
    )
    charts.add_argument("--theme", choices=("talk", "paper"), default="talk")
    charts.add_argument("--lang", choices=("en", "fr"), default="en")
    charts.add_argument("--only", help="comma-separated chart names")
    charts.add_argument("--out", help="output directory (default: RESULTS/charts)")
    add_research_commands(sub)
    charts.add_argument("--deck", action="store_true", help="also write every chart as one 16:9 PDF, in story order")
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


def add_research_commands(sub) -> None:
    """sweep, frontier, breakeven, sensitivity, discover and replay (docs/research-guide.md)."""
    sweep = study_parser(sub, "sweep", "run the policies over a design of parameter points", replicates=50)
    sweep.add_argument("--vary", action="append", default=[], metavar="KEY.PATH=LO:HI[:N]", help="repeatable")
    sweep.add_argument("--design", choices=("grid", "lhs", "sobol"), default="grid")
    sweep.add_argument("--samples", type=positive_int, help="points of an lhs or sobol design (sobol: a power of 2)")
    sweep.add_argument("--levels", type=positive_int, default=5, help="grid values of a variable without :N")
    frontier = study_parser(sub, "frontier", "map where each road wins over two parameters", replicates=100)
    frontier.add_argument("--x", metavar="KEY.PATH=LO:HI:N")
    frontier.add_argument("--y", metavar="KEY.PATH=LO:HI:N")
    add_pair(frontier, metric=True)
    breakeven = sub.add_parser("breakeven", help="where each lever turns the verdict between two policies")
    breakeven.add_argument("scenario", nargs="?", default=str(DEFAULT_SCENARIO))
    breakeven.add_argument("--lever", action="append", help="a lever name (repeatable; default: every lever)")
    add_pair(breakeven)
    add_common(breakeven, replicates=100)
    breakeven.add_argument("--json", action="store_true", help="print one JSON array on stdout and nothing else")
    sensitivity = study_parser(sub, "sensitivity", "Morris or Sobol indices over the [uncertain] ranges", replicates=20)
    sensitivity.add_argument("--method", choices=("morris", "sobol"), default="morris")
    sensitivity.add_argument("--samples", type=positive_int, help="Morris trajectories (10) or Sobol N (256)")
    sensitivity.add_argument("--second-order", action="store_true", help="Sobol: also the indices of pairs (S2)")
    add_pair(sensitivity, metric=True)
    discover = study_parser(sub, "discover", "PRIM boxes of where each road wins (EMA Workbench)", replicates=10)
    discover.add_argument("--samples", type=positive_int, default=256, help="Latin hypercube points")
    add_pair(discover)
    replay = sub.add_parser("replay", help="run a study again from its manifest and check the numbers are identical")
    replay.add_argument("manifest", help="a study's manifest.json (or its directory)")
    replay.add_argument("--out", help="results directory (default: results/ORIGINAL-replay-DATE-TIME)")
    add_workers(replay)


def study_parser(sub, name: str, text: str, replicates: int) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=text, epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", nargs="?", default=str(DEFAULT_SCENARIO), help="scenario file or name")
    add_common(parser, replicates)
    parser.add_argument("--policies", help="comma-separated policy names; the first is the reference B")
    parser.add_argument("--out", help=f"results directory (default: results/{name}-SCENARIO-DATE-TIME)")
    parser.add_argument("--resume", metavar="DIR", help="finish an interrupted run (its own options are used)")
    parser.add_argument("--no-charts", action="store_true", help="skip the HTML charts")
    parser.add_argument(
        "--points-per-task", type=positive_int, metavar="N",
        help="points per unit of work (default: about 4096 engine rows; smaller: finer progress and resume, less "
        "memory a worker; results do not depend on it)",
    )  # fmt: skip
    return parser


def add_common(parser: argparse.ArgumentParser, replicates: int) -> None:
    parser.add_argument("--replicates", type=positive_int, default=replicates, help=f"per point (default {replicates})")
    parser.add_argument("--seed", type=non_negative_int, help="root seed (default: the scenario's)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY.PATH=VALUE", help="override (repeatable)")
    add_workers(parser)


def add_workers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs", type=positive_int, default=1, help="local worker processes (results do not depend on it)"
    )
    parser.add_argument("--dask", metavar="ADDRESS", help="a Dask scheduler (tcp://HOST:PORT) or 'local'")


def add_pair(parser: argparse.ArgumentParser, metric: bool = False) -> None:
    parser.add_argument("--a", default="reinvest", help="policy A (default reinvest)")
    parser.add_argument("--b", default="cost_cutting", help="policy B (default cost_cutting)")
    if metric:
        parser.add_argument("--metric", default="npv", help="outcome compared (default npv)")


MAX_TRIALS = 100_000  # trials per policy: optuna keeps every one (about 5 KB) and TPE slows with their number


def at_most(limit: int):
    """An argparse type: a whole number from 1 to ``limit``."""

    def count(text: str) -> int:
        value = positive_int(text)
        if value > limit:
            raise argparse.ArgumentTypeError(f"{text!r}: expected an integer from 1 to {limit}")
        return value

    return count


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
    """The scenario a command runs: validated, with a horizon that reaches every automation wave."""
    from experiments.preflight import horizon_problems
    from model.scenario import ScenarioError, load_scenario

    try:
        scenario = load_scenario(path, overrides)
    except ScenarioError as error:
        raise UserError(str(error)) from None
    problems = horizon_problems(scenario, path)
    if problems:
        raise UserError("\n".join(problems))
    return scenario


def scenario_file(name: str) -> str:
    """A scenario argument as a path: a bare name is a file of scenarios/ (``assistant``)."""
    path = Path(name)
    return str(ROOT / "scenarios" / f"{name}.toml") if not path.suffix and not path.exists() else name


def policy_list(path: str, scenario, text: str | None, flag: str = "--policies") -> list[str]:
    """``--policies`` checked against the scenario (registered kinds it does not list, like status_quo, run too),
    each named once. ``flag``: what the user typed, as the message names it (``--b cost_cutting --a reinvest``)."""
    from model.policies import make_policy
    from model.scenario import ScenarioError

    policies = text.split(",") if text is not None else scenario.policy_names()
    where = f"{path}: {flag} {text!r}" if flag == "--policies" else f"{path}: {flag}"
    if "" in [name.strip() for name in policies]:
        raise UserError(f"{where}: an empty policy name; give names separated by commas, e.g. cost_cutting,reinvest")
    twice = sorted({name for name in policies if policies.count(name) > 1})
    if twice:
        raise UserError(f"{where}: {', '.join(twice)} named twice; compare different policies, each once")
    try:
        for name in policies:
            make_policy(scenario, name)
    except ScenarioError as error:
        raise UserError(f"{where}: {error.problems[0]}") from None
    return policies


# options that stand for a scenario value: the same limits as in a file
OPTION_KEYS = {"years": "levers.years", "seed": "simulation.seed", "replicates": "simulation.replicates",
               "holdout": "simulation.replicates"}  # fmt: skip


def overrides_of(args: argparse.Namespace) -> list[str]:
    """``--set`` overrides and ``--years``, each option checked against its scenario field, refused when a
    ``--set`` sets the same value (which one would win?)."""
    from model.scenario import ScenarioError, check_option

    overrides = list(args.set)
    for option, key in OPTION_KEYS.items():
        value = getattr(args, option, None)
        if value is None:
            continue
        try:
            check_option(f"--{option}", key, value)
        except ScenarioError as error:
            raise UserError(str(error)) from None
        # elsewhere than compare, --replicates (and --holdout) are the command's own, not the scenario's
        sets_the_scenario = option in ("years", "seed") or (option, args.command) == ("replicates", "compare")
        clash = [o for o in overrides if o.partition("=")[0].strip() == key]
        if clash and sets_the_scenario:
            raise UserError(f"--{option} {value} and --set {clash[0]} both set {key}; give one of them")
    return overrides + ([f"levers.years={args.years}"] if getattr(args, "years", None) else [])


def known_policies(names: list[str], scenario, flag: str, path: str) -> list[str]:
    unknown = [p for p in names if p not in scenario.policy_names()]
    if unknown or not names:
        raise UserError(f"{path}: {flag} {','.join(unknown)}: unknown; defined: {', '.join(scenario.policy_names())}")
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise UserError(f"{path}: {flag} {','.join(names)}: {', '.join(twice)} named twice; name each policy once")
    return names


def progress(total: int, desc: str, unit: str):
    """A progress bar with the time left, on stderr (off when stderr is not a terminal)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=None, leave=False)


def cmd_compare(args: argparse.Namespace) -> int:
    overrides = overrides_of(args)
    scenario = load(scenario_file(args.scenario), overrides)
    policies = policy_list(args.scenario, scenario, args.policies)
    optimum = saved_optimum(args.best) if args.best else None
    out_dir = results_dir(args.out, scenario.meta.name, fresh=True, create=False)
    from experiments.results import publish

    staging = partial_dir(out_dir)
    try:
        with publish(staging, out_dir, keep=("optimum",)):  # nothing at out_dir unless every file is written
            if args.best == "":  # --best alone
                optimum = quick_optimum(args, scenario, overrides, policies, staging, out_dir)
            compare_into(staging, out_dir, args, scenario, overrides, policies, optimum)
    except BaseException:
        if (out_dir / "optimum").exists():
            print(f"kept: the quick optimum in {out_dir / 'optimum'} (--best {out_dir / 'optimum'} reuses it)",
                  file=sys.stderr)  # fmt: skip
        raise
    report = report_of(args, out_dir)
    from experiments.tables import next_steps

    print(next_steps(out_dir, report), file=sys.stderr)
    return 0


def compare_into(staging: Path, out_dir: Path, args: argparse.Namespace, scenario, overrides, policies, optimum):
    """Run the comparison, print it, write its results in ``staging`` (``out_dir`` once all are written)."""
    replicates = args.replicates or (optimum["held_out_replicates"] if optimum else scenario.simulation.replicates)
    seed = args.seed if args.seed is not None else optimum["seed"] if optimum else scenario.simulation.seed

    from experiments.compare import run_comparison
    from experiments.optimize import OptimumError, fair_fight
    from experiments.results import dumps, manifest, write_results

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
        print(dumps(summary, ensure_ascii=True))
    else:
        print(summary_table(summary))
    run_manifest = manifest(args.scenario, scenario, overrides, policies, replicates, seed)
    if optimum:
        run_manifest |= {"best": optimum["path"], "replicate_set": "held_out"}
    try:
        write_results(staging, scenario, monthly, outcomes, summary, run_manifest, csv=args.csv)
    except OSError as error:
        raise UserError(
            f"--out {out_dir}: cannot write the results ({error.strerror}); nothing was kept, the summary above is "
            "complete"
        ) from None


def report_of(args: argparse.Namespace, out_dir: Path) -> Path | None:
    """The HTML report of a results directory; if it fails, the results stay and the line says so."""
    if args.no_report:
        return None
    try:
        return write_report(out_dir)
    except Exception as error:
        print(f"results: {out_dir} (complete; `python run.py charts {out_dir}` renders the charts again)",
              file=sys.stderr)  # fmt: skip
        if isinstance(error, OSError):
            raise UserError(f"{out_dir}: cannot write the report ({error.strerror}); the results are kept") from None
        raise


def partial_dir(out_dir: Path) -> Path:
    """A hidden sibling of ``out_dir`` for a run's files while it runs (created now: an unwritable ``--out``
    fails before the run, not after it)."""
    staging = out_dir.with_name(f".{out_dir.name}.partial-{os.getpid()}")
    try:
        staging.mkdir(parents=True)
    except OSError as error:
        raise UserError(f"--out {out_dir}: cannot create the results directory ({error.strerror})") from None
    return staging


def saved_optimum(path: str) -> dict:
    """The optimum that ``--best DIR`` names."""
    from experiments.optimize import OptimumError, load_optimum

    try:
        return load_optimum(path) | {"path": path}
    except OptimumError as error:
        raise UserError(str(error)) from None


def quick_optimum(args, scenario, overrides: list[str], policies: list[str], staging: Path, out_dir: Path) -> dict:
    """``--best`` alone: a quick optimisation of the compared policies, written to OUT/optimum (``staging`` while
    the run goes on)."""
    from experiments.optimize import QUICK

    holdout = args.replicates or scenario.simulation.replicates
    seed = scenario.simulation.seed if args.seed is None else args.seed
    optimised = [p for p in policies if scenario.policy(p).kind != "status_quo"]
    path = out_dir / "optimum"
    summary = run_optimization(
        args.scenario, scenario, overrides, optimised, QUICK["budget"], QUICK["replicates"], holdout, seed,
        staging / "optimum",
    )  # fmt: skip
    print(f"optimum: {path} (quick: {QUICK['budget']} trials on {QUICK['replicates']} replicates)", file=sys.stderr)
    return summary | {"path": str(path)}


def cmd_optimize(args: argparse.Namespace) -> int:
    overrides = overrides_of(args)
    scenario = load(scenario_file(args.scenario), overrides)
    named = [name for text in args.policy or [] for name in text.split(",") if name]
    default = [p for p in scenario.policy_names() if scenario.policy(p).kind != "status_quo"]
    policies = known_policies(named, scenario, "--policy", args.scenario) if args.policy else default
    seed = scenario.simulation.seed if args.seed is None else args.seed
    out_dir = results_dir(args.out, f"{scenario.meta.name}-optimize", fresh=True, create=False)
    from experiments.results import dumps, publish

    staging = partial_dir(out_dir)
    with publish(staging, out_dir):
        summary = run_optimization(
            args.scenario, scenario, overrides, policies, args.budget, args.replicates, args.holdout, seed, staging
        )
    print(dumps(summary, ensure_ascii=True) if args.json else optimum_table(summary))
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
        raise UserError(f"optimize: cannot write the optimum ({error.strerror}); nothing was kept") from None
    return summary


def optimum_table(summary: dict) -> str:
    from experiments.tables import format_optimum

    return format_optimum(summary)


def write_report(out_dir: Path) -> Path | None:
    try:
        from charts.report import write_report as render
    except ImportError:
        return None
    return render(out_dir)


def results_dir(out: str | None, scenario_name: str, fresh: bool = False, create: bool = True) -> Path:
    """The results directory (created unless not ``create``); ``fresh``: a new run never writes into an earlier
    one's directory (an ``--out`` that holds files is refused, a default name gets a suffix)."""
    if out:
        path = Path(out)
    else:
        from datetime import datetime

        path = ROOT / "results" / f"{scenario_name}-{datetime.now():%Y%m%d-%H%M%S}"
    if path.exists() and not path.is_dir():
        raise UserError(f"--out {path}: a file, not a directory; choose a new directory")
    if fresh and path.exists() and any(path.iterdir()):
        if out:
            resume = " (or --resume it)" if create else ""
            raise UserError(f"--out {path}: already holds results; choose a new or empty directory{resume}")
        path = next(p for i in range(2, 1000) if not (p := path.with_name(f"{path.name}-{i}")).exists())
    try:
        if create:
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

    formats = [f.strip() for f in (args.format or ("" if args.deck else "html")).split(",") if f.strip()]
    only = [n.strip() for n in args.only.split(",")] if args.only else None
    try:
        written = render_charts(
            args.results, formats=formats, theme=args.theme, lang=args.lang, only=only, out=args.out, deck=args.deck
        )
    except ValueError as error:
        raise UserError(str(error)) from None
    for path in written:
        print(path)
    return 0


def cmd_study(args: argparse.Namespace) -> int:
    """sweep, frontier, sensitivity and discover: plan (or resume) a study, run it with a progress bar, print."""
    from experiments import study
    from experiments.results import ResultsError, Store
    from model.scenario import ScenarioError

    try:
        store = Store(args.resume) if args.resume else plan_study(args)
        if store.manifest["experiment"] != args.command:
            raise UserError(f"--resume {args.resume}: a {store.manifest['experiment']} study, not a {args.command}")
        result = with_workers(args, lambda executor, **bar: study.run(store, executor, **bar), store)
    except (ScenarioError, ResultsError) as error:
        raise UserError(str(error)) from None
    print(study_text(store, result))
    if not args.no_charts:
        write_study_charts(store.path)
    print(f"results: {store.path}", file=sys.stderr)
    return 0


def plan_study(args: argparse.Namespace):
    """A new study directory from a command's options (nothing is simulated yet)."""
    from experiments import study

    path = scenario_file(args.scenario)
    scenario = load(path, overrides_of(args))
    seed = scenario.simulation.seed if args.seed is None else args.seed
    policies = study_policies(args, scenario)
    points, design = plan_points(args, scenario, seed)
    options = {} if args.command == "sweep" else {"a": args.a, "b": args.b, "metric": getattr(args, "metric", "npv")}
    out = results_dir(args.out, f"{args.command}-{scenario.meta.name}", fresh=True, create=False)
    try:  # checks the study fits in memory before creating its directory
        return study.start(out, args.command, path, scenario, list(args.set), points, design, policies,
                           args.replicates, seed, options, args.points_per_task, local_workers(args))  # fmt: skip
    except OSError as error:
        raise UserError(f"--out {out}: cannot create the results directory ({error.strerror})") from None


def study_policies(args: argparse.Namespace, scenario) -> list[str]:
    """A study's policies: ``--policies`` (a sweep's default: the scenario's), else B and A of ``--b``/``--a``."""
    if args.policies is not None or args.command == "sweep":
        return policy_list(args.scenario, scenario, args.policies)
    return policy_list(args.scenario, scenario, f"{args.b},{args.a}", f"--a {args.a} --b {args.b}")


def local_workers(args: argparse.Namespace) -> int:
    """Processes of this machine that will simulate: ``--jobs``, a local Dask cluster's, none on a remote one."""
    if args.dask:
        return max(args.jobs, 2) if args.dask == "local" else 0
    return args.jobs


def plan_points(args: argparse.Namespace, scenario, seed: int) -> tuple[list[dict], dict]:
    """The points and design of a study command."""
    if args.command == "sweep":
        from experiments.sweep import sweep_points

        if not args.vary:
            raise UserError("sweep: give at least one --vary KEY.PATH=LO:HI[:N]")
        return sweep_points(scenario, args.vary, args.design, args.samples, seed, args.levels)
    if args.command == "frontier":
        from experiments.frontier import frontier_points

        if not (args.x and args.y):
            raise UserError("frontier: give --x KEY.PATH=LO:HI:N and --y KEY.PATH=LO:HI:N")
        return frontier_points(scenario, args.x, args.y)
    if args.command == "sensitivity":
        from experiments.sensitivity import sensitivity_points

        samples = args.samples or (10 if args.method == "morris" else 256)
        return sensitivity_points(scenario, args.method, samples, seed, args.second_order)
    from experiments.discover import discover_points

    return discover_points(scenario, args.samples, seed)


def with_workers(args: argparse.Namespace, work, store=None):
    """``work(executor, on_start=, on_progress=)`` on the chosen executor with a progress bar (time left); when
    it stops early, a study (``store``) keeps its finished tasks and says how many and how to resume; an
    unreachable Dask scheduler is one line."""
    from tqdm import tqdm

    from experiments.executors import executor_for

    bar = tqdm(unit="point-rep", file=sys.stderr, disable=None, leave=False)
    try:
        with executor_for(args.jobs, args.dask) as executor:
            return work(executor, on_start=lambda n: bar.reset(total=n), on_progress=bar.update)
    except KeyboardInterrupt:
        if store is None:
            raise
        raise Stopped(f"interrupted: {kept(store)}") from None
    except Exception as error:
        if args.dask and isinstance(error, OSError | TimeoutError):
            raise UserError(f"--dask {args.dask}: cannot reach the scheduler ({error})") from None
        if store is not None and store.manifest["state"] == "failed":  # a task failed: the others are kept
            print(f"failed: {kept(store)}", file=sys.stderr)
        raise
    finally:
        bar.close()


def kept(store) -> str:
    """What a stopped study kept, and the command that finishes it."""
    failed = store.manifest["state"] == "failed"
    return (f"{store.progress()} and kept in {store.path}{' (marked failed: not a result)' if failed else ''}; "
            f"{'once the cause is fixed, ' if failed else ''}finish with:\n"
            f"  python run.py {store.manifest['experiment']} --resume {store.path}")  # fmt: skip


def study_text(store, result: dict) -> str:
    """What a study prints: its table of results."""
    from experiments import tables

    m = store.manifest
    options = m["options"]
    head = f"{m['experiment']} of {m['scenario']}: {m['points']} points x {m['replicates']} replicates, seed {m['root_seed']}"
    if m["experiment"] == "sweep":
        body = tables.format_pairs(result["summary"], m["policies"])
    elif m["experiment"] == "frontier":
        x, y = m["design"]["variables"]
        body = tables.format_frontier(result["cells"], x.split("=")[0], y.split("=")[0], options["a"], options["b"])
    elif m["experiment"] == "sensitivity":
        body = tables.format_indices(result["indices"])
    else:
        body = tables.format_boxes(result["boxes"])
    return f"{head}\n{body}"


def write_study_charts(path: Path) -> None:
    from charts.research import write_study_charts as render

    for written in render(path):
        print(f"chart:   {written}", file=sys.stderr)


def cmd_breakeven(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from experiments.breakeven import breakevens
    from experiments.tables import format_breakevens
    from model.scenario import ScenarioError

    scenario = load(scenario_file(args.scenario), overrides_of(args))
    policy_list(args.scenario, scenario, f"{args.a},{args.b}", f"--a {args.a} --b {args.b}")
    try:
        results = with_workers(
            args,
            lambda executor, **_: breakevens(
                scenario, args.lever, args.a, args.b, args.replicates, args.seed, executor
            ),
        )
    except ScenarioError as error:
        raise UserError(str(error)) from None
    from experiments.results import dumps

    rows = [asdict(r) for r in results]
    print(dumps(rows, ensure_ascii=True) if args.json else format_breakevens(results, args.a, args.b))
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from experiments import study
    from experiments.results import ResultsError, Store

    original = Path(args.manifest)
    original_dir = original.parent if original.name == "manifest.json" else original
    try:
        Store(original_dir).require_complete()  # before any folder is made for the replay
        out = results_dir(args.out, f"{original_dir.name}-replay", fresh=True)
        new, differing = with_workers(args, lambda executor, **bar: study.replay(original_dir, out, executor, **bar))
    except ResultsError as error:
        raise UserError(str(error)) from None
    if differing:
        print(f"replay differs from {original_dir} in: {', '.join(differing)} (results: {new.path})")
        return 1
    print(f"replay identical to {original_dir} (results: {new.path})")
    return 0


def cmd_workshop(args: argparse.Namespace) -> int:
    from workshop.serve import ServeError, serve

    try:
        serve(args.scenario, args.host, args.port)
    except ServeError as error:
        raise UserError(str(error)) from None
    return 0


COMMANDS = {
    "compare": cmd_compare, "optimize": cmd_optimize, "scenarios": cmd_scenarios, "validate": cmd_validate, "charts": cmd_charts,
    "sweep": cmd_study, "frontier": cmd_study, "sensitivity": cmd_study, "discover": cmd_study,
    "breakeven": cmd_breakeven, "replay": cmd_replay, "workshop": cmd_workshop,
}  # fmt: skip

if __name__ == "__main__":
    sys.exit(main())
