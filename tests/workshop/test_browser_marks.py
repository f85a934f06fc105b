"""The break-even marks in a real browser with the research toolkit's own function: after the headline, each
slider says where its lever turns the verdict, exactly as ``experiments.breakeven.breakevens`` finds it for the
page's settings, and the marks are greyed out while they compute. The page runs 10 simulated futures (the
address sets them), so that the break-even search takes about a second."""

from __future__ import annotations

import re

import pytest

from experiments.breakeven import breakevens
from model.scenario import LEVER_NAMES, load_scenario, with_levers
from tests.conftest import ROOT
from tests.workshop.conftest import page_browser_or_skip
from workshop.breakeven_marks import lever_key, mark_text
from workshop.browser import VIEWPORT, chromium, headline_settled, set_lever

REPLICATES = 10
SCENARIO = ROOT / "scenarios" / "assistant.toml"


@pytest.fixture(scope="module")
def page():
    page_browser_or_skip()
    from workshop.serve import address, start_in_thread

    server = start_in_thread(SCENARIO)
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(f"{address(server)}?replicates={REPLICATES}")
        headline_settled(page, 90_000)
        yield page
    server.shutdown()


def marks_on_the_page(page) -> dict[str, str]:
    return {name: page.inner_text(f"#mark-{name}") for name in LEVER_NAMES}


def expected_marks(**levers: float) -> dict[str, str]:
    scenario = with_levers(load_scenario(SCENARIO), **levers)
    points = breakevens(scenario, a="reinvest", b="cost_cutting", replicates=REPLICATES)
    texts = {lever_key(p.lever): mark_text(p, scenario, "reinvest", "cost_cutting", "en") for p in points}
    reskilling = next(p for p in points if lever_key(p.lever) == "reskilling_success")
    assert reskilling.verdict == "crosses" and reskilling.a_wins_above  # reskilling that fails hands B the win
    assert texts["reskilling_success"].startswith(f"Strategic road wins above {reskilling.value:.2f} (between ")
    return texts


def test_each_slider_shows_the_break_even_the_toolkit_finds_after_the_headline(page):
    page.wait_for_selector("#levers.marks-fresh", timeout=60_000)
    shown = marks_on_the_page(page)
    expected = expected_marks()
    assert set(expected) == set(LEVER_NAMES) - {"years"}
    assert {name: shown[name] for name in expected} == expected
    assert shown["years"].startswith("No break-even for the horizon")
    value = re.search(r"above (\d\.\d\d)", shown["reskilling_success"]).group(1)
    assert page.locator(f"#lever-reskilling_success .dash-slider-mark:has-text('▲ {value}')").count() == 1


def test_after_a_move_the_marks_are_marked_as_computing_then_follow_the_new_settings(page):
    page.wait_for_selector("#levers.marks-fresh", timeout=60_000)
    before = marks_on_the_page(page)
    set_lever(page, "new_work_demand_scale", 1.5)  # more demand for the new work: reskilling pays sooner
    page.wait_for_function(  # the new headline is shown while the marks are still computing, greyed out
        """() => !document.querySelector('#headline').classList.contains('computing')
                 && document.querySelector('#levers').classList.contains('marks-stale')
                 && location.search.includes('new_work_demand_scale=1.5')""",
        timeout=30_000,
    )
    assert page.locator("#block-reskilling_success .mark-pending").is_visible()
    page.wait_for_selector("#levers.marks-fresh", timeout=60_000)
    shown = marks_on_the_page(page)
    expected = expected_marks(new_work_demand_scale=1.5)
    assert {name: shown[name] for name in expected} == expected
    assert shown["reskilling_success"] != before["reskilling_success"]
