"""Statistics of a comparison, against values computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.compare import MIN_REPLICATES_FOR_P, crossover_months, mean_ci, paired, run_comparison
from experiments.results import load_results, manifest, write_results
from tests.conftest import build, scenario_data


def test_mean_ci_is_a_student_t_interval():
    ci = mean_ci(np.array([1.0, 2.0, 3.0, 4.0]))
    half = 3.182446305284263 * np.std([1, 2, 3, 4], ddof=1) / 2  # t(0.975, 3) * sd / sqrt(4)
    assert ci["mean"] == 2.5
    np.testing.assert_allclose(ci["ci95"], [2.5 - half, 2.5 + half])
    assert mean_ci(np.array([5.0, 5.0]))["ci95"] == [5.0, 5.0]


def test_crossover_is_the_month_from_which_a_stays_ahead():
    b = np.zeros((4, 5))
    a = np.array(
        [
            [-3, -1, 1, 2, 3],  # ahead from month 3 on
            [1, -1, 1, -1, 1],  # ahead again only in the last month
            [1, 2, 3, 4, 5],  # ahead from the start
            [-1, -1, -1, 2, -1],  # behind at the horizon: never
        ],
        dtype=float,
    )
    np.testing.assert_array_equal(crossover_months(a, b), [3, 5, 1, np.nan])


def test_paired_difference_and_probability():
    n = MIN_REPLICATES_FOR_P
    outcomes = {
        "a": {"npv": np.tile([3.0, -1.0, 2.0, 4.0, 0.0], n // 5), "cumulative_profit": np.zeros(n)},
        "b": {"npv": np.zeros(n), "cumulative_profit": np.zeros(n)},
    }
    monthly = {name: {"cumulative_profit": np.zeros((n, 3))} for name in "ab"}
    result = paired("a", "b", outcomes, monthly)
    assert result["npv_diff"]["mean"] == pytest.approx(1.6)
    assert result["p_a_beats_b"] == 0.6  # a tie is not a win
    assert result["crossover_month"] == {"median": None, "ci50": None, "share_never": 1.0}


def test_one_replicate_gives_no_interval_and_too_few_give_no_probability():
    assert mean_ci(np.array([5.0])) == {"mean": 5.0, "ci95": None}
    assert mean_ci(np.array([5.0, 5.0]))["ci95"] == [5.0, 5.0]
    few = {name: {"npv": np.arange(3.0) * (name == "a"), "cumulative_profit": np.zeros(3)} for name in "ab"}
    monthly = {name: {"cumulative_profit": np.zeros((3, 2))} for name in "ab"}
    assert paired("a", "b", few, monthly)["p_a_beats_b"] is None


def test_results_round_trip(tmp_path):
    scenario = build(scenario_data("assistant"), **{"levers.years": 1})
    monthly, outcomes, summary = run_comparison(scenario, ["cost_cutting", "reinvest"], 6, 3)
    write_results(
        tmp_path,
        scenario,
        monthly,
        outcomes,
        summary,
        manifest("x.toml", scenario, [], ["cost_cutting", "reinvest"], 6, 3),
        csv=True,
    )
    saved = load_results(tmp_path)
    assert saved.summary == summary and saved.scenario == scenario
    assert len(saved.monthly) == 2 * 6 * 12 and saved.monthly["month"].min() == 1
    table = saved.outcomes.set_index(["policy", "replicate"])
    np.testing.assert_array_equal(table.loc["reinvest", "npv"].to_numpy(), outcomes["reinvest"]["npv"])
    assert (tmp_path / "monthly.csv").exists()
    assert not list(tmp_path.glob(".*.tmp"))  # atomic writes leave no temporary files


def test_load_results_names_what_is_missing(tmp_path):
    with pytest.raises(ValueError, match="not a results directory"):
        load_results(tmp_path)
