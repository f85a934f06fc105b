"""The three promises of the random-number design, and the Mesa face agreeing with the arrays."""

from __future__ import annotations

import numpy as np

from experiments import replicates
from experiments.replicates import replicate_seeds, run_replicates
from model.firm import FirmModel, run_policy
from tests.conftest import build, scenario_data, seeds
from tests.model.test_invariants import ALL_POLICIES


def test_without_automation_every_policy_gives_identical_results_replicate_by_replicate():
    scenario = build(scenario_data("assistant"), policies=ALL_POLICIES, **{"levers.automation_scale": 0.0})
    runs = [run_policy(scenario, p["name"], seeds(24)) for p in ALL_POLICIES]
    for other in runs[1:]:
        for metric, values in runs[0].items():
            np.testing.assert_array_equal(other[metric], values, err_msg=metric)


def test_same_seed_same_numbers_whatever_the_number_of_workers(monkeypatch):
    monkeypatch.setattr(replicates, "BLOCK", 40)  # three blocks: with one, two jobs would run in this process
    scenario = build(scenario_data("assistant"), **{"levers.years": 2})
    one = run_replicates(scenario, ["cost_cutting", "reinvest"], 120, root_seed=5, jobs=1)
    two = run_replicates(scenario, ["cost_cutting", "reinvest"], 120, root_seed=5, jobs=2)
    for policy in one:
        for metric in one[policy]:
            np.testing.assert_array_equal(one[policy][metric], two[policy][metric])


def test_a_replicate_does_not_depend_on_its_batch():
    """Equal up to rounding: numpy may sum in another order for another array shape, which is why the runner
    always uses the same fixed blocks (bitwise identical whatever the number of workers)."""
    scenario = build(scenario_data("assistant"), **{"levers.years": 2})
    alone = run_policy(scenario, "reinvest", seeds(10)[7:8])
    batched = run_policy(scenario, "reinvest", seeds(10))
    for metric, values in alone.items():
        np.testing.assert_allclose(values[0], batched[metric][7], rtol=1e-9, atol=1e-6, err_msg=metric)


def test_different_seeds_give_different_paths():
    scenario = build(scenario_data("assistant"), **{"levers.years": 2})
    a = run_policy(scenario, "reinvest", seeds(4, root=1))["quits"]
    b = run_policy(scenario, "reinvest", seeds(4, root=2))["quits"]
    assert not np.array_equal(a, b)


def test_mesa_model_steps_the_same_numbers_as_the_batch_engine(assistant):
    model = FirmModel(assistant, policy="cost_cutting", rng=11, replicate=2)
    model.run_for(24)
    batch = run_policy(assistant, "cost_cutting", replicate_seeds(11, 3)[2:])  # replicate 2 of --seed 11
    for metric, values in model.monthly().items():
        np.testing.assert_array_equal(values, batch[metric][0, :24], err_msg=metric)


def test_employee_agents_are_the_people_in_the_arrays(assistant):
    model = FirmModel(assistant, policy="reinvest", rng=4)
    model.run_for(30)
    firm = model.firm
    agents = sorted(model.employees, key=lambda a: a.slot)
    assert [a.slot for a in agents] == list(np.flatnonzero(firm.occupied[0]))
    assert len(agents) == model.monthly()["headcount"][-1]
    for agent in agents:
        assert agent.person == firm.person[0, agent.slot]
        assert np.isclose(sum(agent.hours_per_month.values()), firm.hours_per_month)
        assert agent.engagement == firm.engagement_effective[0, agent.slot]
    assert np.isclose(sum(a.customers for a in agents), firm.customers[0])
    assert model.time == 30
