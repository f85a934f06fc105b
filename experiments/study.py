"""A study: the points of an experiment run into a results directory (``results.Store``), then analysed.

Every long experiment (sweep, frontier, sensitivity, discovery) is a study, so each can be resumed after an
interruption (only the missing tasks run) and replayed from its manifest (the same numbers, in a new directory).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from experiments import discover, frontier, sensitivity, sweep
from experiments.points import scenario_at, task_sizes
from experiments.preflight import check, study_size, workers_of
from experiments.results import COMPLETE, Store, provenance
from model.scenario import Scenario

ANALYSES: dict[str, Callable[[Store], dict]] = {
    "sweep": sweep.analyse,
    "frontier": frontier.analyse,
    "sensitivity": sensitivity.analyse,
    "discover": discover.analyse,
}
RUN_KEYS = ("experiment", "scenario_path", "scenario", "overrides", "policies", "replicates", "root_seed", "years",
            "design", "options", "points_per_task", "replicates_per_task")  # fmt: skip


def start(
    out: str | Path,
    experiment: str,
    scenario_path: str | None,
    scenario: Scenario,
    overrides: list[str],
    points: list[dict],
    design: dict,
    policies: list[str],
    replicates: int,
    root_seed: int,
    options: dict | None = None,
    points_per_task: int | None = None,
    workers: int = 1,
) -> Store:
    """A new study directory holding the plan (its tasks' sizes fixed now, from the memory a task needs:
    ``points.task_sizes``, unless ``points_per_task`` is given); nothing is simulated yet. Raises
    ``preflight.TooLarge``, before writing anything, when the study would not fit in memory with ``workers``
    local processes."""
    check(study_size(scenario, len(policies), replicates, len(points), workers, len(design.get("variables", []))),
          experiment)  # fmt: skip
    fitting, replicates_per_task = task_sizes(
        [scenario_at(scenario, p) for p in points], len(policies), replicates=replicates
    )
    manifest = {
        "experiment": experiment, "scenario_path": scenario_path, "scenario": scenario.meta.name,
        "overrides": overrides, "policies": policies, "replicates": replicates, "root_seed": root_seed,
        "years": scenario.levers.years, "design": design, "options": options or {}, "points": len(points),
        "points_per_task": points_per_task or fitting, "replicates_per_task": replicates_per_task,
        **provenance(scenario_path, scenario),
    }  # fmt: skip
    return Store.create(out, manifest, scenario, points)


def run(
    store: Store,
    executor: Executor | None = None,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Run the study's missing tasks, then its analysis; timings go to the manifest, which then says
    ``complete``."""
    m = store.manifest
    size = study_size(store.scenario, len(m["policies"]), m["replicates"], len(store.points), workers_of(executor))
    check(size, m["experiment"])
    began = time.perf_counter()
    ran = store.run(executor, on_start, on_progress)
    simulated = time.perf_counter()
    with store.recording_stops():
        result = ANALYSES[store.manifest["experiment"]](store)
    runs = store.manifest.get("timings", [])
    runs.append({
        "finished": datetime.now(UTC).isoformat(timespec="seconds"), "tasks_run": ran,
        "simulation_s": round(simulated - began, 3), "analysis_s": round(time.perf_counter() - simulated, 3),
    })  # fmt: skip
    store.update(timings=runs, outputs=result["files"], state=COMPLETE)
    return result


def replay(
    manifest: str | Path, out: str | Path, executor: Executor | None = None, **callbacks
) -> tuple[Store, list[str]]:
    """Run a study again from its manifest into ``out``; returns the new study and the files whose contents
    differ from the original's (none when the numbers are reproduced)."""
    original = Store(Path(manifest).parent if Path(manifest).name == "manifest.json" else manifest)
    original.require_complete()
    again = {k: original.manifest[k] for k in RUN_KEYS if k in original.manifest}
    new = Store.create(
        out, {**again, "replay_of": str(original.path), **provenance(again.get("scenario_path"), original.scenario)},
        original.scenario, original.points,
    )  # fmt: skip
    result = run(new, executor, **callbacks)
    differing = [] if original.table().equals(new.table()) else ["parts/"]
    for name in result["files"]:
        if not _same(original.path / name, new.path / name):
            differing.append(name)
    return new, differing


def _same(a: Path, b: Path) -> bool:
    if not a.exists():
        return False
    if a.suffix == ".parquet":
        return pd.read_parquet(a).equals(pd.read_parquet(b))
    return a.read_bytes() == b.read_bytes()
