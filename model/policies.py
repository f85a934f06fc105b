"""The manager and the policy registry: what to do with the hours a tool frees.

A policy is a class with a pydantic ``Params`` model and a ``decide`` method that acts on the firm's arrays
through the functions of ``model.actions`` (select, lay_off, reduce_hours, start_training, move_idle,
close_posts, buy_required_work, send_back_to_required). Register your own with ``@register_policy("name")``; a
scenario then names it as ``kind = "name"`` with its parameters. A policy sees only its own rows of the firm.
"""

from __future__ import annotations

import importlib
from typing import Annotated, ClassVar, Literal

import mesa
import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from model import actions
from model.customers import demand
from model.scenario import MAX_COEFFICIENT, Eur, Scenario, ScenarioError
from model.state import LEAVING, NOTICE, TRAINING, WORKING, FirmState, pick, timer_ran_out
from model.workforce import effective_hours

POLICIES: dict[str, type[Policy]] = {}


def register_policy(kind: str):
    """Class decorator adding a policy to the registry under ``kind``."""

    def add(cls: type[Policy]) -> type[Policy]:
        cls.kind = kind
        POLICIES[kind] = cls
        return cls

    return add


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class ManagerParams(NoParams):
    """What every manager who decides anything does about required work left undone: after it has stayed above
    ``undone_tolerance`` of the required hours for ``fix_undone_after_months`` months in a row, buy the hours
    (temp agency, outsourcer) or, where a policy can, move people back to it (``None``: never act)."""

    fix_undone_after_months: Annotated[int, Field(ge=1, le=24)] | None = 2
    undone_tolerance: Annotated[float, Field(ge=0.0, le=0.5)] = 0.02


class Policy:
    """Base class: a named policy with validated parameters (a subclass of ``ManagerParams``). Subclasses
    override ``decide``; every policy also watches required work (``fix_undone_work``)."""

    kind: ClassVar[str] = ""
    Params: ClassVar[type[BaseModel]] = ManagerParams
    # True: the policy reads every parameter point's value per row (``firm.per_row``, ``firm.rule``,
    # ``firm.adoption``), never ``firm.scenario``, ``firm.rules`` or ``firm.schedule``, so one object can run the
    # rows of several points that share its parameters (``model.firm.policy_steps``). A class must say so itself:
    # a subclass does not inherit it.
    handles_several_points: ClassVar[bool] = False
    undone_streak: np.ndarray | int = 0  # months in a row with required work undone beyond the tolerance

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

    def send_back_from(self) -> np.ndarray | None:
        """(K,) tasks whose people can be moved back to undone required work, or None (buy it instead)."""
        return None

    def fix_undone_work(self, firm: FirmState) -> None:
        """After ``fix_undone_after_months`` months in a row with more than ``undone_tolerance`` of the required
        hours undone, move people back to it (where ``send_back_from`` allows; they return to their new work
        once the task has hands to spare again) or buy the hours; once buying, the hours bought follow the gap
        month by month."""
        p = self.params
        if p.fix_undone_after_months is None:
            return
        source = self.send_back_from()
        if source is not None:
            actions.return_lent_hours(firm)
        undone = np.maximum(firm.required_gap, 0.0).sum(1)
        required = np.maximum(demand(firm)[:, firm.tasks.required].sum(1), 1e-12)
        self.undone_streak = np.where(undone > p.undone_tolerance * required, self.undone_streak + 1, 0)
        acting = self.undone_streak >= p.fix_undone_after_months
        if source is not None and acting.any():
            acting &= ~actions.send_back_to_required(firm, acting, source)
        actions.buy_required_work(firm, acting | (firm.contracted.sum(1) > 0))


@register_policy("status_quo")
class StatusQuo(Policy):
    """Nobody decides anything about the tool: freed hours stay idle (the reference the brief calls 'idle
    time'); required work left undone (e.g. while a post is vacant) is bought as by every manager."""

    handles_several_points = True


class CuttingParams(ManagerParams):
    targeting: Literal["most_freed", "lowest_performer", "last_in_first_out"] = "most_freed"
    min_fte_to_cut: Annotated[float, Field(gt=0.0, le=1.0)] = 0.5
    fairness: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    adoption_before_cut: Annotated[float, Field(ge=0.0, le=1.0)] = 0.9
    cut: Literal["whole_posts", "reduced_hours"] = "whole_posts"
    min_reduction_fte: Annotated[float, Field(gt=0.0, le=1.0)] = 0.1
    exit_route: Literal["dismissal", "mutual_agreement"] = "dismissal"
    mutual_agreement_premium_months: Annotated[float, Field(ge=0.0, le=24.0)] = 1.0


class ReinvestParams(ManagerParams):
    targets: dict[str, Annotated[float, Field(gt=0.0, le=MAX_COEFFICIENT)]]  # weights: only their ratios matter
    training_months: Annotated[float, Field(ge=0.0, le=24.0)] = 3.0
    training_cost_eur: Eur = 3000.0
    min_share_for_training: Annotated[float, Field(ge=0.0, le=1.0)] = 0.1
    on_failure: Literal["keep", "lay_off"] = "keep"
    saturation: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.2
    send_back_to_required: bool = True

    @field_validator("targets")
    @classmethod
    def _not_empty(cls, targets: dict[str, float]) -> dict[str, float]:
        if not targets:
            raise ValueError("name at least one target task")
        return targets


class AttritionParams(ManagerParams):
    min_fte_to_cut: Annotated[float, Field(gt=0.0, le=1.0)] = 0.5
    adoption_before_cut: Annotated[float, Field(ge=0.0, le=1.0)] = 0.9


class HybridParams(CuttingParams, ReinvestParams):
    reinvest_share: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5


@register_policy("cost_cutting")
class CostCutting(Policy):
    """Once the tool has reached ``adoption_before_cut`` of its target, cut the FTEs it freed: whole posts (an
    FTE counts once its fraction reaches ``min_fte_to_cut``; people chosen by a targeting rule, open vacancies
    on freed posts closed first) or idle hours cut from contracts (``reduced_hours``, down to the jurisdiction's
    minimum part-time); people leave by dismissal or mutual agreement."""

    Params = CuttingParams
    handles_several_points = True

    def decide(self, firm: FirmState) -> None:
        self.cut(firm, kept_share=0.0)

    def cut(self, firm: FirmState, kept_share: float) -> None:
        p = self.params
        adopted = firm.adoption(firm.month + 1) >= p.adoption_before_cut
        if not adopted.any():
            return
        if p.cut == "reduced_hours":
            floor = firm.rule("min_part_time_fte")[:, None]
            reduction = np.minimum(firm.idle * (1.0 - kept_share), firm.fte - floor) * (firm.status == WORKING)
            cut = (reduction >= p.min_reduction_fte) & adopted[:, None]
            actions.reduce_hours(firm, np.where(cut, reduction, 0.0))
            return
        target = np.where(adopted, fte_count(firm.freed_by_tool() * (1.0 - kept_share), p.min_fte_to_cut), 0)
        if not (posts_to_cut(firm, target) > 0).any():  # the cut is made: nothing to close, nobody to select
            return
        # an open vacancy on a freed post is cut first: not refilling it needs no dismissal
        freed_vacancies = firm.vacancy & (firm.idle > 0)
        actions.close_posts(firm, pick(posts_to_cut(firm, target), -firm.idle, freed_vacancies, firm.tiebreak))
        freed = firm.idle > 0 if p.targeting == "most_freed" else None
        chosen = actions.select(firm, posts_to_cut(firm, target), p.targeting, freed)
        actions.lay_off(firm, chosen, p.fairness, p.exit_route, p.mutual_agreement_premium_months)


def posts_to_cut(firm: FirmState, target: np.ndarray) -> np.ndarray:
    """(R,) whole posts still to cut to reach ``target`` FTEs."""
    return np.round(target - firm.fte_cut()).astype(int)


@register_policy("reinvest")
class Reinvest(Policy):
    """Keep everyone; freed hours go to target tasks after reskilling (months, cost, success from aptitude), to
    the targets whose next hour is worth most, none to a target whose value has saturated (``saturation``);
    required work left undone is handed back to reskilled people first (``send_back_to_required``)."""

    Params = ReinvestParams
    handles_several_points = True

    def target_tasks(self) -> set[str]:
        return set(self.params.targets)

    def prepare(self, firm: FirmState) -> None:
        index = {task: k for k, task in enumerate(firm.tasks.ids)}
        weights = np.zeros(firm.tasks.size)
        for task, weight in self.params.targets.items():
            weights[index[task]] = weight
        self.targets = weights / weights.sum()

    def send_back_from(self) -> np.ndarray | None:
        return self.targets > 0 if self.params.send_back_to_required else None

    def decide(self, firm: FirmState) -> None:
        self.reinvest(firm)

    def reinvest(self, firm: FirmState) -> None:
        working = firm.status == WORKING
        idle = firm.idle > 1e-9
        self.move_to_targets(firm, working & firm.reskilled & idle)
        trainees = working & idle & ~firm.reskilled & ~firm.failed & (firm.idle >= self.params.min_share_for_training)
        actions.start_training(firm, trainees, self.params.training_months, self.params.training_cost_eur)

    def move_to_targets(self, firm: FirmState, movers: np.ndarray) -> None:
        """Idle hours of ``movers`` to the targets in proportion to weight x marginal value exp(-E / D); nothing
        moves in a replicate where every target is saturated (marginal value below ``saturation``)."""
        if not movers.any():
            return
        marginal = np.exp(-effective_hours(firm) / np.maximum(demand(firm), 1e-12))
        weights = np.where(marginal >= self.params.saturation, self.targets * marginal, 0.0)
        total = weights.sum(1, keepdims=True)
        # shares that sum to 1 however small the total (a floor on it would lose the hours it did not share out)
        shares = np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
        actions.move_idle(firm, movers & (total > 0), shares)

    def after_training(self, firm: FirmState, succeeded: np.ndarray, failed: np.ndarray) -> None:
        firm.reskilled |= succeeded
        people = np.nonzero(succeeded)
        skill = firm.skill[people]
        trained = firm.per_row("learning.skill_after_training")[people[0], None]
        np.maximum(skill, trained, out=skill, where=self.targets > 0)
        firm.skill[people] = skill
        self.move_to_targets(firm, succeeded)
        firm.failed |= failed
        if self.params.on_failure == "lay_off":
            actions.lay_off(firm, failed)


@register_policy("hybrid")
class Hybrid(Reinvest):
    """Cut ``1 - reinvest_share`` of the freed FTEs as ``cost_cutting`` does, reinvest the hours that remain."""

    Params = HybridParams
    handles_several_points = True

    def prepare(self, firm: FirmState) -> None:
        super().prepare(firm)
        self.cutting = CostCutting(self.name, self.params)

    def decide(self, firm: FirmState) -> None:
        self.cutting.cut(firm, kept_share=self.params.reinvest_share)
        self.reinvest(firm)


@register_policy("attrition")
class Attrition(Policy):
    """No layoffs; once the tool has reached ``adoption_before_cut`` of its target, as many posts as it has freed
    FTEs, in roles it touches, are not refilled when their holder leaves (the most-freed posts first; an open
    vacancy is closed at once)."""

    Params = AttritionParams
    handles_several_points = True

    def decide(self, firm: FirmState) -> None:
        adopted = firm.adoption(firm.month + 1) >= self.params.adoption_before_cut
        if not adopted.any():
            return
        budget = np.where(adopted, posts_to_cut(firm, fte_count(firm.freed_by_tool(), self.params.min_fte_to_cut)), 0)
        candidates = firm.backfill & (firm.occupied | firm.vacancy) & firm.automated_roles()
        chosen = pick(budget, -firm.idle - firm.vacancy, candidates, firm.tiebreak)  # open vacancies, then most idle
        firm.backfill &= ~chosen
        actions.close_posts(firm, chosen & firm.vacancy)


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
    if not timer_ran_out(firm.timer, firm.status):  # nobody's training, redeployment or notice ends this month
        return
    ended = (firm.status == TRAINING) & (firm.timer <= 0)
    if ended.any():
        success = firm.drawn("reskill") < reskilling_probability(firm)
        firm.status[ended] = WORKING
        policy.after_training(firm, ended & success, ended & ~success)
    to_notice = (firm.status == LEAVING) & (firm.timer <= 0)
    if to_notice.any():
        firm.status[to_notice] = NOTICE
        firm.timer[to_notice] = firm.notice_due[to_notice]  # fixed at notification
    gone = (firm.status == NOTICE) & (firm.timer <= 0)
    if gone.any():
        firm.ledger.spend("severance", (firm.severance_due * gone).sum(1))
        firm.severance_due[gone] = 0.0
        handover = firm.per_row("learning.skill_after_handover")[:, None, None]
        firm.vacate(gone, newcomer_skill=handover)  # the notice was worked


def reskilling_probability(firm: FirmState) -> np.ndarray:
    """logistic(logit(reskilling_success) + a * aptitude): the lever is the median-aptitude probability."""
    median = firm.per_row("reskilling_logit", median_logit)[:, None]
    logit = median + firm.per_row("learning.aptitude_slope")[:, None] * firm.aptitude
    return 1.0 / (1.0 + np.exp(-logit))


def median_logit(firm: FirmState) -> float:
    """logit(reskilling_success) of a one-point firm or view, the success kept off 0 and 1."""
    p = min(max(firm.scenario.levers.reskilling_success, 1e-12), 1.0 - 1e-12)
    return float(np.log(p / (1.0 - p)))


class Manager(mesa.Agent):
    """The manager: holds the policy that ``manage`` applies in step 2 of each month (``FirmModel.step``)."""

    def __init__(self, model: mesa.Model, policy: Policy):
        super().__init__(model)
        self.policy = policy


def manage(firm: FirmState, policy: Policy) -> None:
    advance_statuses(firm, policy)
    policy.fix_undone_work(firm)
    policy.decide(firm)
