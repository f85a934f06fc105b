"""Research-toolkit benchmarks (not tests): the frontier (e), a Sobol study (f), break-even points (g) and the
fixed cost per parameter point.

Usage:
    .venv/bin/python -m benchmarks.research                 # (g) and the fixed cost (about a minute)
    .venv/bin/python -m benchmarks.research --frontier      # also (e): 21 x 21 cells x 100 replicates, whole process
    .venv/bin/python -m benchmarks.research --sobol         # also (f): 14,336 points x 20 replicates on 2 workers
    .venv/bin/python -m benchmarks.research --tiny          # a smoke run (used by the tests)

(e) and (f) time the whole process (``python run.py ...``, interpreter start and worker start-up included), as a
user meets them; (g) and the fixed cost are timed in a warm process (the workshop's case), median of three.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SOBOL_LEVERS = ("automation_scale", "reskilling_success", "new_work_demand_scale", "survivor_effect_scale",
                "customer_sensitivity_scale", "discount_rate")  # fmt: skip


def timed(work, repeats: int = 3) -> dict:
    """Median wall time of ``repeats`` calls after a warm-up call."""
    work()
    walls = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        walls.append(time.perf_counter() - start)
    return {"wall_s": statistics.median(walls), "wall_s_runs": walls}


def breakeven_case(replicates: int = 100, repeats: int = 3) -> dict:
    """(g): the break-even of every lever of the default scenario."""
    from experiments.breakeven import breakevens
    from model.scenario import resolve_scenario

    scenario = resolve_scenario("assistant")
    result = timed(lambda: breakevens(scenario, replicates=replicates), repeats)
    return {"what": f"breakevens(assistant), every lever, {replicates} replicates", **result}


def fixed_cost_case(points: int = 40, replicates: tuple[int, ...] = (1, 20, 100), repeats: int = 3) -> dict:
    """Seconds per point of ``run_points`` for several replicate counts; the fixed cost per point is the
    intercept of a straight line through them (what a point costs beyond its replicates' own work). The
    toolkit's own share is ``run_points`` minus the same points through ``run_policies`` directly, timed in
    alternation so that a change in the machine's load hits both."""
    from experiments.points import run_points, scenario_at
    from experiments.replicates import replicate_seeds
    from model.firm import run_policies
    from model.outcomes import outcomes
    from model.scenario import resolve_scenario

    scenario = resolve_scenario("assistant")
    policies = scenario.policy_names()
    grid = [{"levers.reskilling_success": float(v)} for v in np.linspace(0.3, 0.9, points)]

    def direct(r: int) -> None:
        seeds = replicate_seeds(1, r)
        for point in grid:
            s = scenario_at(scenario, point)
            for monthly in run_policies(s, policies, seeds).values():
                outcomes(monthly, s.headcount)

    per_point, engine = {}, {}
    for r in replicates:
        toolkit, alone = [], []
        for _ in range(repeats):
            toolkit.append(timed(lambda r=r: run_points(scenario, grid, policies, r, 1), 1)["wall_s"] / points)
            alone.append(timed(lambda r=r: direct(r), 1)["wall_s"] / points)
        per_point[r], engine[r] = statistics.median(toolkit), statistics.median(alone)
    slope, intercept = np.polyfit(list(per_point), list(per_point.values()), 1)
    return {
        "what": f"run_points on {points} points of assistant (5 years, 2 policies)",
        "seconds_per_point": {str(r): t for r, t in per_point.items()},
        "engine_seconds_per_point": {str(r): t for r, t in engine.items()},
        "fixed_cost_per_point_s": float(intercept),
        "cost_per_replicate_s": float(slope),
        "toolkit_overhead_per_point_s": {str(r): per_point[r] - engine[r] for r in replicates},
    }


def whole_process(args: list[str]) -> dict:
    """Wall time of ``python run.py ARGS`` (interpreter start and workers included)."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "run.py"), *args, "--out", f"{tmp}/out", "--no-charts"],
                       cwd=ROOT, check=True, capture_output=True, text=True)  # fmt: skip
        return {"wall_s": time.perf_counter() - start, "command": " ".join(["run.py", *args])}


def frontier_case(levels: int = 21, replicates: int = 100, jobs: int = 2) -> dict:
    """(e): a frontier of levels x levels cells."""
    args = ["frontier", "assistant", "--x", f"levers.reskilling_success=0:1:{levels}", "--y",
            f"levers.customer_sensitivity_scale=0:2:{levels}", "--replicates", str(replicates), "--jobs", str(jobs)]  # fmt: skip
    return {"what": f"frontier {levels} x {levels} x {replicates} replicates x 2 policies, {jobs} workers",
            **whole_process(args)}  # fmt: skip


def sobol_case(n: int = 1024, replicates: int = 20, jobs: int = 2) -> dict:
    """(f): second-order Sobol over the six levers: N (2 D + 2) = 14,336 points at N = 1024."""
    with tempfile.TemporaryDirectory() as tmp:
        scenario = Path(tmp) / "six_levers.toml"
        bounds = {"automation_scale": (0.5, 1.5), "reskilling_success": (0.3, 0.9), "new_work_demand_scale": (0.0, 2.0),
                  "survivor_effect_scale": (0.0, 2.0), "customer_sensitivity_scale": (0.0, 2.0),
                  "discount_rate": (0.04, 0.15)}  # fmt: skip
        table = "\n".join(f'"levers.{k}" = [{lo}, {hi}]' for k, (lo, hi) in bounds.items())
        scenario.write_text((ROOT / "scenarios" / "assistant.toml").read_text() + f"\n[uncertain]\n{table}\n")
        args = ["sensitivity", str(scenario), "--method", "sobol", "--samples", str(n), "--second-order",
                "--replicates", str(replicates), "--jobs", str(jobs)]  # fmt: skip
        points = n * (2 * len(bounds) + 2)
        return {"what": f"Sobol N={n} over 6 levers ({points} points) x {replicates} replicates x 2 policies, "
                f"{jobs} workers", "points": points, **whole_process(args)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiny", action="store_true", help="a smoke run of every case on tiny sizes")
    parser.add_argument("--frontier", action="store_true", help="also (e), about 20 s to a few minutes")
    parser.add_argument("--sobol", action="store_true", help="also (f), a few minutes")
    args = parser.parse_args(argv)
    if args.tiny:
        results = {
            "g_breakeven": breakeven_case(replicates=2, repeats=1),
            "fixed_cost": fixed_cost_case(points=3, replicates=(1, 2), repeats=1),
            "e_frontier": frontier_case(levels=2, replicates=2, jobs=1),
        }
    else:
        results = {"g_breakeven": breakeven_case(), "fixed_cost": fixed_cost_case()}
        if args.frontier:
            results["e_frontier_1_worker"] = frontier_case(jobs=1)
            results["e_frontier_2_workers"] = frontier_case(jobs=2)
        if args.sobol:
            results["f_sobol"] = sobol_case()
    print(json.dumps({"load_average_1_5_15_min": os.getloadavg(), "results": results}, indent=2))
    for name, r in results.items():
        wall = r.get("wall_s", r.get("fixed_cost_per_point_s"))
        print(f"{name:24s} {wall:10.3f} s  {r['what']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
