"""One function per figure: a saved ``Results`` (or a small documented table) in, a plotly ``go.Figure`` out.

Every figure takes ``theme`` (``talk`` or ``paper``) and ``lang`` (``en`` or ``fr``), carries its takeaway as
the title (computed from the data, never written in advance) and what it shows as the subtitle. ``FIGURES``
maps a chart name to its builder; ``build_figures`` turns a results directory into (file stem, figure) pairs.

Research-toolkit figures read simple tables (see each function): ``frontier_figure`` (x, y, value),
``tornado_figure`` (parameter, low, high) and ``sobol_figure`` (parameter, S1, S1_conf, ST, ST_conf).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts import data
from charts.canvas import (
    Canvas,
    Style,
    band_traces,
    end_labels,
    label_margin,
    make_style,
    zero_line,
)
from charts.i18n import (
    category_label,
    channel_label,
    compact,
    count,
    join_words,
    lever_label,
    money_short,
    number,
    percent,
    percent_suffix,
    t,
    years_text,
)
from charts.theme import BEFORE_FILL, DRIVER_COLOURS, INK, OKABE_ITO, Theme

if TYPE_CHECKING:
    from experiments.results import Results

KEUR = 1000.0


def style_for(results: Results, theme: str | Theme, lang: str) -> Style:
    return make_style(theme, lang, data.policies(results), results.scenario)


def month_axis(style: Style, months: int, title: bool = True) -> dict[str, Any]:
    step = 12 if months >= 36 else 6 if months >= 18 else 3 if months >= 6 else 1
    return style.theme.axis(
        t("month", style.lang) if title else "", tick0=0, dtick=step, range=[0, months + 0.5], showgrid=False
    )


def wrap(text: str, width: int) -> str:
    return "<br>".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def scenario_title(results: Results, lang: str) -> str:
    return getattr(results.scenario.meta.title, lang)


def pair_or_none(results: Results, a: str | None, b: str | None) -> tuple[str, str] | None:
    if a and b:
        data.pair_summary(results, a, b)
        return a, b
    return data.focus_pair(results)


def require_pair(results: Results, a: str | None, b: str | None) -> tuple[str, str]:
    pair = pair_or_none(results, a, b)
    if pair is None:
        raise ValueError(f"{results.path}: one policy only ({data.policies(results)[0]}); a paired chart needs two")
    return pair


def extent(traces: list[dict[str, Any]]) -> float:
    """The y extent of ``traces`` (from zero when they stay on one side of it)."""
    values = np.concatenate([np.asarray(tr["y"], dtype=float) for tr in traces])
    return float(np.nanmax(values) - min(0.0, np.nanmin(values))) or 1.0


# --- the crossover ------------------------------------------------------------------------------------------


def lead_title(lead: data.Lead, style: Style, a: str, b: str, years: int) -> str:
    """The crossover title, with wording rules a statistician can sign (``data.Lead`` defines the numbers):

    - every run ends level: "A and B end level";
    - the lower edge of the 90 % band of the paired difference stays above zero from month m to the
      horizon: "A overtakes B in month m" ("leads B from the start" when m is 1);
    - otherwise only shares of runs are claimed: "A is ahead in k of 100 simulated futures at month T;
      crossover by month c in half of them", A being the road ahead in at least half of the runs.
    """
    lang = style.lang
    if lead.leader is None:
        return t("level_title", lang, **style.phrases(a, b))
    words = style.phrases(lead.leader, lead.other)
    if lead.for_good == 1:
        return t("leads_title", lang, **words)
    if lead.for_good is not None:
        return t("overtakes_title", lang, m=lead.for_good, **words)
    k = round(100 * lead.share_ahead)
    return t("ahead_share_title", lang, k=k, T=lead.months, m=lead.crossover, years=years_text(years, lang), **words)


def crossover_title(results: Results, style: Style, metric: str) -> str:
    pair = data.focus_pair(results)
    if pair is None:
        policy = data.policies(results)[0]
        total = money_short(data.mean_outcome(results, policy, "cumulative_profit"), style.lang)
        years = years_text(results.summary["years"], style.lang)
        return t("no_pair_title", style.lang, policy=style.label(policy), total=total, years=years)
    return lead_title(data.pair_lead(results, *pair, metric), style, *pair, results.summary["years"])


def crossover_note(lead: data.Lead, lang: str) -> str:
    """What the marked month means: ahead for good (the 90 % band) or the crossover of half the runs ahead,
    the middle half of the crossover months and the runs that never cross, when informative."""
    lines = [t("for_good_label", lang, m=lead.for_good)] if lead.for_good else []
    lines.append(t("crossover_label", lang, m=lead.crossover))
    lines[0] = f"<b>{lines[0]}</b>"
    if lead.q75 > lead.q25:
        lines.append(t("crossover_range", lang, lo=lead.q25, hi=lead.q75))
    if lead.share_ahead <= 0.995:
        lines.append(t("crossover_never", lang, k=round(100 * (1 - lead.share_ahead))))
    return "<br>".join(lines)


def mark_crossover(canvas: Canvas, lead: data.Lead, panels: list[int]) -> None:
    """The month the title names as a dotted line across the panels, in ink (a colour of its own, apart from
    every road's), with its note."""
    month = lead.for_good or lead.crossover
    canvas.vline(month, {"color": INK, "width": 2.5, "dash": "dot"}, panels)
    canvas.annotate(
        x=month, y=1.0, xref="x", yref="y domain", text=crossover_note(lead, canvas.style.lang),
        showarrow=False, xanchor="left", yanchor="top", xshift=12, align="left",
        font={"size": canvas.style.theme.text_size, "color": INK},
    )  # fmt: skip


def crossover_figure(
    results: Results, theme: str | Theme = "talk", lang: str = "en", metric: str = "cumulative_profit"
) -> go.Figure:
    """Cumulative profit (or cash) per policy, median and middle half of runs; below, each paired difference
    against the reference with its 50 % and 90 % bands; the month the title names marked (``lead_title``)."""
    style = style_for(results, theme, lang)
    names, pairs = data.policies(results), data.pairs(results)
    months = data.n_months(results)
    x = np.arange(1, months + 1)
    rows = 2 if pairs else 1
    headings = [f"{t(metric, lang)} ({t('k_eur', lang)})"]
    if pairs:
        a = style.label(pairs[0][0]) if len(pairs) == 1 else "A"
        headings.append(f"{t('difference_panel', lang, a=a, b=style.label(names[0]))} ({t('k_eur', lang)})")
    bands = t("median_bands" if pairs else "median_band", lang, n=data.n_replicates(results))
    canvas = Canvas.grid(
        style, crossover_title(results, style, metric), f"{scenario_title(results, lang)} · {bands}", rows, 1,
        headings, vspace=0.11, row_heights=[0.64, 0.36][:rows], shared_x=True,
    )  # fmt: skip
    levels, ends = [], []
    for policy in names:  # the middle half only, outlined when roads overlap: shaded bands blend into a muddle
        q = data.bands(data.wide(results.monthly, policy, metric) / KEUR)
        levels += band_traces(
            x, q, style.colours[policy], style, style.label(policy), style.line(policy), False, len(names) > 1
        )
        ends.append((style.label(policy), style.colours[policy], q[50][-1]))
    canvas.add(levels, panel=1)
    end_labels(canvas, ends, months, 1, extent(levels))
    if pairs:
        difference_panel(canvas, results, metric, x)
    canvas.axis("x", **month_axis(style, months, title=False))
    canvas.axis("x", rows, **month_axis(style, months))
    canvas.axis("y", **style.theme.axis(tickformat=",.0f"))
    canvas.layout["margin"]["r"] = label_margin(style, [style.label(n) for n in names])
    focus = data.focus_pair(results)
    if focus:  # other pairs cross where their difference line meets zero; one note keeps the chart readable
        lead = data.pair_lead(results, *focus, metric)
        if lead.leader is not None:
            mark_crossover(canvas, lead, list(range(1, rows + 1)))
    return canvas.figure()


def difference_panel(canvas: Canvas, results: Results, metric: str, x: np.ndarray) -> None:
    """Panel 2: each paired difference A - reference, median and bands, in A's colour, over a zero line."""
    style = canvas.style
    traces, ends = [], []
    for a, b in data.pairs(results):
        q = data.bands((data.wide(results.monthly, a, metric) - data.wide(results.monthly, b, metric)) / KEUR)
        name = t("difference_axis", style.lang, a=style.label(a), b=style.label(b))
        traces += band_traces(x, q, style.colours[a], style, name, style.line(a))
        ends.append((style.label(a), style.colours[a], q[50][-1]))
    canvas.add(traces, panel=2)
    canvas.hline(0, zero_line(), panel=2)
    if len(ends) > 1:
        end_labels(canvas, ends, x[-1], 2, extent(traces))


def cash_figure(results: Results, theme: str | Theme = "talk", lang: str = "en") -> go.Figure:
    """The crossover figure on cash instead of cumulative profit."""
    return crossover_figure(results, theme, lang, metric="cash")


# --- where the hours go -------------------------------------------------------------------------------------


def hours_figure(results: Results, theme: str | Theme = "talk", lang: str = "en") -> go.Figure:
    """Paid hours a month by task category, before the tool and at the horizon per policy: one panel per
    category (each from zero, labelled with hours and the change), so that the routine hours the tool
    removes and where they went show at once."""
    style = style_for(results, theme, lang)
    table = data.hours_by_category(results)
    freed = float(table.loc["before", "routine"] - table.loc[data.policies(results), "routine"].min())
    title = t("hours_title", lang, h=number(freed, lang)) if freed >= 1 else t("hours_title_plain", lang)
    subtitle = t("hours_subtitle", lang, m=data.n_months(results), n=data.n_replicates(results))
    automated = data.automated_tasks(results)
    if automated:
        tasks = [f"{data.task_label(results, k, lang)} ({percent(s, lang)})" for k, s in automated]
        subtitle += "<br>" + t("automated", lang, tasks=join_words(tasks, lang))
    categories = [c for c in data.CATEGORIES if table[c].abs().max() >= 0.5]  # no panel of zeros
    headings = [category_label(c, lang) for c in categories]
    canvas = Canvas.grid(style, title, subtitle, 1, len(headings), headings, hspace=0.03)
    for panel, category in enumerate(categories, start=1):
        values = table[category]
        canvas.add(
            [hours_bar(style, key, values[key], values["before"], panel == 1, len(table)) for key in table.index], panel
        )
        canvas.axis("y", panel, range=[0, 1.2 * max(values.max(), 1.0)])
    canvas.axis("x", **style.theme.axis(showticklabels=False, ticks="", showgrid=False))
    canvas.axis("y", **style.theme.axis(showticklabels=False, ticks="", showgrid=False, showline=False))
    canvas.layout.update(bargap=0.15, uniformtext={"mode": "show", "minsize": style.theme.min_font})  # no shrinking
    canvas.legend_top()
    return canvas.figure()


def hours_bar(style: Style, key: str, value: float, before: float, legend: bool, n_bars: int) -> dict[str, Any]:
    """One bar of the hours figure: the hours a month and, when the bars are wide enough (three at most), the
    change since before the tool below them."""
    lang = style.lang
    name = t("before_tool", lang) if key == "before" else style.label(key)
    text = compact(value, lang)
    if key != "before" and n_bars <= 3 and round(value - before) != 0:
        text += f"<br>({compact(value - before, lang, sign=True)})"
    return {
        "type": "bar", "x": [name], "y": [value], "name": name, "legendgroup": name, "showlegend": legend,
        "marker": {"color": BEFORE_FILL, "line": {"color": INK, "width": 1.5}}
        if key == "before"
        else {"color": style.colours[key]},
        "text": [text], "textposition": "outside", "cliponaxis": False,
        "textfont": {"size": style.theme.tick_size if n_bars <= 3 else max(style.theme.tick_size - 4, style.theme.min_font)},
        "hovertemplate": f"{name}: %{{y:,.0f}} h<extra></extra>",
    }  # fmt: skip


# --- people and customers ------------------------------------------------------------------------------------


PEOPLE_PANELS = (  # (metric, heading key, kind): level/percent = median and 50 % band; mean = mean line (whole
    ("headcount", "headcount", "mean"),  # people make spiky integer quantiles); cumulative = mean running total
    ("engagement", "engagement", "percent"),
    ("initial_staff", "initial_staff", "share_of_start"),
    ("hires", "cum_hires", "cumulative"),
    ("quits", "cum_quits", "cumulative"),
    ("layoffs", "cum_layoffs", "cumulative"),
)
CUSTOMER_PANELS = (("customers", "customers", "level"), ("customer_retention", "customer_retention", "percent"))


def panel_values(results: Results, policy: str, metric: str, kind: str) -> np.ndarray:
    """(R, T) values of one panel: percent scaled to 0-100, cumulative summed over months."""
    values = data.wide(results.monthly, policy, metric)
    if kind == "percent":
        return 100 * values
    if kind == "share_of_start":
        return 100 * values / results.scenario.headcount
    if kind == "cumulative":
        return np.cumsum(values, axis=1)
    return values


def panels_figure(results: Results, style: Style, title: str, subtitle: str, panels: tuple, cols: int) -> go.Figure:
    """A grid of time-series panels, one line per policy (median and 50 % band, or the mean running total)."""
    rows = -(-len(panels) // cols)
    headings = [t(key, style.lang) for _, key, _ in panels]
    canvas = Canvas.grid(style, title, subtitle, rows, cols, headings, hspace=0.07, vspace=0.16)
    months = data.n_months(results)
    x = np.arange(1, months + 1)
    for panel, (metric, _, kind) in enumerate(panels, start=1):
        traces = []
        for policy in data.policies(results):
            traces += panel_traces(results, style, policy, metric, kind, x, legend=panel == 1)
        canvas.add(traces, panel)
        values = np.concatenate([np.asarray(tr["y"], dtype=float) for tr in traces])
        canvas.axis("y", panel, **style.theme.axis(**panel_y(kind, style.lang, np.nanmax(values), np.nanmin(values))))
    canvas.axis("x", **month_axis(style, months, title=False))
    for panel in range(len(panels) - cols + 1, len(panels) + 1):
        canvas.axis("x", panel, title={"text": t("month", style.lang), "font": {"size": style.theme.text_size}})
    canvas.legend_top()
    return canvas.figure()


def panel_traces(
    results: Results, style: Style, policy: str, metric: str, kind: str, x: np.ndarray, legend: bool
) -> list[dict[str, Any]]:
    values = panel_values(results, policy, metric, kind)
    name = style.label(policy)
    many = len(data.policies(results)) > 1  # overlapping bands: outlined, not shaded
    if kind in ("cumulative", "mean"):
        traces = [{"type": "scatter", "x": x, "y": values.mean(0), "mode": "lines", "line": style.line(policy),
                   "name": name, "legendgroup": name}]  # fmt: skip
    else:
        traces = band_traces(x, data.bands(values), style.colours[policy], style, name, style.line(policy), False, many)
    traces[-1]["showlegend"] = legend
    return traces


def panel_y(kind: str, lang: str, top: float, bottom: float) -> dict[str, Any]:
    """Percent ticks for shares; whole-number ticks for counts (no 19.2 people)."""
    if kind in ("percent", "share_of_start"):
        return {"ticksuffix": percent_suffix(lang), "tickformat": ",.0f"}
    step = max(1.0, round(nice_step(max((top - (0 if kind == "cumulative" else bottom)) / 5, 1.0))))
    axis = {"tickformat": ",d", "dtick": step, "tick0": 0}
    if kind == "cumulative":
        return {**axis, "rangemode": "tozero"}
    pad = max(0.5, 0.1 * (top - bottom))
    return {**axis, "range": [bottom - pad, top + pad]}


def per_policy(results: Results, style: Style, metric: str, fmt: Callable[[float], str]) -> str:
    """``10.9 on the strategic road and 11.7 on the cost-killer road`` for the headline pair (or every policy)."""
    pair = data.focus_pair(results)
    names = list(pair) if pair else data.policies(results)
    items = [
        t("on_road", style.lang, v=fmt(data.mean_outcome(results, p, metric)), road=style.phrases(p, p)["a"])
        for p in names
    ]
    return join_words(items, style.lang)


def people_figure(results: Results, theme: str | Theme = "talk", lang: str = "en") -> go.Figure:
    """Headcount, engagement, initial staff still there, and cumulative hires, quits and layoffs over time."""
    style = style_for(results, theme, lang)
    quits = per_policy(results, style, "quits", lambda v: count(v, lang))
    title = t("people_title", lang, years=years_text(results.summary["years"], lang), quits=quits)
    subtitle = t("people_subtitle", lang, n=data.n_replicates(results))
    return panels_figure(results, style, title, subtitle, PEOPLE_PANELS, cols=3)


def customers_figure(results: Results, theme: str | Theme = "talk", lang: str = "en") -> go.Figure:
    """The customer base and the share of the initial customers still there, over time."""
    style = style_for(results, theme, lang)
    kept = per_policy(results, style, "customer_retention", lambda v: percent(v, lang))
    title = t("customers_title", lang, years=years_text(results.summary["years"], lang), kept=kept)
    subtitle = t("customers_subtitle", lang, n=data.n_replicates(results))
    return panels_figure(results, style, title, subtitle, CUSTOMER_PANELS, cols=2)


# --- the paired difference -----------------------------------------------------------------------------------


def waterfall_figure(
    results: Results, theme: str | Theme = "talk", lang: str = "en", a: str | None = None, b: str | None = None
) -> go.Figure:
    """Why A beats B (or not): the mean paired difference of cumulative profit, channel by channel, then the
    total. Bars up favour A (in A's colour), bars down favour B (in B's colour)."""
    style = style_for(results, theme, lang)
    a, b = require_pair(results, a, b)
    bars, total = data.waterfall(results, a, b)
    words = {"a": style.label(a), "b": style.label(b)}
    years = years_text(results.summary["years"], lang)
    key = "waterfall_more" if total >= 0 else "waterfall_less"
    title = t(key, lang, total=money_short(abs(total), lang), years=years, **style.phrases(a, b))
    subtitle = t("waterfall_subtitle", lang, n=data.n_replicates(results), **words)
    canvas = Canvas.single(style, title, subtitle)
    width = 13 if len(bars) > 7 else 18
    labels = [wrap(channel_label(c, lang), width) for c, _ in bars] + [wrap(channel_label("total", lang), width)]
    values = [v for _, v in bars] + [total]
    canvas.add(
        {
            "type": "waterfall", "x": labels, "y": np.array(values) / KEUR,
            "measure": ["relative"] * len(bars) + ["total"], "name": t("difference_axis", lang, **words),
            "text": [money_short(v, lang, sign=True) for v in values], "textposition": "outside",
            "cliponaxis": False, "textfont": {"size": style.theme.tick_size},
            "increasing": {"marker": {"color": style.colours[a]}},
            "decreasing": {"marker": {"color": style.colours[b]}}, "totals": {"marker": {"color": INK}},
            "connector": {"line": {"color": "#AAAAAA", "width": 1.5, "dash": "dot"}},
            "hovertemplate": "%{x}: %{y:+,.1f} k EUR<extra></extra>",
        }
    )  # fmt: skip
    canvas.axis("x", **style.theme.axis(showgrid=False, ticks=""))
    canvas.axis("y", **style.theme.axis(t("k_eur", lang), tickformat=",.0f", range=waterfall_range(values)))
    return canvas.figure()


def waterfall_range(values: list[float]) -> list[float]:
    """y range (k EUR) holding every running total and the total, with room for the bar labels."""
    running = np.cumsum([0.0, *values[:-1]]) / KEUR
    top, bottom = max(running.max(), values[-1] / KEUR, 0.0), min(running.min(), values[-1] / KEUR, 0.0)
    pad = 0.14 * (top - bottom or 1.0)
    return [bottom - pad, top + pad]


def difference_figure(
    results: Results, theme: str | Theme = "talk", lang: str = "en", a: str | None = None, b: str | None = None
) -> go.Figure:
    """The distribution of the paired NPV difference A - B over replicates, P(A beats B) as the title, the runs
    coloured by what drove them (``data.drivers``; by which road is ahead for runs saved without the
    indicators), with each group's count and mean in the legend."""
    style = style_for(results, theme, lang)
    a, b = require_pair(results, a, b)
    diff = data.paired_difference(results, a, b, "npv")
    pair = data.pair_summary(results, a, b)
    words = {"a": style.label(a), "b": style.label(b)}
    lo, hi = pair["npv_diff"]["ci95"] or (diff.mean(), diff.mean())  # one replicate: no interval
    p = pair["p_a_beats_b"]
    title = (
        t("difference_title", lang, k=round(100 * p), **style.phrases(a, b))
        if p is not None
        else t("difference_title_few", lang, n=len(diff), **style.phrases(a, b))
    )
    subtitle = t(
        "difference_subtitle", lang, n=len(diff), mean=money_short(diff.mean(), lang, sign=True),
        lo=money_short(lo, lang, sign=True), hi=money_short(hi, lang, sign=True), **words,
    )  # fmt: skip
    found = data.drivers(results, a, b)
    groups = driver_groups(style, found, diff, b) if found else ahead_groups(style, diff, a, b)
    if found:
        subtitle += t("drivers_subtitle", lang, b=style.phrases(a, b)["b"])
    canvas = Canvas.single(style, title, subtitle)
    edges, width = histogram_edges(diff / KEUR)
    centres = (edges[:-1] + edges[1:]) / 2
    for name, marker, mask in groups:
        counts, _ = np.histogram(diff[mask] / KEUR, bins=edges)
        canvas.add({
            "type": "bar", "x": centres, "y": counts, "width": width, "name": name, "marker": marker,
            "hovertemplate": f"{name.replace('<br>', ' ')}: %{{x:+,.0f}} k EUR · %{{y}}<extra></extra>",
        })  # fmt: skip
    mean = diff.mean() / KEUR
    canvas.vline(0, {"color": INK, "width": 2})
    canvas.vline(mean, {"color": INK, "width": 2, "dash": "dash"})
    canvas.annotate(
        x=mean, y=1.0, xref="x", yref="y domain", text=t("mean", lang, v=money_short(diff.mean(), lang, sign=True)),
        showarrow=False, xanchor="left", yanchor="bottom", xshift=8, font={"size": style.theme.text_size},
    )  # fmt: skip
    canvas.axis("x", **style.theme.axis(t("npv_difference", lang), tickformat=",.0f", showgrid=False,
                                        range=[edges[0], edges[-1]]))  # fmt: skip
    canvas.axis("y", **style.theme.axis(t("runs", lang), rangemode="tozero", tickformat=",d"))
    canvas.layout.update(bargap=0.0, barmode="stack")
    if found:
        canvas.legend_right([name for name, _, _ in groups])
    else:
        canvas.legend_top(room_below=1.2 * style.theme.text_size)  # room for the mean's label
    labels_px = side_labels(canvas, [t("b_wins", lang, **words), t("a_wins", lang, **words)], edges)
    tallest = max(np.histogram(diff / KEUR, bins=edges)[0].max(), 1)
    free = max(0.5, 1 - (labels_px + 8) / canvas.panel_px(1))  # the bars stay below the side labels
    canvas.axis("y", range=[0, tallest / free])
    return canvas.figure()


def side_labels(canvas: Canvas, texts: list[str], edges: np.ndarray) -> float:
    """Which side of zero is whose win: each label beside the zero line on its own side when it fits there;
    a label too long for its side starts at zero on a row of its own with an arrow to its side, so no label
    runs over the y axis or the legend. Returns the height the labels take at the top of the plot, px."""
    theme = canvas.style.theme
    plot_px = theme.width - theme.margin["l"] - canvas.layout["margin"]["r"]
    room_px = plot_px * np.array([-edges[0], edges[-1]]) / (edges[-1] - edges[0])
    label_px = np.array([0.55 * theme.text_size * len(text) + 10 for text in texts])
    fits = label_px <= room_px
    rows = [0, 0] if fits.all() else ([0, 1] if fits[0] else [1, 0])
    for i, side in enumerate(("left", "right")):  # left of zero the second road (B) wins, right of it A
        toward = side if fits[i] else ("right" if side == "left" else "left")  # the side the text extends to
        text = texts[i] if fits[i] else (f"◀ {texts[i]}" if side == "left" else f"{texts[i]} ▶")
        canvas.annotate(
            x=0, y=1.0, xref="x", yref="y domain", text=text, showarrow=False,
            xanchor="right" if toward == "left" else "left", yanchor="top", xshift=-10 if toward == "left" else 10,
            yshift=-1.4 * theme.text_size * rows[i], font={"size": theme.text_size, "color": INK},
            bgcolor="white",
        )  # fmt: skip
    return 1.4 * theme.text_size * (1 + max(rows))


def driver_groups(style: Style, found: data.Drivers, diff: np.ndarray, b: str) -> list[tuple[str, dict, np.ndarray]]:
    """(legend name, marker, mask) per driver group: what, whose road, how many runs, their mean difference.
    Road B's drivers are hatched: whose trouble it was reads without colour (a colour-blind reader, a
    black-and-white print) and the same driver on both roads stays two groups."""
    groups = []
    for driver, road, mask in found.present():
        what = (
            f"{t(f'driver_{driver}', style.lang)}<br><i>{style.label(road)}</i>"
            if road
            else t("driver_none", style.lang)
        )
        count = t("driver_count", style.lang, n=int(mask.sum()), mean=money_short(diff[mask].mean(), style.lang, True))
        pattern = {
            "shape": "/" if road == b else "",
            "fillmode": "overlay",
            "fgcolor": "white",
            "size": 8,
            "solidity": 0.3,
        }
        marker = {"color": DRIVER_COLOURS[driver], "line": {"color": "white", "width": 0.5}, "pattern": pattern}
        groups.append((f"{what}<br>{count}", marker, mask))
    return groups


def ahead_groups(style: Style, diff: np.ndarray, a: str, b: str) -> list[tuple[str, dict, np.ndarray]]:
    """Runs where A is ahead and where B is, in the roads' colours."""
    words = {"a": style.label(a), "b": style.label(b)}
    return [
        (t(key, style.lang, **words), {"color": style.colours[policy], "line": {"color": "white", "width": 0.5}}, mask)
        for key, policy, mask in (("a_wins", a, diff > 0), ("b_wins", b, diff <= 0))
    ]


def histogram_edges(values: np.ndarray, target_bins: int = 30) -> tuple[np.ndarray, float]:
    """Bin edges of a round width with an edge at zero, and the width."""
    lo, hi = float(np.min(values)), float(np.max(values))
    span = max(hi - lo, abs(hi), 1e-9)
    width = nice_step(span / target_bins)
    edges = np.arange(np.floor(min(lo, 0.0) / width), np.ceil(max(hi, 0.0) / width) + 1) * width
    if len(edges) < 2 or hi == lo:
        edges = np.array([-width, 0.0, width])
    return edges, width


def histogram(values: np.ndarray, target_bins: int = 30) -> tuple[np.ndarray, np.ndarray, float]:
    """Counts on bins of a round width with an edge at zero: (centres, counts, width)."""
    edges, width = histogram_edges(values, target_bins)
    counts, _ = np.histogram(values, bins=edges)
    return (edges[:-1] + edges[1:]) / 2, counts, width


def nice_step(raw: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k at least ``raw``."""
    power = 10 ** np.floor(np.log10(raw))
    return float(next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw))


# --- the headline slide -------------------------------------------------------------------------------------

CLEAR_SHARE = 0.9  # "pays" when the mean's 95 % interval excludes zero and it wins in 9 futures of 10


def verdict(results: Results, style: Style, a: str, b: str) -> str:
    """The verdict in board words, from the paired NPV difference of ``a`` and ``b``:

    - its 95 % interval holds zero: "no clear winner", with the share of futures where the leader is ahead;
    - otherwise the road the mean favours "pays" when it is ahead in at least ``CLEAR_SHARE`` of the paired
      runs, and else "earns more on average, but the other wins in k of 100 futures".
    """
    pair = data.pair_summary(results, a, b)
    years = years_text(results.summary["years"], style.lang)
    if pair["npv_diff"]["ci95"] is None or pair["p_a_beats_b"] is None:  # too few runs to judge
        return t("verdict_few", style.lang, n=data.n_replicates(results), years=years)
    mean, (lo, hi) = pair["npv_diff"]["mean"], pair["npv_diff"]["ci95"]
    share_a = pair["p_a_beats_b"]
    share_b = float((data.paired_difference(results, a, b, "npv") < 0).mean())
    if lo <= 0 <= hi:
        x, share = (a, share_a) if share_a >= share_b else (b, share_b)
        return t("verdict_unclear", style.lang, x=style.phrases(x, x)["a"], k=round(100 * share), years=years)
    x, y, share_x, share_y = (a, b, share_a, share_b) if mean > 0 else (b, a, share_b, share_a)
    words = {**style.phrases(x, y), "money": money_short(abs(mean), style.lang), "years": years}
    if share_x >= CLEAR_SHARE:
        return t("verdict_clear", style.lang, k=round(100 * share_x), **words)
    return t("verdict_mostly", style.lang, k=round(100 * share_y), **words)


def headline_numbers(results: Results, style: Style, a: str, b: str) -> list[tuple[str, str, str, str]]:
    """(heading, big number A - B, what it counts with both roads' values, a second line) for money, people
    and customers."""
    lang = style.lang
    mean = lambda policy, metric: data.mean_outcome(results, policy, metric)  # noqa: E731
    pair = data.pair_summary(results, a, b)
    lo, hi = pair["npv_diff"]["ci95"] or (pair["npv_diff"]["mean"],) * 2  # one replicate: no interval
    both = lambda metric, fmt: {"va": fmt(mean(a, metric)), "vb": fmt(mean(b, metric))}  # noqa: E731
    number = lambda v: compact(v, lang) if abs(v) >= 100 else count(v, lang)  # noqa: E731
    share = lambda v: percent(v, lang)  # noqa: E731
    years = years_text(results.summary["years"], lang)
    words = {**style.phrases(a, b), "years": years}
    diff = lambda metric: mean(a, metric) - mean(b, metric)  # noqa: E731
    return [
        (t("h_money", lang), money_short(pair["npv_diff"]["mean"], lang, sign=True),
         t("h_money_what", lang, **words),
         t("r_ci", lang, lo=money_short(lo, lang, True), hi=money_short(hi, lang, True))),
        (t("h_people", lang), number_sign(diff("final_headcount"), lang, mean(b, "final_headcount")),
         t("h_people_what", lang, **words, **both("final_headcount", number)),
         t("h_staff_kept", lang, **both("employee_retention", share))),
        (t("h_customers", lang), number_sign(diff("final_customers"), lang, mean(b, "final_customers")),
         t("h_customers_what", lang, **words, **both("final_customers", number)),
         t("h_customers_kept", lang, **both("customer_retention", share))),
    ]  # fmt: skip


def number_sign(x: float, lang: str, base: float) -> str:
    """A signed difference of counts for a headline, as precise as the counts it compares (``base``, one of
    them): ``+1.0`` people of 19, ``+15`` customers of 395, ``+1,230``."""
    if abs(x) >= 100:
        return compact(x, lang, sign=True)
    return number(x, lang, 0 if abs(base) >= 100 else 1, sign=True)


def headline_figure(results: Results, theme: str | Theme = "talk", lang: str = "en") -> go.Figure:
    """The headline slide: the verdict (``verdict``) as the title; money (NPV difference), people (employed
    at the horizon) and customers (at the horizon) as three big numbers, A - B, each with both roads'
    values; below, in how many of 100 simulated futures each road comes out ahead on NPV."""
    style = style_for(results, theme, lang)
    a, b = require_pair(results, None, None)
    subtitle = t("h_subtitle", lang, scenario=scenario_title(results, lang), n=data.n_replicates(results),
                 years=years_text(results.summary["years"], lang), a=style.label(a), b=style.label(b))  # fmt: skip
    canvas = Canvas.single(style, verdict(results, style, a, b), subtitle)
    size = style.theme
    column_chars = int((size.width - size.margin["l"] - size.margin["r"]) / 3 / (0.5 * size.text_size)) - 2
    for column, (heading, big, what, more) in enumerate(headline_numbers(results, style, a, b)):
        x = column / 3
        for y, text, font in (
            (0.98, f"<b>{heading}</b>", {"size": size.text_size, "color": "#555555"}),
            (0.9, f"<b>{big}</b>", {"size": round(2.4 * size.title_size), "color": INK}),
            (0.64, wrap(what, column_chars), {"size": size.text_size, "color": INK}),
            (0.48, wrap(more, column_chars), {"size": size.text_size, "color": "#555555"}),
        ):
            canvas.annotate(x=x, y=y, xref="paper", yref="paper", text=text, showarrow=False, xanchor="left",
                            yanchor="top", align="left", font=font)  # fmt: skip
    diff = data.paired_difference(results, a, b, "npv")
    shares = [(a, float((diff > 0).mean())), (b, float((diff < 0).mean()))]
    for policy, share in shares:
        k = round(100 * share)
        canvas.add(
            {"type": "bar", "orientation": "h", "x": [100 * share], "y": [""], "name": style.label(policy),
             "marker": {"color": style.colours[policy]}, "text": [t("h_ahead", lang, road=style.label(policy), k=k)],
             "textposition": "inside", "insidetextanchor": "middle", "textfont": {"size": size.text_size,
             "color": "white"}, "hoverinfo": "skip", "xaxis": "x2", "yaxis": "y2"},
            panel=2,
        )  # fmt: skip
    canvas.layout["xaxis"] = {"visible": False, "domain": [0, 1]}
    canvas.layout["yaxis"] = {"visible": False, "domain": [0.3, 1.0]}
    canvas.layout["xaxis2"] = {"visible": False, "domain": [0, 1], "range": [0, 100], "anchor": "y2"}
    canvas.layout["yaxis2"] = {"visible": False, "domain": [0.0, 0.14], "anchor": "x2"}
    canvas.layout["barmode"] = "stack"
    canvas.annotate(x=0, y=0.16, xref="paper", yref="paper", text=t("h_ahead_heading", lang), showarrow=False,
                    xanchor="left", yanchor="bottom", font={"size": size.text_size, "color": "#555555"})  # fmt: skip
    return canvas.figure()


# --- the research toolkit ------------------------------------------------------------------------------------


def frontier_figure(
    frame: pd.DataFrame,
    theme: str | Theme = "talk",
    lang: str = "en",
    a: str = "reinvest",
    b: str = "cost_cutting",
    x_name: str | None = None,
    y_name: str | None = None,
) -> go.Figure:
    """Heatmap of ``value`` (A - B in EUR, e.g. the NPV difference) over two levers, and the zero contour.

    Args:
        frame: columns ``x``, ``y``, ``value``, one row per grid point; ``frame.attrs`` may name the levers
            (``x_name``, ``y_name``, e.g. ``levers.reskilling_success``) and the pair (``a``, ``b``).
        a, b: the policies compared (A's colour where positive, B's where negative).
        x_name, y_name: lever names for the axis titles (default: ``frame.attrs``, else ``x`` and ``y``).
    """
    a, b = frame.attrs.get("a", a), frame.attrs.get("b", b)
    style = make_style(theme, lang, [b, a])
    x_name, y_name = x_name or frame.attrs.get("x_name", "x"), y_name or frame.attrs.get("y_name", "y")
    grid = frame.pivot_table(index="y", columns="x", values="value", aggfunc="mean") / KEUR
    words = {"a": style.label(a), "b": style.label(b)}
    value = f"{t('npv_difference', lang).split(' (')[0]} ({words['a']} − {words['b']})"
    canvas = Canvas.single(
        style, t("frontier_title", lang, **style.phrases(a, b)), t("frontier_subtitle", lang, value=value)
    )
    z = grid.to_numpy()
    limit = float(np.nanmax(np.abs(z))) or 1.0
    canvas.add(
        {
            "type": "heatmap", "x": grid.columns.to_numpy(), "y": grid.index.to_numpy(), "z": z,
            "colorscale": [[0.0, style.colours[b]], [0.5, "#FFFFFF"], [1.0, style.colours[a]]],
            "zmin": -limit, "zmax": limit, "hovertemplate": "%{x}, %{y}: %{z:+,.0f} k EUR<extra></extra>",
            "colorbar": {"title": {"text": t("frontier_value", lang), "side": "right"}, "tickformat": ",.0f",
                         "tickfont": {"size": style.theme.tick_size}, "thickness": 0.9 * style.theme.text_size},
        }
    )  # fmt: skip
    canvas.add(
        {
            "type": "contour", "x": grid.columns.to_numpy(), "y": grid.index.to_numpy(), "z": z, "showscale": False,
            "hoverinfo": "skip", "contours": {"start": 0, "end": 0, "size": 1, "coloring": "none"},
            "line": {"color": INK, "width": style.theme.line_width}, "name": t("no_difference", lang),
        }
    )  # fmt: skip
    for policy, key in ((a, "a_wins"), (b, "b_wins")):  # legend squares: which colour means which road leads
        canvas.add({"type": "bar", "x": [None], "y": [None], "name": t(key, lang, **words),
                    "marker": {"color": style.colours[policy]}, "hoverinfo": "skip"})  # fmt: skip
    canvas.axis("x", **style.theme.axis(lever_label(x_name, lang), showgrid=False))
    canvas.axis("y", **style.theme.axis(lever_label(y_name, lang), showgrid=False))
    canvas.legend_top()
    return canvas.figure()


def tornado_figure(
    frame: pd.DataFrame,
    theme: str | Theme = "talk",
    lang: str = "en",
    base: float | None = None,
    value_label: str | None = None,
) -> go.Figure:
    """One-at-a-time sensitivity: for each parameter, the result (EUR) at its low and at its high end.

    Args:
        frame: columns ``parameter``, ``low``, ``high`` (the result with the parameter at each end of its range).
        base: the result at the central values (default: ``frame.attrs['base']``, else the mean of the ends).
        value_label: what the result is (default: the NPV difference).
    """
    style = make_style(theme, lang, [])
    frame = frame.assign(span=(frame["high"] - frame["low"]).abs()).sort_values("span")
    if base is None:
        base = float(frame.attrs.get("base", np.mean([frame["low"].mean(), frame["high"].mean()])))
    value_label = value_label or frame.attrs.get("value_label") or t("npv_difference", lang).split(" (")[0]
    subtitle = t("tornado_subtitle", lang, value=value_label, base=money_short(base, lang, sign=True))
    canvas = Canvas.single(style, t("tornado_title", lang), subtitle)
    labels = [lever_label(p, lang) for p in frame["parameter"]]
    for column, key, colour, shape in (
        ("low", "low_end", OKABE_ITO["sky_blue"], "/"),
        ("high", "high_end", OKABE_ITO["orange"], ""),
    ):
        canvas.add(
            {
                "type": "bar", "y": labels, "x": (frame[column].to_numpy(dtype=float) - base) / KEUR,
                "base": base / KEUR, "orientation": "h", "name": t(key, lang),
                "marker": {"color": colour, "pattern": {"shape": shape if style.theme.dashes else ""}},
                "text": [money_short(v, lang, sign=True) for v in frame[column]], "textposition": "outside",
                "cliponaxis": False, "textfont": {"size": style.theme.tick_size},
                "hovertemplate": "%{y}: %{x:+,.0f} k EUR<extra></extra>",
            }
        )  # fmt: skip
    canvas.vline(base / KEUR, {"color": INK, "width": 2})
    canvas.layout["barmode"] = "overlay"
    ends = np.concatenate([frame["low"], frame["high"], [base]]) / KEUR
    pad = 0.18 * (ends.max() - ends.min() or 1.0)  # room for the labels outside the bars
    canvas.axis(
        "x", **style.theme.axis(t("k_eur", lang), tickformat=",.0f", range=[ends.min() - pad, ends.max() + pad])
    )
    canvas.axis("y", **style.theme.axis(showgrid=False, ticks=""))
    canvas.legend_top()
    return canvas.figure()


def sobol_figure(frame: pd.DataFrame, theme: str | Theme = "talk", lang: str = "en") -> go.Figure:
    """Sobol indices: first-order and total effect of each parameter with their 95 % intervals.

    Args:
        frame: columns ``parameter``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (SALib ``sobol.analyze`` output).
    """
    style = make_style(theme, lang, [])
    frame = frame.sort_values("ST")
    canvas = Canvas.single(style, t("sobol_title", lang), t("sobol_subtitle", lang))
    labels = [lever_label(p, lang) for p in frame["parameter"]]
    for column, key, colour, shape in (
        ("S1", "first_order", OKABE_ITO["sky_blue"], "/"),
        ("ST", "total_order", OKABE_ITO["blue"], ""),
    ):
        canvas.add(
            {
                "type": "bar", "y": labels, "x": frame[column].to_numpy(dtype=float), "orientation": "h",
                "name": t(key, lang),
                "marker": {"color": colour, "pattern": {"shape": shape if style.theme.dashes else ""}},
                "error_x": {"type": "data", "array": frame[f"{column}_conf"].to_numpy(dtype=float), "color": INK,
                            "thickness": 2},
                "hovertemplate": "%{y}: %{x:.2f}<extra></extra>",
            }
        )  # fmt: skip
    top = float(np.nanmax(frame["ST"] + frame["ST_conf"])) if len(frame) else 1.0
    canvas.layout.update(barmode="group", bargap=0.25)
    canvas.axis(
        "x", **style.theme.axis(t("sensitivity_index", lang), range=[0, max(1.0, top * 1.05)], tickformat=".1f")
    )
    canvas.axis("y", **style.theme.axis(showgrid=False, ticks=""))
    canvas.legend_top()
    return canvas.figure()


def research_builder(name: str, build: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
    """A registry builder reading ``name`` from the results directory; the headline pair names the policies."""

    def builder(results: Results, theme: str | Theme = "talk", lang: str = "en") -> go.Figure:
        frame = pd.read_parquet(Path(results.path) / name)
        pair = data.focus_pair(results)
        if build is frontier_figure and pair:
            return build(frame, theme, lang, a=pair[0], b=pair[1])
        if build is tornado_figure and pair and "base" not in frame.attrs:
            return build(frame, theme, lang, base=data.pair_summary(results, *pair)["npv_diff"]["mean"])
        return build(frame, theme, lang)

    return builder


# --- the registry ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureSpec:
    """A chart name, its builder ``(results, theme, lang, **pair) -> Figure`` and when it applies."""

    name: str
    build: Callable[..., go.Figure]
    per_pair: bool = False  # one figure per paired comparison (A vs the reference)
    needs_pair: bool = False  # drawn only when the run compares policies
    source: str | None = None  # needs this file in the results directory
    default: bool = True  # drawn when no --only is given


FIGURES: dict[str, FigureSpec] = {
    spec.name: spec
    for spec in (
        FigureSpec("headline", headline_figure, needs_pair=True),
        FigureSpec("crossover", crossover_figure),
        FigureSpec("hours", hours_figure),
        FigureSpec("people", people_figure),
        FigureSpec("customers", customers_figure),
        FigureSpec("waterfall", waterfall_figure, per_pair=True),
        FigureSpec("difference", difference_figure, per_pair=True),
        FigureSpec("frontier", research_builder("frontier.parquet", frontier_figure), source="frontier.parquet"),
        FigureSpec("tornado", research_builder("tornado.parquet", tornado_figure), source="tornado.parquet"),
        FigureSpec("sobol", research_builder("sobol.parquet", sobol_figure), source="sobol.parquet"),
        FigureSpec("cash", cash_figure, default=False),
    )
}


def check_names(only: list[str] | None) -> list[str]:
    """Chart names to draw (the defaults when ``only`` is None); ValueError naming unknown ones."""
    if only is None:
        return [name for name, spec in FIGURES.items() if spec.default]
    unknown = [name for name in only if name not in FIGURES]
    if unknown or not only:
        raise ValueError(f"--only {','.join(unknown) or '(empty)'}: unknown chart; allowed: {','.join(FIGURES)}")
    return list(dict.fromkeys(only))


def build_figures(
    results: Results, theme: str | Theme = "talk", lang: str = "en", only: list[str] | None = None
) -> list[tuple[str, go.Figure]]:
    """(file stem, figure) for each chart that applies to ``results``, in story order (``FIGURES``'s order).

    Paired charts come once per pair: the headline pair's stem is the chart name, other pairs add
    ``-A-vs-B``. Research charts come only when their file exists; naming one in ``only`` without its file
    is a ValueError. A one-policy run has no paired charts.
    """
    names = check_names(only)
    focus = data.focus_pair(results)
    figures = []
    for name in names:
        spec = FIGURES[name]
        if spec.source and not (Path(results.path) / spec.source).exists():
            if only is not None:
                raise ValueError(f"{name}: needs {spec.source} in {results.path} (run the sweep or sensitivity first)")
            continue
        if spec.needs_pair and focus is None:
            continue
        if not spec.per_pair:
            figures.append((name, spec.build(results, theme, lang)))
            continue
        for a, b in data.pairs(results):
            stem = name if (a, b) == focus else f"{name}-{a}-vs-{b}"
            figures.append((stem, spec.build(results, theme, lang, a=a, b=b)))
    return figures
