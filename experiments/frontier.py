"""The frontier: a 2-D map of which road wins and by how much. Per cell of an x-by-y grid, the mean paired
difference A - B of an outcome, its 95 % interval and P(A beats B); a cell is won by A or B when the interval
excludes 0, a toss-up when it spans 0. Cells share their replicates' random numbers, so the map is smooth.
"""

from __future__ import annotations

import pandas as pd

from experiments.designs import grid, parse_variable
from experiments.points import paired_stats
from experiments.results import Store, matrix, write_parquet
from model.scenario import Scenario

CELLS_FILE = "frontier.parquet"


def frontier_points(scenario: Scenario, x: str, y: str, levels: int = 11) -> tuple[list[dict], dict]:
    """The grid of ``--x key=lo:hi:n --y key=lo:hi:n`` (x varies slowest) and the design for the manifest."""
    variables = [parse_variable(x, scenario, "--x"), parse_variable(y, scenario, "--y")]
    points = grid(variables, levels)
    return points, {"kind": "grid", "variables": [x, y], "samples": len(points), "seed": None, "levels": levels}


def verdict(ci_low: float, ci_high: float, a: str, b: str) -> str:
    """Who wins a cell: A or B when the 95 % interval of A - B excludes 0, else "toss-up"."""
    return a if ci_low > 0 else b if ci_high < 0 else "toss-up"


def cells(store: Store, metric: str, a: str, b: str) -> pd.DataFrame:
    """One row per cell: x, y, mean, ci_low, ci_high, p_a_beats_b, winner."""
    table = store.table(["point", "policy", "replicate", metric])
    stats = paired_stats(matrix(table, a, metric) - matrix(table, b, metric))
    points = pd.DataFrame(store.points)
    x, y = points.columns
    frame = pd.concat([points.rename(columns={x: "x", y: "y"}), stats], axis=1)
    frame["winner"] = [verdict(lo, hi, a, b) for lo, hi in zip(frame["ci_low"], frame["ci_high"])]
    frame.attrs = {"x": x, "y": y, "metric": metric, "a": a, "b": b}
    return frame


def analyse(store: Store) -> dict:
    options = store.manifest["options"]
    table = cells(store, options["metric"], options["a"], options["b"])
    write_parquet(store.path / CELLS_FILE, table)
    return {"cells": table, "files": [CELLS_FILE]}
