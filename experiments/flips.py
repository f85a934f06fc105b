"""Which weak parameters can flip a verdict, and where.

One scenario key is varied over a range, everything else held at the scenario's values. At each value the
mean paired NPV difference ``a - b`` comes from ``run_comparison`` on the same seeds (common random numbers),
so it is a deterministic function of the value. It is evaluated at both ends of the range and at the scenario's
own value; wherever its sign changes between two neighbouring points, ``scipy.optimize.brentq`` finds the
threshold, and the same root-finding on the ends of the paired 95 % interval gives the bracket around it:
inside the bracket the interval contains zero (neither road is ahead with 95 % confidence there).

    python -m experiments.flips SCENARIO [--vary key.path=low:high ...] [--a reinvest] [--b cost_cutting]
                                [--replicates 200] [--seed S] [--jobs J]

prints the flip table of docs/calibration.md; without ``--vary`` it varies ``WEAK_RANGES``, the weak parameters
of the default scenario with the ranges documented there.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from scipy.optimize import brentq

from experiments.compare import run_comparison
from model.policies import make_policy
from model.scenario import Scenario, ScenarioError, apply_overrides, load_scenario, validate_data

# (key, low, high): the weak parameters of scenarios/assistant.toml, ranges from docs/calibration.md
WEAK_RANGES: tuple[tuple[str, float, float], ...] = (
    ("levers.reskilling_success", 0.3, 0.9),
    ("levers.new_work_demand_scale", 0.0, 2.0),
    ("levers.customer_sensitivity_scale", 0.0, 2.0),
    ("levers.discount_rate", 0.04, 0.15),
    ("customers.quality_elasticity", 0.0, 1.5),
    ("customers.quality_cap", 1.2, 2.0),
    ("customers.contact_loss_churn", 0.2, 1.0),
    ("customers.contact_memory_half_life_months", 3.0, 12.0),
    ("customers.backlog_churn", 0.0, 3.0),
    ("customers.billable_revenue_share", 0.7, 1.0),
    ("customers.analysis_margin_max", 0.0, 0.05),
    ("customers.error_cost_eur_per_hour", 10.0, 100.0),
    ("customers.staffing_slack", 0.0, 0.15),
    ("customers.base_churn_per_month", 0.006, 0.024),
    ("customers.gross_margin", 0.5, 0.8),
    ("customers.initial", 200.0, 800.0),
    ("customers.acquisition_per_sales_hour", 0.0, 0.01),
    ("customers.project_success_probability", 0.2, 0.8),
    ("tasks.customer_follow_up.demand_hours_per_customer_month", 0.1, 0.5),
    ("tasks.commercial_analysis.demand_hours_per_month", 10.0, 80.0),
    ("tasks.sales_arguments.demand_hours_per_month", 10.0, 60.0),
    ("engagement.initial_sd", 0.04, 0.15),
    ("engagement.relaxation_months", 3.0, 12.0),
    ("engagement.productivity_slope", 0.0, 0.5),
    ("engagement.routine_weight", 0.0, 0.3),
    ("engagement.idle_weight", 0.1, 0.5),
    ("engagement.workload_weight", 0.2, 1.0),
    ("engagement.growth_bonus", 0.0, 0.1),
    ("engagement.failure_penalty", 0.0, 0.3),
    ("engagement.survivor_productivity_weight", 0.0, 1.0),
    ("engagement.best_performers_first", 0.0, 1.0),
    ("turnover.market_tightness", 0.7, 1.5),
    ("labour_market.time_to_fill_months", 1.0, 3.0),
    ("labour_market.contractor_price_multiple", 1.2, 2.5),
    ("learning.skill_half_life_unused_months", 12.0, 60.0),
    ("learning.skill_after_training", 0.1, 0.6),
    ("learning.skill_after_handover", 0.3, 0.9),
    ("learning.aptitude_slope", 0.0, 1.5),
    ("learning.practice_aptitude_slope", 0.0, 0.5),
    ("roles.assistant.tenure_years_mean", 3.0, 12.0),
    ("jurisdiction.redeployment_months", 0.0, 3.0),
    ("jurisdiction.redeployment_cost_eur", 0.0, 5000.0),
    ("automation.waves.0.ramp_months", 3, 12),
    ("automation.waves.0.learning_dip", 0.0, 0.3),
    ("policies.reinvest.training_months", 1.0, 6.0),
    ("policies.reinvest.training_cost_eur", 1000.0, 10000.0),
)


@dataclass(frozen=True)
class Point:
    """The mean paired NPV difference ``a - b`` (EUR) at one value of the key, with its 95 % interval."""

    value: float
    mean: float
    low: float
    high: float


@dataclass(frozen=True)
class Crossing:
    """Where the mean difference changes sign; ``bracket``: the values between which its 95 % interval holds 0."""

    threshold: float
    bracket: tuple[float, float]
    winner_below: str
    winner_above: str


@dataclass(frozen=True)
class Flip:
    """What varying one key over its range does to the verdict ``a`` vs ``b``."""

    key: str
    low: float
    high: float
    current: float | None
    points: tuple[Point, ...]  # the ends of the range and the scenario's value, in increasing order
    crossings: tuple[Crossing, ...]

    @property
    def verdict(self) -> str:
        if not self.crossings:
            return "does not flip within its range"
        return "; ".join(
            f"flips at {c.threshold:.3g}: {c.winner_below} below, {c.winner_above} above" for c in self.crossings
        )


class PairedDifference:
    """The mean paired NPV difference ``a - b`` and its 95 % interval as a function of one key's value; every
    value is simulated once on the same seeds (integer keys are rounded)."""

    def __init__(self, scenario: Scenario, key: str, a: str, b: str, replicates: int, seed: int, jobs: int = 1):
        self.scenario, self.key, self.a, self.b = scenario, key, a, b
        self.replicates, self.seed, self.jobs = replicates, seed, jobs
        self.integer = isinstance(current_value(scenario, key), int)
        self.cache: dict[float, Point] = {}

    def __call__(self, value: float) -> Point:
        value = round(value) if self.integer else float(value)
        if value not in self.cache:
            varied = with_value(self.scenario, self.key, value)
            _, _, summary = run_comparison(varied, [self.b, self.a], self.replicates, self.seed, self.jobs)
            diff = summary["paired"][0]["npv_diff"]
            low, high = diff["ci95"] or (diff["mean"], diff["mean"])
            self.cache[value] = Point(value, diff["mean"], low, high)
        return self.cache[value]


def find_flip(
    scenario: Scenario,
    key: str,
    low: float,
    high: float,
    a: str = "reinvest",
    b: str = "cost_cutting",
    replicates: int = 200,
    seed: int | None = None,
    jobs: int = 1,
) -> Flip:
    """Vary ``key`` over [``low``, ``high``] and find where the mean paired NPV difference ``a - b`` changes sign
    (the scenario's own seed unless ``seed`` is given)."""
    seed = scenario.simulation.seed if seed is None else seed
    curve = PairedDifference(scenario, key, a, b, replicates, seed, jobs)
    current = current_value(scenario, key)
    values = [low, high] + ([current] if current is not None and low < current < high else [])
    points, crossings = find_crossings(curve, values, xtol=(high - low) * 2e-3, a=a, b=b)
    return Flip(key, low, high, current, points, crossings)


def find_crossings(
    curve: Callable[[float], Point], values: list[float], xtol: float, a: str = "a", b: str = "b"
) -> tuple[tuple[Point, ...], tuple[Crossing, ...]]:
    """Evaluate ``curve`` at ``values`` and root-find the mean, then each side's nearest interval end, wherever
    the mean changes sign between neighbours (a zero at a point is not a change of sign)."""
    points = tuple(curve(v) for v in sorted(set(values)))
    crossings = []
    for left, right in zip(points, points[1:]):
        if left.mean * right.mean >= 0:
            continue
        threshold = brentq(lambda v: curve(v).mean, left.value, right.value, xtol=xtol)
        bracket = (interval_edge(curve, left, threshold, xtol), interval_edge(curve, right, threshold, xtol))
        winner = {True: a, False: b}
        crossings.append(Crossing(threshold, bracket, winner[left.mean > 0], winner[right.mean > 0]))
    return points, tuple(crossings)


def interval_edge(curve: Callable[[float], Point], end: Point, threshold: float, xtol: float) -> float:
    """The value between ``end`` and ``threshold`` from which the 95 % interval contains 0 (``end`` itself if its
    interval already does): where the interval's end nearer zero crosses it."""
    nearer = (lambda p: p.high) if end.mean < 0 else (lambda p: p.low)
    if nearer(end) * end.mean <= 0:
        return end.value
    return brentq(lambda v: nearer(curve(v)), end.value, threshold, xtol=xtol)


def with_value(scenario: Scenario, key: str, value: Any) -> Scenario:
    """A copy of ``scenario`` with ``key`` (a ``--set`` path) set to ``value``, validated."""
    source = scenario.meta.name
    return validate_data(apply_overrides(scenario.model_dump(mode="python"), {key: value}, source), source)


def current_value(scenario: Scenario, key: str) -> Any:
    """The value ``key`` has in ``scenario``, defaults included (jurisdiction presets, policy parameters)."""
    head, *rest = key.split(".")
    if head == "jurisdiction" and len(rest) == 1:
        return scenario.jurisdiction_rules().get(rest[0])
    if head == "policies" and len(rest) == 2:
        return getattr(make_policy(scenario, rest[0]).params, rest[1], None)
    node: Any = scenario.model_dump(mode="python")
    for part in key.split("."):
        if isinstance(node, list):
            named = [item for item in node if part in (item.get("name"), item.get("id"))]
            node = named[0] if named else node[int(part)] if part.isdigit() and int(part) < len(node) else None
        else:
            node = node.get(part) if isinstance(node, dict) else None
    return node


def flip_table(flips: list[Flip], a: str, b: str) -> str:
    """The flips as a Markdown table (differences in thousands of EUR)."""
    rows = [
        f"| key | range | scenario value | {a} − {b} at the low end | at the high end | threshold [95 % bracket] | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for flip in flips:
        ends = [p for p in flip.points if p.value in (flip.low, flip.high)]
        thresholds = "; ".join(f"{c.threshold:.3g} [{c.bracket[0]:.3g}, {c.bracket[1]:.3g}]" for c in flip.crossings)
        rows.append(
            f"| `{flip.key}` | {flip.low:g}–{flip.high:g} | {flip.current} | {thousands(ends[0])} | "
            f"{thousands(ends[-1])} | {thresholds or '–'} | {flip.verdict} |"
        )
    return "\n".join(rows)


def thousands(point: Point) -> str:
    return f"{point.mean / 1e3:+,.0f}k [{point.low / 1e3:,.0f}k, {point.high / 1e3:,.0f}k]"


def parse_range(text: str) -> tuple[str, float, float]:
    """``key.path=low:high`` -> (key, low, high); argparse reports a malformed one as a usage error (exit 2)."""
    key, _, span = text.partition("=")
    try:
        low, high = (float(part) for part in span.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected key.path=low:high, e.g. levers.discount_rate=0.04:0.15"
        ) from None
    if not key or not low < high:
        raise argparse.ArgumentTypeError(f"{text!r}: expected key.path=low:high with low < high")
    return key, low, high


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments.flips", description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario")
    parser.add_argument("--vary", type=parse_range, action="append", help="key.path=low:high (repeatable)")
    parser.add_argument("--a", default="reinvest")
    parser.add_argument("--b", default="cost_cutting")
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--jobs", type=int, default=1, help="keys evaluated in parallel processes")
    args = parser.parse_args(argv)
    ranges = args.vary or list(WEAK_RANGES)
    try:
        scenario = load_scenario(args.scenario)
        for key, low, _ in ranges:  # every key and policy checked before anything is simulated
            with_value(scenario, key, round(low) if isinstance(current_value(scenario, key), int) else low)
        make_policy(scenario, args.a), make_policy(scenario, args.b)
    except ScenarioError as error:
        print("\n".join(error.problems), file=sys.stderr)
        return 2
    flips = run_flips(scenario, ranges, args.a, args.b, args.replicates, args.seed, args.jobs)
    print(flip_table(flips, args.a, args.b))
    return 0


def run_flips(scenario, ranges, a, b, replicates, seed, jobs) -> list[Flip]:
    """``find_flip`` for every (key, low, high), in ``jobs`` processes; progress on stderr."""
    calls = [(scenario, key, low, high, a, b, replicates, seed) for key, low, high in ranges]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(jobs, 1), mp_context=context) as pool:
        futures = [pool.submit(find_flip, *call) for call in calls]
        flips = []
        for future in futures:
            flips.append(future.result())
            print(f"{flips[-1].key}: {flips[-1].verdict}", file=sys.stderr, flush=True)
    return flips


if __name__ == "__main__":
    sys.exit(main())
