"""The research commands as a user meets them: small runs, files, manifest, one-line errors, resume, replay."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from experiments.results import Store
from tests.conftest import ROOT

RUN = [sys.executable, str(ROOT / "run.py")]
SHORT = ["--set", "levers.years=1"]


def run(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """``python run.py ARGS`` in a new process (as a user runs it)."""
    return subprocess.run([*RUN, *args], capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def test_sweep_writes_a_tidy_dataset_a_summary_and_a_full_manifest(tmp_path):
    out = tmp_path / "s"
    result = run("sweep", "assistant", "--vary", "levers.reskilling_success=0.2:0.8:3", "--replicates", "4",
                 *SHORT, "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "reinvest vs cost_cutting" in result.stdout and "reskilling_success=0.8" in result.stdout
    store = Store(out)
    table = store.table()
    assert len(table) == 3 * 2 * 4 and {"levers.reskilling_success", "npv", "layoffs"} <= set(table.columns)
    summary = pd.read_parquet(out / "summary.parquet")
    assert len(summary) == 3 and "p_reinvest_beats_cost_cutting" in summary
    m = store.manifest
    assert m["command"].endswith("run.py sweep assistant --vary levers.reskilling_success=0.2:0.8:3 --replicates 4 "
                                 f"--set levers.years=1 --out {out}")  # fmt: skip
    assert len(m["scenario_sha256"]) == 64 and len(m["scenario_data_sha256"]) == 64
    assert m["git_commit"] and m["versions"]["SALib"] != "unknown" and m["versions"]["numpy"] != "unknown"
    assert m["design"] == {"kind": "grid", "variables": ["levers.reskilling_success=0.2:0.8:3"], "samples": 3,
                           "seed": 20261127, "levels": 5}  # fmt: skip
    assert m["timings"][0]["tasks_run"] == 1
    again = run("sweep", "assistant", "--vary", "levers.reskilling_success=0.2:0.8:3", "--out", str(out))
    assert again.returncode == 2 and "already holds results" in again.stderr  # never overwrites a run


def test_frontier_breakeven_sensitivity_and_discover_run_on_small_inputs(tmp_path, cli):
    frontier = cli("frontier", "assistant", "--x", "levers.reskilling_success=0:1:3", "--y",
                   "levers.customer_sensitivity_scale=0:2:2", "--replicates", "4", *SHORT, "--out", str(tmp_path / "f"))  # fmt: skip
    assert frontier.returncode == 0, frontier.stderr
    assert "toss-up" in frontier.stdout and (tmp_path / "f" / "charts" / "frontier.html").exists()
    breakeven = cli("breakeven", "assistant", "--lever", "reskilling_success", "--replicates", "4", *SHORT, "--json")
    assert breakeven.returncode == 0, breakeven.stderr
    [entry] = json.loads(breakeven.stdout)
    assert entry["lever"] == "reskilling_success" and entry["verdict"] in (
        "crosses",
        "a_wins_everywhere",
        "b_wins_everywhere",
    )
    sensitivity = cli("sensitivity", "assistant", "--method", "morris", "--samples", "2", "--replicates", "2", *SHORT,
                      "--out", str(tmp_path / "m"))  # fmt: skip
    assert sensitivity.returncode == 0, sensitivity.stderr
    assert "mu_star" in sensitivity.stdout and (tmp_path / "m" / "charts" / "tornado.html").exists()
    discover = run(
        "discover", "assistant", "--samples", "16", "--replicates", "2", *SHORT, "--out", str(tmp_path / "d")
    )
    assert discover.returncode == 0, discover.stderr
    assert (tmp_path / "d" / "boxes.json").exists() and (tmp_path / "d" / "charts" / "prim_boxes.html").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sweep", "assistant", "--vary", "levers.colour=0:1"], "--vary levers.colour=0:1: no key 'levers.colour'"),
        (["sweep", "assistant", "--vary", "levers.years=1:3", "--design", "sobol", "--samples", "6"], "power of two"),
        (["sensitivity", "assistant", "--method", "sobol", "--samples", "100"], "power of two"),
        (["frontier", "assistant", "--x", "levers.reskilling_success=0:1:3"], "give --x KEY.PATH=LO:HI:N and --y"),
        (["breakeven", "assistant", "--lever", "colour"], "--lever colour: unknown"),
        (["breakeven", "assistant", "--a", "magic"], "no policy named 'magic'"),
        (["sweep", "--resume", "/nonexistent/study"], "not a study directory"),
        (
            ["sweep", "assistant", "--vary", "levers.reskilling_success=0:1:2", "--dask", "tcp://127.0.0.1:9"],
            "--dask tcp://127.0.0.1:9: cannot reach",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, cli, args, message):
    result = cli(*args, "--out", str(tmp_path / "x")) if args[0] != "breakeven" else cli(*args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_custom_policy_from_the_folder_run_from_works_with_workers(tmp_path):
    (tmp_path / "mypolicies.py").write_text(
        'from model.policies import Policy\n\n\nclass DoNothing(Policy):\n    """Freed hours stay idle."""\n'
    )
    scenario = (ROOT / "scenarios" / "assistant.toml").read_text()
    (tmp_path / "mine.toml").write_text(scenario + '\n[[policies]]\nname = "mine"\nkind = "mypolicies:DoNothing"\n')
    result = subprocess.run(
        [*RUN, "sweep", "mine.toml", "--vary", "levers.reskilling_success=0.2:0.8:2", "--replicates", "2",
         "--policies", "cost_cutting,mine,status_quo", "--set", "levers.years=1", "--jobs", "2", "--out", "r"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    table = Store(tmp_path / "r").table()
    mine, quo = (table[table["policy"] == p].reset_index(drop=True) for p in ("mine", "status_quo"))
    pd.testing.assert_frame_equal(mine.drop(columns="policy"), quo.drop(columns="policy"))  # both leave hours idle
