"""Throughput benchmarks (not tests): employee-months per second, wall time and peak memory.

Usage:
    .venv/bin/python -m benchmarks.throughput            # the four cases of docs/performance.md
    .venv/bin/python -m benchmarks.throughput --scaling  # also how time and memory grow
    .venv/bin/python -m benchmarks.throughput --tiny     # a smoke run (used by the tests)

Each case runs in a fresh process, so its peak memory (max RSS) is its own; after a warm-up run, the wall time
is the median of three runs; interpreter start-up is excluded except for the start-up case (best of five). Timings are single-process (one core) unless a case says otherwise.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

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
    args = parser.parse_args(argv)
    cases = TINY if args.tiny else CASES
    results = {
        name: {"what": what, **in_child(overrides, replicates, repeats=1 if args.tiny else 3)}
        for name, (what, overrides, replicates) in cases.items()
    }
    if not args.tiny:
        results["d_run_py_help_startup"] = {"what": "python run.py --help, interpreter start included", **startup()}
    report = {"results": results}
    if args.scaling:
        report["scaling"] = scaling()
    print(json.dumps(report, indent=2))
    print(table(results), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
