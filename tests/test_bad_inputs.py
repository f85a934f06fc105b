"""A catalogue of bad inputs as a user types them, each with the exact one line it must print and its exit code
(README, "Exit codes": 0 success, 2 input or usage error, 1 internal error), through ``run.py``'s ``main``; a few
again in a real process, to see that no traceback reaches the screen. Nothing here simulates more than a few
replicates: bad input is refused before any work."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest

import experiments.preflight
from experiments.results import load_results
from run import main
from tests.conftest import ROOT

ASSISTANT = ROOT / "scenarios" / "assistant.toml"
A = str(ASSISTANT)  # the default scenario, as messages name it
EIGHT_GB = 8e9  # the memory the size checks see here, so that their messages are exact

# files a user may give: (name, content) written as is, or (text of scenarios/assistant.toml, replacement)
FILES = {
    "malformed.toml": "[meta\nname = 1\n",
    "garbage.toml": b"\x00\x01\xff\xfe\x80 binary",
    "empty.toml": "",
}
VARIANTS = {
    "unknown_key": ("gross_margin = 0.65", "gross_margin = 0.65\ncolour = 'red'"),
    "wrong_type": ("initial = 400.0", "initial = 'many'"),
    "nan": ("initial_cash_eur = 150000.0", "initial_cash_eur = nan"),
    "inf": ("salary_eur_per_year = 30000.0", "salary_eur_per_year = inf"),
    "huge": ("initial = 400.0", "initial = 1e12"),
    "hours_do_not_add_up": ("hours = { invoice_entry = 0.40,", "hours = { invoice_entry = 0.30,"),
    "task_not_defined": ("hours = { invoice_entry = 0.40,", "hours = { typing = 0.40,"),
    "wave_names_no_task": ("removed_share = { invoice_entry = 0.9,", "removed_share = { invoice_entyr = 0.9,"),
    "no_such_kind": ('kind = "reinvest"', 'kind = "magic"'),
    "no_such_module": ('kind = "reinvest"', 'kind = "no_such_module:Reinvest"'),
    "role_with_nobody": ("count = 1\nsalary_eur_per_year = 30000.0", "count = 0\nsalary_eur_per_year = 30000.0"),
    "wave_after_horizon": ("month = 3\n", "month = 60\n"),
}


@pytest.fixture(scope="module")
def paths(tmp_path_factory) -> dict[str, str]:
    """Every file of the catalogue, the directories it names, by name (as the ``{name}`` of its cases)."""
    tmp = tmp_path_factory.mktemp("inputs")
    text = ASSISTANT.read_text(encoding="utf-8")
    out = {"A": A, "tmp": str(tmp), "missing": str(tmp / "missing.toml"), "directory": str(tmp)}
    for name, content in FILES.items():
        path = tmp / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        out[name.removesuffix(".toml")] = str(path)
    for name, (old, new) in VARIANTS.items():
        assert text.count(old) == 1, f"scenarios/assistant.toml changed: {old!r} is not there once"
        (tmp / f"{name}.toml").write_text(text.replace(old, new), encoding="utf-8")
        out[name] = str(tmp / f"{name}.toml")
    (tmp / "results").mkdir()
    (tmp / "results" / "summary.json").write_text("{}")
    out["results"] = str(tmp / "results")
    out["file"] = str(tmp / "empty.toml")
    return out


def case(args: str, code: int, *lines: str, id: str):
    return pytest.param(args, code, lines, id=id)


VALID = "{A}: valid (assistant: 12 tasks, 20 people, policies cost_cutting, reinvest)"
FINITE = "Input should be a finite number"
KINDS = {  # a field of each kind, with the limits it has
    "money": ("roles.assistant.salary_eur_per_year", "greater than 0", "less than or equal to 10000000"),
    "count": ("roles.assistant.count", "greater than or equal to 0", "less than or equal to 1000000"),
    "hours": ("simulation.hours_per_month", "greater than or equal to 1", "less than or equal to 744"),
    "share": ("levers.reskilling_success", "greater than or equal to 0", "less than or equal to 1"),
    "months": ("policies.reinvest.training_months", "greater than or equal to 0", "less than or equal to 24"),
}


def kind_cases():
    """NaN, infinity, negative, zero and 1e12 in a field of every kind, as --set gives them (the same validation
    as in a file)."""
    for kind, (key, low, high) in KINDS.items():
        integer = kind == "count"
        for value, shown, message in [
            ("nan", "nan", "Input should be a valid integer" if integer else FINITE),
            ("inf", "inf", "Input should be a valid integer" if integer else FINITE),
            ("-1", "-1", f"Input should be {low}"),
            ("1000000000000", "1000000000000", f"Input should be {high}"),
        ]:
            yield case(f"validate {{A}} --set {key}={value}", 2, f"{{A}}: {key} = {shown}: {message}",
                       id=f"{kind}-{value}")  # fmt: skip
    zero = {"money": "Input should be greater than 0", "hours": "Input should be greater than or equal to 1",
            "count": "a role with nobody; remove the role or give it at least 1 person"}  # fmt: skip
    for kind, (key, _, _) in KINDS.items():
        expected = f"{{A}}: {key} = 0: {zero[kind]}" if kind in zero else VALID
        yield case(f"validate {{A}} --set {key}=0", 2 if kind in zero else 0, expected, id=f"{kind}-0")


SET_FORM = "expected key.path=value, e.g. levers.automation_scale=0.5"
CATALOGUE = [
    # files
    case(
        "validate {malformed}",
        2,
        "{malformed}: not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 6)",
        id="malformed-toml",
    ),
    case("validate {garbage}", 2, "{garbage}: not valid TOML: not UTF-8 text (byte 0xff at offset 2)", id="binary"),
    case("validate {missing}", 2, "{missing}: no such scenario file (try `python run.py scenarios`)", id="missing"),
    case("validate {directory}", 2, "{directory}: a directory, not a scenario file (give a .toml file)", id="dir"),
    case(
        "validate {empty}",
        2,
        "{empty}: empty; a scenario has [meta], [[tasks]], [[roles]], [customers], [[policies]]",
        id="empty",
    ),
    case(
        "validate {unknown_key}",
        2,
        "{unknown_key}: customers.colour = 'red': unknown key (check spelling against docs/calibration.md)",
        id="unknown-key",
    ),
    case(
        "validate {wrong_type}",
        2,
        "{wrong_type}: customers.initial = 'many': Input should be a valid number",
        id="wrong-type",
    ),
    case("validate {nan}", 2, f"{{nan}}: simulation.initial_cash_eur = nan: {FINITE}", id="nan-in-file"),
    case("validate {inf}", 2, f"{{inf}}: roles.assistant.salary_eur_per_year = inf: {FINITE}", id="inf-in-file"),
    case(
        "validate {huge}",
        2,
        "{huge}: customers.initial = 1000000000000.0: Input should be less than or equal to 1000000000",
        id="1e12-in-file",
    ),
    case(
        "validate {hours_do_not_add_up}",
        2,
        "{hours_do_not_add_up}: roles.assistant.hours = a table: hours shares must sum to 1, they sum to 0.9",
        id="hours-do-not-add-up",
    ),
    case(
        "validate {task_not_defined}",
        2,
        "{task_not_defined}: roles.assistant.hours names unknown task 'typing': no [[tasks]] table has this id",
        id="task-not-defined",
    ),
    case(
        "validate {wave_names_no_task}",
        2,
        "{wave_names_no_task}: automation.waves.0.removed_share names unknown task 'invoice_entyr': no [[tasks]] "
        "table has this id",
        id="wave-task-not-defined",
    ),
    case(
        "validate {no_such_kind}",
        2,
        "{no_such_kind}: policies.reinvest.kind = 'magic': unknown policy; allowed: attrition, cost_cutting, "
        "hybrid, reinvest, status_quo, or 'package.module:Class'",
        id="no-such-kind",
    ),
    case(
        "validate {no_such_module}",
        2,
        "{no_such_module}: policies.reinvest.kind = 'no_such_module:Reinvest': cannot import 'no_such_module' "
        "(No module named 'no_such_module'); install it or put its folder on PYTHONPATH",
        id="no-such-module",
    ),
    case(
        "validate {role_with_nobody}",
        2,
        "{role_with_nobody}: roles.assistant.count = 0: a role with nobody; remove the role or give it at least 1 "
        "person",
        id="role-with-nobody",
    ),
    case(
        "validate {wave_after_horizon}",
        2,
        "{wave_after_horizon}: automation.waves.0.month = 60: after the horizon (levers.years = 5, months 0 to "
        "59); start the wave earlier or lengthen the horizon",
        id="wave-after-horizon",
    ),
    case(
        "compare {A} --years 2 --set automation.waves.0.month=30 --out {out}",
        2,
        "{A}: automation.waves.0.month = 30: after the horizon (levers.years = 2, months 0 to 23); start the wave "
        "earlier or lengthen the horizon",
        id="wave-after-a-shorter-horizon",
    ),
    # shares outside 0..1
    case(
        "validate {A} --set customers.gross_margin=1.5",
        2,
        "{A}: customers.gross_margin = 1.5: Input should be less than or equal to 1",
        id="share-above-1",
    ),
    case(
        "validate {A} --set customers.base_churn_per_month=1",
        2,
        "{A}: customers.base_churn_per_month = 1: Input should be less than 1",
        id="churn-of-1",
    ),
    case(
        "validate {A} --set roles.assistant.hours.invoice_entry=-0.4",
        2,
        "{A}: roles.assistant.hours.invoice_entry = -0.4: Input should be greater than or equal to 0",
        id="negative-hours-share",
    ),
    *kind_cases(),
    # every malformed --set form
    case("validate {A} --set =1", 2, f"--set '=1': no key before '='; {SET_FORM}", id="set-empty-key"),
    case(
        "validate {A} --set levers..years=3",
        2,
        f"--set 'levers..years=3': an empty part in the key 'levers..years'; {SET_FORM}",
        id="set-empty-part",
    ),
    case("validate {A} --set levers.years", 2, f"--set 'levers.years': no '='; {SET_FORM}", id="set-no-equals"),
    case(
        "validate {A} --set levers.years=",
        2,
        f"--set 'levers.years=': no value after '='; {SET_FORM}",
        id="set-no-value",
    ),
    case(
        "validate {A} --set levers.years.x=1",
        2,
        "{A}: --set levers.years.x: levers.years = 5 is a value, not a table",
        id="set-through-a-scalar",
    ),
    case(
        "validate {A} --set roles.9.count=2",
        2,
        "{A}: --set roles.9: no item '9' in roles (assistant, sales, consultant, accountant, director, "
        "project_lead, or 0 to 5)",
        id="set-index-out-of-range",
    ),
    case(
        "validate {A} --set roles.0=3",
        2,
        "{A}: --set roles.0: an item of roles is a table; set one of its keys (roles.0.KEY=...)",
        id="set-a-whole-item",
    ),
    case(
        "validate {A} --set levers.years=ten",
        2,
        "{A}: levers.years = 'ten': Input should be a valid integer",
        id="set-wrong-type",
    ),
    case(
        "validate {A} --set levers.colour=1",
        2,
        "{A}: levers.colour = 1: unknown key (check spelling against docs/calibration.md)",
        id="set-unknown-key",
    ),
    # options: the same limits as in files, no clash with --set, each policy once
    case(
        "compare --replicates 100001 --out {out}",
        2,
        "--replicates 100001: Input should be less than or equal to 100000 (as simulation.replicates in a scenario)",
        id="replicates-above-the-file-limit",
    ),
    case(
        "compare --years 31 --out {out}",
        2,
        "--years 31: Input should be less than or equal to 30 (as levers.years in a scenario)",
        id="years-limit",
    ),
    case(
        "optimize --holdout 100001 --out {out}",
        2,
        "--holdout 100001: Input should be less than or equal to 100000 (as simulation.replicates in a scenario)",
        id="holdout-limit",
    ),
    case(
        "sweep --vary levers.reskilling_success=0:1:3 --replicates 100001 --out {out}",
        2,
        "--replicates 100001: Input should be less than or equal to 100000 (as simulation.replicates in a scenario)",
        id="study-replicates-limit",
    ),
    case(
        "compare --replicates 0 --out {out}",
        2,
        "run.py compare: --replicates: '0': expected an integer >= 1",
        id="zero-replicates",
    ),
    case(
        "optimize --budget 1000000 --out {out}",
        2,
        "run.py optimize: --budget: '1000000': expected an integer from 1 to 100000",
        id="budget-limit",
    ),
    case(
        "compare --years 2 --set levers.years=3 --out {out}",
        2,
        "--years 2 and --set levers.years=3 both set levers.years; give one of them",
        id="years-clash",
    ),
    case(
        "compare --seed 1 --set simulation.seed=2 --out {out}",
        2,
        "--seed 1 and --set simulation.seed=2 both set simulation.seed; give one of them",
        id="seed-clash",
    ),
    case(
        "compare --policies reinvest,reinvest --out {out}",
        2,
        "{A}: --policies 'reinvest,reinvest': reinvest named twice; compare different policies, each once",
        id="duplicate-policies",
    ),
    case(
        "compare --policies reinvest, --out {out}",
        2,
        "{A}: --policies 'reinvest,': an empty policy name; give names separated by commas, e.g. cost_cutting,reinvest",
        id="empty-policy-name",
    ),
    case(
        "compare --policies magic --out {out}",
        2,
        "{A}: --policies 'magic': assistant: no policy named 'magic'; defined: cost_cutting, reinvest",
        id="unknown-policy",
    ),
    case(
        "breakeven --a reinvest --b reinvest",
        2,
        "{A}: --a reinvest --b reinvest: reinvest named twice; compare different policies, each once",
        id="same-policy-twice",
    ),
    case(
        "optimize --policy reinvest,reinvest --out {out}",
        2,
        "{A}: --policy reinvest,reinvest: reinvest named twice; name each policy once",
        id="optimize-twice",
    ),
    # sizes
    case(
        "compare --replicates 100000 --years 30 --out {out}",
        2,
        "compare: needs about 110.7 GB of memory (2 policies x 100000 replicates x 360 months of 20 employees), "
        "13.8 times the 8.0 GB available; use at most 7103 replicates (--replicates), or fewer years",
        id="too-many-replicates",
    ),
    case(  # blocks of replicates shrink to fit the memory, down to one replicate: here one is too much
        "compare --set roles.consultant.count=1000000 --set roles.sales.count=1000000 --years 30 --replicates 10 "
        "--out {out}",
        2,
        "compare: needs about 15.6 GB of memory (2 policies x 10 replicates x 360 months of 2000004 employees), "
        "2.0 times the 8.0 GB available; the firm is too large for one batch of replicates here: use fewer years "
        "or policies, or more memory",
        id="too-many-employees",
    ),
    case(
        "sweep --vary levers.reskilling_success=0:1:48 --set roles.consultant.count=1000000 --set levers.years=30 "
        "--replicates 200 --jobs 3 --out {out}",
        2,
        "sweep: needs about 24.6 GB of memory (48 points x 2 policies x 200 replicates x 360 months of 1000007 "
        "employees), 3.1 times the 8.0 GB available; run in one process (no --jobs), a worker needs about 8.2 GB; "
        "or use a Dask cluster with more memory (--dask ADDRESS)",
        id="too-many-jobs",
    ),
    case(
        "sweep --vary levers.reskilling_success=0:1:48 --set roles.consultant.count=1000000 "
        "--set roles.sales.count=1000000 --set levers.years=30 --replicates 200 --out {out}",
        2,
        "sweep: needs about 15.6 GB of memory (48 points x 2 policies x 200 replicates x 360 months of 2000004 "
        "employees), 2.0 times the 8.0 GB available; the firm is too large for one batch of replicates here: run "
        "it on a Dask cluster with more memory (--dask ADDRESS)",
        id="study-firm-too-large",
    ),
    case(
        "sweep --vary levers.reskilling_success=0:1:1000 --vary levers.automation_scale=0:1:1001 --out {out}",
        2,
        "the grid: 1001000 points; a design has at most 1000000",
        id="grid-too-large",
    ),
    case(
        "discover --samples 2000000 --out {out}",
        2,
        "--samples 2000000: 2000000 points; a design has at most 1000000",
        id="samples-too-many",
    ),
    # the results folder
    case(
        "compare --replicates 2 --years 1 --out {results}",
        2,
        "--out {results}: already holds results; choose a new or empty directory",
        id="out-exists",
    ),
    case(
        "compare --replicates 2 --years 1 --out {file}",
        2,
        "--out {file}: a file, not a directory; choose a new directory",
        id="out-is-a-file",
    ),
    case(
        "compare --replicates 2 --years 1 --out {file}/x",
        2,
        "--out {file}/x: cannot create the results directory (Not a directory)",
        id="out-under-a-file",
    ),
]


def call(capsys, args: list[str]) -> tuple[int, str, str]:
    try:
        code = main(args)
    except SystemExit as stop:  # argparse
        code = stop.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def eight_gb(monkeypatch):
    monkeypatch.setattr(experiments.preflight, "available_memory", lambda: EIGHT_GB)


@pytest.mark.parametrize(("args", "code", "lines"), CATALOGUE)
def test_each_bad_input_gets_its_one_line_and_exit_code(capsys, paths, eight_gb, tmp_path, args, code, lines):
    paths = {**paths, "out": str(tmp_path / "x")}
    got, out, err = call(capsys, args.format(**paths).split())
    shown = err if code else out  # a mistake on stderr; "valid" on stdout
    assert (got, shown.strip().splitlines()) == (code, [line.format(**paths) for line in lines])
    assert "Traceback" not in err
    if code:
        assert out == "" and list(tmp_path.iterdir()) == []  # nothing that looks like a result


@pytest.mark.parametrize(
    ("args", "line"),
    [
        ("validate {garbage}", "{garbage}: not valid TOML: not UTF-8 text (byte 0xff at offset 2)"),
        ("compare --set =1 --out {out}", f"--set '=1': no key before '='; {SET_FORM}"),
        ("compare --set levers.discount_rate=nan --out {out}", f"{{A}}: levers.discount_rate = nan: {FINITE}"),
        (
            "compare --policies reinvest,reinvest --out {out}",
            "{A}: --policies 'reinvest,reinvest': reinvest named twice; compare different policies, each once",
        ),
    ],
    ids=["binary", "set", "nan", "duplicates"],
)
def test_in_a_real_process_no_traceback_reaches_the_screen(paths, tmp_path, args, line):
    paths = {**paths, "out": str(tmp_path / "x")}
    result = subprocess.run([sys.executable, str(ROOT / "run.py"), *args.format(**paths).split()],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)  # fmt: skip
    assert (result.returncode, result.stdout, result.stderr) == (2, "", line.format(**paths) + "\n")


def test_a_run_too_large_for_this_machine_is_refused_at_once_in_a_real_process(tmp_path):
    """100,000 replicates of 30 years keep 28 GB of monthly results, 110 GB while they are written: more than this
    machine has (checked), in one line."""
    if experiments.preflight.available_memory() > 110e9:
        pytest.skip("this machine could run it")
    result = subprocess.run([sys.executable, str(ROOT / "run.py"), "compare", "--replicates", "100000", "--years",
                             "30", "--out", str(tmp_path / "x")], capture_output=True, text=True, cwd=ROOT, timeout=60)  # fmt: skip
    [line] = result.stderr.splitlines()
    assert result.returncode == 2 and line.startswith("compare: needs about 110.7 GB of memory") and "at most" in line
    assert not (tmp_path / "x").exists()


# exit code 1 and failures late in a run

SMALL = ["compare", "--replicates", "2", "--years", "1", "--no-report"]


def test_a_bug_prints_one_line_saves_its_traceback_and_leaves_no_results(capsys, monkeypatch, tmp_path):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("experiments.compare.run_comparison", broken)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    code, out, err = call(capsys, [*SMALL, "--out", str(tmp_path / "r")])
    [line] = err.strip().splitlines()
    [saved] = tmp_path.glob("run.py-compare-*.txt")
    assert code == 1 and out == ""
    assert line == f"run.py compare: internal error: ZeroDivisionError: division by zero; please report it with the " \
                   f"traceback saved in {saved}"  # fmt: skip
    assert "Traceback (most recent call last)" in saved.read_text() and "def broken" not in line
    assert not (tmp_path / "r").exists() and not list(tmp_path.glob(".r.partial-*"))


def test_a_report_that_fails_keeps_the_results_and_says_so(capsys, monkeypatch, tmp_path):
    def broken(out_dir):
        raise RuntimeError("no chart today")

    monkeypatch.setattr("run.write_report", broken)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    code, _, err = call(capsys, ["compare", "--replicates", "2", "--years", "1", "--out", str(tmp_path / "r")])
    first, second = err.strip().splitlines()
    assert code == 1
    assert (
        first
        == f"results: {tmp_path / 'r'} (complete; `python run.py charts {tmp_path / 'r'}` renders the charts again)"
    )
    assert second.startswith("run.py compare: internal error: RuntimeError: no chart today; please report it")
    assert load_results(tmp_path / "r").summary["replicates"] == 2  # every result file is there


@pytest.fixture
def full_disk(tmp_path):
    """A directory on a 64 KB tmpfs, full once the results start to be written: a real ENOSPC when this process
    may mount one (root), else None."""
    mount = tmp_path / "full"
    mount.mkdir()
    mounted = (
        os.geteuid() == 0
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True
        ).returncode
        == 0
    )
    yield mount if mounted else None
    if mounted:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_is_one_line_and_leaves_no_partial_results(capsys, monkeypatch, full_disk, tmp_path):
    if full_disk is None:  # no tmpfs to fill: the writer raises what a full disk raises

        def full(*args, **kwargs):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr("experiments.results.write_results", full)
    where = full_disk or tmp_path
    code, out, err = call(capsys, [*SMALL, "--json", "--out", str(where / "r")])
    assert code == 2 and out.startswith('{"scenario": "assistant"')  # the summary was printed before the write
    assert err.strip().splitlines() == [
        f"--out {where / 'r'}: cannot write the results (No space left on device); nothing was kept, the summary "
        "above is complete"
    ]
    assert list(where.iterdir()) == []  # neither the results folder nor its hidden partial sibling


def test_a_successful_run_exits_0_and_leaves_only_the_results(capsys, tmp_path):
    code, _, err = call(capsys, [*SMALL, "--out", str(tmp_path / "r")])
    assert code == 0, err
    assert [p.name for p in tmp_path.iterdir()] == ["r"]
    assert load_results(tmp_path / "r").summary["years"] == 1


def test_a_custom_policy_that_raises_in_a_spawned_worker_is_one_line(tmp_path):
    """The researcher's own policy fails in a worker process (--jobs 2): one line, not a worker's traceback."""
    (tmp_path / "boom.py").write_text(
        "from model.policies import Policy\n\n\nclass Boom(Policy):\n    def decide(self, firm):\n"
        "        if firm.month == 5:\n            raise ZeroDivisionError('my policy divided by zero')\n"
    )
    (tmp_path / "boom.toml").write_text(ASSISTANT.read_text() + '\n[[policies]]\nname = "boom"\nkind = "boom:Boom"\n')
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "compare", "boom.toml", "--policies", "cost_cutting,boom",
         "--replicates", "201", "--years", "1", "--jobs", "2", "--out", "r"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300, env=env,
    )  # fmt: skip
    [line] = result.stderr.splitlines()
    [saved] = tmp_path.glob("run.py-compare-*.txt")
    assert result.returncode == 1 and line == (
        "run.py compare: internal error: ZeroDivisionError: my policy divided by zero; please report it with the "
        f"traceback saved in {saved}"
    )
    assert 'boom.py", line 7, in decide' in saved.read_text()  # the worker's own traceback, for the report
    assert not (tmp_path / "r").exists()
