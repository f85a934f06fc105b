"""Each mechanism in isolation, against values computed by hand or directions of effect."""

from __future__ import annotations

import numpy as np
import pytest

from model import actions
from model.accounting import severance_eur
from model.customers import serve
from model.firm import build_firm, equilibrium_presence, run_month
from model.policies import make_policy, reskilling_probability
from model.scenario import JURISDICTION_PRESETS, validate_data
from model.state import WORKING, draws_for
from model.tasks import build_schedule
from model.workforce import learn, quit_hazard, update_engagement
from tests.conftest import build, seeds, tiny_firm

FRANCE = JURISDICTION_PRESETS["france"]


def firm_of(data: dict, policy: str = "cost_cutting", n: int = 4):
    scenario = validate_data(data, "tiny")
    policy_object = make_policy(scenario, policy)
    return build_firm(scenario, [policy_object], draws_for(scenario, seeds(n))), policy_object


# -- automation -----------------------------------------------------------------------------------------


def test_waves_compound_and_ramp_linearly():
    waves = [
        {"month": 0, "removed_share": {"entry": 0.5}, "ramp_months": 2},
        {"month": 2, "removed_share": {"entry": 0.5}, "ramp_months": 1},
    ]
    schedule = build_schedule(validate_data(tiny_firm(**{"automation.waves": waves}), "t"), 12)
    entry = schedule.automated[:, 0]
    np.testing.assert_allclose(entry[:5], [0.0, 0.25, 0.5, 0.75, 0.75])  # 1 - (1 - 0.5)(1 - 0.5)
    np.testing.assert_allclose(schedule.freed_fraction[2], [0.5, 0.0, 0.0])  # half of what is left
    assert schedule.automated[:, 1].max() == 0.0


def test_automation_scale_multiplies_removed_share():
    wave = [{"month": 0, "removed_share": {"entry": 0.8}, "ramp_months": 1}]
    scenario = build(tiny_firm(**{"automation.waves": wave}), **{"levers.automation_scale": 0.5})
    assert build_schedule(scenario, 3).automated[-1, 0] == pytest.approx(0.4)


# -- books ----------------------------------------------------------------------------------------------


def test_french_severance_by_hand():
    monthly = np.array([2000.0, 2000.0, 2000.0])
    tenure = np.array([6.0, 5 * 12.0, 12 * 12.0])  # under 8 months: nothing
    expected = [0.0, 2000 * 0.25 * 5, 2000 * (0.25 * 10 + 2 / 3)]
    np.testing.assert_allclose(severance_eur(monthly, tenure, FRANCE), expected)


def test_books_refuse_to_close_when_cash_moves_without_a_category():
    firm, _ = firm_of(tiny_firm())
    firm.ledger.open_month()
    firm.ledger.cash += 1.0
    with pytest.raises(RuntimeError, match="differs"):
        firm.ledger.close_month()


# -- reskilling and engagement ----------------------------------------------------------------------------


def test_reskilling_probability_is_the_lever_at_median_aptitude_and_rises_with_aptitude():
    firm, _ = firm_of(tiny_firm(**{"levers.reskilling_success": 0.6}))
    firm.aptitude[:] = np.array([-1.0, 0.0, 1.0, 2.0])[:, None]
    p = reskilling_probability(firm)[:, 0]
    assert p[1] == pytest.approx(0.6)
    assert np.all(np.diff(p) > 0)
    for lever, bound in ((0.0, 1e-9), (1.0, 1 - 1e-9)):
        firm, _ = firm_of(tiny_firm(**{"levers.reskilling_success": lever}))
        assert np.all(
            (reskilling_probability(firm) <= bound) if lever == 0 else (reskilling_probability(firm) >= bound)
        )


def test_quit_hazard_at_reference_engagement_is_the_french_base_rate():
    """DARES counts resignations per head-year: 10.5 a year per 100 is 0.875 a month per 100."""
    firm, _ = firm_of(tiny_firm(**{"turnover.annual_quit_rate": 0.105}))
    firm.engagement_effective[:] = firm.scenario.engagement.reference
    np.testing.assert_allclose(quit_hazard(firm), 0.105 / 12)
    firm.engagement_effective[:] -= 0.1
    np.testing.assert_allclose(quit_hazard(firm), 0.105 / 12 * np.exp(0.3))


def test_quit_base_rate_is_corrected_for_engagement_dispersion():
    """E[exp(beta (e_ref - e))] = exp(beta^2 sd^2 / 2) for normal engagement: divided out of the base rate."""
    firm, _ = firm_of(tiny_firm(**{"turnover.annual_quit_rate": 0.105, "engagement.initial_sd": 0.1}))
    firm.engagement_effective[:] = firm.scenario.engagement.reference
    np.testing.assert_allclose(quit_hazard(firm), 0.105 / 12 / np.exp((3.0 * 0.1) ** 2 / 2))


def test_survivor_shock_is_concave_in_the_share_laid_off():
    """+31 % quits for a 1 % cut and +36 % for 2 % (Trevor & Nyberg 2008): a jump, then slow growth."""
    shocks = []
    for count in (98, 48):  # one layoff = about 1 % then 2 % of the firm
        data = tiny_firm(**{"roles.1.count": count})
        firm, _ = firm_of(data)
        actions.lay_off(firm, actions.select(firm, np.ones(firm.n_replicates, int), "last_in_first_out"))
        shocks.append(firm.survivor_penalty[0])
    one, two = shocks
    assert one == pytest.approx(0.2 * (1 / 99 / 0.01) ** 0.2)
    assert two / one == pytest.approx((99 / 49) ** 0.2)


def test_engagement_target_rises_when_routine_work_is_removed_and_falls_with_idle_time():
    firm, _ = firm_of(tiny_firm(**{"engagement.relaxation_months": 1.0}))
    before = firm.engagement.copy()
    firm.hours[:, 0] = [0.0, 1.0, 0.0]  # the clerk's routine work replaced by care
    update_engagement(firm)
    assert np.all(firm.engagement[:, 0] > before[:, 0])
    firm.hours[:, 0] = [0.0, 0.0, 0.0]  # all idle
    firm.idle[:, 0] = 1.0
    update_engagement(firm)
    assert np.all(firm.engagement[:, 0] < before[:, 0])


def test_skills_grow_with_practice_and_fade_without():
    firm, _ = firm_of(tiny_firm())
    firm.skill[:, 0] = [0.5, 0.5, 0.0]
    firm.hours[:, 0] = [0.5, 0.0, 0.0]  # practises entry, not care
    firm.idle[:, 0] = 0.5
    firm.learning[:, 0] = True  # what every action that changes hours or skills does
    learn(firm)
    assert np.all(firm.skill[:, 0, 0] > 0.5) and np.all(firm.skill[:, 0, 1] < 0.5)
    fade = 0.5 * (1 - 0.5 ** (1 / 24))
    np.testing.assert_allclose(firm.skill[:, 0, 1], 0.5 - fade)


# -- people actions -----------------------------------------------------------------------------------------


def test_targeting_rules_pick_the_expected_people():
    firm, _ = firm_of(tiny_firm(**{"roles.1.count": 3}))
    firm.idle[:] = [0.1, 0.6, 0.3, 0.2]
    firm.tenure[:] = [50.0, 10.0, 5.0, 80.0]
    one = np.ones(firm.n_replicates, int)
    assert np.all(actions.select(firm, one, "most_freed")[:, 1])
    assert np.all(actions.select(firm, one, "last_in_first_out")[:, 2])
    assert np.all(actions.select(firm, one * 9, "most_freed").sum(1) == 4)  # never more than there are


def test_absorb_conserves_hours_and_squeezes_beyond_idle_time():
    firm, _ = firm_of(tiny_firm(**{"roles.1.count": 2}))
    firm.hours[:, 1] = [0.0, 0.6, 0.0]  # one rep has 40 % idle
    firm.idle[:, 1] = 0.4
    leaver = np.zeros_like(firm.occupied)
    leaver[:, 0] = True
    firm.absorb(leaver)
    np.testing.assert_allclose(firm.hours.sum(-1) + firm.idle, 1.0)
    np.testing.assert_allclose(firm.hours[:, 0], 0.0)  # the leaver hands over everything
    np.testing.assert_allclose(firm.idle[:, 0], 1.0)
    # nobody did entry: it goes to the rep with idle time, whose week is then 1.6 full and squeezed to 1
    np.testing.assert_allclose(firm.hours[:, 1], [[1 / 1.6, 0.6 / 1.6, 0.0]] * 4)
    np.testing.assert_allclose(firm.hours[:, 2, 0], 0.0)


def test_orphan_work_goes_to_similar_work_when_nobody_is_idle_then_to_everyone():
    data = tiny_firm(**{"roles.1.count": 2, "tasks.1.category": "routine"})  # care becomes routine work
    firm, _ = firm_of(data)
    firm.hours[:, 2] = [0.0, 0.0, 1.0]  # the second rep moved to follow-up (interpersonal)
    leaver = np.zeros_like(firm.occupied)
    leaver[:, 0] = True
    firm.absorb(leaver)
    np.testing.assert_allclose(firm.hours[:, 1], [[0.5, 0.5, 0.0]] * 4)  # the one doing routine work takes it
    np.testing.assert_allclose(firm.hours[:, 2], [[0.0, 0.0, 1.0]] * 4)
    firm, _ = firm_of(tiny_firm(**{"roles.1.count": 2}))  # nobody idle, nobody doing routine work
    firm.absorb(leaver)
    np.testing.assert_allclose(firm.hours[:, 1:, 0], 0.5 / 1.5)  # evenly, both squeezed


# -- customers ----------------------------------------------------------------------------------------------


def customers_firm(**more):
    data = tiny_firm(**{"customers.base_churn_per_month": 0.02, "customers.quality_elasticity": 1.0, **more})
    firm, _ = firm_of(data, n=2)
    firm.draws.customers[:] = 0.0  # expected values only
    return firm


def test_more_care_lowers_churn_and_lost_contacts_raise_it():
    firm = customers_firm()
    hours = np.array([[150.0, 150.0, 0.0]] * 2)
    base = serve(firm, hours).churn
    firm.customers[:] = 100.0
    better = serve(firm, hours * [1, 2, 1]).churn
    firm.customers[:] = 100.0
    firm.contact_loss[:] = 0.5
    worse = serve(firm, hours).churn
    assert np.all(better < base) and np.all(worse > base)


def test_status_quo_customer_base_is_stationary_in_expectation():
    """Acquisition balances the expected churn (with the steady-state contact loss) at the start."""
    firm = customers_firm(**{"turnover.annual_quit_rate": 0.1})
    start = firm.customers.copy()
    equilibrium_care = 150.0 * equilibrium_presence(firm)[1]  # the staff expected when people come and go
    serve(firm, np.array([[150.0, equilibrium_care, 0.0]] * 2))
    np.testing.assert_allclose(firm.customers, start)


def test_undone_back_office_work_costs_errors_and_raises_churn():
    firm = customers_firm()
    firm.ledger.open_month()
    full = serve(firm, np.array([[150.0, 150.0, 0.0]] * 2))
    firm.customers[:] = 100.0
    firm.ledger.open_month()
    short = serve(firm, np.array([[100.0, 150.0, 0.0]] * 2))
    np.testing.assert_allclose(short.uncovered_share, (142.5 - 100.0) / 142.5)
    np.testing.assert_allclose(firm.ledger.costs["errors"], 42.5 * 40.0)
    assert np.all(short.churn > full.churn)


def test_new_work_has_diminishing_returns_and_no_value_without_demand():
    from model.customers import task_output

    firm = customers_firm()
    first, second = (task_output(firm, np.array([[0.0, 0.0, h]] * 2))[0, 2] for h in (50.0, 100.0))
    assert 0 < second - first < first  # the second 50 hours are worth less than the first
    firm.tasks.demand_scale[2] = 0.0  # what new_work_demand_scale = 0 does to the follow-up (a target task)
    assert task_output(firm, np.array([[0.0, 0.0, 100.0]] * 2))[0, 2] == 0.0


# -- labour market ------------------------------------------------------------------------------------------


def test_vacancies_are_filled_after_the_mean_time_to_fill():
    data = tiny_firm(**{"labour_market.time_to_fill_months": 2.0, "levers.years": 5})
    firm, policy = firm_of(data, n=2000)
    vacancy = np.zeros_like(firm.occupied)
    vacancy[:, 1] = True
    firm.vacate(vacancy)
    months = np.full(firm.n_replicates, np.nan)
    for month in range(24):
        firm.month = month
        run_month(firm, [(policy, slice(0, firm.n_replicates))])
        months[np.isnan(months) & (firm.status[:, 1] == WORKING)] = month + 1
    assert months.mean() == pytest.approx(2.0, abs=0.1)  # geometric with p = 1/2
