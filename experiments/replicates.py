"""Monte Carlo replicates: seeds from one root, common random numbers across policies, fixed blocks.

Replicate i always gets child i of the root ``SeedSequence`` and every policy runs on the same children, so
policy differences are paired. A root is a seed (``SeedSequence(seed)``) or a ``SeedSequence``: the held-out
replicates of an optimisation (``held_out_root``) are another spawn of the same seed, sharing no child. Replicates are simulated in fixed blocks (the same blocks whatever the number of
workers), so the same root seed gives identical numbers with 1 or N workers. A block holds as many replicates
as fit in ``BLOCK_MEMORY`` (``block_size``), at most ``BLOCK``: a large firm runs in smaller blocks, so memory
stays bounded whatever the number of replicates (a replicate's numbers do not depend on its block).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import nullcontext

import numpy as np

from experiments.executors import local_pool
from model.firm import batch_bytes, run_policies
from model.scenario import Scenario
from model.state import streams

BLOCK = 200  # replicates per block, at most
BLOCK_MEMORY = 1 << 30  # bytes a block's arrays may take (``model.firm.batch_bytes``): one process's working set

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


def block_size(scenario: Scenario, rows_per_replicate: int, budget: int = BLOCK_MEMORY) -> int:
    """Replicates per block: as many as fit in ``budget`` with ``rows_per_replicate`` rows each (policies x
    points), at least one, at most ``BLOCK``. It depends on the scenario's shape only, never on the machine, so
    the blocks are the same everywhere."""
    return int(max(1, min(BLOCK, budget // batch_bytes(scenario, 1, rows_per_replicate))))


def blocks(replicates: int, size: int = BLOCK) -> list[tuple[int, int]]:
    """(start, stop) of the blocks of ``size`` replicates, the last one shorter."""
    return [(start, min(start + size, replicates)) for start in range(0, replicates, size)]


def run_replicates(
    scenario: Scenario,
    policies: list[str],
    replicates: int,
    root_seed: Root,
    jobs: int = 1,
    executor: Executor | None = None,
    on_block: Callable[[int], None] | None = None,
    budget: int = BLOCK_MEMORY,
) -> dict[str, Monthly]:
    """Monthly (R, T) arrays of every policy; ``jobs`` local processes or a given executor (e.g. Dask's). Each
    block of replicates takes at most about ``budget`` bytes while it runs (the numbers do not depend on it);
    what is kept of it is its (R, T) monthly records."""
    spans = blocks(replicates, block_size(scenario, len(policies), budget))
    parts = list(_run_blocks(scenario, policies, spans, root_seed, jobs, executor, on_block))
    if len(parts) == 1:
        return parts[0]
    return {
        name: {metric: np.concatenate([p[name][metric] for p in parts]) for metric in parts[0][name]}
        for name in policies
    }


def _run_blocks(scenario, policies, spans, root_seed, jobs, executor, on_block) -> Iterator[dict[str, Monthly]]:
    if executor is None and (jobs <= 1 or len(spans) == 1):
        for start, stop in spans:
            yield run_block(scenario, policies, root_seed, start, stop)
            if on_block:
                on_block(stop - start)
        return
    # warm workers: kernels loaded once per worker, from a warm cache
    with nullcontext(executor) if executor else local_pool(jobs) as pool:
        futures = [pool.submit(run_block, scenario, policies, root_seed, start, stop) for start, stop in spans]
        try:
            for future, (start, stop) in zip(futures, spans):
                yield future.result()
                if on_block:
                    on_block(stop - start)
        finally:
            for future in futures:  # stopped early: the blocks not started are dropped
                future.cancel()
