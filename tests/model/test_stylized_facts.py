"""The stylized facts of brief section 5 on the calibrated scenarios: validation, not tuning targets.

Seeded, with enough replicates that the paired 95 % intervals clear zero where a sign is asserted.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from experiments.compare import run_comparison
from tests.conftest import SCENARIOS, build, scenario_data

CALIBRATED = sorted(p.stem for p in SCENARIOS.glob("*.toml"))


def compare(data: dict, replicates: int, policies=("cost_cutting", "reinvest"), seed: int = 1, **changes):
    return run_comparison(build(data, **changes), list(policies), replicates, seed)


def reinvest_minus_cost_cutting(summary: dict) -> dict:
    return next(p for p in summary["paired"] if p["a"] == "reinvest" and p["b"] == "cost_cutting")


@pytest.mark.parametrize("name", CALIBRATED)
def test_1_without_automation_all_policies_are_identical(name):
    data = scenario_data(name)
    policies = [p["name"] for p in data["policies"]]
    _, outcomes, _ = compare(data, 4, policies, **{"levers.automation_scale": 0.0, "levers.years": 2})
    for policy in policies[1:]:
        for metric, values in outcomes[policies[0]].items():
            np.testing.assert_array_equal(outcomes[policy][metric], values, err_msg=f"{policy} {metric}")


@pytest.mark.parametrize("lever", ["reskilling_success", "new_work_demand_scale"])
@pytest.mark.parametrize("name", CALIBRATED)
def test_2_failed_reskilling_or_no_new_demand_puts_cost_cutting_ahead(name, lever):
    _, _, summary = compare(scenario_data(name), 200, **{f"levers.{lever}": 0.0})
    diff = reinvest_minus_cost_cutting(summary)["cumulative_profit_diff"]
    assert diff["ci95"][1] < 0, diff


@pytest.mark.parametrize("name", CALIBRATED)
def test_3_strong_customer_and_survivor_effects_put_reinvest_ahead_after_a_crossover(name):
    changes = {
        "levers.customer_sensitivity_scale": 2.0,
        "levers.survivor_effect_scale": 2.0,
        "levers.reskilling_success": 0.9,
    }
    _, _, summary = compare(scenario_data(name), 200, **changes)
    pair = reinvest_minus_cost_cutting(summary)
    assert pair["cumulative_profit_diff"]["ci95"][0] > 0
    assert pair["p_a_beats_b"] > 0.5  # ahead in most replicates, not only on average
    assert pair["crossover_month"]["median"] > 1  # reinvest starts behind: training, salaries kept


def test_4_a_one_percent_cut_raises_survivors_quits_by_about_a_third():
    """Trevor & Nyberg (2008): about +31 % voluntary turnover in the year after a 1 % downsizing."""
    data = scenario_data("assistant")
    big = build(data, **{"roles.2.count": 100, "customers.initial": 2000.0, "levers.years": 2})  # 107 people
    monthly, _, _ = run_comparison(big, ["cost_cutting", "reinvest"], 400, 1)
    announced = monthly["cost_cutting"]["layoffs"].argmax(1)

    def quits_next_12_months(policy: str) -> float:
        quits = monthly[policy]["quits"]
        return np.mean([quits[r, m + 1 : m + 13].sum() for r, m in enumerate(announced)])

    ratio = quits_next_12_months("cost_cutting") / quits_next_12_months("reinvest")
    assert 1.15 < ratio < 1.45


def test_5_layoffs_after_a_productivity_gain_erode_part_of_it():
    """Sterman, Repenning & Kofman (1997): the survivor effect eats into what cutting gains over doing nothing."""
    data = copy.deepcopy(scenario_data("assistant"))
    data["policies"].append({"name": "status_quo", "kind": "status_quo"})

    def gain(survivor_scale: float) -> tuple[float, float]:
        _, outcomes, _ = compare(
            data, 200, ("status_quo", "cost_cutting"), **{"levers.survivor_effect_scale": survivor_scale}
        )
        gained = outcomes["cost_cutting"]["cumulative_profit"] - outcomes["status_quo"]["cumulative_profit"]
        return gained.mean(), outcomes["cost_cutting"]["mean_engagement"].mean()

    (without, engaged), (with_effect, shaken) = gain(0.0), gain(1.0)
    assert without > 0 and with_effect < without
    assert shaken < engaged


def test_6_doubling_the_firm_roughly_doubles_its_totals():
    data = scenario_data("assistant")
    doubled = copy.deepcopy(data)
    for role in doubled["roles"]:
        role["count"] *= 2
    doubled["customers"]["initial"] *= 2
    doubled["customers"]["fixed_costs_eur_per_month"] *= 2
    doubled["simulation"]["initial_cash_eur"] *= 2
    for task in doubled["tasks"]:
        if "demand_hours_per_month" in task:
            task["demand_hours_per_month"] *= 2
    for wave in doubled["automation"]["waves"]:
        wave["one_off_cost_eur"] *= 2
        wave["monthly_cost_eur"] *= 2
    _, single, _ = compare(data, 150, seed=2)
    _, double, _ = compare(doubled, 150, seed=2)
    for policy in single:
        for metric in ("value_created", "total_cost", "cumulative_profit", "final_headcount", "layoffs", "quits"):
            if single[policy][metric].mean() > 0:
                assert double[policy][metric].mean() / single[policy][metric].mean() == pytest.approx(2.0, rel=0.1), (
                    policy,
                    metric,
                )


@pytest.mark.parametrize(
    ("lever", "low", "high"),
    [
        ("reskilling_success", 0.2, 0.9),
        ("new_work_demand_scale", 0.25, 1.5),
        ("survivor_effect_scale", 0.0, 2.0),
        ("customer_sensitivity_scale", 0.0, 2.0),
        ("years", 2, 8),
    ],
)
def test_each_lever_moves_the_paired_difference_the_way_the_brief_says(lever, low, high):
    """Raising each lever favours reinvesting over cutting (paired NPV difference, same seeds)."""
    from model import simulate

    key = "reinvest_minus_cost_cutting__npv"
    at = {value: simulate("assistant", seed=3, replicates=150, **{lever: value})[key] for value in (low, high)}
    assert at[high] > at[low]
