"""The schema's limits keep the arithmetic sound: every number at either end of what it allows runs, the books
balance, no floating-point overflow or invalid operation happens and every outcome is finite."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import BaseModel

from experiments.points import run_points, scenario_at
from model.policies import policy_class
from model.scenario import ScenarioError, field_at, field_bounds, real_constraints, validate_data
from tests.conftest import scenario_data

NOT_MODEL_VALUES = {"simulation.replicates", "simulation.seed"}  # how many runs, from which seed
HYBRID = {"name": "hybrid", "kind": "hybrid", "targets": {"customer_follow_up": 1.0}}


def base_scenario():
    """The assistant firm over two years with every policy kind, so every policy parameter has a policy to act."""
    data = scenario_data("assistant")
    data["levers"]["years"] = 2
    data["policies"] += [HYBRID, {"name": "attrition", "kind": "attrition"}]
    return validate_data(data, "assistant")


def numeric_paths(scenario) -> list[str]:
    """The key path of every number in the scenario and its policies' parameters; of the roles, the first only
    (every role has the same fields, and each role is a batch of its own)."""
    paths = []

    def walk(model: BaseModel, prefix: str) -> None:
        for name in type(model).model_fields:
            value = getattr(model, name)
            if name == "policies":
                continue  # their parameters are their Params' fields, below
            if isinstance(value, BaseModel):
                walk(value, f"{prefix}{name}.")
            elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
                items = value[:1] if name == "roles" else value
                for i, item in enumerate(items):
                    walk(item, f"{prefix}{name}.{getattr(item, 'id', None) or getattr(item, 'name', None) or i}.")
            elif isinstance(value, int | float | None) and not isinstance(value, bool):
                paths.append(f"{prefix}{name}")

    walk(scenario, "")
    for spec in scenario.policies:
        for name, info in policy_class(spec.kind).Params.model_fields.items():
            if info.annotation is not bool and name != "targets":
                paths.append(f"policies.{spec.name}.{name}")
    return [p for p in paths if p not in NOT_MODEL_VALUES]


def ends(info, value) -> list[float | int]:
    """The two ends of what a numeric field allows (an open end nudged inside), the count of a role at most 50."""
    integer = isinstance(value, int) or info.annotation is int
    constraints = list(info.metadata) if info.annotation is int else real_constraints(info)
    if constraints is None:  # an optional integer: its constraints are inside the Annotated member
        constraints = [m for arg in info.annotation.__args__ for m in getattr(arg, "__metadata__", ())]
        constraints = [c for m in constraints for c in getattr(m, "metadata", [m])]
    low, high = field_bounds(constraints)
    opened = {name for c in constraints for name in ("gt", "lt") if getattr(c, name, None) is not None}
    step = 1 if integer else 1e-9
    low, high = low + step * ("gt" in opened) * max(1.0, abs(low)), high - step * ("lt" in opened) * max(1.0, abs(high))
    return [int(v) if integer else float(v) for v in (low, high) if np.isfinite(v)]


def test_every_number_at_either_end_of_its_limits_runs_with_finite_outcomes():
    base = base_scenario()
    points, refused = [], []
    for path in numeric_paths(base):
        info, value = field_at(base, path)
        for end in ends(info, value):
            if path.endswith(".count") and end > 50:
                continue  # a million people is for the memory check (tests/experiments/test_preflight.py)
            try:
                scenario_at(base, {path: end})
            except ScenarioError:  # a rule between keys (a wave removing more than a task allows...)
                refused.append(path)
                continue
            points.append({path: end})
    assert len(points) > 250 and len(refused) < 20, (len(points), refused)
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        result = run_points(base, points, None, replicates=2, root_seed=3)  # the books check runs every month
    for policy, outcomes in result.outcomes.items():
        for name, values in outcomes.items():
            bad = [points[i] for i in np.flatnonzero(~np.isfinite(values).all(1))]
            assert not bad, f"{policy} {name} not finite at {bad}"


@pytest.mark.parametrize("cash", [-1e12, 1e12])
def test_the_books_balance_with_the_largest_cash(cash):
    """The books check is relative to the money involved: a trillion in the bank does not break it."""
    base = base_scenario()
    result = run_points(base, [{"simulation.initial_cash_eur": cash}], ["cost_cutting", "reinvest"], 2, 3)
    assert np.isfinite(result.outcomes["reinvest"]["npv"]).all()
