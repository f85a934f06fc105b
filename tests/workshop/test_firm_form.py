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
        waves=firm_form.wave_rows(data),
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
    assert entry == {"id": "invoice_entry", "label": "Double saisie des factures", "category": "Routine",
                     "automatable": 90.0}  # fmt: skip
    (wave,) = firm_form.wave_rows(template)  # the file's one wave: month 3, 6 months, 12,000 + 400 a month
    assert (wave["id"], wave["month"], wave["ramp"], wave["one_off"], wave["monthly"]) == (0, 3, 6, 12000.0, 400.0)
    assert wave["invoice_entry"] == 90.0 and wave["manual_reports"] == 85.0 and wave["prospecting"] == 0.0


def test_every_wave_is_a_row_and_each_has_a_column_per_task():
    template = scenario_data("back_office")
    rows = firm_form.wave_rows(template)
    assert [row["month"] for row in rows] == [3, 12, 20]
    assert [row["invoice_entry"] for row in rows] == [60.0, 0.0, 60.0]
    roles, tasks, waves = firm_form.grid_columns(template["tasks"], "fr")
    task_ids = [task["id"] for task in template["tasks"]]
    assert [c["field"] for c in waves] == ["month", "ramp", "one_off", "monthly", *task_ids]
    assert [c["field"] for c in roles] == ["label", "count", "salary", *task_ids]
    assert waves[0]["headerName"] == "À partir du mois" and [c["editable"] for c in tasks] == [False, False, True]
    added = firm_form.new_wave_row(rows, task_ids)
    assert added["month"] == 32 and firm_form.new_wave_row([], task_ids)["month"] == 3
    assert [added[task] for task in task_ids] == [0.0] * len(task_ids)  # removes nothing until the room says


def test_a_room_changes_its_people_tool_and_customers():
    template = scenario_data("assistant")
    form = form_of(template)
    form["roles"][2]["count"] = 20.0  # consultants
    form["roles"].append({"id": None, "label": "Key account manager", "count": 2, "salary": 45000,
                          "account_management": 70, "prospecting": 30})  # fmt: skip
    form["waves"][0]["invoice_entry"] = 50
    form["waves"].append({**firm_form.new_wave_row(form["waves"], []), "one_off": None, "bookkeeping": 20})
    form.update(name="Our firm", customers=600, revenue=480, jurisdiction="at_will")
    scenario = firm_form.check(firm_form.scenario_data(template, **form))
    roles = {role.id: role for role in scenario.roles}
    assert roles["consultant"].count == 20 and roles["consultant"].tenure_years_mean == 6.0  # the rest kept
    assert roles["key_account_manager"].hours == {"account_management": 0.7, "prospecting": 0.3}
    first, second = scenario.automation.waves
    assert first.removed_share["invoice_entry"] == 0.5 and first.one_off_cost_eur == 12000.0
    assert (second.month, second.ramp_months, second.one_off_cost_eur) == (15, 6, 0.0)  # a blank cost is none
    assert second.removed_share == {"bookkeeping": 0.2}
    assert scenario.customers.initial == 600 and scenario.jurisdiction.preset == "at_will"
    assert scenario.headcount == validate_data(template, "a").headcount + 7 + 2
    assert scenario.meta.name == "our_firm"


def test_nonsense_gets_the_messages_a_scenario_file_would():
    template = scenario_data("assistant")
    form = form_of(template)
    form["roles"][0]["count"] = -1
    form["roles"][1]["prospecting"] = 10  # the sales rep's time now sums to 50 %
    form["waves"][0]["invoice_entry"] = 95  # above what a mature tool could remove (90 %)
    data = firm_form.scenario_data(template, **form)
    with pytest.raises(InputError) as from_form:
        firm_form.check(data)
    with pytest.raises(ScenarioError) as from_file:
        validate_data(copy.deepcopy(data), firm_form.FORM_SOURCE)
    assert from_form.value.problems == from_file.value.problems
    text = "\n".join(from_form.value.problems)
    assert "your firm: roles.assistant.count = -1: Input should be greater than or equal to 0" in text
    assert "hours shares must sum to 1, they sum to 0.5" in text


def test_waves_compound_within_what_a_mature_tool_could_remove():
    template = scenario_data("assistant")
    form = form_of(template)
    second = {**firm_form.new_wave_row(form["waves"], []), "invoice_entry": 50}  # 1 - 0.1 x 0.5 = 0.95 > 0.9 in all
    form["waves"].append(second)
    with pytest.raises(InputError) as caught:
        firm_form.check(firm_form.scenario_data(template, **form))
    (problem,) = caught.value.problems
    assert problem.startswith("your firm: ") and problem.endswith(
        "automation waves remove 0.95 of 'invoice_entry' in all, above its automatable_share 0.9"
    )
    second["invoice_entry"] = 0  # the second wave takes the rest of the reports instead: 1 - 0.15 x 1/3 = 0.95
    second["manual_reports"] = 100 / 3
    second["month"] = -1
    with pytest.raises(InputError) as caught:
        firm_form.check(firm_form.scenario_data(template, **form))
    assert caught.value.problems[0].startswith("your firm: automation.waves.1.month = -1: Input should be greater")
    second["month"] = 15
    scenario = firm_form.check(firm_form.scenario_data(template, **form))
    assert scenario.automation.waves[1].removed_share == {"manual_reports": pytest.approx(1 / 3)}


def test_a_removed_wave_is_gone_and_the_kept_one_keeps_its_curve():
    template = scenario_data("customer_service")  # three waves; the first augments the care conversations
    form = form_of(template)
    form["waves"] = [form["waves"][2], form["waves"][0]]  # the room drops the second, lists the chatbot first
    scenario = firm_form.check(firm_form.scenario_data(template, **form))
    chatbot, assistant = scenario.automation.waves
    assert (chatbot.month, chatbot.ramp_months, chatbot.removed_share) == (12, 12, {"simple_contacts": 0.35})
    assert assistant.augmentation == {"retention_desk": 1.14, "case_ownership": 1.14, "upsell": 1.07}


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


def test_a_language_switch_shows_the_templates_words_in_it_and_keeps_the_rooms():
    template = scenario_data("assistant")
    roles, tasks = firm_form.role_rows(template, "en"), firm_form.task_rows(template, "en")
    roles[1]["label"] = "Key account manager"  # typed by the room
    french = firm_form.relabelled(roles, template["roles"], "fr")
    assert french[0]["label"] == template["roles"][0]["label"]["fr"] and french[1]["label"] == "Key account manager"
    entry = firm_form.relabelled(tasks, template["tasks"], "fr")[0]
    assert (entry["label"], entry["category"], entry["automatable"]) == ("Double saisie des factures", "Routine", 90.0)
    form = form_of(template)  # rows loaded in English, the firm run in French: both labels stay the file's
    form["lang"] = "fr"
    scenario = firm_form.check(firm_form.scenario_data(template, **form))
    assert scenario.roles[0].label.fr == template["roles"][0]["label"]["fr"]
