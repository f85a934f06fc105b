"""Where the work runs: this process, local worker processes that stay up for a whole experiment, or a Dask
cluster. All are ``concurrent.futures`` executors, so experiments have one code path (``executor.submit``).

Workers pay imports and the model's compiled kernels once, not per task: the kernels are loaded (or compiled
into numba's on-disk cache) once before any worker starts or works, and each worker then loads them from that
warm cache at start. numba's cache is not safe under concurrent writers, so no two workers ever compile into
one cache directory at the same time: local workers start after the parent has warmed the cache, and Dask
workers are warmed one after the other. Results never depend on the executor (fixed tasks, ``points.plan``).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager


def warm_up() -> str:
    """Import the model and run every kernel once (a one-month comparison): loads the compiled kernels, or
    compiles them into the cache if it is cold. Returns the numba cache directory in use."""
    from model import simulate

    simulate(years=1)
    return os.environ.get("NUMBA_CACHE_DIR", "model/__pycache__")


def local_executor(workers: int) -> ProcessPoolExecutor:
    """``workers`` spawned processes, each warmed up once; the parent warms the cache first."""
    warm_up()
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=start_worker
    )


def start_worker() -> None:
    """A local worker leaves Ctrl-C to its parent (a terminal sends it to the whole process group): the parent
    keeps what is finished and ends the workers, which then print nothing. A worker whose parent is killed
    (SIGKILL, the kernel's out-of-memory killer) ends too: nobody would read what it computes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=exit_with, args=(os.getppid(),), daemon=True).start()
    warm_up()


def exit_with(parent: int, every: float = 0.5) -> None:
    """End this process once ``parent`` is no longer its parent (it has died and this one was adopted)."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


@contextmanager
def local_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """``local_executor`` for a block of work: when the work stops early (Ctrl-C, an error in a task), the
    workers are ended at once rather than left to finish tasks whose results nobody will read."""
    pool = local_executor(workers)
    try:
        yield pool
    except BaseException:
        end_workers(pool)
        raise
    finally:
        pool.shutdown(cancel_futures=True)


def end_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate a pool's worker processes now (``ProcessPoolExecutor.terminate_workers`` from Python 3.14)."""
    if hasattr(pool, "terminate_workers"):
        pool.terminate_workers()
        return
    for process in list((pool._processes or {}).values()):
        process.terminate()


@contextmanager
def dask_executor(address: str, workers: int = 2) -> Iterator[Executor]:
    """A Dask cluster's executor: ``address`` of a running scheduler (``tcp://host:port``), or ``"local"`` for a
    LocalCluster of ``workers`` single-threaded processes on this machine. Every worker is warmed up in turn."""
    from distributed import Client, LocalCluster

    cluster = None
    if address == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(address, timeout="10s")
    try:
        for worker in client.scheduler_info()["workers"]:
            client.run(warm_up, workers=[worker])  # one at a time: no two compile into one cache at once
        yield client.get_executor()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


@contextmanager
def executor_for(jobs: int = 1, dask: str | None = None) -> Iterator[Executor | None]:
    """The executor of a command's ``--jobs N`` / ``--dask ADDRESS``: None (this process) for one job."""
    if dask:
        with dask_executor(dask, workers=max(jobs, 2)) as executor:
            yield executor
    elif jobs > 1:
        with local_pool(jobs) as pool:
            yield pool
    else:
        yield None
