"""Each figure builds from a small saved result set, with the expected traces, labels and annotations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from charts import data
from charts.canvas import make_style
from charts.figures import (
    FIGURES,
    build_figures,
    crossover_figure,
    customers_figure,
    difference_figure,
    frontier_figure,
    histogram,
    hours_figure,
    lead_title,
    people_figure,
    sobol_figure,
    tornado_figure,
    waterfall_figure,
)
from charts.i18n import NNBSP
from charts.theme import DRIVER_COLOURS, INK, OKABE_ITO


def font_sizes(node) -> list[float]:
    """Every font size set anywhere in a figure dict."""
    if isinstance(node, dict):
        fonts = [node.get(key) for key in ("font", "textfont", "tickfont")]
        sizes = [font["size"] for font in fonts if isinstance(font, dict) and "size" in font]
        return sizes + [s for value in node.values() for s in font_sizes(value)]
    if isinstance(node, list | tuple):
        return [s for value in node for s in font_sizes(value)]
    return []


def texts(fig) -> str:
    """Title, subtitle, annotations and axis titles of a figure, as one string."""
    layout = fig.layout
    parts = [layout.title.text or "", layout.title.subtitle.text or ""]
    parts += [a.text or "" for a in layout.annotations]
    parts += [axis.title.text or "" for name in dir(layout) if name.startswith(("xaxis", "yaxis"))
              for axis in [getattr(layout, name)] if axis is not None and hasattr(axis, "title")]  # fmt: skip
    return " | ".join(parts)


def test_crossover_outlines_each_road_s_middle_half_and_marks_the_month_of_the_title(results):
    fig = crossover_figure(results, "talk", "en")
    names = [tr.name for tr in fig.data if tr.yaxis == "y"]
    assert names == ["Cost-killer road 50 %", "Cost-killer road", "Strategic road 50 %", "Strategic road"]
    assert all(tr.fill is None for tr in fig.data if tr.yaxis == "y")  # no shaded overlap that reads as a series
    difference = [tr for tr in fig.data if tr.yaxis == "y2"]
    assert [tr.name for tr in difference] == ["Strategic road − Cost-killer road 90 %",
                                              "Strategic road − Cost-killer road 50 %",
                                              "Strategic road − Cost-killer road"]  # fmt: skip
    median = next(tr for tr in fig.data if tr.name == "Cost-killer road")
    expected = np.median(data.wide(results.monthly, "cost_cutting", "cumulative_profit"), axis=0) / 1000
    np.testing.assert_allclose(median.y, expected)
    lead = data.pair_lead(results, "reinvest", "cost_cutting")
    month = lead.for_good or lead.crossover
    assert str(month) in fig.layout.title.text
    [line] = {s.x0 for s in fig.layout.shapes if s.type == "line" and s.line.dash == "dot"}
    assert line == month and all(s.line.color == INK for s in fig.layout.shapes if s.line.dash == "dot")
    assert fig.layout.xaxis2.title.text == "Month"


def test_the_lead_agrees_with_the_summary(results):
    pair = data.pair_summary(results, "reinvest", "cost_cutting")
    lead = data.pair_lead(results, "reinvest", "cost_cutting")
    if lead.leader == "reinvest":
        assert lead.share_ahead == pytest.approx(1 - pair["crossover_month"]["share_never"])
        assert lead.q25 <= pair["crossover_month"]["median"] <= lead.q75


def paired_runs(crossing: list[float], months: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative profits of paired runs: A − B is −1,000 EUR before each run's crossing month, +1,000 EUR from
    it on (``inf``: never), plus a little noise; B is zero."""
    month = np.arange(1, months + 1)
    a = np.where(month[None, :] >= np.array(crossing)[:, None], 1000.0, -1000.0)
    a += np.linspace(-100, 100, len(crossing))[:, None]
    return a, np.zeros_like(a)


LEAD_STYLE = {lang: make_style("talk", lang, ["cost_cutting", "reinvest"]) for lang in ("en", "fr")}


def title_of(a, b, lang="en") -> str:
    return lead_title(data.lead(a, b, "reinvest", "cost_cutting"), LEAD_STYLE[lang], "reinvest", "cost_cutting", 2)


def test_overtakes_only_when_the_lower_band_stays_above_zero_from_that_month():
    a, b = paired_runs([5.0] * 3 + [11.0] * 95 + [3.0] * 2)  # 2 % cross later than month 11: under the 5th percentile
    assert data.lead(a, b, "reinvest", "cost_cutting").for_good == 11
    assert title_of(a, b) == "The strategic road overtakes the cost-killer road in month 11"
    assert title_of(a, b, "fr") == "La voie stratégique dépasse la voie courte au mois 11"
    assert title_of(a + 2000, b) == "The strategic road leads the cost-killer road from the start"
    assert title_of(b - a, b) == "The cost-killer road overtakes the strategic road in month 11"  # the mirror


def test_otherwise_the_title_claims_shares_of_runs_only():
    a, b = paired_runs([8.0] * 42 + [20.0] * 42 + [np.inf] * 16)  # 84 end ahead, half of them crossed by month 8
    lead = data.lead(a, b, "reinvest", "cost_cutting")
    assert (lead.for_good, lead.share_ahead, lead.crossover, lead.q25, lead.q75) == (None, 0.84, 8, 8, 20)
    assert title_of(a, b) == (
        "The strategic road is ahead in 84 of 100 simulated futures at month 24; crossover by month 8 in half of them"
    )
    assert title_of(a, b, "fr") == (
        "La voie stratégique est devant dans 84 futurs simulés sur 100 au mois 24 ; "
        "croisement au plus tard au mois 8 dans la moitié d'entre eux"
    )
    assert title_of(b, a).startswith("The cost-killer road is ahead in ")  # the other road, when it leads
    assert title_of(b, b) == "The strategic road and the cost-killer road end level"


def test_crossover_in_french(results):
    fig = crossover_figure(results, "paper", "fr")
    lead = data.pair_lead(results, "reinvest", "cost_cutting")
    style = make_style("paper", "fr", data.policies(results), results.scenario)
    assert fig.layout.title.text.replace("<br>", " ") == lead_title(lead, style, "reinvest", "cost_cutting", 2)
    assert fig.layout.separators == "," + NNBSP
    assert fig.layout.xaxis2.title.text == "Mois"
    assert "Profit cumulé (k EUR)" in texts(fig)
    assert "Croisement au plus tard au mois" in texts(fig) or "Dès le mois" in texts(fig)
    assert "L'assistante libérée (PME, 20 personnes)" in fig.layout.title.subtitle.text
    dashes = [tr.line.dash for tr in fig.data if tr.name == "La voie courte (cost-killer)"]
    assert dashes == ["dash"]  # paper: dashes for grey print


def test_cash_variant(results):
    fig = FIGURES["cash"].build(results, "talk", "en")
    assert "Cash (k EUR)" in texts(fig)


def test_hours_show_each_category_before_the_tool_and_at_the_horizon(results):
    fig = hours_figure(results, "talk", "en")
    table = data.hours_by_category(results)
    assert [a.text for a in fig.layout.annotations] == [
        "Routine",
        "Interpersonal",
        "Analytic",
        "Projects",
        "Idle (not reassigned)",
    ]
    bars = [tr for tr in fig.data if tr.type == "bar"]
    assert len(bars) == 5 * 3
    routine = {tr.name: tr.y[0] for tr in bars if tr.xaxis == "x"}
    assert routine == pytest.approx({"Before the tool": table.loc["before", "routine"],
                                     "Cost-killer road": table.loc["cost_cutting", "routine"],
                                     "Strategic road": table.loc["reinvest", "routine"]})  # fmt: skip
    assert table.loc["before", "routine"] > table.loc["cost_cutting", "routine"]  # the tool removed routine hours
    assert "Double entry of invoices (90%)" in fig.layout.title.subtitle.text


def test_hours_in_french_use_the_scenario_task_labels(results):
    fig = hours_figure(results, "talk", "fr")
    assert "Double saisie des factures (90" in fig.layout.title.subtitle.text
    assert "Relationnel" in texts(fig)
    assert fig.layout.title.text.endswith("où vont-elles ?")
    assert any("(" in tr.text[0] and "\u2212" in tr.text[0] for tr in fig.data)  # changes carry a true minus


def test_people_and_customers_panels(results):
    people = people_figure(results, "talk", "en")
    assert [a.text for a in people.layout.annotations] == [
        "Headcount", "Engagement (%)", "Initial staff still there (%)",
        "Hires, cumulative", "Quits, cumulative", "Layoffs, cumulative",
    ]  # fmt: skip
    legend = [tr.name for tr in people.data if tr.showlegend]
    assert legend == ["Cost-killer road", "Strategic road"]
    layoffs = [tr for tr in people.data if tr.xaxis == "x6"]
    assert layoffs[0].y[-1] == pytest.approx(results.outcomes.query("policy == 'cost_cutting'")["layoffs"].mean())
    assert people.layout.yaxis.tickformat == ",d"  # whole people, no 19.2
    customers = customers_figure(results, "paper", "fr")
    assert [a.text for a in customers.layout.annotations] == ["Clients", "Clients initiaux encore là (%)"]
    assert customers.layout.yaxis2.ticksuffix == NNBSP + "%"
    assert customers.layout.title.text.startswith("Clients conservés après 2 ans")


def test_waterfall_bars_add_up_to_the_cumulative_profit_difference(results):
    bars, total = data.waterfall(results, "reinvest", "cost_cutting")
    assert sum(v for _, v in bars) == pytest.approx(total, rel=1e-9, abs=1e-3)
    assert data.waterfall_all_channels(results, "reinvest", "cost_cutting") == pytest.approx(total, rel=1e-9, abs=1e-3)
    assert total == pytest.approx(
        data.pair_summary(results, "reinvest", "cost_cutting")["cumulative_profit_diff"]["mean"]
    )
    salaries = dict(bars)["salaries"]
    assert salaries < 0  # cost-cutting saved a salary: reinvest - cost_cutting is negative on that channel
    fig = waterfall_figure(results, "talk", "en")
    trace = fig.data[0]
    assert trace.type == "waterfall" and trace.measure[-1] == "total"
    assert sum(trace.y[:-1]) == pytest.approx(trace.y[-1])
    labels = [x.replace("<br>", " ") for x in trace.x]
    assert labels[0] == "Salaries" and labels[-1] == "Profit difference"
    assert "Fixed costs" not in labels  # zero differences are dropped
    assert (
        trace.increasing.marker.color == OKABE_ITO["blue"] and trace.decreasing.marker.color == OKABE_ITO["vermillion"]
    )


def test_waterfall_in_french(results):
    fig = waterfall_figure(results, "talk", "fr")
    labels = [x.replace("<br>", " ") for x in fig.data[0].x]
    assert labels[0] == "Salaires" and "Chiffre d'affaires clients" in labels
    assert all(text.endswith(f"{NNBSP}EUR") for text in fig.data[0].text)
    assert fig.layout.title.text.startswith("La voie stratégique fait ")


def test_difference_title_is_p_a_beats_b_in_simulated_futures(results):
    pair = data.pair_summary(results, "reinvest", "cost_cutting")
    k = round(100 * pair["p_a_beats_b"])
    fig = difference_figure(results, "talk", "en")
    assert fig.layout.title.text.replace("<br>", " ") == (
        f"The strategic road beats the cost-killer road on NPV in {k} of 100 simulated futures"
    )
    assert any(a.text.startswith("mean +") or a.text.startswith("mean \u2212") for a in fig.layout.annotations)
    french = difference_figure(results, "talk", "fr")
    assert f"dans {k} futurs simulés sur 100" in french.layout.title.text.replace("<br>", " ")


def test_histogram_has_an_edge_at_zero():
    centres, counts, width = histogram(np.array([-3.0, -1.0, 0.5, 2.0, 7.0]))
    edges = np.concatenate([centres - width / 2, [centres[-1] + width / 2]])
    assert np.any(np.isclose(edges, 0.0)) and counts.sum() == 5


def test_every_talk_figure_keeps_type_at_18_px_or_more(results, many_results):
    research = [
        ("frontier", frontier_figure(frontier_frame(), "talk", "fr")),
        ("tornado", tornado_figure(pd.DataFrame({"parameter": ["a"], "low": [1.0], "high": [2.0]}), "talk")),
        ("sobol", sobol_figure(pd.DataFrame({"parameter": ["a"], "S1": [0.1], "S1_conf": [0.0], "ST": [0.2], "ST_conf": [0.0]}), "talk")),
    ]  # fmt: skip
    for name, fig in build_figures(results, "talk", "en") + build_figures(many_results, "talk", "fr") + research:
        sizes = font_sizes(fig.to_dict())
        assert sizes and min(sizes) >= 18, name
        assert (fig.layout.width, fig.layout.height) == (1920, 1080)


def test_more_policies_one_file_per_pair_and_fixed_colours(many_results):
    figures = dict(build_figures(many_results, "paper", "en"))
    assert {"waterfall", "waterfall-status_quo-vs-cost_cutting", "waterfall-slow_reskilling-vs-cost_cutting",
            "difference", "difference-slow_reskilling-vs-cost_cutting"} <= set(figures)  # fmt: skip
    crossover = figures["crossover"]
    colours = {
        tr.name: tr.line.color for tr in crossover.data if tr.yaxis == "y" and tr.mode == "lines" and tr.fill is None
    }
    assert colours["Strategic road"] == OKABE_ITO["blue"] and colours["Cost-killer road"] == OKABE_ITO["vermillion"]
    assert colours["Strategic road (slow reskilling)"] == OKABE_ITO["orange"]


def test_registry_and_chart_names(results):
    assert [name for name, _ in build_figures(results)] == [
        "headline",
        "crossover",
        "hours",
        "people",
        "customers",
        "waterfall",
        "difference",
    ]
    with pytest.raises(ValueError, match="--only nope: unknown chart; allowed: headline,crossover,"):
        build_figures(results, only=["nope"])
    with pytest.raises(ValueError, match="frontier: needs frontier.parquet"):
        build_figures(results, only=["frontier"])


# --- research toolkit, from small synthetic tables ----------------------------------------------------------


def frontier_frame() -> pd.DataFrame:
    xs, ys = np.meshgrid(np.linspace(0, 1, 5), np.linspace(0, 2, 4))
    frame = pd.DataFrame({"x": xs.ravel(), "y": ys.ravel(), "value": (xs.ravel() - 0.5) * 100_000 * ys.ravel()})
    frame.attrs.update(x_name="levers.reskilling_success", y_name="levers.customer_sensitivity_scale")
    return frame


def test_frontier_heatmap_with_the_zero_line():
    fig = frontier_figure(frontier_frame(), "talk", "fr")
    heatmap, contour, *legend = fig.data
    assert [tr.name for tr in legend] == ["La voie stratégique devant", "La voie courte (cost-killer) devant"]
    assert heatmap.type == "heatmap" and heatmap.z.shape == (4, 5)
    assert heatmap.zmin == -heatmap.zmax and heatmap.colorscale[-1][1] == OKABE_ITO["blue"]
    assert contour.type == "contour" and contour.contours.start == 0 == contour.contours.end
    assert fig.layout.xaxis.title.text == "Réussite de la reconversion"
    assert fig.layout.title.text == "Où la voie stratégique bat la voie courte"


def test_tornado_sorted_by_swing_around_the_base():
    frame = pd.DataFrame({"parameter": ["levers.discount_rate", "levers.reskilling_success", "other.knob"],
                          "low": [140_000, 20_000, 150_000], "high": [170_000, 260_000, 158_000]})  # fmt: skip
    fig = tornado_figure(frame, "talk", "en", base=154_000)
    low, high = fig.data
    assert list(low.y) == ["Knob (other)", "Discount rate", "Reskilling success"]  # biggest swing on top
    assert low.base == pytest.approx(154.0) and high.x[-1] == pytest.approx(106.0)
    assert [tr.name for tr in fig.data] == ["Parameter at its low end", "Parameter at its high end"]


def test_sobol_bars_with_intervals():
    frame = pd.DataFrame({"parameter": ["levers.automation_scale", "levers.survivor_effect_scale"],
                          "S1": [0.1, 0.6], "S1_conf": [0.02, 0.05], "ST": [0.15, 0.7], "ST_conf": [0.03, 0.06]})  # fmt: skip
    fig = sobol_figure(frame, "paper", "fr")
    s1, st = fig.data
    assert list(st.y) == ["Ampleur de l'automatisation", "Effet survivant"]
    assert list(st.error_x.array) == [0.03, 0.06] and s1.name == "Premier ordre (S1)"


def test_research_charts_join_the_set_when_their_files_exist(fresh_dir):
    from experiments.results import load_results

    frontier_frame().to_parquet(fresh_dir / "frontier.parquet")
    pd.DataFrame({"parameter": ["a"], "low": [1.0], "high": [2.0]}).to_parquet(fresh_dir / "tornado.parquet")
    pd.DataFrame({"parameter": ["a"], "S1": [0.1], "S1_conf": [0.0], "ST": [0.2], "ST_conf": [0.0]}).to_parquet(
        fresh_dir / "sobol.parquet"
    )
    names = [name for name, _ in build_figures(load_results(fresh_dir))]
    assert names[-3:] == ["frontier", "tornado", "sobol"]


# --- what drove each run -------------------------------------------------------------------------------------


def road(**values) -> dict[str, np.ndarray]:
    """``road_indicators`` of four runs: nothing happened unless given."""
    base = {"peak_reskilled": 0, "final_reskilled": 0, "peak_failed": 0, "undone_hours": 0, "layoffs": 0,
            "final_customers": 100}  # fmt: skip
    return {key: np.asarray(values.get(key, [base[key]] * 4), dtype=float) for key in base}


def test_drivers_follow_the_stated_rules_in_order():
    a = road(peak_reskilled=[1, 2, 0, 2], peak_failed=[1, 1, 0, 0], final_reskilled=[1, 2, 0, 1])
    b = road(layoffs=[1, 1, 1, 0], undone_hours=[500, 200, 160, 0], final_customers=[100, 100, 100, 100])
    found = data.classify(a, b, ("reinvest", "cost_cutting"), hours_per_month=150.0, initial_customers=100.0)
    kinds = [found.kinds[g] for g in found.groups]
    assert kinds == [
        ("reskilling_failed", "reinvest"),  # 1 failed, 1 passed: fell through (before any later rule)
        ("work_undone", "cost_cutting"),  # 2 passed, 1 failed: worked; 200 h undone, more than 150 h per layoff
        ("work_undone", "cost_cutting"),  # 160 h >= 150 h
        ("reskilled_left", "reinvest"),  # half the reskilled gone at the horizon
    ]
    b["undone_hours"][:] = 149.0
    b["final_customers"][:] = [100, 100, 94, 100]
    found = data.classify(a, b, ("reinvest", "cost_cutting"), 150.0, 100.0)
    assert [found.kinds[g] for g in found.groups][1:3] == [("none", None), ("customers_left", "cost_cutting")]
    assert [(d, r, int(m.sum())) for d, r, m in found.present()] == [
        ("reskilling_failed", "reinvest", 1), ("reskilled_left", "reinvest", 1),
        ("customers_left", "cost_cutting", 1), ("none", None, 1),
    ]  # fmt: skip


def test_difference_chart_names_each_driver_with_its_count_and_mean(results):
    fig = difference_figure(results, "talk", "en")
    found = data.drivers(results, "reinvest", "cost_cutting")
    diff = data.paired_difference(results, "reinvest", "cost_cutting")
    assert [int(sum(tr.y)) for tr in fig.data] == [int(mask.sum()) for _, _, mask in found.present()]
    assert sum(sum(tr.y) for tr in fig.data) == results.summary["replicates"]
    for trace, (driver, road, mask) in zip(fig.data, found.present()):
        assert f"{int(mask.sum())} runs, mean " in trace.name and trace.marker.color == DRIVER_COLOURS[driver]
        assert (trace.marker.pattern.shape == "/") == (road == "cost_cutting")  # B's troubles hatched
    assert fig.layout.barmode == "stack" and fig.layout.legend.orientation == "v"
    assert "Strategic road ahead" in texts(fig) and "Cost-killer road ahead" in texts(fig)
    assert np.isclose(diff.mean() / 1000, [s.x0 for s in fig.layout.shapes if s.line.dash == "dash"][0])


def test_a_side_label_too_long_for_its_side_of_zero_starts_at_zero_with_an_arrow(results):
    """Nearly every run positive: the plot holds little left of zero, so the cost-killer's label cannot sit there
    without running over the y axis; it moves to its own row, starting at zero, pointing left."""
    n = results.summary["replicates"]
    skewed = with_pair(results, np.linspace(-2_000, 200_000, n))
    sides = {a.text: a for a in difference_figure(skewed, "talk", "en").layout.annotations if "ahead" in a.text}
    assert set(sides) == {"◀ Cost-killer road ahead", "Strategic road ahead"}
    left, right = sides["◀ Cost-killer road ahead"], sides["Strategic road ahead"]
    assert left.xanchor == right.xanchor == "left" and left.yshift < right.yshift == 0  # below, both from zero
    balanced = with_pair(results, np.linspace(-100_000, 100_000, n))
    sides = {
        a.text: a.xanchor for a in difference_figure(balanced, "talk", "en").layout.annotations if "ahead" in a.text
    }
    assert sides == {"Cost-killer road ahead": "right", "Strategic road ahead": "left"}  # room on both sides


def test_a_run_saved_without_the_indicators_is_split_by_which_road_is_ahead(results):
    import dataclasses

    old = dataclasses.replace(results, monthly=results.monthly.drop(columns=["reskilled_staff"]))
    assert data.drivers(old, "reinvest", "cost_cutting") is None
    fig = difference_figure(old, "talk", "en")
    assert [tr.name for tr in fig.data] == ["Strategic road ahead", "Cost-killer road ahead"]
    diff = data.paired_difference(results, "reinvest", "cost_cutting")
    assert [sum(tr.y) for tr in fig.data] == [(diff > 0).sum(), (diff <= 0).sum()]


# --- the headline slide ---------------------------------------------------------------------------------------


def with_pair(results, diff: np.ndarray):
    """A copy of ``results`` whose reinvest NPVs are the cost-killer's plus ``diff``, the summary to match."""
    import copy
    import dataclasses

    from experiments.compare import mean_ci

    outcomes = results.outcomes.copy()
    base = outcomes.loc[outcomes.policy == "cost_cutting", "npv"].to_numpy()
    outcomes.loc[outcomes.policy == "reinvest", "npv"] = base + diff
    summary = copy.deepcopy(results.summary)
    summary["paired"][0].update(npv_diff=mean_ci(diff), p_a_beats_b=float((diff > 0).mean()))
    return dataclasses.replace(results, outcomes=outcomes, summary=summary)


def test_verdict_in_board_words(results):
    from charts.figures import verdict

    n = results.summary["replicates"]
    style = make_style("talk", "en", data.policies(results), results.scenario)
    clear = with_pair(results, np.linspace(10_000, 50_000, n))  # ahead in every run
    assert verdict(clear, style, "reinvest", "cost_cutting") == (
        "The strategic road pays: 30k EUR more than the cost-killer road over 2 years, ahead in 100 of 100 simulated futures"
    )
    mostly = with_pair(results, np.where(np.arange(n) < n // 4, -10_000.0, 50_000.0))  # 3 in 4 runs, mean +35k
    assert verdict(mostly, style, "reinvest", "cost_cutting").endswith(
        "on average, but the cost-killer road wins in 25 of 100 simulated futures"
    )
    unclear = with_pair(results, np.linspace(-50_000, 40_000, n))
    assert verdict(unclear, style, "reinvest", "cost_cutting").startswith(
        "No clear winner over 2 years: the cost-killer"
    )


def test_headline_has_the_verdict_and_money_people_customers(results):
    from charts.figures import headline_figure

    fig = headline_figure(results, "talk", "fr")
    text = texts(fig)
    for heading in ("ARGENT", "PERSONNES", "CLIENTS"):
        assert f"<b>{heading}</b>" in text
    pair = data.pair_summary(results, "reinvest", "cost_cutting")
    from charts.i18n import money_short

    assert f"<b>{money_short(pair['npv_diff']['mean'], 'fr', sign=True)}</b>" in text
    bars = [tr for tr in fig.data if tr.type == "bar"]
    diff = data.paired_difference(results, "reinvest", "cost_cutting")
    assert [tr.x[0] for tr in bars] == pytest.approx([100 * (diff > 0).mean(), 100 * (diff < 0).mean()])
    assert [name for name, _ in build_figures(results)][0] == "headline"  # the story opens with the verdict


def test_a_headline_difference_is_as_precise_as_the_counts_it_compares():
    from charts.figures import number_sign

    assert number_sign(15.2, "en", 395.0) == "+15"  # customers by the hundred: whole customers
    assert number_sign(1.04, "fr", 18.7) == "+1,0"  # a firm of 19 people: a tenth of a person tells
    assert number_sign(1234.0, "en", 5000.0) == "+1,234"
