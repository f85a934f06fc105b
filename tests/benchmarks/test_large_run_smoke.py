"""The large-run benchmark runs (on a small firm; its time and memory are measured, not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_large_run_benchmark_runs_a_compare_and_reports_time_and_memory_of_the_process_tree():
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.large_run", "--employees", "100", "--replicates", "3", "--years", "1"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["employee_months"] == 100 * 3 * 12 * 2 and report["within_8_gb"]
    assert 100 < report["peak_tree_memory_mb"] < 8 * 1024 and report["wall_s"] > 0
    assert report["files_mb"].keys() >= {"outcomes.parquet", "monthly.parquet", "summary.json", "manifest.json"}
    assert "100 employees x 3 replicates x 1 years, 1 job(s)" in result.stderr
