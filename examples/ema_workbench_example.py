"""EMA Workbench drives the model as a plain function, then PRIM finds where reinvesting wins.

    .venv/bin/python examples/ema_workbench_example.py            # 200 experiments on 2 processes

``model.simulate`` is the function: its keyword arguments are the uncertainties (identifiers of the scenario's
[uncertain] ranges, e.g. ``reskilling_success``, ``customers__contact_loss_churn``), its outcomes are
``model.simulate_outcome_names``; ``experiments.discover.ema_parameters`` gives the uncertainties.
"""

from __future__ import annotations

import multiprocessing
import sys

from ema_workbench import (
    Constant,
    Model,
    MultiprocessingEvaluator,
    ScalarOutcome,
    SequentialEvaluator,
    perform_experiments,
)

from experiments.discover import ema_parameters, find_box
from model import resolve_scenario, simulate, simulate_outcome_names

OUTCOME = "reinvest_minus_cost_cutting__npv"


def firm_model(scenario: str = "assistant", replicates: int = 10, years: int = 5) -> Model:
    """The model as EMA sees it: uncertainties, constants (replicates and horizon) and the paired NPV outcome."""
    model = Model("firm", function=simulate)
    model.uncertainties = ema_parameters(resolve_scenario(scenario))
    model.constants = [Constant("scenario", scenario), Constant("replicates", replicates), Constant("years", years)]
    model.outcomes = [ScalarOutcome(name) for name in simulate_outcome_names(scenario) if name == OUTCOME]
    return model


def explore(experiments: int = 200, processes: int = 2, replicates: int = 10, years: int = 5):
    """Run ``experiments`` Latin hypercube experiments (sequentially for one process); returns the experiments,
    the outcomes and PRIM's box of where reinvest beats cost cutting on average (None if no box is dense)."""
    model = firm_model(replicates=replicates, years=years)
    if processes > 1:  # EMA's pool uses the default start method: fork after numba's threads may deadlock
        multiprocessing.set_start_method("spawn", force=True)
    evaluator = SequentialEvaluator(model) if processes == 1 else MultiprocessingEvaluator(model, n_processes=processes)
    with evaluator:
        results, outcomes = perform_experiments(model, scenarios=experiments, evaluator=evaluator)
    x = results[[u.name for u in model.uncertainties]]
    return results, outcomes, find_box(x, outcomes[OUTCOME] > 0, "reinvest", "cost_cutting")  # EMA's prim


if __name__ == "__main__":
    _, outcomes, box = explore(processes=int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    print(f"reinvest ahead on average in {100 * (outcomes[OUTCOME] > 0).mean():.0f} % of experiments")
    print(box.describe() if box else "no box reaches PRIM's density threshold")
