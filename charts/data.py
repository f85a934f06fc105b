"""What the figures plot, computed from saved result tables (never by running the model).

Every function takes a ``Results`` (``experiments.results.load_results``) or its tables and returns plain
numpy arrays or DataFrames, so the numbers behind a chart can be checked without drawing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from experiments.results import Results

CATEGORIES = ("routine", "interpersonal", "analytic", "project", "idle")
QUANTILES = (5, 25, 50, 75, 95)

# Waterfall channel -> (outcome totals, sign): costs enter negated (their effect on profit).
WATERFALL_CHANNELS: dict[str, tuple[tuple[str, ...], int]] = {
    "salaries": (("total_payroll",), -1),
    "severance": (("total_notice_pay", "total_severance", "total_redeployment"), -1),
    "training": (("total_training",), -1),
    "hiring": (("total_hiring",), -1),
    "errors": (("total_errors",), -1),
    "contractors": (("total_contractors",), -1),
    "customer_revenue": (("total_customer_revenue",), 1),
    "cost_of_sales": (("total_cost_of_sales",), -1),
    "new_work": (("total_analysis_margin", "total_project_gains", "total_direct_value"), 1),
    "tool": (("total_tool",), -1),
    "fixed_costs": (("total_fixed_costs",), -1),
}
ZERO_EUR = 0.5  # a channel whose mean difference rounds to zero euros is dropped


def policies(results: Results) -> list[str]:
    """Policies in the order of the comparison (the first is the reference)."""
    return list(results.summary["policies"])


def pairs(results: Results) -> list[tuple[str, str]]:
    """(a, b) of every paired comparison in the summary: each policy against the reference."""
    return [(pair["a"], pair["b"]) for pair in results.summary["paired"]]


def focus_pair(results: Results) -> tuple[str, str] | None:
    """The pair a headline talks about: reinvest vs cost_cutting when both ran, else the first pair."""
    found = pairs(results)
    for a, b in found:
        if (a, b) == ("reinvest", "cost_cutting"):
            return a, b
    return found[0] if found else None


def pair_summary(results: Results, a: str, b: str) -> dict:
    """The summary's paired entry for ``a`` against ``b``; ValueError if the run did not compare them."""
    for pair in results.summary["paired"]:
        if (pair["a"], pair["b"]) == (a, b):
            return pair
    raise ValueError(f"{a} vs {b}: not compared in {results.path}; pairs: {pairs(results)}")


def n_replicates(results: Results) -> int:
    return int(results.summary["replicates"])


def n_months(results: Results) -> int:
    return int(results.monthly["month"].max())


def wide(monthly: pd.DataFrame, policy: str, metric: str) -> np.ndarray:
    """(R, T) array of ``metric`` for ``policy``: one row per replicate, one column per month."""
    frame = monthly.loc[monthly["policy"] == policy, ["replicate", "month", metric]]
    if frame.empty:
        raise ValueError(f"policy {policy!r}: not in the results; policies: {', '.join(monthly['policy'].unique())}")
    order = frame["replicate"].to_numpy() * (frame["month"].max() + 1) + frame["month"].to_numpy()
    if not (order[1:] > order[:-1]).all():
        frame = frame.sort_values(["replicate", "month"])
    n_replicates = frame["replicate"].nunique()
    return frame[metric].to_numpy(dtype=float).reshape(n_replicates, -1)


def bands(values: np.ndarray) -> dict[int, np.ndarray]:
    """Percentiles 5, 25, 50, 75, 95 over replicates of an (R, T) array, each (T,)."""
    return dict(zip(QUANTILES, np.percentile(values, QUANTILES, axis=0)))


LOWER_BAND = 5  # percentile: the lower edge of the 90 % band drawn on the difference panel


@dataclass(frozen=True)
class Lead:
    """Which of two roads is ahead on a cumulative metric, and how surely: the numbers of the crossover title.

    ``leader`` is the road ahead at the horizon in at least half of the paired runs (None when every run ends
    level). ``for_good`` is the first month from which the lower edge of the 90 % band of the paired
    difference (leader - other, the 5th percentile over runs) stays above zero to the horizon, None if it
    never does. ``crossovers`` holds each run's month (1-based) from which the leader stays ahead to the
    horizon (NaN when it is behind at the horizon); ``crossover`` is the month by which half of the runs
    ahead at the horizon have crossed (the inverted-CDF median, a month that exists), ``q25``/``q75`` the
    middle half of those runs.
    """

    leader: str | None
    other: str | None
    months: int
    share_ahead: float
    for_good: int | None
    crossovers: np.ndarray
    crossover: int | None
    q25: int | None
    q75: int | None


def lead(cumulative_a: np.ndarray, cumulative_b: np.ndarray, a: str, b: str) -> Lead:
    """The ``Lead`` of two (R, T) arrays of a cumulative metric on paired runs (``a`` leads on ties)."""
    from experiments.compare import crossover_months

    difference = cumulative_a - cumulative_b
    months = difference.shape[1]
    if np.all(np.abs(difference[:, -1]) < ZERO_EUR):
        return Lead(None, None, months, 0.0, None, np.full(len(difference), np.nan), None, None, None)
    if (difference[:, -1] > 0).mean() < 0.5:
        a, b, difference, cumulative_a, cumulative_b = b, a, -difference, cumulative_b, cumulative_a
    lower = np.percentile(difference, LOWER_BAND, axis=0)
    below = np.nonzero(lower <= 0)[0]
    for_good = None if lower[-1] <= 0 else int(below[-1]) + 2 if len(below) else 1
    crossovers = crossover_months(cumulative_a, cumulative_b)
    crossed = crossovers[~np.isnan(crossovers)]
    q25, median, q75 = (int(q) for q in np.percentile(crossed, [25, 50, 75], method="inverted_cdf"))
    return Lead(a, b, months, len(crossed) / len(crossovers), for_good, crossovers, median, q25, q75)


def pair_lead(results: Results, a: str, b: str, metric: str = "cumulative_profit") -> Lead:
    """The ``Lead`` of ``a`` and ``b`` on a monthly cumulative metric of a saved run."""
    return lead(wide(results.monthly, a, metric), wide(results.monthly, b, metric), a, b)


def paired_difference(results: Results, a: str, b: str, metric: str = "npv") -> np.ndarray:
    """(R,) per-replicate difference ``a - b`` of an outcome (common random numbers pair the replicates)."""
    table = results.outcomes.pivot(index="replicate", columns="policy", values=metric).sort_index()
    return (table[a] - table[b]).to_numpy(dtype=float)


def waterfall(results: Results, a: str, b: str) -> tuple[list[tuple[str, float]], float]:
    """Mean paired difference ``a - b`` of horizon profit by channel, and the total.

    Costs enter with their effect on profit (a higher cost is a negative bar). Channels whose mean
    difference rounds to zero euros are dropped. The total is the undiscounted cumulative profit difference
    and equals the sum of all channels (profit = revenue - costs, every euro in one channel).
    """
    bars = []
    for channel, (columns, sign) in WATERFALL_CHANNELS.items():
        value = sign * sum(paired_difference(results, a, b, column).mean() for column in columns)
        if abs(value) >= ZERO_EUR:
            bars.append((channel, float(value)))
    total = float(paired_difference(results, a, b, "cumulative_profit").mean())
    return bars, total


def waterfall_all_channels(results: Results, a: str, b: str) -> float:
    """Sum of every channel's mean difference, zero bars included (equals the waterfall total)."""
    return float(
        sum(
            sign * paired_difference(results, a, b, column).mean()
            for columns, sign in WATERFALL_CHANNELS.values()
            for column in columns
        )
    )


def tool_start_month(results: Results) -> int:
    """First month (1-based) of the first automation wave; 1 when there is none."""
    waves = results.scenario.automation.waves
    return max(1, min((w.month for w in waves), default=1))


def hours_by_category(results: Results) -> pd.DataFrame:
    """Mean paid hours a month by task category: one row 'before' (months before the tool) and one per policy
    at the horizon (last month). Columns: the categories of ``CATEGORIES``."""
    monthly = results.monthly
    columns = [f"hours_{c}" for c in CATEGORIES]
    start = tool_start_month(results)
    reference = policies(results)[0]
    before_months = monthly["month"] < start if start > 1 else monthly["month"] == 1
    before = monthly.loc[before_months & (monthly["policy"] == reference), columns].mean()
    last = monthly[monthly["month"] == n_months(results)].groupby("policy", sort=False)[columns].mean()
    table = pd.concat([before.to_frame("before").T, last.loc[policies(results)]])
    table.columns = list(CATEGORIES)
    return table


def automated_tasks(results: Results) -> list[tuple[str, float]]:
    """(task id, largest share removed) of every task an automation wave touches, in catalogue order."""
    removed: dict[str, float] = {}
    for wave in results.scenario.automation.waves:
        for task, share in wave.removed_share.items():
            removed[task] = max(removed.get(task, 0.0), share * results.scenario.levers.automation_scale)
    return [(t.id, removed[t.id]) for t in results.scenario.tasks if removed.get(t.id, 0.0) > 0]


def task_label(results: Results, task_id: str, lang: str) -> str:
    for task in results.scenario.tasks:
        if task.id == task_id:
            return getattr(task.label, lang)
    return task_id


def mean_outcome(results: Results, policy: str, metric: str) -> float:
    return float(results.summary["policies"][policy][metric]["mean"])


# --- what drove each paired run ---------------------------------------------------------------------------

DRIVERS = ("reskilling_failed", "reskilled_left", "work_undone", "customers_left")
CUSTOMERS_LEFT_SHARE = 0.05  # of the initial customer base
INDICATORS = ("reskilled_staff", "reskilling_failed_staff", "undone_required_hours", "layoffs", "customers")


@dataclass(frozen=True)
class Drivers:
    """What drove each paired run: ``groups[r]`` indexes ``kinds``, a (driver, road) per rule and road, then
    ``("none", None)`` for the runs no rule explains (see ``classify``)."""

    groups: np.ndarray
    kinds: list[tuple[str, str | None]]

    def present(self) -> list[tuple[str, str | None, np.ndarray]]:
        """(driver, road, mask over runs) of every group that holds at least one run, in rule order."""
        masks = [(kind, self.groups == i) for i, kind in enumerate(self.kinds)]
        return [(driver, road, mask) for (driver, road), mask in masks if mask.any()]


def road_indicators(monthly: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """(R,) indicators of one road from its (R, T) monthly metrics ``INDICATORS``."""
    return {
        "peak_reskilled": monthly["reskilled_staff"].max(1),
        "final_reskilled": monthly["reskilled_staff"][:, -1],
        "peak_failed": monthly["reskilling_failed_staff"].max(1),
        "undone_hours": monthly["undone_required_hours"].sum(1),
        "layoffs": monthly["layoffs"].sum(1),
        "final_customers": monthly["customers"][:, -1],
    }


def classify(
    a: dict[str, np.ndarray], b: dict[str, np.ndarray], names: tuple[str, str], hours_per_month: float,
    initial_customers: float,
) -> Drivers:  # fmt: skip
    """Name what drove each paired run of roads ``names`` = (A, B) from their ``road_indicators``.

    Rules, in this order, road A before road B; a run takes the first that holds for it:

    1. ``reskilling_failed``: on the road, at least one person failed reskilling and no more passed it than
       failed (the most people on staff at once with each outcome);
    2. ``reskilled_left``: the road had reskilled people and at least half of them were gone at the horizon;
    3. ``work_undone``: the road laid people off and left more required work undone than the other road, by
       at least one month of a full-time post (``hours_per_month``) per person it laid off;
    4. ``customers_left``: the road ended with fewer customers than the other, by at least
       ``CUSTOMERS_LEFT_SHARE`` of the initial base.

    Runs that no rule explains are ``none``.
    """
    tests = {
        "reskilling_failed": lambda x, y: (x["peak_failed"] > 0) & (x["peak_failed"] >= x["peak_reskilled"]),
        "reskilled_left": lambda x, y: (x["peak_reskilled"] > 0) & (x["final_reskilled"] <= x["peak_reskilled"] / 2),
        "work_undone": lambda x, y: (
            (x["layoffs"] > 0) & (x["undone_hours"] - y["undone_hours"] >= hours_per_month * x["layoffs"])
        ),
        "customers_left": lambda x, y: (
            y["final_customers"] - x["final_customers"] >= CUSTOMERS_LEFT_SHARE * initial_customers
        ),
    }
    roads = ((names[0], a, b), (names[1], b, a))
    kinds = [(driver, road) for driver in DRIVERS for road, _, _ in roads]
    masks = [tests[driver](x, y) for driver in DRIVERS for _, x, y in roads]
    groups = np.select(masks, np.arange(len(masks)), default=len(masks)) if masks else np.zeros(0, int)
    return Drivers(groups, [*kinds, ("none", None)])


def drivers(results: Results, a: str, b: str) -> Drivers | None:
    """``classify`` on a saved run; None for a run saved before the indicators were recorded."""
    if not set(INDICATORS) <= set(results.monthly.columns):
        return None
    a_values, b_values = ({m: wide(results.monthly, p, m) for m in INDICATORS} for p in (a, b))
    scenario = results.scenario
    return classify(
        road_indicators(a_values), road_indicators(b_values), (a, b), scenario.simulation.hours_per_month,
        scenario.customers.initial,
    )  # fmt: skip
