"""Policies' display labels: defaults by kind in both languages, a scenario's own label, no two alike."""

from __future__ import annotations

import pytest

from model.labels import label_with_id, policy_label, policy_labels, policy_phrase
from model.policies import make_policy
from model.scenario import ScenarioError
from tests.conftest import build, scenario_data


def test_defaults_come_from_the_kind_in_both_languages(assistant):
    assert policy_labels(assistant, "cost_cutting") == {"en": "Cost-killer road", "fr": "La voie courte (cost-killer)"}
    assert policy_labels(assistant, "reinvest") == {"en": "Strategic road", "fr": "La voie stratégique"}
    assert policy_phrase(assistant, "reinvest", "en", start=True) == "The strategic road"
    assert policy_phrase(assistant, "cost_cutting", "fr") == "la voie courte"
    assert label_with_id(assistant, "reinvest") == "Strategic road (reinvest)"
    assert policy_label(None, "my_own_policy", "fr") == "My own policy"  # unknown kind: the name, humanised


def test_a_scenario_label_wins_and_is_not_a_policy_parameter():
    data = scenario_data()
    data["policies"][1]["label"] = {"en": "Our plan", "fr": "Notre plan"}
    scenario = build(data)
    assert policy_label(scenario, "reinvest", "fr") == "Notre plan"
    assert policy_phrase(scenario, "reinvest", "en", start=True) == "Our plan"
    assert "label" not in scenario.policy("reinvest").model_extra
    make_policy(scenario, "reinvest")  # the policy's Params (extra="forbid") never sees the label


def test_policies_of_one_kind_are_told_apart_and_equal_labels_are_refused():
    data = scenario_data()
    data["policies"].append({"name": "slow_reskilling", "kind": "reinvest", "targets": {"customer_follow_up": 1.0}})
    scenario = build(data)
    assert policy_label(scenario, "reinvest", "en") == "Strategic road"
    assert policy_label(scenario, "slow_reskilling", "en") == "Strategic road (slow reskilling)"
    data["policies"][-1]["label"] = {"en": "Strategic road", "fr": "Autre"}
    with pytest.raises(ScenarioError, match="label 'Strategic road' \\(en\\) names two policies"):
        build(data)


def test_unknown_language():
    with pytest.raises(ValueError, match="--lang de: unknown language; allowed: en, fr"):
        policy_label(None, "reinvest", "de")
