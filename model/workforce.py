"""Employees: the Mesa agent a person inspects, and the monthly mechanisms over the arrays of all of them.

Productive hours, learning, engagement and quits are computed for every slot of every replicate at once; an
``Employee`` agent is a view of one slot of a one-replicate firm, so it always agrees with the arrays.
"""

from __future__ import annotations

from typing import NamedTuple

import mesa
import numpy as np

from model.compiled import compiled
from model.scenario import Scenario
from model.state import (
    STATUS_NAMES,
    VACANT,
    FirmState,
    performance_of,
    point_params,
    ramp,
)


class Employee(mesa.Agent):
    """One person in one slot. Read-only view of the firm's arrays (replicate 0)."""

    def __init__(self, model: mesa.Model, slot: int):
        super().__init__(model)
        self.slot = slot
        self.person = int(model.firm.person[0, slot])

    def _get(self, array: np.ndarray):
        return array[0, self.slot]

    @property
    def role(self) -> str:
        return self.model.firm.role_ids[self.model.firm.role[self.slot]]

    @property
    def salary_eur_per_year(self) -> float:
        return float(self.model.firm.salary_month[self.slot] * 12.0)

    @property
    def status(self) -> str:
        return STATUS_NAMES[self._get(self.model.firm.status)]

    @property
    def hours_per_month(self) -> dict[str, float]:
        """Paid hours on each task, plus ``idle`` (freed hours nobody has reassigned)."""
        firm = self.model.firm
        shares = {**dict(zip(firm.tasks.ids, self._get(firm.hours))), "idle": self._get(firm.idle)}
        return {n: float(h * firm.hours_per_month) for n, h in shares.items() if h > 0}

    @property
    def skill(self) -> dict[str, float]:
        firm = self.model.firm
        return {n: float(s) for n, s in zip(firm.tasks.ids, self._get(firm.skill)) if s > 0}

    @property
    def engagement(self) -> float:
        return float(self._get(self.model.firm.engagement_effective))

    @property
    def tenure_months(self) -> float:
        return float(self._get(self.model.firm.tenure))

    @property
    def aptitude(self) -> float:
        return float(self._get(self.model.firm.aptitude))

    @property
    def customers(self) -> float:
        """Customers this person looks after: their share of the firm's customer-care hours."""
        firm = self.model.firm
        return float(firm.customers[0] * firm.care_portfolio()[0, self.slot])


def effective_hours(firm: FirmState, weight: np.ndarray | None = None, with_tool: bool = True) -> np.ndarray:
    """(R, K) productive hours per task: the sum over employees i of
    H * h_ik * ramp_i * (0.5 + 0.5 s_ik) * (1 + g (e_i - e_ref)) * aug_k * (1 + u_k * novice_ik) (times
    ``weight``, (R, N), 1 by default), where e is engagement at work, aug the tool's uniform augmentation
    (learning dip included) and u its skill-dependent uplift, largest for novices: novice = max(1 - s_ik ramp_i,
    0) / (1 - reference_k). ``with_tool=False``: the hours the same people would produce without the tool."""
    p = firm.cached("productivity", lambda: ProductivityParams.of(firm))
    month = firm.month
    scale, uplift = (p.scale[:, month], p.uplift[:, month]) if with_tool else (p.scale_without_tool, p.no_uplift)
    if weight is None:
        weight = firm.per_row("unit_weight", lambda f: np.ones(f.n_slots))
    return _effective_hours(
        firm.status, firm.tenure, firm.ramp_months, firm.engagement_at_work, firm.hours, firm.skill, weight,
        firm.row_point, scale, uplift, p.reference_skill, p.slope, p.engagement_reference,
    )  # fmt: skip


class ProductivityParams(NamedTuple):
    """Each point's parameters of productive hours: (P, T, K) tool schedules, (P, K) and (P,) values."""

    scale: np.ndarray  # (P, T, K) hours a month x 0.5 x the tool's uniform augmentation
    uplift: np.ndarray  # (P, T, K) skill-dependent uplift at the reference skill
    scale_without_tool: np.ndarray  # (P, K)
    no_uplift: np.ndarray  # (P, K)
    reference_skill: np.ndarray  # (P, K)
    slope: np.ndarray  # (P,) engagement.productivity_slope
    engagement_reference: np.ndarray  # (P,) engagement.reference

    @classmethod
    def of(cls, firm: FirmState) -> ProductivityParams:
        scale = firm.per_point("hours_scale", lambda f: 0.5 * f.hours_per_month * f.schedule.augmentation)
        shape = (len(firm.points), firm.tasks.size)
        return cls(
            scale=scale,
            uplift=firm.per_point("skill_uplift", lambda f: f.schedule.skill_uplift),
            scale_without_tool=np.full(shape, 0.5 * firm.hours_per_month),
            no_uplift=np.zeros(shape),
            reference_skill=firm.per_point("reference_skill", lambda f: f.schedule.reference_skill),
            slope=firm.per_point("engagement.productivity_slope"),
            engagement_reference=firm.per_point("engagement.reference"),
        )


@compiled
def _effective_hours(
    status, tenure, ramp_months, engagement, hours, skill, weight, point, scale, uplift, reference, slope, e_reference
):
    n_rows, n_slots, n_tasks = hours.shape
    out = np.zeros((n_rows, n_tasks))
    for r in range(n_rows):
        p = point[r]
        for i in range(n_slots):
            if status[r, i] == VACANT:
                continue
            ramped = ramp(tenure[r, i], ramp_months[i])
            # a disengaged person produces nothing, never less (a steep slope would make output negative)
            person = ramped * max(1.0 + slope[p] * (engagement[r, i] - e_reference[p]), 0.0) * weight[r, i]
            for k in range(n_tasks):
                if hours[r, i, k] == 0.0:  # adds nothing
                    continue
                boost = 1.0
                if uplift[p, k] > 0:  # Brynjolfsson, Li & Raymond 2025: the gain falls with skill, ~0 for experts
                    boost += uplift[p, k] * max(1.0 - skill[r, i, k] * ramped, 0.0) / (1.0 - reference[p, k])
                out[r, k] += person * hours[r, i, k] * (1.0 + skill[r, i, k]) * boost  # 0.5 (1 + s): 0.5 in scale
        for k in range(n_tasks):
            out[r, k] *= scale[p, k]
    return out


def learn(firm: FirmState) -> None:
    """Skills grow with practice toward 1 (learning curve) and fade when unused (half-life).

    Each month closes the share min(1, h_ik * exp(a * aptitude) / learning_months_k) of the gap to 1; an
    unused skill loses the share 1 - 0.5^(1 / half-life). Only the rows flagged in ``firm.learning`` can
    change, so only those are computed; a skill within 1e-6 of 1 snaps to 1, one below 1e-3 to 0, and a row
    whose skills have all settled leaves the flag.
    """
    fade = firm.per_point(
        "skill_fade", lambda f: 1.0 - 0.5 ** (1.0 / f.scenario.learning.skill_half_life_unused_months)
    )
    _learn(
        firm.learning, firm.skill, firm.hours, firm.status, firm.aptitude, firm.row_point,
        firm.per_point("learning_months", lambda f: f.tasks.learning_months),
        firm.per_point("learning.practice_aptitude_slope"), fade,
    )  # fmt: skip


@compiled
def _learn(learning, skill, hours, status, aptitude, point, learning_months, aptitude_slope, fade):
    n_rows, n_slots, n_tasks = hours.shape
    for r in range(n_rows):
        p = point[r]
        for i in range(n_slots):
            if not learning[r, i]:
                continue
            speed = np.exp(aptitude_slope[p] * aptitude[r, i]) if status[r, i] != VACANT else 0.0
            settled = True
            for k in range(n_tasks):
                rate = min(hours[r, i, k] * speed / learning_months[p, k], 1.0)
                s = skill[r, i, k] + rate * (1.0 - skill[r, i, k]) if rate > 0 else skill[r, i, k] * (1.0 - fade[p])
                if s > 1.0 - 1e-6:
                    s = 1.0
                elif s < 1e-3:
                    s = 0.0
                skill[r, i, k] = s
                settled &= (s == 1.0 and rate > 0) or (s == 0.0 and rate == 0)
            learning[r, i] = not settled


class EngagementParams(NamedTuple):
    """The engagement parameters a compiled kernel reads, one value per point (``p.growth_bonus[q]``)."""

    growth_bonus: np.ndarray
    routine_weight: np.ndarray
    idle_weight: np.ndarray
    workload_weight: np.ndarray
    failure_penalty: np.ndarray
    relaxation_months: np.ndarray
    best_performers_first: np.ndarray
    survivor_decay: np.ndarray  # monthly factor: 0.5 ** (1 / survivor_half_life_months)
    survivor_productivity_weight: np.ndarray

    @staticmethod
    def values(scenario: Scenario) -> dict[str, float]:
        e = scenario.engagement
        return e.model_dump() | {"survivor_decay": 0.5 ** (1.0 / e.survivor_half_life_months)}


def update_engagement(firm: FirmState) -> None:
    """Engagement relaxes toward a target set by job content, idle time, workload, growth and failure;
    a decaying survivor penalty (after layoffs) is subtracted, larger for better performers (the tilt is
    skipped below a penalty of 1e-4, where it changes nothing visible). Workload pressure is each person's
    hours on required tasks short of hands, weighted by how short (``firm.shortfall``, from ``serve``).

    Two readings come out: ``engagement_effective`` (the whole penalty) drives quits, as Trevor & Nyberg 2008
    measured it; ``engagement_at_work`` (the share ``survivor_productivity_weight`` of it) drives output."""
    _update_engagement(
        firm.engagement, firm.engagement_effective, firm.engagement_at_work, firm.survivor_penalty,
        firm.engagement_base,
        firm.reskilled, firm.failed, firm.idle, firm.hours, firm.skill, firm.status, firm.tenure, firm.ramp_months,
        firm.routine_reference, firm.tasks.in_category("routine").astype(float), firm.shortfall,
        firm.row_point, firm.cached("engagement", lambda: point_params(firm, EngagementParams)),
    )  # fmt: skip


@compiled
def _update_engagement(
    engagement, effective, at_work, penalty, base, reskilled, failed, idle, hours, skill, status, tenure,
    ramp_months, routine_reference, routine, shortfall, point, p,
):  # fmt: skip
    n_slots, n_tasks = hours.shape[1:]
    hit = np.empty(n_slots)
    perf = np.empty(n_slots)
    for r in range(engagement.shape[0]):
        q = point[r]
        for i in range(n_slots):
            # busy hours, routine hours and workload pressure in one pass over the post's tasks; a task without
            # hours adds nothing to any of the sums (they start at 0 and keep their order: the same to the bit)
            busy = routine_hours = pressure = 0.0
            for k in range(n_tasks):
                h = hours[r, i, k]
                if h != 0.0:
                    busy += h
                    routine_hours += h * routine[k]
                    pressure += h * shortfall[r, k]
            routine_share = routine_hours / busy if busy > 1e-12 else 0.0
            if status[r, i] == VACANT:
                pressure = 0.0
            target = (
                base[r, i]
                + p.growth_bonus[q] * reskilled[r, i]
                - p.routine_weight[q] * (routine_share - routine_reference[i])
                - p.idle_weight[q] * idle[r, i]
                - p.workload_weight[q] * pressure
                - p.failure_penalty[q] * failed[r, i]
            )
            engagement[r, i] += (target - engagement[r, i]) / p.relaxation_months[q]
            engagement[r, i] = min(max(engagement[r, i], 0.0), 1.0)
            hit[i] = penalty[r]
        if penalty[r] > 1e-4:
            _performance_z(hours[r], skill[r], tenure[r], ramp_months, status[r], perf)
            for i in range(n_slots):
                hit[i] += penalty[r] * (p.best_performers_first[q] * perf[i])
        for i in range(n_slots):
            effective[r, i] = min(max(engagement[r, i] - hit[i], 0.0), 1.0)
            at_work[r, i] = min(max(engagement[r, i] - p.survivor_productivity_weight[q] * hit[i], 0.0), 1.0)
        penalty[r] *= p.survivor_decay[q]


@compiled
def _performance_z(hours, skill, tenure, ramp_months, status, out):
    """Write into ``out`` (N,) the performance of one replicate's people at work, standardised among them and
    clipped to [-1, 1] (0 for the others, and for all when everyone performs alike)."""
    n_slots = status.shape[0]
    n = 0
    total = 0.0
    for i in range(n_slots):
        out[i] = performance_of(hours[i], skill[i], tenure[i], ramp_months[i])
        n += status[i] != VACANT
        total += out[i] * (status[i] != VACANT)
    n = max(n, 1)
    mean = total / n
    spread = 0.0
    for i in range(n_slots):
        spread += ((out[i] - mean) * (status[i] != VACANT)) ** 2
    sd = np.sqrt(spread / n)
    for i in range(n_slots):
        if sd <= 1e-9:
            out[i] = 0.0
        else:
            out[i] = min(max((out[i] - mean) / sd, -1.0), 1.0) * (status[i] != VACANT)


def quit_hazard(firm: FirmState) -> np.ndarray:
    """Monthly quit probability: base * market * exp(beta (e_ref - e)), with each row's point's parameters."""
    base = firm.per_row("quit_base", lambda f: [f.quit_rate_per_month * f.scenario.turnover.market_tightness])
    beta = firm.per_row("quit_beta", lambda f: [f.scenario.turnover.engagement_beta])
    reference = firm.per_row("quit_reference", lambda f: [f.scenario.engagement.reference])
    return base * np.exp(beta * (reference - firm.engagement_effective))  # (R, 1) parameters


def resign(firm: FirmState) -> None:
    """People staying (working or training) quit with their hazard, except in their first month (a hire
    arriving this month has not yet started); they take their customers' continuity and their skills."""
    leavers = firm.staying & (firm.tenure > 0) & (firm.drawn("quit") < quit_hazard(firm))
    if leavers.any():
        firm.events["quits"] += leavers.sum(1)
        firm.vacate(leavers)


def age(firm: FirmState) -> None:
    firm.tenure += firm.occupied
