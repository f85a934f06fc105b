"""`run.py optimize` and `compare --best` as a user meets them: files written, the optimum read back, one-line
errors with exit code 2. The first runs go through a new process; the others call ``run.main`` in this one."""

from __future__ import annotations

import json

import pytest

import run as cli
from tests.test_cli import run


def main(capsys, *args: str) -> tuple[int, str, str]:
    """``run.py ARGS`` in this process: exit code, stdout, stderr."""
    try:
        code = cli.main(list(args))
    except SystemExit as exit_:  # argparse's errors
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


SMALL = ("--years", "1", "--budget", "3", "--replicates", "4", "--holdout", "10")


@pytest.fixture(scope="module")
def optimum(tmp_path_factory):
    out = tmp_path_factory.mktemp("optimum")
    result = run("optimize", "scenarios/assistant.toml", *SMALL, "--seed", "5", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "held-out" in result.stdout and "in-sample" in result.stdout
    assert f"compare scenarios/assistant.toml --best {out}" in result.stderr
    return out


def test_optimize_writes_the_study_the_best_tables_and_a_manifest(optimum):
    assert {p.name for p in optimum.iterdir()} == {"study.json", "best_params.toml", "trials.csv", "manifest.json"}
    study = json.loads((optimum / "study.json").read_text())
    assert list(study["policies"]) == ["cost_cutting", "reinvest"]  # every policy but status_quo (none here)
    assert (study["budget"], study["search_replicates"], study["held_out_replicates"]) == (3, 4, 10)
    manifest = json.loads((optimum / "manifest.json").read_text())
    assert manifest["budget"] == 3 and manifest["root_seed"] == 5 and manifest["overrides"] == ["levers.years=1"]
    assert manifest["held_out_replicates"] == 10 and manifest["versions"]["optuna"]


def test_compare_best_reads_the_saved_optimum_and_runs_on_its_held_out_replicates(optimum, tmp_path):
    result = run("compare", "scenarios/assistant.toml", "--years", "1", "--best", str(optimum), "--json",
                 "--no-report", "--out", str(tmp_path))  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    study = json.loads((optimum / "study.json").read_text())
    assert summary["replicates"] == 10 and summary["seed"] == 5 and summary["replicate_set"] == "held_out"
    fight = summary["fair_fight"]
    for name, result_ in study["policies"].items():
        assert fight["parameters"][name]["best"] == result_["best"]
        assert summary["policies"][name]["npv"]["mean"] == pytest.approx(result_["held_out"]["best"]["mean"])
    [pair] = fight["pairs"]
    assert {"default", "best", "survives", "change"} <= set(pair)
    assert json.loads((tmp_path / "manifest.json").read_text())["best"] == str(optimum)


def test_compare_best_alone_runs_a_quick_optimisation_first(capsys, tmp_path):
    code, out, err = main(capsys, "compare", "--years", "1", "--replicates", "10", "--best", "--out", str(tmp_path),
                          "--no-report")  # fmt: skip
    assert code == 0, err
    assert "fair fight on held-out replicates 0..9" in out
    assert "the verdict" in out or "too close to call at the defaults" in out
    study = json.loads((tmp_path / "optimum" / "study.json").read_text())
    assert (study["budget"], study["held_out_replicates"]) == (40, 10)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("optimize", "--budget", "0"), "run.py optimize: --budget: '0': expected an integer >= 1"),
        (("optimize", "--policy", "reinvest,magic"), "--policy magic: unknown; defined: cost_cutting, reinvest"),
        (("optimize", "--holdout", "x"), "run.py optimize: --holdout: 'x': expected an integer"),
        (("compare", "--best", "/nonexistent"), "--best /nonexistent: no study.json there"),
    ],
)
def test_bad_input_is_one_line_with_exit_2(capsys, args, message, tmp_path):
    code, out, err = main(capsys, *args, "--out", str(tmp_path / "out"))
    assert code == 2 and out == ""
    [line] = err.strip().splitlines()
    assert message in line
    assert not (tmp_path / "out").exists()  # a mistake leaves nothing behind


def test_compare_best_refuses_another_scenario_s_optimum(capsys, optimum, tmp_path):
    code, _, err = main(capsys, "compare", "scenarios/back_office.toml", "--best", str(optimum), "--out", str(tmp_path))
    assert code == 2
    [line] = err.strip().splitlines()
    assert "the optimum is for scenario 'assistant', not 'back_office'" in line
