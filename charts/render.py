"""Re-render the charts of a results directory (``python run.py charts RESULTS``), without re-simulating.

Files are named ``NAME-LANG.EXT`` (``crossover-fr.png``), so English and French renders can share a folder.
HTML charts share one ``plotly.min.js`` written beside them (offline, loaded once); the report
(``report-LANG.html``) is self-contained. Static formats need Chromium; without it the HTML is written
instead and one line on stderr says how to get PNG/SVG/PDF.
"""

from __future__ import annotations

import sys
from pathlib import Path

FORMATS = ("html", "png", "svg", "pdf")
PLOTLY_JS = "plotly.min.js"


def check_formats(formats: list[str] | tuple[str, ...]) -> list[str]:
    """Lower-cased, de-duplicated formats; ValueError naming an unknown one and the allowed ones."""
    wanted = [f.strip().lower().lstrip(".") for f in formats if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise ValueError(f"--format {','.join(unknown) or '(empty)'}: unknown format; allowed: {','.join(FORMATS)}")
    return list(dict.fromkeys(wanted))


def render_charts(
    results_dir: str | Path,
    formats: list[str] | tuple[str, ...] = ("html",),
    theme: str = "talk",
    lang: str = "en",
    only: list[str] | None = None,
    out: str | Path | None = None,
) -> list[Path]:
    """Draw the charts of ``results_dir`` and return the paths written.

    Args:
        results_dir: a directory written by ``run.py compare``.
        formats: any of html, png, svg, pdf.
        theme: ``talk`` (1920x1080, big type) or ``paper`` (compact, prints in grey).
        lang: ``en`` or ``fr``.
        only: chart names (see ``charts.figures.FIGURES``); None draws the default set.
        out: output directory (default: ``RESULTS/charts``).

    Raises:
        ValueError: a user's mistake (unknown format, theme, language or chart; not a results directory),
            with a one-line message.
    """
    from charts.figures import build_figures, check_names
    from charts.i18n import check_lang
    from charts.theme import get_theme

    formats = check_formats(formats)
    style = get_theme(theme)
    check_lang(lang)
    check_names(only)
    from experiments.results import load_results

    results = load_results(results_dir)
    out_dir = Path(out) if out else Path(results_dir) / "charts"
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = build_figures(results, style, lang, only)
    written = write_static(figures, formats, style, lang, out_dir)
    if "html" in formats or (set(formats) - {"html"} and not written):
        written = (
            write_html(figures, style, lang, out_dir) + [write_report_for(results, style, lang, out_dir)] + written
        )
    return written


def write_static(figures, formats: list[str], theme, lang: str, out_dir: Path) -> list[Path]:
    """PNG/SVG/PDF of every figure in one browser session; [] (and a hint on stderr) without Chromium."""
    from charts.export import ChromiumMissing
    from charts.export import write_static as export

    jobs = [(fig, out_dir / f"{stem}-{lang}.{ext}") for ext in formats if ext != "html" for stem, fig in figures]
    try:
        return export(jobs, theme)
    except ChromiumMissing as missing:
        print(str(missing), file=sys.stderr)
        return []


def write_html(figures, theme, lang: str, out_dir: Path) -> list[Path]:
    """One interactive HTML file per figure, all loading the ``plotly.min.js`` written beside them."""
    from charts.report import plotly_config

    paths = []
    for stem, fig in figures:
        path = out_dir / f"{stem}-{lang}.html"
        fig.write_html(path, include_plotlyjs="directory", full_html=True, config=plotly_config(stem, theme))
        paths.append(path)
    return paths


def write_report_for(results, theme, lang: str, out_dir: Path) -> Path:
    from charts.report import write_report

    return write_report(results.path, lang=lang, theme=theme, path=out_dir / f"report-{lang}.html", results=results)
