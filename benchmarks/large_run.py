"""A large run as a user starts it (not a test): ``run.py compare`` on a 10,000-employee firm, 100 replicates,
10 years, in its own process; wall time and the peak memory of its whole process tree (docs/performance.md,
"Large runs").

Usage:
    .venv/bin/python -m benchmarks.large_run                      # 10,000 employees x 100 replicates x 10 years
    .venv/bin/python -m benchmarks.large_run --replicates 10 --years 2 --jobs 2   # a smaller one to develop on

The firm is ``assistant.toml`` grown by consultants (``benchmarks.throughput.firm_of``), compared on its two
policies. Memory is the resident set size of the command and its worker processes, summed and polled every
0.1 s (the peak of the sum; ``max_process_mb`` is the largest single process, from the kernel's own count).
The machine's load average is recorded before and after: the machine is shared, time depends on it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import psutil

from benchmarks.throughput import ASSISTANT, ROOT, firm_of

LIMIT_MB = 8 * 1024  # issue 13: within 8 GB


def command(employees: int, replicates: int, years: int, jobs: int, out: Path) -> list[str]:
    overrides = [arg for o in firm_of(employees) for arg in ("--set", o)]
    return [sys.executable, str(ROOT / "run.py"), "compare", str(ASSISTANT), *overrides, "--replicates",
            str(replicates), "--years", str(years), "--jobs", str(jobs), "--no-report", "--json", "--out", str(out)]  # fmt: skip


def tree_rss(process: psutil.Process) -> int:
    """Bytes resident in a process and all its descendants now (0 once it has ended)."""
    total = 0
    try:
        for p in [process, *process.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                continue
    except psutil.Error:
        return 0
    return total


def run(employees: int, replicates: int, years: int, jobs: int) -> dict:
    """Run the comparison once in a new process; its wall time, peak memory, and checks of what it wrote."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "large"
        load = os.getloadavg()
        start = time.perf_counter()
        process = subprocess.Popen(command(employees, replicates, years, jobs, out), cwd=ROOT, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        watched, peak = psutil.Process(process.pid), 0
        while process.poll() is None:
            peak = max(peak, tree_rss(watched))
            time.sleep(0.1)
        wall = time.perf_counter() - start
        stdout, stderr = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"the run failed ({process.returncode}):\n{stderr[-3000:]}")
        summary = json.loads(stdout)
        written = {p.name: p.stat().st_size for p in out.iterdir()}
        outcomes_rows = len(pd.read_parquet(out / "outcomes.parquet"))
    assert summary["replicates"] == replicates and outcomes_rows == 2 * replicates
    peak_mb = peak / 2**20
    return {
        "employees": employees, "replicates": replicates, "years": years, "policies": 2, "jobs": jobs,
        "employee_months": employees * replicates * years * 12 * 2, "wall_s": round(wall, 1),
        "peak_tree_memory_mb": round(peak_mb), "max_process_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "within_8_gb": peak_mb <= LIMIT_MB, "load_average_before": load, "load_average_after": os.getloadavg(),
        "cpus": os.cpu_count(), "memory_total_mb": round(psutil.virtual_memory().total / 2**20),
        "files_mb": {name: round(size / 2**20, 2) for name, size in written.items()},
        "npv_difference": summary["paired"][0]["npv_diff"],
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--replicates", type=int, default=100)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    result = run(args.employees, args.replicates, args.years, args.jobs)
    print(json.dumps(result, indent=2))
    print(
        f"{args.employees:,} employees x {args.replicates} replicates x {args.years} years, {args.jobs} job(s): "
        f"{result['wall_s']} s, peak {result['peak_tree_memory_mb']:,} MB (whole process tree), load "
        f"{result['load_average_before'][0]:.1f} -> {result['load_average_after'][0]:.1f}",
        file=sys.stderr,
    )
    return 0 if result["within_8_gb"] else 1


if __name__ == "__main__":
    sys.exit(main())
