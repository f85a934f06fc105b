"""Shared helpers: scenario data to vary, tiny hand-checkable firms, and a real Dask cluster on 127.0.0.1."""

from __future__ import annotations

import copy
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from model.scenario import Scenario, read_toml, validate_data

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
DASK = str(Path(sys.executable).with_name("dask"))


def scenario_data(name: str = "assistant") -> dict:
    return read_toml(SCENARIOS / f"{name}.toml")


def changed(data: dict, **changes) -> dict:
    """A copy of ``data`` with dotted keys set (list items by index), e.g. changed(d, **{"levers.years": 2})."""
    data = copy.deepcopy(data)
    for key, value in changes.items():
        node = data
        *parents, last = key.split(".")
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        node[last] = value
    return data


def build(data: dict, **changes) -> Scenario:
    """Validate ``data`` after setting dotted keys."""
    return validate_data(changed(data, **changes), "test")


def tiny_firm(**overrides) -> dict:
    """A deterministic two-person firm: no quits, no churn, no acquisition; a routine task, a care task, and
    new care work (follow-up) that nobody does yet."""
    data = {
        "meta": {"name": "tiny", "title": {"en": "Tiny", "fr": "Mini"}, "description": {"en": "t", "fr": "t"}},
        "simulation": {"replicates": 3, "seed": 1, "hours_per_month": 150.0, "initial_cash_eur": 1000.0},
        "levers": {"years": 1, "discount_rate": 0.0},
        "tasks": [
            {
                "id": "entry",
                "label": {"en": "Entry", "fr": "Saisie"},
                "category": "routine",
                "channel": "back_office",
                "automatable_share": 1.0,
            },
            {
                "id": "care",
                "label": {"en": "Care", "fr": "Suivi"},
                "category": "interpersonal",
                "channel": "customer_care",
                "demand_hours_per_customer_month": 1.0,
            },
            {
                "id": "follow_up",
                "label": {"en": "Follow-up", "fr": "Relance"},
                "category": "interpersonal",
                "channel": "customer_care",
                "demand_hours_per_customer_month": 0.5,
            },
        ],
        "roles": [
            {
                "id": "clerk",
                "label": {"en": "Clerk", "fr": "Employé"},
                "count": 1,
                "salary_eur_per_year": 24000.0,
                "hours": {"entry": 1.0},
            },
            {
                "id": "rep",
                "label": {"en": "Rep", "fr": "Commercial"},
                "count": 1,
                "salary_eur_per_year": 36000.0,
                "hours": {"care": 1.0},
            },
        ],
        "customers": {
            "initial": 100.0,
            "revenue_eur_per_customer_month": 500.0,
            "gross_margin": 0.6,
            "base_churn_per_month": 0.0,
            "fixed_costs_eur_per_month": 1000.0,
        },
        "engagement": {"initial_sd": 0.0},
        "turnover": {"annual_quit_rate": 0.0},
        "jurisdiction": {"preset": "at_will"},
        "policies": [
            {"name": "cost_cutting", "kind": "cost_cutting"},
            {"name": "reinvest", "kind": "reinvest", "targets": {"follow_up": 1.0}},
        ],
    }
    return changed(data, **overrides)


@pytest.fixture(scope="session")
def assistant() -> Scenario:
    return validate_data(scenario_data("assistant"), "assistant")


def seeds(n: int, root: int = 7) -> list[np.random.SeedSequence]:
    from model.state import streams

    return streams(np.random.SeedSequence(root), n)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def cluster():
    """`dask scheduler` and two `dask worker` processes on 127.0.0.1, shared by the tests that need a cluster and
    stopped at the end of the session."""
    address = f"tcp://127.0.0.1:{free_port()}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # workers import the model and the researcher's module
    common = {"cwd": ROOT, "env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    port = address.rsplit(":", 1)[1]
    processes = [
        subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"], **common)
    ]
    processes += [
        subprocess.Popen(
            [DASK, "worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard"], **common
        )
        for _ in range(2)
    ]
    try:
        from distributed import Client

        deadline = time.monotonic() + 120
        while True:
            try:
                with Client(address, timeout="5s") as client:
                    client.wait_for_workers(2, timeout=120)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def cli(capsys):
    """``run.py``'s main in this process (the same code, without paying the imports again): (code, out, err)."""
    from run import main

    def call(*args: str) -> subprocess.CompletedProcess:
        code = main(list(args))
        captured = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, captured.out, captured.err)

    return call
