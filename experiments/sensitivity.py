"""Global sensitivity with SALib over the scenario's ``[uncertain]`` ranges: Morris screening (elementary
effects) or Sobol indices (first order and total, ``SALib.sample.sobol`` with N a power of two), each with 95 %
confidence intervals, on the mean paired difference A - B of an outcome (NPV by default).

The sample's rows are the points, in order, so the outputs reach SALib in the sample's order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from experiments.designs import check_points
from experiments.results import Store, matrix, write_parquet
from model.scenario import Scenario, ScenarioError, identifier, key_path, uncertain_space

METHODS = ("morris", "sobol")
MORRIS_LEVELS = 4
INDICES_FILE = "indices.parquet"
PAIRS_FILE = "second_order.parquet"


def salib_problem(scenario: Scenario) -> dict:
    """The scenario's uncertain space as a SALib problem; names are identifiers (``reskilling_success``,
    ``customers__contact_loss_churn``), so a sample row can be passed to ``model.simulate(**row)``."""
    space = uncertain_space(scenario)
    return {
        "num_vars": len(space),
        "names": [identifier(p) for p in space],
        "bounds": [list(b) for b in space.values()],
    }


def sensitivity_points(
    scenario: Scenario, method: str, samples: int, seed: int, second_order: bool = False
) -> tuple[list[dict], dict]:
    """The SALib sample's rows as points (key paths), and the design for the manifest (with the problem).
    Sobol: N (D + 2) points, N (2 D + 2) with second-order indices; Morris: ``samples`` trajectories of D + 1."""
    problem = salib_problem(scenario)
    d = problem["num_vars"]
    check_points(
        samples * ((2 * d + 2 if second_order else d + 2) if method == "sobol" else d + 1), f"--samples {samples}"
    )
    if method == "sobol":
        if samples & (samples - 1):
            raise ScenarioError(
                [f"--samples {samples}: Sobol indices need N a power of two (e.g. {1 << samples.bit_length()})"]
            )
        x = sobol_sample.sample(problem, samples, calc_second_order=second_order, seed=seed)
    elif method == "morris":
        x = morris_sample.sample(problem, samples, num_levels=MORRIS_LEVELS, seed=seed)
    else:
        raise ScenarioError([f"--method {method}: expected one of {', '.join(METHODS)}"])
    paths = [key_path(name) for name in problem["names"]]
    points = [dict(zip(paths, map(float, row))) for row in x]
    design = {"kind": f"salib-{method}", "samples": samples, "seed": seed, "problem": problem}
    return points, design | ({"second_order": True} if second_order and method == "sobol" else {})


def indices(store: Store) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """One row per uncertain parameter: Morris mu*, its interval, mu and sigma, or Sobol S1 and ST with theirs;
    and, for a second-order Sobol design, one row per pair of parameters (S2 with its interval)."""
    design, options = store.manifest["design"], store.manifest["options"]
    problem, seed = design["problem"], design["seed"]
    table = store.table(["point", "policy", "replicate", options["metric"]])
    y = (matrix(table, options["a"], options["metric"]) - matrix(table, options["b"], options["metric"])).mean(1)
    pairs = None
    if design["kind"] == "salib-morris":
        x = pd.DataFrame(store.points).to_numpy()
        result = morris_analyze.analyze(problem, x, y, num_levels=MORRIS_LEVELS, conf_level=0.95, seed=seed)
        columns = {"mu_star": "mu_star", "mu_star_ci": "mu_star_conf", "mu": "mu", "sigma": "sigma"}
    else:
        second = design.get("second_order", False)
        result = sobol_analyze.analyze(problem, y, calc_second_order=second, conf_level=0.95, seed=seed)
        columns = {"S1": "S1", "S1_ci": "S1_conf", "ST": "ST", "ST_ci": "ST_conf"}
        if second:
            names = problem["names"]
            pairs = pd.DataFrame(
                [(names[i], names[j], result["S2"][i, j], result["S2_conf"][i, j])
                 for i in range(len(names)) for j in range(i + 1, len(names))],
                columns=["parameter", "other", "S2", "S2_ci"],
            )  # fmt: skip
    frame = pd.DataFrame({"parameter": problem["names"], **{k: np.asarray(result[v]) for k, v in columns.items()}})
    return frame.sort_values(frame.columns[1], ascending=False, key=np.abs, ignore_index=True), pairs


def analyse(store: Store) -> dict:
    table, pairs = indices(store)
    write_parquet(store.path / INDICES_FILE, table)
    if pairs is not None:
        write_parquet(store.path / PAIRS_FILE, pairs)
    return {"indices": table, "files": [INDICES_FILE] + ([PAIRS_FILE] if pairs is not None else [])}
