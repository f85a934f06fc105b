"""Break-even points, the frontier, sensitivity indices and PRIM boxes: known answers and directions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments import study
from experiments.breakeven import BreakEven, _break_even, _crossings, breakevens
from experiments.discover import find_box
from experiments.frontier import frontier_points, verdict
from experiments.points import run_points
from experiments.sensitivity import sensitivity_points
from model.scenario import ScenarioError
from tests.conftest import build, scenario_data


@pytest.fixture(scope="module")
def short():
    return build(scenario_data("assistant"), **{"levers.years": 2})


def test_crossings_of_a_piecewise_linear_curve():
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    assert _crossings(x, np.array([-2.0, -1.0, 1.0, 3.0, 5.0])) == [(1.5, True)]
    assert _crossings(x, np.array([1.0, 0.0, 0.0, -1.0, -2.0])) == [(1.0, False)]  # zeros between: where they start
    assert _crossings(x, np.array([0.0, 1.0, 2.0, 3.0, 4.0])) == []  # touching zero is not crossing


def test_break_even_interval_comes_from_the_confidence_bounds(short):
    x = np.linspace(0.0, 1.0, 5)
    rng = np.random.default_rng(0)
    noise = rng.standard_normal(200)
    diff = 1000.0 * (x[:, None] - 0.4) + 300.0 * noise[None, :]  # mean crosses at 0.4, CI half-width ~42
    result = _break_even("reskilling_success", 0.0, 1.0, x, diff, short)
    assert result.verdict == "crosses" and result.a_wins_above
    offset = noise.mean() * 300.0 / 1000.0
    assert result.value == pytest.approx(0.4 - offset)
    low, high = result.interval
    assert low < result.value < high and high - low == pytest.approx(2 * 0.0419, rel=0.05)
    flat = _break_even("automation_scale", 0.0, 1.5, x, -np.ones((5, 3)), short)
    assert flat == BreakEven("automation_scale", 0.0, 1.5, None, None, "b_wins_everywhere", None)


def test_a_curved_response_is_refined_to_its_crossing(short, monkeypatch):
    """The mean difference 1000 (x^2 - 0.09) crosses at 0.3, which a straight line between the first grid
    values of [0, 5] (0 and 1.25) puts at 0.06: the refining steps bring the value to the crossing."""
    import experiments.breakeven as module

    noise = np.random.default_rng(1).standard_normal(50)

    class Curve:
        def __init__(self, points):
            x = np.array([p["levers.new_work_demand_scale"] for p in points])
            self.diff = 1000.0 * (x[:, None] ** 2 - 0.09) + 10.0 * noise[None, :]

        def difference(self, a, b):
            return self.diff

    monkeypatch.setattr(module, "run_points", lambda base, points, *args: Curve(points))
    (result,) = breakevens(short, ["new_work_demand_scale"], replicates=50)
    assert result.verdict == "crosses" and result.a_wins_above
    assert result.value == pytest.approx(0.3, abs=0.01)
    assert result.interval[0] <= result.value <= result.interval[1]


def test_break_evens_follow_the_mechanisms(short):
    results = {r.lever: r for r in breakevens(short, ["reskilling_success", "automation_scale"], replicates=30, seed=2)}
    reskilling = results["reskilling_success"]
    assert (reskilling.low, reskilling.high) == (0.0, 1.0)  # the Levers model's bounds
    assert reskilling.verdict == "crosses" and reskilling.a_wins_above  # reskilling that works favours reinvesting
    assert reskilling.interval[0] <= reskilling.value <= reskilling.interval[1]
    at = run_points(short, [{"levers.reskilling_success": v} for v in (0.0, reskilling.value, 1.0)],
                    ["reinvest", "cost_cutting"], 30, 2).difference("reinvest", "cost_cutting").mean(1)  # fmt: skip
    assert abs(at[1]) < min(abs(at[0]), abs(at[2]))  # near zero at the break-even, not at the ends
    assert results["automation_scale"].verdict != "crosses" or results["automation_scale"].value > 0
    with pytest.raises(ScenarioError, match="--lever colour: unknown"):
        breakevens(short, ["colour"], replicates=2)


def test_a_frontier_cell_is_won_only_when_its_interval_excludes_zero(tmp_path, short):
    assert [verdict(lo, hi, "a", "b") for lo, hi in ((1, 2), (-2, -1), (-1, 1))] == ["a", "b", "toss-up"]
    points, design = frontier_points(
        short, "levers.reskilling_success=0:1:3", "levers.customer_sensitivity_scale=0:2:3"
    )
    store = study.start(tmp_path / "f", "frontier", None, short, [], points, design, ["cost_cutting", "reinvest"], 20,
                        4, {"a": "reinvest", "b": "cost_cutting", "metric": "npv"})  # fmt: skip
    cells = study.run(store)["cells"].set_index(["x", "y"])
    assert len(cells) == 9 and set(cells["winner"]) <= {"reinvest", "cost_cutting", "toss-up"}
    assert cells.loc[(1.0, 2.0), "winner"] == "reinvest"  # reskilling works and customers care
    assert cells.loc[(0.0, 0.0), "mean"] < cells.loc[(1.0, 2.0), "mean"]
    assert (cells["ci_low"] <= cells["mean"]).all() and (cells["mean"] <= cells["ci_high"]).all()


def test_a_parameter_without_effect_has_zero_indices(tmp_path):
    """Initial cash moves cash only, never profit or NPV: its Morris effect and Sobol indices are 0 (up to the
    rounding of profit as a change in a larger cash balance)."""
    uncertain = {"simulation.initial_cash_eur": [0.0, 1e6], "levers.reskilling_success": [0.2, 0.9]}
    scenario = build(scenario_data("assistant"), uncertain=uncertain, **{"levers.years": 2})
    options = {"a": "reinvest", "b": "cost_cutting", "metric": "npv"}
    for method, samples in (("morris", 4), ("sobol", 8)):
        points, design = sensitivity_points(scenario, method, samples, seed=1)
        store = study.start(tmp_path / method, "sensitivity", None, scenario, [], points, design,
                            ["cost_cutting", "reinvest"], 6, 1, options)  # fmt: skip
        indices = study.run(store)["indices"].set_index("parameter")
        first = "mu_star" if method == "morris" else "ST"
        assert indices.loc["reskilling_success", first] > 0.0
        assert (
            abs(indices.loc["simulation__initial_cash_eur", first])
            < 1e-9 * indices.loc["reskilling_success", first] + 1e-6
        )
    assert len(sensitivity_points(scenario, "sobol", 16, 1)[0]) == 16 * (2 + 2)  # N (D + 2)
    assert len(sensitivity_points(scenario, "sobol", 16, 1, second_order=True)[0]) == 16 * (2 * 2 + 2)
    with pytest.raises(ScenarioError, match="power of two"):
        sensitivity_points(scenario, "sobol", 12, seed=1)


def test_prim_finds_the_region_where_a_road_wins():
    rng = np.random.default_rng(3)
    x = pd.DataFrame({"reskilling_success": rng.uniform(0, 1, 2000), "noise": rng.uniform(0, 1, 2000)})
    wins = (x["reskilling_success"] > 0.6).to_numpy() & (rng.uniform(size=2000) < 0.95)
    box = find_box(x, wins, "reinvest", "cost_cutting")
    # the largest box with density 0.8: 0.95 (1 - 0.6) / (1 - low) = 0.8, so low = 0.525 (peeled in 5 % steps)
    assert list(box.limits) == ["reskilling_success"]
    assert box.limits["reskilling_success"][0] == pytest.approx(0.525, abs=0.025)
    assert box.density >= 0.8 and box.coverage > 0.95
    low = box.limits["reskilling_success"][0]
    assert box.describe() == f"reinvest wins in {100 * box.density:.0f} % of runs when reskilling_success > {low:.3g}"
    everywhere = find_box(x, np.ones(2000, bool), "reinvest", "cost_cutting")
    assert everywhere.describe() == "reinvest wins in 100 % of runs anywhere"
    assert find_box(x, np.zeros(2000, bool), "reinvest", "cost_cutting") is None
