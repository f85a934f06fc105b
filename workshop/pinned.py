"""Scenarios side by side: up to four pinned comparisons in one chart, drawn with the charts' canvas and theme.

Each pinned comparison keeps its headline numbers (``workshop.state.PinNumbers``), so the chart needs no new
simulation: one bar per pinned scenario, the mean NPV difference A − B with its 95 % interval, in the colour of
the road ahead, labelled with the share of simulated futures where A is ahead.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from charts.canvas import Canvas, make_style
from charts.i18n import money_short, percent
from charts.theme import INK
from model.scenario import Scenario
from workshop.i18n import policy_name, t
from workshop.state import Pin, PinNumbers

KEUR = 1000.0


def bar_label(numbers: PinNumbers, scenario: Scenario, lang: str) -> str:
    """``+51k EUR · Strategic road ahead in 71%``: the difference, and the road whose bar it is with its share."""
    money = f"<b>{money_short(numbers.npv_diff, lang, sign=True)}</b>"
    if numbers.p_a_beats_b is None:  # too few futures for a share
        return money
    a_leads = numbers.npv_diff >= 0
    share = numbers.p_a_beats_b if a_leads else 1.0 - numbers.p_a_beats_b
    road = policy_name(scenario, numbers.a if a_leads else numbers.b, lang)
    return f"{money} · {t('w_ahead_share', lang, road=road, p=percent(share, lang))}"


def pinned_figure(pins: list[Pin], scenario: Scenario, theme: str = "screen", lang: str = "en") -> go.Figure:
    """The NPV difference of each pinned comparison, top to bottom in the order they were pinned."""
    roads = sorted({road for pin in pins for road in (pin.numbers.a, pin.numbers.b)})
    style = make_style(theme, lang, roads)
    pairs = {(pin.numbers.a, pin.numbers.b) for pin in pins}
    diffs = np.array([pin.numbers.npv_diff for pin in pins])
    if len(pairs) == 1:
        a, b = next(iter(pairs))
        ahead = int((diffs > 0).sum())
        road, k = (a, ahead) if 2 * ahead >= len(pins) else (b, int((diffs < 0).sum()))
        title = t("w_pinned_title", lang, a=policy_name(scenario, road, lang), k=k, n=len(pins))
    else:
        title = t("w_pinned_title_mixed", lang)
    canvas = Canvas.single(style, title, t("w_pinned_subtitle", lang))
    labels = [pin.label for pin in reversed(pins)]
    for pin, label in zip(reversed(pins), labels):
        numbers = pin.numbers
        lo, hi = numbers.interval_or_mean()
        leader = numbers.a if numbers.npv_diff >= 0 else numbers.b
        pair = t("w_pair", lang, a=policy_name(scenario, numbers.a, lang), b=policy_name(scenario, numbers.b, lang))
        canvas.add(
            {
                "type": "bar", "orientation": "h", "y": [label], "x": [numbers.npv_diff / KEUR],
                "marker": {"color": style.colours[leader]}, "showlegend": False, "name": label,
                "error_x": {"type": "data", "symmetric": False, "array": [(hi - numbers.npv_diff) / KEUR],
                            "arrayminus": [(numbers.npv_diff - lo) / KEUR], "color": INK, "thickness": 2},
                "hovertemplate": f"{label} ({pair}): %{{x:+,.0f}} k EUR<extra></extra>",
            }
        )  # fmt: skip
        right = numbers.npv_diff >= 0  # the label sits beyond the interval, on the bar's side
        canvas.annotate(
            x=(hi if right else lo) / KEUR, y=label, xref="x", yref="y", showarrow=False,
            xanchor="left" if right else "right", xshift=10 if right else -10,
            text=bar_label(numbers, scenario, lang),
            font={"size": style.theme.tick_size, "color": INK},
        )  # fmt: skip
    ends = np.concatenate([[0.0], *zip(*(p.numbers.interval_or_mean() for p in pins))])
    pad = 0.8 * (ends.max() - ends.min() or 1.0)  # room for the labels beside the intervals
    canvas.vline(0, {"color": INK, "width": 2})
    canvas.axis(
        "x",
        **style.theme.axis(
            t("w_pinned_axis", lang), tickformat=",.0f", range=[(ends.min() - pad) / KEUR, (ends.max() + pad) / KEUR]
        ),
    )
    canvas.axis("y", **style.theme.axis(showgrid=False, ticks="", automargin=True))
    canvas.layout.update(bargap=0.35, height=max(260, 120 + 90 * len(pins)))
    return canvas.figure()
