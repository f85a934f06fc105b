"""Blocks of replicates sized from the memory they need (issue 13, item 5): the size for a budget, the memory a
block really takes, and the same numbers whatever the budget."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from experiments.points import POINTS_PER_TASK, ROWS_PER_TASK, run_points, task_sizes
from experiments.replicates import BLOCK, block_size, run_replicates
from model.firm import MONTHLY_METRICS, batch_bytes
from tests.conftest import ROOT, build, scenario_data, tiny_firm

POLICIES = ["cost_cutting", "reinvest"]


def test_a_batch_needs_its_random_numbers_once_and_each_rows_state_and_records():
    tiny = build(tiny_firm())  # 2 slots, 3 tasks, 12 months
    draws = 16 * 2 * 12 + 8 * (4 * 2 + 3 * 12)  # four float32 streams per slot-month; per replicate the rest
    row = 2 * (64 * 3 + 240) + 16 * len(MONTHLY_METRICS) * 12  # the (N, K) and (N,) state; the monthly records
    assert batch_bytes(tiny, 5, 2) == 5 * (draws + 2 * row)
    assert batch_bytes(tiny, 5, 4) - batch_bytes(tiny, 5, 2) == 5 * 2 * row  # more points: only their rows


def test_a_block_holds_as_many_replicates_as_fit_in_the_budget_at_least_one_at_most_200():
    tiny = build(tiny_firm())
    one = batch_bytes(tiny, 1, 2)
    assert block_size(tiny, 2, budget=7 * one) == 7
    assert block_size(tiny, 2, budget=8 * one - 1) == 7
    assert block_size(tiny, 2, budget=one // 2) == 1  # a replicate too large for the budget still runs
    assert block_size(tiny, 2, budget=10**15) == BLOCK
    assert block_size(tiny, 4, budget=7 * one) < 7  # four policies: twice the rows


def test_points_fill_what_a_full_block_of_replicates_leaves_of_the_budget():
    tiny = build(tiny_firm())
    assert task_sizes([tiny], 2, budget=batch_bytes(tiny, 10, 2)) == (1, 10)  # replicates first
    full = batch_bytes(tiny, BLOCK, 2)  # one point's block of 200 replicates
    shared = batch_bytes(tiny, BLOCK, 0)  # their random numbers, which every point shares
    assert task_sizes([tiny], 2, budget=full) == (1, BLOCK)
    assert task_sizes([tiny], 2, budget=shared + 3 * (full - shared)) == (3, BLOCK)
    assert task_sizes([tiny], 2, budget=10**15) == (min(POINTS_PER_TASK, ROWS_PER_TASK // (2 * BLOCK)), BLOCK)


MEASURE = """
import gc, json
from experiments.replicates import block_size, run_replicates
from model.scenario import load_scenario
from tests.conftest import SCENARIOS

def kib(field):  # this process's memory now (VmRSS) or at its peak since the last reset (VmHWM)
    return int(next(line for line in open("/proc/self/status") if line.startswith(field)).split()[1])

scenario = load_scenario(SCENARIOS / "assistant.toml", ["roles.consultant.count=1993", "customers.initial=40000",
                                                        "levers.years=2"])
budget = 160 * 2**20
run_replicates(scenario, {policies!r}, 1, 0)  # imports, kernels
gc.collect()
gc.disable()  # a finished block must be freed without the garbage collector
open("/proc/self/clear_refs", "w").write("5")  # the peak from now on
before = kib("VmRSS")
size = block_size(scenario, 2, budget)
run_replicates(scenario, {policies!r}, 3 * size, 0, budget=budget)  # three blocks, one after the other
print(json.dumps({{"size": size, "used": (kib("VmHWM") - before) * 1024, "budget": budget}}))
"""


def test_a_block_sized_for_a_budget_takes_no_more_memory_than_the_budget():
    """Measured in a fresh process (the peak of its resident memory, reset before the blocks): a 2,000-employee
    firm, 2 years, three blocks sized for 160 MB."""
    code = MEASURE.format(policies=POLICIES)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    measured = json.loads(out.stdout.strip().splitlines()[-1])
    assert 10 < measured["size"] < BLOCK  # the budget, not the cap, sets the size
    assert measured["budget"] / 4 < measured["used"] <= measured["budget"], measured  # bounded, not vacuously


def test_a_small_budget_gives_the_numbers_of_a_large_one_bitwise():
    scenario = build(scenario_data("assistant"), **{"levers.years": 2})
    small = 5 * batch_bytes(scenario, 1, len(POLICIES))  # blocks of 5 replicates
    assert block_size(scenario, len(POLICIES), small) == 5
    one_block = run_replicates(scenario, POLICIES, 12, root_seed=3)
    blocks = run_replicates(scenario, POLICIES, 12, root_seed=3, budget=small)
    for policy in POLICIES:
        for metric, values in one_block[policy].items():
            np.testing.assert_array_equal(blocks[policy][metric], values, err_msg=metric)


def test_a_sweep_cut_into_small_tasks_gives_the_numbers_of_large_ones_bitwise():
    scenario = build(scenario_data("assistant"), **{"levers.years": 1})
    points = [{"levers.reskilling_success": s} for s in (0.2, 0.5, 0.8)]
    small = batch_bytes(scenario, 4, len(POLICIES))  # one point x 4 replicates a task
    assert task_sizes([scenario], len(POLICIES), small) == (1, 4)
    large = run_points(scenario, points, POLICIES, 10, root_seed=3).outcomes
    tasks = run_points(scenario, points, POLICIES, 10, root_seed=3, budget=small).outcomes
    for policy in POLICIES:
        for metric, values in large[policy].items():
            np.testing.assert_array_equal(tasks[policy][metric], values, err_msg=metric)
