"""Charts of the research experiments, from small hand-made tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from charts.export import png_size
from charts.research import TOSS_UP, frontier_heatmap, prim_boxes, sobol_bars, study_figures, tornado
from charts.theme import policy_colours
from experiments import study
from experiments.frontier import frontier_points
from tests.conftest import build, scenario_data


def cells(means: list[list[float]], winners: list[list[str]]) -> pd.DataFrame:
    rows = [
        {"x": float(i), "y": float(j), "mean": means[j][i], "ci_low": 0.0, "ci_high": 0.0, "winner": winners[j][i]}
        for j in range(len(means))
        for i in range(len(means[0]))
    ]
    return pd.DataFrame(rows)


def test_the_frontier_colours_winners_greys_toss_ups_and_draws_the_zero_contour():
    table = cells([[-2.0, 1.0], [-0.5, 4.0]], [["cost_cutting", "toss-up"], ["toss-up", "reinvest"]])
    fig = frontier_heatmap(table, "reskilling", "sensitivity", "reinvest", "cost_cutting")
    heatmap, contour = fig.data[0], fig.data[1]
    code = np.array(heatmap.z)
    assert code[0, 0] < -0.3 and code[1, 1] > 0.3 and code[0, 1] == code[1, 0] == 0.0  # B, A, toss-ups
    assert code[1, 1] == 1.0  # the largest win is the darkest
    middle = [colour for stop, colour in heatmap.colorscale if 0.325 < stop < 0.675]  # the toss-up band
    assert middle and set(middle) == {TOSS_UP}
    assert contour.type == "contour" and contour.contours.start == contour.contours.end == 0
    assert fig.layout.title.text.startswith("reinvest wins in 25 % of cells, cost_cutting in 25 %, a toss-up in 50 %")
    one_sided = frontier_heatmap(cells([[1.0, 2.0]], [["reinvest", "reinvest"]]), "x", "y", "reinvest", "cost_cutting")
    assert "contour" not in [trace.type for trace in one_sided.data]  # no zero to draw


def test_tornado_and_sobol_bars_put_the_largest_on_top():
    morris = pd.DataFrame({"parameter": ["a", "b", "c"], "mu_star": [5.0, 1.0, 3.0], "mu_star_ci": [1.0, 0.5, 0.5],
                           "mu": [5.0, -1.0, 3.0], "sigma": [1.0, 1.0, 1.0]})  # fmt: skip
    fig = tornado(morris, "reinvest", "cost_cutting")
    bars = fig.data[0]
    assert list(bars.y) == ["b", "c", "a"]  # plotly draws the last bar on top
    colours = policy_colours(["reinvest", "cost_cutting"])
    assert list(bars.marker.color) == [colours["cost_cutting"], colours["reinvest"], colours["reinvest"]]
    assert fig.layout.title.text.startswith("a moves")
    sobol = pd.DataFrame({"parameter": ["a", "b"], "S1": [0.1, 0.5], "S1_ci": [0.01, 0.02], "ST": [0.2, 0.7],
                          "ST_ci": [0.01, 0.02]})  # fmt: skip
    fig = sobol_bars(sobol, "reinvest", "cost_cutting")
    assert [t.name for t in fig.data] == ["S1", "ST"] and list(fig.data[1].y) == ["a", "b"]


def test_prim_boxes_are_drawn_within_each_range():
    box = {"winner": "reinvest", "loser": "cost_cutting", "limits": {"r": [0.45, 0.9]}, "conditions": ["r > 0.45"],
           "coverage": 0.7, "density": 0.9, "runs": 100, "description": "reinvest wins in 90 % of runs when r > 0.45"}  # fmt: skip
    fig = prim_boxes([box], {"r": [0.3, 0.9]})
    bar = fig.data[0]
    assert bar.base[0] == np.float64(0.25) and bar.x[0] == np.float64(0.75)  # (0.45 - 0.3) / 0.6 to 1
    assert fig.layout.title.text == "reinvest wins in 90 % of runs in its box"
    assert "reinvest wins in 90 % of runs when r > 0.45 (coverage 70 %)" in fig.layout.title.subtitle.text


def test_a_frontier_study_renders_to_png(chromium, tmp_path):
    scenario = build(scenario_data("assistant"), **{"levers.years": 1})
    points, design = frontier_points(
        scenario, "levers.reskilling_success=0:1:2", "levers.customer_sensitivity_scale=0:2:2"
    )
    store = study.start(tmp_path / "f", "frontier", None, scenario, [], points, design, ["cost_cutting", "reinvest"],
                        2, 1, {"a": "reinvest", "b": "cost_cutting", "metric": "npv"})  # fmt: skip
    study.run(store)
    assert list(study_figures(store.path)) == ["frontier"]
    from charts.research import write_study_charts

    [html, png] = write_study_charts(store.path, formats=("html", "png"))
    assert html.read_text().count("plotly") > 10 and png_size(png) == (1920, 1080)
