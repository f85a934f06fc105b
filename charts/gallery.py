"""Regenerate the chart gallery: ``.venv/bin/python -m charts.gallery``.

Runs the default comparison (scenarios/assistant.toml with its own replicates and seed, as ``python run.py``
does) into a temporary results directory, renders every default chart in both themes and both languages into
docs/img (named like ``run.py charts`` names them: ``crossover-talk-en.png``), adds the crossover and difference
charts as a person with deuteranopia sees them, and rewrites docs/gallery.md. To keep the repository small,
images are drawn at half the talk size (960x540) and the paper's layout size (1000x600), and stored with a
256-colour palette; ``run.py charts --format png`` gives the full-size slides. Needs the ``docs`` extra
(Pillow, colorspacious).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "assistant.toml"
DOCS = ROOT / "docs"
IMAGES = DOCS / "img"
GALLERY_SCALE = {"talk": 0.5, "paper": 1.0}
THEMES = ("talk", "paper")
LANGS = ("en", "fr")
SIMULATED = ("crossover", "difference")  # also shown as a deuteranope sees them
COMMAND = ".venv/bin/python -m charts.gallery"

CAPTIONS = {  # chart name -> (heading, what it shows); neutral wording: the data decide who wins
    "headline": ("The headline slide", "The verdict in board words, then money (NPV difference), people "
                 "(employed at the horizon) and customers (at the horizon), and in how many of 100 simulated "
                 "futures each road comes out ahead."),
    "crossover": ("The crossover", "Cumulative profit per policy (median, 50 % and 90 % of runs), the paired "
                  "difference below, and the month from which one road stays ahead, when there is one."),
    "hours": ("Where the hours go", "Paid hours a month by task category before the tool and at the horizon: the "
              "routine work the tool removes and what each policy does with the time."),
    "people": ("People", "Headcount, engagement, initial staff still there, and hires, quits and layoffs over time."),
    "customers": ("Customers", "The customer base and the share of the initial customers still there."),
    "waterfall": ("Where the difference comes from", "The paired profit difference channel by channel (salaries, "
                  "severance, training, turnover, errors, customer revenue, new-work value, tool...), then the total."),
    "difference": ("How sure, and why", "The NPV difference in each paired run, and how often one road beats the "
                   "other; runs are coloured by what drove them (rules in the report: reskilling fell through, "
                   "reskilled staff left, required work left undone, customers left)."),
}  # fmt: skip


def run_default(out_dir: Path, replicates: int | None = None) -> Path:
    """Run the default comparison and save it like ``run.py compare`` (a docs tool; charts never simulate)."""
    from experiments.compare import run_comparison
    from experiments.results import manifest, write_results
    from model import load_scenario

    scenario = load_scenario(SCENARIO)
    n = replicates or scenario.simulation.replicates
    seed = scenario.simulation.seed
    monthly, outcomes, summary = run_comparison(scenario, scenario.policy_names(), n, seed)
    path = str(SCENARIO.relative_to(ROOT))
    write_results(
        out_dir, scenario, monthly, outcomes, summary, manifest(path, scenario, [], scenario.policy_names(), n, seed)
    )
    return out_dir


def render_gallery(results_dir: Path, images: Path = IMAGES) -> list[tuple[str, dict[tuple[str, str], Path]]]:
    """PNGs of every default chart in both themes and languages (one browser), shrunk; (stem, {(theme, lang):
    path}) in story order."""
    from charts.export import write_static
    from charts.figures import build_figures
    from charts.render import file_name
    from charts.theme import get_theme
    from experiments.results import load_results

    results = load_results(results_dir)
    entries: dict[str, dict[tuple[str, str], Path]] = {}
    for theme_name in THEMES:
        theme = dataclasses.replace(get_theme(theme_name), export_scale=GALLERY_SCALE[theme_name])
        jobs = []
        for lang in LANGS:
            for stem, fig in build_figures(results, theme, lang):
                path = images / file_name(stem, theme_name, lang, "png")
                jobs.append((fig, path))
                entries.setdefault(stem, {})[(theme_name, lang)] = path
        write_static(jobs, theme)
    for paths in entries.values():
        for path in paths.values():
            shrink(path)
    return list(entries.items())


def shrink(path: Path, colours: int = 256) -> None:
    """Store a PNG with a palette of ``colours`` (charts have few colours; anti-aliased edges keep well)."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def simulate_deuteranopia(source: Path, target: Path) -> Path:
    """``source`` as a person with deuteranopia sees it (Machado et al. 2009, through colorspacious)."""
    import numpy as np
    from colorspacious import cspace_convert
    from PIL import Image

    with Image.open(source) as image:
        rgb = np.asarray(image.convert("RGB"), dtype=float) / 255
    cvd = {"name": "sRGB1+CVD", "cvd_type": "deuteranomaly", "severity": 100}
    seen = np.clip(cspace_convert(rgb, cvd, "sRGB1"), 0, 1)
    Image.fromarray(np.round(255 * seen).astype(np.uint8)).save(target)
    shrink(target)
    return target


def gallery_markdown(entries: list[tuple[str, dict[tuple[str, str], Path]]], results_dir: Path) -> str:
    """docs/gallery.md: how to regenerate, then each chart in both themes and languages."""
    from experiments.results import load_results

    summary = load_results(results_dir).summary
    lines = [
        "# Chart gallery",
        "",
        f"Every chart of the default comparison (`python run.py`: scenarios/assistant.toml, "
        f"{summary['replicates']} paired runs x {summary['years']} years, seed {summary['seed']}), in both themes "
        "(`talk`, `paper`) and both languages, named as `run.py charts` names them (`CHART-THEME-LANG.png`). "
        "Regenerate this page and its images with:",
        "",
        "```sh",
        COMMAND,
        "```",
        "",
        "Images here are small to keep the repository light (talk at half size, 960x540; paper at 1000x600; a "
        "256-colour palette). For slides, render a results directory at full size with `python run.py charts "
        "RESULTS --format png --theme talk --lang fr` (1920x1080), or `--deck` for every chart as one 16:9 PDF in "
        "this order; `--theme paper` gives compact charts that print in grey. Renders into the same folder never "
        "replace another theme's or language's files, and `charts/renders.json` lists what each render wrote. "
        "Every `python run.py compare` also writes `report.html` (one offline file: the verdict, summary, what "
        "drove the difference, charts, assumptions with sources, provenance).",
        "",
        "The frontier heatmap, the tornado and the Sobol bars join the set when a results directory holds "
        "`frontier.parquet`, `tornado.parquet` or `sobol.parquet` (from the sweep and sensitivity tools).",
        "",
    ]
    for stem, paths in entries:
        name = stem.split("-")[0]
        heading, caption = CAPTIONS.get(name, (stem, ""))
        lines += [f"## {heading} (`--only {name}`)", "", caption, ""]
        for theme in THEMES:
            for lang, label in (("en", "English"), ("fr", "Français")):
                if (theme, lang) in paths:
                    rel = paths[(theme, lang)].relative_to(DOCS).as_posix()
                    lines += [f"![{stem}, {theme}, {label}]({rel})", ""]
        simulated = paths.get(("talk", "en"), Path()).with_name(f"{stem}-talk-en-deuteranopia.png")
        if name in SIMULATED and simulated.exists():
            lines += [
                "As a person with deuteranopia (the most common colour-vision deficiency) sees it, simulated with "
                "the Machado et al. (2009) model:",
                "",
                f"![{stem}, talk, English, simulated deuteranopia]({simulated.relative_to(DOCS).as_posix()})",
                "",
            ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m charts.gallery", description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, help="fewer replicates for a quick look (default: the scenario's)")
    args = parser.parse_args(argv)
    from charts.export import ChromiumMissing

    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gallery-") as tmp:
        results_dir = run_default(Path(tmp), args.replicates)
        try:
            entries = render_gallery(results_dir)
        except ChromiumMissing as missing:
            print(str(missing), file=sys.stderr)
            return 1
        written = [path for _, paths in entries for path in paths.values()]
        written += [
            simulate_deuteranopia(
                paths[("talk", "en")], paths[("talk", "en")].with_name(f"{stem}-talk-en-deuteranopia.png")
            )
            for stem, paths in entries
            if stem in SIMULATED
        ]
        ours = {path for stem, _ in entries for path in IMAGES.glob(f"{stem}-*.png")}  # charts of earlier renders
        for stale in ours - set(written):  # no orphaned chart; the workshop's screenshots are not the gallery's
            stale.unlink()
        (DOCS / "gallery.md").write_text(gallery_markdown(entries, results_dir), encoding="utf-8")
    for path in written:
        print(path.relative_to(ROOT))
    print(DOCS.relative_to(ROOT) / "gallery.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
