"""The page computes with the command line's engine and draws with its figures; identical inputs are cached."""

from __future__ import annotations

import pytest

from model.scenario import with_levers
from tests.conftest import ROOT
from workshop import engine
from workshop.state import InputError, new_session, read_session, with_saved


@pytest.fixture(scope="module")
def small(assistant):
    return with_levers(assistant, years=1)


def test_identical_inputs_are_computed_once(small, monkeypatch):
    import experiments.compare

    calls = []
    real = experiments.compare.run_comparison
    monkeypatch.setattr(experiments.compare, "run_comparison", lambda *a, **k: calls.append(a) or real(*a, **k))
    engine._comparison.cache_clear()
    first = engine.compare(small, ["cost_cutting", "reinvest"], 6)
    again = engine.compare(with_levers(small, years=1), ["cost_cutting", "reinvest"], 6)  # equal, not the same object
    assert again.results is first.results and len(calls) == 1
    other = engine.compare(with_levers(small, reskilling_success=0.3), ["cost_cutting", "reinvest"], 6)
    assert other.key != first.key and len(calls) == 2


def test_the_numbers_are_the_command_lines(small):
    from experiments.compare import run_comparison

    _, _, summary = run_comparison(small, ["cost_cutting", "reinvest"], 6, small.simulation.seed)
    assert engine.compare(small, ["cost_cutting", "reinvest"], 6).results.summary == summary


def test_the_page_draws_the_charts_figures(small):
    from charts.figures import crossover_figure, waterfall_figure

    comparison = engine.compare(small, ["cost_cutting", "reinvest"], 6)
    for name, build in (("crossover", crossover_figure), ("waterfall", waterfall_figure)):
        figure = engine.page_figure(comparison.key, name, "fr", "screen")
        assert figure["layout"]["title"]["text"] == build(comparison.results, "screen", "fr").layout.title.text
        assert "width" not in figure["layout"]  # the page sizes it
    assert engine.page_figure(comparison.key, "hours", "en", "talk")["layout"]["width"] == 1920


def test_one_road_draws_the_crossover_instead_of_a_paired_chart(small):
    comparison = engine.compare(small, ["reinvest"], 3)
    assert engine.chart_names(comparison.results) == ["crossover", "hours"]
    waterfall = engine.page_figure(comparison.key, "waterfall", "en", "screen")
    assert waterfall == engine.page_figure(comparison.key, "crossover", "en", "screen")


def test_the_picker_offers_the_files_and_the_sessions_own_scenarios(tmp_path):
    from tests.conftest import scenario_data

    outside = tmp_path / "assistant.toml"  # the facilitator's own file, named like one of scenarios/
    outside.write_text((ROOT / "scenarios" / "assistant.toml").read_text(encoding="utf-8"), encoding="utf-8")
    catalogue = engine.Catalogue(ROOT / "scenarios", outside)
    files = catalogue.files()
    assert {"assistant", "back_office", str(outside)} <= set(files) and catalogue.launch_key == str(outside)
    session = with_saved(read_session(new_session()), scenario_data("assistant"), "ours")
    assert catalogue.scenario("saved:ours", session).meta.name == "assistant"
    with pytest.raises(InputError, match="'theirs': not saved in this browser"):
        catalogue.scenario("saved:theirs", session)
    with pytest.raises(InputError, match="no such scenario"):
        catalogue.scenario("../../etc/passwd", session)
    with pytest.raises(InputError, match="choose a scenario"):
        catalogue.scenario(None, session)


def test_a_broken_saved_scenario_gives_the_files_messages():
    from tests.conftest import scenario_data

    data = scenario_data("assistant")
    data["customers"]["initial"] = -1.0
    session = with_saved(read_session(new_session()), data, "broken")
    with pytest.raises(InputError, match="broken: customers.initial = -1.0: Input should be greater than or equal to 1"):
        engine.Catalogue(ROOT / "scenarios", ROOT / "scenarios" / "assistant.toml").scenario("saved:broken", session)


def test_the_current_settings_save_as_a_scenario_file_that_validates(tmp_path):
    import tomllib

    from model.scenario import load_scenario
    from workshop.firm_form import toml_text

    catalogue = engine.Catalogue(ROOT / "scenarios", ROOT / "scenarios" / "assistant.toml")
    levers = load_scenario(ROOT / "scenarios" / "assistant.toml").levers.model_dump() | {
        "years": 3.0,
        "discount_rate": 0.1,
    }
    data = catalogue.with_levers_data("assistant", read_session(new_session()), levers)
    path = tmp_path / "current.toml"
    path.write_text(toml_text(data), encoding="utf-8")
    scenario = load_scenario(path)  # what run.py validate and compare read
    assert scenario.levers.years == 3 and scenario.levers.discount_rate == 0.1
    assert tomllib.loads(path.read_text(encoding="utf-8"))["levers"]["years"] == 3
