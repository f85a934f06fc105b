"""The firm model: what managers do with automation gains (see docs/ODD.md).

Python face:
    >>> from model import FirmModel, simulate, load_scenario
    >>> model = FirmModel("scenarios/assistant.toml", policy="reinvest", rng=1); model.run_for(12)
    >>> simulate(scenario="assistant", seed=1, automation_scale=0.5)["reinvest__npv"]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from model.firm import DEFAULT_SCENARIO, FirmModel, run_policies
from model.outcomes import OUTCOMES, outcomes
from model.policies import POLICIES, Policy, register_policy
from model.scenario import LEVER_NAMES, Scenario, ScenarioError, load_scenario, with_levers
from model.state import FirmState, streams

SCENARIO_DIR = DEFAULT_SCENARIO.parent

__all__ = [
    "FirmModel", "FirmState", "Policy", "POLICIES", "register_policy", "Scenario", "ScenarioError",
    "load_scenario", "resolve_scenario", "simulate", "LEVER_NAMES", "OUTCOMES",
]  # fmt: skip


def resolve_scenario(scenario: str | Path | Scenario) -> Scenario:
    """A Scenario from an object, a file path, or a bare name of a file in scenarios/ (``"assistant"``)."""
    if isinstance(scenario, Scenario):
        return scenario
    path = Path(scenario)
    if not path.suffix and not path.exists():
        path = SCENARIO_DIR / f"{scenario}.toml"
    return load_scenario(path)


def simulate(
    scenario: str | Path | Scenario = "assistant", seed: int = 0, replicates: int = 1, **levers: float
) -> dict[str, float]:
    """Run every policy of a scenario on common random numbers; mean outcomes over ``replicates``.

    A plain, picklable function of named parameters, for EMA Workbench, SALib or ``mesa.batch_run``-style
    drivers. Keyword arguments are levers (``automation_scale``, ``reskilling_success``, ...).

    Returns:
        ``{policy}__{outcome}`` for every policy and outcome, plus ``{a}_minus_{b}__npv`` and
        ``{a}_minus_{b}__cumulative_profit`` for each policy a paired with the first policy b.
    """
    spec = resolve_scenario(scenario)
    if levers:
        spec = with_levers(spec, **levers)
    seeds = streams(np.random.SeedSequence(seed), replicates)
    names = spec.policy_names()
    results = {name: outcomes(monthly, spec.headcount) for name, monthly in run_policies(spec, names, seeds).items()}
    flat = {
        f"{name}__{metric}": float(values.mean()) for name, res in results.items() for metric, values in res.items()
    }
    reference = names[0]
    for name in names[1:]:
        for metric in ("npv", "cumulative_profit"):
            flat[f"{name}_minus_{reference}__{metric}"] = float(
                (results[name][metric] - results[reference][metric]).mean()
            )
    return flat
