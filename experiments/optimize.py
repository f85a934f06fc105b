"""Each road at its best: search each policy's own decisions for the best mean NPV, then judge on held-out replicates.

**What is searched.** A policy's parameters (the fields of its pydantic ``Params``) are either decisions the
manager takes, which are searched, or prices the manager pays, which are not (``PRICES`` says why for each).
``DECISIONS`` lists the decisions: timing (when to cut, when to act on undone work), thresholds, rules
(targeting, whole posts or reduced hours, exit route, what to do after a failed training, fair treatment,
the premium of a mutual agreement), the length of training, the reinvested share and the weights of the
target tasks. A field in neither list (a custom policy's) is not searched and is listed as unclassified.

Each decision's range comes from its field: ``ge``/``le`` bounds as they are, an open ``gt``/``lt`` bound moved
in by 1 % of the range (1 for an int), ``Literal`` choices, both values of a bool, and ``None`` as one more
choice of an optional int (``fix_undone_after_months = None``: never act). ``BOUNDS`` sets the range where the
field has none or one wider than a manager would consider; ``ONLY_WHEN`` searches a parameter only where it
acts (``min_reduction_fte`` only with ``cut = "reduced_hours"``, the targeting rule only with whole posts...).
Target weights are normalised by the policy, so only their ratios matter: each is searched on a log scale in
[0.01, 1] (a single target has nothing to search).

**The design.** Every trial of a policy runs on the same search replicates, so two trials differ by their
parameters, not by luck (common random numbers): replicates 0..S-1 of the root seed, the ones ``run.py compare
--seed`` runs. The sampler is optuna's TPE, seeded, so a study is reproducible; the scenario's own parameters
are its first trial, so the optimum is never worse than them on the search set. Trials are evaluated ``BATCH``
at a time in one vectorised run (the batch never depends on the machine). The best trial's in-sample mean is
biased upward (it won on the search replicates' luck), so the final figures, default against optimum, paired,
come from held-out replicates that the search never saw: the children of ``SeedSequence([seed, 1])``
(``held_out_root``), a different spawn from the search set's ``SeedSequence(seed)``.
"""

from __future__ import annotations

import copy
import json
import time
import types
import typing
import warnings
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import numpy as np
import optuna
import pandas as pd
import tomli_w
from pydantic.fields import FieldInfo

from experiments.compare import mean_ci, share_beating, summarize
from experiments.preflight import check, compare_size, optimize_size
from experiments.replicates import held_out_root, run_replicates
from model.outcomes import outcomes as outcomes_of
from model.policies import POLICIES, make_policy
from model.scenario import Scenario, ScenarioError, validate_data

DECISIONS: dict[str, str] = {  # parameter -> the kind of decision (docs/optimize.md)
    "adoption_before_cut": "timing",
    "fix_undone_after_months": "timing",
    "min_fte_to_cut": "threshold",
    "min_share_for_training": "threshold",
    "min_reduction_fte": "threshold",
    "saturation": "threshold",
    "undone_tolerance": "threshold",
    "targeting": "rule",
    "cut": "rule",
    "exit_route": "rule",
    "on_failure": "rule",
    "send_back_to_required": "rule",
    "fairness": "rule",
    "mutual_agreement_premium_months": "rule",
    "training_months": "training",
    "reinvest_share": "share",
    "targets": "targets",
}
PRICES: dict[str, str] = {  # parameter -> why it is not searched
    "training_cost_eur": "the price of the course: set by the training market for the skill taught, not chosen "
    "by the manager (searched, it would only fall to its lower bound)",
}
BOUNDS: dict[str, tuple[float, float]] = {
    "training_months": (1.0, 12.0),  # docs/calibration.md: 1-12 months (WEF 2018); 0 would be no training at all
    "targets": (0.01, 1.0),  # normalised weights: only ratios matter; 0.01 next to 1 all but drops a target
}
LOG_SCALE = {"targets"}
ONLY_WHEN: dict[str, tuple[str, object]] = {  # searched only where the parameter acts (when the other is searched)
    "targeting": ("cut", "whole_posts"),
    "min_fte_to_cut": ("cut", "whole_posts"),
    "fairness": ("cut", "whole_posts"),
    "exit_route": ("cut", "whole_posts"),
    "min_reduction_fte": ("cut", "reduced_hours"),
    "mutual_agreement_premium_months": ("exit_route", "mutual_agreement"),
}
QUICK = {"budget": 40, "replicates": 50}  # `compare --best` alone: a quick search before the fair fight
OPEN_MARGIN = 0.01  # an open bound (gt, lt) moves in by this share of the range
BATCH = 4  # trials simulated together (vectorised); fixed, so a study never depends on the machine
NONE = ".none"  # suffix of the switch that makes an optional int None


class OptimumError(ValueError):
    """A directory that is not a saved optimum, or one that does not fit the scenario (a user's mistake)."""


@dataclass(frozen=True)
class Dimension:
    """One searched parameter (``targets.TASK`` for a target weight)."""

    name: str
    kind: Literal["float", "int", "choice"]
    low: float = 0.0
    high: float = 0.0
    choices: tuple = ()
    log: bool = False
    optional: bool = False

    def suggest(self, trial: optuna.Trial) -> Any:
        if self.optional and trial.suggest_categorical(self.name + NONE, (False, True)):
            return None
        if self.kind == "choice":
            return trial.suggest_categorical(self.name, self.choices)
        if self.kind == "int":
            return trial.suggest_int(self.name, int(self.low), int(self.high))
        return trial.suggest_float(self.name, self.low, self.high, log=self.log)

    def fixed(self, value: Any) -> dict[str, Any]:
        """The optuna parameters that make a trial take ``value`` (to enqueue the defaults)."""
        if not self.optional:
            return {self.name: value}
        return {self.name + NONE: value is None} | ({} if value is None else {self.name: value})

    def describe(self) -> str:
        if self.kind == "choice":
            text = "one of " + ", ".join(json.dumps(c) for c in self.choices)
        else:
            text = f"{self.kind} in [{self.low:g}, {self.high:g}]" + (", log scale" if self.log else "")
        return text + (" or None" if self.optional else "")


@dataclass(frozen=True)
class Space:
    """What is searched for one policy of a scenario, and what is kept at the scenario's value."""

    policy: str
    kind: str
    dimensions: tuple[Dimension, ...]
    conditions: dict[str, tuple[str, object]]
    not_searched: dict[str, str]

    def acts(self, dimension: Dimension, chosen: dict[str, Any]) -> bool:
        """Whether ``dimension`` acts given the values ``chosen`` so far (``ONLY_WHEN``, where the parameter it
        depends on is searched too)."""
        if dimension.name not in self.conditions:
            return True
        parent, value = self.conditions[dimension.name]
        return parent in chosen and chosen[parent] == value

    def sample(self, trial: optuna.Trial, base: dict[str, Any]) -> dict[str, Any]:
        """The policy's full parameters for a trial: ``base`` with the decisions the trial draws."""
        chosen: dict[str, Any] = {}
        for dimension in self.dimensions:
            if self.acts(dimension, chosen):
                chosen[dimension.name] = dimension.suggest(trial)
        return apply(base, chosen)

    def fixed(self, params: dict[str, Any]) -> dict[str, Any]:
        """The optuna parameters of a trial that takes ``params`` as they are."""
        out: dict[str, Any] = {}
        for dimension in self.dimensions:
            out |= dimension.fixed(value_of(params, dimension.name))
        return out

    def describe(self) -> dict[str, str]:
        return {d.name: d.describe() + _condition_text(self.conditions.get(d.name)) for d in self.dimensions}


def _condition_text(condition: tuple[str, object] | None) -> str:
    return "" if condition is None else f" (only when {condition[0]} = {json.dumps(condition[1])})"


def value_of(params: dict[str, Any], name: str) -> Any:
    head, _, task = name.partition(".")
    return params[head][task] if task else params[head]


def apply(base: dict[str, Any], chosen: dict[str, Any]) -> dict[str, Any]:
    """``base`` with the ``chosen`` values; target weights normalised to sum to 1 (as the policy reads them)."""
    params = copy.deepcopy(base)
    for name, value in chosen.items():
        head, _, task = name.partition(".")
        if task:
            params[head][task] = value
        else:
            params[head] = value
    if "targets" in params:
        total = sum(params["targets"].values())
        params["targets"] = {task: weight / total for task, weight in params["targets"].items()}
    return params


def policy_params(scenario: Scenario, name: str) -> dict[str, Any]:
    """Every parameter of one of the scenario's policies, defaults written out (target weights normalised)."""
    return apply(make_policy(scenario, name).params.model_dump(mode="python"), {})


def search_space(scenario: Scenario, name: str, decisions: Collection[str] = tuple(DECISIONS)) -> Space:
    """The decisions of policy ``name`` of ``scenario`` as optuna dimensions, from its ``Params`` fields;
    ``decisions`` narrows the search to some of them (the others keep the scenario's values)."""
    kind = scenario.policy(name).kind
    fields = POLICIES[kind].Params.model_fields
    params = policy_params(scenario, name)
    dimensions: list[Dimension] = []
    not_searched: dict[str, str] = {}
    for field_name, field in fields.items():
        if field_name in PRICES:
            not_searched[field_name] = PRICES[field_name]
        elif field_name not in DECISIONS:
            not_searched[field_name] = "unclassified: neither in DECISIONS nor in PRICES (experiments/optimize.py)"
        elif field_name not in decisions:
            not_searched[field_name] = "a decision left out of this search: kept at the scenario's value"
        elif field_name == "targets":
            dimensions += target_dimensions(field, params["targets"])
        else:
            dimensions.append(dimension(field_name, field))
    dimensions = [widened(d, value_of(params, d.name)) for d in dimensions]
    names = {d.name for d in dimensions}
    conditions = {d.name: ONLY_WHEN[d.name] for d in dimensions if ONLY_WHEN.get(d.name, ("",))[0] in names}
    ordered = sorted(dimensions, key=lambda d: _depth(d.name))  # a parameter after the one it depends on
    return Space(name, kind, tuple(ordered), conditions, not_searched)


def widened(dimension: Dimension, value: Any) -> Dimension:
    """A numeric range stretched to hold the scenario's own value (the first trial), e.g. a 0.5-month training."""
    if dimension.kind == "choice" or value is None:
        return dimension
    return replace(dimension, low=min(dimension.low, value), high=max(dimension.high, value))


def _depth(name: str) -> int:
    return 1 + _depth(ONLY_WHEN[name][0]) if name in ONLY_WHEN else 0


def target_dimensions(field: FieldInfo, targets: dict[str, float]) -> list[Dimension]:
    """One log-scale weight per target task; none for a single target (weights are normalised)."""
    if len(targets) < 2:
        return []
    _, weight = get_args(field.annotation)
    low, high = BOUNDS["targets"]
    return [Dimension(f"targets.{task}", _number_kind(_unwrap(weight)[0]), low, high, log=True) for task in targets]


def dimension(name: str, field: FieldInfo) -> Dimension:
    """A pydantic field as a search dimension (see the module docstring for the rules)."""
    annotation, metadata = _unwrap(field.annotation, list(field.metadata))
    optional = False
    if get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        optional = len(members) < len(get_args(annotation))
        if len(members) != 1:
            raise TypeError(f"{name}: a union of {members} cannot be searched")
        annotation, metadata = _unwrap(members[0], metadata)
    if get_origin(annotation) is Literal:
        return Dimension(name, "choice", choices=get_args(annotation), optional=optional)
    if annotation is bool:
        return Dimension(name, "choice", choices=(False, True), optional=optional)
    kind = _number_kind(annotation)
    low, high = bounds(name, metadata, kind)
    return Dimension(name, kind, low, high, log=name in LOG_SCALE, optional=optional)


def _unwrap(annotation: Any, metadata: list | None = None) -> tuple[Any, list]:
    """``Annotated[T, Field(...)]`` -> (T, constraints); anything else unchanged."""
    metadata = list(metadata or [])
    if get_origin(annotation) is Annotated:
        annotation, *extra = get_args(annotation)
        metadata += [m for item in extra for m in (item.metadata if isinstance(item, FieldInfo) else [item])]
    return annotation, metadata


def _number_kind(annotation: Any) -> Literal["float", "int"]:
    if annotation in (int, float):
        return "int" if annotation is int else "float"
    raise TypeError(f"{annotation!r} cannot be searched: expected int, float, bool, a Literal or an optional int")


def bounds(name: str, metadata: list, kind: str) -> tuple[float, float]:
    """The searched range of a numeric field: ``BOUNDS`` if set, else its constraints (open ones moved in)."""
    if name in BOUNDS:
        return BOUNDS[name]
    limits = {key: getattr(m, key) for m in metadata for key in ("ge", "gt", "le", "lt") if hasattr(m, key)}
    low, high = limits.get("ge", limits.get("gt")), limits.get("le", limits.get("lt"))
    if low is None or high is None:
        raise ValueError(f"{name}: its field has no {'lower' if low is None else 'upper'} bound; add one to BOUNDS")
    margin = 1 if kind == "int" else OPEN_MARGIN * (high - low)
    return low + margin * ("gt" in limits), high - margin * ("lt" in limits)


def with_policy_tables(scenario: Scenario, tables: dict[str, dict[str, Any]]) -> Scenario:
    """``scenario`` with [[policies]] tables (name -> {kind, **params}) replaced by name, or added, and validated."""
    data = scenario.model_dump(mode="python")
    by_name = {table["name"]: table for table in data["policies"]}
    by_name |= {name: {"name": name, **table} for name, table in tables.items()}
    data["policies"] = list(by_name.values())
    return validate_data(data, scenario.meta.name)


def npv_by_policy(
    scenario: Scenario, tables: dict[str, dict[str, Any]], replicates: int, root: int | np.random.SeedSequence
) -> dict[str, np.ndarray]:
    """(R,) NPV of each policy table, all on the same replicates (common random numbers), in one run."""
    monthly = run_replicates(with_policy_tables(scenario, tables), list(tables), replicates, root)
    return {name: outcomes_of(monthly[name], scenario.headcount)["npv"] for name in tables}


@dataclass
class PolicySearch:
    """One policy's search: its space, every trial, and the NPV arrays (search replicates) of the default and
    best trials."""

    space: Space
    study: optuna.Study
    default_npv: np.ndarray
    best_npv: np.ndarray

    @property
    def default(self) -> dict[str, Any]:
        return self.study.trials[0].user_attrs["params"]

    @property
    def best(self) -> dict[str, Any]:
        return self.study.best_trial.user_attrs["params"]


def search(
    scenario: Scenario,
    name: str,
    budget: int,
    replicates: int,
    seed: int,
    on_trials: Callable[[int], None] | None = None,
    decisions: Collection[str] = tuple(DECISIONS),
) -> PolicySearch:
    """``budget`` trials of policy ``name`` (the first: the scenario's own parameters), each on search replicates
    0..``replicates``-1 of ``seed``; TPE seeded with ``seed``."""
    space = search_space(scenario, name, decisions)
    base = policy_params(scenario, name)
    with warnings.catch_warnings():  # multivariate/group TPE is flagged experimental in some optuna versions
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True, group=True, constant_liar=True)
    study = optuna.create_study(direction="maximize", sampler=sampler, study_name=name)
    study.enqueue_trial(space.fixed(base))
    kept: dict[int, np.ndarray] = {}
    while len(study.trials) < budget:
        trials = [study.ask() for _ in range(min(BATCH, budget - len(study.trials)))]
        tables = {f"{name}@{t.number}": {"kind": space.kind, **space.sample(t, base)} for t in trials}
        npv = npv_by_policy(scenario, tables, replicates, seed)
        for trial, (table_name, values) in zip(trials, npv.items()):
            trial.set_user_attr("params", {k: v for k, v in tables[table_name].items() if k != "kind"})
            study.tell(trial, float(values.mean()))
            kept[trial.number] = values
        kept = {n: v for n, v in kept.items() if n in (0, study.best_trial.number)}
        if on_trials:
            on_trials(len(trials))
    return PolicySearch(space, study, kept[0], kept[study.best_trial.number])


def optimize(
    scenario: Scenario,
    policies: list[str],
    budget: int,
    replicates: int,
    holdout: int,
    seed: int,
    on_trials: Callable[[int], None] | None = None,
    decisions: Collection[str] = tuple(DECISIONS),
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Search each policy (on ``decisions``: all by default), then run defaults and optima on ``holdout`` held-out
    replicates; returns the study summary (JSON-ready; its shape is documented in docs/optimize.md) and every
    trial (one row each). Raises ``preflight.TooLarge`` before any work when the run would not fit in memory."""
    check(optimize_size(scenario, len(policies), replicates, holdout, BATCH), "optimize")
    with optuna_quiet():
        started = time.perf_counter()
        studies = {name: search(scenario, name, budget, replicates, seed, on_trials, decisions) for name in policies}
        searched = time.perf_counter() - started
    tables = {name: {"kind": s.space.kind, **s.default} for name, s in studies.items()}
    tables |= {f"{name}@best": {"kind": s.space.kind, **s.best} for name, s in studies.items()}
    held_out = npv_by_policy(scenario, tables, holdout, held_out_root(seed))
    summary = {
        "scenario": scenario.meta.name,
        "years": scenario.levers.years,
        "seed": seed,
        "budget": budget,
        "search_replicates": replicates,
        "held_out_replicates": holdout,
        "search_set": f"replicates 0..{replicates - 1} of SeedSequence({seed})",
        "held_out_set": f"replicates 0..{holdout - 1} of SeedSequence([{seed}, 1])",
        "seconds": {"search": searched, "total": time.perf_counter() - started},
        "policies": {
            name: policy_summary(found, held_out[name], held_out[f"{name}@best"]) for name, found in studies.items()
        },
    }
    return summary, trials_table(studies)


def trials_table(studies: dict[str, PolicySearch]) -> pd.DataFrame:
    """One row per trial: policy, trial number, mean NPV on the search replicates, the parameters it drew."""
    frames = [
        s.study.trials_dataframe(attrs=("number", "value", "params")).assign(policy=name) for name, s in studies.items()
    ]
    table = pd.concat(frames, ignore_index=True).rename(columns={"value": "mean_npv"})
    return table[["policy", *(c for c in table.columns if c != "policy")]]


def policy_summary(found: PolicySearch, held_out_default: np.ndarray, held_out_best: np.ndarray) -> dict[str, Any]:
    """One policy's entry of the study summary (see docs/optimize.md, Output)."""
    default, best = found.default, found.best
    return {
        "kind": found.space.kind,
        "trials": len(found.study.trials),
        "best_trial": found.study.best_trial.number,
        "searched": found.space.describe(),
        "not_searched": found.space.not_searched,
        "default": default,
        "best": best,
        "changed": {k: [default[k], v] for k, v in best.items() if default[k] != v},
        "in_sample": npv_pair(found.default_npv, found.best_npv),
        "held_out": npv_pair(held_out_default, held_out_best),
    }


def npv_pair(default: np.ndarray, best: np.ndarray) -> dict[str, Any]:
    """Mean NPV [95 % CI] of default and best parameters on the same replicates, and their paired difference."""
    return {
        "default": mean_ci(default),
        "best": mean_ci(best),
        "difference": mean_ci(best - default),
        "p_best_beats_default": share_beating(best - default),
    }


@contextmanager
def optuna_quiet() -> Iterator[None]:
    """Silence optuna's one line per trial while a study runs."""
    level = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(level)


# --- files -----------------------------------------------------------------------------------------------------

STUDY_FILE = "study.json"
BEST_FILE = "best_params.toml"
TRIALS_FILE = "trials.csv"


def best_tables_toml(summary: dict[str, Any]) -> str:
    """The [[policies]] tables at their optimum, to paste into a scenario file. TOML has no null: a ``None``
    (e.g. never act on undone work) is left out with a comment, and study.json keeps it."""
    policies, notes = [], []
    for name, result in summary["policies"].items():
        params = {k: v for k, v in result["best"].items() if v is not None}
        notes += [
            f"# policies.{name}.{k} = None at the optimum: TOML has no null, so it is left out below and a "
            "scenario file reading these tables gets the default (study.json has the optimum)"
            for k, v in result["best"].items()
            if v is None
        ]
        policies.append({"name": name, "kind": result["kind"], **params})
    header = [
        f"# Each policy at its best on {summary['scenario']}: {summary['budget']} trials, "
        f"{summary['search_replicates']} search replicates, seed {summary['seed']}.",
        "# Held-out mean NPV, default -> best: "
        + "; ".join(
            f"{n} {r['held_out']['default']['mean']:,.0f} -> {r['held_out']['best']['mean']:,.0f} EUR"
            for n, r in summary["policies"].items()
        ),
        *notes,
    ]
    return "\n".join(header) + "\n\n" + tomli_w.dumps({"policies": policies})


def write_optimum(out_dir: Path, summary: dict[str, Any], trials: pd.DataFrame, run_manifest: dict[str, Any]) -> Path:
    """study.json, best_params.toml, trials.csv and manifest.json in ``out_dir`` (each written atomically;
    study.json, what ``--best`` reads, last: a directory stopped while being written is not an optimum)."""
    from experiments.results import MANIFEST_FILE, dumps, write_atomic

    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(out_dir / TRIALS_FILE, lambda p: trials.to_csv(p, index=False))
    texts = {
        BEST_FILE: best_tables_toml(summary),
        MANIFEST_FILE: dumps(run_manifest, indent=2),
        STUDY_FILE: dumps(summary, indent=2),
    }
    for name, text in texts.items():
        write_atomic(out_dir / name, lambda p, t=text: p.write_text(t, encoding="utf-8"))
    return out_dir


def optimum_manifest(path: str, scenario: Scenario, overrides: list[str], summary: dict[str, Any]) -> dict[str, Any]:
    """The run's provenance (as ``compare``'s manifest) with the budget, the held-out replicates and optuna's version."""
    from experiments.results import manifest

    run_manifest = manifest(
        path, scenario, overrides, list(summary["policies"]), summary["search_replicates"], summary["seed"]
    )
    run_manifest["versions"]["optuna"] = optuna.__version__
    return run_manifest | {"budget": summary["budget"], "held_out_replicates": summary["held_out_replicates"]}


def load_optimum(path: str | Path) -> dict[str, Any]:
    """The study summary of a directory written by ``run.py optimize`` (OptimumError if it is not one)."""
    path = Path(path)
    try:
        return json.loads((path / STUDY_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OptimumError(f"--best {path}: no {STUDY_FILE} there; run `python run.py optimize` first") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise OptimumError(f"--best {path}/{STUDY_FILE}: not valid JSON ({error})") from None


# --- the fair fight: compare --best -------------------------------------------------------------------------


def best_tables(scenario: Scenario, optimum: dict[str, Any], policies: list[str]) -> dict[str, dict[str, Any]]:
    """The [[policies]] tables at their optimum of those ``policies`` the optimum has; OptimumError if the optimum
    is another scenario's or a policy changed kind."""
    if optimum.get("scenario") != scenario.meta.name:
        raise OptimumError(
            f"--best: the optimum is for scenario {optimum.get('scenario')!r}, not {scenario.meta.name!r}"
        )
    tables = {}
    for name in policies:
        result = optimum["policies"].get(name)
        if result is None:
            continue
        if result["kind"] != scenario.policy(name).kind:
            raise OptimumError(
                f"--best: policy {name!r} was optimised as kind {result['kind']!r}; "
                f"the scenario now has {scenario.policy(name).kind!r}"
            )
        tables[name] = {"kind": result["kind"], **result["best"]}
    return tables


def verdict(pair: dict[str, Any]) -> str:
    """``a_ahead`` or ``b_ahead`` when the 95 % interval of the paired NPV difference excludes 0, else
    ``too_close`` (also with one replicate, which gives no interval)."""
    interval = pair["npv_diff"]["ci95"]
    if interval and interval[0] > 0:
        return "a_ahead"
    if interval and interval[1] < 0:
        return "b_ahead"
    return "too_close"


def fair_fight(
    scenario: Scenario,
    policies: list[str],
    optimum: dict[str, Any],
    replicates: int,
    seed: int,
    jobs: int = 1,
    on_block: Callable[[int], None] | None = None,
):
    """The policies at their optimised parameters and at the scenario's, on the same held-out replicates of
    ``seed``; returns (monthly, outcomes, summary) of the optimised run, the summary with a ``fair_fight``
    entry saying, pair by pair, whether the verdict at default parameters survives."""
    check(compare_size(scenario, len(policies), replicates, jobs, runs=2), "compare --best")
    tables = best_tables(scenario, optimum, policies)
    try:
        best_scenario = with_policy_tables(scenario, tables)
    except ScenarioError as error:
        raise OptimumError(f"--best: the saved optimum does not validate: {error.problems[0]}") from None
    runs = {}
    for label, run_scenario in (("default", scenario), ("best", best_scenario)):
        monthly = run_replicates(run_scenario, policies, replicates, held_out_root(seed), jobs=jobs, on_block=on_block)
        outcomes = {name: outcomes_of(monthly[name], scenario.headcount) for name in policies}
        runs[label] = monthly, outcomes, summarize(scenario.meta.name, scenario.levers.years, seed, outcomes, monthly)
    monthly, outcomes, summary = runs["best"]
    default_summary = runs["default"][2]
    summary["replicate_set"] = "held_out"
    summary["fair_fight"] = {
        "held_out_set": f"replicates 0..{replicates - 1} of SeedSequence([{seed}, 1])",
        "years": scenario.levers.years,
        "optimum": {k: optimum.get(k) for k in ("budget", "search_replicates", "seed", "years")},
        "optimised": list(tables),
        "at_defaults": [name for name in policies if name not in tables],
        "parameters": {
            name: {k: optimum["policies"][name][k] for k in ("default", "best", "changed")} for name in tables
        },
        "npv": {
            name: {"default": default_summary["policies"][name]["npv"], "best": summary["policies"][name]["npv"]}
            for name in policies
        },
        "pairs": [fight_pair(d, b) for d, b in zip(default_summary["paired"], summary["paired"])],
    }
    return monthly, outcomes, summary


def fight_pair(default: dict[str, Any], best: dict[str, Any]) -> dict[str, Any]:
    """A pair's paired NPV difference and P(A beats B) at default and at optimised parameters."""
    sides = {
        label: {"npv_diff": pair["npv_diff"], "p_a_beats_b": pair["p_a_beats_b"], "verdict": verdict(pair)}
        for label, pair in (("default", default), ("best", best))
    }
    return {
        "a": best["a"],
        "b": best["b"],
        **sides,
        "survives": sides["default"]["verdict"] == sides["best"]["verdict"],
        "change": verdict_change(sides["default"]["verdict"], sides["best"]["verdict"]),
        "sign_kept": bool(np.sign(default["npv_diff"]["mean"]) == np.sign(best["npv_diff"]["mean"])),
    }


def verdict_change(default: str, best: str) -> str:
    """``survives`` (same verdict), ``reverses`` (the other policy ahead), ``weakens`` (a decisive verdict becomes
    too close to call) or ``sharpens`` (too close to call becomes decisive)."""
    if default == best:
        return "survives"
    if "too_close" not in (default, best):
        return "reverses"
    return "weakens" if best == "too_close" else "sharpens"
