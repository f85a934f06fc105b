"""Designs of points: grids, Latin hypercubes, Sobol sequences and the --vary syntax."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.designs import Variable, design, grid, parse_variable, sample
from model.scenario import ScenarioError
from tests.conftest import build, scenario_data


@pytest.fixture(scope="module")
def scenario():
    return build(scenario_data("assistant"))


def test_a_grid_is_every_combination_first_variable_slowest():
    points = grid([Variable("levers.a", 0.0, 1.0, 3), Variable("levers.b", 10.0, 20.0, 2)])
    assert points == [{"levers.a": a, "levers.b": b} for a in (0.0, 0.5, 1.0) for b in (10.0, 20.0)]


def test_a_latin_hypercube_puts_one_point_in_each_stratum_of_each_variable():
    points = sample("lhs", [Variable("x", 0.0, 10.0), Variable("y", -1.0, 1.0)], 20, seed=3)
    for name, low, high in (("x", 0.0, 10.0), ("y", -1.0, 1.0)):
        strata = np.floor((np.array([p[name] for p in points]) - low) / (high - low) * 20)
        assert sorted(strata) == list(range(20))
    assert points == sample("lhs", [Variable("x", 0.0, 10.0), Variable("y", -1.0, 1.0)], 20, seed=3)


def test_sobol_needs_a_power_of_two():
    points = design("sobol", [Variable("x", 0.0, 1.0)], 16, seed=1)
    assert len(points) == 16 and all(0 <= p["x"] < 1 for p in points)
    with pytest.raises(ScenarioError, match="--samples 20: a Sobol design needs a power of two \\(e.g. 32\\)"):
        design("sobol", [Variable("x", 0.0, 1.0)], 20)


def test_parse_variable_reads_ranges_and_integer_fields(scenario):
    assert parse_variable("levers.reskilling_success=0.2:0.9:8", scenario) == Variable(
        "levers.reskilling_success", 0.2, 0.9, 8
    )
    years = parse_variable("levers.years=1:10:4", scenario)
    assert years.integer and [int(v) for v in years.values(5)] == [1, 4, 7, 10]
    assert parse_variable("reskilling_success=0:1", scenario).path == "levers.reskilling_success"  # identifiers too
    assert parse_variable("policies.reinvest.training_months=1:6", scenario).high == 6.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("levers.reskilling_success", "expected key.path=low:high"),
        ("levers.reskilling_success=0.2:x", "expected key.path=low:high"),
        ("levers.colour=0:1", "no key 'levers.colour'"),
        ("levers.reskilling_success=0.5:1.5", "levers.reskilling_success allows [0, 1]"),
        ("levers.reskilling_success=0.9:0.2", "low must be below high"),
        ("levers.reskilling_success=0.1:0.9:1", "n must be a whole number >= 2"),
        ("meta.name=0:1", "not a numeric parameter"),
    ],
)
def test_bad_variables_are_one_clear_line(scenario, text, message):
    with pytest.raises(ScenarioError) as error:
        parse_variable(text, scenario)
    [line] = error.value.problems
    assert line.startswith(f"--vary {text}: ") and message in line
