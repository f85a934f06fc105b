"""The mechanisms of a fair fight, each in isolation with a known answer: a competent manager (waiting for the
tool, cutting what was freed, exit routes, buying back undone work), revenue that needs delivered work, tool
adoption as people live it, and the defects fixed (ties, notice at notification, hires do not quit at once)."""

from __future__ import annotations

import numpy as np
import pytest

from model import actions
from model.firm import FirmModel, build_firm, contract_price, run_policies
from model.policies import make_policy
from model.scenario import JURISDICTION_PRESETS, validate_data
from model.state import WORKING, draws_for, pick
from model.tasks import adoption_curve, build_schedule
from model.workforce import effective_hours, resign, update_engagement
from tests.conftest import build, seeds, tiny_firm

CLERK, REP = 2000.0, 3000.0  # monthly gross salaries of the tiny firm
FRANCE = JURISDICTION_PRESETS["france"]


def firm_of(data: dict, policy: str = "cost_cutting", n: int = 4):
    scenario = validate_data(data, "tiny")
    policy_object = make_policy(scenario, policy)
    return build_firm(scenario, [policy_object], draws_for(scenario, seeds(n))), policy_object


def wave(**more) -> dict:
    return {"month": 0, "removed_share": {"entry": 1.0}, "ramp_months": 1, **more}


def with_status_quo(data: dict) -> dict:
    data["policies"].append({"name": "status_quo", "kind": "status_quo"})
    return data


# -- adoption as people live it ------------------------------------------------------------------------------


def test_bass_adoption_follows_the_closed_form():
    scenario = build(tiny_firm(**{"automation.waves": [wave(month=2, adoption="bass", bass_p=0.03, bass_q=0.4)]}))
    adopted = adoption_curve(scenario.automation.waves[0], 36)
    t = np.arange(1, 37) - 2.0
    decay = np.exp(-0.43 * t.clip(0))
    np.testing.assert_allclose(adopted[1:], (1 - decay) / (1 + 0.4 / 0.03 * decay))
    assert adopted[:3].max() == 0.0 and np.all(np.diff(adopted) >= 0) and adopted[-1] > 0.99
    assert adopted[8] == pytest.approx(0.4597, abs=1e-4)  # six months in: S-shaped, slower than a 6-month ramp


def test_learning_dip_lowers_the_tools_tasks_while_people_learn_it():
    data = tiny_firm(**{"automation.waves": [wave(removed_share={"entry": 0.5}, learning_dip=0.2)]})
    schedule = build_schedule(validate_data(data, "t"), 6)
    np.testing.assert_allclose(schedule.augmentation[:, 0], [0.8, 0.8, 0.8, 1.0, 1.0, 1.0])  # 3 months of dip
    np.testing.assert_allclose(schedule.augmentation[:, 1], 1.0)  # a task the tool does not touch


def test_skill_dependent_augmentation_helps_novices_most_and_experts_not_at_all():
    uplift = {"augmentation": {"care": 1.2}, "augmentation_by_skill": True, "augmentation_reference_skill": 0.5}
    data = tiny_firm(**{"automation.waves": [wave(removed_share={}, **uplift)]})
    firm, _ = firm_of(data)
    firm.engagement_at_work[:] = firm.scenario.engagement.reference
    expert = effective_hours(firm)[:, 1]
    np.testing.assert_allclose(expert, 150.0)  # skill 1, fully ramped: no gain
    firm.skill[:, 1, 1] = 0.0  # a novice: 150 x 0.5 (1 + 0) x (1 + 0.2 x 1 / 0.5)
    np.testing.assert_allclose(effective_hours(firm)[:, 1], 150.0 * 0.5 * 1.4)
    firm.skill[:, 1, 1] = 0.5  # at the reference skill the gain is the wave's factor
    np.testing.assert_allclose(effective_hours(firm)[:, 1], 150.0 * 0.75 * 1.2)


def test_the_automation_lever_never_removes_more_than_a_task_allows():
    data = tiny_firm(**{"automation.waves": [wave(removed_share={"entry": 0.8})], "tasks.0.automatable_share": 0.9})
    scenario = build(data, **{"levers.automation_scale": 1.5})  # 0.8 x 1.5 = 1.2 asked for
    assert build_schedule(scenario, 3).automated[-1, 0] == pytest.approx(0.9)


# -- a competent cost-cutter -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("threshold", "month"), [(0.9, 5), (0.7, 4), (0.0, 2)])
def test_cost_cutter_waits_until_the_tool_has_reached_its_share_of_adoption(threshold, month):
    """A 6-month linear ramp from month 0 has adopted (t + 1) / 6 by the end of month t; without waiting, the
    post is cut once half of it is freed (month 2, ``min_fte_to_cut`` 0.5)."""
    data = tiny_firm(**{"automation.waves": [wave(ramp_months=6)], "policies.0.adoption_before_cut": threshold})
    out = run_policies(validate_data(data, "t"), ["cost_cutting"], seeds(2))["cost_cutting"]
    assert np.all(out["layoffs"].argmax(1) == month) and np.all(out["layoffs"].sum(1) == 1)


def test_reduced_hours_cut_only_the_idle_time_down_to_the_legal_minimum_part_time():
    removed = {"automation.waves": [wave(removed_share={"entry": 0.6})], "policies.0.cut": "reduced_hours"}
    for preset, kept in (("at_will", 0.4), ("france", 1.0 - min(0.6, 1.0 - 24 / 35))):
        model = FirmModel(validate_data(tiny_firm(**removed, **{"jurisdiction.preset": preset}), "t"), "cost_cutting")
        model.run_for(2)
        assert model.firm.fte[0, 0] == pytest.approx(kept)
        assert model.firm.idle[0, 0] == pytest.approx(kept - 0.4)  # what the tool freed beyond the reduction
        loaded = 1.0 + JURISDICTION_PRESETS[preset]["employer_contribution_rate"]
        assert model.monthly()["payroll"][1] == pytest.approx((CLERK * kept + REP) * loaded)
        assert model.monthly()["layoffs"].sum() == 0


def test_mutual_agreement_skips_redeployment_and_notice_and_pays_the_premium_with_its_contribution():
    data = tiny_firm(
        **{"automation.waves": [wave()], "jurisdiction.preset": "france", "policies.0.exit_route": "mutual_agreement"}
    )
    model = FirmModel(validate_data(data, "t"), "cost_cutting", rng=3)
    model.firm.tenure[0, 0] = 60.0  # five years at the signature, one month before the exit
    model.run_for(4)
    m = model.monthly()
    legal = CLERK * 0.25 * (61.0 / 12)
    assert m["severance"].sum() == pytest.approx((legal + 1.0 * CLERK) * 1.30)
    assert m["redeployment"].sum() == 0.0
    np.testing.assert_allclose(m["notice_pay"], [CLERK * 1.30, 0, 0, 0])  # the approval month, worked
    np.testing.assert_allclose(m["headcount"], [2, 1, 1, 1])


def test_notice_is_fixed_by_the_service_at_notification():
    """22 months of service at notification: one month of notice (L1234-1), although the two months of
    redeployment take the person past two years."""
    data = tiny_firm(**{"automation.waves": [wave()], "jurisdiction.preset": "france"})
    model = FirmModel(validate_data(data, "t"), "cost_cutting", rng=3)
    model.firm.tenure[0, 0] = 22.0
    model.run_for(6)
    m = model.monthly()
    np.testing.assert_allclose(m["notice_pay"], [0, 0, CLERK * 1.3, 0, 0, 0])
    np.testing.assert_allclose(m["headcount"][:4], [2, 2, 2, 1])


def test_undone_required_work_is_bought_back_after_the_managers_wait():
    """The clerk's post is cut though a fifth of its work remains: the rep, squeezed, leaves required entry
    undone; after two months over the tolerance the manager buys the gap, at 1.6 x the clerk's loaded wage."""
    data = tiny_firm(**{"automation.waves": [wave(removed_share={"entry": 0.8})]})
    model = FirmModel(validate_data(data, "t"), "cost_cutting", rng=1)
    model.run_for(8)
    m = model.monthly()
    assert m["layoffs"].sum() == 1 and m["uncovered_share"][1] > 0.05
    assert m["contracted_hours"][:3].max() == 0.0 and m["contracted_hours"][3] > 0  # months 1 and 2 undone
    assert m["uncovered_share"][-1] < 1e-3  # the controller closes the gap
    price = contract_price(model.firm)
    assert price[0] == pytest.approx(1.6 * CLERK * 1.10 / 150.0)
    np.testing.assert_allclose(m["contractors"], m["contracted_hours"] * price[0])


def test_with_side_effects_off_cutting_gains_the_spreadsheet_roi():
    """France, a post fully freed in month 0, no quits, no customer or survivor effects: cost_cutting beats
    status_quo by the loaded salary of the months after the exit, minus severance and the redeployment cost
    (the notice is paid as salary would have been): an ROI calculator's arithmetic."""
    data = with_status_quo(tiny_firm(**{"automation.waves": [wave()], "jurisdiction.preset": "france"}))
    data["levers"].update(survivor_effect_scale=0.0, customer_sensitivity_scale=0.0, years=2)
    scenario = validate_data(data, "t")
    out = run_policies(scenario, ["status_quo", "cost_cutting"], seeds(3))
    tenure = build_firm(scenario, [make_policy(scenario, "status_quo")], draws_for(scenario, seeds(3))).tenure[:, 0]
    notice = np.where(tenure < 24, 1.0, 2.0)
    exit_month = 2 + notice  # two months of redeployment, then notice: gone at the start of this month
    severance = CLERK * 0.25 * np.minimum((tenure + exit_month) / 12, 10) * (tenure + exit_month >= 8)
    expected = CLERK * 1.30 * (24 - exit_month) - severance - FRANCE["redeployment_cost_eur"]
    gain = out["cost_cutting"]["cumulative_profit"][:, -1] - out["status_quo"]["cumulative_profit"][:, -1]
    np.testing.assert_allclose(gain, expected)


def test_in_the_assistant_scenario_side_effects_off_the_cutters_gain_is_about_the_spreadsheet_roi(assistant):
    """The same arithmetic on the default scenario: the assistant's loaded salary after her exit, less severance,
    notice and redeployment; what the residual fifth of her work costs (bought-in hours, errors) keeps the
    gain within 20 % below it."""
    data = with_status_quo(assistant.model_dump(mode="python"))
    data["levers"].update(survivor_effect_scale=0.0, customer_sensitivity_scale=0.0)
    scenario = validate_data(data, "assistant")
    out = run_policies(scenario, ["status_quo", "cost_cutting"], seeds(60))
    cut, quo = out["cost_cutting"], out["status_quo"]
    gain = (cut["cumulative_profit"][:, -1] - quo["cumulative_profit"][:, -1]).mean()
    months_gone = (cut["headcount"] < quo["headcount"]).sum(1).mean()
    roi = 30000.0 / 12 * 1.30 * months_gone - sum(cut[k].sum(1).mean() for k in ("severance", "redeployment"))
    assert 0.8 * roi < gain < 1.02 * roi


# -- reinvest at its best ------------------------------------------------------------------------------------


def test_reinvest_moves_no_hours_to_saturated_new_work():
    """Follow-up demand 0.5 h x 100 customers = 50 h: with 150 freed hours its marginal value exp(-E/D) after
    a first move is far below the saturation threshold, so later freed hours stay put."""
    data = tiny_firm(**{"levers.reskilling_success": 1.0, "policies.1.saturation": 0.2})
    firm, policy = firm_of(data, "reinvest")
    firm.reskilled[:] = True
    firm.skill[:, :, 2] = 0.3  # the post-training skill: an hour is worth 0.65 effective hours
    firm.hours[:, 0] = 0.0
    firm.idle[:, 0] = 1.0  # 150 idle hours, demand 50: first move lands (marginal 1 at E = 0)
    policy.move_to_targets(firm, firm.status == WORKING)
    assert firm.hours[:, 0, 2] == pytest.approx(1.0)
    firm.hours[:, 1, 1] = 0.5
    firm.idle[:, 1] = 0.5  # the rep's freed half: exp(-150 x 0.65 / 50) = 0.14 < 0.2
    policy.move_to_targets(firm, firm.status == WORKING)
    np.testing.assert_allclose(firm.idle[:, 1], 0.5)


def test_reinvest_sends_reskilled_people_back_to_undone_required_work():
    firm, _ = firm_of(tiny_firm(**{"automation.waves": [wave(removed_share={"entry": 0.5})]}), "reinvest")
    firm.hours[:, 0] = [0.0, 0.0, 1.0]  # the clerk, reskilled, does follow-up only
    firm.required_gap[:, 0] = 30.0  # 30 h of entry undone last month
    moved = actions.send_back_to_required(firm, np.ones(firm.n_replicates, bool), np.array([False, False, True]))
    assert moved.all()
    np.testing.assert_allclose(firm.hours[:, 0], [[0.2, 0.0, 0.8]] * 4)  # 30 h of 150 back to entry
    np.testing.assert_allclose(firm.skill[:, 0, 0], 1.0)  # she knew it already
    np.testing.assert_allclose(firm.hours.sum(-1) + firm.idle, firm.fte)


# -- revenue that needs delivered work ------------------------------------------------------------------------


def test_undelivered_billable_work_loses_its_share_of_revenue_and_costs_no_errors():
    data = tiny_firm(**{"tasks.1.channel": "billable", "tasks.1.demand_hours_per_customer_month": 0.0})
    data["customers"].update(billable_revenue_share=0.8, staffing_slack=0.0)
    model = FirmModel(validate_data(data, "t"), "cost_cutting", rng=1)
    model.firm.hours[0, 1] = [0.0, 0.75, 0.0]  # the rep delivers three quarters of the billable work
    model.firm.idle[0, 1] = 0.25
    model.run_for(1)
    m = model.monthly()
    assert m["undelivered_share"][0] == pytest.approx(0.25, rel=1e-3)
    assert m["customer_revenue"][0] == pytest.approx(100 * 500.0 * (1 - 0.8 * 0.25), rel=1e-3)
    assert m["errors"][0] == 0.0


# -- people -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("weight", "share_of_penalty"), [(0.0, 0.0), (1.0, 1.0), (0.5, 0.5)])
def test_survivor_penalty_drives_quits_fully_and_output_only_by_its_weight(weight, share_of_penalty):
    firm, _ = firm_of(tiny_firm(**{"engagement.survivor_productivity_weight": weight, "roles.1.count": 3}))
    firm.survivor_penalty[:] = 0.1
    update_engagement(firm)
    engagement = firm.engagement[:, 1:]
    np.testing.assert_allclose(firm.engagement_effective[:, 1:], engagement - 0.1)  # equal performers: no tilt
    np.testing.assert_allclose(firm.engagement_at_work[:, 1:], engagement - 0.1 * share_of_penalty)


def test_a_hire_does_not_quit_in_the_month_of_hiring():
    firm, _ = firm_of(tiny_firm(**{"turnover.annual_quit_rate": 0.5}))
    firm.tenure[:, 0] = 0.0  # just hired
    firm.draws.quit[:] = 0.0  # every draw below any hazard
    resign(firm)
    assert np.all(firm.status[:, 0] == WORKING) and np.all(firm.events["quits"] == 1)


def test_ties_are_broken_by_drawn_keys_not_by_the_order_of_slots():
    score = np.zeros((4000, 2))  # two equally freed people, in every replicate
    rng = np.random.default_rng(5)
    chosen = pick(np.ones(4000, int), score, np.ones((4000, 2), bool), rng.random((4000, 2)))
    share_first = chosen[:, 0].mean()
    assert chosen.sum(1).max() == 1 and abs(share_first - 0.5) < 0.03  # binomial sd 0.008


def test_hours_sent_back_to_required_work_return_once_it_has_hands_to_spare():
    firm, _ = firm_of(tiny_firm(**{"automation.waves": [wave(removed_share={"entry": 0.5})]}), "reinvest")
    firm.hours[:, 0] = [0.0, 0.0, 1.0]
    firm.required_gap[:, 0] = 30.0
    actions.send_back_to_required(firm, np.ones(firm.n_replicates, bool), np.array([False, False, True]))
    firm.required_gap[:, 0] = -15.0  # a hire has arrived: 15 h to spare on entry
    actions.return_lent_hours(firm)
    np.testing.assert_allclose(firm.hours[:, 0], [[0.1, 0.0, 0.8]] * 4)
    np.testing.assert_allclose(firm.idle[:, 0], 0.1)  # back as idle time, for the policy to place again
    np.testing.assert_allclose(firm.lent[:, 0, 0], 0.1)
