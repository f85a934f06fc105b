"""The firm model: what managers do with automation gains (see docs/ODD.md).

Python face:
    >>> from model import FirmModel, simulate, load_scenario
    >>> model = FirmModel("assistant", policy="reinvest", rng=1); model.run_for(12)
    >>> simulate(scenario="assistant", seed=1, automation_scale=0.5)["reinvest__npv"]
    >>> simulate(seed=1, customers__contact_loss_churn=0.5)  # any real parameter, by ``identifier``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from numba.core import event

from model.firm import DEFAULT_SCENARIO, FirmModel, run_policies
from model.outcomes import OUTCOMES, outcomes
from model.policies import POLICIES, Policy, policy_class, register_policy
from model.scenario import (
    LEVER_NAMES,
    Scenario,
    ScenarioError,
    identifier,
    key_path,
    levers,
    load_scenario,
    resolve_scenario,
    uncertain_space,
    whole_years,
    with_values,
)  # fmt: skip
from model.state import FirmState, streams

SCENARIO_DIR = DEFAULT_SCENARIO.parent

__all__ = [
    "FirmModel", "FirmState", "Policy", "POLICIES", "policy_class", "register_policy", "Scenario", "ScenarioError",
    "load_scenario", "resolve_scenario", "simulate", "simulate_outcome_names", "levers", "uncertain_space",
    "identifier", "key_path", "LEVER_NAMES", "OUTCOMES",
]  # fmt: skip


class CompileNotice(event.Listener):
    """Says once on stderr that the model's kernels are being compiled (numba fires no compile event when it
    loads them from its cache), so a first run's silent seconds are explained."""

    def __init__(self):
        self.said = False

    def on_start(self, ev):
        module = getattr(getattr(ev.data["dispatcher"], "py_func", None), "__module__", "")
        if not self.said and module.startswith("model."):
            self.said = True
            print("compiling the model's kernels (once; later runs load them from numba's cache)...", file=sys.stderr)

    def on_end(self, ev):
        pass


event.register("numba:compile", CompileNotice())


def simulate(
    scenario: str | Path | Scenario = "assistant", seed: int = 0, replicates: int = 1, **params: float
) -> dict[str, float]:
    """Run every policy of a scenario on common random numbers; mean outcomes over ``replicates``.

    A plain, picklable function of named parameters, for EMA Workbench, SALib or ``mesa.batch_run``-style
    drivers. Keyword arguments are levers (``automation_scale``, ``reskilling_success``, ...) or any other real
    parameter by its ``identifier`` (``customers__contact_loss_churn`` for ``customers.contact_loss_churn``).

    Returns:
        ``simulate_outcome_names(spec)``: ``{policy}__{outcome}`` for every policy and outcome, plus
        ``{a}_minus_{b}__npv`` and ``{a}_minus_{b}__cumulative_profit`` for each policy a paired with the first b.
    """
    spec = resolve_scenario(scenario)
    if params:
        values = {key_path(name): value for name, value in params.items()}
        if "levers.years" in values:
            values["levers.years"] = whole_years(values["levers.years"], spec.meta.name)
        spec = with_values(spec, values)
    seeds = streams(np.random.SeedSequence(seed), replicates)
    names = spec.policy_names()
    results = {name: outcomes(monthly, spec.headcount) for name, monthly in run_policies(spec, names, seeds).items()}
    flat = {
        f"{name}__{metric}": float(values.mean()) for name, res in results.items() for metric, values in res.items()
    }
    reference = names[0]
    for name in names[1:]:
        for metric in PAIRED_OUTCOMES:
            flat[f"{name}_minus_{reference}__{metric}"] = float(
                (results[name][metric] - results[reference][metric]).mean()
            )
    return flat


PAIRED_OUTCOMES = ("npv", "cumulative_profit")


def simulate_outcome_names(scenario: str | Path | Scenario = "assistant") -> list[str]:
    """The names of the outcomes ``simulate`` returns for a scenario (EMA Workbench's ``ScalarOutcome`` names)."""
    names = resolve_scenario(scenario).policy_names()
    return [f"{name}__{metric}" for name in names for metric in OUTCOMES] + [
        f"{name}_minus_{names[0]}__{metric}" for name in names[1:] for metric in PAIRED_OUTCOMES
    ]
