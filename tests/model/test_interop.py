"""The model as a library: FirmModel's arguments, Mesa's DataCollector and batch_run, custom policies,
uncertain ranges and the compile notice."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

import mesa
import numpy as np
import pytest

from model import FirmModel, simulate, simulate_outcome_names
from model.firm import run_policies
from model.policies import make_policy
from model.scenario import DEFAULT_UNCERTAIN, ScenarioError, uncertain_space, validate_data
from tests.conftest import ROOT, SCENARIOS, build, changed, scenario_data, seeds


def final(model: FirmModel) -> dict[str, float]:
    model.run_for(model.firm.n_months)
    return {name: values[-1] for name, values in model.monthly().items()}


def test_firm_model_takes_a_scenario_name_and_numpy_seeds():
    by_path = final(FirmModel(SCENARIOS / "assistant.toml", rng=3, years=1))
    assert final(FirmModel("assistant", rng=np.int64(3), years=np.int64(1))) == by_path
    assert final(FirmModel("assistant", rng=3, years=1.0)) == by_path
    generated = [FirmModel(rng=np.random.default_rng(9), years=1) for _ in range(2)]
    assert generated[0].root_seed == generated[1].root_seed  # one draw from the generator, reproducible
    fresh = FirmModel(rng=None, years=1)
    assert final(FirmModel(rng=fresh.root_seed, years=1)) == final(fresh)


@pytest.mark.parametrize("bad", [1.5, "7", -1])
def test_firm_model_refuses_a_seed_that_is_not_one(bad):
    with pytest.raises(TypeError, match="expected a seed"):
        FirmModel(rng=bad)


def test_non_integer_years_are_refused_not_truncated():
    with pytest.raises(ScenarioError, match=r"levers.years = 7.5: expected a whole number of years"):
        FirmModel(years=7.5)
    with pytest.raises(ScenarioError, match="whole number"):
        simulate(years=2.5)


def test_status_quo_runs_without_being_listed(assistant):
    assert "status_quo" not in assistant.policy_names()
    runs = run_policies(assistant, ["status_quo", "reinvest"], seeds(3))
    assert runs["status_quo"]["layoffs"].sum() == 0
    assert runs["status_quo"]["hours_idle"][:, -1].min() > 0  # freed hours stay idle when nobody decides
    with pytest.raises(ScenarioError, match="needs parameters"):
        make_policy(assistant, "hybrid")  # a kind whose parameters have no defaults
    with pytest.raises(ScenarioError, match="no policy named 'magic'"):
        make_policy(assistant, "magic")


def test_datacollector_records_the_model_and_every_agent_each_month():
    model = FirmModel("assistant", policy="cost_cutting", rng=2, years=1)
    model.run_for(12)
    assert not model.running  # the horizon is reached: batch_run stops here
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 13 and frame["month"].tolist() == list(range(13))
    monthly = model.monthly()
    np.testing.assert_allclose(frame["cumulative_profit"].iloc[1:], monthly["cumulative_profit"])
    np.testing.assert_allclose(frame["npv_to_date"].iloc[-1], monthly["npv_to_date"][-1])
    assert frame["headcount"].iloc[0] == 20 and frame["headcount"].iloc[-1] == monthly["headcount"][-1]
    agents = model.datacollector.get_agent_vars_dataframe().xs(12, level="Step")
    manager = agents[agents["role"] == "manager"]
    assert manager["policy_name"].tolist() == ["cost_cutting"] and manager["engagement"].isna().all()
    people = agents[agents["role"] != "manager"]
    assert len(people) == monthly["headcount"][-1] and people["engagement"].between(0, 1).all()
    assert people["customers_looked_after"].sum() == pytest.approx(frame["customers"].iloc[-1])
    assert frame["mean_engagement"].iloc[-1] == pytest.approx(people["engagement"].mean())


def test_mesa_batch_run_with_seeds_and_iterations():
    params = {"policy": ["reinvest", "cost_cutting"], "years": 1}
    rows = mesa.batch_run(FirmModel, params, rng=[1, 2], max_steps=100, display_progress=False)
    last = {(r["policy"], r["rng"]): r for r in rows if r["Step"] == 12}
    assert len(last) == 4
    direct = final(FirmModel(policy="cost_cutting", rng=2, years=1))
    assert last[("cost_cutting", 2)]["cumulative_profit"] == pytest.approx(direct["cumulative_profit"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Mesa deprecates iterations for rng=[None] * n
        rows = mesa.batch_run(FirmModel, params, iterations=2, max_steps=100, display_progress=False)
    assert {r["iteration"] for r in rows} == {0, 1} and {r["Step"] for r in rows} == {12}


def custom_policy_scenario(kind: str, **params) -> dict:
    policy = {"name": "mine", "kind": kind, **params}
    return changed(scenario_data("assistant"), policies=[*scenario_data("assistant")["policies"], policy])


def test_a_custom_policy_is_imported_by_module_and_class():
    scenario = validate_data(custom_policy_scenario("examples.my_policies:WaitThenCut", wait_months=0), "t")
    immediate = run_policies(scenario, ["cost_cutting", "mine"], seeds(6))
    for metric, values in immediate["cost_cutting"].items():  # waiting 0 months is plain cost cutting
        np.testing.assert_array_equal(immediate["mine"][metric], values, err_msg=metric)
    scenario = build(custom_policy_scenario("examples.my_policies:WaitThenCut", wait_months=24))
    later = run_policies(scenario, ["mine"], seeds(6))["mine"]["layoffs"]
    assert later[:, :24].sum() == 0 and later[:, 24:].sum() > 0


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("no_such_package.policies:Mine", "cannot import 'no_such_package.policies'"),
        ("examples.my_policies:Missing", "examples.my_policies.Missing is nothing, not a model.policies.Policy"),
        ("examples.my_policies:WaitThenCutParams", "is ModelMetaclass, not a model.policies.Policy subclass"),
        ("magic", "unknown policy; allowed: "),
    ],
)
def test_a_bad_custom_policy_is_one_clear_line(kind, message):
    with pytest.raises(ScenarioError) as error:
        validate_data(custom_policy_scenario(kind), "my.toml")
    [line] = error.value.problems
    assert line.startswith(f"my.toml: policies.mine.kind = {kind!r}: ") and message in line


def test_a_custom_policys_parameters_are_validated():
    with pytest.raises(ScenarioError, match=r"policies.mine.wait_months = -1: Input should be greater"):
        validate_data(custom_policy_scenario("examples.my_policies:WaitThenCut", wait_months=-1), "t")


def test_uncertain_ranges_default_to_the_calibration_ranges_and_validate():
    assert uncertain_space(build(scenario_data())) == DEFAULT_UNCERTAIN
    for path in sorted(SCENARIOS.glob("*.toml")):  # the defaults are valid ranges for every scenario
        build(scenario_data(path.stem), uncertain={k: list(v) for k, v in DEFAULT_UNCERTAIN.items()})
    declared = build(scenario_data(), uncertain={"policies.reinvest.training_months": [1, 6]})
    assert uncertain_space(declared) == {"policies.reinvest.training_months": (1.0, 6.0)}


@pytest.mark.parametrize(
    ("path", "bounds", "message"),
    [
        ("customers.colour", [0.0, 1.0], "no key 'customers.colour'"),
        ("levers.years", [1.0, 5.0], "levers.years is not a real-valued parameter"),
        ("levers.reskilling_success", [0.6, 0.4], "low must be below high"),
        ("levers.reskilling_success", [0.5, 1.2], "1.2 is outside what levers.reskilling_success allows"),
    ],
)
def test_bad_uncertain_ranges_are_one_line_each(path, bounds, message):
    with pytest.raises(ScenarioError) as error:
        validate_data(changed(scenario_data(), uncertain={path: bounds}), "s.toml")
    [line] = error.value.problems
    assert line.startswith(f"s.toml: uncertain.{path!r} = ") and message in line


def test_simulate_takes_any_real_parameter_by_identifier():
    names = simulate_outcome_names("assistant")
    result = simulate(seed=4, years=1, customers__contact_loss_churn=0.0)
    assert list(result) == names and "reinvest_minus_cost_cutting__npv" in names
    assert result != simulate(seed=4, years=1, customers__contact_loss_churn=2.0)


def test_a_line_on_stderr_while_kernels_compile_and_none_from_a_warm_cache(tmp_path):
    code = (
        "import numpy as np; from model.firm import _pay; "
        "_pay(np.zeros((1, 1), np.int8), np.zeros((1, 1)), np.ones((1, 1)), np.ones(1))"
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env) for _ in "ab"
    ]
    assert "compiling the model's kernels" in runs[0].stderr, runs[0].stderr
    assert runs[1].returncode == 0 and runs[1].stderr == ""
