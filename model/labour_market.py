"""The labour market: open posts are filled after a random time (geometric, mean time to fill); a hire costs a
share of the annual salary and ramps up to full productivity over the role's ramp-up months."""

from __future__ import annotations

import numpy as np

from model.state import WORKING, FirmState


def fill_vacancies(firm: FirmState) -> None:
    market = firm.scenario.labour_market
    hired = firm.vacancy & (firm.drawn("hire") < 1.0 / market.time_to_fill_months)
    if not hired.any():
        return
    firm.status[hired] = WORKING
    firm.vacancy[hired] = False
    firm.tenure[hired] = 0.0
    firm.aptitude[hired] = firm.drawn("hire_aptitude")[hired]
    mean = firm.scenario.engagement.initial_mean
    firm.engagement_base[hired] = mean
    firm.engagement[hired] = mean
    firm.engagement_effective[hired] = mean
    # the role's own tasks at the role's skill; tasks the post has gained since (e.g. reinvestment targets) at
    # the post-training skill; nothing elsewhere
    role_tasks = np.broadcast_to(firm.role_hours[firm.role] > 0, firm.skill.shape)[hired]
    post_tasks = firm.hours[hired] > 0
    skill_after = firm.scenario.learning.skill_after_training
    firm.skill[hired] = np.where(
        role_tasks, firm.role_skill[np.nonzero(hired)[1]][:, None], np.where(post_tasks, skill_after, 0.0)
    )
    firm.learning |= hired
    firm.reskilled[hired] = False
    firm.failed[hired] = False
    firm.pressure[hired] = 0.0
    new_ids = firm.next_person[:, None] + np.cumsum(hired, axis=1) - 1
    firm.person[hired] = new_ids[hired]
    firm.next_person += hired.sum(1)
    firm.events["hires"] += hired.sum(1)
    cost = (hired * firm.salary_month * 12.0 * market.hiring_cost_share).sum(1)
    firm.ledger.spend("hiring", cost)
