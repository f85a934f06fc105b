"""Charts of the research experiments, from the tables a study wrote (never a simulation): the frontier heatmap,
the tornado of Morris effects, Sobol bars and PRIM boxes. Same themes and palette as the other charts.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.theme import GREY, INK, get_theme, policy_colours, rgba

TOSS_UP = "#BDBDBD"


def _layout(style, title: str, subtitle: str, **extra) -> dict:
    """The theme's layout with the title block anchored to the figure, not the plot: long parameter names widen
    the left margin, and the title must still fit the width the theme wraps it to."""
    layout = style.layout(title, subtitle, **extra)
    layout["title"].update(xref="container", x=style.margin["l"] / style.width)
    return layout


def _eur(value: float) -> str:
    return f"{value / 1000:+,.0f}k EUR"


def frontier_heatmap(cells: pd.DataFrame, x: str, y: str, a: str, b: str, metric: str = "npv", theme="talk"):
    """Who wins each cell (A's colour, B's colour, grey for a toss-up whose 95 % interval spans 0), shaded by
    the mean paired difference A - B, with the zero contour of the mean drawn."""
    style = get_theme(theme)
    colours = policy_colours([a, b])
    xs, ys = np.sort(cells["x"].unique()), np.sort(cells["y"].unique())
    grid = cells.set_index(["y", "x"])
    mean = grid["mean"].unstack("x").reindex(index=ys, columns=xs).to_numpy()
    winner = grid["winner"].unstack("x").reindex(index=ys, columns=xs).to_numpy()
    scale = max(float(np.nanmax(np.abs(mean))), 1e-9)
    # one value per cell: +-(0.35..1) by the size of the win, 0 for a toss-up, on a three-colour scale
    code = np.where(
        winner == a, 0.35 + 0.65 * np.abs(mean) / scale, np.where(winner == b, -0.35 - 0.65 * np.abs(mean) / scale, 0.0)
    )
    colourscale = [
        [0.0, colours[b]], [0.325, rgba(colours[b], 0.35)], [0.3251, TOSS_UP], [0.6749, TOSS_UP],
        [0.675, rgba(colours[a], 0.35)], [1.0, colours[a]],
    ]  # fmt: skip
    hover = [[f"{x}={xv:.3g}<br>{y}={yv:.3g}<br>{a} - {b}: {_eur(m)}<br>{w}" for xv, m, w in zip(xs, mr, wr)]
             for yv, mr, wr in zip(ys, mean, winner)]  # fmt: skip
    fig = go.Figure(go.Heatmap(x=xs, y=ys, z=code, zmin=-1, zmax=1, colorscale=colourscale, showscale=False,
                               text=hover, hoverinfo="text", xgap=1, ygap=1))  # fmt: skip
    if np.nanmin(mean) < 0 < np.nanmax(mean):
        fig.add_trace(go.Contour(x=xs, y=ys, z=mean, contours={"start": 0, "end": 0, "size": 1, "coloring": "lines"},
                                 line={"width": style.line_width}, colorscale=[[0, INK], [1, INK]],
                                 showscale=False, hoverinfo="skip"))  # fmt: skip
    counts = cells["winner"].value_counts()
    share = {name: counts.get(name, 0) / len(cells) for name in (a, b, "toss-up")}
    title = f"{a} wins in {100 * share[a]:.0f} % of cells, {b} in {100 * share[b]:.0f} %, a toss-up in {100 * share['toss-up']:.0f} %"
    subtitle = (f"Mean paired {metric} difference {a} − {b} per cell; a cell is won when its 95 % interval excludes 0"
                f" (grey: toss-up). Black line: the mean difference is zero.")  # fmt: skip
    no_grid = {"showgrid": False, "zeroline": False}
    fig.update_layout(_layout(style, title, subtitle, extra_top=2 * style.text_size), xaxis=style.axis(x, **no_grid),
                      yaxis=style.axis(y, **no_grid))  # fmt: skip
    for name, colour in ((a, colours[a]), (b, colours[b]), ("toss-up", TOSS_UP)):
        fig.add_trace(
            go.Scatter(
                x=[None], y=[None], mode="markers", name=name, marker={"size": 18, "color": colour, "symbol": "square"}
            )
        )
    fig.update_layout(showlegend=True, legend={"orientation": "h", "x": 0, "y": 1.01, "yanchor": "bottom"})
    return fig


def tornado(indices: pd.DataFrame, a: str, b: str, metric: str = "npv", theme="talk"):
    """Morris screening as a tornado: mu* (mean absolute elementary effect on A - B) with its 95 % interval,
    largest on top; the bar's colour is the sign of mu (which road the parameter favours when it rises)."""
    style = get_theme(theme)
    colours = policy_colours([a, b])
    frame = indices.sort_values("mu_star")
    bar_colours = [colours[a] if mu >= 0 else colours[b] for mu in frame["mu"]]
    fig = go.Figure(go.Bar(x=frame["mu_star"], y=frame["parameter"], orientation="h", marker={"color": bar_colours},
                           error_x={"type": "data", "array": frame["mu_star_ci"], "color": INK}))  # fmt: skip
    top = indices.loc[indices["mu_star"].idxmax()]
    title = f"{top['parameter']} moves the paired {metric} difference most"
    subtitle = (f"Morris screening: mean absolute effect μ* on the paired {metric} difference with 95 % intervals; "
                f"colour: the sign of μ ({a}'s colour: raising it favours {a})")  # fmt: skip
    fig.update_layout(_layout(style, title, subtitle), xaxis=style.axis(f"μ* ({metric}, EUR)"), yaxis=style.axis(""))
    return fig


def sobol_bars(indices: pd.DataFrame, a: str, b: str, metric: str = "npv", theme="talk"):
    """First-order (S1) and total (ST) Sobol indices with 95 % intervals, by total effect."""
    style = get_theme(theme)
    frame = indices.sort_values("ST")
    colours = policy_colours([a, b])
    fig = go.Figure()
    for name, colour in (("S1", GREY), ("ST", colours[a])):
        fig.add_trace(go.Bar(x=frame[name], y=frame["parameter"], orientation="h", name=name, marker={"color": colour},
                             error_x={"type": "data", "array": frame[f"{name}_ci"], "color": INK}))  # fmt: skip
    top = indices.loc[indices["ST"].idxmax()]
    title = f"{top['parameter']} explains most of the variance"
    subtitle = (f"Sobol indices of the paired {metric} difference {a} − {b} with 95 % intervals: S1 alone, ST with"
                " all its interactions")  # fmt: skip
    fig.update_layout(_layout(style, title, subtitle), barmode="group", xaxis=style.axis("share of variance"),
                      yaxis=style.axis(""), showlegend=True)  # fmt: skip
    return fig


def prim_boxes(boxes: list[dict], ranges: dict[str, list[float]], theme="talk"):
    """Each PRIM box as bars over the restricted parameters' full ranges (scaled 0 to 1), one colour per road."""
    style = get_theme(theme)
    colours = policy_colours([box["winner"] for box in boxes] or ["reinvest"])
    fig = go.Figure()
    for box in boxes:
        names = list(box["limits"])
        low = [(box["limits"][n][0] - ranges[n][0]) / (ranges[n][1] - ranges[n][0]) for n in names]
        high = [(box["limits"][n][1] - ranges[n][0]) / (ranges[n][1] - ranges[n][0]) for n in names]
        labels = [f"{n}: {box['limits'][n][0]:.3g} to {box['limits'][n][1]:.3g}" for n in names]
        fig.add_trace(go.Bar(x=np.subtract(high, low), base=low, y=[f"{box['winner']}: {n}" for n in names],
                             orientation="h", marker={"color": colours[box["winner"]]}, text=labels,
                             textposition="inside", name=f"{box['winner']} wins"))  # fmt: skip
    # the title stays on one line (conditions can be long): they go to the subtitle, one box a line
    title = " · ".join(f"{box['winner']} wins in {100 * box['density']:.0f} % of runs in its box" for box in boxes)
    lines = [f"{box['description']} (coverage {100 * box['coverage']:.0f} %)" for box in boxes]
    subtitle = "<br>".join([*lines, "PRIM boxes over the [uncertain] ranges (0 = low end, 1 = high end of each range)"])
    title = title or "No region where one road wins in most runs"
    fig.update_layout(_layout(style, title, subtitle), xaxis=style.axis("position in the range", range=[0, 1]),
                      yaxis=style.axis(""), showlegend=False)  # fmt: skip
    return fig


def study_figures(path: str | Path, theme="talk") -> dict[str, go.Figure]:
    """The figures of a study directory, by file stem (none for a plain sweep)."""
    path = Path(path)
    manifest = json.loads((path / "manifest.json").read_text())
    options, kind = manifest.get("options", {}), manifest["experiment"]
    a, b, metric = options.get("a"), options.get("b"), options.get("metric", "npv")
    if kind == "frontier":
        x, y = (v.split("=")[0] for v in manifest["design"]["variables"])
        return {"frontier": frontier_heatmap(pd.read_parquet(path / "frontier.parquet"), x, y, a, b, metric, theme)}
    if kind == "sensitivity":
        indices = pd.read_parquet(path / "indices.parquet")
        draw = tornado if "mu_star" in indices else sobol_bars
        return {draw.__name__: draw(indices, a, b, metric, theme)}
    if kind == "discover":
        boxes = json.loads((path / "boxes.json").read_text())
        return {"prim_boxes": prim_boxes(boxes, manifest["design"]["ranges"], theme)}
    return {}


def write_study_charts(path: str | Path, formats: tuple[str, ...] = ("html",), theme="talk") -> list[Path]:
    """Write a study's figures to ``path/charts/`` (HTML that works offline; PNG/SVG/PDF through kaleido)."""
    from charts.export import write_static

    out = Path(path) / "charts"
    figures = study_figures(path, theme)
    written = []
    for name, fig in figures.items():
        if "html" in formats:
            out.mkdir(exist_ok=True)
            fig.write_html(out / f"{name}.html", include_plotlyjs=True)
            written.append(out / f"{name}.html")
    static = [(fig, out / f"{name}.{fmt}") for name, fig in figures.items() for fmt in formats if fmt != "html"]
    return written + write_static(static, get_theme(theme))
