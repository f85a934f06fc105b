"""Designs of parameter points: a full grid, a Latin hypercube or a Sobol sequence (``scipy.stats.qmc``).

A variable is a scenario key path with a range, written as on the command line: ``key.path=low:high[:n]``
(``n``: grid levels). Integer fields (``levers.years``, role counts) get whole values.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.stats import qmc

from model.scenario import Scenario, ScenarioError, field_at, field_bounds, key_path, real_constraints

DESIGNS = ("grid", "lhs", "sobol")
MAX_POINTS = 1_000_000  # points of a design (a study of more would run for weeks; memory is checked apart)


def check_points(count: int, where: str) -> None:
    """Refuse a design of more than ``MAX_POINTS`` points before it is built."""
    if count > MAX_POINTS:
        raise ScenarioError([f"{where}: {count:.0f} points; a design has at most {MAX_POINTS}"])


@dataclass(frozen=True)
class Variable:
    """A scenario value to vary over [low, high] (``levels`` values on a grid)."""

    path: str
    low: float
    high: float
    levels: int | None = None
    integer: bool = False

    def values(self, default_levels: int) -> np.ndarray:
        values = np.linspace(self.low, self.high, self.levels or default_levels)
        return np.unique(np.round(values)) if self.integer else values

    def scale(self, unit: np.ndarray) -> np.ndarray:
        """Values for numbers in [0, 1)."""
        values = self.low + unit * (self.high - self.low)
        return np.round(values) if self.integer else values


def parse_variable(text: str, scenario: Scenario, option: str = "--vary") -> Variable:
    """``key.path=low:high[:n]`` as a Variable of a numeric field of ``scenario``, or one clear ScenarioError."""
    where = f"{option} {text}"
    try:
        key, spec = text.split("=", 1)
        parts = [float(p) for p in spec.split(":")]
        if len(parts) not in (2, 3):
            raise ValueError
    except ValueError:
        raise ScenarioError(
            [f"{where}: expected key.path=low:high[:n], e.g. levers.reskilling_success=0.2:0.9:8"]
        ) from None
    path = key_path(key.strip())
    try:
        info, _ = field_at(scenario, path)
    except KeyError as error:
        raise ScenarioError(
            [f"{where}: {error.args[0]} in {scenario.meta.name} (use a key path as for --set)"]
        ) from None
    integer = info.annotation is int
    constraints = list(info.metadata) if integer else real_constraints(info)
    if constraints is None:
        raise ScenarioError([f"{where}: {path} is not a numeric parameter"])
    low, high = parts[0], parts[1]
    allowed_low, allowed_high = field_bounds(constraints)
    if not low < high:
        raise ScenarioError([f"{where}: low must be below high"])
    if low < allowed_low or high > allowed_high:
        raise ScenarioError([f"{where}: {path} allows [{allowed_low:g}, {allowed_high:g}]"])
    levels = parts[2] if len(parts) == 3 else None
    if levels is not None and (levels < 2 or not levels.is_integer()):
        raise ScenarioError([f"{where}: n must be a whole number >= 2"])
    if levels is not None:
        check_points(levels, where)
    return Variable(path, low, high, int(levels) if levels else None, integer)


def grid(variables: list[Variable], levels: int = 5) -> list[dict]:
    """Every combination of each variable's values (the first variable varies slowest)."""
    check_points(np.prod([float(v.levels or levels) for v in variables]), "the grid")
    axes = [[(v.path, _plain(x, v.integer)) for x in v.values(levels)] for v in variables]
    return [dict(combo) for combo in itertools.product(*axes)]


def sample(kind: str, variables: list[Variable], samples: int, seed: int) -> list[dict]:
    """``samples`` points of a Latin hypercube (``lhs``) or a scrambled Sobol sequence (``sobol``, a power of 2)."""
    if kind == "sobol" and samples & (samples - 1):
        raise ScenarioError(
            [f"--samples {samples}: a Sobol design needs a power of two (e.g. {_power_of_two(samples)})"]
        )
    check_points(samples, f"--samples {samples}")
    rng = np.random.default_rng(seed)
    engine = qmc.Sobol(len(variables), rng=rng) if kind == "sobol" else qmc.LatinHypercube(len(variables), rng=rng)
    unit = engine.random(samples)
    return [{v.path: _plain(v.scale(u[j]), v.integer) for j, v in enumerate(variables)} for u in unit]


def design(kind: str, variables: list[Variable], samples: int | None = None, seed: int = 0, levels: int = 5):
    """The points of a design: ``grid`` (``levels`` per variable unless a variable says), ``lhs`` or ``sobol``."""
    if kind == "grid":
        return grid(variables, levels)
    if kind not in DESIGNS:
        raise ScenarioError([f"--design {kind}: expected one of {', '.join(DESIGNS)}"])
    return sample(kind, variables, samples or 64, seed)


def _plain(value: float, integer: bool) -> int | float:
    return int(value) if integer else float(value)


def _power_of_two(n: int) -> int:
    return 1 << max(int(n - 1).bit_length(), 1)
