"""Plain-text tables of a comparison, for the terminal, and what to do next with its results."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

ROWS = (
    ("npv", "NPV", "eur"),
    ("cumulative_profit", "Cumulative profit", "eur"),
    ("value_created", "Value created (revenue)", "eur"),
    ("total_cost", "Total cost", "eur"),
    ("employee_retention", "Employee retention (initial staff)", "pct"),
    ("annual_quit_rate", "Annual quit rate", "pct"),
    ("customer_retention", "Customer retention (initial base)", "pct"),
    ("final_headcount", "Final headcount", "num"),
    ("layoffs", "Layoffs", "num"),
)


def money(x: float) -> str:
    return f"{x / 1000:,.0f}k EUR" if abs(x) >= 10_000 else f"{x:,.0f} EUR"


def fmt(x: float, kind: str) -> str:
    return {"eur": money, "pct": lambda v: f"{100 * v:.1f} %", "num": lambda v: f"{v:.2f}"}[kind](x)


def cell(stat: dict, kind: str) -> str:
    if stat["ci95"] is None:  # one replicate: no interval
        return f"{fmt(stat['mean'], kind)} [n/a]"
    lo, hi = stat["ci95"]
    return f"{fmt(stat['mean'], kind)} [{fmt(lo, kind)}, {fmt(hi, kind)}]"


def label(summary: dict, policy: str) -> str:
    """The English label the charts use (the id for a summary written before labels existed)."""
    return summary["policies"][policy].get("label", {}).get("en", policy)


def name(summary: dict, policy: str) -> str:
    """``Strategic road (reinvest)``: the label with the id a researcher types."""
    text = label(summary, policy)
    return text if text == policy else f"{text} ({policy})"


def probability(p: float | None) -> str:
    return "n/a (too few replicates)" if p is None else f"{100 * p:.0f} %"


def format_summary(summary: dict) -> str:
    policies = list(summary["policies"])
    header = ["", *(name(summary, p) for p in policies)]
    rows = [[text, *(cell(summary["policies"][p][key], kind) for p in policies)] for key, text, kind in ROWS]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    out = [
        f"{summary['scenario']}: {summary['replicates']} replicates x {summary['years']} years, seed {summary['seed']} "
        f"(mean [95 % CI])",
        line(header),
        line(["-" * w for w in widths]),
        *(line(r) for r in rows),
    ]
    for pair in summary["paired"]:
        cross = pair["crossover_month"]
        when = "never" if cross["median"] is None else f"month {cross['median']:.0f}"
        a, b = label(summary, pair["a"]), label(summary, pair["b"])
        out += [
            "",
            f"{name(summary, pair['a'])} vs {name(summary, pair['b'])} (paired, common random numbers):",
            f"  NPV difference      {cell(pair['npv_diff'], 'eur')}",
            f"  P({a} beats {b})  {probability(pair['p_a_beats_b'])}",
            f"  crossover           {when} (median where it happens; never in {100 * cross['share_never']:.0f} % of replicates)",
        ]
    return "\n".join(out)


def format_pairs(summary, policies: list[str]) -> str:
    """A sweep's summary per point: the point's values, the paired NPV difference and P(A beats B)."""
    b = policies[0]
    lines = []
    params = [c for c in summary.columns if "." in c]
    for a in policies[1:]:
        lines.append(f"{a} vs {b}: paired NPV difference per point (mean [95 % CI]), P({a} beats {b})")
        for _, row in summary.iterrows():
            values = ", ".join(f"{p.split('.')[-1]}={row[p]:.4g}" for p in params) or "(the scenario)"
            diff = {s: row[f"{a}_minus_{b}__npv__{s}"] for s in ("mean", "ci_low", "ci_high")}
            lines.append(
                f"  {int(row['point']):>5}  {values}: {money(diff['mean'])} [{money(diff['ci_low'])}, "
                f"{money(diff['ci_high'])}], {100 * row[f'p_{a}_beats_{b}']:.0f} %"
            )
    return "\n".join(lines)


def format_frontier(cells, x: str, y: str, a: str, b: str) -> str:
    """Who wins each cell of a frontier, as a character map (A, B or . for a toss-up), and the counts."""
    xs, ys = sorted(cells["x"].unique()), sorted(cells["y"].unique())
    mark = {a: "A", b: "B", "toss-up": "."}
    winner = {(r.x, r.y): mark[r.winner] for r in cells.itertuples()}
    lines = [f"frontier: A = {a}, B = {b} (95 % CI of A - B excludes 0), . = toss-up; rows {y}, columns {x}"]
    for yv in reversed(ys):
        lines.append(f"  {yv:>8.4g}  " + " ".join(winner[(xv, yv)] for xv in xs))
    lines.append(f"  {'':>8}  {xs[0]:.4g} .. {xs[-1]:.4g}")
    counts = cells["winner"].value_counts()
    lines.append("  " + ", ".join(f"{name}: {counts.get(name, 0)} cells" for name in (a, b, "toss-up")))
    return "\n".join(lines)


def format_breakevens(results, a: str, b: str) -> str:
    """One line per lever: where A - B crosses zero (with its interval), or who wins over the whole range."""
    lines = [f"break-even points of {a} vs {b} (mean paired NPV difference = 0; others at the scenario's values)"]
    width = max(len(r.lever) for r in results)
    for r in results:
        if r.verdict == "crosses":
            side = "above" if r.a_wins_above else "below"
            lo, hi = r.interval
            text = f"{r.value:.3g} (95 % interval {lo:.3g} to {hi:.3g}): {a} wins {side}"
        else:
            text = f"{a if r.verdict == 'a_wins_everywhere' else b} wins over the whole range"
        lines.append(f"  {r.lever:<{width}}  [{r.low:g}, {r.high:g}]  {text}")
    return "\n".join(lines)


def format_indices(indices) -> str:
    """Sensitivity indices with their 95 % intervals, largest first."""
    names = [c for c in indices.columns if c != "parameter" and not c.endswith("_ci")]
    width = max(len(p) for p in indices["parameter"])
    lines = [f"  {'parameter':<{width}}  " + "  ".join(f"{n:>22}" for n in names)]
    for _, row in indices.iterrows():
        cells = [f"{row[n]:>10.3g} ± {row[n + '_ci']:<9.2g}" if f"{n}_ci" in row else f"{row[n]:>22.3g}" for n in names]
        lines.append(f"  {row['parameter']:<{width}}  " + "  ".join(cells))
    return "\n".join(line.rstrip() for line in lines)


def format_boxes(boxes: list[dict]) -> str:
    """PRIM's boxes, one paragraph each."""
    if not boxes:
        return "no box reaches the density threshold: neither road dominates a region of the space"
    return "\n".join(
        f"{box['description']} (coverage {100 * box['coverage']:.0f} %, density {100 * box['density']:.0f} %, "
        f"{box['runs']} runs)"
        for box in boxes
    )


def shown(path: str | Path) -> str:
    """A path as a user types it: relative to the current directory when under it."""
    path = Path(os.path.abspath(path))  # not resolve(): .venv/bin/python is a link the user typed
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def next_steps(out_dir: Path, report: Path | None) -> str:
    """Where the results and the report are, and the exact commands that turn them into slides."""
    run = Path(__file__).resolve().parent.parent / "run.py"
    charts = shlex.join([shown(sys.executable), shown(run), "charts", shown(out_dir)])
    lines = [f"results: {shown(out_dir)}"]
    if report is not None:
        lines.append(f"report:  {shown(report)} (open in a browser; works offline)")
    lines += [
        f"slides:  {charts} --format png --theme talk",
        f"         (1920x1080 PNGs into {shown(out_dir / 'charts')}; add --deck for one 16:9 PDF, --lang fr for French)",
    ]
    return "\n".join(lines)


def format_optimum(summary: dict) -> str:
    """Each policy's search: NPV at default and optimised parameters, in-sample and held out, and what changed."""
    out = [
        f"{summary['scenario']}: each policy at its best ({summary['budget']} trials, {summary['years']} years, "
        f"seed {summary['seed']}; mean NPV [95 % CI])",
        f"  search set:   {summary['search_set']}",
        f"  held-out set: {summary['held_out_set']}",
    ]
    for name, result in summary["policies"].items():
        out += ["", f"{name} (best: trial {result['best_trial']} of {result['trials']})"]
        for label, key in (("in-sample", "in_sample"), ("held-out ", "held_out")):
            npv = result[key]
            out.append(
                f"  {label}  default {cell(npv['default'], 'eur')}  best {cell(npv['best'], 'eur')}  "
                f"best - default {cell(npv['difference'], 'eur')}, P(best beats default) "
                f"{probability(npv['p_best_beats_default'])}"
            )
        changes = ", ".join(f"{k} {value_text(a)} -> {value_text(b)}" for k, (a, b) in result["changed"].items())
        out.append(f"  changed: {changes or 'nothing (the defaults are the best trial)'}")
    seconds = summary["seconds"]
    out += ["", f"{seconds['total']:.0f} s ({seconds['search']:.0f} s of search)"]
    return "\n".join(out)


def value_text(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} {v:.2f}" for k, v in value.items()) + "}"
    return "None" if value is None else str(value)


VERDICTS = {"a_ahead": "{a} ahead", "b_ahead": "{b} ahead", "too_close": "too close to call"}
CHANGES = {
    "survives": "the verdict survives the fair fight",
    "reverses": "the verdict reverses in the fair fight",
    "weakens": "the verdict does not survive: too close to call at their best",
    "sharpens": "too close to call at the defaults; decisive at their best",
}


def format_fair_fight(fight: dict) -> str:
    """Pair by pair: the paired NPV difference and P(A beats B) at default and at optimised parameters, and
    whether the verdict survives."""
    at_defaults = f"; at their defaults: {', '.join(fight['at_defaults'])}" if fight["at_defaults"] else ""
    out = [f"fair fight on held-out {fight['held_out_set']} (optimised: {', '.join(fight['optimised'])}{at_defaults})"]
    for pair in fight["pairs"]:
        names = {"a": pair["a"], "b": pair["b"]}
        sides = {
            label: f"{cell(pair[label]['npv_diff'], 'eur')}, P {probability(pair[label]['p_a_beats_b'])} "
            f"({VERDICTS[pair[label]['verdict']].format(**names)})"
            for label in ("default", "best")
        }
        out += [
            f"  {pair['a']} - {pair['b']} NPV",
            f"    default parameters    {sides['default']}",
            f"    optimised parameters  {sides['best']}",
            f"    {CHANGES[pair['change']]}",
        ]
    searched, run = fight["optimum"]["years"], fight["years"]
    if searched != run:
        out.append(f"  note: the optimum was searched over {searched} years; this comparison runs {run}")
    return "\n".join(out)
