"""Twenty sessions moving sliders at once on a real server (its own process, 127.0.0.1) for ten seconds: no error,
and every answer holds the numbers of the settings its own session sent (``benchmarks/workshop_load.py``, which
runs the minute of docs/performance.md)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from benchmarks import workshop_load
from workshop import engine
from workshop.client import Answer

REPLICATES, YEARS = 20, 2
GRID = {"reskilling_success": (0.2, 0.5, 0.8), "automation_scale": (0.5, 1.5)}  # six settings for twenty sessions


def test_twenty_sessions_moving_sliders_each_see_only_their_own_numbers():
    report = workshop_load.run(sessions=20, seconds=10, replicates=REPLICATES, years=YEARS, grid=GRID)
    assert report["problems"] == [] and report["server_log"] == []
    assert report["distinct_sessions"] == 20 and min(report["per_session"]) >= 1


def test_an_answer_for_other_settings_is_caught():
    """The check can fail: an answer computed for one setting, checked as the answer to another."""
    grid = workshop_load.settings_grid()[:2]
    expected = workshop_load.expected_headlines(grid, REPLICATES, 1)
    sentence, cards = expected[workshop_load.key(grid[0])]
    levers = {"automation_scale": grid[0]["automation_scale"], "reskilling_success": grid[0]["reskilling_success"]}
    body = {"response": {"current": {"data": {"ok": True, "controls": {"levers": levers, "replicates": REPLICATES}}},
                         "headline-sentence": {"children": sentence}, "headline-cards": {"children": cards}}}  # fmt: skip
    answer = Answer(200, body)
    assert workshop_load.check(answer, grid[0], REPLICATES, expected) == []
    problems = workshop_load.check(answer, grid[1], REPLICATES, expected)
    assert any("shown for" in p for p in problems) and any(p.startswith("headline ") for p in problems)


def test_a_comparison_asked_for_while_it_is_computed_is_computed_once_and_others_go_on():
    cache, calls, started, release = {}, [], threading.Event(), threading.Event()

    def compute(key: str):
        if key not in cache:
            calls.append(key)
            if key == "slow":
                started.set()
                release.wait(10)
            cache[key] = object()
        return cache[key]

    once = engine.OnceAtATime()
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(once.run, "slow", lambda: compute("slow"))
        assert started.wait(10)
        waiting = [pool.submit(once.run, "slow", lambda: compute("slow")) for _ in range(2)]
        assert pool.submit(once.run, "other", lambda: compute("other")).result(10) is cache["other"]  # not held up
        release.set()
        answers = {future.result(10) for future in (first, *waiting)}
    assert calls == ["slow", "other"] and answers == {cache["slow"]}
