"""Re-render the charts of a results directory (``python run.py charts RESULTS``), without re-simulating.

Files are named by chart, theme and language (``crossover-talk-en.png``), so renders in another theme or
language sit beside earlier ones instead of replacing them. Every render is listed in ``renders.json`` in the
output folder (when, the command, theme, language, formats, the files written and any file it replaced), and a
file that an earlier render wrote is never replaced without a line on stderr saying so. HTML charts share one
``plotly.min.js`` written beside them (offline, loaded once); the report (``report-THEME-LANG.html``) is
self-contained. Static formats need Chromium; without it the HTML is written instead and one line on stderr
says how to get PNG/SVG/PDF. ``deck=True`` writes every chart as one 16:9 PDF in story order
(``deck-THEME-LANG.pdf``).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

FORMATS = ("html", "png", "svg", "pdf")
PLOTLY_JS = "plotly.min.js"
RENDERS = "renders.json"


def check_formats(formats: list[str] | tuple[str, ...]) -> list[str]:
    """Lower-cased, de-duplicated formats; ValueError naming an unknown one and the allowed ones."""
    wanted = [f.strip().lower().lstrip(".") for f in formats if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise ValueError(f"--format {','.join(unknown) or '(empty)'}: unknown format; allowed: {','.join(FORMATS)}")
    return list(dict.fromkeys(wanted))


def file_name(stem: str, theme: str, lang: str, ext: str) -> str:
    """``crossover-talk-en.png``: chart, theme, language."""
    return f"{stem}-{theme}-{lang}.{ext}"


def render_charts(
    results_dir: str | Path,
    formats: list[str] | tuple[str, ...] | None = ("html",),
    theme: str = "talk",
    lang: str = "en",
    only: list[str] | None = None,
    out: str | Path | None = None,
    deck: bool = False,
) -> list[Path]:
    """Draw the charts of ``results_dir`` and return the paths written.

    Args:
        results_dir: a directory written by ``run.py compare``.
        formats: any of html, png, svg, pdf (None or empty with ``deck``: the deck alone).
        theme: ``talk`` (1920x1080, big type) or ``paper`` (compact, prints in grey).
        lang: ``en`` or ``fr``.
        only: chart names (see ``charts.figures.FIGURES``); None draws the default set.
        out: output directory (default: ``RESULTS/charts``).
        deck: also write every chart as one 16:9 PDF, in story order (``charts.deck``).

    Raises:
        ValueError: a user's mistake (unknown format, theme, language or chart; not a results directory),
            with a one-line message.
    """
    from charts.figures import build_figures, check_names
    from charts.i18n import check_lang
    from charts.theme import get_theme

    formats = check_formats(formats) if formats or not deck else []
    style = get_theme(theme)
    check_lang(lang)
    check_names(only)
    from experiments.results import load_results

    results = load_results(results_dir)
    out_dir = Path(out) if out else Path(results_dir) / "charts"
    out_dir.mkdir(parents=True, exist_ok=True)
    earlier = {path for path in out_dir.iterdir() if path.is_file()}
    figures = build_figures(results, style, lang, only)
    written = write_static(figures, formats, style, lang, out_dir)
    if "html" in formats or (set(formats) - {"html"} and not written):
        written = (
            write_html(figures, style, lang, out_dir) + [write_report_for(results, style, lang, out_dir)] + written
        )
    if deck:
        written += write_deck_for(results, figures, style, lang, only, out_dir)
    record_render(out_dir, results_dir, style.name, lang, formats, [stem for stem, _ in figures], written, earlier)
    return written


def write_static(figures, formats: list[str], theme, lang: str, out_dir: Path) -> list[Path]:
    """PNG/SVG/PDF of every figure in one browser session; [] (and a hint on stderr) without Chromium."""
    from charts.export import ChromiumMissing
    from charts.export import write_static as export

    jobs = [
        (fig, out_dir / file_name(stem, theme.name, lang, ext))
        for ext in formats
        if ext != "html"
        for stem, fig in figures
    ]
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
        path = out_dir / file_name(stem, theme.name, lang, "html")
        fig.write_html(path, include_plotlyjs="directory", full_html=True, config=plotly_config(stem, theme))
        paths.append(path)
    return paths


def write_report_for(results, theme, lang: str, out_dir: Path) -> Path:
    from charts.report import write_report

    path = out_dir / file_name("report", theme.name, lang, "html")
    return write_report(results.path, lang=lang, theme=theme, path=path, results=results)


def write_deck_for(results, figures, theme, lang: str, only: list[str] | None, out_dir: Path) -> list[Path]:
    """The deck PDF (figures drawn again when the theme is not 16:9); [] and a hint on stderr without Chromium."""
    from charts.deck import slide_theme, write_deck
    from charts.export import ChromiumMissing
    from charts.figures import build_figures

    slides = slide_theme(theme)
    if slides is not theme:
        figures = build_figures(results, slides, lang, only)
    try:
        return [write_deck(figures, slides, out_dir / file_name("deck", theme.name, lang, "pdf"))]
    except ChromiumMissing as missing:
        print(str(missing), file=sys.stderr)
        return []


def record_render(
    out_dir: Path,
    results_dir: str | Path,
    theme: str,
    lang: str,
    formats: list[str],
    charts: list[str],
    written: list[Path],
    earlier: set[Path],
) -> None:
    """Add this render to ``renders.json`` and say on stderr which files of earlier renders it replaced."""
    path = out_dir / RENDERS
    renders = json.loads(path.read_text(encoding="utf-8"))["renders"] if path.exists() else []
    replaced = sorted(p.name for p in written if p in earlier and p.name != PLOTLY_JS)
    if replaced:
        print(
            f"{out_dir}: replaced {len(replaced)} file(s) of an earlier render (same chart, theme and language): "
            f"{', '.join(replaced)}",
            file=sys.stderr,
        )
    renders.append(
        {
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
            "results": str(results_dir),
            "theme": theme,
            "lang": lang,
            "formats": formats,
            "charts": charts,
            "files": [p.name for p in written],
            "replaced": replaced,
        }
    )
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps({"renders": renders}, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
