"""The benchmark command runs (a smoke test on a tiny size; speed itself is measured, not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_benchmark_command_runs_on_a_tiny_size_and_prints_json_and_a_table():
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.throughput", "--tiny"], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert result.returncode == 0, result.stderr
    tiny = json.loads(result.stdout)["results"]["tiny"]
    assert tiny["employee_months"] == 20 * 12 * 4 * 2  # employees x months x replicates x policies
    assert tiny["employee_months_per_s"] > 0 and tiny["peak_memory_mb"] > 0
    assert "employee-months/s" in result.stderr
