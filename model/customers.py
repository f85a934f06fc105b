"""Customers and the value of work: demand per task, service quality, continuity, churn, acquisition, revenue.

Back-office work is required: its demand follows the customer base and shrinks with automation; what is not
done costs errors and raises churn. Other work has diminishing returns: output = D (1 - exp(-E / D)) for
effective hours E and demand D, so the first hours of new work are worth the most.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.state import FirmState


@dataclass
class ServiceReport:
    """What the work of a month achieved, per replicate (kept for outputs)."""

    uncovered_share: np.ndarray  # share of required back-office hours not done
    quality: np.ndarray  # customer-care output relative to the initial month
    churn: np.ndarray  # monthly churn probability


def init_customers(firm: FirmState, initial_hours: np.ndarray) -> None:
    """Set the base and the references that make the initial month a steady state.

    Args:
        firm: the firm, before its first month.
        initial_hours: (R, K) effective hours per task of the initial staff, before any automation.
    """
    c = firm.scenario.customers
    r = firm.n_replicates
    firm.customers = np.full(r, c.initial)
    firm.cohort = np.full(r, c.initial)
    firm.project_progress = np.zeros(r)
    firm.contact_loss = np.full(r, steady_contact_loss(firm))
    back_office = firm.tasks.in_channel("back_office")
    required = initial_hours * (1.0 - c.staffing_slack)  # the initial staff can do a little more than required
    firm.back_office_hours_per_customer = np.where(back_office, required, 0.0) / c.initial
    output = task_output(firm, initial_hours)
    firm.care_reference = output[:, firm.tasks.in_channel("customer_care")].sum(1)
    sales = output[:, firm.tasks.in_channel("sales")].sum(1)
    if c.acquisition_per_month is None:  # balance expected churn: a stationary base when nothing changes
        churn = c.base_churn_per_month * (
            1.0 + c.contact_loss_churn * firm.scenario.levers.customer_sensitivity_scale * firm.contact_loss
        )
        firm.acquisition_base = np.maximum(churn * c.initial - c.acquisition_per_sales_hour * sales, 0.0)
    else:
        firm.acquisition_base = np.full(r, c.acquisition_per_month)


def steady_contact_loss(firm: FirmState) -> float:
    """Share of customers who recently lost their contact when people quit at the baseline rate:
    the fixed point of loss = loss * decay + quit rate."""
    decay = 0.5 ** (1.0 / firm.scenario.customers.contact_memory_half_life_months)
    return firm.quit_rate_per_month * firm.scenario.turnover.market_tightness / (1.0 - decay)


def demand(firm: FirmState) -> np.ndarray:
    """(R, K) hours a month before returns diminish; back-office demand is required work."""
    t = firm.tasks
    customers = firm.customers[:, None]
    other = (t.demand_per_customer * customers + t.demand_fixed) * t.demand_scale
    required = firm.back_office_hours_per_customer * customers * (1.0 - firm.schedule.automated[firm.month + 1])
    return np.where(t.in_channel("back_office"), required, other)


def task_output(firm: FirmState, hours: np.ndarray, d: np.ndarray | None = None) -> np.ndarray:
    """(R, K) output in effective hours with diminishing returns; back office returns demand met. ``d``: this
    month's ``demand(firm)`` when the caller has it."""
    d = demand(firm) if d is None else d
    saturating = d * -np.expm1(-np.divide(hours, d, out=np.zeros_like(hours), where=d > 0))
    return np.where(firm.tasks.in_channel("back_office"), np.minimum(hours, d), saturating)


def serve(firm: FirmState, hours: np.ndarray) -> ServiceReport:
    """Turn a month of effective hours (R, K) into revenue, error costs and next month's customer base."""
    c = firm.scenario.customers
    t = firm.tasks
    ledger = firm.ledger
    sensitivity = firm.scenario.levers.customer_sensitivity_scale
    required = demand(firm)
    output = task_output(firm, hours, required)

    back_office = t.in_channel("back_office")
    needed = required[:, back_office]
    missing = np.maximum(needed - hours[:, back_office], 0.0)
    total_needed = needed.sum(1)
    uncovered = np.divide(missing.sum(1), total_needed, out=np.zeros_like(total_needed), where=total_needed > 0)
    ledger.spend("errors", missing.sum(1) * c.error_cost_eur_per_hour)
    firm.pressure = _workload(firm, required, hours, back_office)

    care = output[:, t.in_channel("customer_care")].sum(1)
    quality = np.divide(care, firm.care_reference, out=np.ones_like(care), where=firm.care_reference > 0)
    churn = (
        c.base_churn_per_month
        * np.exp(-c.quality_elasticity * sensitivity * (np.minimum(quality, c.quality_cap) - 1.0))
        * (1.0 + c.contact_loss_churn * sensitivity * firm.contact_loss)
        * (1.0 + c.backlog_churn * sensitivity * uncovered)
    )
    churn = np.minimum(churn, 1.0)

    customer_revenue = firm.customers * c.revenue_eur_per_customer_month
    ledger.earn("customer_revenue", customer_revenue)
    ledger.spend("cost_of_sales", customer_revenue * (1.0 - c.gross_margin))
    ledger.spend("fixed_costs", c.fixed_costs_eur_per_month)
    analysis = t.in_channel("analysis")
    nominal = (t.demand_per_customer * firm.customers[:, None] + t.demand_fixed)[:, analysis].sum(1)
    insight = np.divide(output[:, analysis].sum(1), nominal, out=np.zeros_like(care), where=nominal > 0)
    np.minimum(insight, 1.0, out=insight)  # the uplift is capped at analysis_margin_max
    ledger.earn("analysis_margin", customer_revenue * c.analysis_margin_max * insight)
    ledger.earn("direct_value", (output * np.where(t.in_channel("direct"), t.value_per_hour, 0.0)).sum(1))
    ledger.earn("project_gains", _finish_projects(firm, output[:, t.in_channel("projects")].sum(1)))

    acquisition = firm.acquisition_base + c.acquisition_per_sales_hour * output[:, t.in_channel("sales")].sum(1)
    _renew_base(firm, churn, acquisition)
    return ServiceReport(uncovered_share=uncovered, quality=quality, churn=churn)


def _workload(firm: FirmState, needed: np.ndarray, done: np.ndarray, back_office: np.ndarray) -> np.ndarray:
    """(R, N) pressure: each person's share of hours on required tasks that are short of hands, by how short
    (needed / done - 1, at most 1; a required task nobody does counts as fully short)."""
    ratio = np.divide(needed, done, out=np.where(needed > 0, 2.0, 1.0), where=done > 0)
    shortfall = np.clip(ratio - 1.0, 0.0, 1.0) * back_office
    return firm.hours_on(shortfall) * firm.at_work


def _finish_projects(firm: FirmState, project_hours: np.ndarray) -> np.ndarray:
    """Project work accumulates; each finished project succeeds with a probability and pays a one-off gain."""
    c = firm.scenario.customers
    firm.project_progress += project_hours
    finished = firm.project_progress >= c.project_hours
    firm.project_progress -= finished * c.project_hours
    success = finished & (firm.drawn("project") < c.project_success_probability)
    return success * c.project_gain_eur


def _renew_base(firm: FirmState, churn: np.ndarray, acquisition: np.ndarray) -> None:
    """Churn and acquisition with Gaussian noise of binomial and Poisson size (fixed draws keep CRN)."""
    c = firm.scenario.customers
    z = firm.drawn("customers")
    n = firm.customers
    lost = np.clip(n * churn + np.sqrt(n * churn * (1.0 - churn)) * z[:, 0], 0.0, n)
    won = np.maximum(acquisition + np.sqrt(acquisition) * z[:, 1], 0.0)
    firm.customers = n - lost + won
    firm.cohort *= 1.0 - churn
    firm.contact_loss *= 0.5 ** (1.0 / c.contact_memory_half_life_months)
