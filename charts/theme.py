"""Themes (``talk``, ``paper``) and the colour-blind-safe palette with one fixed colour per policy.

The palette is Okabe & Ito (2008), safe for the common colour-vision deficiencies; tests/charts check every
set of colours drawn together under a simulated deuteranopia (Machado et al. 2009, via colorspacious). Each known policy keeps
its colour in every chart; unknown policy names take the next free colour in order of appearance, so the
same comparison always gets the same colours. The ``paper`` theme adds a dash pattern per policy so that
lines stay apart when printed in grey.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
GREY = "#7A7A7A"
STATUS_QUO_GREY = "#555555"  # darker than GREY: apart from attrition's bluish green for deuteranopes too
BEFORE_FILL = "#DADADA"  # "before the tool" bars: light fill, dark outline (apart from the status quo's grey)
INK = "#222222"

POLICY_COLOURS = {
    "cost_cutting": OKABE_ITO["vermillion"],
    "reinvest": OKABE_ITO["blue"],
    "hybrid": OKABE_ITO["reddish_purple"],
    "attrition": OKABE_ITO["bluish_green"],
    "status_quo": STATUS_QUO_GREY,
}
# What drove a paired run (charts.data.DRIVERS): colours apart from the roads' blue and vermillion, the runs no
# rule explains in light grey so that the named groups stand out.
DRIVER_COLOURS = {
    "reskilling_failed": OKABE_ITO["orange"],
    "reskilled_left": OKABE_ITO["yellow"],  # apart from orange and grey for a deuteranope too
    "work_undone": OKABE_ITO["bluish_green"],
    "customers_left": OKABE_ITO["sky_blue"],
    "none": "#C8C8C8",
}
FREE_COLOURS = (OKABE_ITO["orange"], OKABE_ITO["sky_blue"], OKABE_ITO["black"], OKABE_ITO["yellow"])
POLICY_DASHES = {
    "reinvest": "solid",
    "cost_cutting": "dash",
    "hybrid": "dot",
    "attrition": "dashdot",
    "status_quo": "longdash",
}
FREE_DASHES = ("longdashdot", "solid", "dash", "dot")

TITLE_EM = 0.47  # titles are sentences: narrower on average than subtitles full of numbers
FONT_FAMILY = "Inter, 'Helvetica Neue', Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"


def policy_colours(names: list[str]) -> dict[str, str]:
    """A colour for every policy in ``names``: fixed for known names, the next free colour for others."""
    free = iter(FREE_COLOURS * (1 + len(names) // len(FREE_COLOURS)))
    return {name: POLICY_COLOURS.get(name) or next(free) for name in names}


def policy_dashes(names: list[str]) -> dict[str, str]:
    """A line dash for every policy (used by the ``paper`` theme)."""
    free = iter(FREE_DASHES * (1 + len(names) // len(FREE_DASHES)))
    return {name: POLICY_DASHES.get(name) or next(free) for name in names}


def deuteranopia(colour: str) -> str:
    """``#RRGGBB`` as a person with deuteranopia sees it (Machado, Oliveira & Fernandes 2009, severity 100)."""
    from colorspacious import cspace_convert

    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    simulated = cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": "deuteranomaly", "severity": 100}, "sRGB1")
    return "#" + "".join(f"{round(255 * min(max(v, 0.0), 1.0)):02X}" for v in simulated)


def colour_distance(a: str, b: str) -> float:
    """Perceptual distance of two ``#RRGGBB`` colours (CAM02-UCS delta E; about 1 is just noticeable)."""
    from colorspacious import deltaE

    rgb = lambda c: [int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)]  # noqa: E731
    return float(deltaE(rgb(a), rgb(b), input_space="sRGB1"))


def rgba(colour: str, alpha: float) -> str:
    """``#RRGGBB`` as an ``rgba()`` string with opacity ``alpha``."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha:g})"


@dataclass(frozen=True)
class Theme:
    """Sizes and styles of one output medium. Pixel sizes are layout pixels at ``width`` x ``height``."""

    name: str
    width: int
    height: int
    export_scale: float
    title_size: int
    subtitle_size: int
    text_size: int  # axis titles, legend, annotations
    tick_size: int
    line_width: float
    band_alpha: tuple[float, float]  # 50 % band, 90 % band
    dashes: bool
    min_font: int  # no text smaller than this (px)
    margin: dict[str, int] = field(default_factory=dict)

    def line(self, colour: str, dash: str = "solid", width: float | None = None) -> dict[str, Any]:
        return {"color": colour, "width": width or self.line_width, "dash": dash if self.dashes else "solid"}

    def wrap(self, text: str, size: int, em: float = 0.52) -> list[str]:
        """Lines of ``text`` (split at ``<br>``, then wrapped to the plot width at font ``size``; ``em`` is the
        mean character width in ems: about 0.45 for sentence text, 0.52 with many digits and capitals)."""
        width = max(20, int((self.width - self.margin["l"] - self.margin["r"]) / (em * size)))
        return [
            line for part in text.split("<br>") for line in (textwrap.wrap(part, width, break_on_hyphens=False) or [""])
        ]

    def header_px(self, title: str, subtitle: str) -> float:
        """Height of the title block (title and subtitle lines with their gaps), in layout pixels."""
        title_lines = len(self.wrap(title, self.title_size, TITLE_EM))
        subtitle_lines = len(self.wrap(subtitle, self.subtitle_size)) if subtitle else 0
        return (
            self.margin["pad_t"]
            + 1.25 * self.title_size * title_lines
            + 1.35 * self.subtitle_size * subtitle_lines
            + (0.6 * self.subtitle_size if subtitle_lines else 0.0)  # plotly's gap between title and subtitle
            + 1.0 * self.text_size
        )

    def layout(self, title: str, subtitle: str = "", lang: str = "en", extra_top: float = 0.0) -> dict[str, Any]:
        """The base layout: fonts, sizes, title block (top margin sized to it), white background.

        Args:
            title: the takeaway; wrapped to the figure width.
            subtitle: what the chart shows; ``<br>`` starts a new line, long lines are wrapped.
            lang: sets the decimal and thousands separators of axes and hover labels.
            extra_top: pixels to add below the title block (panel headings, a legend).
        """
        from charts.i18n import separators

        margin = {k: v for k, v in self.margin.items() if k in ("l", "r", "b")}
        title_lines = self.wrap(title, self.title_size, TITLE_EM)
        margin["t"] = int(self.header_px(title, subtitle) + extra_top + 0.3 * self.title_size * (len(title_lines) - 1))
        # plotly anchors a multi-line title's top at its first baseline: push it down by the extra lines
        pad = self.margin["pad_t"] + (len(title_lines) - 1) * self.title_size
        return {
            "width": self.width,
            "height": self.height,
            "font": {"family": FONT_FAMILY, "size": self.text_size, "color": INK},
            "title": {
                "text": "<br>".join(title_lines),
                "x": 0.0,
                "xref": "paper",
                "xanchor": "left",
                "y": 1.0,
                "yref": "container",
                "yanchor": "top",
                "pad": {"t": pad},
                "font": {"size": self.title_size, "color": INK},
                "subtitle": {
                    "text": "<br>".join(self.wrap(subtitle, self.subtitle_size)),
                    "font": {"size": self.subtitle_size, "color": "#555555"},
                },
            },
            "margin": margin,
            "template": "none",
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "separators": separators(lang),
            "showlegend": False,
            "legend": {"font": {"size": self.text_size}, "bgcolor": "rgba(255,255,255,0)"},
            "hoverlabel": {"font": {"size": max(self.tick_size, 14)}},
        }

    def axis(self, title: str = "", **extra: Any) -> dict[str, Any]:
        """An axis with the theme's tick and title sizes and a light grid."""
        return {
            "title": {"text": title, "font": {"size": self.text_size}},
            "tickfont": {"size": self.tick_size},
            "gridcolor": "#E6E6E6",
            "zerolinecolor": "#9E9E9E",
            "linecolor": "#9E9E9E",
            "showline": True,
            "ticks": "outside",
            "tickcolor": "#9E9E9E",
            "automargin": True,
            **extra,
        }


THEMES = {
    "talk": Theme(
        name="talk",
        width=1920,
        height=1080,
        export_scale=1.0,
        title_size=46,
        subtitle_size=24,
        text_size=24,
        tick_size=22,
        line_width=5.0,
        band_alpha=(0.10, 0.10),
        dashes=False,
        min_font=18,
        margin={"l": 110, "r": 80, "b": 100, "pad_t": 36},
    ),
    "paper": Theme(
        name="paper",
        width=1000,
        height=600,
        export_scale=2.0,
        title_size=19,
        subtitle_size=13,
        text_size=13,
        tick_size=12,
        line_width=2.2,
        band_alpha=(0.08, 0.08),
        dashes=True,
        min_font=9,
        margin={"l": 70, "r": 40, "b": 60, "pad_t": 14},
    ),
    "screen": Theme(  # the HTML report: a browser page, width set by the window
        name="screen",
        width=1100,
        height=560,
        export_scale=1.0,
        title_size=22,
        subtitle_size=14,
        text_size=15,
        tick_size=13,
        line_width=2.6,
        band_alpha=(0.10, 0.10),
        dashes=False,
        min_font=11,
        margin={"l": 70, "r": 40, "b": 60, "pad_t": 16},
    ),
}
PUBLIC_THEMES = ("talk", "paper")


def get_theme(theme: str | Theme) -> Theme:
    """The theme called ``theme`` (or ``theme`` itself); ValueError naming the allowed names otherwise."""
    if isinstance(theme, Theme):
        return theme
    if theme not in THEMES:
        raise ValueError(f"--theme {theme}: unknown theme; allowed: {', '.join(PUBLIC_THEMES)}")
    return THEMES[theme]
