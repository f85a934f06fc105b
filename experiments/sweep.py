"""Sweeps: the policies over a design of parameter points (grid, Latin hypercube, Sobol), a tidy dataset of
every point x policy x replicate and a summary per point (means with 95 % intervals, paired differences,
P(A beats B)). The first policy is the reference B of every pair, as in ``compare``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.designs import design, parse_variable
from experiments.points import paired_stats
from experiments.results import Store, matrix, write_parquet
from model import PAIRED_OUTCOMES
from model.outcomes import HEADLINE
from model.scenario import Scenario

SUMMARY_FILE = "summary.parquet"


def sweep_points(
    scenario: Scenario, vary: list[str], kind: str = "grid", samples: int | None = None, seed: int = 0, levels: int = 5
) -> tuple[list[dict], dict]:
    """The points of ``--vary key=lo:hi[:n] ...`` under a design, and the design as the manifest records it."""
    variables = [parse_variable(text, scenario) for text in vary]
    points = design(kind, variables, samples, seed, levels)
    info = {"kind": kind, "variables": vary, "samples": len(points), "seed": seed, "levels": levels}
    return points, info


def point_summary(store: Store) -> pd.DataFrame:
    """One row per point: its values, each policy's headline outcomes (mean, ci_low, ci_high) and, for each
    policy A paired with the reference B, the paired differences and P(A beats B)."""
    names = store.manifest["policies"]
    table = store.table(["point", "policy", "replicate", *HEADLINE])
    matrices = {p: {m: matrix(table, p, m) for m in HEADLINE} for p in names}
    columns: dict[str, np.ndarray] = {}
    for policy in names:
        for metric in HEADLINE:
            stats = paired_stats(matrices[policy][metric])  # a plain mean and interval (nothing is subtracted)
            for stat in ("mean", "ci_low", "ci_high"):
                columns[f"{policy}__{metric}__{stat}"] = stats[stat].to_numpy()
    b = names[0]
    for a in names[1:]:
        for metric in PAIRED_OUTCOMES:
            stats = paired_stats(matrices[a][metric] - matrices[b][metric])
            for stat in ("mean", "ci_low", "ci_high"):
                columns[f"{a}_minus_{b}__{metric}__{stat}"] = stats[stat].to_numpy()
        columns[f"p_{a}_beats_{b}"] = paired_stats(matrices[a]["npv"] - matrices[b]["npv"])["p_a_beats_b"].to_numpy()
    points = pd.DataFrame(store.points)
    return pd.concat([pd.DataFrame({"point": np.arange(len(points))}), points, pd.DataFrame(columns)], axis=1)


def analyse(store: Store) -> dict:
    """Write the summary per point; returns what the command prints."""
    summary = point_summary(store)
    write_parquet(store.path / SUMMARY_FILE, summary)
    return {"summary": summary, "files": [SUMMARY_FILE]}
