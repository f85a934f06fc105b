"""Checks before a run starts: the horizon reaches every automation wave, and the run fits in memory.

A run that cannot finish must say so in its first second, in one line that says how far over it is and what to
do, not after an hour of simulation or by the kernel's out-of-memory killer. The estimate counts what the engine
really allocates, checked against the peak resident memory of real runs (tests/experiments/test_preflight.py):

- one batch of the engine in each worker, as ``model.firm.batch_bytes`` counts it (the random numbers of a
  block of replicates, every row's state and monthly record), in the blocks and tasks the run will cut
  (``experiments.replicates.block_size``, ``experiments.points.task_sizes``);
- the results ``compare`` keeps and writes: the monthly arrays of every replicate, their table and the Parquet
  writer's copy (3.2 to 3.5 times the arrays at the peak, counted as 4);
- a worker process (``--jobs``): the interpreter, numpy, pandas and the compiled kernels, before any work.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

from experiments.points import task_sizes
from experiments.replicates import block_size
from model.firm import MONTHLY_METRICS, batch_bytes
from model.outcomes import OUTCOMES
from model.scenario import Scenario, ScenarioError

RECORDED_PER_MONTH = 8 * len(MONTHLY_METRICS)  # bytes per row and month
RESULT_COPIES = 4.0  # the monthly arrays, their long table and Parquet's copy (measured 3.2 to 3.5 at the peak)
WORKER_PROCESS = 400e6  # bytes of a warmed worker process (measured: 394 MB resident)
STUDY_TABLE_COPIES = 3  # a study's analysis reads its table, concatenates and sorts it


class TooLarge(ScenarioError):
    """A run that would not fit in memory (a user's choice of sizes: one line, exit code 2)."""


@dataclass(frozen=True)
class Size:
    """Peak memory of a run, in bytes: the simulation in each worker, and the results kept in this process."""

    what: str  # the run in words: "2 policies x 100000 replicates x 60 months of 20 employees"
    per_worker: float
    workers: int  # processes that simulate on this machine: 1 in this process, J with --jobs J, 0 on a cluster
    results: float  # kept in this process
    results_per_replicate: float  # of ``results``: how many replicates would fit
    study: bool = False  # a research command (it can run on a Dask cluster)

    @property
    def simulation(self) -> float:
        return self.per_worker * self.workers + WORKER_PROCESS * (self.workers if self.workers > 1 else 0)

    @property
    def total(self) -> float:
        return self.simulation + self.results


def compare_size(scenario: Scenario, policies: int, replicates: int, jobs: int = 1, runs: int = 1) -> Size:
    """``compare``: blocks of replicates, every policy together; this process keeps every month of every replicate
    (``runs`` comparisons of them with ``--best``) and writes them."""
    block = min(replicates, block_size(scenario, policies))
    months = scenario.n_months
    per_replicate = policies * months * RECORDED_PER_MONTH * (runs - 1 + RESULT_COPIES)
    return Size(
        what=f"{policies} policies x {replicates} replicates x {months} months of {scenario.headcount} employees",
        per_worker=batch_bytes(scenario, block, policies),
        workers=max(1, min(jobs, -(-replicates // block))),
        results=per_replicate * replicates,
        results_per_replicate=per_replicate,
    )


def optimize_size(scenario: Scenario, policies: int, replicates: int, holdout: int, trials_at_once: int) -> Size:
    """``optimize``: ``trials_at_once`` trials on the search replicates, then every policy at its default and at
    its best on the held-out replicates; the monthly arrays of a run are kept until its NPVs are taken."""
    runs = [(trials_at_once, replicates), (2 * policies, holdout)]
    rows, count = max(runs, key=lambda run: run[0] * run[1])
    per_replicate = 2 * rows * scenario.n_months * RECORDED_PER_MONTH  # the blocks and their concatenation
    return Size(
        what=f"{rows} policies x {count} replicates x {scenario.n_months} months of {scenario.headcount} employees",
        per_worker=max(batch_bytes(scenario, min(n, block_size(scenario, r)), r) for r, n in runs),
        workers=1,
        results=per_replicate * count,
        results_per_replicate=per_replicate,
    )


def study_size(scenario: Scenario, policies: int, replicates: int, points: int, workers: int, columns: int = 0) -> Size:
    """A study or ``breakeven``: tasks of points x a block of replicates x every policy in one batch
    (``points.task_sizes``), in each worker; this process reads back one row of outcomes per point, policy and
    replicate."""
    together, block = task_sizes([scenario], policies, replicates=replicates)
    together, block = min(points, together), min(replicates, block)
    per_replicate = points * policies * 8 * (len(OUTCOMES) + columns + 3) * STUDY_TABLE_COPIES
    return Size(
        what=f"{points} points x {policies} policies x {replicates} replicates x {scenario.n_months} months of "
        f"{scenario.headcount} employees",
        per_worker=batch_bytes(scenario, block, together * policies),
        workers=min(workers, -(-points // together) * -(-replicates // block)),  # at most one task each
        results=per_replicate * replicates,
        results_per_replicate=per_replicate,
        study=True,
    )


def workers_of(executor: Executor | None) -> int:
    """Processes of this machine that an executor simulates in: 1 for none (this process), its workers for a
    local pool, 0 for a Dask cluster (its workers' memory is the cluster's, not checked here)."""
    if executor is None:
        return 1
    return int(getattr(executor, "_max_workers", 0))


def check(size: Size, command: str, available: float | None = None) -> None:
    """Raise TooLarge when ``size`` does not fit in the memory available (default: ``available_memory()``)."""
    available = available_memory() if available is None else available
    if size.total <= available:
        return
    raise TooLarge(
        [f"{command}: needs about {gb(size.total)} of memory ({size.what}), {size.total / available:.1f} times the "
         f"{gb(available)} available; {advice(size, available)}"]
    )  # fmt: skip


def advice(size: Size, available: float) -> str:
    """What would make the run fit: fewer replicates when the results dominate, else fewer workers, else a
    cluster (research commands) or a smaller run."""
    if size.results >= size.simulation:
        fit = int((available - size.simulation) // size.results_per_replicate)
        per_point = " per point" if size.study else ""
        if fit >= 1:
            return f"use at most {fit} replicates{per_point} (--replicates), or fewer years"
        return "use fewer years, policies or points"
    cluster = "a Dask cluster with more memory (--dask ADDRESS)"
    if size.workers > 1 and size.per_worker + size.results <= available:
        each = size.per_worker + WORKER_PROCESS
        fit = int((available - size.results) // each)
        jobs = f"use at most {fit} workers (--jobs {fit})" if fit >= 2 else "run in one process (no --jobs)"
        return f"{jobs}, a worker needs about {gb(each)}" + (f"; or use {cluster}" if size.study else "")
    if size.study:
        return f"the firm is too large for one batch of replicates here: run it on {cluster}"
    return "the firm is too large for one batch of replicates here: use fewer years or policies, or more memory"


def gb(size: float) -> str:
    return f"{size / 1e9:.1f} GB"


def available_memory() -> float:
    """Bytes this machine can still give: its available memory (psutil), or less under a cgroup memory limit."""
    import psutil

    available = float(psutil.virtual_memory().available)
    for limit, usage in (
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
        ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"),
    ):
        try:
            available = min(available, float(int(Path(limit).read_text()) - int(Path(usage).read_text())))
        except (OSError, ValueError):  # no such file, or no limit ("max")
            pass
    return available


def horizon_problems(scenario: Scenario, source: str) -> list[str]:
    """One line per automation wave that starts after the horizon: the tool would never arrive."""
    months = scenario.n_months
    return [
        f"{source}: automation.waves.{i}.month = {wave.month}: after the horizon (levers.years = "
        f"{scenario.levers.years}, months 0 to {months - 1}); start the wave earlier or lengthen the horizon"
        for i, wave in enumerate(scenario.automation.waves)
        if wave.month >= months
    ]
