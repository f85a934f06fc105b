"""The size check before a run: its estimate bounds what real runs allocate, and a refusal says how far over the
run is and what would fit."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from experiments.preflight import (
    WORKER_PROCESS,
    Size,
    TooLarge,
    available_memory,
    check,
    compare_size,
    gb,
    study_size,
)
from model.scenario import load_scenario
from tests.conftest import ROOT, SCENARIOS

# Peak resident memory of real runs in a fresh process, above what it held before (its kernels loaded), with
# the estimate: an engine-bound comparison (a 1,000-person firm, every policy kind), a results-bound one (many
# replicates of a small firm, written to Parquet) and a study's task of 16 points in one batch.
MEASURE = """
import json, sys, tempfile, pathlib
from model.scenario import load_scenario, validate_data
from experiments.compare import run_comparison
from experiments.points import run_points
from experiments.results import write_results
from experiments.preflight import compare_size, study_size

def resident(key):
    return next(int(line.split()[1]) * 1024 for line in open("/proc/self/status") if line.startswith(key))

def firm(name, scale, years):
    data = load_scenario(f"scenarios/{name}.toml", [f"levers.years={years}"]).model_dump(mode="python")
    for role in data["roles"]:
        role["count"] *= scale
    return validate_data(data, name)

def measured(run):
    with open("/proc/self/clear_refs", "w") as peak:
        peak.write("5")  # the peak so far becomes the memory in use now
    before = resident("VmRSS")
    run()
    return resident("VmHWM") - before

run_comparison(firm("assistant", 1, 1), ["cost_cutting", "reinvest"], 2, 1)  # kernels loaded
out = []
big = firm("back_office", 20, 1)
out.append((measured(lambda: run_comparison(big, big.policy_names(), 100, 1)), compare_size(big, 4, 100).total))
small = firm("assistant", 1, 3)
def compare_and_write():
    monthly, outcomes, summary = run_comparison(small, ["cost_cutting", "reinvest"], 1000, 1)
    with tempfile.TemporaryDirectory() as d:
        write_results(pathlib.Path(d), small, monthly, outcomes, summary, {})
out.append((measured(compare_and_write), compare_size(small, 2, 1000).total))
points = [{"levers.reskilling_success": i / 16} for i in range(16)]
out.append((measured(lambda: run_points(small, points, None, 200, 1)), study_size(small, 2, 200, 16, 1, 1).total))
print(json.dumps(out))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the peak from /proc/self/status")
def test_the_estimate_bounds_the_peak_memory_of_real_runs_and_is_at_most_two_and_a_half_times_it():
    result = subprocess.run([sys.executable, "-c", MEASURE], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    for peak, estimate in json.loads(result.stdout):
        assert peak <= estimate <= 2.5 * peak, (gb(peak), gb(estimate))


@pytest.fixture(scope="module")
def assistant():
    return load_scenario(SCENARIOS / "assistant.toml")


def test_replicates_grow_the_results_and_employees_grow_the_simulation(assistant):
    one, many = compare_size(assistant, 2, 200), compare_size(assistant, 2, 2000)
    assert many.per_worker == one.per_worker  # replicates run in blocks of 200
    assert many.results == pytest.approx(10 * one.results)
    people = [load_scenario(SCENARIOS / "assistant.toml", [f"roles.consultant.count={n}"]) for n in (13, 33, 53)]
    twenty, forty, sixty = (compare_size(s, 2, 200).per_worker for s in people)  # 20, 40, 60 employees
    assert sixty - forty == pytest.approx(forty - twenty) and forty > twenty  # linear in the employees
    assert compare_size(assistant, 2, 2000, jobs=4).simulation == pytest.approx(4 * (one.per_worker + WORKER_PROCESS))
    assert compare_size(assistant, 2, 200, jobs=4).workers == 1  # one block: no worker is started


def test_a_run_that_fits_passes(assistant):
    check(compare_size(assistant, 2, 400), "compare", available=1e12)
    assert 0 < available_memory()


SIZE = dict(what="2 policies x 100 replicates x 60 months of 20 employees", results_per_replicate=1e7)


@pytest.mark.parametrize(
    ("size", "message"),
    [
        (
            Size(**SIZE, per_worker=1e9, workers=1, results=1e9 * 100),
            "compare: needs about 101.0 GB of memory (2 policies x 100 replicates x 60 months of 20 employees), "
            "12.6 times the 8.0 GB available; use at most 700 replicates (--replicates), or fewer years",
        ),
        (
            Size(**SIZE, per_worker=3.4e9, workers=4, results=1e8, study=True),
            "compare: needs about 15.3 GB of memory (2 policies x 100 replicates x 60 months of 20 employees), "
            "1.9 times the 8.0 GB available; use at most 2 workers (--jobs 2), a worker needs about 3.8 GB; or use "
            "a Dask cluster with more memory (--dask ADDRESS)",
        ),
        (
            Size(**SIZE, per_worker=9e9, workers=1, results=1e8, study=True),
            "compare: needs about 9.1 GB of memory (2 policies x 100 replicates x 60 months of 20 employees), "
            "1.1 times the 8.0 GB available; the firm is too large for one batch of replicates here: run it on a "
            "Dask cluster with more memory (--dask ADDRESS)",
        ),
        (
            Size(**SIZE, per_worker=9e9, workers=1, results=1e8),
            "compare: needs about 9.1 GB of memory (2 policies x 100 replicates x 60 months of 20 employees), "
            "1.1 times the 8.0 GB available; the firm is too large for one batch of replicates here: use fewer "
            "years or policies, or more memory",
        ),
    ],
    ids=["replicates", "jobs", "cluster", "firm"],
)
def test_a_refusal_says_how_far_over_and_what_would_fit(size, message):
    with pytest.raises(TooLarge) as refused:
        check(size, "compare", available=8e9)
    assert refused.value.problems == [message]


def test_a_remote_cluster_s_workers_are_not_counted_here(assistant):
    here = study_size(assistant, 2, 100, 64, workers=2)
    remote = study_size(assistant, 2, 100, 64, workers=0)
    assert remote.simulation == 0 and remote.results == here.results and here.simulation > 0
