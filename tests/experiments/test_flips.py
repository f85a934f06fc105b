"""Thresholds where a verdict flips: root-finding on known curves, then through the model on a tiny firm."""

from __future__ import annotations

import pytest

from experiments.flips import PairedDifference, Point, find_crossings, find_flip, main
from model.scenario import Scenario, validate_data
from tests.conftest import SCENARIOS, tiny_firm


def line(slope: float, root: float, half_width: float):
    """A paired difference that is a straight line through ``root``, with a constant 95 % half-width."""
    return lambda v: Point(v, slope * (v - root), slope * (v - root) - half_width, slope * (v - root) + half_width)


def test_a_line_crosses_at_its_root_and_the_bracket_is_where_the_interval_holds_zero():
    points, (crossing,) = find_crossings(line(1000.0, 0.3, 100.0), [0.0, 1.0], xtol=1e-9, a="a", b="b")
    assert [p.value for p in points] == [0.0, 1.0]
    assert crossing.threshold == pytest.approx(0.3)
    assert crossing.bracket == pytest.approx((0.2, 0.4))  # mean +- 100 reaches 0 at 0.3 -+ 0.1
    assert (crossing.winner_below, crossing.winner_above) == ("b", "a")


def test_a_falling_line_names_the_winners_the_other_way_and_an_end_inside_the_interval_is_the_bracket():
    _, (crossing,) = find_crossings(line(-1000.0, 0.3, 500.0), [0.0, 1.0], xtol=1e-9, a="a", b="b")
    assert crossing.threshold == pytest.approx(0.3)
    assert crossing.bracket == pytest.approx((0.0, 0.8))  # at 0 the interval [-200, 800] already holds 0
    assert (crossing.winner_below, crossing.winner_above) == ("a", "b")


def test_two_crossings_are_found_between_the_ends_and_the_scenario_value():
    def parabola(v: float) -> Point:  # positive at both ends, negative at the middle value
        mean = (v - 0.2) * (v - 0.8)
        return Point(v, mean, mean - 0.01, mean + 0.01)

    _, crossings = find_crossings(parabola, [0.0, 1.0, 0.5], xtol=1e-9)
    assert [c.threshold for c in crossings] == pytest.approx([0.2, 0.8])


def test_no_change_of_sign_is_no_crossing():
    points, crossings = find_crossings(line(1.0, -5.0, 0.1), [0.0, 1.0], xtol=1e-9)
    assert crossings == () and all(p.mean > 0 for p in points)


def tiny() -> Scenario:
    """Tiny firm (at-will, no discounting): the clerk's task is automated in month 1; cost_cutting lays off."""
    wave = {"month": 0, "removed_share": {"entry": 1.0}, "ramp_months": 1}
    return validate_data(tiny_firm(**{"automation.waves": [wave]}), "tiny")


def test_a_cost_only_the_cutter_pays_flips_the_verdict_where_it_equals_the_gap():
    """A redeployment cost per layoff lowers cost_cutting's NPV by exactly that cost (one layoff, no discounting):
    the difference reinvest - cost_cutting is D(0) + c, so it crosses zero at c = -D(0)."""
    scenario = tiny()
    start = PairedDifference(scenario, "jurisdiction.redeployment_cost_eur", "reinvest", "cost_cutting", 5, 1)(0.0)
    assert start.mean < 0  # without the cost, laying the idle clerk off pays
    flip = find_flip(scenario, "jurisdiction.redeployment_cost_eur", 0.0, 100_000.0, replicates=5, seed=1)
    (crossing,) = flip.crossings
    assert crossing.threshold == pytest.approx(-start.mean, abs=1.0)
    assert crossing.bracket == pytest.approx((-start.high, -start.low), abs=1.0)
    assert (crossing.winner_below, crossing.winner_above) == ("cost_cutting", "reinvest")
    assert flip.verdict.startswith("flips at")


def test_a_key_that_moves_no_profit_does_not_flip():
    flip = find_flip(tiny(), "simulation.initial_cash_eur", 0.0, 1e6, replicates=3, seed=1)
    assert flip.crossings == ()
    assert flip.points[0].mean == flip.points[1].mean  # initial cash is in cash, never in NPV
    assert flip.verdict == "does not flip within its range"


def test_command_line_rejects_an_unknown_key_before_simulating(capsys):
    assert main([str(SCENARIOS / "assistant.toml"), "--vary", "customers.no_such_key=0:1"]) == 2
    assert "customers.no_such_key" in capsys.readouterr().err


def test_command_line_rejects_a_malformed_range(capsys):
    with pytest.raises(SystemExit) as exit_:
        main([str(SCENARIOS / "assistant.toml"), "--vary", "levers.discount_rate=0.2:0.1"])
    assert exit_.value.code == 2
    assert "low < high" in capsys.readouterr().err
