"""Typed scenario parameters: TOML loading, ``--set`` overrides and one-line errors.

A scenario file is data; this module is the only place that reads it. Every field has a default whose value,
range and source are listed in docs/calibration.md. Unknown keys and wrong types are rejected.
"""

from __future__ import annotations

import copy
import tomllib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo

CATEGORIES = ("routine", "interpersonal", "analytic", "project")
CHANNELS = ("back_office", "billable", "customer_care", "sales", "analysis", "projects", "direct")
REQUIRED_CHANNELS = ("back_office", "billable")  # work whose demand is derived from the initial staffing

# Limits that keep the engine's arithmetic sound and catch a slipped exponent (1e12 for 1e2): far above any value
# a firm has, never binding in practice. Every number must be finite (``allow_inf_nan=False``); whether a run
# fits in memory is checked before it starts (``experiments.preflight``). docs/calibration.md lists them.
MAX_YEARS = 30  # the longest horizon
MAX_MONTHS = 600.0  # any duration in months (a half-life, a notice, a ramp, a tenure): a working life of 50 years
MAX_EMPLOYEES = 1_000_000  # people in one role
MAX_CUSTOMERS = 1e9
MAX_EUR = 1e9  # any single amount: a price, a monthly cost, a one-off cost, a gain
MAX_SALARY_EUR = 1e7  # a year's gross salary
MAX_CASH_EUR = 1e12
MAX_EUR_PER_HOUR = 1e6
MAX_HOURS_PER_MONTH = 744.0  # 31 days x 24 hours: one person's month
MAX_HOURS_PER_CUSTOMER = 1e4  # hours of work a customer asks for in a month (66 full-time people)
MAX_DEMAND_HOURS = 1e9  # hours of work a month asked of the whole firm (6.6 million full-time people)
MAX_COEFFICIENT = 100.0  # a dimensionless elasticity, slope, weight or multiplier (the calibrated ones are below 5)

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Coefficient = Annotated[float, Field(ge=0.0, le=MAX_COEFFICIENT)]
Months = Annotated[float, Field(gt=0.0, le=MAX_MONTHS)]
MonthsOrZero = Annotated[float, Field(ge=0.0, le=MAX_MONTHS)]
Eur = Annotated[float, Field(ge=0.0, le=MAX_EUR)]


class ScenarioError(ValueError):
    """A user's mistake in a scenario file or override: one line per problem, no traceback."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=False, allow_inf_nan=False)


class Labels(Strict):
    en: str
    fr: str


class Meta(Strict):
    name: str
    title: Labels
    description: Labels
    sources: list[str] = []


class Simulation(Strict):
    replicates: Annotated[int, Field(ge=1, le=100_000)] = 200
    seed: Annotated[int, Field(ge=0)] = 20261127  # any size: numpy's SeedSequence takes any integer
    hours_per_month: Annotated[float, Field(ge=1.0, le=MAX_HOURS_PER_MONTH)] = 151.67  # below, prices per hour overflow
    initial_cash_eur: Annotated[float, Field(ge=-MAX_CASH_EUR, le=MAX_CASH_EUR)] = 0.0


class Levers(Strict):
    """Named scalars that ``--set levers.NAME=value`` and the workshop sliders move."""

    automation_scale: Annotated[float, Field(ge=0.0, le=1.5)] = 1.0
    reskilling_success: Share = 0.7
    new_work_demand_scale: Annotated[float, Field(ge=0.0, le=5.0)] = 1.0
    survivor_effect_scale: Annotated[float, Field(ge=0.0, le=5.0)] = 1.0
    customer_sensitivity_scale: Annotated[float, Field(ge=0.0, le=5.0)] = 1.0
    discount_rate: Annotated[float, Field(ge=0.0, le=0.5)] = 0.08
    years: Annotated[int, Field(ge=1, le=MAX_YEARS)] = 5


LEVER_NAMES = tuple(Levers.model_fields)
LEVER_UNITS = {
    "automation_scale": "factor on every wave's removed share and augmentation uplift",
    "reskilling_success": "probability that training succeeds at median aptitude",
    "new_work_demand_scale": "factor on the demand for the policies' target tasks",
    "survivor_effect_scale": "factor on the survivor shock after layoffs",
    "customer_sensitivity_scale": "factor on the quality, contact-loss and backlog effects on churn",
    "discount_rate": "per year",
    "years": "years (whole)",
}


class Task(Strict):
    id: str
    label: Labels
    category: Literal["routine", "interpersonal", "analytic", "project"]
    channel: Literal["back_office", "billable", "customer_care", "sales", "analysis", "projects", "direct"]
    automatable_share: Share = 0.0
    demand_hours_per_customer_month: Annotated[float, Field(ge=0.0, le=MAX_HOURS_PER_CUSTOMER)] = 0.0
    demand_hours_per_month: Annotated[float, Field(ge=0.0, le=MAX_DEMAND_HOURS)] = 0.0
    value_eur_per_hour: Annotated[float, Field(ge=0.0, le=MAX_EUR_PER_HOUR)] = 0.0
    learning_months: Months = 6.0

    @model_validator(mode="after")
    def _required_demand_is_derived(self) -> Task:
        if self.channel in REQUIRED_CHANNELS and (self.demand_hours_per_customer_month or self.demand_hours_per_month):
            raise ValueError(f"{self.channel} demand is derived from the initial staffing; remove the demand_* keys")
        return self


class Role(Strict):
    id: str
    label: Labels
    count: Annotated[int, Field(ge=0, le=MAX_EMPLOYEES)]
    salary_eur_per_year: Annotated[float, Field(gt=0.0, le=MAX_SALARY_EUR)]
    hours: dict[str, Share]
    skill: Share = 1.0
    tenure_years_mean: Annotated[float, Field(gt=0.0, le=MAX_MONTHS / 12.0)] = 6.0
    ramp_up_months: Months = 2.0

    @field_validator("hours")
    @classmethod
    def _hours_sum_to_one(cls, hours: dict[str, float]) -> dict[str, float]:
        total = sum(hours.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"hours shares must sum to 1, they sum to {total:g}")
        return hours


class Customers(Strict):
    initial: Annotated[float, Field(ge=1.0, le=MAX_CUSTOMERS)]  # below one customer, demand per customer overflows
    revenue_eur_per_customer_month: Annotated[float, Field(gt=0.0, le=MAX_EUR)]
    gross_margin: Annotated[float, Field(gt=0.0, le=1.0)] = 0.6
    base_churn_per_month: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.015
    acquisition_per_month: Annotated[float, Field(ge=0.0, le=MAX_CUSTOMERS)] | None = None
    acquisition_per_sales_hour: Coefficient = 0.0
    quality_elasticity: Coefficient = 0.5
    quality_cap: Annotated[float, Field(ge=1.0, le=MAX_COEFFICIENT)] = 1.5
    contact_loss_churn: Coefficient = 0.5
    contact_memory_half_life_months: Months = 6.0
    backlog_churn: Coefficient = 1.0
    billable_revenue_share: Share = 1.0
    analysis_margin_max: Share = 0.02
    project_hours: Annotated[float, Field(gt=0.0, le=MAX_DEMAND_HOURS)] = 300.0
    project_success_probability: Share = 0.5
    project_gain_eur: Eur = 0.0
    error_cost_eur_per_hour: Annotated[float, Field(ge=0.0, le=MAX_EUR_PER_HOUR)] = 40.0
    staffing_slack: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.05
    fixed_costs_eur_per_month: Eur = 0.0


class Engagement(Strict):
    initial_mean: Share = 0.7
    initial_sd: Annotated[float, Field(ge=0.0, le=0.5)] = 0.08  # of an index within 0.05..0.95
    reference: Share = 0.7
    relaxation_months: Months = 6.0
    productivity_slope: Annotated[float, Field(ge=0.0, le=1.0)] = 0.2  # 1: output stays >= 0 at any engagement
    routine_weight: Coefficient = 0.15
    idle_weight: Coefficient = 0.3
    workload_weight: Coefficient = 0.5
    growth_bonus: Coefficient = 0.05
    failure_penalty: Coefficient = 0.15
    survivor_shock: Coefficient = 0.2
    survivor_exponent: Annotated[float, Field(gt=0.0, le=1.0)] = 0.2
    survivor_half_life_months: Months = 4.0
    survivor_productivity_weight: Share = 0.0
    best_performers_first: Share = 0.5


class Turnover(Strict):
    annual_quit_rate: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.105
    # at most 20 (four times the calibrated range): the hazard's dispersion correction exp((beta sd)^2 / 2) stays
    # finite (exp(50) at beta 20, sd 0.5)
    engagement_beta: Annotated[float, Field(ge=0.0, le=20.0)] = 3.0
    market_tightness: Annotated[float, Field(gt=0.0, le=MAX_COEFFICIENT)] = 1.0


class LabourMarket(Strict):
    time_to_fill_months: Annotated[float, Field(ge=1.0, le=MAX_MONTHS)] = 1.4
    hiring_cost_share: Coefficient = 0.05
    contractor_price_multiple: Annotated[float, Field(ge=1.0, le=5.0)] = 1.6


class Learning(Strict):
    skill_half_life_unused_months: Months = 24.0
    skill_after_training: Share = 0.3
    skill_after_handover: Share = 0.6
    aptitude_slope: Coefficient = 0.8
    practice_aptitude_slope: Coefficient = 0.2


class Jurisdiction(Strict):
    preset: Literal["france", "at_will"] = "france"
    employer_contribution_rate: Share | None = None
    notice_months: MonthsOrZero | None = None
    notice_months_under_2_years: MonthsOrZero | None = None
    severance_months_per_year_first_10: MonthsOrZero | None = None
    severance_months_per_year_beyond_10: MonthsOrZero | None = None
    severance_min_tenure_months: MonthsOrZero | None = None
    redeployment_months: MonthsOrZero | None = None
    redeployment_cost_eur: Eur | None = None
    mutual_agreement_months: MonthsOrZero | None = None
    mutual_agreement_contribution_rate: Share | None = None
    min_part_time_fte: Share | None = None


JURISDICTION_PRESETS: dict[str, dict[str, float]] = {
    # Code du travail R1234-2 (severance), L1234-1 (notice), L1233-4 (redeployment attempt before dismissal).
    "france": dict(
        employer_contribution_rate=0.30,
        notice_months=2.0,
        notice_months_under_2_years=1.0,
        severance_months_per_year_first_10=0.25,
        severance_months_per_year_beyond_10=1 / 3,
        severance_min_tenure_months=8.0,
        redeployment_months=2.0,
        redeployment_cost_eur=1500.0,
        # rupture conventionnelle (L1237-11 to -16): 15 days to withdraw + 15 working days of approval, no notice;
        # employer's specific contribution of 30 % on the indemnity (LFRSS 2023, from 1 September 2023)
        mutual_agreement_months=1.0,
        mutual_agreement_contribution_rate=0.30,
        min_part_time_fte=24.0 / 35.0,  # L3123-27: 24 h a week, unless the employee asks for less
    ),
    "at_will": dict(
        employer_contribution_rate=0.10,
        notice_months=0.0,
        notice_months_under_2_years=0.0,
        severance_months_per_year_first_10=0.0,
        severance_months_per_year_beyond_10=0.0,
        severance_min_tenure_months=0.0,
        redeployment_months=0.0,
        redeployment_cost_eur=0.0,
        mutual_agreement_months=0.0,
        mutual_agreement_contribution_rate=0.0,
        min_part_time_fte=0.0,
    ),
}


class Wave(Strict):
    """A tool's roll-out: what it removes and augments, how it diffuses, what it costs."""

    month: Annotated[int, Field(ge=0, lt=12 * MAX_YEARS)]  # 0 = the first month
    removed_share: dict[str, Share]
    adoption: Literal["linear", "bass"] = "linear"
    ramp_months: Annotated[int, Field(ge=1, le=int(MAX_MONTHS))] = 6
    bass_p: Annotated[float, Field(gt=0.0, le=1.0)] = 0.03
    bass_q: Annotated[float, Field(ge=0.0, le=2.0)] = 0.4
    learning_dip: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0
    learning_dip_months: Annotated[int, Field(ge=1, le=24)] = 3
    one_off_cost_eur: Eur = 0.0
    monthly_cost_eur: Eur = 0.0
    augmentation: dict[str, Annotated[float, Field(ge=1.0, le=3.0)]] = {}
    augmentation_by_skill: bool = False
    augmentation_reference_skill: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.5


class Automation(Strict):
    waves: list[Wave] = []


class PolicySpec(BaseModel):
    """A policy named in a scenario: its registry kind, an optional display label (default from the kind, see
    ``model.labels``) plus that kind's own parameters (the undeclared keys)."""

    model_config = ConfigDict(extra="allow", strict=True, allow_inf_nan=False)
    name: str
    kind: str
    label: Labels | None = None


class Scenario(Strict):
    meta: Meta
    simulation: Simulation = Simulation()
    levers: Levers = Levers()
    tasks: list[Task]
    roles: list[Role]
    customers: Customers
    engagement: Engagement = Engagement()
    turnover: Turnover = Turnover()
    labour_market: LabourMarket = LabourMarket()
    learning: Learning = Learning()
    jurisdiction: Jurisdiction = Jurisdiction()
    automation: Automation = Automation()
    policies: list[PolicySpec]
    uncertain: dict[str, Annotated[list[float], Field(min_length=2, max_length=2)]] = {}

    @model_validator(mode="after")
    def _references_exist(self) -> Scenario:
        problems = [
            *repeated("tasks: id", [t.id for t in self.tasks]),
            *repeated("roles: id", [r.id for r in self.roles]),
            *repeated("policies: name", [p.name for p in self.policies]),
        ]
        known = {t.id for t in self.tasks}
        unknown = "no [[tasks]] table has this id"
        for role in self.roles:
            problems += [
                f"roles.{role.id}.hours names unknown task {k!r}: {unknown}" for k in role.hours if k not in known
            ]
        kept = dict.fromkeys(known, 1.0)  # waves compound: each removes its share of what is left
        for i, wave in enumerate(self.automation.waves):
            for k, share in wave.removed_share.items():
                if k not in known:
                    problems.append(f"automation.waves.{i}.removed_share names unknown task {k!r}: {unknown}")
                else:
                    kept[k] *= 1.0 - share
            problems += [
                f"automation.waves.{i}.augmentation names unknown task {k!r}: {unknown}"
                for k in wave.augmentation
                if k not in known
            ]
        problems += [
            f"automation waves remove {1 - kept[t.id]:g} of {t.id!r} in all, above its automatable_share "
            f"{t.automatable_share:g}"
            for t in self.tasks
            if 1.0 - kept[t.id] > t.automatable_share + 1e-9
        ]
        problems += self._labels_differ()
        problems += [
            f"roles.{role.id}.count = 0: a role with nobody; remove the role or give it at least 1 person"
            for role in self.roles
            if role.count == 0
        ]
        if not self.roles:
            problems.append("roles: the firm has no employees; add a [[roles]] table")
        if problems:
            raise ValueError("\n".join(problems))  # one line each (``validate_data``)
        return self

    def _labels_differ(self) -> list[str]:
        """Two policies must not share a display label: a chart or a table could not tell them apart."""
        from model.labels import LANGS, policy_label

        problems = []
        for lang in LANGS:
            labels = [policy_label(self, p.name, lang) for p in self.policies]
            problems += [
                f"policies: label {label!r} ({lang}) names two policies; give each its own label"
                for label in sorted(set(labels))
                if labels.count(label) > 1
            ]
        return problems

    def jurisdiction_rules(self) -> dict[str, float]:
        """The jurisdiction preset with this scenario's explicit overrides applied."""
        rules = dict(JURISDICTION_PRESETS[self.jurisdiction.preset])
        rules.update({k: v for k, v in self.jurisdiction.model_dump(exclude={"preset"}).items() if v is not None})
        return rules

    @property
    def headcount(self) -> int:
        """People in the firm at the start."""
        return sum(role.count for role in self.roles)

    @property
    def n_months(self) -> int:
        return 12 * self.levers.years

    def task_index(self) -> dict[str, int]:
        return {t.id: i for i, t in enumerate(self.tasks)}

    def policy(self, name: str) -> PolicySpec:
        for spec in self.policies:
            if spec.name == name:
                return spec
        raise ScenarioError([f"{self.meta.name}: no policy named {name!r}; defined: {', '.join(self.policy_names())}"])

    def policy_names(self) -> list[str]:
        return [p.name for p in self.policies]


def repeated(what: str, names: list[str]) -> list[str]:
    """One problem per name given more than once (``what``: where, e.g. ``"tasks: id"``)."""
    return [f"{what} {n!r} is repeated" for n in sorted(set(names)) if names.count(n) > 1]


def _key_path(loc: tuple, data: Any) -> str:
    """A pydantic error location as a key path, list items by their id or name where they have one (as ``--set``
    addresses them): ``roles.assistant.count`` rather than ``roles.0.count``."""
    parts, node = [], data
    for part in loc:
        item = node[part] if isinstance(node, list) and isinstance(part, int) and part < len(node) else None
        if isinstance(node, dict):
            item = node.get(part)
        name = item.get("id", item.get("name")) if isinstance(item, dict) and isinstance(node, list) else None
        parts.append(str(name if isinstance(name, str) and name else part))
        node = item
    return ".".join(parts)


def _given(value: Any) -> str:
    """A value as a message shows it: short tables and arrays in full, long ones by their kind."""
    text = repr(value)
    if isinstance(value, dict | list) and len(text) > 80:
        return "a table" if isinstance(value, dict) else "an array"
    return text


def _format_errors(source: str, error: dict[str, Any], data: Any) -> list[str]:
    """One line per problem: ``file: key.path = value: what is allowed``; a rule between keys, one line each."""
    message = error["msg"].removeprefix("Value error, ")
    if not error["loc"]:
        return [f"{source}: {line}" for line in message.split("\n")]
    given = "nothing" if error["type"] == "missing" else _given(error.get("input"))
    if error["type"] == "extra_forbidden":
        message = "unknown key (check spelling against docs/calibration.md)"
    return [f"{source}: {_key_path(error['loc'], data)} = {given}: {message}"]


def validate_data(data: dict[str, Any], source: str) -> Scenario:
    """Validate raw scenario data, or raise ScenarioError with one line per problem."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError([line for e in exc.errors() for line in _format_errors(source, e, data)]) from None
    from model.policies import validate_policy_specs  # policies know their own parameters

    problems = validate_policy_specs(scenario) or uncertain_problems(scenario)
    if problems:
        raise ScenarioError([f"{source}: {p}" for p in problems])
    return scenario


SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


def resolve_scenario(scenario: str | Path | Scenario) -> Scenario:
    """A Scenario from an object, a file path, or a bare name of a file in scenarios/ (``"assistant"``)."""
    if isinstance(scenario, Scenario):
        return scenario
    path = Path(scenario)
    if not path.suffix and not path.exists():
        path = SCENARIO_DIR / f"{scenario}.toml"
    return load_scenario(path)


def read_toml(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        if not data:
            raise ScenarioError(
                [f"{path}: empty; a scenario has [meta], [[tasks]], [[roles]], [customers], [[policies]]"]
            )
        return data
    except FileNotFoundError:
        raise ScenarioError([f"{path}: no such scenario file (try `python run.py scenarios`)"]) from None
    except IsADirectoryError:
        raise ScenarioError([f"{path}: a directory, not a scenario file (give a .toml file)"]) from None
    except PermissionError:
        raise ScenarioError([f"{path}: cannot be read (permission denied)"]) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [f"{path}: not valid TOML: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{path}: not valid TOML: {exc}"]) from None


SET_FORM = "expected key.path=value, e.g. levers.automation_scale=0.5"


def parse_override(text: str) -> tuple[list[str], Any]:
    """Split ``key.path=value`` into a key path and a TOML-typed value (``2`` is int, ``0.5`` float)."""
    key, equals, raw = text.partition("=")
    key, raw = key.strip(), raw.strip()
    problem = (
        "no '='" if not equals else "no key before '='" if not key else "no value after '='" if not raw
        else f"an empty part in the key {key!r}" if "" in key.split(".") else None
    )  # fmt: skip
    if problem:
        raise ScenarioError([f"--set {text!r}: {problem}; {SET_FORM}"])
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw  # a bare word: a string (``jurisdiction.preset=at_will``)
    return key.split("."), value


def apply_overrides(data: dict[str, Any], overrides: list[str] | dict[str, Any], source: str) -> dict[str, Any]:
    """Return a copy of ``data`` with ``--set`` overrides applied; list items are addressed by index or name."""
    data = copy.deepcopy(data)
    items = overrides.items() if isinstance(overrides, dict) else (parse_override(o) for o in overrides)
    for key, value in items:
        path = key.split(".") if isinstance(key, str) else key
        if "" in path:
            raise ScenarioError([f"--set {'.'.join(path)}: an empty part in the key; {SET_FORM}"])
        node: Any = data
        for depth in range(1, len(path)):
            node = _child(node, path[:depth], source)
        where = ".".join(path)
        if isinstance(node, list):
            raise ScenarioError(
                [f"{source}: --set {where}: an item of {path[-2]} is a table; set one of its keys ({where}.KEY=...)"]
            )
        if not isinstance(node, dict):
            raise ScenarioError([f"{source}: --set {where}: {'.'.join(path[:-1])} = {node!r} is a value, not a table"])
        node[path[-1]] = value
    return data


def _child(node: Any, path: list[str], source: str) -> Any:
    """The table or list at ``path`` (its last part) under ``node``, a new table where the key is absent."""
    where, part = ".".join(path), path[-1]
    if isinstance(node, list):
        for item in node:
            if isinstance(item, dict) and part in (item.get("name"), item.get("id")):
                return item
        if part.isdigit() and int(part) < len(node):
            return node[int(part)]
        names = [str(n) for i in node if isinstance(i, dict) and (n := i.get("id", i.get("name")))]
        items = "".join(f"{n}, " for n in names) + (f"or 0 to {len(node) - 1}" if names else f"0 to {len(node) - 1}")
        items = items if node else "it is empty"
        raise ScenarioError([f"{source}: --set {where}: no item {part!r} in {'.'.join(path[:-1])} ({items})"])
    if not isinstance(node, dict):
        raise ScenarioError([f"{source}: --set {where}: {'.'.join(path[:-1])} = {node!r} is a value, not a table"])
    return node.setdefault(part, {})


def load_scenario(path: str | Path, overrides: list[str] | dict[str, Any] | None = None) -> Scenario:
    """Read, override and validate a scenario file. Raises ScenarioError (one line per problem)."""
    source = str(path)
    data = apply_overrides(read_toml(path), overrides or [], source)
    return validate_data(data, source)


def with_levers(scenario: Scenario, **levers: float) -> Scenario:
    """A copy of ``scenario`` with some levers changed, validated."""
    unknown = [k for k in levers if k not in LEVER_NAMES]
    if unknown:
        raise ScenarioError(
            [f"{scenario.meta.name}: unknown lever(s) {', '.join(unknown)}; allowed: {', '.join(LEVER_NAMES)}"]
        )
    data = scenario.model_dump(mode="python")
    for name, value in levers.items():
        data["levers"][name] = whole_years(value, scenario.meta.name) if name == "years" else float(value)
    return validate_data(data, scenario.meta.name)


def check_option(flag: str, path: str, value: Any) -> Any:
    """A command-line option that stands for a scenario value (``--years`` for ``levers.years``), validated by the
    same field as in a file: the same limits on the command line; one line naming the option if it is refused."""
    section, name = path.split(".")
    field = Scenario.model_fields[section].annotation.model_fields[name]
    adapter = TypeAdapter(field.rebuild_annotation(), config=ConfigDict(strict=True, allow_inf_nan=False))
    try:
        return adapter.validate_python(value)
    except ValidationError as error:
        raise ScenarioError([f"{flag} {value}: {error.errors()[0]['msg']} (as {path} in a scenario)"]) from None


def whole_years(value: Any, source: str) -> int:
    """``years`` as an int; 7.5 years is refused rather than truncated."""
    try:
        years = float(value)
    except (TypeError, ValueError):
        years = float("nan")
    if not years.is_integer():
        raise ScenarioError([f"{source}: levers.years = {value!r}: expected a whole number of years"])
    return int(years)


def with_values(scenario: Scenario, values: dict[str, Any]) -> Scenario:
    """A copy of ``scenario`` with values set by dotted key path (as ``--set``), validated."""
    return validate_data(
        apply_overrides(scenario.model_dump(mode="python"), values, scenario.meta.name), scenario.meta.name
    )


def monthly_rate(annual: float) -> float:
    """Monthly hazard of an annual rate counted per head-year (as DARES counts resignations per 100 employees)."""
    return annual / 12.0


# --- the uncertain space: what a sensitivity analysis or scenario discovery varies --------------------------

# Ranges of docs/calibration.md ("range to sweep"), used when a scenario declares no [uncertain] table: the
# levers (but the horizon) and the weakly sourced behavioural parameters the verdict may hinge on. Automation
# starts at 0.5, not 0: without the tool both roads are the same firm, a different question.
DEFAULT_UNCERTAIN: dict[str, tuple[float, float]] = {
    "levers.automation_scale": (0.5, 1.5),
    "levers.reskilling_success": (0.3, 0.9),
    "levers.new_work_demand_scale": (0.0, 2.0),
    "levers.survivor_effect_scale": (0.0, 2.0),
    "levers.customer_sensitivity_scale": (0.0, 2.0),
    "levers.discount_rate": (0.04, 0.15),
    "customers.contact_loss_churn": (0.3, 2.0),
    "customers.quality_elasticity": (0.0, 1.5),
    "customers.base_churn_per_month": (0.005, 0.03),
    "engagement.survivor_shock": (0.1, 0.3),
    "turnover.engagement_beta": (1.5, 5.0),
    "learning.skill_after_training": (0.1, 0.6),
}


@dataclass(frozen=True)
class Lever:
    """A lever with its value in a scenario, the bounds the schema allows and its unit."""

    name: str
    value: float
    low: float
    high: float
    unit: str


def real_constraints(info: FieldInfo) -> list[Any] | None:
    """The constraints (``Ge``, ``Le``...) of a real-valued field (a float, or an optional float), None for any
    other field (an int, a flag, a name): only real values can vary continuously in a sensitivity analysis."""
    if info.annotation is float:
        return list(info.metadata)
    members = [a for a in typing.get_args(info.annotation) if a is not type(None)]
    if members == [float]:
        return []
    if len(members) == 1 and typing.get_origin(members[0]) is Annotated:
        base, *extras = typing.get_args(members[0])
        if base is float:
            return [m for extra in extras for m in getattr(extra, "metadata", [extra])]
    return None


def field_bounds(constraints: list[Any]) -> tuple[float, float]:
    """(low, high) a real field accepts (inclusive or not), -inf/inf where it has no bound."""
    low, high = -float("inf"), float("inf")
    for constraint in constraints:
        for name in ("ge", "gt"):
            if getattr(constraint, name, None) is not None:
                low = float(getattr(constraint, name))
        for name in ("le", "lt"):
            if getattr(constraint, name, None) is not None:
                high = float(getattr(constraint, name))
    return low, high


def levers(scenario: Scenario) -> list[Lever]:
    """Every lever of ``scenario`` with its value, bounds and unit (the workshop's sliders, EMA's levers)."""
    return [
        Lever(name, float(getattr(scenario.levers, name)), *field_bounds(info.metadata), LEVER_UNITS[name])
        for name, info in Levers.model_fields.items()
    ]


def field_at(scenario: Scenario, path: str) -> tuple[FieldInfo, Any]:
    """The schema field at a dotted key path (list items by id or name, policies' own parameters included)
    and its value in ``scenario``. Raises KeyError with what is wrong."""
    node: Any = scenario
    parts = path.split(".")
    for depth, part in enumerate(parts[:-1]):
        if isinstance(node, list):
            node = next(
                (item for item in node if part in (getattr(item, "id", None), getattr(item, "name", None))),
                node[int(part)] if part.isdigit() and int(part) < len(node) else None,
            )
        elif isinstance(node, BaseModel) and part in type(node).model_fields:
            node = getattr(node, part)
        else:
            node = None
        if node is None:
            raise KeyError(f"no key {'.'.join(parts[: depth + 1])!r}")
    last = parts[-1]
    if isinstance(node, PolicySpec):
        from model.policies import policy_class  # a policy's parameters are its Params model's fields

        fields = policy_class(node.kind).Params.model_fields
        if last in fields:
            return fields[last], (node.model_extra or {}).get(last, fields[last].default)
    elif isinstance(node, BaseModel) and last in type(node).model_fields:
        return type(node).model_fields[last], getattr(node, last)
    raise KeyError(f"no key {path!r}")


def uncertain_space(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """The scenario's [uncertain] ranges (key path -> (low, high)), or the defaults of docs/calibration.md."""
    declared = scenario.uncertain or DEFAULT_UNCERTAIN
    return {path: (float(low), float(high)) for path, (low, high) in declared.items()}


def uncertain_problems(scenario: Scenario) -> list[str]:
    """One line per bad [uncertain] entry: an unknown or non-real key, low >= high, a bound its field refuses."""
    problems = []
    for path, (low, high) in scenario.uncertain.items():
        where = f"uncertain.{path!r} = [{low:g}, {high:g}]"
        try:
            info, _ = field_at(scenario, path)
        except KeyError as error:
            problems.append(f"{where}: {error.args[0]} (use a numeric key path, as for --set)")
            continue
        constraints = real_constraints(info)
        if constraints is None:
            problems.append(f"{where}: {path} is not a real-valued parameter")
        elif not low < high:
            problems.append(f"{where}: low must be below high")
        else:
            adapter = TypeAdapter(Annotated[float, *constraints] if constraints else float)
            for bound in (low, high):
                try:
                    adapter.validate_python(bound)
                except ValidationError as error:
                    problems.append(f"{where}: {bound:g} is outside what {path} allows ({error.errors()[0]['msg']})")
    return problems


def identifier(path: str) -> str:
    """An identifier-safe name for a key path, for EMA Workbench, SALib and keyword arguments: a lever keeps its
    own name, other paths join their parts with ``__`` (``customers__contact_loss_churn``)."""
    return path.removeprefix("levers.").replace(".", "__")


def key_path(name: str) -> str:
    """The key path of an ``identifier`` (or a key path given as is)."""
    return f"levers.{name}" if name in LEVER_NAMES else name.replace("__", ".")
