"""Tidy result files: monthly and per-replicate tables (Parquet, CSV on request), summary, manifest, scenario.

Every file is written atomically (temporary file, then rename), so an interrupted run never leaves a torn file.
Charts read these files and never re-run the model.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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
    return {
        "scenario_path": scenario_path,
        "scenario": scenario.meta.name,
        "overrides": overrides,
        "policies": policies,
        "replicates": replicates,
        "years": scenario.levers.years,
        "root_seed": seed,
        **provenance(scenario_path, scenario),
    }


PACKAGES = ("mesa", "numpy", "numba", "scipy", "pandas", "pyarrow", "pydantic", "plotly", "SALib", "ema_workbench",
            "dask", "distributed")  # fmt: skip
ROOT = Path(__file__).resolve().parent.parent


def provenance(scenario_path: str | None, scenario: Scenario) -> dict[str, Any]:
    """What a reader needs to reproduce a run: the full command line, the scenario's hashes (of the file as it
    was read, and of the validated scenario the run used), package versions and the git commit."""
    path = Path(scenario_path) if scenario_path else None
    return {
        "command": shlex.join(sys.orig_argv),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenario_sha256": _sha256(path.read_bytes()) if path and path.is_file() else None,
        "scenario_data_sha256": scenario_hash(scenario),
        "git_commit": git_commit(),
        "versions": {
            "python": platform.python_version(),
            **{p: _version(p) for p in PACKAGES},
            "project": _version("automation-gains"),
        },
    }


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the validated scenario as canonical JSON: equal for equal scenarios whatever the file's layout."""
    return _sha256(json.dumps(scenario.model_dump(mode="json"), sort_keys=True).encode())


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def git_commit() -> str | None:
    """The project's commit (with ``-dirty`` when files differ from it), or None outside a git checkout."""
    try:
        run = lambda *args: subprocess.run(  # noqa: E731
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        commit = run("rev-parse", "HEAD")
        return commit + ("-dirty" if run("status", "--porcelain", "--untracked-files=no") else "")
    except (OSError, subprocess.SubprocessError):
        return None


def write_atomic(path: Path, write) -> None:
    """``write(tmp)`` to a temporary file beside ``path``, then rename it: a reader never sees a torn file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)


def write_json(path: Path, document: Any) -> None:
    """Write a JSON document atomically."""
    write_atomic(path, lambda p: p.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=_plain)))


def write_parquet(path: Path, table: pd.DataFrame) -> None:
    """Write a table atomically."""
    write_atomic(path, lambda p: table.to_parquet(p, index=False))


def _plain(value: Any) -> Any:
    """numpy scalars and arrays in JSON documents."""
    return value.tolist() if isinstance(value, np.ndarray | np.generic) else str(value)


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


@contextmanager
def publish(staging: Path, out_dir: Path, keep: tuple[str, ...] = ()) -> Iterator[Path]:
    """Write a run's files in ``staging`` (an empty sibling of ``out_dir``), renamed to ``out_dir`` (absent, or an
    empty directory) once the block has written them all: a run that fails, is interrupted or killed leaves nothing
    at ``out_dir`` that looks like a result. On a failure, the finished entries named in ``keep`` (an optimum
    computed first) are moved to ``out_dir`` and the rest is removed."""
    try:
        yield staging
    except BaseException:
        for name in keep:
            if (staging / name).exists():
                out_dir.mkdir(parents=True, exist_ok=True)
                os.replace(staging / name, out_dir / name)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    os.replace(staging, out_dir)


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


PARTS_DIR = "parts"
POINTS_FILE = "points.parquet"


class Store:
    """A study's results directory, written chunk by chunk so an interrupted run loses only unfinished tasks:

    - ``manifest.json``: what was run (experiment, options, design, policies, replicates, root seed, tasks) and
      its provenance (command, scenario hashes, versions, commit), plus timings;
    - ``scenario.json``: the validated scenario the points start from; ``points.parquet``: the points;
    - ``parts/part-NNNNN.parquet``: the tidy rows (point x policy x replicate) of task N of the fixed plan.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        missing = [n for n in (MANIFEST_FILE, SCENARIO_FILE, POINTS_FILE) if not (self.path / n).exists()]
        if missing:
            raise ResultsError(f"{self.path}: not a study directory (missing {', '.join(missing)})")
        self.manifest = json.loads((self.path / MANIFEST_FILE).read_text())

    @classmethod
    def create(cls, path: str | Path, manifest: dict[str, Any], scenario: Scenario, points: list[dict]) -> Store:
        """A new study directory; refuses one that already holds files (a new run never overwrites another)."""
        path = Path(path)
        if path.exists() and any(path.iterdir()):
            raise ResultsError(f"{path}: already holds results; choose another --out, or --resume {path}")
        (path / PARTS_DIR).mkdir(parents=True, exist_ok=True)
        write_parquet(path / POINTS_FILE, pd.DataFrame(points, index=range(len(points))))
        write_json(path / SCENARIO_FILE, scenario.model_dump(mode="json"))
        write_json(path / MANIFEST_FILE, manifest)
        return cls(path)

    @property
    def scenario(self) -> Scenario:
        data = json.loads((self.path / SCENARIO_FILE).read_text())
        return Scenario.model_validate(data, strict=False)

    @property
    def points(self) -> list[dict]:
        return pd.read_parquet(self.path / POINTS_FILE).to_dict("records")

    def part(self, index: int) -> Path:
        return self.path / PARTS_DIR / f"part-{index:05d}.parquet"

    def done(self) -> set[int]:
        return {int(p.stem.split("-")[1]) for p in (self.path / PARTS_DIR).glob("part-*.parquet")}

    def run(self, executor=None, on_start=None, on_progress=None) -> int:
        """Run the tasks that have no part file yet, writing each as it finishes; returns how many ran.

        ``on_start(total)`` gets the point-replicates still to run, ``on_progress(n)`` those of each finished task.
        """
        from experiments.points import plan, prepare, run_tasks, tidy

        m = self.manifest
        points = self.points
        base, scenarios, names = prepare(self.scenario, points, m["policies"])
        done = self.done()
        tasks = {i: t for i, t in enumerate(plan(scenarios, m["replicates"], m["points_per_task"])) if i not in done}
        if on_start:
            on_start(sum(len(t.points) * (t.stop - t.start) for t in tasks.values()))
        for index, result in run_tasks(base, points, names, m["root_seed"], tasks, executor):
            task = tasks[index]
            ids = np.asarray(task.points)
            write_parquet(
                self.part(index), tidy([points[i] for i in ids], ids, np.arange(task.start, task.stop), result)
            )
            if on_progress:
                on_progress(len(ids) * (task.stop - task.start))
        return len(tasks)

    def table(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Every row of the finished parts, sorted by point, policy and replicate."""
        parts = sorted((self.path / PARTS_DIR).glob("part-*.parquet"))
        if not parts:
            raise ResultsError(f"{self.path}: no finished task yet")
        frame = pd.concat([pd.read_parquet(p, columns=columns) for p in parts], ignore_index=True)
        return frame.sort_values(["point", "policy", "replicate"], ignore_index=True)

    def matrix(self, policy: str, metric: str) -> np.ndarray:
        """(points, replicates) of one outcome of one policy."""
        return matrix(self.table(["point", "policy", "replicate", metric]), policy, metric)

    def update(self, **entries: Any) -> None:
        """Add entries to the manifest (timings, where the final tables are) and write it again."""
        self.manifest.update(entries)
        write_json(self.path / MANIFEST_FILE, self.manifest)


def matrix(table: pd.DataFrame, policy: str, metric: str) -> np.ndarray:
    """(points, replicates) of one outcome of one policy from a study's tidy rows."""
    rows = table[table["policy"] == policy]
    return rows.pivot(index="point", columns="replicate", values=metric).to_numpy()
