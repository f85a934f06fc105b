"""Outcomes of a run, one value per replicate, derived from the monthly metrics of ``model.firm``.

Names are identifier-safe (EMA Workbench and SALib use them as column names); money in EUR, rates as fractions.
"""

from __future__ import annotations

import numpy as np

from model.accounting import COST_CATEGORIES, REVENUE_CHANNELS

HEADLINE = (
    "npv", "cumulative_profit", "employee_retention", "annual_quit_rate", "customer_retention",
    "value_created", "total_cost", "final_headcount", "layoffs",
)  # fmt: skip
DETAIL = (
    "hires", "quits", "final_customers", "mean_engagement", "final_routine_share", "mean_uncovered_share",
    "mean_undelivered_share", "undone_required_hours", "peak_reskilled_staff", "peak_reskilling_failed_staff",
)  # fmt: skip
CHANNEL_TOTALS = tuple(f"total_{name}" for name in (*REVENUE_CHANNELS, *COST_CATEGORIES))
OUTCOMES = HEADLINE + DETAIL + CHANNEL_TOTALS


def outcomes(monthly: dict[str, np.ndarray], initial_headcount: int) -> dict[str, np.ndarray]:
    """Per-replicate outcomes (R,) from monthly (R, T) arrays of a firm that started with ``initial_headcount``."""
    years = monthly["profit"].shape[1] / 12.0
    mean_headcount = np.maximum(monthly["headcount"].mean(1), 1e-12)
    result = {
        "npv": monthly["npv_to_date"][:, -1],
        "cumulative_profit": monthly["cumulative_profit"][:, -1],
        "employee_retention": monthly["initial_staff"][:, -1] / initial_headcount,
        "annual_quit_rate": monthly["quits"].sum(1) / mean_headcount / years,
        "customer_retention": monthly["customer_retention"][:, -1],
        "value_created": monthly["revenue"].sum(1),
        "total_cost": monthly["costs"].sum(1),
        "final_headcount": monthly["headcount"][:, -1],
        "layoffs": monthly["layoffs"].sum(1),
        "hires": monthly["hires"].sum(1),
        "quits": monthly["quits"].sum(1),
        "final_customers": monthly["customers"][:, -1],
        "mean_engagement": monthly["engagement"].mean(1),
        "final_routine_share": monthly["routine_share"][:, -1],
        "mean_uncovered_share": monthly["uncovered_share"].mean(1),
        "mean_undelivered_share": monthly["undelivered_share"].mean(1),
        "undone_required_hours": monthly["undone_required_hours"].sum(1),
        "peak_reskilled_staff": monthly["reskilled_staff"].max(1),
        "peak_reskilling_failed_staff": monthly["reskilling_failed_staff"].max(1),
    }
    result.update({f"total_{name}": monthly[name].sum(1) for name in (*REVENUE_CHANNELS, *COST_CATEGORIES)})
    return result
