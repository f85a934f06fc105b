"""Known answers computed by hand on a tiny deterministic firm (no quits, no churn, no acquisition)."""

from __future__ import annotations

import numpy as np
import pytest

from model.firm import FirmModel, run_policy
from model.scenario import validate_data
from tests.conftest import seeds, tiny_firm

REVENUE = 100 * 500.0  # customers x revenue per customer
COST_OF_SALES = REVENUE * (1 - 0.6)
FIXED = 1000.0
CLERK, REP = 2000.0, 3000.0  # monthly gross salaries


def run(data: dict, policy: str = "cost_cutting", n: int = 3) -> dict[str, np.ndarray]:
    return run_policy(validate_data(data, "tiny"), policy, seeds(n))


def automated(**more) -> dict:
    """The clerk's only task is fully automated in month 1 (index 0), the tool costs 1200 once."""
    wave = {"month": 0, "removed_share": {"entry": 1.0}, "ramp_months": 1, "one_off_cost_eur": 1200.0}
    return tiny_firm(**{"automation.waves": [wave], **more})


@pytest.mark.parametrize("policy", ["cost_cutting", "reinvest"])
def test_no_automation_profit_is_revenue_minus_costs_by_hand(policy):
    out = run(tiny_firm(), policy)
    payroll = (CLERK + REP) * 1.10  # at-will employer contributions 10 %
    monthly_profit = REVENUE - COST_OF_SALES - FIXED - payroll
    assert monthly_profit == 23_500.0
    np.testing.assert_allclose(out["profit"], monthly_profit)
    np.testing.assert_allclose(out["cumulative_profit"][:, -1], 12 * monthly_profit)
    np.testing.assert_allclose(out["cash"][:, -1], 1000.0 + 12 * monthly_profit)
    np.testing.assert_allclose(out["customers"], 100.0)
    np.testing.assert_allclose(out["headcount"], 2)


def test_npv_discounts_each_month_end():
    out = run(tiny_firm(**{"levers.discount_rate": 0.10}))
    expected = sum(23_500.0 * 1.10 ** (-(t + 1) / 12) for t in range(12))
    np.testing.assert_allclose(out["npv_to_date"][:, -1], expected)


def test_at_will_layoff_costs_by_hand():
    """Month 1: the clerk is freed, laid off and paid for the month; no notice, no severance: gone in month 2."""
    out = run(automated())
    np.testing.assert_array_equal(out["layoffs"].sum(1), 1)
    np.testing.assert_allclose(out["payroll"].sum(1), (CLERK + REP) * 1.1 + 11 * REP * 1.1)
    np.testing.assert_allclose(out["notice_pay"].sum(1), 0.0)
    np.testing.assert_allclose(out["severance"].sum(1), 0.0)
    np.testing.assert_allclose(out["tool"].sum(1), 1200.0)
    np.testing.assert_allclose(out["headcount"][:, [0, 1, 2]], [[2, 1, 1]] * 3)
    expected = 12 * (REVENUE - COST_OF_SALES - FIXED) - 1.1 * (CLERK + REP + 11 * REP) - 1200.0
    np.testing.assert_allclose(out["cumulative_profit"][:, -1], expected)


def test_french_layoff_redeployment_notice_and_severance_by_hand():
    """France: 2 months of redeployment attempt (1500 EUR), 2 months of notice after two years of service (both
    worked and paid), then severance of 1/4 month of pay per year of service (1/3 beyond ten years)."""
    data = automated(**{"jurisdiction.preset": "france"})
    model = FirmModel(validate_data(data, "tiny"), policy="cost_cutting", rng=3)
    model.firm.tenure[0, 0] = 150.0  # 12.5 years
    tenure_at_exit = 150.0 + 4  # four months on the books before leaving
    years = tenure_at_exit / 12
    severance = CLERK * (0.25 * min(years, 10) + (1 / 3) * max(years - 10, 0))
    model.run_for(12)
    m = model.monthly()
    loaded = 1.30  # French employer contributions
    np.testing.assert_allclose(m["redeployment"].sum(), 1500.0)
    np.testing.assert_allclose(m["payroll"][:2], (CLERK + REP) * loaded)
    np.testing.assert_allclose(m["notice_pay"][[2, 3]], CLERK * loaded)
    np.testing.assert_allclose(m["severance"].sum(), severance)
    np.testing.assert_allclose(m["headcount"][[3, 4]], [2, 1])


def test_reinvest_with_certain_success_moves_freed_hours_to_target_after_training():
    data = automated(**{"levers.reskilling_success": 1.0})
    model = FirmModel(validate_data(data, "tiny"), policy="reinvest", rng=1)
    model.run_for(2)
    clerk = next(e for e in model.employees if e.role == "clerk")
    assert clerk.status == "training" and clerk.hours_per_month == {"idle": 150.0}
    model.run_for(3)  # three months of training end at the start of month 4
    assert clerk.status == "working"
    assert clerk.hours_per_month == pytest.approx({"follow_up": 150.0})
    assert clerk.skill["follow_up"] >= 0.3  # the post-training skill, then practice
    np.testing.assert_allclose(model.monthly()["training"].sum(), 3000.0)
