"""The command line as a user meets it: JSON on stdout, one-line errors, exit codes, results files."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

RUN = [sys.executable, str(ROOT / "run.py")]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*RUN, *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_json_prints_one_object_with_the_documented_shape(tmp_path):
    result = run(
        "compare",
        "scenarios/assistant.toml",
        "--replicates",
        "30",
        "--years",
        "2",
        "--json",
        "--no-report",
        "--out",
        str(tmp_path / "r"),
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)  # nothing else on stdout
    assert {"scenario", "replicates", "years", "seed", "policies", "paired"} <= set(summary)
    assert summary["replicates"] == 30 and summary["years"] == 2
    metrics = {
        "npv",
        "cumulative_profit",
        "employee_retention",
        "annual_quit_rate",
        "customer_retention",
        "value_created",
        "total_cost",
        "final_headcount",
        "layoffs",
    }
    for stats in summary["policies"].values():
        assert metrics <= set(stats)
        lo, hi = stats["npv"]["ci95"]
        assert lo <= stats["npv"]["mean"] <= hi
    assert summary["policies"]["reinvest"]["label"] == {"en": "Strategic road", "fr": "La voie stratégique"}
    [pair] = summary["paired"]
    assert (pair["a"], pair["b"]) == ("reinvest", "cost_cutting")
    assert pair["b_label"]["fr"] == "La voie courte (cost-killer)"
    assert {"npv_diff", "p_a_beats_b", "crossover_month"} <= set(pair)
    assert {"median", "share_never"} <= set(pair["crossover_month"])
    for name in ("monthly.parquet", "outcomes.parquet", "summary.json", "manifest.json", "scenario.json"):
        assert (tmp_path / "r" / name).exists()
    assert json.loads((tmp_path / "r" / "summary.json").read_text()) == summary


def test_table_is_printed_without_json_and_the_run_ends_with_the_command_for_slides(tmp_path):
    result = run("compare", "--replicates", "10", "--years", "1", "--no-report", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    [slides] = [line for line in result.stderr.splitlines() if line.startswith("slides:")]
    command = slides.removeprefix("slides:").split()
    assert command[1:] == ["run.py", "charts", str(tmp_path), "--format", "png", "--theme", "talk"]  # from ROOT
    from run import build_parser

    parsed = build_parser().parse_args(command[2:])  # the command parses as printed
    assert (parsed.command, parsed.results, parsed.format, parsed.theme) == ("charts", str(tmp_path), "png", "talk")
    assert "NPV difference" in result.stdout and "P(Strategic road beats Cost-killer road)" in result.stdout
    assert "Strategic road (reinvest) vs Cost-killer road (cost_cutting)" in result.stdout  # ids for researchers


def test_bad_override_is_one_line_on_stderr_exit_2_no_traceback(tmp_path):
    result = run("compare", "--set", "levers.reskilling_success=2", "--out", str(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.endswith(
        "scenarios/assistant.toml: levers.reskilling_success = 2: Input should be less than or equal to 1"
    )
    assert "Traceback" not in result.stderr


def test_validate_reports_each_problem_and_unknown_policy_is_refused(tmp_path):
    bad = tmp_path / "bad.toml"
    text = (
        (ROOT / "scenarios" / "assistant.toml").read_text().replace("initial = 400.0", "initial = -1.0\ncolour = 'red'")
    )
    bad.write_text(text)
    result = run("validate", str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 2
    assert f"{bad}: customers.colour = 'red': unknown key" in result.stderr
    result = run("compare", "--policies", "cost_cutting,magic", "--out", str(tmp_path))
    assert result.returncode == 2 and "magic" in result.stderr and "Traceback" not in result.stderr


def test_scenarios_lists_one_line_each_and_help_has_examples():
    result = run("scenarios")
    assert result.returncode == 0
    lines = result.stdout.strip().splitlines()
    assert len(lines) == len(list((ROOT / "scenarios").glob("*.toml")))
    assert any(line.startswith("scenarios/assistant.toml") for line in lines)
    assert "examples:" in run("--help").stdout
