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
