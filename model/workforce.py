"""Employees: the Mesa agent a person inspects, and the monthly mechanisms over the arrays of all of them.

Productive hours, learning, engagement and quits are computed for every slot of every replicate at once; an
``Employee`` agent is a view of one slot of a one-replicate firm, so it always agrees with the arrays.
"""

from __future__ import annotations

from typing import NamedTuple

import mesa
import numpy as np

from model.compiled import compiled
from model.scenario import Engagement
from model.state import STATUS_NAMES, VACANT, FirmState, performance, ramp, routine_share_of, weighted_sum


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


def effective_hours(firm: FirmState, weight: np.ndarray | float = 1.0, with_tool: bool = True) -> np.ndarray:
    """(R, K) productive hours per task: the sum over employees i of
    H * h_ik * ramp_i * (0.5 + 0.5 s_ik) * (1 + g (e_i - e_ref)) * aug_k * (1 + u_k * novice_ik) (times
    ``weight_i``), where e is engagement at work, aug the tool's uniform augmentation (learning dip included)
    and u its skill-dependent uplift, largest for novices: novice = max(1 - s_ik ramp_i, 0) / (1 - reference_k).
    ``with_tool=False``: the hours the same people would produce without the tool."""
    e = firm.scenario.engagement
    schedule = firm.schedule
    augmentation = schedule.augmentation[firm.month] if with_tool else np.ones(firm.tasks.size)
    uplift = schedule.skill_uplift[firm.month] if with_tool else np.zeros(firm.tasks.size)
    return _effective_hours(
        firm.status, firm.tenure, firm.ramp_months, firm.engagement_at_work, firm.hours, firm.skill,
        np.ones(firm.n_slots) * weight, 0.5 * firm.hours_per_month * augmentation, uplift, schedule.reference_skill,
        e.productivity_slope, e.reference,
    )  # fmt: skip


@compiled
def _effective_hours(
    status, tenure, ramp_months, engagement, hours, skill, weight, scale, uplift, reference, slope, e_reference
):
    n_rows, n_slots, n_tasks = hours.shape
    out = np.zeros((n_rows, n_tasks))
    for r in range(n_rows):
        for i in range(n_slots):
            if status[r, i] == VACANT:
                continue
            ramped = ramp(tenure[r, i], ramp_months[i])
            person = ramped * (1.0 + slope * (engagement[r, i] - e_reference)) * weight[i]
            for k in range(n_tasks):
                boost = 1.0
                if uplift[k] > 0:  # Brynjolfsson, Li & Raymond 2025: the gain falls with skill, ~0 for experts
                    boost += uplift[k] * max(1.0 - skill[r, i, k] * ramped, 0.0) / (1.0 - reference[k])
                out[r, k] += person * hours[r, i, k] * (1.0 + skill[r, i, k]) * boost  # 0.5 (1 + s): 0.5 in scale
        for k in range(n_tasks):
            out[r, k] *= scale[k]
    return out


def learn(firm: FirmState) -> None:
    """Skills grow with practice toward 1 (learning curve) and fade when unused (half-life).

    Each month closes the share min(1, h_ik * exp(a * aptitude) / learning_months_k) of the gap to 1; an
    unused skill loses the share 1 - 0.5^(1 / half-life). Only the rows flagged in ``firm.learning`` can
    change, so only those are computed; a skill within 1e-6 of 1 snaps to 1, one below 1e-3 to 0, and a row
    whose skills have all settled leaves the flag.
    """
    lp = firm.scenario.learning
    fade = 1.0 - 0.5 ** (1.0 / lp.skill_half_life_unused_months)
    _learn(
        firm.learning, firm.skill, firm.hours, firm.status, firm.aptitude, firm.tasks.learning_months,
        lp.practice_aptitude_slope, fade,
    )  # fmt: skip


@compiled
def _learn(learning, skill, hours, status, aptitude, learning_months, aptitude_slope, fade):
    n_rows, n_slots, n_tasks = hours.shape
    for r in range(n_rows):
        for i in range(n_slots):
            if not learning[r, i]:
                continue
            speed = np.exp(aptitude_slope * aptitude[r, i]) if status[r, i] != VACANT else 0.0
            settled = True
            for k in range(n_tasks):
                rate = min(hours[r, i, k] * speed / learning_months[k], 1.0)
                s = skill[r, i, k] + rate * (1.0 - skill[r, i, k]) if rate > 0 else skill[r, i, k] * (1.0 - fade)
                if s > 1.0 - 1e-6:
                    s = 1.0
                elif s < 1e-3:
                    s = 0.0
                skill[r, i, k] = s
                settled &= (s == 1.0 and rate > 0) or (s == 0.0 and rate == 0)
            learning[r, i] = not settled


class EngagementParams(NamedTuple):
    """The engagement parameters a compiled kernel reads (``p.growth_bonus``)."""

    growth_bonus: float
    routine_weight: float
    idle_weight: float
    workload_weight: float
    failure_penalty: float
    relaxation_months: float
    best_performers_first: float
    survivor_decay: float  # monthly factor: 0.5 ** (1 / survivor_half_life_months)
    survivor_productivity_weight: float

    @classmethod
    def of(cls, e: Engagement) -> EngagementParams:
        values = e.model_dump() | {"survivor_decay": 0.5 ** (1.0 / e.survivor_half_life_months)}
        return cls(**{name: float(values[name]) for name in cls._fields})


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
        firm.cached("engagement", lambda: EngagementParams.of(firm.scenario.engagement)),
    )  # fmt: skip


@compiled
def _update_engagement(
    engagement, effective, at_work, penalty, base, reskilled, failed, idle, hours, skill, status, tenure,
    ramp_months, routine_reference, routine, shortfall, p,
):  # fmt: skip
    n_slots = engagement.shape[1]
    hit = np.empty(n_slots)
    for r in range(engagement.shape[0]):
        for i in range(n_slots):
            pressure = weighted_sum(hours[r, i], shortfall[r]) if status[r, i] != VACANT else 0.0
            target = (
                base[r, i]
                + p.growth_bonus * reskilled[r, i]
                - p.routine_weight * (routine_share_of(hours[r, i], routine) - routine_reference[i])
                - p.idle_weight * idle[r, i]
                - p.workload_weight * pressure
                - p.failure_penalty * failed[r, i]
            )
            engagement[r, i] += (target - engagement[r, i]) / p.relaxation_months
            engagement[r, i] = min(max(engagement[r, i], 0.0), 1.0)
            hit[i] = penalty[r]
        if penalty[r] > 1e-4:
            tilt = p.best_performers_first * _performance_z(
                hours[r : r + 1], skill[r : r + 1], tenure[r : r + 1], ramp_months, status[r]
            )
            hit += penalty[r] * tilt
        for i in range(n_slots):
            effective[r, i] = min(max(engagement[r, i] - hit[i], 0.0), 1.0)
            at_work[r, i] = min(max(engagement[r, i] - p.survivor_productivity_weight * hit[i], 0.0), 1.0)
        penalty[r] *= p.survivor_decay


@compiled
def _performance_z(hours, skill, tenure, ramp_months, status):
    """(N,) performance standardised among the people at work of one replicate, clipped to [-1, 1]."""
    perf = performance(hours, skill, tenure, ramp_months)[0]
    at_work = status != VACANT
    n = max(at_work.sum(), 1)
    mean = (perf * at_work).sum() / n
    sd = np.sqrt((((perf - mean) * at_work) ** 2).sum() / n)
    if sd <= 1e-9:
        return np.zeros_like(perf)
    return np.minimum(np.maximum((perf - mean) / sd, -1.0), 1.0) * at_work


def quit_hazard(firm: FirmState) -> np.ndarray:
    """Monthly quit probability: base * market * exp(beta (e_ref - e))."""
    t = firm.scenario.turnover
    reference = firm.scenario.engagement.reference
    return (
        firm.quit_rate_per_month
        * t.market_tightness
        * np.exp(t.engagement_beta * (reference - firm.engagement_effective))
    )


def resign(firm: FirmState) -> None:
    """People staying (working or training) quit with their hazard, except in their first month (a hire
    arriving this month has not yet started); they take their customers' continuity and their skills."""
    leavers = firm.staying & (firm.tenure > 0) & (firm.drawn("quit") < quit_hazard(firm))
    if leavers.any():
        firm.events["quits"] += leavers.sum(1)
        firm.vacate(leavers)


def age(firm: FirmState) -> None:
    firm.tenure += firm.occupied
