"""Plain-text tables of a comparison, for the terminal."""

from __future__ import annotations

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


def probability(p: float | None) -> str:
    return "n/a (too few replicates)" if p is None else f"{100 * p:.0f} %"


def format_summary(summary: dict) -> str:
    policies = list(summary["policies"])
    header = ["", *policies]
    rows = [[label, *(cell(summary["policies"][p][key], kind) for p in policies)] for key, label, kind in ROWS]
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
        out += [
            "",
            f"{pair['a']} vs {pair['b']} (paired, common random numbers):",
            f"  NPV difference      {cell(pair['npv_diff'], 'eur')}",
            f"  P({pair['a']} beats {pair['b']})  {probability(pair['p_a_beats_b'])}",
            f"  crossover           {when} (median where it happens; never in {100 * cross['share_never']:.0f} % of replicates)",
        ]
    return "\n".join(out)


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
