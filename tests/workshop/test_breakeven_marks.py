"""Where the road turns: the words and slider marks of the research toolkit's break-even points, and their cache."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from charts.i18n import NNBSP
from experiments.breakeven import BreakEven
from workshop.breakeven_marks import MarkCache, Superseded, mark_text, slider_marks


def point(lever="reskilling_success", value=0.42, verdict="crosses", above=True, interval=None, low=0.0, high=1.0):
    return BreakEven(
        lever=lever, low=low, high=high, value=value, interval=interval, verdict=verdict, a_wins_above=above
    )


@pytest.mark.parametrize(
    ("mark", "lang", "text"),
    [
        (point(), "en", "Strategic road wins above 0.42"),
        (point(above=False), "en", "Strategic road wins below 0.42"),
        (point(above=None), "en", "The roads cross at 0.42"),
        (point(interval=(0.38, 0.46)), "en", "Strategic road wins above 0.42 (between 0.38 and 0.46)"),
        (point(), "fr", "La voie stratégique l'emporte au-dessus de 0,42"),
        (point(verdict="a_wins_everywhere", value=None, above=None), "en", "Strategic road wins over the whole range"),
        (
            point(verdict="b_wins_everywhere", value=None, above=None),
            "fr",
            "La voie courte (cost-killer) l'emporte sur toute la plage",
        ),
        (point("levers.discount_rate", 0.095, low=0.04, high=0.15), "en", "Strategic road wins above 9.5%"),
        (
            point("discount_rate", 0.095, low=0.04, high=0.15),
            "fr",
            f"La voie stratégique l'emporte au-dessus de 9,5{NNBSP}%",
        ),
        (point("years", 3.4, low=1, high=10, above=True), "en", "Strategic road wins above 3.4 years"),
        (point("years", 3.0, low=1, high=10, above=True), "fr", "La voie stratégique l'emporte au-dessus de 3 ans"),
    ],
)
def test_a_break_even_reads_as_who_wins_on_which_side(assistant, mark, lang, text):
    assert mark_text(mark, assistant, "reinvest", "cost_cutting", lang) == text


def test_the_slider_carries_the_break_even_only_when_the_roads_cross_inside_its_range():
    marks = slider_marks(0.0, 1.0, "reskilling_success", "en", point())
    assert marks["0.42"]["label"] == "▲ 0.42" and set(marks) == {"0", "1", "0.42"}
    assert set(slider_marks(0.0, 1.0, "reskilling_success", "en", point(value=1.3))) == {"0", "1"}
    assert set(slider_marks(0.0, 1.0, "reskilling_success", "en", point(verdict="a_wins_everywhere"))) == {"0", "1"}
    assert set(slider_marks(0.0, 1.0, "reskilling_success", "en", None)) == {"0", "1"}


def test_marks_are_cached_by_their_inputs(assistant):
    calls = []

    def fake(scenario, levers=None, a="reinvest", b="cost_cutting", replicates=100, seed=None, executor=None):
        calls.append((scenario.levers.reskilling_success, a, b, replicates, seed))
        return [point("levers.reskilling_success")]

    from model.scenario import with_levers

    cache = MarkCache(fake, size=2)
    first = cache.points(assistant, "reinvest", "cost_cutting", 100)
    assert cache.points(assistant, "reinvest", "cost_cutting", 100) is first and len(calls) == 1
    assert set(first) == {"reskilling_success"}  # "levers.X" and "X" name the same lever
    cache.points(with_levers(assistant, reskilling_success=0.3), "reinvest", "cost_cutting", 100)
    cache.points(assistant, "reinvest", "cost_cutting", 50)
    cache.points(assistant, "reinvest", "cost_cutting", 100)  # evicted (size 2): computed again
    assert len(calls) == 4 and calls[0][4] == assistant.simulation.seed


def test_a_search_already_running_for_the_same_inputs_is_waited_for_not_run_twice(assistant):
    started, release, calls = threading.Event(), threading.Event(), []

    def slow(scenario, levers=None, a="reinvest", b="cost_cutting", replicates=100, seed=None, executor=None):
        calls.append(replicates)
        started.set()
        release.wait(10)
        return [point()]

    cache = MarkCache(slow)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(cache.points, assistant, "reinvest", "cost_cutting", 100)
        started.wait(10)
        second = pool.submit(cache.points, assistant, "reinvest", "cost_cutting", 100)  # the page asks again
        time.sleep(0.2)  # the second ask arrives while the first search runs
        release.set()
        assert first.result(10) is second.result(10) and calls == [100]


def test_a_failed_search_fails_every_waiter_and_the_next_ask_searches_again(assistant):
    calls = []

    def broken(scenario, **_):
        calls.append(1)
        raise RuntimeError("no points")

    cache = MarkCache(broken)
    for _ in range(2):
        with pytest.raises(RuntimeError, match="no points"):
            cache.points(assistant, "reinvest", "cost_cutting", 10)
    assert len(calls) == 2


def test_one_search_at_a_time_and_settings_a_room_has_left_are_not_searched(assistant):
    from model.scenario import with_levers

    started, release, searched, running = threading.Event(), threading.Event(), [], []

    def slow(scenario, levers=None, a="reinvest", b="cost_cutting", replicates=100, seed=None, executor=None):
        running.append(1)
        assert len(running) == 1  # never two searches at once
        searched.append(scenario.levers.reskilling_success)
        started.set()
        release.wait(10)
        running.pop()
        return [point()]

    cache = MarkCache(slow)
    moves = [with_levers(assistant, reskilling_success=v) for v in (0.2, 0.3, 0.4)]
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(cache.points, moves[0], "reinvest", "cost_cutting", 20, "room")
        started.wait(10)
        left = pool.submit(cache.points, moves[1], "reinvest", "cost_cutting", 20, "room")  # waits its turn...
        time.sleep(0.2)
        last = pool.submit(cache.points, moves[2], "reinvest", "cost_cutting", 20, "room")  # ...the room moved on
        time.sleep(0.2)
        release.set()
        assert set(first.result(10)) == set(last.result(10)) == {"reskilling_success"}
        with pytest.raises(Superseded):
            left.result(10)
    assert searched == [0.2, 0.4]


def test_a_break_even_beyond_the_slider_says_so(assistant):
    far = point("new_work_demand_scale", 4.93, low=0.0, high=5.0, interval=(3.2, 5.0))
    text = mark_text(far, assistant, "reinvest", "cost_cutting", "en", slider=(0.0, 2.0))
    assert text == "Strategic road wins above 4.93, beyond this slider's range (between 3.20 and 5.00)"
    assert "beyond" not in mark_text(point(), assistant, "reinvest", "cost_cutting", "en", slider=(0.0, 1.0))
    assert slider_marks(0.04, 0.15, "discount_rate", "fr", None) == {"0.04": f"4{NNBSP}%", "0.15": f"15{NNBSP}%"}
