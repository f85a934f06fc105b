"""Inside the firm: a session's replicate stepped month by month is the model's, whatever the path to a month."""

from __future__ import annotations

from model import FirmModel
from model.scenario import with_levers
from workshop.inside import FirmSteppers, snapshot


def test_stepping_one_month_at_a_time_equals_going_straight_there(assistant):
    scenario = with_levers(assistant, years=2)
    steppers = FirmSteppers()
    for month in range(0, 7):
        stepped = snapshot(steppers.at("a", scenario, "cost_cutting", 3, month))
    straight = snapshot(FirmSteppers().at("b", scenario, "cost_cutting", 3, 6))
    assert stepped == straight and stepped.month == 6


def test_the_snapshot_is_the_models_replicate(assistant):
    scenario = with_levers(assistant, years=1)
    model = FirmModel(scenario, "cost_cutting", rng=scenario.simulation.seed, replicate=2)
    model.run_for(12)
    snap = snapshot(FirmSteppers().at("s", scenario, "cost_cutting", 2, 12))
    monthly = model.monthly()
    assert snap.month == snap.months == 12
    assert len(snap.people) == monthly["headcount"][-1]
    assert snap.layoffs == monthly["layoffs"].sum() and snap.quits == monthly["quits"].sum()
    assert snap.cumulative_profit == monthly["cumulative_profit"][-1]
    assert snap.customers == model.firm.customers[0] and snap.kept_customers <= snap.initial_customers
    for person in snap.people:  # paid hours are split over kinds of work, idle included
        assert (
            abs(sum(person.hours.values()) - scenario.simulation.hours_per_month) < 1e-6 or person.status != "working"
        )


def test_the_cost_killer_lays_off_and_the_strategic_road_trains(assistant):
    scenario = with_levers(assistant, years=1)
    cut = snapshot(FirmSteppers().at("c", scenario, "cost_cutting", 0, 12))
    kept = snapshot(FirmSteppers().at("r", scenario, "reinvest", 0, 12))
    assert cut.layoffs >= 1 and kept.layoffs == 0


def test_going_back_in_time_recreates_the_model_and_sessions_are_bounded(assistant):
    scenario = with_levers(assistant, years=1)
    steppers = FirmSteppers(size=2)
    late = snapshot(steppers.at("a", scenario, "reinvest", 0, 9))
    early = snapshot(steppers.at("a", scenario, "reinvest", 0, 4))
    assert early.month == 4 and late.month == 9
    steppers.at("b", scenario, "reinvest", 0, 1)
    steppers.at("c", scenario, "reinvest", 0, 1)
    assert list(steppers._models) == ["b", "c"]


def test_the_customer_counts_shown_add_up(assistant):
    from workshop.inside import Snapshot
    from workshop.views import inside_view

    snap = Snapshot(month=14, months=60, people=[], vacancies=0, hires=1, quits=1, layoffs=0, cumulative_profit=0.0,
                    customers=385.6, initial_customers=400.0, kept_customers=335.7)  # fmt: skip
    heading = inside_view(snap, assistant, "en")[3].children
    assert heading == "Customers: 386 (336 of today's 400 still there, 50 new)"  # 386 = 336 + 50
