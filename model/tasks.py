"""Task catalogue and automation waves, as arrays indexed by task.

A task creates value through exactly one channel (see docs/ODD.md, "Value channels"). The tool removes a share
of a task's hours; waves compound (each removes its share of what is left) and ramp in linearly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from model.scenario import CATEGORIES, CHANNELS, Scenario


@dataclass
class TaskCatalogue:
    ids: tuple[str, ...]
    category: np.ndarray  # (K,) index into CATEGORIES
    channel: np.ndarray  # (K,) index into CHANNELS
    demand_per_customer: np.ndarray  # (K,) hours a month per customer before returns diminish
    demand_fixed: np.ndarray  # (K,) hours a month independent of customers
    value_per_hour: np.ndarray  # (K,) EUR per effective hour (channel "direct")
    learning_months: np.ndarray  # (K,) months of full-time practice per e-fold of the skill gap
    demand_scale: np.ndarray  # (K,) new_work_demand_scale on reinvestment target tasks, 1 elsewhere

    @property
    def same_category(self) -> np.ndarray:
        """(K, K) 1 where two tasks share a category: who can take over an orphan task."""
        return (self.category[:, None] == self.category).astype(float)

    @property
    def size(self) -> int:
        return len(self.ids)

    @cached_property
    def _masks(self) -> dict[str, np.ndarray]:
        masks = {name: self.channel == i for i, name in enumerate(CHANNELS)}
        masks.update({name: self.category == i for i, name in enumerate(CATEGORIES)})
        return masks

    def in_channel(self, name: str) -> np.ndarray:
        """(K,) tasks creating value through channel ``name`` (computed once)."""
        return self._masks[name]

    def in_category(self, name: str) -> np.ndarray:
        return self._masks[name]


def build_catalogue(scenario: Scenario, target_tasks: set[str]) -> TaskCatalogue:
    tasks = scenario.tasks
    scale = scenario.levers.new_work_demand_scale
    return TaskCatalogue(
        ids=tuple(t.id for t in tasks),
        category=np.array([CATEGORIES.index(t.category) for t in tasks]),
        channel=np.array([CHANNELS.index(t.channel) for t in tasks]),
        demand_per_customer=np.array([t.demand_hours_per_customer_month for t in tasks]),
        demand_fixed=np.array([t.demand_hours_per_month for t in tasks]),
        value_per_hour=np.array([t.value_eur_per_hour for t in tasks]),
        learning_months=np.array([t.learning_months for t in tasks]),
        demand_scale=np.array([scale if t.id in target_tasks else 1.0 for t in tasks]),
    )


@dataclass
class AutomationSchedule:
    """Automated share and augmentation of each task, month by month, and the tool's costs."""

    automated: np.ndarray  # (T + 1, K): share of each task's original hours removed by the end of month t-1
    augmentation: np.ndarray  # (T, K): productivity multiplier on the hours left
    cost_eur: np.ndarray  # (T,): one-off and monthly tool costs

    @cached_property
    def freed_fraction(self) -> np.ndarray:
        """(T, K) fraction of the hours still on each task that the tool removes in month t."""
        before, after = self.automated[:-1], self.automated[1:]
        left = 1.0 - before
        return np.divide(after - before, left, out=np.zeros_like(left), where=left > 0)


def build_schedule(scenario: Scenario, n_months: int) -> AutomationSchedule:
    index = scenario.task_index()
    n_tasks = len(index)
    scale = scenario.levers.automation_scale
    kept = np.ones((n_months + 1, n_tasks))
    augmentation = np.ones((n_months, n_tasks))
    cost = np.zeros(n_months)
    month_end = np.arange(1, n_months + 1)
    for wave in scenario.automation.waves:
        ramp = np.clip((month_end - wave.month) / wave.ramp_months, 0.0, 1.0)  # share adopted by end of month
        ramp = np.concatenate([[0.0], ramp])
        for task, share in wave.removed_share.items():
            kept[:, index[task]] *= 1.0 - min(share * scale, 1.0) * ramp
        for task, factor in wave.augmentation.items():
            augmentation[:, index[task]] *= 1.0 + (factor - 1.0) * scale * ramp[1:]
        if wave.month < n_months and scale > 0:  # no automation, no tool to pay for
            cost[wave.month] += wave.one_off_cost_eur
            cost[wave.month :] += wave.monthly_cost_eur
    return AutomationSchedule(automated=1.0 - kept, augmentation=augmentation, cost_eur=cost)
