"""The "your firm" form: a scenario's rows and back, file-like messages, TOML that run.py accepts."""

from __future__ import annotations

import copy
import subprocess
import sys
import tomllib

import pytest

from model.scenario import ScenarioError, validate_data
from tests.conftest import ROOT, scenario_data
from workshop import firm_form
from workshop.state import InputError


def form_of(data: dict, lang: str = "en") -> dict:
    fields = firm_form.firm_fields(data, lang)
    return dict(
        name=fields["name"],
        roles=firm_form.role_rows(data, lang),
        tasks=firm_form.task_rows(data, lang),
        customers=fields["customers"],
        revenue=fields["revenue"],
        jurisdiction=fields["jurisdiction"],
        lang=lang,
    )


def test_an_unchanged_form_gives_the_template_back():
    template = scenario_data("assistant")
    data = firm_form.scenario_data(template, **form_of(template))
    original, rebuilt = validate_data(template, "a"), firm_form.check(data)
    assert rebuilt.model_dump(exclude={"meta"}) == original.model_dump(exclude={"meta"})
    assert rebuilt.meta.title.en == original.meta.title.en


def test_the_rows_show_percentages_of_time_and_of_the_tool():
    template = scenario_data("assistant")
    assistant_row = firm_form.role_rows(template, "en")[0]
    assert assistant_row["label"] == "Administrative assistant" and assistant_row["count"] == 1
    assert assistant_row["invoice_entry"] == 40.0 and assistant_row["prospecting"] == 0.0
    entry = next(row for row in firm_form.task_rows(template, "fr") if row["id"] == "invoice_entry")
    assert entry["label"] == "Double saisie des factures" and entry["automatable"] == 90.0 and entry["removed"] == 90.0


def test_a_room_changes_its_people_tool_and_customers():
    template = scenario_data("assistant")
    form = form_of(template)
    form["roles"][2]["count"] = 20.0  # consultants
    form["roles"].append({"id": None, "label": "Key account manager", "count": 2, "salary": 45000,
                          "account_management": 70, "prospecting": 30})  # fmt: skip
    for row in form["tasks"]:
        if row["id"] == "invoice_entry":
            row["removed"] = 50
    form.update(name="Our firm", customers=600, revenue=480, jurisdiction="at_will")
    scenario = firm_form.check(firm_form.scenario_data(template, **form))
    roles = {role.id: role for role in scenario.roles}
    assert roles["consultant"].count == 20 and roles["consultant"].tenure_years_mean == 6.0  # the rest kept
    assert roles["key_account_manager"].hours == {"account_management": 0.7, "prospecting": 0.3}
    assert scenario.automation.waves[0].removed_share["invoice_entry"] == 0.5
    assert scenario.customers.initial == 600 and scenario.jurisdiction.preset == "at_will"
    assert scenario.headcount == validate_data(template, "a").headcount + 7 + 2
    assert scenario.meta.name == "our_firm"


def test_nonsense_gets_the_messages_a_scenario_file_would():
    template = scenario_data("assistant")
    form = form_of(template)
    form["roles"][0]["count"] = -1
    form["roles"][1]["prospecting"] = 10  # the sales rep's time now sums to 50 %
    form["tasks"][0]["removed"] = 95  # above what a mature tool could remove (90 %)
    data = firm_form.scenario_data(template, **form)
    with pytest.raises(InputError) as from_form:
        firm_form.check(data)
    with pytest.raises(ScenarioError) as from_file:
        validate_data(copy.deepcopy(data), firm_form.FORM_SOURCE)
    assert from_form.value.problems == from_file.value.problems
    text = "\n".join(from_form.value.problems)
    assert "your firm: roles.assistant.count = -1: Input should be greater than or equal to 0" in text
    assert "hours shares must sum to 1, they sum to 0.5" in text


def test_text_where_a_number_belongs_is_named_not_crashed_on():
    template = scenario_data("assistant")
    form = form_of(template)
    form["customers"] = "lots"
    form["roles"][0]["salary"] = None
    with pytest.raises(InputError) as caught:
        firm_form.check(firm_form.scenario_data(template, **form))
    text = "\n".join(caught.value.problems)
    assert "customers.initial = 'lots'" in text and "roles.assistant.salary_eur_per_year = None" in text


def test_a_saved_firm_is_toml_that_run_py_validates(tmp_path):
    template = scenario_data("back_office")  # three waves, four policies: the later waves stay
    form = form_of(template, "fr")
    form["name"] = "Notre cabinet"
    data = firm_form.scenario_data(template, **form)
    path = tmp_path / "notre_cabinet.toml"
    path.write_text(firm_form.toml_text(data), encoding="utf-8")
    assert tomllib.loads(path.read_text(encoding="utf-8")) == data
    result = subprocess.run([sys.executable, str(ROOT / "run.py"), "validate", str(path)], capture_output=True,
                            text=True, cwd=ROOT, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "valid (notre_cabinet:" in result.stdout
    assert len(firm_form.check(data).automation.waves) == len(template["automation"]["waves"])
