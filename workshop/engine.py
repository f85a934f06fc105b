"""The page's computations: scenarios by key, comparisons and figures cached by their inputs.

A comparison is ``experiments.compare.run_comparison`` (the command line's engine) and its figures are
``charts.figures`` (the command line's renderer), on results held in memory instead of a results directory.
Caches are keyed by a canonical JSON of every input (the whole validated scenario, the roads, replicates,
seed), bounded in size and shared by all sessions: identical inputs give identical numbers, so a session can
only ever receive what it would have computed itself. At most one comparison per core is computed at a time
(the others wait), so many sessions cannot together exhaust the memory that one comparison is allowed, and a
comparison asked for while it is being computed (a room moving a slider to the same value) is computed once.
"""

from __future__ import annotations

import copy
import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from experiments.results import Results
from model.scenario import Scenario, ScenarioError, load_scenario, read_toml
from workshop.state import SAVED_PREFIX, InputError, Session, checked_scenario

CACHE_SIZE = 32  # comparisons kept (about 5 MB each for 100 replicates x 2 roads x 5 years)
PAGE_CHARTS = ("crossover", "waterfall", "difference", "hours")
PAIRED_CHARTS = ("waterfall", "difference")
COMPUTING = threading.BoundedSemaphore(os.cpu_count() or 1)  # comparisons computed at once


class OnceAtATime:
    """Computations by key: a request for a key that is being computed waits for that computation (then finds
    it in the cache) instead of starting another."""

    def __init__(self):
        self._guard = threading.Lock()
        self._running: dict[str, threading.Event] = {}

    def run(self, key: str, compute):
        with self._guard:
            running = self._running.get(key)
            if running is None:
                self._running[key] = threading.Event()
        if running is not None:
            running.wait()
            return compute()
        try:
            return compute()
        finally:
            with self._guard:
                self._running.pop(key).set()


COMPARISONS = OnceAtATime()


def canonical(data: Any) -> str:
    """One JSON text per value: sorted keys, no spaces (the cache key)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Catalogue:
    """The scenarios a page offers: the files of ``directory`` and the facilitator's own file."""

    directory: Path
    launch: Path

    def files(self) -> dict[str, Path]:
        """Scenario key (the file's stem) -> path; the launch file keeps its stem unless a file of
        ``directory`` has it, then it is keyed by its path."""
        found = {path.stem: path for path in sorted(self.directory.glob("*.toml"))}
        launch = self.launch.resolve()
        if launch not in {p.resolve() for p in found.values()}:
            found[str(self.launch) if self.launch.stem in found else self.launch.stem] = self.launch
        return found

    @property
    def launch_key(self) -> str:
        launch = self.launch.resolve()
        return next(key for key, path in self.files().items() if path.resolve() == launch)

    def scenario(self, key: str, session: Session) -> Scenario:
        """The scenario behind a picker value: a file, or one the session saved; InputError otherwise."""
        if not isinstance(key, str) or not key:
            raise InputError([f"scenario = {key!r}: choose a scenario"])
        if key.startswith(SAVED_PREFIX):
            name = key.removeprefix(SAVED_PREFIX)
            if name not in session.saved:
                raise InputError([f"scenario {name!r}: not saved in this browser (open its file to add it)"])
            return checked_scenario(session.saved[name], name)
        path = self.files().get(key)
        if path is None:
            raise InputError([f"scenario {key!r}: no such scenario; available: {', '.join(self.files())}"])
        try:
            return scenario_file(str(path), path.stat().st_mtime_ns)
        except (ScenarioError, OSError) as error:
            raise InputError(getattr(error, "problems", [f"{path}: {error}"])) from None

    def raw_data(self, key: str, session: Session) -> dict[str, Any]:
        """A scenario's data as in its file (a copy): a file's, or one the session saved."""
        if not isinstance(key, str):
            raise InputError([f"scenario = {key!r}: choose a scenario"])
        if key.startswith(SAVED_PREFIX):
            name = key.removeprefix(SAVED_PREFIX)
            if name not in session.saved:
                raise InputError([f"scenario {name!r}: not saved in this browser"])
            return copy.deepcopy(session.saved[name])
        path = self.files().get(key)
        if path is None:
            raise InputError([f"scenario {key!r}: no such scenario"])
        try:
            return read_toml(path)
        except ScenarioError as error:
            raise InputError(error.problems) from None

    def with_levers_data(self, key: str, session: Session, levers: dict[str, float]) -> dict[str, Any]:
        """A scenario's data as in its file with the page's lever values (to save as a scenario file)."""
        from workshop.levers import levers_of

        data = self.raw_data(key, session)
        data["levers"] = {**data.get("levers", {}), **levers_of(levers)}
        return data


@lru_cache(maxsize=16)
def scenario_file(path: str, mtime_ns: int) -> Scenario:
    """A scenario file, read again when it changes on disk (``mtime_ns`` is part of the key)."""
    return load_scenario(path)


@dataclass(frozen=True)
class Comparison:
    """A comparison's results (as the charts read them) and the key its inputs make."""

    key: str
    results: Results


def compare(scenario: Scenario, policies: list[str], replicates: int, seed: int | None = None) -> Comparison:
    """The comparison of ``policies`` on ``scenario`` (seeded by the scenario unless ``seed``), from the cache
    when these exact inputs were computed before."""
    seed = scenario.simulation.seed if seed is None else seed
    key = canonical(
        {"scenario": scenario.model_dump(mode="json"), "policies": policies, "replicates": replicates, "seed": seed}
    )
    return Comparison(key, COMPARISONS.run(key, lambda: _comparison(key)))


@lru_cache(maxsize=CACHE_SIZE)
def _comparison(key: str) -> Results:
    from experiments.compare import run_comparison
    from experiments.results import monthly_table, outcomes_table

    inputs = json.loads(key)
    scenario = Scenario.model_validate(inputs["scenario"], strict=False)
    with COMPUTING:
        monthly, outcomes, summary = run_comparison(scenario, inputs["policies"], inputs["replicates"], inputs["seed"])
    return Results(
        path=Path(scenario.meta.name),
        monthly=monthly_table(monthly),
        outcomes=outcomes_table(outcomes),
        summary=summary,
        manifest={"scenario": scenario.meta.name, "policies": inputs["policies"], "root_seed": inputs["seed"]},
        scenario=scenario,
    )


def chart_names(results: Results) -> list[str]:
    """The page's charts that apply: the paired ones need two roads."""
    from charts.data import focus_pair

    paired = focus_pair(results) is not None
    return [name for name in PAGE_CHARTS if paired or name not in PAIRED_CHARTS]


@lru_cache(maxsize=4 * CACHE_SIZE)
def page_figure(key: str, name: str, lang: str, theme: str) -> dict[str, Any]:
    """One of the page's charts of a cached comparison as plotly JSON, sized by the page (``screen``) or fixed at
    the slide size (``talk``, for presenting). A paired chart of a one-road comparison is the crossover."""
    from charts.figures import FIGURES

    results = _comparison(key)
    name = name if name in chart_names(results) else PAGE_CHARTS[0]
    spec = FIGURES[name]
    figure = spec.build(results, theme, lang, **_focus(results)) if spec.per_pair else spec.build(results, theme, lang)
    if theme == "screen":
        figure.update_layout(width=None, autosize=True)
    return figure.to_plotly_json()


def _focus(results: Results) -> dict[str, str]:
    from charts.data import focus_pair

    pair = focus_pair(results)
    return {"a": pair[0], "b": pair[1]} if pair else {}


def checked_inputs(
    catalogue: Catalogue, session: Session, scenario_key: Any, levers: dict[str, Any], policies: Any, replicates: Any
) -> tuple[Scenario, list[str], int]:
    """The scenario with the page's levers, the roads and the replicates, each checked; InputError lists every
    problem (a value the browser sent that cannot be used)."""
    from workshop.state import apply_levers, check_policies, check_replicates, check_size

    if not isinstance(levers, dict):
        raise InputError(["levers: expected one value per lever"])
    scenario = apply_levers(catalogue.scenario(scenario_key, session), levers)
    problems: list[str] = []
    chosen = _collect(problems, check_policies, scenario, policies)
    count = _collect(problems, check_replicates, replicates)
    if problems:
        raise InputError(problems)
    check_size(scenario, chosen, count)
    return scenario, chosen, count


def _collect(problems: list[str], check, *args):
    """``check(*args)``, adding its problems to ``problems`` instead of raising."""
    try:
        return check(*args)
    except InputError as error:
        problems += error.problems
        return None
