"""Regenerate the chart gallery: ``.venv/bin/python -m charts.gallery``.

Runs the default comparison (scenarios/assistant.toml with its own replicates and seed, as ``python run.py``
does) into a temporary results directory, renders the talk charts in English and French into docs/img and
rewrites docs/gallery.md. Images are written at half the talk size (960x540) to keep the repository small;
``run.py charts --format png --theme talk`` gives the full 1920x1080 slides.
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
GALLERY_SCALE = 0.5
COMMAND = ".venv/bin/python -m charts.gallery"

CAPTIONS = {  # chart name -> (heading, what it shows); neutral wording: the data decide who wins
    "crossover": ("The crossover", "Cumulative profit per policy (median, 50 % and 90 % of runs), the paired "
                  "difference below, and the month from which one road stays ahead, when there is one."),
    "hours": ("Where the hours go", "Paid hours a month by task category before the tool and at the horizon: the "
              "routine work the tool removes and what each policy does with the time."),
    "people": ("People", "Headcount, engagement, initial staff still there, and hires, quits and layoffs over time."),
    "customers": ("Customers", "The customer base and the share of the initial customers still there."),
    "waterfall": ("Where the difference comes from", "The paired profit difference channel by channel (salaries, "
                  "severance, training, turnover, errors, customer revenue, new-work value, tool...), then the total."),
    "difference": ("How sure", "The NPV difference in each paired run, and how often one policy beats the other."),
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


def render_gallery(results_dir: Path, images: Path = IMAGES) -> list[tuple[str, dict[str, Path]]]:
    """Talk PNGs of every default chart in English and French (one browser); (stem, {lang: path}) in order."""
    from charts.export import write_static
    from charts.figures import build_figures
    from charts.theme import get_theme
    from experiments.results import load_results

    theme = dataclasses.replace(get_theme("talk"), export_scale=GALLERY_SCALE)
    results = load_results(results_dir)
    jobs, entries = [], {}
    for lang in ("en", "fr"):
        for stem, fig in build_figures(results, theme, lang):
            path = images / f"{stem}-{lang}.png"
            jobs.append((fig, path))
            entries.setdefault(stem, {})[lang] = path
    write_static(jobs, theme)
    return list(entries.items())


def gallery_markdown(entries: list[tuple[str, dict[str, Path]]], results_dir: Path) -> str:
    """docs/gallery.md: how to regenerate, then each chart in English and French."""
    from experiments.results import load_results

    summary = load_results(results_dir).summary
    lines = [
        "# Chart gallery",
        "",
        f"The talk charts of the default comparison (`python run.py`: scenarios/assistant.toml, "
        f"{summary['replicates']} paired runs x {summary['years']} years, seed {summary['seed']}), in English "
        "and French. Regenerate this page and its images with:",
        "",
        "```sh",
        COMMAND,
        "```",
        "",
        "Images here are half size (960x540) to keep the repository light. For slides, render any results "
        "directory at full size (1920x1080) with `python run.py charts RESULTS --format png --theme talk "
        "--lang fr`; `--theme paper` gives compact charts that print in grey, `--format html,svg,pdf` the "
        "other formats. Every `python run.py compare` also writes `report.html` (one offline file: headline "
        "numbers, summary, charts, assumptions with sources, provenance).",
        "",
        "The frontier heatmap, the tornado and the Sobol bars join the set when a results directory holds "
        "`frontier.parquet`, `tornado.parquet` or `sobol.parquet` (from the sweep and sensitivity tools).",
        "",
    ]
    for stem, paths in entries:
        heading, caption = CAPTIONS.get(stem.split("-")[0], (stem, ""))
        lines += [f"## {heading} (`--only {stem.split('-')[0]}`)", "", caption, ""]
        for lang, label in (("en", "English"), ("fr", "Français")):
            if lang in paths:
                rel = paths[lang].relative_to(DOCS).as_posix()
                lines += [f"![{stem}, {label}]({rel})", ""]
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
        (DOCS / "gallery.md").write_text(gallery_markdown(entries, results_dir), encoding="utf-8")
    for _, paths in entries:
        for path in paths.values():
            print(path.relative_to(ROOT))
    print(DOCS.relative_to(ROOT) / "gallery.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
