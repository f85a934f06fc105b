"""Tidy result files: monthly and per-replicate tables (Parquet, CSV on request), summary, manifest, scenario.

Every file is written atomically (temporary file, then rename), so an interrupted run never leaves a torn file.
Charts read these files and never re-run the model.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import math
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
from functools import cached_property
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


TEMPORARY = ".*.tmp"  # what ``write_atomic`` leaves behind when it is killed: never read, removed on resume


def write_atomic(path: Path, write) -> None:
    """``write(tmp)`` to a temporary file beside ``path``, flush it to disk, then rename it over ``path``: a reader
    never sees a torn file, even after a kill or a power cut (the rename is the commit; the directory is flushed
    too, so the rename survives a crash). Interrupted, it removes its temporary file (a kill leaves it behind,
    named ``TEMPORARY``)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync(path.parent)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def strict(document: Any) -> Any:
    """A copy of a JSON-like document that RFC 8259 accepts: numpy scalars and arrays as Python numbers and
    lists, and every number that is not finite (NaN, infinity) as None. JSON has no NaN: ``null`` means "no
    value" (the documented cases are an interval from one replicate, P(A beats B) below 10 replicates, a
    crossover that never happens; an outcome is never NaN or infinite, tests/model/test_properties.py)."""
    if isinstance(document, dict):
        return {key: strict(value) for key, value in document.items()}
    if isinstance(document, list | tuple):
        return [strict(value) for value in document]
    if isinstance(document, np.ndarray | np.generic):
        return strict(document.tolist())
    if isinstance(document, float) and not math.isfinite(document):
        return None
    return document


def dumps(document: Any, **options: Any) -> str:
    """``json.dumps`` of ``strict(document)``: how results, studies and ``--json`` outputs are written."""
    return json.dumps(strict(document), allow_nan=False, **({"ensure_ascii": False} | options))


def write_json(path: Path, document: Any) -> None:
    """Write a JSON document atomically (strict JSON, ``dumps``)."""
    write_atomic(path, lambda p: p.write_text(dumps(document, indent=2, default=str), encoding="utf-8"))


def write_parquet(path: Path, table: pd.DataFrame) -> None:
    """Write a table atomically."""
    write_atomic(path, lambda p: table.to_parquet(p, index=False))


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
    # the manifest last: a folder without it is not a result (``load_results``), whenever a run was stopped
    documents = {SUMMARY_FILE: summary, SCENARIO_FILE: scenario.model_dump(mode="json"), MANIFEST_FILE: run_manifest}
    for name, document in documents.items():
        write_json(out_dir / name, document)
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
LOCK_FILE = ".lock"
# a study's ``state`` in its manifest; only a complete study has its analysis files and can be replayed
PLANNED, RUNNING, INTERRUPTED, FAILED, COMPLETE = "planned", "running", "interrupted", "failed", "complete"


class Store:
    """A study's results directory, written chunk by chunk so an interrupted run loses only unfinished tasks:

    - ``manifest.json``: what was run (experiment, options, design, policies, replicates, root seed, tasks) and
      its provenance (command, scenario hashes, versions, commit), timings, its ``state`` (planned, running,
      interrupted, failed with its ``error``, complete) and ``finished_tasks``, the tasks whose part is on disk;
    - ``scenario.json``: the validated scenario the points start from; ``points.parquet``: the points;
    - ``parts/part-NNNNN.parquet``: the tidy rows (point x policy x replicate) of task N of the fixed plan.

    A part counts only once the manifest lists it and it holds its task's rows: a part written but not yet
    listed when the run was killed, a temporary file, or a damaged part is run again on resume.
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
        write_json(path / MANIFEST_FILE, {**manifest, "state": PLANNED, "finished_tasks": []})
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

    @cached_property
    def plan(self) -> list:
        """The study's fixed tasks (``experiments.points.plan``), the same on every run and every machine."""
        from experiments.points import plan, scenario_at
        from experiments.replicates import BLOCK

        m = self.manifest
        scenarios = [scenario_at(self.scenario, point) for point in self.points]
        return plan(scenarios, m["replicates"], m["points_per_task"], m.get("replicates_per_task", BLOCK))

    @property
    def tasks(self) -> int:
        """How many tasks the study's plan has."""
        return len(self.plan)

    def done(self) -> set[int]:
        """The finished tasks: listed in the manifest, their part on disk with the rows of their task."""
        listed = self.manifest.get("finished_tasks")
        if listed is None:  # a study written before the manifest listed its tasks: every part on disk
            listed = [int(p.stem.split("-")[1]) for p in (self.path / PARTS_DIR).glob("part-*.parquet")]
        policies = len(self.manifest["policies"])
        return {i for i in listed if i < self.tasks and self._holds(i, policies * self.plan[i].size)}

    def _holds(self, index: int, rows: int) -> bool:
        import pyarrow
        import pyarrow.parquet as pq

        try:
            return pq.read_metadata(self.part(index)).num_rows == rows
        except (OSError, pyarrow.ArrowException):  # missing or damaged
            return False

    @property
    def finished(self) -> bool:
        """Whether every task of the plan has its part on disk."""
        return len(self.done()) == self.tasks

    def progress(self) -> str:
        """``2 of 3 tasks finished``."""
        return f"{len(self.done())} of {self.tasks} tasks finished"

    def require_complete(self) -> None:
        """Raise ResultsError unless the study ran to its end (its analysis written)."""
        m = self.manifest
        state = m.get("state") or (COMPLETE if self.finished else INTERRUPTED)  # a study from before the states
        if state != COMPLETE:
            why = f": {m['error']}" if m.get("error") else ""
            raise ResultsError(
                f"{self.path}: an unfinished {m['experiment']} ({state}{why}; {self.progress()}); not a result "
                f"yet: finish it with `python run.py {m['experiment']} --resume {self.path}`"
            )

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One process at a time runs a study: an exclusive lock on its directory for as long as it writes."""
        with open(self.path / LOCK_FILE, "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ResultsError(f"{self.path}: another process is running this study; wait for it") from None
            yield

    def run(self, executor=None, on_start=None, on_progress=None) -> int:
        """Run the tasks that are not finished, writing each part as it finishes and listing it in the manifest;
        returns how many ran. The manifest says ``interrupted`` after Ctrl-C and ``failed`` (with the error)
        after an exception; the finished parts are kept either way.

        ``on_start(total)`` gets the point-replicates still to run, ``on_progress(n)`` those of each finished task.
        """
        from experiments.points import prepare, run_tasks, tidy

        with self.writing():
            points = self.points
            base, _, names = prepare(self.scenario, points, self.manifest["policies"])
            done = self.done()
            self._remove_leftovers(done)
            tasks = {i: t for i, t in enumerate(self.plan) if i not in done}
            self.update(state=RUNNING, tasks=self.tasks, finished_tasks=sorted(done), error=None)
            if on_start:
                on_start(sum(t.size for t in tasks.values()))
            with self.recording_stops():
                for index, result in run_tasks(base, points, names, self.manifest["root_seed"], tasks, executor):
                    task = tasks[index]
                    ids = np.asarray(task.points)
                    rows = tidy([points[i] for i in ids], ids, np.arange(task.start, task.stop), result)
                    write_parquet(self.part(index), rows)
                    done.add(index)
                    self.update(finished_tasks=sorted(done))
                    if on_progress:
                        on_progress(task.size)
        return len(tasks)

    @contextmanager
    def recording_stops(self) -> Iterator[None]:
        """What stops the work inside goes to the manifest: ``interrupted`` (Ctrl-C), or ``failed`` and the error."""
        try:
            yield
        except KeyboardInterrupt:
            self.update(state=INTERRUPTED)
            raise
        except BaseException as error:
            self.update(state=FAILED, error=f"{type(error).__name__}: {error}")
            raise

    def _remove_leftovers(self, done: set[int]) -> None:
        """Temporary files of a killed run and parts that are not finished (run again)."""
        parts = self.path / PARTS_DIR
        for path in [*parts.glob(TEMPORARY), *self.path.glob(TEMPORARY)]:
            path.unlink()
        for path in parts.glob("part-*.parquet"):
            if int(path.stem.split("-")[1]) not in done:
                path.unlink()

    def table(self, columns: list[str] | None = None, partial: bool = False) -> pd.DataFrame:
        """Every row of the study, sorted by point, policy and replicate; refuses an unfinished study (its tasks
        not all run) unless ``partial``, which reads the finished tasks' rows only."""
        done = sorted(self.done())
        if not partial and len(done) < self.tasks:
            raise ResultsError(
                f"{self.path}: {self.progress()}; finish it with "
                f"`python run.py {self.manifest['experiment']} --resume {self.path}` (or read it with partial=True)"
            )
        if not done:
            raise ResultsError(f"{self.path}: no finished task yet")
        frame = pd.concat([pd.read_parquet(self.part(i), columns=columns) for i in done], ignore_index=True)
        return frame.sort_values(["point", "policy", "replicate"], ignore_index=True)

    def matrix(self, policy: str, metric: str) -> np.ndarray:
        """(points, replicates) of one outcome of one policy."""
        return matrix(self.table(["point", "policy", "replicate", metric]), policy, metric)

    def update(self, **entries: Any) -> None:
        """Add entries to the manifest (state, finished tasks, timings, where the final tables are) and write it
        again (atomically)."""
        self.manifest.update(entries)
        write_json(self.path / MANIFEST_FILE, self.manifest)


def matrix(table: pd.DataFrame, policy: str, metric: str) -> np.ndarray:
    """(points, replicates) of one outcome of one policy from a study's tidy rows."""
    rows = table[table["policy"] == policy]
    return rows.pivot(index="point", columns="replicate", values=metric).to_numpy()
