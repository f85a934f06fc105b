"""Compare policies: per-policy means with 95 % intervals, paired differences, P(A beats B), crossover month.

The first policy of a comparison is the reference B; every other policy A is paired with it replicate by
replicate (common random numbers make the pairs share their luck).
"""

from __future__ import annotations

from concurrent.futures import Executor

import numpy as np
from scipy import stats

from experiments.preflight import check, compare_size
from experiments.replicates import run_replicates
from model.labels import policy_labels
from model.outcomes import OUTCOMES
from model.outcomes import outcomes as outcomes_of
from model.scenario import Scenario

MIN_REPLICATES_FOR_P = 10  # below this a share of replicates is too coarse to report as a probability


def mean_ci(values: np.ndarray) -> dict[str, float | list[float] | None]:
    """Mean with a Student-t 95 % confidence interval; no interval (None) from a single value, a zero-width one
    for a constant."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    n = len(values)
    if n < 2:
        return {"mean": mean, "ci95": None}
    sd = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n)) if sd > 0 else 0.0
    return {"mean": mean, "ci95": [mean - half, mean + half]}


def share_beating(diff: np.ndarray) -> float | None:
    """P(A beats B): the share of paired replicates where A's NPV is higher; None with too few replicates."""
    return float((diff > 0).mean()) if len(diff) >= MIN_REPLICATES_FOR_P else None


def crossover_months(cumulative_a: np.ndarray, cumulative_b: np.ndarray) -> np.ndarray:
    """(R,) the month (1-based) from which A's cumulative profit stays above B's to the horizon; NaN if never.

    Month 1 means A leads from the first month on.
    """
    ahead = cumulative_a - cumulative_b > 0
    n_months = ahead.shape[1]
    behind_last = np.where(~ahead, np.arange(1, n_months + 1), 0).max(1)  # last month A was not ahead
    return np.where(behind_last < n_months, behind_last + 1.0, np.nan)


def paired(
    a: str, b: str, outcomes: dict[str, dict[str, np.ndarray]], monthly: dict[str, dict[str, np.ndarray]]
) -> dict:
    diff = outcomes[a]["npv"] - outcomes[b]["npv"]
    crossing = crossover_months(monthly[a]["cumulative_profit"], monthly[b]["cumulative_profit"])
    crossed = crossing[~np.isnan(crossing)]
    return {
        "a": a,
        "b": b,
        "npv_diff": mean_ci(diff),
        "cumulative_profit_diff": mean_ci(outcomes[a]["cumulative_profit"] - outcomes[b]["cumulative_profit"]),
        "p_a_beats_b": share_beating(diff),
        "crossover_month": {
            "median": float(np.median(crossed)) if len(crossed) else None,
            "ci50": [float(q) for q in np.percentile(crossed, [25, 75])] if len(crossed) else None,
            "share_never": float(np.isnan(crossing).mean()),
        },
    }


def summarize(
    scenario_name: str,
    years: int,
    root_seed: int,
    outcomes: dict[str, dict[str, np.ndarray]],
    monthly: dict[str, dict[str, np.ndarray]],
    labels: dict[str, dict[str, str]] | None = None,
) -> dict:
    """The comparison as one JSON-ready object (the shape documented in the README under ``--json``).

    Args:
        labels: display label of each policy by language (``model.labels.policy_labels``), written as
            ``label`` beside each policy id; default: the label of the kind named like the policy.
    """
    names = list(outcomes)
    labels = labels or {name: policy_labels(None, name) for name in names}
    pairs = [paired(a, names[0], outcomes, monthly) for a in names[1:]]
    return {
        "scenario": scenario_name,
        "replicates": int(len(outcomes[names[0]]["npv"])),
        "years": years,
        "seed": root_seed,
        "policies": {
            name: {"label": labels[name], **{metric: mean_ci(outcomes[name][metric]) for metric in OUTCOMES}}
            for name in names
        },
        "paired": [
            {"a": p["a"], "a_label": labels[p["a"]], "b": p["b"], "b_label": labels[p["b"]], **p} for p in pairs
        ],
    }


def run_comparison(
    scenario: Scenario,
    policies: list[str],
    replicates: int,
    root_seed: int,
    jobs: int = 1,
    on_block=None,
    executor: Executor | None = None,
):
    """Simulate ``policies`` on common random numbers, in ``jobs`` local processes or on ``executor`` (a Dask
    cluster's, ``experiments.executors``); returns (monthly, outcomes, summary), the same whatever runs it.
    Raises ``preflight.TooLarge`` before any work when the run would not fit in memory."""
    check(compare_size(scenario, len(policies), replicates, jobs), "compare")
    monthly = run_replicates(scenario, policies, replicates, root_seed, jobs, executor, on_block)
    outcomes = {name: outcomes_of(monthly[name], scenario.headcount) for name in policies}
    labels = {name: policy_labels(scenario, name) for name in policies}
    summary = summarize(scenario.meta.name, scenario.levers.years, root_seed, outcomes, monthly, labels)
    return monthly, outcomes, summary
