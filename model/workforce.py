"""Employees: the Mesa agent a person inspects, and the monthly mechanisms over the arrays of all of them.

Productive hours, learning, engagement and quits are computed for every slot of every replicate at once; an
``Employee`` agent is a view of one slot of a one-replicate firm, so it always agrees with the arrays.
"""

from __future__ import annotations

import mesa
import numpy as np

from model.state import STATUS_NAMES, FirmState


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


def effective_hours(firm: FirmState, weight: np.ndarray | float = 1.0) -> np.ndarray:
    """(R, K) productive hours per task: the sum over employees i of
    H * h_ik * available_i * ramp_i * (0.5 + 0.5 s_ik) * (1 + g (e_i - e_ref)) * aug_k (times ``weight_i``)."""
    e = firm.scenario.engagement
    person = (
        firm.at_work * firm.ramp() * (1.0 + e.productivity_slope * (firm.engagement_effective - e.reference)) * weight
    )
    skilled = firm.hours * (1.0 + firm.skill)  # 0.5 (1 + s), the 0.5 folded into the constant below
    per_task = np.matmul(person[:, None, :], skilled)[:, 0, :]
    return (0.5 * firm.hours_per_month) * per_task * firm.schedule.augmentation[firm.month]


def learn(firm: FirmState) -> None:
    """Skills grow with practice toward 1 (learning curve) and fade when unused (half-life).

    Each month closes the share min(1, h_ik * exp(a * aptitude) / learning_months_k) of the gap to 1; an
    unused skill loses the share 1 - 0.5^(1 / half-life). Only the rows flagged in ``firm.learning`` can
    change, so only those are computed; a skill within 1e-6 of 1 snaps to 1, one below 1e-3 to 0, and a row
    whose skills have all settled leaves the flag.
    """
    rows = np.nonzero(firm.learning)
    if not len(rows[0]):
        return
    lp = firm.scenario.learning
    hours, skill = firm.hours[rows], firm.skill[rows]
    speed = np.exp(lp.practice_aptitude_slope * firm.aptitude[rows]) * firm.at_work[rows]
    rate = np.minimum(hours * speed[:, None] / firm.tasks.learning_months, 1.0)
    fade = 1.0 - 0.5 ** (1.0 / lp.skill_half_life_unused_months)
    skill = np.where(rate > 0, skill + rate * (1.0 - skill), skill * (1.0 - fade))
    skill[skill > 1.0 - 1e-6] = 1.0
    skill[skill < 1e-3] = 0.0
    firm.skill[rows] = skill
    settled = ((skill == 1.0) & (rate > 0)) | ((skill == 0.0) & (rate == 0))
    firm.learning[rows] = ~settled.all(-1)


def update_engagement(firm: FirmState) -> None:
    """Engagement relaxes toward a target set by job content, idle time, workload, growth and failure;
    a decaying survivor penalty (after layoffs) is subtracted, larger for better performers."""
    e = firm.scenario.engagement
    target = (
        firm.engagement_base
        + e.growth_bonus * firm.reskilled
        - e.routine_weight * (firm.routine_share() - firm.routine_reference)
        - e.idle_weight * firm.idle
        - e.workload_weight * firm.pressure
        - e.failure_penalty * firm.failed
    )
    firm.engagement += (target - firm.engagement) / e.relaxation_months
    np.clip(firm.engagement, 0.0, 1.0, out=firm.engagement)
    effective = firm.engagement - firm.survivor_penalty[:, None]
    shaken = np.nonzero(firm.survivor_penalty > 1e-4)[0]  # below that the best-performer tilt changes nothing visible
    if len(shaken):
        tilt = e.best_performers_first * _performance_z(firm, shaken)
        effective[shaken] -= firm.survivor_penalty[shaken, None] * tilt
    firm.engagement_effective = np.clip(effective, 0.0, 1.0)
    firm.survivor_penalty *= 0.5 ** (1.0 / e.survivor_half_life_months)


def _performance_z(firm: FirmState, rows: np.ndarray) -> np.ndarray:
    """Performance standardised within each replicate of ``rows`` among people at work, clipped to [-1, 1]."""
    at_work = firm.at_work[rows]
    perf = firm.performance(rows)
    n = np.maximum(at_work.sum(1, keepdims=True), 1)
    mean = (perf * at_work).sum(1, keepdims=True) / n
    sd = np.sqrt((((perf - mean) * at_work) ** 2).sum(1, keepdims=True) / n)
    z = np.divide(perf - mean, sd, out=np.zeros_like(perf), where=sd > 1e-9)
    return np.clip(z, -1.0, 1.0) * at_work


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
    """People staying (working or training) quit with their hazard; they take their customers' continuity and
    their skills."""
    leavers = firm.staying & (firm.drawn("quit") < quit_hazard(firm))
    if leavers.any():
        firm.events["quits"] += leavers.sum(1)
        firm.vacate(leavers)


def age(firm: FirmState) -> None:
    firm.tenure += firm.occupied
