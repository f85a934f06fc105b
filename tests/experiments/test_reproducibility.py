"""Same numbers everywhere: the same seed writes byte-identical result files with one worker, two local
workers or a real Dask cluster (a scheduler and two workers on 127.0.0.1), through the command line.

Replicates run in fixed blocks of ``experiments.replicates.BLOCK``; the tests make the blocks small so that a few
replicates make several blocks and the workers really share the work (with one block, ``--jobs 2`` would run
in this process). Timings and the command line belong in manifest.json, never in the data files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import run
from experiments import replicates
from experiments.compare import run_comparison
from experiments.executors import dask_executor
from experiments.results import manifest, write_results
from model.scenario import load_scenario
from tests.conftest import SCENARIOS

COMPARE = ["compare", "assistant", "--replicates", "5", "--years", "1", "--seed", "11", "--no-report", "--json"]
SWEEP = ["sweep", "assistant", "--vary", "levers.reskilling_success=0.2:0.8:3", "--replicates", "4",
         "--set", "levers.years=1", "--seed", "11", "--no-charts"]  # fmt: skip
COMPARE_FILES = ("outcomes.parquet", "monthly.parquet", "summary.json", "scenario.json")
STUDY_FILES = ("points.parquet", "scenario.json", "summary.parquet")


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    monkeypatch.setattr(replicates, "BLOCK", 2)  # 5 replicates: blocks 0-1, 2-3, 4


def cli(capsys, *args: str) -> str:
    """``run.py ARGS`` in this process (so the small blocks hold); returns what it printed on stdout."""
    assert run.main(list(args)) == 0
    return capsys.readouterr().out


def assert_same_files(a: Path, b: Path, names: list[str]) -> None:
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def study_files(path: Path) -> list[str]:
    parts = sorted(p.relative_to(path).as_posix() for p in (path / "parts").glob("*.parquet"))
    assert len(parts) > 1  # the workers shared the work
    return [*parts, *STUDY_FILES]


def test_compare_writes_the_same_bytes_with_one_or_two_workers(tmp_path, capsys):
    printed = {jobs: cli(capsys, *COMPARE, "--jobs", str(jobs), "--out", str(tmp_path / str(jobs))) for jobs in (1, 2)}
    assert printed[1] == printed[2]
    json.loads(printed[1], parse_constant=lambda token: pytest.fail(f"bare {token} in --json"))
    assert_same_files(tmp_path / "1", tmp_path / "2", COMPARE_FILES)
    manifests = [json.loads((tmp_path / str(jobs) / "manifest.json").read_text()) for jobs in (1, 2)]
    assert {k for k in manifests[0] if manifests[0][k] != manifests[1][k]} <= {"command", "created"}


def test_a_sweep_writes_the_same_dataset_with_one_or_two_workers(tmp_path, capsys):
    for jobs in (1, 2):
        cli(capsys, *SWEEP, "--jobs", str(jobs), "--out", str(tmp_path / str(jobs)))
    assert_same_files(tmp_path / "1", tmp_path / "2", study_files(tmp_path / "1"))


def test_a_dask_cluster_writes_the_bytes_of_this_process(tmp_path, capsys, cluster):
    cli(capsys, *SWEEP, "--out", str(tmp_path / "here"))
    cli(capsys, *SWEEP, "--dask", cluster, "--out", str(tmp_path / "dask"))
    assert_same_files(tmp_path / "here", tmp_path / "dask", study_files(tmp_path / "here"))
    # compare has no --dask: its engine on the cluster, written as compare writes them
    cli(capsys, *COMPARE, "--out", str(tmp_path / "compare"))
    scenario = load_scenario(SCENARIOS / "assistant.toml", ["levers.years=1"])
    with dask_executor(cluster) as executor:
        monthly, results, summary = run_comparison(scenario, scenario.policy_names(), 5, 11, executor=executor)
    run_manifest = manifest("assistant", scenario, [], scenario.policy_names(), 5, 11)
    write_results(tmp_path / "on-dask", scenario, monthly, results, summary, run_manifest)
    assert_same_files(tmp_path / "compare", tmp_path / "on-dask", COMPARE_FILES)
