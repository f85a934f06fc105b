"""Scenario discovery: where in the ``[uncertain]`` space does each road win? PRIM (EMA Workbench's ``prim``)
on "A beats B" (paired NPV difference > 0) over a Latin hypercube of the space; each (point, replicate) is one
run. A box is a set of ranges with its coverage (share of all winning runs that fall in it) and density (share
of runs in it that A wins).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from experiments.designs import Variable, sample
from experiments.results import Store, matrix, write_json
from model.scenario import Scenario, identifier, uncertain_space

BOXES_FILE = "boxes.json"
THRESHOLD = 0.8  # the density a box must reach
MAX_DIMENSIONS = 3


def ema_parameters(scenario: Scenario) -> list:
    """The scenario's uncertain space as EMA Workbench ``RealParameter`` uncertainties (identifier names)."""
    from ema_workbench import RealParameter

    return [RealParameter(identifier(path), low, high) for path, (low, high) in uncertain_space(scenario).items()]


def discover_points(scenario: Scenario, samples: int, seed: int) -> tuple[list[dict], dict]:
    """A Latin hypercube over the uncertain space, and the design for the manifest."""
    space = uncertain_space(scenario)
    points = sample("lhs", [Variable(path, low, high) for path, (low, high) in space.items()], samples, seed)
    ranges = {identifier(p): list(b) for p, b in space.items()}
    return points, {"kind": "lhs", "samples": samples, "seed": seed, "ranges": ranges}


@dataclass
class Box:
    """Where ``winner`` beats the other road: ranges of the restricted parameters, coverage and density."""

    winner: str
    loser: str
    limits: dict[str, list[float]]  # identifier -> [low, high] of each restricted parameter
    conditions: list[str]  # the same as text: "reskilling_success > 0.45"
    coverage: float
    density: float
    runs: int  # runs in the box

    def describe(self) -> str:
        """E.g. "reinvest wins in 90 % of runs when reskilling_success > 0.45 and ..."."""
        where = " and ".join(self.conditions)
        return f"{self.winner} wins in {100 * self.density:.0f} % of runs " + (f"when {where}" if where else "anywhere")


def _condition(name: str, low: float, high: float, full_low: float, full_high: float) -> str:
    if np.isclose(high, full_high):
        return f"{name} > {low:.3g}"
    if np.isclose(low, full_low):
        return f"{name} < {high:.3g}"
    return f"{low:.3g} < {name} < {high:.3g}"


def find_box(x: pd.DataFrame, wins: np.ndarray, winner: str, loser: str) -> Box | None:
    """PRIM's first box where ``wins`` is dense: on the peeling trajectory, among the boxes whose density
    reaches ``THRESHOLD`` and that restrict at most ``MAX_DIMENSIONS`` parameters (a box a reader can hold in
    mind), the one of largest coverage; None when no box qualifies."""
    from ema_workbench.analysis import prim

    if not wins.any():
        return None
    if wins.all():  # PRIM needs both classes; the whole space is the box
        return Box(winner, loser, {}, [], 1.0, 1.0, len(wins))
    logging.getLogger("EMA").setLevel(logging.WARNING)
    finder = prim.Prim(x, wins, threshold=THRESHOLD)
    box = finder.find_box()
    trajectory = box.peeling_trajectory
    eligible = trajectory[(trajectory["density"] >= THRESHOLD) & (trajectory["res_dim"] <= MAX_DIMENSIONS)]
    if eligible.empty:
        return None
    chosen = int(eligible["coverage"].idxmax())
    box.select(chosen)
    lims, full = box.box_lim, finder.box_init
    restricted = [c for c in x.columns if not np.allclose(lims[c].to_numpy(float), full[c].to_numpy(float))]
    limits = {c: [float(lims[c].iloc[0]), float(lims[c].iloc[1])] for c in restricted}
    conditions = [_condition(c, *limits[c], float(full[c].iloc[0]), float(full[c].iloc[1])) for c in restricted]
    row = trajectory.loc[chosen]
    return Box(winner, loser, limits, conditions, float(row["coverage"]), float(row["density"]), int(row["n"]))


def boxes(store: Store) -> list[Box]:
    """A box for each road (A wins; B wins), from every run of the study."""
    options = store.manifest["options"]
    a, b = options["a"], options["b"]
    table = store.table(["point", "policy", "replicate", "npv"])
    diff = matrix(table, a, "npv") - matrix(table, b, "npv")
    points = pd.DataFrame(store.points).rename(columns=identifier)
    x = points.loc[points.index.repeat(diff.shape[1])].reset_index(drop=True)
    found = [find_box(x, diff.ravel() > 0, a, b), find_box(x, diff.ravel() < 0, b, a)]
    return [box for box in found if box is not None]


def analyse(store: Store) -> dict:
    described = [{**asdict(box), "description": box.describe()} for box in boxes(store)]
    write_json(store.path / BOXES_FILE, described)
    return {"boxes": described, "files": [BOXES_FILE]}
