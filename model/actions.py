"""What a manager does to the firm: the actions policies take (``model/policies.py``) on the arrays of a
``FirmState``. Each action books its own costs; none reads another policy's rows.

Exit routes (``lay_off``): a **dismissal** goes through the jurisdiction's redeployment attempt and notice
(both worked), then pays the legal severance; a **mutual agreement** (France's *rupture conventionnelle*) skips
both, takes ``mutual_agreement_months`` to be approved (worked), and pays the legal severance plus a premium,
with the employer's specific contribution on it. Notice and severance are fixed at notification.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from model.accounting import severance_eur
from model.state import LEAVING, NOTICE, TARGETING_RULES, TRAINING, WORKING, FirmState, pick

PERSON_RULES = (  # the jurisdiction rules a departure reads, person by person
    "notice_months", "notice_months_under_2_years", "redeployment_months", "mutual_agreement_months",
    "mutual_agreement_contribution_rate", "severance_months_per_year_first_10", "severance_months_per_year_beyond_10",
    "severance_min_tenure_months",
)  # fmt: skip

ExitRoute = Literal["dismissal", "mutual_agreement"]


def select(firm: FirmState, count: np.ndarray, rule: str, candidates: np.ndarray | None = None) -> np.ndarray:
    """Pick ``count[r]`` people working in each replicate by a targeting rule; ties broken by drawn keys."""
    if rule not in TARGETING_RULES:
        raise ValueError(f"targeting rule {rule!r}; allowed: {', '.join(TARGETING_RULES)}")
    if not (count > 0).any():
        return np.zeros_like(firm.backfill)
    pool = firm.status == WORKING if candidates is None else candidates & (firm.status == WORKING)
    score = {
        "most_freed": lambda: -firm.idle,
        "lowest_performer": firm.performance,
        "last_in_first_out": lambda: firm.tenure,
    }
    return pick(count, score[rule](), pool, firm.tiebreak)


def notice_months(rules: dict[str, np.ndarray], tenure_months: np.ndarray) -> np.ndarray:
    """Months of notice from the service at notification (France, L1234-1: one month under two years)."""
    notice, under_2_years = rules["notice_months"], rules["notice_months_under_2_years"]
    return np.where(tenure_months < 24, np.minimum(notice, under_2_years), notice)


def lay_off(
    firm: FirmState,
    mask: np.ndarray,
    fairness: float = 0.0,
    route: ExitRoute = "dismissal",
    premium_months: float = 0.0,
) -> None:
    """Announce departures by ``route``; colleagues take the work over at the exit (see the module docstring)."""
    if not mask.any():
        return
    headcount = firm.occupied.sum(1)
    laid_off = mask.sum(1)
    people = np.nonzero(mask)
    rules = {name: firm.rule(name)[people[0]] for name in PERSON_RULES}  # each person's point's rules
    tenure = firm.tenure[people]
    monthly_pay = firm.salary_month[people[1]] * firm.fte[people]
    if route == "dismissal":
        notice = notice_months(rules, tenure)
        firm.status[people] = LEAVING
        firm.timer[people] = rules["redeployment_months"]
        firm.notice_due[people] = notice
        firm.severance_due[people] = severance_eur(monthly_pay, tenure + rules["redeployment_months"] + notice, rules)
        firm.ledger.spend("redeployment", laid_off * firm.rule("redeployment_cost_eur"))
    else:
        months = rules["mutual_agreement_months"]
        firm.status[people] = NOTICE
        firm.timer[people] = months
        legal = severance_eur(monthly_pay, tenure + months, rules)
        firm.severance_due[people] = (legal + premium_months * monthly_pay) * (
            1.0 + rules["mutual_agreement_contribution_rate"]
        )
    firm.backfill[mask] = False
    firm.events["layoffs"] += laid_off
    share = np.divide(laid_off, headcount, out=np.zeros(firm.n_replicates), where=headcount > 0)
    before = firm.layoff_window.sum(0)
    firm.layoff_window[firm.month % 12] += share
    # the shock is concave in the share laid off over the last 12 months: a cut made in monthly slices
    # shocks survivors as much as the same cut made at once, not once per slice
    firm.survivor_penalty += (survivor_shock(firm, before + share) - survivor_shock(firm, before)) * (
        1.0 - 0.5 * fairness
    )


def survivor_shock(firm: FirmState, share: np.ndarray) -> np.ndarray:
    """Engagement shock of laying off ``share`` of the staff within a year: S (share / 1 %)^exponent."""
    scale = firm.per_row(
        "survivor_shock", lambda f: f.scenario.engagement.survivor_shock * f.scenario.levers.survivor_effect_scale
    )
    return scale * (share / 0.01) ** firm.per_row("engagement.survivor_exponent")


def reduce_hours(firm: FirmState, reduction: np.ndarray) -> None:
    """Cut ``reduction`` (R, N) FTE of idle time from contracts that go on (part-time); pay falls with it."""
    reduction = np.minimum(np.maximum(reduction, 0.0), firm.idle)
    firm.fte -= reduction
    firm.idle -= reduction


def start_training(firm: FirmState, mask: np.ndarray, months: float, cost_eur: float) -> None:
    if not mask.any():
        return
    firm.status[mask] = TRAINING
    firm.timer[mask] = months
    firm.ledger.spend("training", mask.sum(1) * cost_eur)


def move_idle(firm: FirmState, mask: np.ndarray, targets: np.ndarray) -> None:
    """Move the idle hours of ``mask`` onto tasks in proportions ``targets``: (K,), or (R, K) per replicate."""
    people = np.nonzero(mask)
    weights = targets if targets.ndim == 1 else targets[people[0]]
    firm.hours[people] += firm.idle[people][:, None] * weights
    firm.idle[people] = 0.0
    firm.learning[people] = True


def close_posts(firm: FirmState, posts: np.ndarray) -> None:
    """Stop hiring for vacant posts; colleagues take over their work."""
    if posts.any():
        firm.close(posts)
        firm.vacancy &= ~posts
        firm.backfill &= ~posts


def buy_required_work(firm: FirmState, rows: np.ndarray) -> None:
    """In replicates ``rows``, size the hours bought from a temp agency or an outsourcer on each required task
    to last month's gap (demand minus hours done, contractors included): an integral controller that stops
    buying once the staff cover the work again."""
    if rows.any():
        bought = firm.contracted[rows] + firm.required_gap[rows]
        firm.contracted[rows] = np.maximum(bought, 0.0)


def send_back_to_required(firm: FirmState, rows: np.ndarray, from_tasks: np.ndarray) -> np.ndarray:
    """In replicates ``rows``, move hours of people on ``from_tasks`` (K,) back to the required tasks left undone
    last month, in proportion to what is undone and at most that; returns the (R,) replicates where it moved
    any (newcomers to a task start at the handover skill). Computed on those replicates only: few act at once."""
    moved = np.zeros(firm.n_replicates, dtype=bool)
    acting = np.flatnonzero(rows)
    if not acting.size:
        return moved
    undone = np.maximum(firm.required_gap[acting], 0.0) / firm.hours_per_month  # shares of a month
    hours = firm.hours[acting]
    movable = hours * (from_tasks * firm.staying[acting][..., None])  # (rows, N, K)
    available = movable.sum((1, 2))
    share = np.minimum(undone.sum(1), available)  # share of a month moved in all
    if not (share > 0).any():
        return moved
    take = movable * np.divide(share, available, out=np.zeros_like(share), where=available > 0)[:, None, None]
    per_person = take.sum(-1)  # (rows, N)
    to_tasks = undone / np.maximum(undone.sum(1, keepdims=True), 1e-12)  # (rows, K)
    added = per_person[..., None] * to_tasks[:, None, :]
    handover = firm.per_row("learning.skill_after_handover")[acting, None, None]
    skill = firm.skill[acting]
    np.copyto(skill, handover, where=(added > 0) & (skill < handover))
    firm.skill[acting] = skill
    firm.hours[acting] = hours + (added - take)
    firm.lent[acting] += added
    firm.learning[acting] |= per_person > 0
    moved[acting] = share > 0
    return moved


def return_lent_hours(firm: FirmState) -> None:
    """Hours lent to required work come back (as idle time, for the policy to place again) as soon as the
    task has more hands than it needs: at most last month's surplus, from the lenders in proportion."""
    lending = np.flatnonzero(firm.lent.any((1, 2)))  # computed on the replicates with hours lent only
    if not lending.size:
        return
    surplus = np.maximum(-firm.required_gap[lending], 0.0) / firm.hours_per_month  # (rows, K) shares of a month
    lent = firm.lent[lending]
    total = lent.sum(1)  # (rows, K)
    share = np.divide(np.minimum(surplus, total), total, out=np.zeros_like(total), where=total > 0)
    back = lent * share[:, None, :]
    firm.lent[lending] = lent - back
    firm.hours[lending] -= back
    firm.idle[lending] += back.sum(-1)
