"""Tidy result files: monthly and per-replicate tables (Parquet, CSV on request), summary, manifest, scenario.

Every file is written atomically (temporary file, then rename), so an interrupted run never leaves a torn file.
Charts read these files and never re-run the model.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.scenario import Scenario

MONTHLY_FILE = "monthly.parquet"
OUTCOMES_FILE = "outcomes.parquet"
SUMMARY_FILE = "summary.json"
MANIFEST_FILE = "manifest.json"
SCENARIO_FILE = "scenario.json"


def monthly_table(monthly: dict[str, dict[str, np.ndarray]]) -> pd.DataFrame:
    """Long by (policy, replicate, month), one column per metric; months are 1-based."""
    frames = []
    for policy, metrics in monthly.items():
        n_rep, n_months = next(iter(metrics.values())).shape
        frame = pd.DataFrame({name: values.ravel() for name, values in metrics.items()})
        frame.insert(0, "month", np.tile(np.arange(1, n_months + 1), n_rep))
        frame.insert(0, "replicate", np.repeat(np.arange(n_rep), n_months))
        frame.insert(0, "policy", policy)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def outcomes_table(outcomes: dict[str, dict[str, np.ndarray]]) -> pd.DataFrame:
    frames = []
    for policy, values in outcomes.items():
        frame = pd.DataFrame(values)
        frame.insert(0, "replicate", np.arange(len(frame)))
        frame.insert(0, "policy", policy)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def manifest(
    scenario_path: str, scenario: Scenario, overrides: list[str], policies: list[str], replicates: int, seed: int
) -> dict[str, Any]:
    packages = ("mesa", "numpy", "scipy", "pandas", "pydantic", "plotly")
    return {
        "scenario_path": scenario_path,
        "scenario": scenario.meta.name,
        "overrides": overrides,
        "policies": policies,
        "replicates": replicates,
        "years": scenario.levers.years,
        "root_seed": seed,
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": {
            "python": platform.python_version(),
            **{p: _version(p) for p in packages},
            "project": _version("automation-gains"),
        },
    }


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def write_atomic(path: Path, write) -> None:
    """``write(tmp)`` to a temporary file beside ``path``, then rename it: a reader never sees a torn file."""
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def write_results(
    out_dir: Path,
    scenario: Scenario,
    monthly: dict[str, dict[str, np.ndarray]],
    outcomes: dict[str, dict[str, np.ndarray]],
    summary: dict[str, Any],
    run_manifest: dict[str, Any],
    csv: bool = False,
) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = {MONTHLY_FILE: monthly_table(monthly), OUTCOMES_FILE: outcomes_table(outcomes)}
    for name, table in tables.items():
        write_atomic(out_dir / name, lambda p, t=table: t.to_parquet(p, index=False))
        if csv:
            write_atomic(out_dir / name.replace(".parquet", ".csv"), lambda p, t=table: t.to_csv(p, index=False))
    documents = {SUMMARY_FILE: summary, MANIFEST_FILE: run_manifest, SCENARIO_FILE: scenario.model_dump(mode="json")}
    for name, document in documents.items():
        write_atomic(out_dir / name, lambda p, d=document: p.write_text(json.dumps(d, indent=2, ensure_ascii=False)))
    return out_dir


@dataclass
class Results:
    """A saved run, as the charts read it."""

    path: Path
    monthly: pd.DataFrame
    outcomes: pd.DataFrame
    summary: dict[str, Any]
    manifest: dict[str, Any]
    scenario: Scenario


class ResultsError(ValueError):
    """A results directory that is missing or incomplete (a user's mistake: one line, no traceback)."""


def load_results(path: str | Path) -> Results:
    path = Path(path)
    missing = [
        n for n in (MONTHLY_FILE, OUTCOMES_FILE, SUMMARY_FILE, MANIFEST_FILE, SCENARIO_FILE) if not (path / n).exists()
    ]
    if missing:
        raise ResultsError(
            f"{path}: not a results directory (missing {', '.join(missing)}); run `python run.py compare` first"
        )
    return Results(
        path=path,
        monthly=pd.read_parquet(path / MONTHLY_FILE),
        outcomes=pd.read_parquet(path / OUTCOMES_FILE),
        summary=json.loads((path / SUMMARY_FILE).read_text()),
        manifest=json.loads((path / MANIFEST_FILE).read_text()),
        scenario=Scenario.model_validate(json.loads((path / SCENARIO_FILE).read_text()), strict=False),
    )
