"""A figure under construction as plain dicts, validated once by plotly at the end.

Building a plotly figure through ``make_subplots`` and repeated ``update_*`` calls validates every property
at every step, which made the report take seconds; composing dicts and calling ``go.Figure`` once is about
ten times faster. ``Canvas`` keeps the few things the figures need: a grid of panels with left-aligned
headings, traces placed in a panel, lines and shaded spans across panels, a legend between the subtitle and
the plot, and labels at the right end of lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go

from charts.i18n import check_lang
from charts.theme import GREY, INK, Theme, get_theme, policy_colours, policy_dashes, rgba
from model.labels import policy_label, policy_phrase

if TYPE_CHECKING:
    from model.scenario import Scenario


@dataclass(frozen=True)
class Style:
    """What every figure of one results set shares: theme, language, colours and dashes by policy, and the
    scenario whose policies' labels the figures use (None: labels from the kind named like each policy)."""

    theme: Theme
    lang: str
    colours: dict[str, str]
    dashes: dict[str, str]
    scenario: Scenario | None = None

    def label(self, policy: str) -> str:
        return policy_label(self.scenario, policy, self.lang)

    def phrases(self, a: str, b: str) -> dict[str, str]:
        """Title words for a pair: ``A``/``B`` open a sentence, ``a``/``b`` sit inside one."""
        phrase = lambda name, start=False: policy_phrase(self.scenario, name, self.lang, start)  # noqa: E731
        return {"A": phrase(a, True), "B": phrase(b, True), "a": phrase(a), "b": phrase(b)}

    def line(self, policy: str, width: float | None = None) -> dict[str, Any]:
        return self.theme.line(self.colours.get(policy, GREY), self.dashes.get(policy, "solid"), width)


def make_style(theme: str | Theme, lang: str, names: list[str], scenario: Scenario | None = None) -> Style:
    return Style(get_theme(theme), check_lang(lang), policy_colours(names), policy_dashes(names), scenario)


def axis_name(panel: int, letter: str) -> str:
    """Layout key of a panel's axis: ``xaxis`` for panel 1, ``xaxis2`` for panel 2..."""
    return f"{letter}axis" if panel == 1 else f"{letter}axis{panel}"


def axis_ref(panel: int, letter: str) -> str:
    """Trace reference of a panel's axis: ``x`` for panel 1, ``x2`` for panel 2..."""
    return letter if panel == 1 else f"{letter}{panel}"


@dataclass
class Canvas:
    """Traces and layout of one figure as dicts; ``figure()`` validates them once."""

    style: Style
    layout: dict[str, Any]
    traces: list[dict[str, Any]] = field(default_factory=list)
    panels: int = 1
    header: float = 0.0  # height of the title block, px

    @classmethod
    def single(cls, style: Style, title: str, subtitle: str) -> Canvas:
        """One plot area under the title block."""
        return cls(
            style, style.theme.layout(title, subtitle, style.lang), header=style.theme.header_px(title, subtitle)
        )

    @classmethod
    def grid(
        cls,
        style: Style,
        title: str,
        subtitle: str,
        rows: int,
        cols: int,
        headings: list[str],
        hspace: float = 0.07,
        vspace: float = 0.14,
        row_heights: list[float] | None = None,
        shared_x: bool = False,
    ) -> Canvas:
        """Panels in ``rows`` x ``cols`` (numbered 1.. row by row from the top), each with a left-aligned heading."""
        layout = style.theme.layout(title, subtitle, style.lang, extra_top=heading_px(style))
        heights = np.asarray(row_heights or [1.0] * rows, dtype=float)
        heights = heights / heights.sum() * (1 - vspace * (rows - 1))
        width = (1 - hspace * (cols - 1)) / cols
        annotations = []
        for row in range(rows):
            top = 1 - heights[:row].sum() - vspace * row
            for col in range(cols):
                panel = row * cols + col + 1
                left = col * (width + hspace)
                x, y = axis_name(panel, "x"), axis_name(panel, "y")
                layout[x] = {"domain": [left, left + width], "anchor": axis_ref(panel, "y")}
                layout[y] = {"domain": [top - heights[row], top], "anchor": axis_ref(panel, "x")}
                if shared_x and row < rows - 1:
                    layout[x].update(matches=axis_ref(rows * cols - cols + col + 1, "x"), showticklabels=False)
                if panel <= len(headings) and headings[panel - 1]:
                    annotations.append(heading(style, headings[panel - 1], left, top))
        layout["annotations"] = annotations
        return cls(style, layout, panels=rows * cols, header=style.theme.header_px(title, subtitle))

    def add(self, traces: list[dict[str, Any]] | dict[str, Any], panel: int = 1) -> None:
        """Place traces in ``panel``; shaded bands go under every line of the batch so no band dims a line."""
        batch = [traces] if isinstance(traces, dict) else traces
        for trace in sorted(batch, key=lambda tr: "fill" not in tr):
            self.traces.append({**trace, "xaxis": axis_ref(panel, "x"), "yaxis": axis_ref(panel, "y")})

    def axis(self, letter: str, panel: int | None = None, **props: Any) -> None:
        """Merge ``props`` into one panel's axis (or every panel's when ``panel`` is None)."""
        for number in [panel] if panel else range(1, self.panels + 1):
            self.layout.setdefault(axis_name(number, letter), {}).update(props)

    def annotate(self, **props: Any) -> None:
        self.layout.setdefault("annotations", []).append(props)

    def shape(self, **props: Any) -> None:
        self.layout.setdefault("shapes", []).append(props)

    def vline(self, x: float, line: dict[str, Any], panels: list[int] | None = None) -> None:
        """A vertical line at ``x`` across the full height of each panel."""
        for panel in panels or [1]:
            self.shape(type="line", x0=x, x1=x, y0=0, y1=1, xref=axis_ref(panel, "x"),
                       yref=f"{axis_ref(panel, 'y')} domain", line=line, layer="above")  # fmt: skip

    def hline(self, y: float, line: dict[str, Any], panel: int = 1) -> None:
        self.shape(type="line", x0=0, x1=1, y0=y, y1=y, xref=f"{axis_ref(panel, 'x')} domain",
                   yref=axis_ref(panel, "y"), line=line, layer="below")  # fmt: skip

    def legend_top(self, room_below: float = 0.0) -> None:
        """A horizontal legend right under the subtitle; the top margin grows by its height and ``room_below``
        (pixels kept free between the legend and the plot, e.g. for a label above the plot)."""
        theme = self.style.theme
        header = self.layout["margin"]["t"]
        self.layout["margin"]["t"] = header + 2.2 * theme.text_size + room_below
        plot_px = theme.height - self.layout["margin"]["t"] - theme.margin["b"]
        top_px = self.header - 0.6 * theme.text_size  # from the top of the figure: just under the subtitle
        self.layout["showlegend"] = True
        self.layout["legend"] = {
            "orientation": "h", "x": 0.0, "xanchor": "left", "yanchor": "top",  # xref container breaks automargin
            "y": 1.0 + (self.layout["margin"]["t"] - top_px) / plot_px, "font": {"size": theme.text_size},
            "itemwidth": 40, "bgcolor": "rgba(255,255,255,0)",
        }  # fmt: skip

    def legend_right(self, names: list[str]) -> None:
        """A vertical legend right of the plot (long entries: ``<br>`` splits them); the right margin grows to
        hold the widest line."""
        theme = self.style.theme
        widest = max(len(re.sub(r"<[^>]+>", "", line)) for name in names for line in name.split("<br>"))
        self.layout["margin"]["r"] = int(0.55 * theme.text_size * widest + 60)
        self.layout["showlegend"] = True
        self.layout["legend"] = {
            "orientation": "v", "x": 1.02, "xanchor": "left", "y": 1.0, "yanchor": "top", "traceorder": "normal",
            "font": {"size": theme.text_size}, "bgcolor": "rgba(255,255,255,0)", "itemwidth": 40,
            "tracegroupgap": 0.6 * theme.text_size,
        }  # fmt: skip

    def panel_px(self, panel: int) -> float:
        """Height of a panel's plot area in layout pixels."""
        theme = self.style.theme
        bottom, top = self.layout.get(axis_name(panel, "y"), {}).get("domain", [0.0, 1.0])
        return (top - bottom) * (theme.height - self.layout["margin"]["t"] - theme.margin["b"])

    def figure(self) -> go.Figure:
        return go.Figure(data=self.traces, layout=self.layout)


def heading_px(style: Style) -> float:
    """Room for one line of panel headings above the top row of panels."""
    return 1.5 * style.theme.text_size


def heading(style: Style, text: str, x: float, y: float) -> dict[str, Any]:
    return {
        "text": text, "x": x, "y": y, "xref": "paper", "yref": "paper", "xanchor": "left", "yanchor": "bottom",
        "yshift": 4, "showarrow": False, "font": {"size": style.theme.text_size, "color": INK},
    }  # fmt: skip


def band_traces(
    x: np.ndarray,
    q: dict[int, np.ndarray],
    colour: str,
    style: Style,
    name: str,
    line: dict,
    ninety: bool = True,
    outline: bool = False,
) -> list[dict[str, Any]]:
    """90 % band, 50 % band and median line of one series (bands carry no hover and no legend entry).

    ``outline`` draws the 50 % band as its two edges only, thin and dotted in the series' colour: where two
    series' bands overlap, shaded bands would blend into a grey that reads as a third series.
    """
    a50, a90 = style.theme.band_alpha
    polygons = [(5, 95, a90)] if ninety else []
    polygons += [] if outline else [(25, 75, a50)]
    traces = [
        {
            "type": "scatter", "x": np.concatenate([x, x[::-1]]), "y": np.concatenate([q[hi], q[lo][::-1]]),
            "fill": "toself", "fillcolor": rgba(colour, alpha), "line": {"width": 0}, "hoverinfo": "skip",
            "showlegend": False, "legendgroup": name, "name": f"{name} {hi - lo} %", "mode": "lines",
        }
        for lo, hi, alpha in polygons
    ]  # fmt: skip
    if outline:
        traces.append({
            "type": "scatter", "x": np.concatenate([x, [np.nan], x]), "y": np.concatenate([q[75], [np.nan], q[25]]),
            "mode": "lines", "line": {"color": colour, "width": max(1.0, style.theme.line_width / 3), "dash": "dot"},
            "hoverinfo": "skip", "showlegend": False, "legendgroup": name, "name": f"{name} 50 %",
        })  # fmt: skip
    traces.append({"type": "scatter", "x": x, "y": q[50], "mode": "lines", "line": line, "name": name,
                   "legendgroup": name, "showlegend": False})  # fmt: skip
    return traces


def spread(values: list[float], min_gap: float) -> list[float]:
    """Nudge label positions apart (keeping their order) so that neighbours are at least ``min_gap`` apart."""
    order = np.argsort(values)
    original = np.asarray(values, dtype=float)[order]
    placed = original.copy()
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + min_gap)
    placed -= (placed - original).mean() / 2
    result = np.empty_like(placed)
    result[order] = placed
    return result.tolist()


def end_labels(canvas: Canvas, items: list[tuple[str, str, float]], x: float, panel: int, span: float) -> None:
    """Label lines at their right end: (text, colour, y); ``span`` is the y range, for spacing labels apart
    by at least a line of text."""
    ys = spread([y for _, _, y in items], 1.15 * canvas.style.theme.text_size / canvas.panel_px(panel) * span)
    for (text, colour, _), y in zip(items, ys):
        canvas.annotate(
            x=x, y=y, xref=axis_ref(panel, "x"), yref=axis_ref(panel, "y"), text=f"<b>{text}</b>", showarrow=False,
            xanchor="left", xshift=10, font={"color": colour, "size": canvas.style.theme.text_size},
        )  # fmt: skip


def label_margin(style: Style, labels: list[str]) -> int:
    """Right margin wide enough for the longest end-of-line label."""
    return int(0.62 * style.theme.text_size * max(len(label) for label in labels) + 30)


def zero_line(width: float = 1.5) -> dict[str, Any]:
    return {"color": INK, "width": width}
