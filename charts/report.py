"""The one-file report of a run: headline numbers, summary table, charts, assumptions and provenance.

``write_report(results_dir)`` writes ``results_dir/report.html``: a single self-contained file that works
offline. plotly.js is embedded once in the page head and every chart reuses it; there is no external URL,
no CDN and no web font. Assumptions list every scenario value with where it comes from (a ``--set``
override, the scenario file and its comment, the jurisdiction preset, or a model default documented in
docs/calibration.md, linked by relative path).
"""

from __future__ import annotations

import html
import json
import os
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charts import data
from charts.fairfight import fair_fight_section
from charts.i18n import (
    check_lang,
    metric_label,
    metric_value,
    money_k,
    money_short,
    percent,
    t,
    years_text,
)
from model.labels import policy_label

if TYPE_CHECKING:
    from charts.theme import Theme
    from experiments.results import Results

ROOT = Path(__file__).resolve().parent.parent
CALIBRATION = ROOT / "docs" / "calibration.md"
SUMMARY_ROWS = (
    "npv", "cumulative_profit", "value_created", "total_cost", "employee_retention", "annual_quit_rate",
    "customer_retention", "final_headcount", "layoffs", "hires", "quits", "final_customers", "mean_engagement",
)  # fmt: skip

CSS = """
body { font-family: Inter, 'Helvetica Neue', Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif; color: #222;
       margin: 0 auto; max-width: 1180px; padding: 24px 32px 64px; line-height: 1.45; }
h1 { font-size: 30px; margin: 8px 0 4px; } h2 { font-size: 22px; margin-top: 40px; border-bottom: 1px solid #ddd; }
.lead { color: #555; font-size: 17px; margin: 0 0 8px; } .meta { color: #777; font-size: 14px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 16px; margin: 20px 0; }
.card { border: 1px solid #e2e2e2; border-radius: 8px; padding: 14px 16px; background: #fafafa; }
.card .value { font-size: 28px; font-weight: 600; } .card .label { color: #555; font-size: 14px; }
.verdict { font-size: 21px; font-weight: 600; margin: 16px 0 4px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 8px 0 16px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #f3f3f3; } td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.chart { margin: 18px 0 28px; } .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px;
         margin-right: 6px; vertical-align: -1px; }
details summary { cursor: pointer; color: #333; margin: 8px 0; } code { font-size: 13px; }
"""


def plotly_config(stem: str, theme: Theme) -> dict[str, Any]:
    """plotly.js options: no logo or cloud links; the camera button saves a PNG at the theme's size."""
    return {
        "displaylogo": False,
        "responsive": True,
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
        "toImageButtonOptions": {"format": "png", "filename": stem, "width": theme.width, "height": theme.height},
    }


def write_report(
    results_dir: str | Path,
    lang: str = "en",
    theme: str | Theme = "screen",
    path: str | Path | None = None,
    results: Results | None = None,
) -> Path:
    """Write the report of a results directory and return its path (default ``results_dir/report.html``).

    Args:
        results_dir: a directory written by ``run.py compare``.
        lang: ``en`` or ``fr``.
        theme: chart theme (default ``screen``: sized for a browser page).
        path: where to write (default ``results_dir/report.html``).
        results: the loaded results, when the caller already has them.
    """
    from charts.theme import get_theme
    from experiments.results import load_results

    check_lang(lang)
    results = results or load_results(results_dir)
    style = get_theme(theme)
    path = Path(path) if path else Path(results_dir) / "report.html"
    page = render_page(results, style, lang, path.parent)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return path


def render_page(results: Results, theme: Theme, lang: str, out_dir: Path) -> str:
    """The whole HTML document as one string."""
    from plotly.offline import get_plotlyjs

    title = getattr(results.scenario.meta.title, lang)
    sections = [
        f"<h1>{esc(title)}</h1>",
        f"<p class='lead'>{esc(getattr(results.scenario.meta.description, lang))}</p>",
        f"<p class='meta'>{esc(run_line(results, lang))}</p>",
        verdict_html(results, theme, lang),
        headline_cards(results, lang),
        section(t("r_summary", lang), summary_table(results, lang) + paired_table(results, lang), "summary"),
        section(t("r_drivers", lang), drivers_html(results, lang), "drivers"),
        fair_fight_section(results, lang),  # compare --best only
        section(t("r_charts", lang), charts_html(results, theme, lang), "charts"),
        section(t("r_assumptions", lang), assumptions_html(results, lang, out_dir), "assumptions"),
        section(t("r_provenance", lang), provenance_html(results, lang), "provenance"),
    ]
    return (
        f"<!DOCTYPE html>\n<html lang='{lang}'>\n<head>\n<meta charset='utf-8'>\n"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>\n<title>{esc(title)}</title>\n"
        f"<style>{CSS}</style>\n<script type='text/javascript'>window.PlotlyConfig = {{MathJaxConfig: 'local'}};"
        f"</script>\n<script type='text/javascript'>{get_plotlyjs()}</script>\n</head>\n<body>\n"
        + "\n".join(sections)
        + "\n</body>\n</html>\n"
    )


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def section(heading: str, body: str, anchor: str) -> str:
    return f"<section id='{anchor}'><h2>{esc(heading)}</h2>\n{body}\n</section>"


def run_line(results: Results, lang: str) -> str:
    s = results.summary
    return t("r_run", lang, n=s["replicates"], years=years_text(s["years"], lang), seed=s["seed"], policies=", ".join(
        policy_label(results.scenario, p, lang) for p in data.policies(results)))  # fmt: skip


def headline_cards(results: Results, lang: str) -> str:
    """The pair's NPV difference, P(A beats B) and crossover; every policy's NPV."""
    cards = []
    pair = data.focus_pair(results)
    if pair:
        a, b = pair
        summary = data.pair_summary(results, a, b)
        diff = summary["npv_diff"]
        names = {"a": policy_label(results.scenario, a, lang), "b": policy_label(results.scenario, b, lang)}
        ci = (
            t("r_ci", lang, lo=money_short(diff["ci95"][0], lang, True), hi=money_short(diff["ci95"][1], lang, True))
            if diff["ci95"]
            else "n/a"
        )
        cards += [
            card(money_short(diff["mean"], lang, sign=True), f"{t('r_npv_diff', lang, **names)} · {ci}"),
            card(share_text(summary["p_a_beats_b"], lang), t("r_p_beats", lang, **names)),
            card(
                crossover_value(summary["crossover_month"], lang),
                crossover_label(summary["crossover_month"], names, lang),
            ),
        ]
    for policy in data.policies(results):
        npv = data.mean_outcome(results, policy, "npv")
        cards.append(card(money_k(npv, lang), f"{t('r_npv_of', lang)} {policy_label(results.scenario, policy, lang)}"))
    return "<div class='cards'>" + "".join(cards) + "</div>"


def verdict_html(results: Results, theme: Theme, lang: str) -> str:
    """The headline slide's verdict as the page's lead sentence (nothing for a one-policy run)."""
    from charts.canvas import make_style
    from charts.figures import verdict

    pair = data.focus_pair(results)
    if pair is None:
        return ""
    style = make_style(theme, lang, data.policies(results), results.scenario)
    return f"<p class='verdict'>{esc(verdict(results, style, *pair))}</p>"


def drivers_html(results: Results, lang: str) -> str:
    """The rules that name what drove each paired run, then per pair: runs, mean NPV difference and P(A beats
    B) of each group (``charts.data.classify``)."""
    scenario = results.scenario
    rules = t("r_drivers_rules", lang, h=round(scenario.simulation.hours_per_month),
              share=percent(data.CUSTOMERS_LEFT_SHARE, lang),
              n=round(data.CUSTOMERS_LEFT_SHARE * scenario.customers.initial))  # fmt: skip
    items = "".join(f"<li>{esc(rule)}</li>" for rule in rules.split("|"))
    body = [f"<p>{esc(t('r_drivers_intro', lang))}</p><ol>{items}</ol>"]
    for a, b in data.pairs(results):
        found = data.drivers(results, a, b)
        if found is None:
            body.append(f"<p>{esc(t('r_drivers_missing', lang))}</p>")
            break
        diff = data.paired_difference(results, a, b, "npv")
        names = {"a": policy_label(scenario, a, lang), "b": policy_label(scenario, b, lang)}
        head = "".join(f"<th{' class=num' if i else ''}>{esc(t(k, lang, **names))}</th>" for i, k in enumerate(
            ("r_driver", "r_runs", "r_npv_diff_col", "r_p_beats_col")))  # fmt: skip
        rows = []
        for driver, road, mask in found.present():
            what = (
                t("driver_none", lang)
                if road is None
                else t(
                    "driver_of_road", lang, what=t(f"driver_{driver}", lang), road=policy_label(scenario, road, lang)
                )
            )
            cells = [f"{int(mask.sum())} ({percent(mask.mean(), lang)})", money_k(diff[mask].mean(), lang),
                     percent((diff[mask] > 0).mean(), lang)]  # fmt: skip
            rows.append(
                f"<tr><td>{esc(what)}</td>" + "".join(f"<td class='num'>{esc(c)}</td>" for c in cells) + "</tr>"
            )
        caption = esc(t("r_npv_diff", lang, **names))
        body.append(f"<p><b>{caption}</b></p><table><tr>{head}</tr>{''.join(rows)}</table>")
    return "\n".join(body)


def share_text(share: float | None, lang: str) -> str:
    """A share of runs, or n/a when there were too few runs to report one."""
    return "n/a" if share is None else percent(share, lang)


def card(value: str, label: str) -> str:
    return f"<div class='card'><div class='value'>{esc(value)}</div><div class='label'>{esc(label)}</div></div>"


def crossover_value(crossover: dict, lang: str) -> str:
    if crossover["median"] is None or crossover["share_never"] >= 0.5:
        return t("r_never", lang)
    return t("r_month", lang, m=round(crossover["median"]))


def crossover_label(crossover: dict, names: dict[str, str], lang: str) -> str:
    label = t("r_crossover", lang, **names)
    if crossover["median"] is not None and 0.005 <= crossover["share_never"] < 0.5:
        label += "; " + t("crossover_never", lang, k=round(100 * crossover["share_never"]))
    return label


def crossover_text(crossover: dict, lang: str) -> str:
    if crossover["median"] is None or crossover["share_never"] >= 0.5:
        return t("r_never", lang)
    text = t("r_month", lang, m=round(crossover["median"]))
    if crossover["share_never"] >= 0.005:
        text += " · " + t("crossover_never", lang, k=round(100 * crossover["share_never"]))
    return text


def summary_table(results: Results, lang: str) -> str:
    """Mean [95 % CI] of every headline outcome, one column per policy."""
    names = data.policies(results)
    head = "".join(
        f"<th class='num'>{esc(policy_label(results.scenario, p, lang))}<br><code>{esc(p)}</code></th>" for p in names
    )
    rows = []
    for key in SUMMARY_ROWS:
        if key not in results.summary["policies"][names[0]]:
            continue
        cells = "".join(
            f"<td class='num'>{esc(stat_text(results.summary['policies'][p][key], key, lang))}</td>" for p in names
        )
        rows.append(f"<tr><td>{esc(metric_label(key, lang))}</td>{cells}</tr>")
    return f"<table><tr><th>{esc(t('r_mean_ci', lang))}</th>{head}</tr>{''.join(rows)}</table>"


def stat_text(stat: dict, key: str, lang: str) -> str:
    if stat["ci95"] is None:  # one replicate
        return f"{metric_value(key, stat['mean'], lang)} [n/a]"
    lo, hi = stat["ci95"]
    return f"{metric_value(key, stat['mean'], lang)} [{metric_value(key, lo, lang)}; {metric_value(key, hi, lang)}]"


def paired_table(results: Results, lang: str) -> str:
    """Each policy against the reference: NPV and profit differences, P(A beats B), crossover."""
    if not results.summary["paired"]:
        return ""
    keys = ("r_pair", "r_npv_diff_col", "r_profit_diff_col", "r_p_col", "r_crossover_col")
    head = "".join(f"<th{' class=num' if i else ''}>{esc(t(k, lang))}</th>" for i, k in enumerate(keys))
    rows = []
    for pair in results.summary["paired"]:
        label = f"{policy_label(results.scenario, pair['a'], lang)} − {policy_label(results.scenario, pair['b'], lang)}"
        cells = [
            stat_text(pair["npv_diff"], "npv", lang),
            stat_text(pair["cumulative_profit_diff"], "cumulative_profit", lang),
            share_text(pair["p_a_beats_b"], lang),
            crossover_text(pair["crossover_month"], lang),
        ]
        rows.append(f"<tr><td>{esc(label)}</td>" + "".join(f"<td class='num'>{esc(c)}</td>" for c in cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def charts_html(results: Results, theme: Theme, lang: str) -> str:
    """Every applicable chart as a div; plotly.js is already in the page head."""
    from charts.figures import build_figures

    blocks = []
    for stem, fig in build_figures(results, theme, lang):
        if stem == "headline":  # the page opens with the same verdict and numbers as cards
            continue
        fig.update_layout(width=None, autosize=True)
        div = fig.to_html(
            full_html=False, include_plotlyjs=False, config=plotly_config(stem, theme), div_id=f"chart-{stem}",
            default_width="100%", default_height=f"{theme.height}px",
        )  # fmt: skip
        blocks.append(f"<div class='chart'>{div}</div>")
    return "\n".join(blocks)


# --- assumptions ---------------------------------------------------------------------------------------------


def flatten(node: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Dotted key/value rows of nested data; list items are named by their ``id`` or ``name`` (else index)."""
    if isinstance(node, dict):
        return [row for key, value in node.items() for row in flatten(value, f"{prefix}{key}.")]
    if isinstance(node, list) and any(isinstance(item, dict) for item in node):
        rows = []
        for index, item in enumerate(node):
            name = item.get("id") or item.get("name") if isinstance(item, dict) else None
            rows += flatten(item, f"{prefix}{name or index}.")
        return rows
    return [(prefix.rstrip("."), node)]


def scenario_file(results: Results) -> Path | None:
    """The scenario file the run read, if it is still where the manifest says (absolute or from the root)."""
    raw = results.manifest.get("scenario_path")
    if not raw:
        return None
    for candidate in (Path(raw), ROOT / raw):
        if candidate.is_file():
            return candidate
    return None


def toml_comments(path: Path) -> dict[str, str]:
    """Trailing ``# comments`` of ``key = value`` lines, by dotted key (array items named by id or name)."""
    comments: dict[str, str] = {}
    table, counters = "", {}
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("[[") and stripped.endswith("]]"):
            name = stripped[2:-2].strip()
            counters[name] = counters.get(name, -1) + 1
            table = f"{name}.{counters[name]}"
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            table = stripped[1:-1].strip()
            continue
        key, _, rest = stripped.partition("=")
        key = key.strip()
        if not rest or stripped.startswith("#"):
            continue
        if key in ("id", "name") and table.rsplit(".", 1)[-1].isdigit():
            item = rest.split("#")[0].strip().strip("\"'")
            renamed = table.rsplit(".", 1)[0] + "." + item
            comments.update(
                {k.replace(table + ".", renamed + ".", 1): v for k, v in comments.items() if k.startswith(table + ".")}
            )
            table = renamed
        value, hash_, comment = rest.partition(" #")
        if hash_ and value.count('"') % 2 == 0:
            comments[f"{table}.{key}" if table else key] = comment.strip()
    return comments


def value_sources(results: Results) -> list[tuple[str, str, str]]:
    """(key, value, source) of every scenario value."""
    explicit_path = scenario_file(results)
    explicit: set[str] = set()
    comments: dict[str, str] = {}
    if explicit_path:
        with explicit_path.open("rb") as handle:
            explicit = {key for key, _ in flatten(tomllib.load(handle))}
        comments = toml_comments(explicit_path)
    overrides = {o.split("=", 1)[0].strip(): o for o in results.manifest.get("overrides", [])}
    dumped = results.scenario.model_dump(mode="json")
    preset = results.scenario.jurisdiction.preset
    rules = results.scenario.jurisdiction_rules()
    rows = []
    for key, value in flatten(dumped):
        source = source_of(key, explicit, comments, overrides, explicit_path)
        if key.startswith("jurisdiction.") and value is None and key.split(".", 1)[1] in rules:
            value, source = rules[key.split(".", 1)[1]], f"preset:{preset}"
        rows.append((key, json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value, source))
    return rows


def source_of(key: str, explicit: set[str], comments: dict[str, str], overrides: dict, path: Path | None) -> str:
    if key in overrides:
        return f"override:{overrides[key]}"
    if key in explicit:
        comment = next((c for k, c in comments.items() if key == k or key.startswith(k + ".")), "")
        return f"file:{path.name}" + (f" — {comment}" if comment else "")
    if path is None:
        return "scenario"
    return "default"


def assumptions_html(results: Results, lang: str, out_dir: Path) -> str:
    calibration = os.path.relpath(CALIBRATION, out_dir) if CALIBRATION.anchor == out_dir.resolve().anchor else None
    link = (
        f"<a href='{esc(Path(calibration).as_posix())}'>docs/calibration.md</a>"
        if calibration
        else "docs/calibration.md"
    )
    sources = "".join(f"<li>{esc(s)}</li>" for s in results.scenario.meta.sources)
    rows = "".join(
        f"<tr><td><code>{esc(k)}</code></td><td>{esc(v)}</td><td>{esc(source_text(s, lang))}</td></tr>"
        for k, v, s in value_sources(results)
    )
    return (
        f"<p>{t('r_assumptions_intro', lang, link='@LINK@')}</p>".replace("@LINK@", link)
        + (f"<p><b>{esc(t('r_sources', lang))}</b></p><ul>{sources}</ul>" if sources else "")
        + f"<details open><summary>{esc(t('r_values', lang))}</summary><table><tr><th>{esc(t('r_key', lang))}</th>"
        f"<th>{esc(t('r_value', lang))}</th><th>{esc(t('r_source', lang))}</th></tr>{rows}</table></details>"
    )


def source_text(source: str, lang: str) -> str:
    kind, _, detail = source.partition(":")
    if kind == "default":
        return t("r_src_default", lang)
    if kind == "scenario":
        return t("r_src_scenario", lang)
    if kind == "preset":
        return t("r_src_preset", lang, preset=detail)
    if kind == "override":
        return t("r_src_override", lang, set=detail)
    return t("r_src_file", lang, file=detail)


def provenance_html(results: Results, lang: str) -> str:
    m = results.manifest
    versions = ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items())
    rows = [
        ("r_version", m.get("versions", {}).get("project", "unknown")),
        ("r_command", m.get("command", "")),
        ("r_seed", m.get("root_seed", "")),
        ("r_date", m.get("created", "")),
        ("r_scenario_path", m.get("scenario_path", "")),
        ("r_overrides", " ".join(f"--set {o}" for o in m.get("overrides", [])) or "—"),
        ("r_replicates", f"{m.get('replicates', '')} × {m.get('years', '')}"),
        ("r_versions", versions),
        ("r_results", str(results.path)),
    ]
    body = "".join(f"<tr><th>{esc(t(k, lang))}</th><td><code>{esc(v)}</code></td></tr>" for k, v in rows)
    return f"<table>{body}</table>"
