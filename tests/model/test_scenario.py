"""Scenario files: validation with one line per problem, overrides, levers."""

from __future__ import annotations

import pytest

from model.scenario import (
    LEVER_NAMES,
    ScenarioError,
    apply_overrides,
    load_scenario,
    parse_override,
    validate_data,
    with_levers,
)
from tests.conftest import SCENARIOS, changed, scenario_data


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_is_valid_and_has_all_levers(path):
    scenario = load_scenario(path)
    assert set(scenario.model_dump()["levers"]) == set(LEVER_NAMES)
    assert "levers" in scenario_data(path.stem)  # declared in the file, not only defaulted
    assert scenario.policy_names()[0] == "cost_cutting"


def problems(data: dict) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        validate_data(data, "firm.toml")
    return info.value.problems


def test_unknown_key_names_file_path_value_and_what_is_allowed():
    [line] = problems(changed(scenario_data(), **{"customers.base_churn": 0.02}))
    assert line == "firm.toml: customers.base_churn = 0.02: unknown key (check spelling against docs/calibration.md)"


def test_wrong_type_and_out_of_range_each_give_one_line():
    lines = problems(changed(scenario_data(), **{"levers.reskilling_success": 1.5, "customers.initial": "many"}))
    assert len(lines) == 2
    assert "firm.toml: levers.reskilling_success = 1.5: Input should be less than or equal to 1" in lines
    assert any(line.startswith("firm.toml: customers.initial = 'many': ") for line in lines)


def test_cross_references_are_checked():
    data = changed(scenario_data(), **{"roles.0.hours": {"invoice_entry": 0.5, "typing": 0.5}})
    assert any("names unknown task 'typing'" in line for line in problems(data))
    data = changed(scenario_data(), **{"roles.0.hours": {"invoice_entry": 0.5}})
    assert any("must sum to 1" in line for line in problems(data))
    data = changed(scenario_data(), **{"automation.waves.0.removed_share": {"office_coordination": 0.5}})
    assert any("above its automatable_share" in line for line in problems(data))


def test_policy_parameters_are_validated_by_their_policy():
    data = changed(scenario_data(), **{"policies.1.training_months": "three", "policies.0.targeting": "random"})
    lines = problems(data)
    assert "firm.toml: policies.reinvest.training_months = 'three': Input should be a valid number" in lines
    assert any(
        line.startswith("firm.toml: policies.cost_cutting.targeting = 'random': Input should be") for line in lines
    )
    data = changed(scenario_data(), **{"policies.1.kind": "magic"})
    assert any("unknown policy; allowed:" in line for line in problems(data))
    data = changed(scenario_data(), **{"policies.1.targets": {"nowhere": 1.0}})
    assert "firm.toml: policies.reinvest.targets: unknown task 'nowhere'" in problems(data)


def test_overrides_are_typed_and_address_list_items_by_name():
    assert parse_override("levers.years=10") == (["levers", "years"], 10)
    assert parse_override("levers.discount_rate=0.05") == (["levers", "discount_rate"], 0.05)
    assert parse_override("jurisdiction.preset=at_will") == (["jurisdiction", "preset"], "at_will")
    data = apply_overrides(scenario_data(), ["policies.reinvest.training_months=6", "roles.assistant.count=2"], "x")
    scenario = validate_data(data, "x")
    assert scenario.policy("reinvest").model_extra["training_months"] == 6
    assert scenario.roles[0].count == 2
    with pytest.raises(ScenarioError, match="no item 'ghost'"):
        apply_overrides(scenario_data(), ["policies.ghost.training_months=6"], "x")
    with pytest.raises(ScenarioError, match="expected key.path=value"):
        parse_override("levers.years")


def test_with_levers_validates_and_rejects_unknown_levers(assistant):
    assert with_levers(assistant, automation_scale=0.5).levers.automation_scale == 0.5
    with pytest.raises(ScenarioError, match="unknown lever"):
        with_levers(assistant, policy=1)
    with pytest.raises(ScenarioError, match="less than or equal to 1"):
        with_levers(assistant, reskilling_success=2)


def test_missing_file_and_bad_toml_are_one_line(tmp_path):
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[meta\nname = 1")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(bad)
