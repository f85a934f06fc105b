"""Many parameter points in one call: common random numbers across points and policies, batched = alone,
results independent of how the work is cut, and the fast path of setting values."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.points import ROWS_PER_TASK, paired_stats, plan, run_points, scenario_at, simulate_many, task_sizes
from experiments.replicates import BLOCK, replicate_seeds
from model import simulate
from model.firm import run_policies
from model.outcomes import outcomes
from model.scenario import ScenarioError, apply_overrides, validate_data
from tests.conftest import build, scenario_data

POLICIES = ["cost_cutting", "reinvest"]


@pytest.fixture(scope="module")
def short():
    return build(scenario_data("assistant"), **{"levers.years": 1})


def test_a_point_in_a_batch_gives_the_numbers_of_the_point_run_alone(short):
    points = [{"levers.reskilling_success": 0.3}, {"customers.contact_loss_churn": 0.5, "levers.years": 2}, {}]
    result = run_points(short, points, POLICIES, replicates=6, root_seed=3)
    for i, point in enumerate(points):
        alone = run_policies(scenario_at(short, point), POLICIES, replicate_seeds(3, 6))
        for policy in POLICIES:
            expected = outcomes(alone[policy], short.headcount)
            for metric, values in expected.items():
                np.testing.assert_allclose(result.outcomes[policy][metric][i], values, rtol=1e-9, err_msg=metric)


def test_replicate_i_of_every_point_shares_its_random_numbers(short):
    """The discount rate changes NPV only: with common random numbers every other outcome is identical."""
    result = run_points(short, [{"levers.discount_rate": r} for r in (0.02, 0.3)], POLICIES, 8, root_seed=1)
    for policy in POLICIES:
        for metric, values in result.outcomes[policy].items():
            if metric != "npv":
                np.testing.assert_array_equal(values[0], values[1], err_msg=metric)
        assert (result.outcomes[policy]["npv"][0] > result.outcomes[policy]["npv"][1]).all()


def test_results_do_not_depend_on_how_the_points_are_cut_into_tasks(short):
    points = [{"levers.years": y, "levers.reskilling_success": s} for y in (1, 2) for s in (0.2, 0.8)]
    whole = run_points(short, points, POLICIES, 5, 2, points_per_task=16)
    single = run_points(short, points, POLICIES, 5, 2, points_per_task=1)
    for policy in POLICIES:
        for metric in whole.outcomes[policy]:
            np.testing.assert_array_equal(whole.outcomes[policy][metric], single.outcomes[policy][metric])


def test_a_task_holds_about_rows_per_task_rows(short):
    assert task_sizes([short], 2, replicates=100) == (ROWS_PER_TASK // 200, BLOCK)  # 100 replicates x 2 roads
    assert task_sizes([short], 2, replicates=1000)[0] == ROWS_PER_TASK // (2 * BLOCK)  # a block at most
    assert task_sizes([short], 32, replicates=200)[0] == 1  # a point bigger than a task is a task of its own


def test_points_of_different_shapes_go_to_different_tasks(short):
    scenarios = [scenario_at(short, {"levers.years": y}) for y in (1, 2, 1)]
    assert [task.points for task in plan(scenarios, 300, points_per_task=8)] == [[0, 2], [0, 2], [1], [1]]
    assert [(t.start, t.stop) for t in plan(scenarios, 300, 8)][:2] == [(0, 200), (200, 300)]  # fixed replicate blocks


def test_the_fast_path_validates_like_the_full_one(short):
    point = {"levers.reskilling_success": 0.25, "customers.base_churn_per_month": 0.02, "levers.years": 3.0}
    slow = validate_data(apply_overrides(short.model_dump(), {**point, "levers.years": 3}, "x"), "x")
    assert scenario_at(short, point) == slow
    with pytest.raises(
        ScenarioError, match=r"levers.reskilling_success = 1.5: Input should be less than or equal to 1"
    ):
        scenario_at(short, {"levers.reskilling_success": 1.5})
    with pytest.raises(ScenarioError, match="levers.colour = 1: unknown key"):
        scenario_at(short, {"levers.colour": 1})
    with pytest.raises(ScenarioError, match="count"):
        scenario_at(short, {"roles.consultant.count": -1})  # other sections: the whole scenario is validated


def test_paired_stats_known_answer():
    stats = paired_stats(np.array([[1.0, 2.0, 3.0, 4.0], [-1.0, -1.0, -1.0, 1.0]]))
    half = 3.182446305284263 * np.std([1, 2, 3, 4], ddof=1) / 2  # t(0.975, 3) * sd / sqrt(4)
    np.testing.assert_allclose(stats.loc[0, ["mean", "ci_low", "ci_high"]], [2.5, 2.5 - half, 2.5 + half])
    assert stats["p_a_beats_b"].tolist() == [1.0, 0.25]


def test_the_tidy_table_has_one_row_per_point_policy_replicate(short):
    points = [{"levers.reskilling_success": 0.3}, {"levers.reskilling_success": 0.6}]
    table = run_points(short, points, POLICIES, 3, 1).table()
    assert len(table) == 2 * 2 * 3
    assert list(table.columns[:4]) == ["point", "levers.reskilling_success", "policy", "replicate"]
    assert table.groupby(["point", "policy"]).size().eq(3).all()


def test_simulate_many_is_simulate_at_each_point():
    points = [{"reskilling_success": 0.3, "years": 1}, {"customers__contact_loss_churn": 0.2, "years": 1}]
    many = simulate_many(points, seed=5, replicates=3)
    for i, point in enumerate(points):
        one = simulate(seed=5, replicates=3, **point)
        assert many.loc[i, list(one)].to_numpy() == pytest.approx(list(one.values()), rel=1e-9)
