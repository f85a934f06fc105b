"""Customers and the value of work: demand per task, service quality, continuity, churn, acquisition, revenue.

Back-office and billable work are required: their demand follows the customer base and shrinks with
automation. Back-office work not done costs errors and raises churn; billable work not delivered (consulting,
field service) loses the revenue customers pay for it and raises churn. Other work has diminishing returns:
output = D (1 - exp(-E / D)) for effective hours E and demand D, so the first hours of new work are worth the
most.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

import numpy as np

from model.compiled import compiled
from model.scenario import CHANNELS, Scenario
from model.state import FirmState, point_params

BACK_OFFICE, BILLABLE, CUSTOMER_CARE, SALES, ANALYSIS, PROJECTS, DIRECT = (CHANNELS.index(c) for c in CHANNELS)


@dataclass
class ServiceReport:
    """What the work of a month achieved, per replicate (kept for outputs)."""

    uncovered_share: np.ndarray  # share of required hours (back office and billable) not done
    undelivered_share: np.ndarray  # share of billable hours not delivered
    quality: np.ndarray  # customer-care output relative to the initial month
    churn: np.ndarray  # monthly churn probability


def init_customers(firm: FirmState, initial_hours: np.ndarray) -> None:
    """Set the base and the references that make the initial month a steady state, row by row with each row's
    point's parameters (in place: the arrays are the firm's, ``FirmState._init_customers``).

    Args:
        firm: the firm, before its first month.
        initial_hours: (R, K) effective hours per task of the initial staff, before any automation.
    """
    initial = firm.per_row("customers.initial")
    firm.customers[:] = initial
    firm.cohort[:] = initial
    firm.project_progress[:] = 0.0
    firm.contact_loss[:] = firm.per_row("steady_contact_loss", steady_contact_loss)
    # the initial staff can do a little more than required
    required = initial_hours * (1.0 - firm.per_row("customers.staffing_slack")[:, None])
    firm.required_hours_per_customer[:] = np.where(firm.tasks.required, required, 0.0) / initial[:, None]
    output = task_output(firm, initial_hours)
    firm.care_reference[:] = output[:, firm.tasks.in_channel("customer_care")].sum(1)
    sales = output[:, firm.tasks.in_channel("sales")].sum(1)
    # balance expected churn where acquisition is not given: a stationary base when nothing changes
    churn = firm.per_row("customers.base_churn_per_month") * (
        1.0
        + firm.per_row("customers.contact_loss_churn")
        * firm.per_row("levers.customer_sensitivity_scale")
        * firm.contact_loss
    )
    balanced = np.maximum(churn * initial - firm.per_row("customers.acquisition_per_sales_hour") * sales, 0.0)
    given = firm.per_row("acquisition_per_month", given_acquisition)
    firm.acquisition_base[:] = np.where(np.isnan(given), balanced, given)


def given_acquisition(firm: FirmState) -> float:
    """Customers won a month when the scenario gives the number, NaN when acquisition balances churn."""
    acquisition = firm.scenario.customers.acquisition_per_month
    return np.nan if acquisition is None else acquisition


def steady_contact_loss(firm: FirmState) -> float:
    """Share of customers who recently lost their contact when people quit at the baseline rate:
    the fixed point of loss = min(loss * decay + quit rate, 1) (of a one-point firm or view); a share, so at
    most 1, as ``lose_contacts`` keeps it."""
    decay = 0.5 ** (1.0 / firm.scenario.customers.contact_memory_half_life_months)
    return min(firm.quit_rate_per_month * firm.scenario.turnover.market_tightness / (1.0 - decay), 1.0)


def demand(firm: FirmState) -> np.ndarray:
    """(R, K) hours a month before returns diminish; back-office and billable demand is required work."""
    t = task_params(firm)
    return _demand(
        firm.customers, firm.required_hours_per_customer, firm.row_point, t.automated[:, firm.month + 1],
        t.demand_per_customer, t.demand_fixed, t.demand_scale, firm.tasks.channel,
    )  # fmt: skip


def task_output(firm: FirmState, hours: np.ndarray) -> np.ndarray:
    """(R, K) output in effective hours with diminishing returns; required work returns demand met."""
    return _task_output(hours, demand(firm), firm.tasks.channel)


def serve(firm: FirmState, hours: np.ndarray) -> ServiceReport:
    """Turn a month of effective hours (R, K) into revenue, error costs, workload and next month's customer
    base (``_serve``); the money is posted to the books here."""
    t = task_params(firm)
    flows = _serve(
        hours, firm.customers, firm.cohort, firm.contact_loss, firm.project_progress, firm.shortfall,
        firm.required_gap, firm.required_hours_per_customer, firm.care_reference, firm.acquisition_base,
        firm.row_point, t.automated[:, firm.month + 1], t.demand_per_customer, t.demand_fixed, t.demand_scale,
        firm.tasks.channel, t.value_per_hour, firm.drawn("customers"), firm.drawn("project"),
        firm.cached("customers", lambda: point_params(firm, CustomerParams)),
    )  # fmt: skip
    revenue, analysis_margin, direct_value, project_gains, errors, uncovered, quality, churn, undelivered = flows[:9]
    cost_of_sales, fixed_costs = flows[9:]
    ledger = firm.ledger
    ledger.spend("errors", errors)
    ledger.earn("customer_revenue", revenue)
    ledger.spend("cost_of_sales", cost_of_sales)
    ledger.spend("fixed_costs", fixed_costs)
    ledger.earn("analysis_margin", analysis_margin)
    ledger.earn("direct_value", direct_value)
    ledger.earn("project_gains", project_gains)
    return ServiceReport(uncovered_share=uncovered, undelivered_share=undelivered, quality=quality, churn=churn)


class TaskParams(NamedTuple):
    """Each point's task values the kernels read: (P, K) arrays, and the tool's (P, T + 1, K) removed shares."""

    demand_per_customer: np.ndarray
    demand_fixed: np.ndarray
    demand_scale: np.ndarray
    value_per_hour: np.ndarray
    automated: np.ndarray


def task_params(firm: FirmState) -> TaskParams:
    return firm.cached(
        "tasks",
        lambda: TaskParams(
            *(firm.per_point(name, attrgetter(f"tasks.{name}")) for name in TaskParams._fields[:-1]),
            automated=firm.per_point("automated", attrgetter("schedule.automated")),
        ),
    )


class CustomerParams(NamedTuple):
    """The customer parameters a compiled kernel reads, one value per point (``c.base_churn_per_month[p]``)."""

    revenue_eur_per_customer_month: np.ndarray
    base_churn_per_month: np.ndarray
    acquisition_per_sales_hour: np.ndarray
    quality_elasticity: np.ndarray
    quality_cap: np.ndarray
    contact_loss_churn: np.ndarray
    contact_memory_decay: np.ndarray  # monthly factor: 0.5 ** (1 / contact_memory_half_life_months)
    backlog_churn: np.ndarray
    billable_revenue_share: np.ndarray
    analysis_margin_max: np.ndarray
    project_hours: np.ndarray
    project_success_probability: np.ndarray
    project_gain_eur: np.ndarray
    error_cost_eur_per_hour: np.ndarray
    gross_margin: np.ndarray
    fixed_costs_eur_per_month: np.ndarray
    sensitivity: np.ndarray  # levers.customer_sensitivity_scale

    @staticmethod
    def values(scenario: Scenario) -> dict[str, float]:
        c = scenario.customers
        return c.model_dump() | {
            "contact_memory_decay": 0.5 ** (1.0 / c.contact_memory_half_life_months),
            "sensitivity": scenario.levers.customer_sensitivity_scale,
        }


@compiled
def _demand(customers, required_per_customer, point, automated, per_customer, fixed, scale, channel):
    """(R, K) demand; the tasks' values of row r are those of its point, ``point[r]`` ((P, K) arrays)."""
    out = np.empty(required_per_customer.shape)
    for r in range(out.shape[0]):
        p = point[r]
        for k in range(out.shape[1]):
            if channel[k] <= BILLABLE:  # required work: back office and billable
                out[r, k] = required_per_customer[r, k] * customers[r] * (1.0 - automated[p, k])
            else:
                out[r, k] = (per_customer[p, k] * customers[r] + fixed[p, k]) * scale[p, k]
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
    care_reference, acquisition_base, point, automated, per_customer, fixed, scale, channel, value_per_hour, z,
    project_draw, c,
):  # fmt: skip
    """One month of customers for every replicate: updates the base, cohort, contact loss, project progress, how
    short of hands each required task is (``shortfall``, (R, K)) and its gap (demand - hours, ``gap``) in place;
    returns the month's flows, (11, R): customer revenue, analysis margin, direct value, project gains, error
    costs, uncovered share, service quality, churn, undelivered share, cost of sales, fixed costs. Row r reads
    the parameters of its point ``p = point[r]`` (``c``: CustomerParams of (P,) arrays; tasks' (P, K) arrays)."""
    n_rows, n_tasks = hours.shape
    required = _demand(customers, required_per_customer, point, automated, per_customer, fixed, scale, channel)
    output = _task_output(hours, required, channel)
    flows = np.zeros((11, n_rows))
    for r in range(n_rows):
        p = point[r]
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
                direct += output[r, k] * value_per_hour[p, k] * (channel[k] == DIRECT)
                if channel[k] == ANALYSIS:
                    analysis += output[r, k]
                    nominal += per_customer[p, k] * customers[r] + fixed[p, k]
        uncovered = missing / needed if needed > 0 else 0.0
        undelivered = unbilled / billed if billed > 0 else 0.0
        quality = care / care_reference[r] if care_reference[r] > 0 else 1.0
        sensitivity = c.sensitivity[p]
        churn = min(
            c.base_churn_per_month[p]
            * np.exp(-c.quality_elasticity[p] * sensitivity * (min(quality, c.quality_cap[p]) - 1.0))
            * (1.0 + c.contact_loss_churn[p] * sensitivity * contact_loss[r])
            * (1.0 + c.backlog_churn[p] * sensitivity * uncovered),
            1.0,
        )
        revenue = customers[r] * c.revenue_eur_per_customer_month[p] * (1.0 - c.billable_revenue_share[p] * undelivered)
        insight = min(analysis / nominal, 1.0) if nominal > 0 else 0.0  # the uplift is capped at analysis_margin_max
        # project work accumulates; a finished project succeeds with a probability and pays a one-off gain
        project_progress[r] += projects
        gains = 0.0
        if project_progress[r] >= c.project_hours[p]:
            project_progress[r] -= c.project_hours[p]
            gains = c.project_gain_eur[p] * (project_draw[r] < c.project_success_probability[p])
        flows[0, r], flows[1, r], flows[2, r], flows[3, r] = (
            revenue,
            revenue * c.analysis_margin_max[p] * insight,
            direct,
            gains,
        )
        flows[4, r], flows[5, r], flows[6, r], flows[7, r], flows[8, r] = (
            (missing - unbilled) * c.error_cost_eur_per_hour[p],
            uncovered,
            quality,
            churn,
            undelivered,
        )
        flows[9, r], flows[10, r] = revenue * (1.0 - c.gross_margin[p]), c.fixed_costs_eur_per_month[p]
        # churn and acquisition with Gaussian noise of binomial and Poisson size (fixed draws keep CRN)
        n = customers[r]
        lost = min(max(n * churn + np.sqrt(n * churn * (1.0 - churn)) * z[r, 0], 0.0), n)
        acquisition = acquisition_base[r] + c.acquisition_per_sales_hour[p] * sales
        won = max(acquisition + np.sqrt(acquisition) * z[r, 1], 0.0)
        customers[r] = n - lost + won
        cohort[r] *= 1.0 - churn
        contact_loss[r] *= c.contact_memory_decay[p]
    return flows
