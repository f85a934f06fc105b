"""Invariants checked every month, under every policy and at the edges of the levers."""

from __future__ import annotations

import numpy as np
import pytest

from model.firm import build_firm, run_month
from model.policies import make_policy
from model.state import VACANT, draws_for
from tests.conftest import build, scenario_data, seeds

ALL_POLICIES = [
    {"name": "cost_cutting", "kind": "cost_cutting", "targeting": "lowest_performer"},
    {"name": "reinvest", "kind": "reinvest", "targets": {"customer_follow_up": 1.0}, "on_failure": "lay_off"},
    {"name": "hybrid", "kind": "hybrid", "targets": {"commercial_analysis": 1.0}, "reinvest_share": 0.5},
    {"name": "attrition", "kind": "attrition"},
    {"name": "status_quo", "kind": "status_quo"},
]
EDGES = [
    {},
    {"levers.automation_scale": 1.5, "levers.reskilling_success": 0.0, "levers.survivor_effect_scale": 5.0},
    {"levers.new_work_demand_scale": 0.0, "levers.customer_sensitivity_scale": 5.0, "turnover.market_tightness": 3.0},
    {"jurisdiction.preset": "at_will", "labour_market.time_to_fill_months": 6.0, "levers.years": 3},
]


def check_month(firm) -> None:
    rows = firm.hours.sum(-1) + firm.idle
    posts = firm.occupied | firm.vacancy
    np.testing.assert_allclose(rows[posts], firm.fte[posts], atol=1e-9)  # hours fill every live post's contract
    assert np.all((np.abs(rows - firm.fte) < 1e-9) | (rows == 0.0))  # closed posts hold nothing
    assert np.all(firm.hours >= -1e-12) and np.all(firm.idle >= -1e-12)
    assert np.all((firm.lent >= -1e-12) & (firm.lent <= firm.hours + 1e-12))  # no more lent than is there
    assert np.all(firm.occupied.sum(1) >= 0) and not np.any(firm.vacancy & (firm.status != VACANT))
    for name in ("skill", "engagement", "engagement_effective"):
        values = getattr(firm, name)
        assert np.all((values >= 0) & (values <= 1)), name
    assert np.all(firm.customers >= 0)
    for value in vars(firm).values():
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            assert np.isfinite(value).all()


@pytest.mark.parametrize("edge", EDGES, ids=["defaults", "harsh", "no_demand", "at_will"])
def test_invariants_hold_every_month_for_every_policy(edge):
    """All five policies stepped together, each on its own block of rows (as the replicate runner does)."""
    scenario = build(scenario_data("assistant"), policies=ALL_POLICIES, **edge)
    policies = [make_policy(scenario, p["name"]) for p in ALL_POLICIES]
    firm = build_firm(scenario, policies, draws_for(scenario, seeds(16)))
    blocks = [slice(16 * i, 16 * (i + 1)) for i in range(len(policies))]
    for month in range(firm.n_months):
        firm.month = month
        run_month(firm, list(zip(policies, blocks)))
        firm.ledger.close_month()  # raises if profit differs from revenue - costs
        check_month(firm)


def test_a_policy_cannot_replace_shared_arrays():
    scenario = build(scenario_data("assistant"), policies=ALL_POLICIES)
    policies = [make_policy(scenario, name) for name in ("status_quo", "cost_cutting")]
    firm = build_firm(scenario, policies, draws_for(scenario, seeds(4)))
    view = firm.rows(slice(0, 4))
    view.hours[0, 0, 0] = 0.25  # in place: seen by the whole firm
    assert firm.hours[0, 0, 0] == 0.25
    with pytest.raises(AttributeError, match="in place"):
        view.hours = view.hours * 0
    with pytest.raises(AttributeError, match="in place"):  # nor may the firm, once a view shares its arrays
        firm.customers = firm.customers + 1.0


def test_a_view_is_made_once_per_block_and_follows_the_month():
    scenario = build(scenario_data("assistant"), policies=ALL_POLICIES)
    policies = [make_policy(scenario, name) for name in ("status_quo", "cost_cutting")]
    firm = build_firm(scenario, policies, draws_for(scenario, seeds(4)))
    view = firm.rows(slice(4, 8))
    assert firm.rows(slice(4, 8)) is view
    firm.month = 7
    assert view.month == 7
    np.testing.assert_array_equal(view.drawn("quit"), firm.drawn("quit")[4:8])
