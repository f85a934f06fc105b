"""Small saved result sets, written once per session through the real pipeline (compare, then results files)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "assistant.toml"


def write_run(
    out_dir: Path,
    overrides: list[str],
    replicates: int,
    extra_policies: list[dict] | None = None,
    policies: list[str] | None = None,
) -> Path:
    """Run a comparison on the assistant scenario and save it like ``run.py compare`` does."""
    from experiments.compare import run_comparison
    from experiments.results import manifest, write_results
    from model import load_scenario
    from model.scenario import read_toml, validate_data

    if extra_policies:
        from model.scenario import apply_overrides

        raw = apply_overrides(read_toml(SCENARIO), overrides, str(SCENARIO))
        raw["policies"] += extra_policies
        scenario = validate_data(raw, str(SCENARIO))
    else:
        scenario = load_scenario(SCENARIO, overrides)
    policies = policies or scenario.policy_names()
    monthly, outcomes, summary = run_comparison(scenario, policies, replicates, 1)
    run_manifest = manifest(str(SCENARIO), scenario, overrides, policies, replicates, 1)
    write_results(out_dir, scenario, monthly, outcomes, summary, run_manifest)
    return out_dir


@pytest.fixture(scope="session")
def results_dir(tmp_path_factory) -> Path:
    """The two roads, 20 replicates x 2 years."""
    # strong customer and survivor effects (stylized fact 3): the roads cross, so every chart has its marks
    strong = ["levers.years=2", "levers.customer_sensitivity_scale=2", "levers.survivor_effect_scale=2"]
    return write_run(tmp_path_factory.mktemp("results"), strong, 20)


@pytest.fixture(scope="session")
def results(results_dir):
    from experiments.results import load_results

    return load_results(results_dir)


@pytest.fixture(scope="session")
def many_results(tmp_path_factory):
    """Four policies (one with a name the charts do not know), 8 replicates x 1 year."""
    from experiments.results import load_results

    extra = [
        {"name": "status_quo", "kind": "status_quo"},
        {"name": "slow_reskilling", "kind": "reinvest", "targets": {"customer_follow_up": 1.0}, "training_months": 6.0},
    ]
    return load_results(write_run(tmp_path_factory.mktemp("many"), ["levers.years=1"], 8, extra))


@pytest.fixture(scope="session")
def one_policy_dir(tmp_path_factory) -> Path:
    """A run of the reinvest policy alone, 4 replicates x 1 year."""
    return write_run(tmp_path_factory.mktemp("one"), ["levers.years=1"], 4, policies=["reinvest"])


@pytest.fixture()
def fresh_dir(results_dir, tmp_path) -> Path:
    """A copy of the small results directory that a test may write into."""
    return Path(shutil.copytree(results_dir, tmp_path / "run"))


def chromium_or_skip() -> None:
    """Skip when no Chromium is installed, unless REQUIRE_CHROMIUM=1 (CI), where it is a failure."""
    from charts.export import CHROMIUM_HINT, find_chromium

    if find_chromium() is None:
        if os.environ.get("REQUIRE_CHROMIUM") == "1":
            pytest.fail(f"REQUIRE_CHROMIUM=1 but no Chromium found. {CHROMIUM_HINT}")
        pytest.skip(CHROMIUM_HINT)


@pytest.fixture()
def chromium() -> None:
    """Use in a test that needs Chromium: skips (or fails under REQUIRE_CHROMIUM=1) without it."""
    chromium_or_skip()
