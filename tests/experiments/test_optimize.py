"""Each road at its best: the search space read from the policies' fields, seeded studies, held-out replicates,
a known optimum, the saved optimum and the fair fight."""

from __future__ import annotations

import tomllib

import numpy as np
import optuna
import pytest

from experiments.compare import run_comparison
from experiments.optimize import (
    BOUNDS,
    DECISIONS,
    OptimumError,
    apply,
    best_tables,
    best_tables_toml,
    fair_fight,
    load_optimum,
    npv_by_policy,
    optimize,
    policy_params,
    search_space,
    verdict,
    verdict_change,
    with_policy_tables,
    write_optimum,
)
from experiments.replicates import held_out_root, replicate_seeds
from model.policies import POLICIES
from model.scenario import validate_data
from model.state import draws_for
from tests.conftest import build, scenario_data, tiny_firm

ASSISTANT_TARGETS = {"customer_follow_up", "commercial_analysis", "sales_arguments"}


@pytest.fixture(scope="module")
def every_policy():
    """The assistant scenario with one policy of every built-in kind, over one year."""
    data = scenario_data("assistant")
    data["levers"]["years"] = 1
    targets = data["policies"][1]["targets"]
    data["policies"] += [
        {"name": "hybrid", "kind": "hybrid", "targets": targets},
        {"name": "attrition", "kind": "attrition"},
        {"name": "status_quo", "kind": "status_quo"},
    ]
    return validate_data(data, "every policy")


@pytest.fixture(scope="module")
def study(every_policy):
    """A small seeded study of the two roads, and its scenario."""
    summary, trials = optimize(every_policy, ["cost_cutting", "reinvest"], budget=6, replicates=4, holdout=12, seed=3)
    return summary, trials


def dims(scenario, name):
    return {d.name: d for d in search_space(scenario, name).dimensions}


def test_every_field_of_every_built_in_policy_is_searched_or_said_why_not(every_policy):
    assert {every_policy.policy(n).kind for n in every_policy.policy_names()} == set(POLICIES)
    for name in every_policy.policy_names():
        space = search_space(every_policy, name)
        searched = {d.name.split(".")[0] for d in space.dimensions}
        fields = set(POLICIES[space.kind].Params.model_fields)
        assert searched | set(space.not_searched) == fields and not searched & set(space.not_searched)
        assert not [f for f, why in space.not_searched.items() if why.startswith("unclassified")]
        assert searched <= set(DECISIONS)
    assert set(search_space(every_policy, "reinvest").not_searched) == {"training_cost_eur"}
    assert set(search_space(every_policy, "hybrid").not_searched) == {"training_cost_eur"}
    assert set(dims(every_policy, "status_quo")) == {"fix_undone_after_months", "undone_tolerance"}


def test_bounds_and_choices_come_from_the_fields(every_policy):
    cut = dims(every_policy, "cost_cutting")
    assert cut["targeting"].choices == ("most_freed", "lowest_performer", "last_in_first_out")
    assert cut["cut"].choices == ("whole_posts", "reduced_hours")
    assert cut["exit_route"].choices == ("dismissal", "mutual_agreement")
    assert (cut["adoption_before_cut"].low, cut["adoption_before_cut"].high) == (0.0, 1.0)  # ge 0, le 1
    assert (cut["min_fte_to_cut"].low, cut["min_fte_to_cut"].high) == (0.01, 1.0)  # gt 0: in by 1 % of the range
    assert (cut["mutual_agreement_premium_months"].low, cut["mutual_agreement_premium_months"].high) == (0.0, 24.0)
    undone = cut["fix_undone_after_months"]
    assert (undone.kind, undone.low, undone.high, undone.optional) == ("int", 1, 24, True)  # 1..24 or never
    reinvest = dims(every_policy, "reinvest")
    assert (reinvest["training_months"].low, reinvest["training_months"].high) == BOUNDS["training_months"] == (1, 12)
    assert reinvest["saturation"].low == 0.0 and reinvest["saturation"].high == pytest.approx(0.99)  # lt 1
    assert reinvest["send_back_to_required"].choices == (False, True)
    assert reinvest["on_failure"].choices == ("keep", "lay_off")
    weights = [d for n, d in reinvest.items() if n.startswith("targets.")]
    assert {d.name.removeprefix("targets.") for d in weights} == ASSISTANT_TARGETS
    assert all((d.low, d.high, d.log) == (0.01, 1.0, True) for d in weights)
    hybrid = dims(every_policy, "hybrid")
    assert (hybrid["reinvest_share"].low, hybrid["reinvest_share"].high) == (0.0, 1.0)
    assert set(cut) | set(reinvest) | {"reinvest_share"} == set(hybrid)
    assert set(dims(every_policy, "attrition")) == {
        "fix_undone_after_months",
        "undone_tolerance",
        "adoption_before_cut",
        "min_fte_to_cut",
    }


def test_every_end_of_every_range_is_a_valid_policy(every_policy):
    for name in every_policy.policy_names():
        space = search_space(every_policy, name)
        params_model = POLICIES[space.kind].Params
        base = policy_params(every_policy, name)
        for d in space.dimensions:
            values = d.choices if d.kind == "choice" else (d.low, d.high)
            for value in (*values, *((None,) if d.optional else ())):
                params_model.model_validate(apply(base, {d.name: value}))  # raises if out of the field's range


def test_a_parameter_is_searched_only_where_it_acts(every_policy):
    space = search_space(every_policy, "hybrid")
    base = policy_params(every_policy, "hybrid")
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    seen = set()
    for _ in range(60):
        trial = study.ask()
        space.sample(trial, base)
        drawn = trial.params
        whole_posts = drawn["cut"] == "whole_posts"
        seen.add((drawn["cut"], drawn.get("exit_route")))
        assert ("targeting" in drawn) == ("min_fte_to_cut" in drawn) == ("exit_route" in drawn) == whole_posts
        assert ("min_reduction_fte" in drawn) == (not whole_posts)
        assert ("mutual_agreement_premium_months" in drawn) == (drawn.get("exit_route") == "mutual_agreement")
        assert ("fix_undone_after_months" in drawn) == (not drawn["fix_undone_after_months.none"])
        study.tell(trial, 0.0)
    assert seen == {("whole_posts", "dismissal"), ("whole_posts", "mutual_agreement"), ("reduced_hours", None)}


def test_one_target_has_no_weight_to_search_and_a_range_holds_the_scenario_value():
    data = tiny_firm()
    data["policies"][1]["training_months"] = 0.5
    scenario = build(data)
    reinvest = dims(scenario, "reinvest")
    assert not [n for n in reinvest if n.startswith("targets")]
    assert (reinvest["training_months"].low, reinvest["training_months"].high) == (0.5, 12.0)


def test_trials_in_a_batch_get_the_numbers_they_would_get_alone(every_policy):
    early = {"kind": "cost_cutting", **policy_params(every_policy, "cost_cutting"), "adoption_before_cut": 0.0}
    reduced = {**early, "cut": "reduced_hours"}
    alone = npv_by_policy(every_policy, {"a": early}, 6, 5)["a"]
    batched = npv_by_policy(every_policy, {"b": reduced, "a": early}, 6, 5)
    np.testing.assert_array_equal(alone, batched["a"])
    assert not np.array_equal(batched["a"], batched["b"])


def test_held_out_replicates_share_no_random_number_with_the_search_set(every_policy):
    search = draws_for(every_policy, replicate_seeds(11, 30))
    held = draws_for(every_policy, replicate_seeds(held_out_root(11), 30))
    for field in ("aptitude", "tenure", "tiebreak"):
        a, b = getattr(search, field), getattr(held, field)
        assert not (a[:, None, :] == b[None, :, :]).any(-1).any()  # not one number in common, any replicate pair
    assert not np.isin(search.quit[:, 0], held.quit[:, 0]).any()


def test_the_search_set_is_what_compare_runs_and_the_figures_are_held_out(every_policy, study):
    summary, _ = study
    _, outcomes, _ = run_comparison(every_policy, ["cost_cutting", "reinvest"], 4, 3)
    for name in ("cost_cutting", "reinvest"):
        result = summary["policies"][name]
        assert result["in_sample"]["default"]["mean"] == pytest.approx(outcomes[name]["npv"].mean(), rel=1e-12)
        assert result["held_out"]["default"]["mean"] != pytest.approx(result["in_sample"]["default"]["mean"])
    assert summary["held_out_set"] == "replicates 0..11 of SeedSequence([3, 1])"


def test_a_study_is_reproducible_with_its_seed(every_policy, study):
    summary, trials = study
    again, trials_again = optimize(
        every_policy, ["cost_cutting", "reinvest"], budget=6, replicates=4, holdout=12, seed=3
    )
    timeless = [{k: v for k, v in s.items() if k != "seconds"} for s in (summary, again)]
    assert timeless[0] == timeless[1]
    assert trials.equals(trials_again)
    _, other = optimize(every_policy, ["cost_cutting"], budget=6, replicates=4, holdout=4, seed=4)
    assert not other.equals(trials_again[trials_again.policy == "cost_cutting"])


def test_the_first_trial_is_the_scenario_and_the_optimum_is_no_worse_in_sample(every_policy, study):
    summary, trials = study
    for name in ("cost_cutting", "reinvest"):
        result = summary["policies"][name]
        assert result["default"] == policy_params(every_policy, name)
        assert (
            trials[(trials.policy == name) & (trials.number == 0)].mean_npv.item()
            == result["in_sample"]["default"]["mean"]
        )
        assert result["in_sample"]["best"]["mean"] >= result["in_sample"]["default"]["mean"]
        assert result["trials"] == 6 and len(trials[trials.policy == name]) == 6


def test_waiting_for_the_tool_before_cutting_pays_one_month_of_pay():
    """A tool takes the clerk's work over 6 months (1/6 a month); undone work costs 1,000 EUR an hour. Cutting at
    once leaves work undone; the best cut is announced when next month's adoption reaches 5/6, so the clerk leaves
    just as the tool has all the work: one month of pay (24,000 / 12 x 1.10 at-will contributions) better than
    waiting for full adoption, and any threshold in (4/6, 5/6] does it."""
    data = tiny_firm(
        **{
            "automation": {"waves": [{"month": 0, "removed_share": {"entry": 1.0}, "ramp_months": 6}]},
            "customers.error_cost_eur_per_hour": 1000.0,
        }
    )
    data["policies"][0] |= {"adoption_before_cut": 0.0, "fix_undone_after_months": 1}
    scenario = build(data)
    summary, _ = optimize(
        scenario, ["cost_cutting"], budget=24, replicates=2, holdout=2, seed=0, decisions={"adoption_before_cut"}
    )
    result = summary["policies"]["cost_cutting"]
    assert 4 / 6 < result["best"]["adoption_before_cut"] <= 5 / 6
    full = {"kind": "cost_cutting", **result["default"], "adoption_before_cut": 1.0}
    at_full_adoption = npv_by_policy(scenario, {"full": full}, 2, 0)["full"].mean()
    assert result["in_sample"]["best"]["mean"] - at_full_adoption == pytest.approx(24000 / 12 * 1.10)
    assert result["in_sample"]["best"]["mean"] > result["in_sample"]["default"]["mean"] + 1000
    assert set(result["changed"]) == {"adoption_before_cut"}


def test_saved_optimum_round_trips_and_its_toml_tables_are_the_optimum(every_policy, study, tmp_path):
    summary, trials = study
    write_optimum(tmp_path, summary, trials, {"command": "test"})
    assert load_optimum(tmp_path) == summary
    tables = tomllib.loads((tmp_path / "best_params.toml").read_text())["policies"]
    by_name = {t.pop("name"): t for t in tables}
    for name, result in summary["policies"].items():
        assert by_name[name] == {"kind": result["kind"], **{k: v for k, v in result["best"].items() if v is not None}}
    with_policy_tables(every_policy, by_name)  # pasted into the scenario, the tables validate
    assert len((tmp_path / "trials.csv").read_text().splitlines()) == 1 + len(trials)
    with pytest.raises(OptimumError, match="no study.json"):
        load_optimum(tmp_path / "nowhere")


def test_fair_fight_runs_the_saved_optimum_on_the_held_out_replicates(every_policy, study):
    summary, _ = study
    policies = ["cost_cutting", "reinvest", "status_quo"]
    _, outcomes, result = fair_fight(every_policy, policies, summary, 12, 3)
    fight = result["fair_fight"]
    assert fight["optimised"] == ["cost_cutting", "reinvest"] and fight["at_defaults"] == ["status_quo"]
    for name in ("cost_cutting", "reinvest"):
        held_out = summary["policies"][name]["held_out"]
        assert fight["npv"][name]["default"]["mean"] == pytest.approx(held_out["default"]["mean"], rel=1e-12)
        assert fight["npv"][name]["best"]["mean"] == pytest.approx(held_out["best"]["mean"], rel=1e-12)
        assert outcomes[name]["npv"].mean() == pytest.approx(held_out["best"]["mean"], rel=1e-12)
    assert fight["npv"]["status_quo"]["default"] == fight["npv"]["status_quo"]["best"]
    assert [(p["a"], p["b"]) for p in fight["pairs"]] == [("reinvest", "cost_cutting"), ("status_quo", "cost_cutting")]
    for pair in fight["pairs"]:
        assert pair["survives"] == (pair["default"]["verdict"] == pair["best"]["verdict"])
    assert result["replicate_set"] == "held_out" and result["replicates"] == 12


def test_the_optimum_must_be_this_scenario_s():
    summary = {"scenario": "other", "policies": {}}
    with pytest.raises(OptimumError, match="for scenario 'other', not 'tiny'"):
        best_tables(build(tiny_firm()), summary, ["cost_cutting"])
    summary = {"scenario": "tiny", "policies": {"cost_cutting": {"kind": "attrition", "best": {}}}}
    with pytest.raises(OptimumError, match="optimised as kind 'attrition'"):
        best_tables(build(tiny_firm()), summary, ["cost_cutting"])


@pytest.mark.parametrize(
    ("interval", "expected"),
    [([1.0, 2.0], "a_ahead"), ([-2.0, -1.0], "b_ahead"), ([-1.0, 1.0], "too_close"), (None, "too_close")],
)
def test_verdict_reads_the_interval_of_the_paired_difference(interval, expected):
    assert verdict({"npv_diff": {"mean": 0.0, "ci95": interval}}) == expected


def test_verdict_changes():
    assert verdict_change("a_ahead", "a_ahead") == "survives"
    assert verdict_change("a_ahead", "b_ahead") == "reverses"
    assert verdict_change("b_ahead", "too_close") == "weakens"
    assert verdict_change("too_close", "a_ahead") == "sharpens"


def test_a_none_at_the_optimum_is_left_out_of_the_toml_with_a_comment(study):
    summary, _ = study
    never = {**summary, "policies": {name: dict(r) for name, r in summary["policies"].items()}}
    never["policies"]["cost_cutting"]["best"] = {
        **summary["policies"]["cost_cutting"]["best"],
        "fix_undone_after_months": None,
    }
    text = best_tables_toml(never)
    [table, _] = tomllib.loads(text)["policies"]
    assert "fix_undone_after_months" not in table
    assert "# policies.cost_cutting.fix_undone_after_months = None at the optimum" in text
