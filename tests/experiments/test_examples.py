"""The interop examples a researcher copies: EMA Workbench (sequential and multiprocessing evaluators, then
PRIM) and SALib on the model's plain functions."""

from __future__ import annotations

import numpy as np

from examples.ema_workbench_example import OUTCOME, explore
from examples.salib_example import sobol_indices
from experiments.discover import ema_parameters
from experiments.sensitivity import salib_problem
from model import simulate
from model.scenario import DEFAULT_UNCERTAIN
from tests.conftest import build, scenario_data


def test_the_uncertain_space_for_salib_and_ema():
    scenario = build(scenario_data("assistant"))
    problem = salib_problem(scenario)
    assert problem["num_vars"] == len(DEFAULT_UNCERTAIN) and "customers__contact_loss_churn" in problem["names"]
    assert problem["bounds"][problem["names"].index("reskilling_success")] == [0.3, 0.9]
    parameters = {p.name: (p.lower_bound, p.upper_bound) for p in ema_parameters(scenario)}
    assert parameters == dict(zip(problem["names"], map(tuple, problem["bounds"])))


def test_ema_workbench_drives_simulate_sequentially_and_on_processes_then_prim():
    results, outcomes, box = explore(experiments=6, processes=1, replicates=2, years=1)
    assert len(results) == 6 and np.isfinite(outcomes[OUTCOME]).all()
    row = results.iloc[0]
    names = [p.name for p in ema_parameters(build(scenario_data("assistant")))]
    direct = simulate("assistant", replicates=2, years=1, **{n: float(row[n]) for n in names})[OUTCOME]
    assert outcomes[OUTCOME][0] == direct  # EMA ran the plain function with its sampled parameters
    assert box is None or 0 < box.coverage <= 1
    results, outcomes, _ = explore(experiments=2, processes=2, replicates=1, years=1)
    assert len(results) == 2 and np.isfinite(outcomes[OUTCOME]).all()


def test_salib_sobol_indices_on_simulate_many():
    indices = sobol_indices(n=8, replicates=2, years=1)
    assert len(indices["ST"]) == len(DEFAULT_UNCERTAIN) and np.isfinite(indices["S1"]).all()
