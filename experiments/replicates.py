"""Monte Carlo replicates: seeds from one root, common random numbers across policies, fixed blocks.

Replicate i always gets child i of the root ``SeedSequence`` and every policy runs on the same children, so
policy differences are paired. A root is a seed (``SeedSequence(seed)``) or a ``SeedSequence``: the held-out
replicates of an optimisation (``held_out_root``) are another spawn of the same seed, sharing no child. Replicates are simulated in fixed blocks of ``BLOCK`` (the same blocks whatever
the number of workers), so the same root seed gives identical numbers with 1 or N workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor

import numpy as np

from experiments.executors import local_executor
from model.firm import run_policies
from model.scenario import Scenario
from model.state import streams

BLOCK = 200

Monthly = dict[str, np.ndarray]


Root = int | np.random.SeedSequence
HELD_OUT = 1  # the held-out replicates of a seed are the children of SeedSequence([seed, HELD_OUT])


def replicate_seeds(root_seed: Root, replicates: int) -> list[np.random.SeedSequence]:
    root = root_seed if isinstance(root_seed, np.random.SeedSequence) else np.random.SeedSequence(root_seed)
    return streams(root, replicates)


def held_out_root(seed: int) -> np.random.SeedSequence:
    """The root of a seed's held-out replicates: ``SeedSequence([seed, 1])``, whose children share no random
    number with those of ``SeedSequence(seed)`` (the replicates ``compare --seed`` runs and an optimisation
    searches on)."""
    return np.random.SeedSequence([seed, HELD_OUT])


def run_block(scenario: Scenario, policies: list[str], root_seed: Root, start: int, stop: int) -> dict[str, Monthly]:
    """Every policy on replicates ``start..stop-1`` (a picklable unit of work for a process or a cluster)."""
    return run_policies(scenario, policies, replicate_seeds(root_seed, stop)[start:stop])


def blocks(replicates: int) -> list[tuple[int, int]]:
    return [(start, min(start + BLOCK, replicates)) for start in range(0, replicates, BLOCK)]


def run_replicates(
    scenario: Scenario,
    policies: list[str],
    replicates: int,
    root_seed: Root,
    jobs: int = 1,
    executor: Executor | None = None,
    on_block: Callable[[int], None] | None = None,
) -> dict[str, Monthly]:
    """Monthly (R, T) arrays of every policy; ``jobs`` local processes or a given executor (e.g. Dask's)."""
    parts = list(_run_blocks(scenario, policies, replicates, root_seed, jobs, executor, on_block))
    if len(parts) == 1:
        return parts[0]
    return {
        name: {metric: np.concatenate([p[name][metric] for p in parts]) for metric in parts[0][name]}
        for name in policies
    }


def _run_blocks(scenario, policies, replicates, root_seed, jobs, executor, on_block) -> Iterator[dict[str, Monthly]]:
    spans = blocks(replicates)
    if executor is None and (jobs <= 1 or len(spans) == 1):
        for start, stop in spans:
            yield run_block(scenario, policies, root_seed, start, stop)
            if on_block:
                on_block(stop - start)
        return
    pool = executor or local_executor(jobs)  # warm workers: kernels loaded once per worker, from a warm cache
    try:
        futures = [pool.submit(run_block, scenario, policies, root_seed, start, stop) for start, stop in spans]
        for future, (start, stop) in zip(futures, spans):
            yield future.result()
            if on_block:
                on_block(stop - start)
    finally:
        if executor is None:
            pool.shutdown()
