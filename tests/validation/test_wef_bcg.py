"""WEF/BCG (2019): firms alone could reskill about 25 % of US at-risk workers at a positive cost-benefit balance.

The light version of ``experiments.validation.wef_bcg`` (docs/validation.md: 5 training costs x 5 durations, 100
replicates a cell): 3 x 3 cells at the grid's ends and middle, 20 replicates. Tolerance of the match: 40 % of the
published share (10 points). The model's share is far outside it whatever the grid (docs), so the light grid
decides the same way.
"""

from __future__ import annotations

import pytest

from experiments.validation import PUBLISHED, RELATIVE_TOLERANCE, wef_bcg

PUBLISHED_SHARE = PUBLISHED["wef_bcg"]["share_reskillable_at_profit"]


@pytest.fixture(scope="module")
def case() -> dict:
    return wef_bcg(training_costs_eur=(1500.0, 6000.0, 24000.0), training_months=(1.5, 6.0, 24.0), replicates=20)


@pytest.mark.xfail(strict=True, reason="documented miss (docs/validation.md): the share hangs on the firm")
def test_about_a_quarter_of_at_risk_workers_are_reskillable_at_a_profit(case):
    assert case["share_reskillable_at_profit"] == pytest.approx(PUBLISHED_SHARE, rel=RELATIVE_TOLERANCE)


def test_the_share_hangs_on_the_firm(case):
    """Why the single figure misses: in the accounting firm no cost cell pays, in the contact centre most do."""
    assert case["by_scenario"]["back_office"] == 0.0
    assert case["by_scenario"]["customer_service"] > 0.5


def test_dearer_training_never_helps_reinvesting(case):
    """Training cost is a booking with no effect on what people do: on common random numbers, raising it lowers
    reinvest's NPV advantage by the trainings times the extra cost, discounted."""
    for cell in case["cells"]:
        dearer = [
            c
            for c in case["cells"]
            if (c["scenario"], c["training_months"]) == (cell["scenario"], cell["training_months"])
            and c["training_cost_eur"] > cell["training_cost_eur"]
        ]
        assert all(c["npv_diff"]["mean"] < cell["npv_diff"]["mean"] for c in dearer)
