"""Identical numbers whatever runs them: this process, persistent local workers, a real Dask cluster (a
scheduler and two workers started here on 127.0.0.1); custom policies imported by spawned workers."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.executors import dask_executor, local_executor
from experiments.points import run_points
from tests.conftest import build, changed, scenario_data

POINTS = [{"levers.reskilling_success": s, "customers.contact_loss_churn": c} for s in (0.3, 0.8) for c in (0.5, 1.5)]


@pytest.fixture(scope="module")
def scenario():
    """assistant with a custom policy from the researcher's module (examples/my_policies.py), 1 year."""
    data = scenario_data("assistant")
    custom = {"name": "wait_then_cut", "kind": "examples.my_policies:WaitThenCut", "wait_months": 6}
    return build(changed(data, policies=[*data["policies"], custom]), **{"levers.years": 1})


def outcomes(scenario, executor):
    policies = ["cost_cutting", "reinvest", "wait_then_cut"]
    return run_points(
        scenario, POINTS, policies, replicates=6, root_seed=9, executor=executor, points_per_task=2
    ).outcomes


def assert_identical(a, b):
    for policy in a:
        for metric in a[policy]:
            np.testing.assert_array_equal(a[policy][metric], b[policy][metric], err_msg=f"{policy} {metric}")


def test_local_workers_and_a_dask_cluster_give_the_numbers_of_this_process(scenario, cluster):
    alone = outcomes(scenario, None)
    pool = local_executor(2)
    try:
        assert_identical(alone, outcomes(scenario, pool))  # spawned workers import examples.my_policies too
    finally:
        pool.shutdown()
    with dask_executor(cluster) as executor:
        assert_identical(alone, outcomes(scenario, executor))
