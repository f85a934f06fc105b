"""The headline in words: which road is ahead in how many futures, and the numbers behind the cards."""

from __future__ import annotations

import numpy as np
import pytest

from workshop.engine import compare
from workshop.headline import headline, pin_numbers, sentence


@pytest.fixture(scope="module")
def results(assistant):
    from model.scenario import with_levers

    return compare(with_levers(assistant, years=2), ["cost_cutting", "reinvest"], 30).results


def names():
    return {"a": "Strategic road", "b": "Cost-killer road", "pa": "the strategic road", "pb": "the cost-killer road"}


def test_the_sentence_counts_the_futures_where_each_road_is_ahead():
    numbers = None
    assert (
        sentence(numbers, np.array([5.0, 3.0, -2.0]), names(), "en")
        == "Strategic road: ahead on NPV in 2 of 3 simulated futures"
    )
    assert (
        sentence(numbers, np.array([-5.0, -3.0, 2.0]), names(), "en")
        == "Cost-killer road: ahead on NPV in 2 of 3 simulated futures"
    )
    assert sentence(numbers, np.array([0.1, -0.2]), names(), "fr").endswith("à égalité dans les 2 futurs simulés")


def test_the_headline_is_the_summary_in_words(results):
    words = headline(results, "en")
    pair = results.summary["paired"][0]
    diff_sign = np.sign(pair["npv_diff"]["mean"])
    k = round(pair["p_a_beats_b"] * 30)
    expected = f"Strategic road: ahead on NPV in {k} of 30" if diff_sign > 0 else "Cost-killer road: ahead on NPV in"
    assert words.sentence.startswith(expected)
    cards = {card.key: card for card in words.cards}
    assert set(cards) == {"npv", "crossover", "employees", "customers"}
    assert "over 2 years" in cards["npv"].label and "95 % interval" in cards["npv"].label


def test_pinned_numbers_keep_the_pair_and_people_kept(results):
    numbers = pin_numbers(results)
    policies = results.summary["policies"]
    assert (numbers.a, numbers.b) == ("reinvest", "cost_cutting")
    assert numbers.employees_kept["reinvest"] == pytest.approx(policies["reinvest"]["employee_retention"]["mean"] * 20)
    assert numbers.npv_diff_ci95[0] <= numbers.npv_diff <= numbers.npv_diff_ci95[1]
    assert numbers.replicates == 30 and numbers.years == 2


def test_one_road_alone_has_no_pair(assistant):
    from model.scenario import with_levers

    alone = compare(with_levers(assistant, years=1), ["reinvest"], 4).results
    assert pin_numbers(alone) is None
    words = headline(alone, "fr")
    assert words.sentence.startswith("La voie stratégique seule : VAN") and words.cards == []


def test_one_future_has_no_interval_and_too_few_no_share(assistant):
    from model.scenario import with_levers
    from workshop.pinned import bar_label

    short = with_levers(assistant, years=1)
    one = compare(short, ["cost_cutting", "reinvest"], 1).results
    card = next(card for card in headline(one, "en").cards if card.key == "npv")
    assert card.label.endswith("one simulated future: no interval") and "95 %" not in card.label
    numbers = pin_numbers(one)
    assert numbers.npv_diff_ci95 is None and numbers.p_a_beats_b is None
    assert numbers.interval_or_mean() == (numbers.npv_diff, numbers.npv_diff)
    assert bar_label(numbers, short, "en").startswith("<b>") and "ahead" not in bar_label(numbers, short, "en")


def test_a_pinned_bar_names_the_road_it_favours_and_its_share(results):
    from workshop.pinned import bar_label

    numbers = pin_numbers(results).model_copy(update={"npv_diff": -33_000.0, "p_a_beats_b": 0.29})
    assert bar_label(numbers, results.scenario, "en") == "<b>−33k EUR</b> · Cost-killer road ahead in 71%"
    numbers = numbers.model_copy(update={"npv_diff": 51_000.0, "p_a_beats_b": 0.71})
    assert bar_label(numbers, results.scenario, "fr").endswith("La voie stratégique devant dans 71\u202f%")
