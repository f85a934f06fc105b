"""Inside the firm: one replicate of one road stepped month by month with ``model.FirmModel``.

A session's replicate is re-created from its inputs (scenario with its levers, road, seed, replicate number)
and stepped to the month asked for, so it is deterministic: the same inputs and month give the same firm. A
bounded cache keyed by the session id keeps each session's model so that the next month is one step away;
nothing else is kept between requests.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from model import FirmModel
from model.scenario import Scenario
from workshop.engine import canonical

CATEGORY_ORDER = ("routine", "interpersonal", "analytic", "project", "idle")
SESSIONS_KEPT = 16


@dataclass(frozen=True)
class Person:
    """One employee as the page draws them."""

    role: str  # role id
    status: str  # working, training, leaving, notice
    engagement: float  # 0..1
    hours: dict[str, float]  # paid hours a month by kind of work (CATEGORY_ORDER)
    customers: float  # customers this person looks after


@dataclass(frozen=True)
class Snapshot:
    """The firm at the end of a month: its people and customers, and the events so far."""

    month: int
    months: int
    people: list[Person]
    vacancies: int
    hires: float
    quits: float
    layoffs: float
    cumulative_profit: float
    customers: float
    initial_customers: float
    kept_customers: float  # of the initial customers

    @property
    def new_customers(self) -> float:
        return max(self.customers - self.kept_customers, 0.0)


class FirmSteppers:
    """Each session's stepped model (at most ``size`` sessions, the least recently used dropped first)."""

    def __init__(self, size: int = SESSIONS_KEPT):
        self.size = size
        self._models: OrderedDict[str, tuple[str, FirmModel]] = OrderedDict()
        self._lock = threading.Lock()

    def at(self, sid: str, scenario: Scenario, policy: str, replicate: int, month: int) -> FirmModel:
        """The session's model of ``policy`` on replicate ``replicate`` after ``month`` months."""
        key = canonical({"scenario": scenario.model_dump(mode="json"), "policy": policy, "replicate": replicate})
        with self._lock:
            kept = self._models.pop(sid, None)
        if kept and kept[0] == key and kept[1].month <= month:
            model = kept[1]
        else:
            model = FirmModel(scenario, policy, rng=scenario.simulation.seed, replicate=replicate)
        while model.month < min(month, model.firm.n_months):
            model.step()
        with self._lock:
            self._models[sid] = (key, model)
            while len(self._models) > self.size:
                self._models.popitem(last=False)
        return model


def snapshot(model: FirmModel) -> Snapshot:
    """What the page shows of a stepped model."""
    categories = {task.id: task.category for task in model.spec.tasks}
    people = []
    for person in sorted(model.employees, key=lambda e: e.slot):
        hours = dict.fromkeys(CATEGORY_ORDER, 0.0)
        for task, h in person.hours_per_month.items():
            hours[categories.get(task, "idle")] += h
        people.append(Person(person.role, person.status, person.engagement, hours, person.customers))
    monthly = model.monthly()
    total = {name: float(monthly[name].sum()) if model.month else 0.0 for name in ("hires", "quits", "layoffs")}
    firm = model.firm
    return Snapshot(
        month=model.month,
        months=firm.n_months,
        people=people,
        vacancies=int(firm.n_slots - firm.occupied[0].sum()),
        cumulative_profit=float(monthly["cumulative_profit"][-1]) if model.month else 0.0,
        customers=float(firm.customers[0]),
        initial_customers=float(model.spec.customers.initial),
        kept_customers=float(firm.cohort[0]),
        **total,
    )
