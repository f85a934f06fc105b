"""What a room takes home: the page's charts as PNG and SVG (the command line's renderer, ``talk`` theme), the
numbers as CSV, in the page's language."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from pathlib import Path

from charts.i18n import metric_label
from experiments.results import Results
from workshop.i18n import policy_name, t

CHART_FORMATS = ("png", "svg")


def summary_csv(results: Results, lang: str) -> str:
    """Per road: mean and 95 % interval of every outcome; per pair: the paired differences, P(A beats B) and the
    crossover. Column headers and labels in ``lang``; keys as the command line's ``--json`` names them."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [t(k, lang) for k in ("w_csv_section", "w_csv_policy", "w_csv_key", "w_csv_metric", "w_csv_mean",
                              "w_csv_low", "w_csv_high")]
    )  # fmt: skip
    scenario = results.scenario
    for policy, stats in results.summary["policies"].items():
        for key, stat in stats.items():
            if key == "label":  # the display label, not a statistic
                continue
            row = [t("w_csv_per_road", lang), policy_name(scenario, policy, lang), key, metric_label(key, lang)]
            writer.writerow(row + [stat["mean"], *(stat["ci95"] or ["", ""])])
    for pair in results.summary["paired"]:
        road = t("w_pair", lang, a=policy_name(scenario, pair["a"], lang), b=policy_name(scenario, pair["b"], lang))
        section = t("w_csv_paired", lang)
        for key in ("npv_diff", "cumulative_profit_diff"):
            label = metric_label(key.removesuffix("_diff"), lang)
            writer.writerow([section, road, key, label, pair[key]["mean"], *(pair[key]["ci95"] or ["", ""])])
        crossing = pair["crossover_month"]
        writer.writerow([section, road, "p_a_beats_b", t("w_csv_p", lang), pair["p_a_beats_b"], "", ""])
        writer.writerow([section, road, "crossover_month", t("w_csv_crossover", lang), crossing["median"], "", ""])
        writer.writerow([section, road, "share_never", t("w_csv_never", lang), crossing["share_never"], "", ""])
    return out.getvalue()


def charts_zip(results: Results, names: list[str], lang: str) -> bytes:
    """A zip of the charts ``names`` as PNG and SVG at the slide size, plus the numbers as CSV.

    Raises:
        charts.export.ChromiumMissing: no Chromium to draw the images with.
    """
    from charts.export import write_static
    from charts.figures import build_figures
    from charts.theme import get_theme

    theme = get_theme("talk")
    figures = [(stem, fig) for stem, fig in build_figures(results, theme, lang, only=names) if "-vs-" not in stem]
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        jobs = [(fig, Path(tmp) / f"{stem}-{lang}.{ext}") for ext in CHART_FORMATS for stem, fig in figures]
        for path in write_static(jobs, theme):
            archive.write(path, path.name)
        archive.writestr(f"numbers-{lang}.csv", summary_csv(results, lang))
    return buffer.getvalue()
