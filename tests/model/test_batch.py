"""Many parameter points in one batch of the engine: a point gives the numbers it gives alone, every point uses
the same random numbers, and points that change the arrays' shapes are refused."""

from __future__ import annotations

import numpy as np
import pytest

from model.batch import PointsDoNotBatch, batchable, shape_key
from model.firm import build_batch, policy_steps, run_points, run_policies
from model.policies import make_policy
from model.scenario import load_scenario
from model.state import draws_for
from tests.conftest import SCENARIOS, seeds

SHORT = {"levers.years": 2}

# each point moves many batchable values at once, so that a mechanism reading another point's value shows
ASSISTANT_POINTS = [
    {},
    {
        "levers.automation_scale": 0.6, "levers.reskilling_success": 0.4, "levers.new_work_demand_scale": 1.8,
        "levers.survivor_effect_scale": 2.0, "levers.customer_sensitivity_scale": 2.5, "levers.discount_rate": 0.15,
        "simulation.initial_cash_eur": 0.0,
    },
    {
        "customers.initial": 350.0, "customers.revenue_eur_per_customer_month": 600.0, "customers.gross_margin": 0.5,
        "customers.base_churn_per_month": 0.03, "customers.acquisition_per_month": 6.0,
        "customers.quality_elasticity": 1.0, "customers.contact_loss_churn": 0.8, "customers.backlog_churn": 2.0,
        "customers.contact_memory_half_life_months": 3.0, "customers.staffing_slack": 0.1,
        "customers.project_hours": 200.0, "customers.project_gain_eur": 50000.0, "customers.fixed_costs_eur_per_month": 1e4,
        "customers.billable_revenue_share": 0.6, "customers.analysis_margin_max": 0.05,
        "customers.error_cost_eur_per_hour": 80.0,
        "engagement.initial_mean": 0.6, "engagement.initial_sd": 0.12, "engagement.reference": 0.65,
        "engagement.relaxation_months": 3.0, "engagement.productivity_slope": 0.4, "engagement.workload_weight": 0.9,
        "engagement.idle_weight": 0.5, "engagement.routine_weight": 0.3, "engagement.growth_bonus": 0.1,
        "engagement.failure_penalty": 0.3, "engagement.survivor_shock": 0.4, "engagement.survivor_exponent": 0.5,
        "engagement.survivor_half_life_months": 8.0, "engagement.survivor_productivity_weight": 0.5,
        "engagement.best_performers_first": 1.0,
    },
    {
        "turnover.annual_quit_rate": 0.2, "turnover.engagement_beta": 5.0, "turnover.market_tightness": 1.5,
        "labour_market.time_to_fill_months": 3.0, "labour_market.hiring_cost_share": 0.2,
        "labour_market.contractor_price_multiple": 2.5,
        "learning.skill_half_life_unused_months": 6.0, "learning.skill_after_training": 0.5,
        "learning.skill_after_handover": 0.8, "learning.aptitude_slope": 1.5, "learning.practice_aptitude_slope": 0.6,
        "jurisdiction.preset": "at_will",
    },
    {
        "automation.waves.0.month": 1, "automation.waves.0.removed_share.invoice_entry": 0.5,
        "automation.waves.0.adoption": "bass", "automation.waves.0.learning_dip": 0.3,
        "automation.waves.0.augmentation": {"account_management": 1.3}, "automation.waves.0.augmentation_by_skill": True,
        "automation.waves.0.one_off_cost_eur": 50000.0, "automation.waves.0.monthly_cost_eur": 2000.0,
        "policies.reinvest.training_months": 1.0, "policies.reinvest.training_cost_eur": 500.0,
        "policies.reinvest.on_failure": "lay_off", "policies.reinvest.saturation": 0.5,
        "policies.cost_cutting.targeting": "lowest_performer", "policies.cost_cutting.exit_route": "mutual_agreement",
        "tasks.prospecting.demand_hours_per_month": 500.0, "tasks.account_management.learning_months": 2.0,
        "tasks.development_projects.demand_hours_per_month": 120.0, "tasks.invoice_entry.automatable_share": 0.6,
    },
]  # fmt: skip
BACK_OFFICE_POINTS = [
    {},
    {"levers.automation_scale": 1.3, "levers.customer_sensitivity_scale": 0.3, "customers.backlog_churn": 0.5},
    {
        "automation.waves.1.removed_share.collections": 0.2, "automation.waves.2.month": 6,
        "policies.hybrid.reinvest_share": 0.8, "policies.attrition.min_fte_to_cut": 0.3,
        "policies.cost_cutting.cut": "reduced_hours", "jurisdiction.notice_months": 3.0,
        "engagement.survivor_shock": 0.5, "turnover.market_tightness": 0.8,
    },
    {"levers.reskilling_success": 0.2, "levers.new_work_demand_scale": 0.3, "labour_market.time_to_fill_months": 1.0},
]  # fmt: skip


def points_of(name: str, changes: list[dict]) -> list:
    return [load_scenario(SCENARIOS / f"{name}.toml", {**SHORT, **change}) for change in changes]


def assert_same_numbers(a: dict, b: dict) -> None:
    for policy in a:
        for metric, values in a[policy].items():
            np.testing.assert_array_equal(b[policy][metric], values, err_msg=f"{policy} {metric}")


@pytest.mark.parametrize(
    ("name", "changes", "policies"),
    [
        ("assistant", ASSISTANT_POINTS, ["cost_cutting", "reinvest"]),
        ("back_office", BACK_OFFICE_POINTS, ["cost_cutting", "reinvest", "hybrid", "attrition"]),
    ],
)
def test_a_point_in_a_batch_gives_the_numbers_it_gives_alone(name, changes, policies):
    points = points_of(name, changes)
    replicates = seeds(4)
    batch = run_points(points, policies, replicates)
    assert len(batch) == len(points)
    npv = []
    for point, result in zip(points, batch):
        assert_same_numbers(run_policies(point, policies, replicates), result)
        npv.append(result[policies[0]]["npv_to_date"][:, -1].mean())
    assert len(set(npv)) == len(points)  # the points do differ: the test compares different firms


def test_every_point_and_policy_uses_the_same_random_numbers():
    """Points that differ only in what the engine does not read give identical rows; blocks start from the same
    initial staff, and a policy's numbers are the same wherever its block sits in the batch."""
    a, b = points_of("assistant", [{}, {"simulation.seed": 1, "meta.name": "renamed"}])
    same = run_points([a, b], ["cost_cutting", "reinvest"], seeds(3))
    assert_same_numbers(same[0], same[1])
    reordered = run_points([b, a], ["reinvest", "cost_cutting"], seeds(3))
    assert_same_numbers(same[0], reordered[1])
    policies = [[make_policy(p, name) for name in ("cost_cutting", "reinvest")] for p in (a, b)]
    firm = build_batch([a, b], policies, draws_for(a, seeds(3)))
    for point in range(2):
        for policy in range(2):
            block = firm.block(point, policy)
            np.testing.assert_array_equal(firm.aptitude[block], firm.aptitude[:3])
            np.testing.assert_array_equal(firm.tenure[block], firm.tenure[:3])


def test_each_block_carries_its_own_points_scenario_and_rules():
    points = points_of("assistant", [{}, {"jurisdiction.preset": "at_will", "levers.reskilling_success": 0.3}])
    policies = [[make_policy(p, name) for name in ("cost_cutting", "reinvest")] for p in points]
    firm = build_batch(points, policies, draws_for(points[0], seeds(2)))
    view = firm.rows(firm.block(1, 0))
    assert view.scenario is points[1] and view.scenario.levers.reskilling_success == 0.3
    assert view.rules["notice_months"] == 0.0 and firm.rows(firm.block(0, 1)).rules["notice_months"] == 2.0
    np.testing.assert_array_equal(firm.row_point, [0, 0, 1, 1, 0, 0, 1, 1])  # policy by policy, point by point
    # a mechanism over all rows reads each row's point: the at-will payroll has lower employer contributions
    np.testing.assert_allclose(firm.rule("employer_contribution_rate"), [0.3, 0.3, 0.1, 0.1] * 2)
    several = firm.rows(firm.policy_block(0))  # cost_cutting at both points
    np.testing.assert_array_equal(several.rule("notice_months"), [2.0, 2.0, 0.0, 0.0])
    with pytest.raises(AttributeError, match="rows of several parameter points"):
        several.scenario.levers  # noqa: B018


def test_a_policy_runs_once_over_the_points_that_share_its_parameters():
    """Policy j of consecutive points with equal parameters is one object over all their rows; a point whose
    parameters differ, or a class that does not say it handles several points, gets its own block."""
    points = points_of("assistant", [{}, {"levers.reskilling_success": 0.3}, {"policies.reinvest.saturation": 0.5},
                                     {"customers.initial": 300.0}])  # fmt: skip
    policies = [[make_policy(p, name) for name in ("cost_cutting", "reinvest")] for p in points]
    firm = build_batch(points, policies, draws_for(points[0], seeds(2)))
    steps = policy_steps(firm, policies)
    assert steps[0][0] is policies[0][0] and steps[0][1] == slice(0, 8)  # cost_cutting: every point
    assert [block for _, block in steps[1:]] == [slice(8, 12), slice(12, 14), slice(14, 16)]  # 0-1, 2, 3

    class Custom(type(policies[0][0])):  # a subclass must opt in itself
        pass

    custom = [[Custom("cost_cutting", row[0].params)] for row in policies]
    firm = build_batch(points, custom, draws_for(points[0], seeds(2)))
    assert [block for _, block in policy_steps(firm, custom)] == [firm.block(p, 0) for p in range(4)]


def test_points_that_change_the_shape_are_refused_with_the_key_that_differs():
    base, longer, bigger = points_of("assistant", [{}, {"levers.years": 3}, {"roles.consultant.count": 14}])
    for other, key in ((longer, "levers.years"), (bigger, "roles.2.count")):
        with pytest.raises(PointsDoNotBatch, match=rf"point 1 differs from point 0 in {key}"):
            run_points([base, other], ["reinvest"], seeds(2))
        assert shape_key(other) != shape_key(base)


def test_batchable_keys():
    for key in (
        "levers.reskilling_success", "levers.automation_scale", "customers.base_churn_per_month",
        "engagement.survivor_shock", "turnover.market_tightness", "labour_market.time_to_fill_months",
        "learning.skill_after_training", "jurisdiction.preset", "automation.waves.0.removed_share.invoice_entry",
        "policies.reinvest.training_months", "tasks.prospecting.demand_hours_per_month",
        "tasks.invoice_entry.automatable_share", "simulation.initial_cash_eur", "meta.name", "roles.sales.label.en",
    ):  # fmt: skip
        assert batchable(key), key
    for key in (
        "levers.years", "simulation.hours_per_month", "roles.sales.count", "roles.sales.salary_eur_per_year",
        "roles.sales.hours.prospecting", "tasks.prospecting.channel", "tasks.prospecting.id", "tasks", "levers",
    ):  # fmt: skip
        assert not batchable(key), key


def test_shape_key_groups_points_that_can_share_a_batch():
    keys = [shape_key(p) for p in points_of("assistant", ASSISTANT_POINTS)]
    assert len(set(keys)) == 1
    other = points_of("back_office", [{}])[0]
    assert shape_key(other) != keys[0]
    hash(keys[0])
