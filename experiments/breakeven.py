"""Break-even points: for each lever, the value at which the mean paired NPV difference A - B crosses zero, the
other levers held at the scenario's values, with an interval from the paired replicates.

Fast enough to show live: every lever's coarse grid runs in one ``run_points`` call (common random numbers, so
the curves are smooth), the crossing is interpolated, then refined by steps inside the bracket that holds it
(the root of a parabola through the nearest values; all levers of a step in one call) until the mean
difference at the new value is within one standard error of zero (where more evaluations cannot tell the crossing apart), the bracket is below
``TOLERANCE`` of the range, or after ``REFINEMENTS`` steps: a curved response is not read off a straight line
between grid values far apart. The interval is where the 95 % confidence bounds of the mean difference cross
zero (interpolated on the same points); where a bound stays on one side, the interval runs to the end of the
lever's range.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from experiments.points import paired_stats, run_points
from experiments.preflight import check, study_size, workers_of
from model.scenario import LEVER_NAMES, Scenario, ScenarioError, levers, resolve_scenario

GRID = 5  # values per lever in the first pass
REFINEMENTS = 3  # refining steps at most
TOLERANCE = 0.01  # of the lever's range: a bracket this narrow is the crossing
VERDICTS = ("crosses", "a_wins_everywhere", "b_wins_everywhere")


@dataclass(frozen=True)
class BreakEven:
    """Where a lever turns the verdict between policies A and B (mean paired NPV difference A - B)."""

    lever: str
    low: float  # the lever's range (its bounds in the Levers model)
    high: float
    value: float | None  # where the mean difference crosses zero (None when it does not)
    interval: tuple[float, float] | None  # where the 95 % bounds cross zero
    verdict: str  # "crosses" | "a_wins_everywhere" | "b_wins_everywhere"
    a_wins_above: bool | None  # A wins above ``value`` (None without a crossing)


def default_levers(scenario: Scenario) -> list[str]:
    """Every lever but the horizon (``years`` changes the question, not a parameter of it)."""
    return [name for name in LEVER_NAMES if name != "years"]


def breakevens(
    scenario: str | Scenario,
    levers: list[str] | None = None,
    a: str = "reinvest",
    b: str = "cost_cutting",
    replicates: int = 100,
    seed: int | None = None,
    executor: Executor | None = None,
) -> list[BreakEven]:
    """The break-even of each lever (default: ``default_levers``) between policies ``a`` and ``b``.

    Args:
        scenario: a Scenario, a file path or a scenario name.
        levers: lever names; each is varied over its bounds, the others stay at the scenario's values.
        a, b: the policies compared (A - B).
        replicates: paired replicates per value (common random numbers across values and levers).
        seed: root seed (default: the scenario's).
        executor: a ``concurrent.futures`` executor, or None for this process.
    """
    base = resolve_scenario(scenario)
    names = levers or default_levers(base)
    ranges = _ranges(base, names)
    check(study_size(base, 2, replicates, len(names) * (GRID + 1), workers_of(executor), columns=1), "breakeven")
    grids = {name: np.linspace(low, high, GRID) for name, (low, high) in ranges.items()}
    points = [{f"levers.{name}": float(v)} for name, values in grids.items() for v in values]
    first = run_points(base, points, [a, b], replicates, seed, executor)
    diff = first.difference(a, b).reshape(len(names), GRID, replicates)
    curves = {name: (grids[name], diff[i]) for i, name in enumerate(names)}
    refining = set(names)
    for _ in range(REFINEMENTS):
        guesses = {
            name: _next_guess(*curves[name], base.levers, name, ranges[name]) for name in names if name in refining
        }
        refine = {name: g for name, g in guesses.items() if g is not None}
        if not refine:
            break
        step = run_points(base, [{f"levers.{n}": v} for n, v in refine.items()], [a, b], replicates, seed, executor)
        extra = step.difference(a, b)
        for i, (name, value) in enumerate(refine.items()):
            x, d = curves[name]
            order = np.argsort(np.append(x, value), kind="stable")
            curves[name] = (np.append(x, value)[order], np.vstack([d, extra[i]])[order])
        refining = {name for i, name in enumerate(refine) if abs(extra[i].mean()) > _standard_error(extra[i])}
    return [_break_even(name, *ranges[name], *curves[name], base) for name in names]


def _standard_error(diff: np.ndarray) -> float:
    return float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else 0.0


def _ranges(scenario: Scenario, names: list[str]) -> dict[str, tuple[float, float]]:
    known = {lever.name: (lever.low, lever.high) for lever in levers(scenario) if lever.name != "years"}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ScenarioError([f"--lever {', '.join(unknown)}: unknown; levers: {', '.join(known)}"])
    return {name: known[name] for name in names}


def _crossings(x: np.ndarray, y: np.ndarray) -> list[tuple[float, bool]]:
    """Where a piecewise linear curve crosses zero, and whether it rises there (y = 0 exactly at a grid value
    counts when the curve changes sign around it)."""
    signs = np.sign(y)
    nonzero = np.flatnonzero(signs)
    found = []
    for i, j in zip(nonzero[:-1], nonzero[1:]):
        if signs[i] != signs[j]:
            k = i if j == i + 1 else i + 1  # a run of zeros between them: the crossing is where it starts
            root = x[i] - y[i] * (x[j] - x[i]) / (y[j] - y[i]) if j == i + 1 else x[k]
            found.append((float(root), bool(signs[j] > 0)))
    return found


def _next_guess(x: np.ndarray, diff: np.ndarray, current, name: str, bounds: tuple[float, float]) -> float | None:
    """The next value to try for the crossing nearest the scenario's own value of the lever: where the parabola
    through the bracket's ends and their nearest neighbour crosses zero inside the bracket (a curved response
    is found in a step or two where a straight line creeps towards it), else the straight line's crossing.
    None without a crossing, or when its bracket is already narrower than ``TOLERANCE`` of the range."""
    mean = diff.mean(1)
    found = _crossings(x, mean)
    if not found:
        return None
    value = float(getattr(current, name))
    root = min(found, key=lambda c: abs(c[0] - value))[0]
    hi = int(np.searchsorted(x, root))
    lo = hi - 1
    if np.isclose(x, root).any() or x[hi] - x[lo] <= TOLERANCE * (bounds[1] - bounds[0]):
        return None
    neighbours = [i for i in (lo - 1, hi + 1) if 0 <= i < len(x)]
    if neighbours:
        third = min(neighbours, key=lambda i: abs(x[i] - root))
        points = sorted((lo, hi, third))
        roots = np.roots(np.polyfit(x[points], mean[points], 2))
        inside = [float(r.real) for r in roots if abs(r.imag) < 1e-12 and x[lo] < r.real < x[hi]]
        if inside:
            return min(inside, key=lambda r: abs(r - root))
    return root


def _break_even(name: str, low: float, high: float, x: np.ndarray, diff: np.ndarray, base: Scenario) -> BreakEven:
    stats = paired_stats(diff)
    mean = stats["mean"].to_numpy()
    found = _crossings(x, mean)
    if not found:
        verdict = "a_wins_everywhere" if mean[np.abs(mean).argmax()] > 0 else "b_wins_everywhere"
        return BreakEven(name, low, high, None, None, verdict, None)
    current = float(getattr(base.levers, name))
    value, rising = min(found, key=lambda c: abs(c[0] - current))
    bounds = [_nearest(x, stats[c].to_numpy(), value, low, high, rising) for c in ("ci_low", "ci_high")]
    return BreakEven(name, low, high, value, (min(bounds), max(bounds)), "crosses", rising)


def _nearest(x: np.ndarray, bound: np.ndarray, value: float, low: float, high: float, rising: bool) -> float:
    """Where a confidence bound crosses zero nearest the break-even; where it never does, the end of the range
    on its side (a lower bound of a rising curve stays below zero up to the top of the range)."""
    found = [c for c, _ in _crossings(x, bound)]
    if found:
        return min(found, key=lambda c: abs(c - value))
    below = bound.max() < 0
    return high if below == rising else low
