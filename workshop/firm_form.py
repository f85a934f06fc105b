"""The "your firm" form: a scenario's roles, tasks, tool waves, customers and jurisdiction as editable rows, and back.

The form starts from a template scenario (its raw data, as read from its file) and changes only what a room
describes: roles (people, salary, share of time on each task), how much a mature tool could remove of each task,
every wave of the tool (from which month, over how many months it rolls out, what it costs, the share of each
task it removes), the customer base and revenue, the jurisdiction. Every other value stays the template's (a
wave the room keeps keeps its adoption curve and augmentation). The result is checked by
``model.scenario.validate_data``, so its messages are those of a scenario file, and saved as TOML that
``python run.py validate`` accepts.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import tomli_w

from charts.i18n import category_label
from model.scenario import Scenario
from workshop.i18n import t
from workshop.state import checked_scenario

FORM_SOURCE = "your firm"
FIRST_WAVE_MONTH = 3  # a first wave added in the form starts then; a later one a year after the latest
NEW_WAVE_GAP_MONTHS = 12
NEW_WAVE_RAMP_MONTHS = 6  # the schema's default roll-out
PERCENT_DIGITS = 6  # shares shown as percentages, rounded so that 90 % does not read 90.00000000000001


def percent_of(share: float) -> float:
    return round(100.0 * share, PERCENT_DIGITS)


def share_of(value: Any) -> Any:
    """A percentage typed in the form as a share; blank is 0; anything else is passed on for validation to
    name it."""
    if value is None or value == "":
        return 0.0
    if isinstance(value, int | float) and not isinstance(value, bool):
        return round(value / 100.0, PERCENT_DIGITS + 2)
    return value


def amount(value: Any) -> Any:
    """An amount typed in the form (a cost in EUR); blank is 0; anything else is passed on for validation."""
    return 0.0 if value is None or value == "" else value


def whole(value: Any) -> Any:
    """A count typed in the form: 3.0 is 3; anything else is passed on for validation to name it."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def slug(text: str, taken: set[str], fallback: str) -> str:
    """An identifier from a label (``Customer care`` -> ``customer_care``), unique among ``taken``."""
    base = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or fallback
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


# --- scenario -> form ---------------------------------------------------------------------------------------


def role_rows(data: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """One row per role: id, label, people, salary, then the % of time on each task (by task id)."""
    tasks = [task["id"] for task in data["tasks"]]
    rows = []
    for role in data["roles"]:
        row = {"id": role["id"], "label": role["label"][lang], "count": role["count"],
               "salary": role["salary_eur_per_year"]}  # fmt: skip
        row.update({task: percent_of(role["hours"].get(task, 0.0)) for task in tasks})
        rows.append(row)
    return rows


def task_rows(data: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """One row per task: id, label, kind of work (words only: the form does not change it), % a mature tool
    could remove."""
    return [
        {
            "id": task["id"],
            "label": task["label"][lang],
            "category": category_label(task["category"], lang),
            "automatable": percent_of(task.get("automatable_share", 0.0)),
        }
        for task in data["tasks"]
    ]


def wave_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per wave of the tool: its index in the template, month, roll-out months, costs, then the % of each
    task (by task id) it removes."""
    tasks = [task["id"] for task in data["tasks"]]
    rows = []
    for index, wave in enumerate(data.get("automation", {}).get("waves", [])):
        row = {"id": index, "month": wave["month"], "ramp": wave.get("ramp_months", NEW_WAVE_RAMP_MONTHS),
               "one_off": wave.get("one_off_cost_eur", 0.0), "monthly": wave.get("monthly_cost_eur", 0.0)}  # fmt: skip
        row.update({task: percent_of(wave["removed_share"].get(task, 0.0)) for task in tasks})
        rows.append(row)
    return rows


def new_wave_row(rows: list[dict[str, Any]], task_ids: list[str]) -> dict[str, Any]:
    """The row "add a wave" appends: a year after the latest wave (month 3 for the first), removing nothing yet."""
    months = [row["month"] for row in rows if isinstance(row.get("month"), int | float) and 0 <= row["month"] < 1e4]
    month = int(max(months)) + NEW_WAVE_GAP_MONTHS if months else FIRST_WAVE_MONTH  # a month typed in nonsense: ignored
    row = {"id": None, "month": month, "ramp": NEW_WAVE_RAMP_MONTHS, "one_off": 0.0, "monthly": 0.0}
    return row | dict.fromkeys((task for task in task_ids if isinstance(task, str)), 0.0)


def relabelled(rows: list[dict[str, Any]], items: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The rows of roles or tasks in ``lang``: a label that is the template's (in either language) is shown in
    ``lang``, and so is a task's kind of work; a label the room typed stays as typed."""
    by_id = {item.get("id"): item for item in items if isinstance(item, dict)}
    shown = []
    for row in rows:
        item = by_id.get(row.get("id"))
        if item is not None and row.get("label") in item["label"].values():
            row = {**row, "label": item["label"][lang]}
        if item is not None and "category" in item:
            row = {**row, "category": category_label(item["category"], lang)}
        shown.append(row)
    return shown


def firm_fields(data: dict[str, Any], lang: str) -> dict[str, Any]:
    """The form's single fields: name, customers, revenue per customer a month, jurisdiction preset."""
    return {
        "name": data["meta"]["title"][lang],
        "customers": data["customers"]["initial"],
        "revenue": data["customers"]["revenue_eur_per_customer_month"],
        "jurisdiction": data.get("jurisdiction", {}).get("preset", "france"),
    }


def grid_columns(tasks: list[dict[str, Any]], lang: str) -> tuple[list[dict], list[dict], list[dict]]:
    """The form's grids' columns (AG Grid ``columnDefs``): roles, tasks and waves, with a column per task in the
    roles (% of time) and in the waves (% removed)."""

    def column(field: str, header: str, number: bool = True, editable: bool = True, **more: Any) -> dict:
        kind = {"cellDataType": "number", "type": "rightAligned"} if number else {"cellDataType": "text"}
        return {"field": field, "headerName": header, "headerTooltip": header, "editable": editable, **kind, **more}

    def per_task() -> list[dict]:
        return [column(task["id"], task["label"].get(lang, task["id"])) for task in tasks]

    roles = [
        column("label", t("w_col_role", lang), number=False, pinned="left", width=210),
        column("count", t("w_col_count", lang)),
        column("salary", t("w_col_salary", lang)),
        *per_task(),
    ]
    task_columns = [
        column("label", t("w_col_task", lang), number=False, editable=False, flex=3),
        column("category", t("w_col_category", lang), number=False, editable=False, flex=1),
        column("automatable", t("w_col_automatable", lang), flex=2),
    ]
    waves = [
        column("month", t("w_col_month", lang), pinned="left"),
        column("ramp", t("w_col_ramp", lang)),
        column("one_off", t("w_col_one_off", lang)),
        column("monthly", t("w_col_monthly", lang)),
        *per_task(),
    ]
    return roles, task_columns, waves


# --- form -> scenario ---------------------------------------------------------------------------------------


def scenario_data(
    template: dict[str, Any],
    name: Any,
    roles: list[dict[str, Any]],
    tasks: list[dict[str, Any]],
    waves: list[dict[str, Any]],
    customers: Any,
    revenue: Any,
    jurisdiction: Any,
    lang: str,
) -> dict[str, Any]:
    """The template's data with the form's values in place (not yet validated)."""
    data = copy.deepcopy(template)
    title = str(name or "").strip() or t("w_firm_name", lang)
    data["meta"].update(
        name=slug(title, set(), "firm"),
        title={"en": title, "fr": title},
        sources=[*template["meta"].get("sources", []), f"Described in the workshop from {template['meta']['name']}"],
    )
    task_ids = [task["id"] for task in template["tasks"]]
    data["roles"] = form_roles(template, roles, task_ids, lang)
    by_id = {row.get("id"): row for row in tasks}
    for task in data["tasks"]:
        if task["id"] in by_id:
            task["automatable_share"] = share_of(by_id[task["id"]].get("automatable"))
    data.setdefault("automation", {})["waves"] = form_waves(template, waves, task_ids)
    data["customers"].update(initial=customers, revenue_eur_per_customer_month=revenue)
    data["jurisdiction"] = form_jurisdiction(template.get("jurisdiction", {}), jurisdiction)
    return data


def form_roles(template: dict[str, Any], rows: list[dict[str, Any]], task_ids: list[str], lang: str) -> list[dict]:
    """Roles from the form's rows: a row that was a template role keeps its other values (tenure, ramp-up)."""
    known = {role["id"]: role for role in template["roles"]}
    roles, taken = [], set()
    for index, row in enumerate(rows):
        label = str(row.get("label") or "").strip()
        base = copy.deepcopy(known.get(row.get("id"), {}))
        if base and label in base["label"].values():  # the template's label, in whichever language
            labels = base["label"]
        else:
            labels = {"en": label or f"Role {index + 1}", "fr": label or f"Métier {index + 1}"}
        role_id = base.get("id") if base and base["id"] not in taken else slug(labels["en"], taken, f"role_{index}")
        taken.add(role_id)
        hours = {task: share_of(row.get(task)) for task in task_ids}
        base.update(
            id=role_id,
            label=labels,
            count=whole(row.get("count")),
            salary_eur_per_year=row.get("salary"),
            hours={task: share for task, share in hours.items() if share != 0.0},
        )
        roles.append(base)
    return roles


def form_waves(template: dict[str, Any], rows: list[dict[str, Any]], task_ids: list[str]) -> list[dict[str, Any]]:
    """Waves from the form's rows: a row that was a template wave keeps its other values (adoption curve,
    learning dip, augmentation)."""
    known = template.get("automation", {}).get("waves", [])
    waves = []
    for row in rows:
        index = row.get("id")
        is_known = isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(known)
        wave = copy.deepcopy(known[index]) if is_known else {}
        removed = {task: share_of(row.get(task)) for task in task_ids}
        wave.update(
            month=whole(row.get("month")),
            ramp_months=whole(row.get("ramp")),
            one_off_cost_eur=amount(row.get("one_off")),
            monthly_cost_eur=amount(row.get("monthly")),
            removed_share={task: share for task, share in removed.items() if share != 0.0},
        )
        waves.append(wave)
    return waves


def form_jurisdiction(template: dict[str, Any], preset: Any) -> dict[str, Any]:
    """The chosen preset; the template's own overrides stay only when its preset is kept."""
    if preset == template.get("preset", "france"):
        return {**template, "preset": preset}
    return {"preset": preset}


def check(data: dict[str, Any], source: str = FORM_SOURCE) -> Scenario:
    """Validate scenario data with the messages of a scenario file (a custom policy refused), or raise InputError."""
    return checked_scenario(data, source)


def toml_text(data: dict[str, Any]) -> str:
    """Scenario data as a TOML file (``python run.py validate FILE`` reads it back)."""
    header = f"# {data['meta']['title']['en']}: written by the workshop (python run.py workshop)\n\n"
    return header + tomli_w.dumps(data)
