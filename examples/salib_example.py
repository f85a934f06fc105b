"""SALib on the model without glue code: the [uncertain] space as a SALib problem, the sample run by
``simulate_many`` (one vectorised call), the outputs given back in the sample's order.

    .venv/bin/python examples/salib_example.py      # Sobol indices, N = 64
"""

from __future__ import annotations

from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

from experiments.points import simulate_many
from experiments.sensitivity import salib_problem
from model import resolve_scenario

OUTCOME = "reinvest_minus_cost_cutting__npv"


def sobol_indices(n: int = 64, replicates: int = 10, years: int = 5, seed: int = 1) -> dict:
    """First-order and total Sobol indices of the paired NPV difference (SALib's result dict)."""
    problem = salib_problem(resolve_scenario("assistant"))
    x = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    points = [{**dict(zip(problem["names"], map(float, row))), "years": years} for row in x]
    y = simulate_many(points, seed=seed, replicates=replicates)[OUTCOME].to_numpy()  # the sample's order
    return sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)


if __name__ == "__main__":
    indices = sobol_indices()
    names = salib_problem(resolve_scenario("assistant"))["names"]
    for name, s1, st in sorted(zip(names, indices["S1"], indices["ST"]), key=lambda row: -row[2]):
        print(f"{name:40s} S1 {s1:6.3f}  ST {st:6.3f}")
