"""Many parameter points in one call: every experiment (sweep, frontier, break-even, sensitivity, discovery) runs
its points through ``run_points``.

A point is a dict of dotted scenario key paths (as ``--set``) to values, e.g. ``{"levers.reskilling_success":
0.4, "customers.contact_loss_churn": 0.5}``. Replicate i of every point, for every policy, uses child i of the
root seed: common random numbers across points and policies, so differences between points and between
policies are paired, and frontier maps are smooth.

The work is cut into fixed tasks (a chunk of points of one shape x a block of replicates) whatever the executor
or its number of workers, so the same root seed gives identical numbers everywhere. ``_run_batch`` runs the
points of a task that can share a batch as rows of one engine call (``model.firm.run_points``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ConfigDict, TypeAdapter, ValidationError
from scipy import stats

from experiments.replicates import BLOCK, BLOCK_MEMORY, block_size, blocks, replicate_seeds
from model import PAIRED_OUTCOMES
from model import firm as engine
from model.batch import shape_key
from model.firm import batch_bytes
from model.outcomes import OUTCOMES, outcomes
from model.policies import make_policy
from model.scenario import Scenario, ScenarioError, apply_overrides, field_at, key_path, resolve_scenario, validate_data

Point = dict[str, Any]
Outcomes = dict[str, dict[str, np.ndarray]]  # policy -> outcome -> (points, replicates)

POINTS_PER_TASK = 1024  # at most (a task is also the unit of progress and of resume)
ROWS_PER_TASK = 4096  # engine rows (points x policies x replicates) of a unit of work: a month's decisions are a
# few hundred numpy calls whatever the rows, so bigger tasks pay them fewer times; 4096 rows of the default firm
# hold a few tens of MB
# Sections without cross-field rules: a value set there is checked against its own field and the section is
# copied, instead of validating the whole scenario again (about 50 times faster per point).
FREE_SECTIONS = {"simulation", "levers", "customers", "engagement", "turnover", "labour_market", "learning"}


def scenario_at(base: Scenario, point: Point) -> Scenario:
    """``base`` with a point's values set, validated. Raises ScenarioError naming the key and value."""
    source = base.meta.name
    paths = [key_path(key) for key in point]
    if all(path.count(".") == 1 and path.split(".")[0] in FREE_SECTIONS for path in paths):
        sections: dict[str, dict[str, Any]] = {}
        for path, value in zip(paths, point.values()):
            section, name = path.split(".")
            sections.setdefault(section, {})[name] = _checked(base, path, value)
        return base.model_copy(update={s: getattr(base, s).model_copy(update=values) for s, values in sections.items()})
    values = {path: _coerced(base, path, value) for path, value in zip(paths, point.values())}
    return validate_data(apply_overrides(_dump(base), values, source), source)


def _checked(base: Scenario, path: str, value: Any) -> Any:
    adapter = _adapter(path)
    if adapter is None:
        raise ScenarioError(
            [f"{base.meta.name}: {path} = {value!r}: unknown key (check spelling against docs/calibration.md)"]
        )
    try:
        return adapter.validate_python(_coerced(base, path, value))
    except ValidationError as error:
        raise ScenarioError([f"{base.meta.name}: {path} = {value!r}: {error.errors()[0]['msg']}"]) from None


@cache
def _adapter(path: str) -> TypeAdapter | None:
    """The strict validator of the field at ``section.name`` in a free section, None for an unknown key."""
    section, name = path.split(".")
    fields = Scenario.model_fields[section].annotation.model_fields
    if name not in fields:
        return None
    return TypeAdapter(fields[name].rebuild_annotation(), config=ConfigDict(strict=True))


def _coerced(base: Scenario, path: str, value: Any) -> Any:
    """A design's float for an integer field (``levers.years = 7.0``) as an int; numpy scalars as Python ones."""
    value = value.item() if isinstance(value, np.generic) else value
    try:
        info, _ = field_at(base, path)
    except KeyError:
        return value  # validation names the unknown key
    if info.annotation is int and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_LAST_DUMP: list[tuple[Scenario, dict]] = []  # the last base scenario and its data: a sweep reuses one base


def _dump(base: Scenario) -> dict:
    """The validated base scenario as data, dumped once while the same scenario object is the base."""
    if not _LAST_DUMP or _LAST_DUMP[0][0] is not base:
        _LAST_DUMP[:] = [(base, base.model_dump(mode="python"))]
    return _LAST_DUMP[0][1]  # apply_overrides copies it before changing anything


def shape_of(scenario: Scenario) -> tuple:
    """What fixes the engine's array shapes: points of one shape can share a batch."""
    return scenario.n_months, tuple(role.count for role in scenario.roles), tuple(t.id for t in scenario.tasks)


@dataclass
class Task:
    """A unit of work: a chunk of points of one shape on a block of replicates."""

    points: list[int]  # indices into the points of the call
    start: int
    stop: int

    @property
    def size(self) -> int:
        """Point-replicates (each of them one row per policy)."""
        return len(self.points) * (self.stop - self.start)


def task_sizes(
    scenarios: Sequence[Scenario], policies: int, budget: int = BLOCK_MEMORY, replicates: int = BLOCK
) -> tuple[int, int]:
    """(points, replicates) per task: the replicates of a block (``block_size``, for a batch to fit in
    ``budget`` bytes) and as many points beside them as ``ROWS_PER_TASK`` rows of ``replicates`` (or a block)
    hold and the budget allows (at least one, at most ``POINTS_PER_TASK``), for the largest shape among
    ``scenarios``."""
    largest = max(scenarios, key=lambda s: batch_bytes(s, 1, policies))
    block = block_size(largest, policies, budget)
    shared = batch_bytes(largest, block, 0)  # the random numbers, shared by every point
    per_point = batch_bytes(largest, block, policies) - shared
    rows = ROWS_PER_TASK // (min(replicates, block) * policies)
    return int(max(1, min(POINTS_PER_TASK, rows, (budget - shared) // per_point))), block


def plan(
    scenarios: Sequence[Scenario], replicates: int, points_per_task: int, replicates_per_task: int = BLOCK
) -> list[Task]:
    """Fixed tasks: points grouped by shape (in their order), chunked, times the fixed replicate blocks."""
    groups: dict[tuple, list[int]] = {}
    for index, scenario in enumerate(scenarios):
        groups.setdefault(shape_of(scenario), []).append(index)
    chunks = [g[i : i + points_per_task] for g in groups.values() for i in range(0, len(g), points_per_task)]
    return [Task(chunk, start, stop) for chunk in chunks for start, stop in blocks(replicates, replicates_per_task)]


def _run_batch(scenarios: list[Scenario], policies: list[str], seeds: list[np.random.SeedSequence]) -> Outcomes:
    """Outcomes (points, replicates) of every policy for scenarios of one shape on the same seeds: the points
    that can share a batch of the engine (``model.batch.shape_key``) run as rows of one engine call, with the
    same numbers as each point run alone."""
    groups: dict[tuple, list[int]] = {}
    for i, scenario in enumerate(scenarios):
        groups.setdefault(shape_key(scenario), []).append(i)
    results: list[dict] = [{}] * len(scenarios)
    for members in groups.values():
        batch = engine.run_points([scenarios[i] for i in members], policies, seeds)
        for i, monthly_of in zip(members, batch):
            results[i] = {policy: outcomes(monthly, scenarios[i].headcount) for policy, monthly in monthly_of.items()}
    return {policy: {name: np.stack([r[policy][name] for r in results]) for name in OUTCOMES} for policy in policies}


def run_task(base: Scenario, points: list[Point], policies: list[str], root_seed: int, start: int, stop: int):
    """A picklable unit for any executor: the base scenario and the points travel, the worker applies them."""
    seeds = replicate_seeds(root_seed, stop)[start:stop]
    return _run_batch([scenario_at(base, p) for p in points], policies, seeds)


@dataclass
class PointsResult:
    """Per-replicate outcomes of every point and policy."""

    points: list[Point]
    policies: list[str]
    outcomes: Outcomes  # policy -> outcome -> (points, replicates)

    def difference(self, a: str, b: str, metric: str = "npv") -> np.ndarray:
        """(points, replicates) paired difference A - B of an outcome."""
        return self.outcomes[a][metric] - self.outcomes[b][metric]

    def table(self) -> pd.DataFrame:
        """Tidy: one row per point x policy x replicate, with the point's values and every outcome."""
        n_points, n_reps = self.outcomes[self.policies[0]]["npv"].shape
        return tidy(self.points, np.arange(n_points), np.arange(n_reps), self.outcomes)


def tidy(points: Sequence[Point], point_ids: np.ndarray, replicate_ids: np.ndarray, outcomes: Outcomes) -> pd.DataFrame:
    """One row per point x policy x replicate: ``point``, the point's values, ``policy``, ``replicate`` and every
    outcome (``outcomes`` of those points and replicates, policy -> outcome -> (points, replicates))."""
    n_reps = len(replicate_ids)
    params = pd.DataFrame(list(points), index=range(len(points)))
    frames = []
    for policy, values in outcomes.items():
        frame = pd.DataFrame({"point": np.repeat(point_ids, n_reps)})
        for column in params.columns:
            frame[column] = np.repeat(params[column].to_numpy(), n_reps)
        frame["policy"] = policy
        frame["replicate"] = np.tile(replicate_ids, len(point_ids))
        frames.append(pd.concat([frame, pd.DataFrame({k: v.ravel() for k, v in values.items()})], axis=1))
    return pd.concat(frames, ignore_index=True)


def prepare(scenario: str | Scenario, points: Sequence[Point], policies: Sequence[str] | None) -> tuple:
    """The base scenario, each point's scenario (validated: a bad point fails before any work) and policies."""
    base = resolve_scenario(scenario)
    names = list(policies) if policies else base.policy_names()
    for name in names:
        make_policy(base, name)  # an unknown policy fails now, in one line
    return base, [scenario_at(base, p) for p in points], names


def run_tasks(
    base: Scenario,
    points: Sequence[Point],
    policies: list[str],
    root_seed: int,
    tasks: dict[int, Task],
    executor: Executor | None = None,
) -> Iterator[tuple[int, Outcomes]]:
    """Each task's index (in the fixed plan) with its outcomes, as tasks finish (in order without an executor)."""
    args = {i: (base, [points[p] for p in t.points], policies, root_seed, t.start, t.stop) for i, t in tasks.items()}
    if executor is None:
        for index in tasks:
            yield index, run_task(*args[index])
        return
    futures: dict[Future, int] = {executor.submit(run_task, *args[i]): i for i in tasks}
    try:
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        for future in futures:
            future.cancel()


def run_points(
    scenario: str | Scenario,
    points: Sequence[Point],
    policies: Sequence[str] | None = None,
    replicates: int = 100,
    root_seed: int | None = None,
    executor: Executor | None = None,
    on_progress: Callable[[int], None] | None = None,
    points_per_task: int | None = None,
    budget: int = BLOCK_MEMORY,
) -> PointsResult:
    """Simulate ``policies`` at every point on the same ``replicates`` seeds of ``root_seed``.

    Args:
        scenario: a Scenario, a file path or a scenario name.
        points: dicts of key path (or ``identifier``) -> value; an empty dict is the scenario itself.
        policies: policy names (default: the scenario's).
        replicates: replicates per point; replicate i of every point and policy shares its random numbers.
        root_seed: root seed (default: the scenario's ``simulation.seed``).
        executor: any ``concurrent.futures`` executor (``experiments.executors``), or None for this process.
        on_progress: called with the number of point-replicates each finished task adds.
        points_per_task: points per unit of work (default: as many as ``task_sizes`` puts in a task; results do
            not depend on it).
        budget: bytes a task's batch may take (``task_sizes``); results do not depend on it.

    Returns:
        A PointsResult with (points, replicates) arrays of every outcome of every policy.
    """
    base, scenarios, names = prepare(scenario, points, policies)
    seed = base.simulation.seed if root_seed is None else root_seed
    fitting, replicates_per_task = task_sizes(scenarios, len(names), budget, replicates)
    tasks = dict(enumerate(plan(scenarios, replicates, points_per_task or fitting, replicates_per_task)))
    collected = {p: {m: np.empty((len(points), replicates)) for m in OUTCOMES} for p in names}
    for index, result in run_tasks(base, points, names, seed, tasks, executor):
        task = tasks[index]
        for policy in names:
            for metric in OUTCOMES:
                collected[policy][metric][task.points, task.start : task.stop] = result[policy][metric]
        if on_progress:
            on_progress(task.size)
    return PointsResult(list(points), names, collected)


def paired_stats(diff: np.ndarray) -> pd.DataFrame:
    """Per point (rows of ``diff``, (points, replicates)): mean paired difference, its Student-t 95 % interval,
    and P(A beats B), the share of replicates where the difference is positive."""
    n = diff.shape[1]
    mean = diff.mean(1)
    half = stats.t.ppf(0.975, n - 1) * diff.std(1, ddof=1) / np.sqrt(n) if n > 1 else np.zeros(len(diff))
    return pd.DataFrame(
        {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "p_a_beats_b": (diff > 0).mean(1)}
    )


def simulate_many(
    points: Sequence[Point],
    scenario: str | Scenario = "assistant",
    seed: int = 0,
    replicates: int = 1,
    executor: Executor | None = None,
) -> pd.DataFrame:
    """``model.simulate`` at many points in one call: one row per point, the point's values then the same
    ``{policy}__{outcome}`` and ``{a}_minus_{b}__{metric}`` means (a vectorised face for EMA, SALib, notebooks)."""
    result = run_points(scenario, points, None, replicates, seed, executor)
    columns = {f"{p}__{m}": result.outcomes[p][m].mean(1) for p in result.policies for m in OUTCOMES}
    reference = result.policies[0]
    for policy in result.policies[1:]:
        for metric in PAIRED_OUTCOMES:
            columns[f"{policy}_minus_{reference}__{metric}"] = result.difference(policy, reference, metric).mean(1)
    return pd.concat([pd.DataFrame(list(points)), pd.DataFrame(columns)], axis=1)
