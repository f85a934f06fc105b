"""The report's "fair fight" section: does the verdict survive when every road is played at its best?

It reads the ``fair_fight`` entry that ``run.py compare --best`` writes in summary.json (see
``experiments.optimize.fair_fight``) and is empty for any other comparison. Its words, English and French, live
here (``LABELS``); numbers are formatted by ``charts.i18n``.
"""

from __future__ import annotations

import html
import json
import math
from typing import TYPE_CHECKING, Any

from charts.i18n import check_lang, money_short, number, percent, significant
from model.labels import policy_label

if TYPE_CHECKING:
    from experiments.results import Results
    from model.scenario import Scenario

LABELS: dict[str, dict[str, str]] = {
    "title": {"en": "A fair fight: each road at its best", "fr": "Combat loyal : chaque voie à son meilleur"},
    "intro": {
        "en": "Each policy's own decisions (timing, thresholds, rules, targets, training, shares) were searched "
        "for the best mean NPV: {budget} trials on {search} search replicates. The figures below come from {n} "
        "held-out replicates the search never saw, with every policy at the scenario's parameters and at its "
        "optimum, on the same random numbers. The rest of this report shows every policy at its optimum.",
        "fr": "Les décisions propres à chaque politique (calendrier, seuils, règles, cibles, formation, parts) ont "
        "été optimisées pour la meilleure VAN moyenne : {budget} essais sur {search} réplications de recherche. "
        "Les chiffres ci-dessous viennent de {n} réplications réservées, jamais vues par la recherche, chaque "
        "politique étant jouée avec les paramètres du scénario puis à son optimum, sur les mêmes tirages. Le reste du rapport montre chaque politique à son optimum.",
    },
    "pair": {"en": "Pair (A − B)", "fr": "Paire (A − B)"},
    "at_default": {"en": "NPV difference at the scenario's parameters", "fr": "Écart de VAN, paramètres du scénario"},
    "at_best": {"en": "NPV difference, each at its best", "fr": "Écart de VAN, chacune à son meilleur"},
    "verdict": {"en": "Verdict", "fr": "Verdict"},
    "survives": {"en": "survives", "fr": "tient"},
    "reverses": {"en": "reverses", "fr": "s'inverse"},
    "weakens": {"en": "does not survive: too close to call", "fr": "ne tient pas : trop serré pour trancher"},
    "sharpens": {"en": "decisive only at their best", "fr": "net seulement à leur meilleur"},
    "policy": {"en": "Policy", "fr": "Politique"},
    "npv_default": {"en": "NPV, scenario's parameters", "fr": "VAN, paramètres du scénario"},
    "npv_best": {"en": "NPV at its best", "fr": "VAN à son meilleur"},
    "parameter": {"en": "Parameter", "fr": "Paramètre"},
    "default": {"en": "Scenario", "fr": "Scénario"},
    "best": {"en": "Optimum", "fr": "Optimum"},
    "unchanged": {"en": "the scenario's parameters were the best trial", "fr": "les paramètres du scénario étaient le meilleur essai"},
    "at_defaults": {"en": "Not optimised (scenario's parameters): {names}.", "fr": "Non optimisées (paramètres du scénario) : {names}."},
    "p": {"en": "P(A beats B)", "fr": "P(A bat B)"},
    "note": {"en": "Note:", "fr": "Note :"},
    "years": {"en": "the optimum was searched over {searched} years; this comparison runs {run}.", "fr": "l'optimum a été cherché sur {searched} ans ; cette comparaison en couvre {run}."},
}  # fmt: skip


def label(key: str, lang: str, **values: object) -> str:
    return LABELS[key][check_lang(lang)].format(**values)


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def fair_fight_section(results: Results, lang: str) -> str:
    """The section's HTML, or "" when the run was not a ``compare --best``."""
    fight = results.summary.get("fair_fight")
    if not fight:
        return ""
    optimum = fight["optimum"]
    scenario = results.scenario
    intro = label(
        "intro", lang, budget=optimum["budget"], search=optimum["search_replicates"], n=results.summary["replicates"]
    )
    tables = (pairs_table, npv_table, parameters_table)
    parts = [f"<p>{esc(intro)}</p>", *(make(fight, lang, scenario) for make in tables)]
    if fight["at_defaults"]:
        names = ", ".join(policy_label(scenario, name, lang) for name in fight["at_defaults"])
        parts.append(f"<p>{esc(label('at_defaults', lang, names=names))}</p>")
    if optimum["years"] != results.summary["years"]:
        note = label("years", lang, searched=optimum["years"], run=results.summary["years"])
        parts.append(f"<p><b>{esc(label('note', lang))}</b> {esc(note)}</p>")
    return f"<section id='fair-fight'><h2>{esc(label('title', lang))}</h2>\n" + "\n".join(parts) + "\n</section>"


def stat_text(stat: dict[str, Any], lang: str, sign: bool = True) -> str:
    """Mean [95 % CI] in short money (signed for a difference)."""
    mean = money_short(stat["mean"], lang, sign)
    if stat["ci95"] is None:
        return f"{mean} [n/a]"
    lo, hi = (money_short(x, lang, sign) for x in stat["ci95"])
    return f"{mean} [{lo}; {hi}]"


def table(head: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    def cells(row: list[str], tag: str) -> str:
        return "".join(f"<{tag}{' class=num' if i >= numeric_from else ''}>{esc(c)}</{tag}>" for i, c in enumerate(row))

    return f"<table><tr>{cells(head, 'th')}</tr>" + "".join(f"<tr>{cells(r, 'td')}</tr>" for r in rows) + "</table>"


def pairs_table(fight: dict[str, Any], lang: str, scenario: Scenario | None = None) -> str:
    """Each pair's paired NPV difference and P(A beats B), at the scenario's parameters and at the optimum."""
    head = [label("pair", lang), label("at_default", lang), label("p", lang), label("at_best", lang), label("p", lang)]
    rows = [
        [
            f"{policy_label(scenario, pair['a'], lang)} − {policy_label(scenario, pair['b'], lang)}",
            stat_text(pair["default"]["npv_diff"], lang),
            percent(pair["default"]["p_a_beats_b"], lang),
            stat_text(pair["best"]["npv_diff"], lang),
            percent(pair["best"]["p_a_beats_b"], lang),
            label(pair["change"], lang),
        ]
        for pair in fight["pairs"]
    ]
    return table([*head, label("verdict", lang)], rows)


def npv_table(fight: dict[str, Any], lang: str, scenario: Scenario | None = None) -> str:
    rows = [
        [
            policy_label(scenario, name, lang),
            stat_text(npv["default"], lang, False),
            stat_text(npv["best"], lang, False),
        ]
        for name, npv in fight["npv"].items()
    ]
    return table([label("policy", lang), label("npv_default", lang), label("npv_best", lang)], rows)


def parameters_table(fight: dict[str, Any], lang: str, scenario: Scenario | None = None) -> str:
    """What the search changed, policy by policy."""
    rows = []
    for name, params in fight["parameters"].items():
        changed = params["changed"] or {"—": [label("unchanged", lang), ""]}
        rows += [
            [policy_label(scenario, name, lang), key, value_text(a, lang), value_text(b, lang)]
            for key, (a, b) in flat(changed)
        ]
    head = [label("policy", lang), label("parameter", lang), label("default", lang), label("best", lang)]
    return table(head, rows, numeric_from=2)


def flat(changed: dict[str, list]) -> list[tuple[str, list]]:
    """(parameter, [default, best]) rows; target weights one row per task (``targets.TASK``)."""
    rows = []
    for key, (a, b) in changed.items():
        if isinstance(a, dict):
            rows += [(f"{key}.{task}", [a[task], b[task]]) for task in a]
        else:
            rows.append((key, [a, b]))
    return rows


def value_text(value: Any, lang: str) -> str:
    """A parameter's value: numbers to 3 significant figures in the language's format, choices as written."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        if value == 0 or isinstance(value, int):
            return number(value, lang)
        decimals = max(0, 2 - math.floor(math.log10(abs(value))))
        text = number(significant(value, 3), lang, decimals)
        return text.rstrip("0").rstrip(".,") if decimals else text
    return str(value)
