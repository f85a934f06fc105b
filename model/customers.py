"""Customers and the value of work: demand per task, service quality, continuity, churn, acquisition, revenue.

Back-office and billable work are required: their demand follows the customer base and shrinks with
automation. Back-office work not done costs errors and raises churn; billable work not delivered (consulting,
field service) loses the revenue customers pay for it and raises churn. Other work has diminishing returns:
output = D (1 - exp(-E / D)) for effective hours E and demand D, so the first hours of new work are worth the
most.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from model.compiled import compiled
from model.scenario import CHANNELS, Customers
from model.state import FirmState

BACK_OFFICE, BILLABLE, CUSTOMER_CARE, SALES, ANALYSIS, PROJECTS, DIRECT = (CHANNELS.index(c) for c in CHANNELS)


@dataclass
class ServiceReport:
    """What the work of a month achieved, per replicate (kept for outputs)."""

    uncovered_share: np.ndarray  # share of required hours (back office and billable) not done
    undelivered_share: np.ndarray  # share of billable hours not delivered
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
    firm.shortfall = np.zeros((r, firm.tasks.size))
    firm.required_gap = np.zeros((r, firm.tasks.size))  # demand - hours done on required tasks, last month
    firm.contracted = np.zeros((r, firm.tasks.size))  # effective hours bought a month on required tasks
    required = initial_hours * (1.0 - c.staffing_slack)  # the initial staff can do a little more than required
    firm.required_hours_per_customer = np.where(firm.tasks.required, required, 0.0) / c.initial
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
    """(R, K) hours a month before returns diminish; back-office and billable demand is required work."""
    t = firm.tasks
    return _demand(
        firm.customers, firm.required_hours_per_customer, firm.schedule.automated[firm.month + 1],
        t.demand_per_customer, t.demand_fixed, t.demand_scale, t.channel,
    )  # fmt: skip


def task_output(firm: FirmState, hours: np.ndarray) -> np.ndarray:
    """(R, K) output in effective hours with diminishing returns; required work returns demand met."""
    return _task_output(hours, demand(firm), firm.tasks.channel)


def serve(firm: FirmState, hours: np.ndarray) -> ServiceReport:
    """Turn a month of effective hours (R, K) into revenue, error costs, workload and next month's customer
    base (``_serve``); the money is posted to the books here."""
    c = firm.scenario.customers
    t = firm.tasks
    flows = _serve(
        hours, firm.customers, firm.cohort, firm.contact_loss, firm.project_progress, firm.shortfall,
        firm.required_gap, firm.required_hours_per_customer, firm.care_reference, firm.acquisition_base,
        firm.schedule.automated[firm.month + 1], t.demand_per_customer, t.demand_fixed, t.demand_scale, t.channel,
        t.value_per_hour, firm.drawn("customers"), firm.drawn("project"),
        firm.cached("customers", lambda: CustomerParams.of(c)), firm.scenario.levers.customer_sensitivity_scale,
    )  # fmt: skip
    revenue, analysis_margin, direct_value, project_gains, errors, uncovered, quality, churn, undelivered = flows
    ledger = firm.ledger
    ledger.spend("errors", errors)
    ledger.earn("customer_revenue", revenue)
    ledger.spend("cost_of_sales", revenue * (1.0 - c.gross_margin))
    ledger.spend("fixed_costs", c.fixed_costs_eur_per_month)
    ledger.earn("analysis_margin", analysis_margin)
    ledger.earn("direct_value", direct_value)
    ledger.earn("project_gains", project_gains)
    return ServiceReport(uncovered_share=uncovered, undelivered_share=undelivered, quality=quality, churn=churn)


class CustomerParams(NamedTuple):
    """The customer parameters a compiled kernel reads (``c.base_churn_per_month``)."""

    revenue_eur_per_customer_month: float
    base_churn_per_month: float
    acquisition_per_sales_hour: float
    quality_elasticity: float
    quality_cap: float
    contact_loss_churn: float
    contact_memory_decay: float  # monthly factor: 0.5 ** (1 / contact_memory_half_life_months)
    backlog_churn: float
    billable_revenue_share: float
    analysis_margin_max: float
    project_hours: float
    project_success_probability: float
    project_gain_eur: float
    error_cost_eur_per_hour: float

    @classmethod
    def of(cls, c: Customers) -> CustomerParams:
        values = c.model_dump()
        values["contact_memory_decay"] = 0.5 ** (1.0 / c.contact_memory_half_life_months)
        return cls(**{name: float(values[name]) for name in cls._fields})


@compiled
def _demand(customers, required_per_customer, automated, per_customer, fixed, scale, channel):
    out = np.empty(required_per_customer.shape)
    for r in range(out.shape[0]):
        for k in range(out.shape[1]):
            if channel[k] <= BILLABLE:  # required work: back office and billable
                out[r, k] = required_per_customer[r, k] * customers[r] * (1.0 - automated[k])
            else:
                out[r, k] = (per_customer[k] * customers[r] + fixed[k]) * scale[k]
    return out


@compiled
def _task_output(hours, demand, channel):
    """D (1 - exp(-E / D)) for effective hours E and demand D; required work: min(E, D)."""
    out = np.zeros(hours.shape)
    for r in range(out.shape[0]):
        for k in range(out.shape[1]):
            if channel[k] <= BILLABLE:
                out[r, k] = min(hours[r, k], demand[r, k])
            elif demand[r, k] > 0:
                out[r, k] = demand[r, k] * -np.expm1(-hours[r, k] / demand[r, k])
    return out


@compiled
def _serve(
    hours, customers, cohort, contact_loss, project_progress, shortfall, gap, required_per_customer,
    care_reference, acquisition_base, automated, per_customer, fixed, scale, channel, value_per_hour, z,
    project_draw, c, sensitivity,
):  # fmt: skip
    """One month of customers for every replicate: updates the base, cohort, contact loss, project progress, how
    short of hands each required task is (``shortfall``, (R, K)) and its gap (demand - hours, ``gap``) in place;
    returns the month's flows, (9, R): customer revenue, analysis margin, direct value, project gains, error
    costs, uncovered share, service quality, churn, undelivered share."""
    n_rows, n_tasks = hours.shape
    required = _demand(customers, required_per_customer, automated, per_customer, fixed, scale, channel)
    output = _task_output(hours, required, channel)
    flows = np.zeros((9, n_rows))
    for r in range(n_rows):
        needed = missing = billed = unbilled = care = sales = analysis = nominal = projects = direct = 0.0
        for k in range(n_tasks):
            if channel[k] <= BILLABLE:
                undone = max(required[r, k] - hours[r, k], 0.0)
                needed += required[r, k]
                missing += undone
                if channel[k] == BILLABLE:
                    billed += required[r, k]
                    unbilled += undone
                gap[r, k] = required[r, k] - hours[r, k]
                # how short of hands a required task is: needed / done - 1, at most 1 (nobody on it: fully short)
                ratio = required[r, k] / hours[r, k] if hours[r, k] > 0 else (2.0 if required[r, k] > 0 else 1.0)
                shortfall[r, k] = min(max(ratio - 1.0, 0.0), 1.0)
            else:
                gap[r, k] = 0.0
                shortfall[r, k] = 0.0
                care += output[r, k] * (channel[k] == CUSTOMER_CARE)
                sales += output[r, k] * (channel[k] == SALES)
                projects += output[r, k] * (channel[k] == PROJECTS)
                direct += output[r, k] * value_per_hour[k] * (channel[k] == DIRECT)
                if channel[k] == ANALYSIS:
                    analysis += output[r, k]
                    nominal += per_customer[k] * customers[r] + fixed[k]
        uncovered = missing / needed if needed > 0 else 0.0
        undelivered = unbilled / billed if billed > 0 else 0.0
        quality = care / care_reference[r] if care_reference[r] > 0 else 1.0
        churn = min(
            c.base_churn_per_month
            * np.exp(-c.quality_elasticity * sensitivity * (min(quality, c.quality_cap) - 1.0))
            * (1.0 + c.contact_loss_churn * sensitivity * contact_loss[r])
            * (1.0 + c.backlog_churn * sensitivity * uncovered),
            1.0,
        )
        revenue = customers[r] * c.revenue_eur_per_customer_month * (1.0 - c.billable_revenue_share * undelivered)
        insight = min(analysis / nominal, 1.0) if nominal > 0 else 0.0  # the uplift is capped at analysis_margin_max
        # project work accumulates; a finished project succeeds with a probability and pays a one-off gain
        project_progress[r] += projects
        gains = 0.0
        if project_progress[r] >= c.project_hours:
            project_progress[r] -= c.project_hours
            gains = c.project_gain_eur * (project_draw[r] < c.project_success_probability)
        flows[0, r], flows[1, r], flows[2, r], flows[3, r] = (
            revenue,
            revenue * c.analysis_margin_max * insight,
            direct,
            gains,
        )
        flows[4, r], flows[5, r], flows[6, r], flows[7, r], flows[8, r] = (
            (missing - unbilled) * c.error_cost_eur_per_hour,
            uncovered,
            quality,
            churn,
            undelivered,
        )
        # churn and acquisition with Gaussian noise of binomial and Poisson size (fixed draws keep CRN)
        n = customers[r]
        lost = min(max(n * churn + np.sqrt(n * churn * (1.0 - churn)) * z[r, 0], 0.0), n)
        acquisition = acquisition_base[r] + c.acquisition_per_sales_hour * sales
        won = max(acquisition + np.sqrt(acquisition) * z[r, 1], 0.0)
        customers[r] = n - lost + won
        cohort[r] *= 1.0 - churn
        contact_loss[r] *= c.contact_memory_decay
    return flows
