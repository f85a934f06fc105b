"""The books: every euro is posted once, to one revenue channel or one cost category, and moves cash.

Profit of a month is the change in cash; the month closes only if that equals revenue minus costs, which
catches any posting that moved cash without a category (or the reverse).
"""

from __future__ import annotations

import numpy as np

REVENUE_CHANNELS = ("customer_revenue", "analysis_margin", "project_gains", "direct_value")
COST_CATEGORIES = (
    "payroll",
    "notice_pay",
    "severance",
    "training",
    "redeployment",
    "hiring",
    "contractors",
    "tool",
    "errors",
    "cost_of_sales",
    "fixed_costs",
)


class BooksDoNotBalance(RuntimeError):
    """Raised when a month's profit differs from revenue minus costs: a bug, never a user's mistake."""


class Ledger:
    """Monthly postings for a batch of replicates: one (R,) vector per revenue channel and cost category, rows
    of one (channels + categories, R) matrix ``book`` (so a month is opened and recorded in one operation)."""

    def __init__(self, n_replicates: int, initial_cash_eur: float | np.ndarray):
        self.cash = np.array(np.broadcast_to(initial_cash_eur, n_replicates), dtype=float)
        self._cash_at_open = self.cash.copy()
        self._bind(np.zeros((len(REVENUE_CHANNELS) + len(COST_CATEGORIES), n_replicates)))

    def _bind(self, book: np.ndarray) -> None:
        self.book = book
        self.revenue = dict(zip(REVENUE_CHANNELS, book[: len(REVENUE_CHANNELS)]))
        self.costs = dict(zip(COST_CATEGORIES, book[len(REVENUE_CHANNELS) :]))

    def rows(self, block: slice) -> Ledger:
        """A view of some replicates' books (postings go through to the full ledger)."""
        view = object.__new__(Ledger)
        view.cash = self.cash[block]
        view._cash_at_open = self._cash_at_open[block]
        view._bind(self.book[:, block])
        return view

    def open_month(self) -> None:
        self.book.fill(0.0)
        self._cash_at_open[:] = self.cash

    def earn(self, channel: str, amount: np.ndarray | float) -> None:
        self.revenue[channel] += amount
        self.cash += amount

    def spend(self, category: str, amount: np.ndarray | float) -> None:
        self.costs[category] += amount
        self.cash -= amount

    def close_month(self) -> np.ndarray:
        """Return the month's profit after checking it against revenue minus costs, to within the rounding of
        the amounts involved (a relative 1e-9 of the cash and of every euro moved)."""
        profit = self.cash - self._cash_at_open
        n = len(REVENUE_CHANNELS)
        expected = self.book[:n].sum(0) - self.book[n:].sum(0)
        scale = np.abs(self._cash_at_open) + np.abs(self.book).sum(0)
        if (np.abs(profit - expected) > 1e-6 + 1e-9 * scale).any():
            raise BooksDoNotBalance(f"profit {profit} differs from revenue - costs {expected}")
        return profit


def severance_eur(monthly_salary: np.ndarray, tenure_months: np.ndarray, rules: dict[str, float]) -> np.ndarray:
    """Legal severance: months of pay per year of service, a higher rate beyond ten years (France, R1234-2)."""
    years = tenure_months / 12.0
    months_of_pay = rules["severance_months_per_year_first_10"] * np.minimum(years, 10.0) + rules[
        "severance_months_per_year_beyond_10"
    ] * np.maximum(years - 10.0, 0.0)
    eligible = tenure_months >= rules["severance_min_tenure_months"]
    return np.where(eligible, months_of_pay * monthly_salary, 0.0)


def discount_factors(annual_rate: float, n_months: int) -> np.ndarray:
    """End-of-month discount factors (1 + r)^(-(t+1)/12)."""
    return (1.0 + annual_rate) ** (-(np.arange(n_months) + 1) / 12.0)
