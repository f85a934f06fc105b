"""Task catalogue and automation waves, as arrays indexed by task.

A task creates value through exactly one channel (see docs/ODD.md, "Value channels"). The tool removes a share
of a task's hours; waves compound (each removes its share of what is left) and are adopted along a linear ramp
or a Bass diffusion curve; while people learn a tool, its tasks may dip in productivity (the J-curve).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from model.scenario import CATEGORIES, CHANNELS, Scenario, Wave


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

    @cached_property
    def required(self) -> np.ndarray:
        """(K,) tasks whose demand is derived from the initial staffing: back-office and billable work."""
        return self.in_channel("back_office") | self.in_channel("billable")


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
    augmentation: np.ndarray  # (T, K): productivity multiplier on the hours left, the same for everyone
    skill_uplift: np.ndarray  # (T, K): uplift - 1 at the reference skill, scaled by each person's novice-ness
    reference_skill: np.ndarray  # (K,): performance at which the skill-dependent uplift is skill_uplift
    adoption: np.ndarray  # (T + 1,): share of the waves' full removal reached (1 when there is no wave)
    cost_eur: np.ndarray  # (T,): one-off and monthly tool costs

    @cached_property
    def freed_fraction(self) -> np.ndarray:
        """(T, K) fraction of the hours still on each task that the tool removes in month t."""
        before, after = self.automated[:-1], self.automated[1:]
        left = 1.0 - before
        return np.divide(after - before, left, out=np.zeros_like(left), where=left > 0)


def adoption_curve(wave: Wave, n_months: int) -> np.ndarray:
    """(T + 1,) share of the wave's users who have adopted it by the end of month t - 1 (0 before the wave).

    ``linear``: a straight ramp over ``ramp_months``. ``bass``: the Bass (1969) diffusion curve
    F(t) = (1 - exp(-(p + q) t)) / (1 + (q / p) exp(-(p + q) t)), t months since the wave, with monthly p and q.
    """
    since = np.concatenate([[0.0], np.arange(1, n_months + 1) - wave.month]).clip(0.0)
    if wave.adoption == "linear":
        return np.clip(since / wave.ramp_months, 0.0, 1.0)
    decay = np.exp(-(wave.bass_p + wave.bass_q) * since)
    return (1.0 - decay) / (1.0 + wave.bass_q / wave.bass_p * decay)


def learning_dip(wave: Wave, adopted: np.ndarray) -> np.ndarray:
    """(T,) productivity lost on a wave's tasks while people learn the tool: ``learning_dip`` times the share of
    users who adopted it within the last ``learning_dip_months`` months (McAfee 2002; the J-curve)."""
    lagged = np.concatenate([np.zeros(wave.learning_dip_months), adopted])[: len(adopted)]
    return wave.learning_dip * (adopted - lagged)[1:]


def build_schedule(scenario: Scenario, n_months: int) -> AutomationSchedule:
    index = scenario.task_index()
    n_tasks = len(index)
    scale = scenario.levers.automation_scale
    kept = np.ones((n_months + 1, n_tasks))
    augmentation = np.ones((n_months, n_tasks))
    skill_factor = np.ones((n_months, n_tasks))
    reference = np.full(n_tasks, 0.5)
    cost = np.zeros(n_months)
    for wave in scenario.automation.waves:
        adopted = adoption_curve(wave, n_months)
        for task, share in wave.removed_share.items():
            kept[:, index[task]] *= 1.0 - min(share * scale, 1.0) * adopted
        uplift = skill_factor if wave.augmentation_by_skill else augmentation
        for task, factor in wave.augmentation.items():
            uplift[:, index[task]] *= 1.0 + (factor - 1.0) * scale * adopted[1:]
            if wave.augmentation_by_skill:
                reference[index[task]] = wave.augmentation_reference_skill
        dip = learning_dip(wave, adopted) * (scale > 0)
        for task in {*wave.removed_share, *wave.augmentation}:
            augmentation[:, index[task]] *= 1.0 - dip
        if wave.month < n_months and scale > 0:  # no automation, no tool to pay for
            cost[wave.month] += wave.one_off_cost_eur
            cost[wave.month :] += wave.monthly_cost_eur
    # the lever scales removal, but never past what a task allows (its validated automatable share)
    floor = 1.0 - np.array([t.automatable_share for t in scenario.tasks])
    kept = np.maximum(kept, floor)
    return AutomationSchedule(
        automated=1.0 - kept,
        augmentation=augmentation,
        skill_uplift=skill_factor - 1.0,
        reference_skill=reference,
        adoption=waves_adoption(scenario, n_months),
        cost_eur=cost,
    )


def waves_adoption(scenario: Scenario, n_months: int) -> np.ndarray:
    """(T + 1,) how far the tool has got: the adoption share of the least advanced wave that has started (1 when
    none is under way). A manager who waits for the tool to work before cutting reads it."""
    adoption = np.ones(n_months + 1)
    started = np.concatenate([[0.0], np.arange(1, n_months + 1)])  # months begun by the end of month t - 1
    for wave in scenario.automation.waves:
        adopted = adoption_curve(wave, n_months)
        adoption = np.where(started > wave.month, np.minimum(adoption, adopted), adoption)
    return adoption
