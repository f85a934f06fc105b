"""The sliders of the page: one per ``[levers]`` entry, with its range, step and how its value reads.

Slider ranges are the "range to sweep" of docs/calibration.md (the plausible values a room should explore),
except where the calibration names a meaningful end outside it (reskilling success 0, "reskilling fails").
A scenario whose own value lies outside that range widens its slider to hold it. Bounds a value must respect
come from the scenario schema (``model.scenario.Levers``), so a typed value is checked like a file's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from annotated_types import Ge, Le

from charts.i18n import number, percent, years_text
from model.scenario import LEVER_NAMES, Levers


@dataclass(frozen=True)
class LeverSpec:
    """How one lever is shown: slider ``low``..``high`` by ``step``; ``plausible`` is the calibrated range."""

    name: str
    low: float
    high: float
    step: float
    plausible: tuple[float, float]
    kind: str = "factor"  # factor (x1.2), probability (0.70), rate (8 %), years (5 years)

    @property
    def integer(self) -> bool:
        return self.kind == "years"


SPECS: dict[str, LeverSpec] = {
    spec.name: spec
    for spec in (
        LeverSpec("automation_scale", 0.0, 1.5, 0.05, (0.0, 1.5)),
        LeverSpec("reskilling_success", 0.0, 1.0, 0.05, (0.3, 0.9), kind="probability"),
        LeverSpec("new_work_demand_scale", 0.0, 2.0, 0.05, (0.0, 2.0)),
        LeverSpec("survivor_effect_scale", 0.0, 2.0, 0.05, (0.0, 2.0)),
        LeverSpec("customer_sensitivity_scale", 0.0, 2.0, 0.05, (0.0, 2.0)),
        LeverSpec("discount_rate", 0.04, 0.15, 0.01, (0.04, 0.15), kind="rate"),
        LeverSpec("years", 1, 10, 1, (1, 10), kind="years"),
    )
}


def schema_bounds(name: str) -> tuple[float, float]:
    """The (min, max) a lever's value must respect, from the scenario schema."""
    low, high = -math.inf, math.inf
    for rule in Levers.model_fields[name].metadata:
        if isinstance(rule, Ge):
            low = float(rule.ge)
        elif isinstance(rule, Le):
            high = float(rule.le)
    return low, high


def spec(name: str) -> LeverSpec:
    """The spec of a lever; a lever added to the schema without one gets its schema bounds in 20 steps."""
    if name in SPECS:
        return SPECS[name]
    low, high = schema_bounds(name)
    integer = Levers.model_fields[name].annotation is int
    return LeverSpec(
        name, low, high, 1 if integer else (high - low) / 20, (low, high), "years" if integer else "factor"
    )


def slider_range(name: str, value: float) -> tuple[float, float]:
    """The slider's ends: the lever's range, widened to hold ``value`` (a scenario's own setting)."""
    lever = spec(name)
    return min(lever.low, value), max(lever.high, value)


def format_value(name: str, value: float, lang: str) -> str:
    """A lever's value as a room reads it: ``×1.2``, ``0.70``, ``8 %``, ``5 years``."""
    kind = spec(name).kind
    if kind == "rate":
        return percent(value, lang, 0 if round(100 * value, 6).is_integer() else 1)
    if kind == "years":
        return years_text(int(round(value)), lang)
    if kind == "probability":
        return number(value, lang, 2)
    return "×" + number(value, lang, 2)


def levers_of(values: dict[str, float]) -> dict[str, float]:
    """Lever values in schema order (``years`` as an integer)."""
    return {name: int(values[name]) if spec(name).integer else float(values[name]) for name in LEVER_NAMES}
