"""The headline of a comparison in words a board reads, and the same numbers for a pinned comparison.

The numbers are the summary of ``experiments.compare`` (paired difference of NPV with its 95 % interval,
P(A beats B), crossover month) plus employees and customers kept; A and B are the pair the charts headline
(``charts.data.focus_pair``: the strategic road against the cost-killer road when both run).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from charts import data
from charts.i18n import count, money_short, percent, years_text
from experiments.results import Results
from workshop.i18n import policy_in_text, policy_name, t
from workshop.state import PinNumbers

LEVEL_EUR = 0.5  # a replicate whose NPV difference rounds to zero euros is a tie


@dataclass(frozen=True)
class Card:
    """One headline number: the value in large type and what it is."""

    key: str
    value: str
    label: str


@dataclass(frozen=True)
class Headline:
    sentence: str
    cards: list[Card]
    note: str


def pin_numbers(results: Results) -> PinNumbers | None:
    """The headline numbers of the focus pair, or None when only one road ran."""
    pair = data.focus_pair(results)
    if pair is None:
        return None
    a, b = pair
    summary = data.pair_summary(results, a, b)
    policies = results.summary["policies"]
    headcount = results.scenario.headcount
    return PinNumbers(
        a=a,
        b=b,
        npv_diff=summary["npv_diff"]["mean"],
        npv_diff_ci95=tuple(summary["npv_diff"]["ci95"]) if summary["npv_diff"]["ci95"] else None,
        p_a_beats_b=summary["p_a_beats_b"],
        crossover_month=summary["crossover_month"]["median"],
        share_never=summary["crossover_month"]["share_never"],
        employees_kept={p: policies[p]["employee_retention"]["mean"] * headcount for p in (a, b)},
        customers_kept={p: policies[p]["customer_retention"]["mean"] for p in (a, b)},
        headcount=headcount,
        replicates=data.n_replicates(results),
        years=int(results.summary["years"]),
    )


def headline(results: Results, lang: str) -> Headline:
    """The sentence and cards of a comparison (one road alone: its NPV)."""
    numbers = pin_numbers(results)
    if numbers is None:
        policy = data.policies(results)[0]
        npv = money_short(data.mean_outcome(results, policy, "npv"), lang)
        name = policy_name(results.scenario, policy, lang)
        return Headline(t("w_one_road", lang, a=name, npv=npv), [], t("w_choose_two", lang))
    diff = data.paired_difference(results, numbers.a, numbers.b, "npv")
    scenario = results.scenario
    names = {"a": policy_name(scenario, numbers.a, lang), "b": policy_name(scenario, numbers.b, lang),
             "pa": policy_in_text(scenario, numbers.a, lang), "pb": policy_in_text(scenario, numbers.b, lang)}  # fmt: skip
    return Headline(sentence(numbers, diff, names, lang), cards(numbers, names, lang), note(numbers, lang))


def sentence(numbers: PinNumbers, diff: np.ndarray, names: dict[str, str], lang: str) -> str:
    """``Strategic road: ahead on NPV in 83 of 100 simulated futures`` (or B's, or level)."""
    n = len(diff)
    if np.all(np.abs(diff) < LEVEL_EUR):
        return t("w_level", lang, n=n, **names)
    ahead = int((diff > 0).sum())
    if 2 * ahead >= n:
        return t("w_ahead", lang, road=names["a"], k=ahead, n=n)
    return t("w_ahead", lang, road=names["b"], k=int((diff < 0).sum()), n=n)


def cards(numbers: PinNumbers, names: dict[str, str], lang: str) -> list[Card]:
    years = years_text(numbers.years, lang)
    a, b = numbers.a, numbers.b
    if numbers.npv_diff_ci95 is None:  # one future: no interval
        npv_label = t("w_npv_card_one", lang, years=years, **names)
    else:
        lo, hi = (money_short(x, lang, sign=True) for x in numbers.npv_diff_ci95)
        npv_label = t("w_npv_card", lang, years=years, lo=lo, hi=hi, **names)
    return [
        Card("npv", money_short(numbers.npv_diff, lang, sign=True), npv_label),
        Card("crossover", crossover_value(numbers, lang), crossover_label(numbers, names, lang)),
        Card(
            "employees",
            t("w_versus", lang, a=count(numbers.employees_kept[a], lang), b=count(numbers.employees_kept[b], lang)),
            t("w_employees_card", lang, n=numbers.headcount, years=years, **names),
        ),
        Card(
            "customers",
            t("w_versus", lang, a=percent(numbers.customers_kept[a], lang), b=percent(numbers.customers_kept[b], lang)),
            t("w_customers_card", lang, years=years, **names),
        ),
    ]


def crossover_value(numbers: PinNumbers, lang: str) -> str:
    if numbers.crossover_month is None or numbers.share_never >= 0.5:
        return t("w_never", lang)
    return t("w_month", lang, m=round(numbers.crossover_month))


def crossover_label(numbers: PinNumbers, names: dict[str, str], lang: str) -> str:
    label = t("w_crossover_card", lang, **names)
    if numbers.crossover_month is not None and 0.005 <= numbers.share_never < 0.5:
        label += t("w_never_in", lang, share=percent(numbers.share_never, lang))
    return label


def note(numbers: PinNumbers, lang: str) -> str:
    return t("w_note", lang, n=numbers.replicates, years=years_text(numbers.years, lang))
