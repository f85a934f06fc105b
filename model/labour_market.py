"""The labour market: open posts are filled after a random time (geometric, mean time to fill); a hire costs a
share of the annual salary and ramps up to full productivity over the role's ramp-up months."""

from __future__ import annotations

import numpy as np

from model.compiled import compiled
from model.state import WORKING, FirmState


def fill_vacancies(firm: FirmState) -> None:
    """Each open post is filled this month with probability 1 / time to fill. The newcomer has the role's
    skill on the role's own tasks, the post-training skill on tasks the post has gained since (e.g.
    reinvestment targets) and none elsewhere; starts at the mean engagement and a fresh tenure."""
    market = firm.scenario.labour_market
    hires, cost = _fill_vacancies(
        firm.vacancy, firm.drawn("hire"), firm.drawn("hire_aptitude"), 1.0 / market.time_to_fill_months,
        firm.status, firm.tenure, firm.aptitude, firm.engagement_base, firm.engagement, firm.engagement_effective,
        firm.engagement_at_work,
        firm.skill, firm.hours, firm.role_hours[firm.role] > 0, firm.role_skill,
        firm.scenario.learning.skill_after_training, firm.learning, firm.reskilled, firm.failed,
        firm.person, firm.next_person, firm.salary_month * 12.0 * market.hiring_cost_share,
        firm.scenario.engagement.initial_mean,
    )  # fmt: skip
    firm.events["hires"] += hires
    firm.ledger.spend("hiring", cost)


@compiled
def _fill_vacancies(
    vacancy, draw, aptitude_draw, fill_probability, status, tenure, aptitude, engagement_base, engagement,
    effective, at_work, skill, hours, role_tasks, role_skill, skill_after_training, learning, reskilled, failed,
    person, next_person, hiring_cost, initial_engagement,
):  # fmt: skip
    """Fill vacancies in place; returns (hires, hiring cost) per replicate. New people get the replicate's next
    person ids, in slot order."""
    n_rows, n_slots, n_tasks = hours.shape
    hires = np.zeros(n_rows)
    cost = np.zeros(n_rows)
    for r in range(n_rows):
        for i in range(n_slots):
            if not (vacancy[r, i] and draw[r, i] < fill_probability):
                continue
            status[r, i] = WORKING
            vacancy[r, i] = False
            tenure[r, i] = 0.0
            aptitude[r, i] = aptitude_draw[r, i]
            engagement_base[r, i] = engagement[r, i] = effective[r, i] = at_work[r, i] = initial_engagement
            for k in range(n_tasks):
                if role_tasks[i, k]:
                    skill[r, i, k] = role_skill[i]
                else:
                    skill[r, i, k] = skill_after_training if hours[r, i, k] > 0 else 0.0
            learning[r, i] = True
            reskilled[r, i] = failed[r, i] = False
            person[r, i] = next_person[r]
            next_person[r] += 1
            hires[r] += 1.0
            cost[r] += hiring_cost[i]
    return hires, cost
