"""Which parameter points can share one batch of the engine (``model.firm.run_points``), and why.

A batch holds the rows of every (point, policy, replicate) in one set of arrays: the points must agree on
everything that sets the arrays' shapes or their layout, and may differ in any number that the mechanisms read
per row (each row's point's value) or that policies read on their own block (each block carries its point's
scenario, jurisdiction rules, task catalogue and tool schedule).

Batchable (may differ between the points of one batch), as ``--set`` key paths:

- ``levers.*`` except ``levers.years``;
- ``customers.*`` (``acquisition_per_month`` may be given at some points and balanced at others),
  ``engagement.*``, ``turnover.*``, ``labour_market.*``, ``learning.*``;
- ``jurisdiction.*``, the preset included (every rule is carried per point);
- ``automation.*``: every wave value (month, removed shares, adoption curve and its parameters, learning dip,
  augmentation, costs), even the number of waves: each point has its own tool schedule;
- ``policies.*``: every policy parameter (each (point, policy) block has its own policy object); every point must
  define the policies run;
- ``tasks.<task>.<value>`` for the values ``automatable_share``, ``demand_hours_per_customer_month``,
  ``demand_hours_per_month``, ``value_eur_per_hour`` and ``learning_months``;
- ``simulation.initial_cash_eur``;
- what the engine does not read: ``meta.*``, ``simulation.replicates``, ``simulation.seed`` (the replicates'
  seeds are given to ``run_points``), task and role labels.

Not batchable (points that differ in them go in separate batches): ``levers.years``,
``simulation.hours_per_month``, the tasks (their ids, order, categories and channels) and everything about the
roles (ids, order, counts, salaries, hours, skills, tenure, ramp-up). ``shape_key`` groups points accordingly.
"""

from __future__ import annotations

from typing import Any

from model.scenario import Scenario

BATCHABLE_SECTIONS = frozenset(
    {"meta", "customers", "engagement", "turnover", "labour_market", "learning", "jurisdiction", "automation",
     "policies"}
)  # fmt: skip
BATCHABLE_TASK_VALUES = frozenset(
    {"automatable_share", "demand_hours_per_customer_month", "demand_hours_per_month", "value_eur_per_hour",
     "learning_months", "label"}
)  # fmt: skip
BATCHABLE_SIMULATION = frozenset({"initial_cash_eur", "replicates", "seed"})
# the only parts of a scenario holding values that are not batchable (what ``_leaves`` walks)
SHAPE_PARTS = {"levers": {"years"}, "simulation": {"hours_per_month"}, "tasks": True, "roles": True}


class PointsDoNotBatch(ValueError):
    """Points given to one batch differ in a value that is not batchable: the caller must group them."""


def batchable(key_path: str) -> bool:
    """Whether points may differ in the value at ``key_path`` (``"levers.reskilling_success"``,
    ``"tasks.invoice_entry.automatable_share"``; list items by id, name or index) within one batch."""
    section, *rest = key_path.split(".")
    if section in BATCHABLE_SECTIONS:
        return True
    if not rest:
        return False
    if section == "levers":
        return rest[0] != "years"
    if section == "simulation":
        return rest[0] in BATCHABLE_SIMULATION
    if section == "tasks":
        return len(rest) >= 2 and rest[1] in BATCHABLE_TASK_VALUES
    if section == "roles":
        return len(rest) >= 2 and rest[1] == "label"
    return False


def shape_key(scenario: Scenario) -> tuple:
    """A hashable key equal for two scenarios exactly when they can share a batch: every value that is not
    batchable, with tasks and roles in their order."""
    return tuple((path, value) for path, value in _leaves(scenario) if not batchable(path))


def check_batchable(points: list[Scenario]) -> None:
    """Raise ``PointsDoNotBatch`` naming the first value in which a point differs from the first point and that
    changes the shape of the batch."""
    reference = shape_key(points[0])
    for index, point in enumerate(points[1:], start=1):
        key = shape_key(point)
        if key != reference:
            theirs, ours = dict(key), dict(reference)
            path = next(p for p in [*ours, *theirs] if ours.get(p) != theirs.get(p))
            raise PointsDoNotBatch(
                f"point {index} differs from point 0 in {path} ({theirs.get(path)!r} vs {ours.get(path)!r}), "
                "which changes the shape of a batch; run such points in separate batches "
                "(group them by model.batch.shape_key)"
            )


def _leaves(scenario: Scenario) -> list[tuple[str, Any]]:
    """(key path, value) of every scalar in the parts of the scenario that can change a batch's shape
    (``SHAPE_PARTS``); list items by index, so their order counts."""
    out: list[tuple[str, Any]] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else key)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}.{i}")
        else:
            out.append((path, node))

    walk(scenario.model_dump(mode="python", include=SHAPE_PARTS), "")
    return out
