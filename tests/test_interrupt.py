"""Interrupted work loses nothing finished and never passes for a result (issue 13, item 4).

Real processes, really stopped: ``run.py`` started in its own process group (as a shell starts a command), then
SIGKILL or SIGINT sent to the whole group (a terminal's Ctrl-C reaches the command and its workers alike).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pandas as pd
import psutil
import pytest

from experiments import study
from experiments.results import MANIFEST_FILE, PARTS_DIR, ResultsError, Store
from run import build_parser, plan_study
from tests.conftest import ROOT

RUN = [sys.executable, str(ROOT / "run.py")]
# 10 tasks of 16 points x 40 replicates
SWEEP = ["sweep", "assistant", "--vary", "levers.reskilling_success=0.1:0.9:160", "--replicates", "40",
         "--set", "levers.years=2", "--no-charts", "--points-per-task", "16"]  # fmt: skip


def start(*args: str, cwd: Path = ROOT) -> subprocess.Popen:
    """``python run.py ARGS`` in a new process group."""
    return subprocess.Popen(
        [*RUN, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def wait_for(condition, process: subprocess.Popen, timeout: float = 240, every: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"ended before the condition held: {process.communicate()[1][-2000:]}"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(every)


def finished_tasks(path: Path) -> int:
    """Tasks the study's manifest lists as finished (0 before it exists)."""
    try:
        return len(json.loads((path / MANIFEST_FILE).read_text()).get("finished_tasks", []))
    except FileNotFoundError:
        return 0


def stop(process: subprocess.Popen, sig: int) -> subprocess.CompletedProcess:
    """``sig`` to the process's whole group; waits for the command to end, and checks nothing of it is left."""
    os.killpg(process.pid, sig)
    stdout, stderr = process.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while (left := group(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"processes left running: {left}"
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def group(pgid: int) -> list[int]:
    """The processes still alive in a process group (zombies are dead)."""
    alive = []
    for p in psutil.process_iter(["pid", "status"]):
        try:
            if os.getpgid(p.pid) == pgid and p.info["status"] != psutil.STATUS_ZOMBIE:
                alive.append(p.pid)
        except (ProcessLookupError, psutil.Error):
            continue
    return alive


def assert_same_study(a: Path, b: Path) -> None:
    """Two studies with the same final table (the dataset read back sorted) and the same analysis files."""
    pd.testing.assert_frame_equal(Store(a).table(), Store(b).table())
    assert Store(a).manifest["outputs"] == Store(b).manifest["outputs"]
    for name in Store(a).manifest["outputs"]:
        if name.endswith(".parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(a / name), pd.read_parquet(b / name))
        else:
            assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_a_sweep_killed_hard_with_its_workers_resumes_to_the_table_of_an_uninterrupted_run(tmp_path, cli):
    killed = tmp_path / "killed"
    process = start(*SWEEP, "--jobs", "2", "--out", str(killed))
    wait_for(lambda: finished_tasks(killed) >= 1, process)
    assert stop(process, signal.SIGKILL).returncode == -signal.SIGKILL
    kept = Store(killed)
    assert kept.manifest["state"] == "running" and 1 <= len(kept.done()) < 10  # a kill cannot say it stopped
    with pytest.raises(ResultsError, match=r"of 10 tasks finished; finish it with `python run.py sweep --resume"):
        kept.table()  # what is kept is not read as a result
    resumed = cli("sweep", "--resume", str(killed))
    assert resumed.returncode == 0, resumed.stderr
    assert Store(killed).manifest["timings"][-1]["tasks_run"] == 10 - len(kept.done())  # only the missing ones
    assert Store(killed).manifest["state"] == "complete"
    whole = cli(*SWEEP, "--out", str(tmp_path / "whole"))
    assert whole.returncode == 0, whole.stderr
    assert_same_study(killed, tmp_path / "whole")
    replay = cli("replay", str(killed / "manifest.json"), "--out", str(tmp_path / "replay"))
    assert replay.returncode == 0 and replay.stdout.startswith(f"replay identical to {killed}"), replay.stderr


def test_workers_end_by_themselves_when_the_command_alone_is_killed(tmp_path):
    """As the kernel's out-of-memory killer does: SIGKILL to the command, not to its workers."""
    out = tmp_path / "s"
    process = start(*SWEEP, "--jobs", "2", "--out", str(out))
    wait_for(lambda: finished_tasks(out) >= 1, process)
    workers = psutil.Process(process.pid).children(recursive=True)
    assert len(workers) >= 2
    process.kill()
    process.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while (left := group(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"workers left running: {left}"


def test_a_kill_in_the_middle_of_a_write_never_leaves_a_file_read_as_complete(tmp_path, cli):
    """Killed three times at the moment a file is being committed: while a part is written (twice), and once a
    part is renamed into place but before the manifest lists it. What counts as finished is whole, what was
    being written is ignored, then removed; the end is the uninterrupted table."""
    # 4 tasks, parts of 3,200 rows
    sweep = ["sweep", "assistant", "--vary", "levers.reskilling_success=0.1:0.9:64", "--replicates", "100",
             "--set", "levers.years=1", "--no-charts", "--points-per-task", "16"]  # fmt: skip
    out = tmp_path / "torn"
    moments = [writing_a_part, written_not_listed, writing_a_part]
    caught = []
    for attempt, moment in enumerate(moments):
        before = finished_tasks(out)
        process = start(*sweep, "--out", str(out)) if attempt == 0 else start("sweep", "--resume", str(out))
        wait_for(partial(moment, out, before), process, every=0.0005)
        stop(process, signal.SIGKILL)
        caught.append(moment(out, before))  # the kill landed before the commit
        store = Store(out)
        done = store.done()
        assert done <= set(store.manifest["finished_tasks"]) and len(done) < store.tasks
        assert all(len(pd.read_parquet(store.part(i))) == 16 * 100 * 2 for i in done)
        assert len(store.table(partial=True)) == len(done) * 16 * 100 * 2 if done else True
    assert any(caught), "no kill landed in the middle of a commit"
    resumed = cli("sweep", "--resume", str(out))
    assert resumed.returncode == 0, resumed.stderr
    assert not temporary(out)
    assert cli(*sweep, "--out", str(tmp_path / "whole")).returncode == 0
    assert_same_study(out, tmp_path / "whole")


def writing_a_part(out: Path, before: int) -> bool:
    """A part's temporary file is on disk after this run has finished a task."""
    return finished_tasks(out) > before and bool(list((out / PARTS_DIR).glob(".*.tmp")))


def written_not_listed(out: Path, before: int) -> bool:
    """A part is renamed into place but the manifest does not list it yet."""
    try:
        listed = set(json.loads((out / MANIFEST_FILE).read_text())["finished_tasks"])
    except (FileNotFoundError, KeyError):
        return False
    return any(int(p.stem.split("-")[1]) not in listed for p in (out / PARTS_DIR).glob("part-*.parquet"))


def temporary(path: Path) -> list[Path]:
    return [*path.glob(".*.tmp"), *(path / PARTS_DIR).glob(".*.tmp")]


def test_ctrl_c_keeps_the_finished_tasks_says_how_many_and_how_to_resume(tmp_path):
    out = tmp_path / "s"
    process = start(*SWEEP, "--jobs", "2", "--out", str(out))
    wait_for(lambda: finished_tasks(out) >= 1, process)
    began = time.monotonic()
    stopped = stop(process, signal.SIGINT)  # the workers get it too, as from a terminal
    assert time.monotonic() - began < 20  # the workers are ended, not left to finish their tasks
    assert stopped.returncode == 130, stopped.stderr
    store = Store(out)
    kept = len(store.done())
    assert stopped.stderr == (
        f"interrupted: {kept} of 10 tasks finished and kept in {out}; finish with:\n"
        f"  python run.py sweep --resume {out}\n"
    )
    assert 1 <= kept < 10 and store.manifest["state"] == "interrupted" and not temporary(out)


FRAGILE = '''from model.policies import Policy


class Fragile(Policy):
    """A researcher's policy with a bug: it fails where the tool removes more than half of the work."""

    def decide(self, firm):
        if firm.scenario.levers.automation_scale > 0.5:
            raise ValueError("fragile: automation_scale above 0.5")
'''


def test_a_task_failing_in_a_worker_leaves_a_study_marked_failed_that_nothing_reads_as_a_result(
    tmp_path, monkeypatch, cli
):
    (tmp_path / "fragile.py").write_text(FRAGILE)
    monkeypatch.syspath_prepend(tmp_path)  # this process reads the study too
    scenario = (ROOT / "scenarios" / "assistant.toml").read_text()
    (tmp_path / "mine.toml").write_text(scenario + '\n[[policies]]\nname = "fragile"\nkind = "fragile:Fragile"\n')
    out = tmp_path / "r"
    process = start("sweep", "mine.toml", "--vary", "levers.automation_scale=0:1:48", "--replicates", "4",
                    "--policies", "cost_cutting,fragile", "--set", "levers.years=1", "--jobs", "2", "--points-per-task", "16",
                    "--out", str(out),
                    cwd=tmp_path)  # fmt: skip
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 1, stderr
    store = Store(out)
    m = store.manifest
    assert m["state"] == "failed" and m["error"] == "ValueError: fragile: automation_scale above 0.5"
    assert f"failed: {len(store.done())} of 3 tasks finished and kept in {out} (marked failed: not a result)" in stderr
    assert not (out / "summary.parquet").exists() and "outputs" not in m
    with pytest.raises(ResultsError, match="of 3 tasks finished; finish it with"):
        store.table()
    replay = cli("replay", str(out / "manifest.json"), "--out", str(tmp_path / "again"))
    assert replay.returncode == 2 and not (tmp_path / "again").exists()
    assert replay.stderr == (
        f"{out}: an unfinished sweep (failed: ValueError: fragile: automation_scale above 0.5; {store.progress()}); "
        f"not a result yet: finish it with `python run.py sweep --resume {out}`\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "--set", "roles.consultant.count=493", "--set", "customers.initial=10000", "--replicates",
          "1200", "--jobs", "2", "--no-report"],
         "interrupted: the comparison was not saved (its results are written only once every replicate has run)\n"),
        (["optimize", "--budget", "2000", "--replicates", "50"],
         "interrupted: the optimisation was not saved (the optimum is written only once every trial has run)\n"),
    ],
    ids=["compare", "optimize"],
)  # fmt: skip
def test_ctrl_c_in_a_command_that_saves_only_when_complete_keeps_nothing_and_says_so(tmp_path, args, message):
    out = tmp_path / "out"
    process = start(*args, "--out", str(out))
    wait_for(partial(busy, process), process, every=0.2)
    stopped = stop(process, signal.SIGINT)
    assert stopped.returncode == 130 and stopped.stderr.endswith(message), stopped.stderr
    assert "Traceback" not in stopped.stderr
    assert not out.exists() or not any(out.iterdir())  # nothing that looks like a result


def busy(process: subprocess.Popen) -> bool:
    """Imports done and work under way (in the workers, for compare --jobs 2): 5 s of CPU time in all."""
    try:
        parent = psutil.Process(process.pid)
        return sum(p.cpu_times().user for p in [parent, *parent.children(recursive=True)]) > 5
    except psutil.Error:
        return False


@pytest.mark.parametrize(
    "args",
    [
        ["sweep", "assistant", "--vary", "levers.reskilling_success=0.2:0.8:6"],
        ["frontier", "assistant", "--x", "levers.reskilling_success=0:1:3", "--y",
         "levers.customer_sensitivity_scale=0:2:2"],
        ["sensitivity", "assistant", "--method", "morris", "--samples", "2"],
        ["discover", "assistant", "--samples", "8"],
    ],
    ids=lambda args: args[0],
)  # fmt: skip
def test_every_study_stopped_between_two_tasks_resumes_to_the_uninterrupted_result(tmp_path, cli, monkeypatch, args):
    monkeypatch.setattr("experiments.points.POINTS_PER_TASK", 2)  # several tasks even on tiny designs
    common = [*args, "--replicates", "3", "--set", "levers.years=1", "--no-charts"]

    def ctrl_c(_):
        raise KeyboardInterrupt

    store = plan_study(build_parser().parse_args([*common, "--out", str(tmp_path / "stopped")]))
    with pytest.raises(KeyboardInterrupt):
        study.run(store, on_progress=ctrl_c)  # Ctrl-C once the first task is written
    assert Store(store.path).manifest["state"] == "interrupted" and len(Store(store.path).done()) == 1
    assert Store(store.path).tasks > 1 and "outputs" not in Store(store.path).manifest
    resumed = cli(args[0], "--resume", str(store.path), "--no-charts")
    assert resumed.returncode == 0, resumed.stderr
    whole = cli(*common, "--out", str(tmp_path / "whole"))
    assert whole.returncode == 0, whole.stderr
    assert_same_study(store.path, tmp_path / "whole")


def test_damaged_unlisted_and_temporary_parts_are_run_again_and_removed(tmp_path, cli):
    """What a crash can leave (a part written but not yet listed, a torn temporary file, a part damaged on
    disk) never counts: the next run does those tasks again and removes the leftovers."""
    args = ["sweep", "assistant", "--vary", "levers.reskilling_success=0.2:0.8:6", "--replicates", "3",
            "--set", "levers.years=1", "--no-charts"]  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("experiments.points.POINTS_PER_TASK", 2)
        assert cli(*args, "--out", str(tmp_path / "s")).returncode == 0
        assert cli(*args, "--out", str(tmp_path / "whole")).returncode == 0
    store = Store(tmp_path / "s")
    assert store.tasks == 3
    store.update(finished_tasks=[1, 2])  # part 0 on disk, not listed: killed between its write and the manifest's
    with open(store.part(1), "r+b") as part:
        part.truncate(100)  # damaged
    (store.path / PARTS_DIR / ".part-00002.parquet.999.tmp").write_bytes(b"PAR1 torn")
    assert Store(store.path).done() == {2}
    resumed = cli("sweep", "--resume", str(store.path))
    assert resumed.returncode == 0, resumed.stderr
    assert Store(store.path).manifest["timings"][-1]["tasks_run"] == 2 and not temporary(store.path)
    assert_same_study(store.path, tmp_path / "whole")


def test_one_process_at_a_time_runs_a_study(tmp_path, cli):
    args = ["sweep", "assistant", "--vary", "levers.reskilling_success=0.2:0.8:2", "--replicates", "2",
            "--set", "levers.years=1", "--no-charts", "--out", str(tmp_path / "s")]  # fmt: skip
    assert cli(*args).returncode == 0
    with Store(tmp_path / "s").writing():
        second = cli("sweep", "--resume", str(tmp_path / "s"))
    assert second.returncode == 2
    assert second.stderr == f"{tmp_path / 's'}: another process is running this study; wait for it\n"
