"""The manager and the policy registry: what to do with the hours a tool frees.

A policy is a class with a pydantic ``Params`` model and a ``decide`` method that acts on the firm's arrays
through the actions of ``FirmState`` (select, lay_off, start_training, move_idle, close_posts). Register your
own with ``@register_policy("name")``; a scenario then names it as ``kind = "name"`` with its parameters.
"""

from __future__ import annotations

import importlib
from typing import Annotated, ClassVar, Literal

import mesa
import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from model.accounting import severance_eur
from model.scenario import Scenario, ScenarioError
from model.state import LEAVING, NOTICE, TRAINING, WORKING, FirmState, pick

POLICIES: dict[str, type[Policy]] = {}


def register_policy(kind: str):
    """Class decorator adding a policy to the registry under ``kind``."""

    def add(cls: type[Policy]) -> type[Policy]:
        cls.kind = kind
        POLICIES[kind] = cls
        return cls

    return add


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Policy:
    """Base class: a named policy with validated parameters. Subclasses override ``decide``."""

    kind: ClassVar[str] = ""
    Params: ClassVar[type[BaseModel]] = NoParams

    def __init__(self, name: str, params: BaseModel | None = None):
        self.name = name
        self.params = params if params is not None else self.Params()

    def target_tasks(self) -> set[str]:
        """Tasks this policy moves freed hours to (their demand follows ``new_work_demand_scale``)."""
        return set()

    def prepare(self, firm: FirmState) -> None:
        """Called once before the first month, e.g. to turn task names into index vectors."""

    def decide(self, firm: FirmState) -> None:
        """Act on the month's freed hours. The default does nothing: freed hours stay idle."""

    def after_training(self, firm: FirmState, succeeded: np.ndarray, failed: np.ndarray) -> None:
        """React to trainings that ended this month."""


@register_policy("status_quo")
class StatusQuo(Policy):
    """Nobody decides anything: freed hours stay idle (the reference the brief calls 'idle time')."""


class CuttingParams(NoParams):
    targeting: Literal["most_freed", "lowest_performer", "last_in_first_out"] = "most_freed"
    min_fte_to_cut: Annotated[float, Field(gt=0.0, le=1.0)] = 0.5
    fairness: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0


class ReinvestParams(NoParams):
    targets: dict[str, Annotated[float, Field(gt=0.0)]]
    training_months: Annotated[float, Field(ge=0.0, le=24.0)] = 3.0
    training_cost_eur: Annotated[float, Field(ge=0.0)] = 3000.0
    min_share_for_training: Annotated[float, Field(ge=0.0, le=1.0)] = 0.1
    on_failure: Literal["keep", "lay_off"] = "keep"

    @field_validator("targets")
    @classmethod
    def _not_empty(cls, targets: dict[str, float]) -> dict[str, float]:
        if not targets:
            raise ValueError("name at least one target task")
        return targets


class AttritionParams(NoParams):
    min_fte_to_cut: Annotated[float, Field(gt=0.0, le=1.0)] = 0.5


class HybridParams(CuttingParams, ReinvestParams):
    reinvest_share: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5


@register_policy("cost_cutting")
class CostCutting(Policy):
    """Turn the hours the tool has freed into FTEs and lay that many people off (an FTE counts once its
    fraction reaches ``min_fte_to_cut``), chosen by a targeting rule."""

    Params = CuttingParams
    reinvest_share = 0.0

    def decide(self, firm: FirmState) -> None:
        target = fte_count(firm.freed_by_tool() * (1.0 - self.reinvest_share), self.params.min_fte_to_cut)
        # an open vacancy on a freed post is cut first: not refilling it needs no dismissal
        freed_vacancies = firm.vacancy & (firm.idle > 0)
        firm.close_posts(pick(target - firm.posts_cut(), -firm.idle, freed_vacancies))
        freed = firm.idle > 0 if self.params.targeting == "most_freed" else None
        firm.lay_off(firm.select(target - firm.posts_cut(), self.params.targeting, freed), self.params.fairness)


@register_policy("reinvest")
class Reinvest(Policy):
    """Keep everyone; freed hours go to target tasks after reskilling (months, cost, success from aptitude)."""

    Params = ReinvestParams

    def target_tasks(self) -> set[str]:
        return set(self.params.targets)

    def prepare(self, firm: FirmState) -> None:
        index = firm.scenario.task_index()
        weights = np.zeros(firm.tasks.size)
        for task, weight in self.params.targets.items():
            weights[index[task]] = weight
        self.targets = weights / weights.sum()

    def decide(self, firm: FirmState) -> None:
        working = firm.status == WORKING
        idle = firm.idle > 1e-9
        firm.move_idle(working & firm.reskilled & idle, self.targets)
        trainees = working & idle & ~firm.reskilled & ~firm.failed & (firm.idle >= self.params.min_share_for_training)
        firm.start_training(trainees, self.params.training_months, self.params.training_cost_eur)

    def after_training(self, firm: FirmState, succeeded: np.ndarray, failed: np.ndarray) -> None:
        firm.reskilled |= succeeded
        people = np.nonzero(succeeded)
        skill = firm.skill[people]
        np.maximum(skill, firm.scenario.learning.skill_after_training, out=skill, where=self.targets > 0)
        firm.skill[people] = skill
        firm.move_idle(succeeded, self.targets)
        firm.failed |= failed
        if self.params.on_failure == "lay_off":
            firm.lay_off(failed)


@register_policy("hybrid")
class Hybrid(Reinvest):
    """Lay off ``1 - reinvest_share`` of the freed FTEs, reinvest the hours that remain."""

    Params = HybridParams

    def prepare(self, firm: FirmState) -> None:
        super().prepare(firm)
        self.cutting = CostCutting(
            self.name, CuttingParams(**self.params.model_dump(include=set(CuttingParams.model_fields)))
        )
        self.cutting.reinvest_share = self.params.reinvest_share

    def decide(self, firm: FirmState) -> None:
        self.cutting.decide(firm)
        super().decide(firm)


@register_policy("attrition")
class Attrition(Policy):
    """No layoffs; as many posts as the tool has freed FTEs, in roles it touches, are not refilled when their
    holder leaves (the most-freed posts first; an open vacancy is closed at once)."""

    Params = AttritionParams

    def decide(self, firm: FirmState) -> None:
        budget = fte_count(firm.freed_by_tool(), self.params.min_fte_to_cut) - firm.posts_cut()
        candidates = firm.backfill & (firm.occupied | firm.vacancy) & firm.automated_roles()
        chosen = pick(budget, -firm.idle - firm.vacancy, candidates)  # open vacancies first, then most idle
        firm.backfill &= ~chosen
        firm.close_posts(chosen & firm.vacancy)


def fte_count(fte: np.ndarray, threshold: float) -> np.ndarray:
    """Whole posts in ``fte``: a fraction counts as a post once it reaches ``threshold``."""
    return np.floor(fte + 1.0 - threshold).astype(int)


def policy_class(kind: str) -> type[Policy]:
    """The class of a policy kind: a registered name, or ``"package.module:Class"`` imported on demand (so a
    spawned worker that never saw the researcher's module imports it too). Raises ScenarioError saying why not."""
    if kind in POLICIES:
        return POLICIES[kind]
    module_name, _, class_name = kind.partition(":")
    if not class_name:
        raise ScenarioError(
            [f"{kind!r}: unknown policy; allowed: {', '.join(sorted(POLICIES))}, or 'package.module:Class'"]
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ScenarioError(
            [f"{kind!r}: cannot import {module_name!r} ({error}); install it or put its folder on PYTHONPATH"]
        ) from None
    cls = getattr(module, class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, Policy)):
        found = "nothing" if cls is None else type(cls).__name__
        raise ScenarioError([f"{kind!r}: {module_name}.{class_name} is {found}, not a model.policies.Policy subclass"])
    return cls


def make_policy(scenario: Scenario, name: str) -> Policy:
    """The policy ``name`` of a scenario with its parameters; a registered kind that the scenario does not list
    (``status_quo``) runs with its default parameters."""
    if name not in scenario.policy_names() and name in POLICIES:
        cls = POLICIES[name]
        try:
            return cls(name, cls.Params())
        except ValidationError:
            raise ScenarioError(
                [f"{scenario.meta.name}: policy {name!r} needs parameters; add a [[policies]] table for it"]
            ) from None
    spec = scenario.policy(name)
    cls = policy_class(spec.kind)
    return cls(name, cls.Params.model_validate(spec.model_extra or {}))


def validate_policy_specs(scenario: Scenario) -> list[str]:
    """One line per problem in the scenario's [[policies]] tables."""
    problems = []
    tasks = set(scenario.task_index())
    for spec in scenario.policies:
        where = f"policies.{spec.name}"
        try:
            policy = make_policy(scenario, spec.name)
        except ScenarioError as error:
            problems.append(f"{where}.kind = {error.problems[0]}")
            continue
        except ValidationError as exc:
            for e in exc.errors():
                key = ".".join(str(p) for p in e["loc"])
                given = "nothing" if e["type"] == "missing" else repr(e.get("input"))
                message = "unknown key" if e["type"] == "extra_forbidden" else e["msg"].removeprefix("Value error, ")
                problems.append(f"{where}.{key} = {given}: {message}")
            continue
        problems += [f"{where}.targets: unknown task {t!r}" for t in sorted(policy.target_tasks() - tasks)]
        for task in sorted(policy.target_tasks() & tasks):
            doers = [role.id for role in scenario.roles if task in role.hours]
            if doers:
                problems.append(
                    f"{where}.targets: {task!r} is already done by {', '.join(doers)}; targets must be new tasks"
                )
    return problems


def target_tasks(scenario: Scenario) -> set[str]:
    """Every task some policy of the scenario reinvests in: the 'new work' whose demand the lever scales."""
    return set().union(*(make_policy(scenario, name).target_tasks() for name in scenario.policy_names()))


def advance_statuses(firm: FirmState, policy: Policy) -> None:
    """End trainings (success drawn from aptitude), move leavers from redeployment to notice, and out."""
    if not ((firm.timer <= 0) & (firm.status >= TRAINING)).any():  # no timer has run out this month
        return
    ended = (firm.status == TRAINING) & (firm.timer <= 0)
    if ended.any():
        success = firm.drawn("reskill") < reskilling_probability(firm)
        firm.status[ended] = WORKING
        policy.after_training(firm, ended & success, ended & ~success)
    to_notice = (firm.status == LEAVING) & (firm.timer <= 0)
    if to_notice.any():
        firm.status[to_notice] = NOTICE
        notice, under_2_years = firm.rules["notice_months"], firm.rules["notice_months_under_2_years"]
        short = firm.tenure[to_notice] < 24  # France, L1234-1: one month of notice under two years of service
        firm.timer[to_notice] = np.where(short, min(notice, under_2_years), notice)
    gone = (firm.status == NOTICE) & (firm.timer <= 0)
    if gone.any():
        pay = severance_eur(firm.salary_month, firm.tenure, firm.rules)
        firm.ledger.spend("severance", (pay * gone).sum(1))
        firm.vacate(gone)


def reskilling_probability(firm: FirmState) -> np.ndarray:
    """logistic(logit(reskilling_success) + a * aptitude): the lever is the median-aptitude probability."""
    p = np.clip(firm.scenario.levers.reskilling_success, 1e-12, 1.0 - 1e-12)
    logit = np.log(p / (1.0 - p)) + firm.scenario.learning.aptitude_slope * firm.aptitude
    return 1.0 / (1.0 + np.exp(-logit))


class Manager(mesa.Agent):
    """The manager: holds the policy that ``manage`` applies in step 2 of each month (``FirmModel.step``)."""

    def __init__(self, model: mesa.Model, policy: Policy):
        super().__init__(model)
        self.policy = policy


def manage(firm: FirmState, policy: Policy) -> None:
    advance_statuses(firm, policy)
    policy.decide(firm)
