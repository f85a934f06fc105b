"""Throughput benchmarks (not tests): employee-months per second, wall time and peak memory.

Usage:
    .venv/bin/python -m benchmarks.throughput             # the cases of docs/performance.md
    .venv/bin/python -m benchmarks.throughput --frontier  # only the batches of parameter points (e) and (f)
    .venv/bin/python -m benchmarks.throughput --scaling   # also how time and memory grow
    .venv/bin/python -m benchmarks.throughput --tiny      # a smoke run (used by the tests)

Each case runs in a fresh process, so its peak memory (max RSS) is its own; after a warm-up run, the wall time
is the median of three runs; interpreter start-up is excluded except for the start-up case (best of five) and
the frontier (e), which is timed as a whole process, start to finish. Timings are single-process (one core)
unless a case says otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from multiprocessing import get_context
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
ASSISTANT = ROOT / "scenarios" / "assistant.toml"

OTHER_STAFF = 7  # assistant.toml has 13 consultants among its 20 people


def firm_of(employees: int) -> list[str]:
    """assistant.toml grown to ``employees`` by adding consultants, with customers in proportion."""
    return [f"roles.consultant.count={employees - OTHER_STAFF}", f"customers.initial={20.0 * employees}"]


# name: (what, scenario overrides, replicates); every case compares the scenario's two policies
CASES = {
    "a_default_comparison": ("assistant.toml, 2 policies x 200 replicates x 10 years", [], 200),
    "b_10000_employees": ("10,000-employee firm, 2 policies x 1 replicate x 10 years", firm_of(10_000), 1),
    "c_500_employees_100_replicates": ("500-employee firm, 2 policies x 100 replicates x 10 years", firm_of(500), 100),
}
TINY = {"tiny": ("assistant.toml, 2 policies x 4 replicates x 1 year", ["levers.years=1"], 4)}


def measure(overrides: list[str], replicates: int, jobs: int = 1, repeats: int = 3) -> dict:
    """Run one comparison ``repeats`` times in this process, after a warm-up; returns the median wall time
    (called in a child process)."""
    from experiments.compare import run_comparison
    from model.scenario import load_scenario

    scenario = load_scenario(ASSISTANT, ["levers.years=10", *overrides])
    policies = scenario.policy_names()[:2]
    run_comparison(scenario, policies, 1, 0)  # warm caches, imports and compiled kernels
    walls = []
    for _ in range(repeats):
        start = time.perf_counter()
        run_comparison(scenario, policies, replicates, 0, jobs=jobs)
        walls.append(time.perf_counter() - start)
    wall = statistics.median(walls)
    employees = scenario.headcount
    months = scenario.n_months
    employee_months = employees * months * replicates * len(policies)
    return {
        "employees": employees,
        "replicates": replicates,
        "policies": len(policies),
        "months": months,
        "jobs": jobs,
        "employee_months": employee_months,
        "wall_s": wall,
        "wall_s_runs": walls,
        "employee_months_per_s": employee_months / wall,
        # peak resident memory of this process; worker processes (jobs > 1) have their own
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def in_child(overrides: list[str], replicates: int, jobs: int = 1, repeats: int = 3) -> dict:
    code = (
        "import json; from benchmarks.throughput import measure; "
        f"print(json.dumps(measure({overrides!r}, {replicates}, {jobs}, {repeats})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def startup() -> dict:
    """Wall time of `python run.py --help`, interpreter start included (best of 5)."""
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "run.py"), "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return {"wall_s": min(times)}


def scaling() -> list[dict]:
    """How time and memory grow with employees, replicates, years and workers."""
    rows = []
    for employees in (20, 100, 500, 2000):
        rows.append({"vary": "employees", **in_child(firm_of(employees), 50)})
    for replicates in (50, 200, 800, 3200):
        rows.append({"vary": "replicates", **in_child([], replicates)})
    for years in (5, 10, 20):
        rows.append({"vary": "years", **in_child([f"levers.years={years}"], 200)})
    for jobs in (1, 2):  # 800 replicates = 4 fixed blocks of 200, shared between the workers
        rows.append({"vary": "workers", **in_child(firm_of(500), 800, jobs)})
    return rows


# (e) the research toolkit's frontier: parameter points of one shape simulated in batches (model.firm.run_points)
FRONTIER_LEVERS = {"reskilling_success": (0.1, 1.0), "customer_sensitivity_scale": (0.0, 3.0)}
FRONTIER_POLICIES = ["cost_cutting", "reinvest"]
FRONTIER = {"size": 21, "replicates": 100, "years": 5, "chunk": 8}
TINY_FRONTIER = {"size": 3, "replicates": 2, "years": 1, "chunk": 4}


def frontier_values(size: int) -> list[dict[str, float]]:
    """The lever values of a size x size grid over ``FRONTIER_LEVERS``."""
    (x, (x_lo, x_hi)), (y, (y_lo, y_hi)) = FRONTIER_LEVERS.items()
    return [{x: float(a), y: float(b)} for a in np.linspace(x_lo, x_hi, size) for b in np.linspace(y_lo, y_hi, size)]


def frontier_cells(levers: list[dict[str, float]], replicates: int, years: int, batched: bool = True) -> list[float]:
    """The mean paired NPV difference (reinvest - cost_cutting) of assistant.toml at each point: the points in
    one batch, or one ``run_policies`` call each (``batched=False``). A picklable unit of work for a worker."""
    from model.firm import run_points, run_policies
    from model.scenario import load_scenario, with_levers
    from model.state import streams

    base = load_scenario(ASSISTANT, [f"levers.years={years}"])
    points = [with_levers(base, **values) for values in levers]
    seeds = streams(np.random.SeedSequence(0), replicates)
    b, a = FRONTIER_POLICIES

    def cell(result: dict) -> float:
        return float((result[a]["npv_to_date"][:, -1] - result[b]["npv_to_date"][:, -1]).mean())

    if batched:
        return [cell(result) for result in run_points(points, FRONTIER_POLICIES, seeds)]
    return [cell(run_policies(point, FRONTIER_POLICIES, seeds)) for point in points]  # each reduced at once


def frontier_run(size: int, replicates: int, years: int, chunk: int, workers: int = 1, batched: bool = True) -> dict:
    """The whole grid, chunk by chunk, in this process (``workers=1``, after a warm-up) or on spawned worker
    processes (each loads the kernels once); returns the time spent and the peak memory of each process."""
    values = frontier_values(size)
    chunks = [values[i : i + chunk] for i in range(0, len(values), chunk)] if batched else [values]
    start = time.perf_counter()
    if workers == 1:
        frontier_cells(values[:1], 1, years)  # imports and compiled kernels
        warm = time.perf_counter()
        cells = [cell for part in chunks for cell in frontier_cells(part, replicates, years, batched)]
    else:
        warm = start  # each worker warms up on its first chunk
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            parts = pool.map(frontier_cells, chunks, repeat(replicates), repeat(years), repeat(batched))
            cells = [cell for part in parts for cell in part]
    done = time.perf_counter()
    assert len(cells) == len(values) and all(np.isfinite(cells))
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "points": len(values),
        "simulate_s": done - warm,
        "ms_per_point": 1000 * (done - warm) / len(values),
        # CPU time of this process and its workers: what the run costs whatever else the machine is doing
        "cpu_s": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
        "peak_memory_mb": own.ru_maxrss / 1024,
        "workers_peak_memory_mb": children.ru_maxrss / 1024 if workers > 1 else 0,
    }


def frontier_case(size: int, replicates: int, years: int, chunk: int, workers: int = 1, batched: bool = True) -> dict:
    """``frontier_run`` in a fresh process, timed from outside: interpreter start, imports and kernels included."""
    code = (
        "import json; from benchmarks.throughput import frontier_run; "
        f"print(json.dumps(frontier_run({size}, {replicates}, {years}, {chunk}, {workers}, {batched})))"
    )
    load = os.getloadavg()[0]
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    wall = time.perf_counter() - start
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["load_average"] = [load, os.getloadavg()[0]]  # the machine's load (1 min) before and after
    employee_months = result["points"] * replicates * len(FRONTIER_POLICIES) * 12 * years * 20
    return {
        "workers": workers, "chunk": chunk if batched else 1, "replicates": replicates, "wall_s": wall,
        "employee_months": employee_months, "employee_months_per_s": employee_months / wall, **result,
    }  # fmt: skip


def frontier_cases(frontier: dict) -> dict:
    """(e) the frontier on two workers, whole process, and in one process batched or one call per point; (f)
    the fixed cost of a point: the same points with one replicate, batched or one call each."""
    what = (
        f"assistant.toml, {frontier['size']} x {frontier['size']} points x {frontier['replicates']} replicates x 2 "
        f"policies x {frontier['years']} years"
    )
    single = {**frontier, "replicates": 1}
    return {
        "e_frontier_2_workers": {"what": f"{what}, 2 workers, whole process", **frontier_case(**frontier, workers=2)},
        "e_frontier_1_process_batched": {"what": f"{what}, one process", **frontier_case(**frontier)},
        "e_frontier_1_process_per_point": {
            "what": f"{what}, one run_policies call per point",
            **frontier_case(**frontier, batched=False),
        },
        "f_fixed_cost_batched": {"what": "the same points x 1 replicate, batched", **frontier_case(**single)},
        "f_fixed_cost_per_point": {
            "what": "the same points x 1 replicate, one call per point",
            **frontier_case(**single, batched=False),
        },
    }


def table(results: dict) -> str:
    lines = [f"{'case':34s} {'employee-months/s':>18s} {'wall (s)':>9s} {'peak MB':>8s}"]
    for name, r in results.items():
        rate = f"{r['employee_months_per_s'] / 1e6:.2f} M" if "employee_months_per_s" in r else "-"
        memory = f"{r['peak_memory_mb']:.0f}" if "peak_memory_mb" in r else "-"
        lines.append(f"{name:34s} {rate:>18s} {r['wall_s']:9.3f} {memory:>8s}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiny", action="store_true", help="a smoke run of a few hundred employee-months")
    parser.add_argument("--scaling", action="store_true", help="also measure how time and memory grow")
    parser.add_argument("--frontier", action="store_true", help="only the batches of parameter points (e, f)")
    args = parser.parse_args(argv)
    cases = {} if args.frontier else TINY if args.tiny else CASES
    results = {
        name: {"what": what, **in_child(overrides, replicates, repeats=1 if args.tiny else 3)}
        for name, (what, overrides, replicates) in cases.items()
    }
    if args.tiny:
        results["tiny_frontier"] = {"what": "3 x 3 points x 2 replicates x 1 year", **frontier_case(**TINY_FRONTIER)}
    else:
        if not args.frontier:
            results["d_run_py_help_startup"] = {"what": "python run.py --help, interpreter start included", **startup()}
        results.update(frontier_cases(FRONTIER))
    report = {"results": results}
    if args.scaling:
        report["scaling"] = scaling()
    print(json.dumps(report, indent=2))
    print(table(results), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
