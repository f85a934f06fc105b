"""The report's fair-fight section: present for a `compare --best` run, in English and French, absent otherwise."""

from __future__ import annotations

import html

import pytest

from charts.fairfight import LABELS, fair_fight_section, value_text
from charts.report import write_report


@pytest.fixture(scope="module")
def fight_dir(tmp_path_factory):
    """The two roads at their best on the assistant scenario, saved as `compare --best` saves them (1 year)."""
    from experiments.optimize import fair_fight, optimize
    from experiments.results import load_results, manifest, write_results
    from model import load_scenario
    from tests.charts.conftest import SCENARIO

    scenario = load_scenario(SCENARIO, ["levers.years=1"])
    policies = scenario.policy_names()
    optimum, _ = optimize(scenario, policies, budget=4, replicates=4, holdout=10, seed=2)
    monthly, outcomes, summary = fair_fight(scenario, policies, optimum, 10, 2)
    out = tmp_path_factory.mktemp("fight")
    write_results(out, scenario, monthly, outcomes, summary, manifest(str(SCENARIO), scenario, [], policies, 10, 2))
    return load_results(out)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_best_comparison_has_the_section_in_each_language(fight_dir, lang, tmp_path):
    page = html.unescape(write_report(fight_dir.path, lang=lang, path=tmp_path / "r.html").read_text())
    section = page[page.index("<section id='fair-fight'>") :]
    section = section[: section.index("</section>")]
    for key in ("title", "pair", "at_default", "at_best", "verdict", "npv_best", "parameter"):
        assert LABELS[key][lang] in section
    [pair] = fight_dir.summary["fair_fight"]["pairs"]
    assert LABELS[pair["change"]][lang] in section
    changed = fight_dir.summary["fair_fight"]["parameters"]["reinvest"]["changed"]
    assert all(name in section for name in changed if name != "targets")


def test_a_plain_comparison_has_no_fair_fight_section(results):
    assert fair_fight_section(results, "en") == ""


def test_values_are_written_in_the_language_s_format():
    assert [value_text(v, "en") for v in (0.255, 3.0, 12, True, None, "lay_off")] == [
        "0.255", "3", "12", "true", "null", "lay_off",
    ]  # fmt: skip
    assert value_text(0.0145, "fr") == "0,0145" and value_text(2.456, "fr") == "2,46"
