"""Monthly indicators that explain a paired difference: reskilling outcomes and required work left undone."""

from __future__ import annotations

import numpy as np

from model.firm import run_policy
from model.outcomes import outcomes
from tests.conftest import build, seeds, tiny_firm

TOOL = {"automation.waves": [{"month": 0, "removed_share": {"entry": 1.0}, "ramp_months": 1}]}


def test_reskilling_outcomes_follow_the_success_lever():
    for success, reskilled, failed in ((1.0, 1.0, 0.0), (0.0, 0.0, 1.0)):
        scenario = build(tiny_firm(**TOOL), **{"levers.reskilling_success": success})
        monthly = run_policy(scenario, "reinvest", seeds(3))
        result = outcomes(monthly, scenario.headcount)
        np.testing.assert_array_equal(result["peak_reskilled_staff"], reskilled)  # the freed clerk, trained once
        np.testing.assert_array_equal(result["peak_reskilling_failed_staff"], failed)
        assert (monthly["reskilled_staff"] + monthly["reskilling_failed_staff"] <= monthly["headcount"]).all()
    cutting = outcomes(run_policy(scenario, "cost_cutting", seeds(3)), scenario.headcount)
    assert not cutting["peak_reskilled_staff"].any() and not cutting["peak_reskilling_failed_staff"].any()


def test_undone_required_hours_are_the_uncovered_share_of_the_required_hours():
    calm = build(tiny_firm())  # no tool: cost_cutting has nothing to cut
    np.testing.assert_allclose(run_policy(calm, "cost_cutting", seeds(3))["undone_required_hours"], 0.0, atol=1e-9)
    stormy = build(tiny_firm(**{"turnover.annual_quit_rate": 0.9}))  # vacancies leave the entry work undone
    monthly = run_policy(stormy, "cost_cutting", seeds(8))
    undone, share = monthly["undone_required_hours"], monthly["uncovered_share"]
    assert (undone > 0).any()
    # customers never move in the tiny firm (no churn, no acquisition): the required hours are the same every month
    required = undone[share > 0] / share[share > 0]
    np.testing.assert_allclose(required, required[0], rtol=1e-9)
    assert (undone[share == 0] == 0).all()
