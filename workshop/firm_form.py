"""The "your firm" form: a scenario's roles, tasks, customers and jurisdiction as editable rows, and back.

The form starts from a template scenario (its raw data, as read from its file) and changes only what a room
describes: roles (people, salary, share of time on each task), what the tool removes of each task (the first
automation wave) and how much a mature tool could, the customer base and revenue, the jurisdiction. Every
other value stays the template's. The result is checked by ``model.scenario.validate_data``, so its messages
are those of a scenario file, and saved as TOML that ``python run.py validate`` accepts.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import tomli_w

from model.scenario import Scenario
from workshop.i18n import t
from workshop.state import checked_scenario

FORM_SOURCE = "your firm"
FIRST_WAVE_MONTH = 3  # when a template without automation gets a tool from the form
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


def first_wave(data: dict[str, Any]) -> dict[str, Any] | None:
    waves = data.get("automation", {}).get("waves", [])
    return waves[0] if waves else None


def task_rows(data: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """One row per task: id, label, kind of work, % a mature tool could remove, % the (first) tool removes."""
    wave = first_wave(data) or {"removed_share": {}}
    return [
        {
            "id": task["id"],
            "label": task["label"][lang],
            "category": task["category"],
            "automatable": percent_of(task.get("automatable_share", 0.0)),
            "removed": percent_of(wave["removed_share"].get(task["id"], 0.0)),
        }
        for task in data["tasks"]
    ]


def firm_fields(data: dict[str, Any], lang: str) -> dict[str, Any]:
    """The form's single fields: name, customers, revenue per customer a month, jurisdiction preset."""
    return {
        "name": data["meta"]["title"][lang],
        "customers": data["customers"]["initial"],
        "revenue": data["customers"]["revenue_eur_per_customer_month"],
        "jurisdiction": data.get("jurisdiction", {}).get("preset", "france"),
    }


# --- form -> scenario ---------------------------------------------------------------------------------------


def scenario_data(
    template: dict[str, Any],
    name: Any,
    roles: list[dict[str, Any]],
    tasks: list[dict[str, Any]],
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
    data["roles"] = form_roles(template, roles, [task["id"] for task in template["tasks"]], lang)
    by_id = {row.get("id"): row for row in tasks}
    for task in data["tasks"]:
        if task["id"] in by_id:
            task["automatable_share"] = share_of(by_id[task["id"]].get("automatable"))
    removed = {k: share_of(row.get("removed")) for k, row in by_id.items() if share_of(row.get("removed")) != 0.0}
    set_first_wave(data, removed)
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
        if base and label == base["label"][lang]:
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


def set_first_wave(data: dict[str, Any], removed: dict[str, Any]) -> None:
    """The first automation wave removes ``removed``; a template without waves gets one, later waves stay."""
    automation = data.setdefault("automation", {})
    waves = automation.setdefault("waves", [])
    if waves:
        waves[0]["removed_share"] = removed
    elif removed:
        waves.append({"month": FIRST_WAVE_MONTH, "removed_share": removed})


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
