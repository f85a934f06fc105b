"""Identical numbers whatever runs them: this process, persistent local workers, a real Dask cluster (a
scheduler and two workers started here on 127.0.0.1); custom policies imported by spawned workers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from experiments.executors import dask_executor, local_executor
from experiments.points import run_points
from tests.conftest import ROOT, build, changed, scenario_data

DASK = str(Path(sys.executable).with_name("dask"))
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster():
    """`dask scheduler` and two `dask worker` processes on 127.0.0.1, stopped after the tests."""
    address = f"tcp://127.0.0.1:{free_port()}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # workers import the model and the researcher's module
    common = {"cwd": ROOT, "env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    port = address.rsplit(":", 1)[1]
    processes = [
        subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"], **common)
    ]
    processes += [
        subprocess.Popen(
            [DASK, "worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard"], **common
        )
        for _ in range(2)
    ]
    try:
        from distributed import Client

        deadline = time.monotonic() + 120
        while True:
            try:
                with Client(address, timeout="5s") as client:
                    client.wait_for_workers(2, timeout=120)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def test_local_workers_and_a_dask_cluster_give_the_numbers_of_this_process(scenario, cluster):
    alone = outcomes(scenario, None)
    pool = local_executor(2)
    try:
        assert_identical(alone, outcomes(scenario, pool))  # spawned workers import examples.my_policies too
    finally:
        pool.shutdown()
    with dask_executor(cluster) as executor:
        assert_identical(alone, outcomes(scenario, executor))
