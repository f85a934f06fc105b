"""Words and numbers in English and French: chart strings, category labels, number formats.

Scenario-specific words (task, role and scenario titles) come from the scenario file's ``{en, fr}`` labels;
policies' display labels from ``model.labels`` (one vocabulary for tables, JSON, report and charts); this module
holds only the words that every scenario shares. French numbers use a decimal comma and a narrow
no-break space (U+202F) between thousands and before units: ``12 300 EUR``, ``1,5 M EUR``, ``98 %``.
"""

from __future__ import annotations

import math

LANGS = ("en", "fr")
NNBSP = "\u202f"  # narrow no-break space: French thousands separator and space before a unit
MINUS = "\u2212"  # the minus sign plotly uses on its axes

CATEGORY_LABELS = {
    "routine": {"en": "Routine", "fr": "Routine"},
    "interpersonal": {"en": "Interpersonal", "fr": "Relationnel"},
    "analytic": {"en": "Analytic", "fr": "Analyse"},
    "project": {"en": "Projects", "fr": "Projets"},
    "idle": {"en": "Idle (not reassigned)", "fr": "Inoccupé (non réaffecté)"},
}

LEVER_LABELS = {
    "automation_scale": {"en": "Automation scale", "fr": "Ampleur de l'automatisation"},
    "reskilling_success": {"en": "Reskilling success", "fr": "Réussite de la reconversion"},
    "new_work_demand_scale": {"en": "Demand for the new work", "fr": "Demande pour le nouveau travail"},
    "survivor_effect_scale": {"en": "Survivor effect", "fr": "Effet survivant"},
    "customer_sensitivity_scale": {"en": "Customer sensitivity", "fr": "Sensibilité des clients"},
    "discount_rate": {"en": "Discount rate", "fr": "Taux d'actualisation"},
    "years": {"en": "Horizon (years)", "fr": "Horizon (années)"},
}

# Waterfall channels of a paired difference (see charts.data.WATERFALL_CHANNELS).
CHANNEL_LABELS = {
    "salaries": {"en": "Salaries", "fr": "Salaires"},
    "severance": {"en": "Severance, notice, redeployment", "fr": "Indemnités, préavis, reclassement"},
    "training": {"en": "Training", "fr": "Formation"},
    "hiring": {"en": "Turnover (hiring)", "fr": "Turnover (recrutement)"},
    "errors": {"en": "Errors (undone work)", "fr": "Erreurs (travail non fait)"},
    "contractors": {"en": "Bought-in work", "fr": "Travail sous-traité"},
    "customer_revenue": {"en": "Customer revenue", "fr": "Chiffre d'affaires clients"},
    "cost_of_sales": {"en": "Cost of sales", "fr": "Coût des ventes"},
    "new_work": {"en": "New-work value", "fr": "Valeur du nouveau travail"},
    "tool": {"en": "Tool", "fr": "Outil"},
    "fixed_costs": {"en": "Fixed costs", "fr": "Coûts fixes"},
    "total": {"en": "Profit difference", "fr": "Écart de profit"},
}

# Summary metrics: key -> (kind, {lang: label}); kind picks the number format.
METRIC_LABELS: dict[str, tuple[str, dict[str, str]]] = {
    "npv": ("eur", {"en": "NPV", "fr": "VAN"}),
    "cumulative_profit": ("eur", {"en": "Cumulative profit", "fr": "Profit cumulé"}),
    "value_created": ("eur", {"en": "Value created (revenue)", "fr": "Valeur créée (chiffre d'affaires)"}),
    "total_cost": ("eur", {"en": "Total cost", "fr": "Coût total"}),
    "employee_retention": ("pct", {"en": "Employee retention (initial staff)", "fr": "Rétention des salariés (effectif initial)"}),
    "annual_quit_rate": ("pct", {"en": "Annual quit rate", "fr": "Taux de démission annuel"}),
    "customer_retention": ("pct", {"en": "Customer retention (initial base)", "fr": "Rétention des clients (base initiale)"}),
    "final_headcount": ("num", {"en": "Final headcount", "fr": "Effectif final"}),
    "layoffs": ("num", {"en": "Layoffs", "fr": "Licenciements"}),
    "hires": ("num", {"en": "Hires", "fr": "Embauches"}),
    "quits": ("num", {"en": "Quits", "fr": "Démissions"}),
    "final_customers": ("num", {"en": "Final customers", "fr": "Clients finaux"}),
    "mean_engagement": ("pct", {"en": "Mean engagement", "fr": "Engagement moyen"}),
}  # fmt: skip

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "month": "Month",
        "k_eur": "k EUR",
        "hours_month": "hours a month",
        "median_band": "Line: median; band: middle 50% of {n} runs",
        "median_bands": "Line: median; band: middle 50% of {n} runs; the paired difference also with the band of 90% of runs",
        "overtakes_title": "{A} overtakes {b} in month {m}",
        "leads_title": "{A} leads {b} from the start",
        "ahead_share_title": "{A} is ahead in {k} of 100 simulated futures at month {T}; crossover by month {m} in half of them",
        "no_pair_title": "{policy}: {total} cumulative profit over {years}",
        "level_title": "{A} and {b} end level",
        "cumulative_profit": "Cumulative profit",
        "cash": "Cash",
        "difference_axis": "{a} − {b}",
        "difference_panel": "Paired difference: {a} − {b}",
        "for_good_label": "From month {m}: ahead in at least 95 of 100 futures",
        "crossover_label": "Crossover by month {m} in half of the runs that end ahead",
        "crossover_range": "middle half of those runs: months {lo}–{hi}",
        "crossover_never": "never crosses in {k} of 100 futures",
        "before_tool": "Before the tool",
        "at_horizon": "{policy}, month {m}",
        "hours_title": "{h} h of routine work freed a month: where do they go?",
        "hours_title_plain": "Where the hours go",
        "hours_subtitle": "Paid hours a month by task category, before the tool and in month {m}; mean of {n} runs; each panel on its own scale",
        "automated": "Tool automates: {tasks}",
        "people_title": "Quits over {years}: {quits}",
        "people_subtitle": "Engagement and initial staff: median and 50% band; headcount and cumulative counts: mean; {n} runs",
        "headcount": "Headcount",
        "engagement": "Engagement (%)",
        "initial_staff": "Initial staff still there (%)",
        "cum_hires": "Hires, cumulative",
        "cum_quits": "Quits, cumulative",
        "cum_layoffs": "Layoffs, cumulative",
        "customers_title": "Customers kept after {years}: {kept}",
        "customers_subtitle": "Median and 50% band of {n} runs",
        "customers": "Customers",
        "customer_retention": "Initial customers still there (%)",
        "waterfall_more": "{A} makes {total} more profit than {b} over {years} (mean, not discounted)",
        "waterfall_less": "{A} makes {total} less profit than {b} over {years} (mean, not discounted)",
        "on_road": "{v} on {road}",
        "waterfall_subtitle": "Effect of each channel on the cumulative profit difference ({a} − {b}), mean of {n} paired runs; bars up favour {a}",
        "difference_title": "{A} beats {b} on NPV in {k} of 100 simulated futures",
        "verdict_few": "{n} simulated futures over {years}: too few for a verdict",
        "difference_title_few": "{A} against {b}: {n} paired runs, too few for a share",
        "verdict_clear": "{A} pays: {money} more than {b} over {years}, ahead in {k} of 100 simulated futures",
        "verdict_mostly": "{A} earns {money} more than {b} over {years} on average, but {b} wins in {k} of 100 simulated futures",
        "verdict_unclear": "No clear winner over {years}: {x} comes out ahead in {k} of 100 simulated futures",
        "h_subtitle": "{scenario} · {n} simulated futures over {years}, the same luck for both roads",
        "h_money": "MONEY",
        "h_people": "PEOPLE",
        "h_customers": "CUSTOMERS",
        "h_money_what": "net present value over {years}, {a} minus {b}",
        "h_people_what": "people employed after {years}: {va} vs {vb}",
        "h_customers_what": "customers after {years}: {va} vs {vb}",
        "h_staff_kept": "today's staff still there: {va} vs {vb}",
        "h_customers_kept": "today's customers still there: {va} vs {vb}",
        "h_ahead_heading": "Ahead on net present value, in 100 simulated futures",
        "h_ahead": "{road}: {k}",
        "drivers_subtitle": "<br>Colour: what drove each run, hatched where it was {b}'s (the rules are in the report)",
        "driver_reskilling_failed": "Reskilling fell through",
        "driver_reskilled_left": "Reskilled staff left",
        "driver_work_undone": "Required work left undone",
        "driver_customers_left": "Customers left",
        "driver_none": "None of these",
        "driver_count": "{n} runs, mean {mean}",
        "driver_of_road": "{what} ({road})",
        "difference_subtitle": "NPV difference ({a} − {b}) in each of {n} paired runs (same luck for both); mean {mean} [95% CI {lo}, {hi}]",
        "npv_difference": "NPV difference (k EUR)",
        "runs": "Runs",
        "a_wins": "{a} ahead",
        "b_wins": "{b} ahead",
        "mean": "mean {v}",
        "frontier_title": "Where {a} beats {b}",
        "frontier_subtitle": "{value} across two levers; the line marks no difference",
        "frontier_value": "NPV difference (k EUR)",
        "no_difference": "No difference",
        "tornado_title": "What moves the result most",
        "tornado_subtitle": "{value} with each parameter at the low and high end of its range; centre {base}",
        "low_end": "Parameter at its low end",
        "high_end": "Parameter at its high end",
        "sobol_title": "Which parameters explain the spread",
        "sobol_subtitle": "Sobol indices with 95% intervals: first order (alone) and total (with interactions)",
        "first_order": "First order (S1)",
        "total_order": "Total (ST)",
        "sensitivity_index": "Sensitivity index",
        "h": "h",
        "r_summary": "Summary",
        "r_drivers": "What drove the difference",
        "r_drivers_intro": "Each paired run (the same luck on both roads) is named by the first of these rules that holds for it, checked for road A, then for road B; runs that none explains are 'none of these'. The difference chart colours runs the same way.",
        "r_drivers_rules": "Reskilling fell through: on the road, at least one person failed reskilling, and no more passed it than failed (the most people on staff at once with each outcome).|Reskilled staff left: the road had reskilled people and at least half of them had gone by the horizon.|Required work left undone: the road laid people off and left more required work undone than the other road, by at least one month of a full-time post ({h} h) per person it laid off.|Customers left: the road ended with fewer customers than the other, by at least {share} of the initial base ({n} customers).",
        "r_drivers_missing": "This run was saved before the indicators these rules need were recorded; run the comparison again to see them.",
        "r_driver": "What drove the run",
        "r_runs": "Runs",
        "r_p_beats_col": "{a} ahead",
        "r_charts": "Charts",
        "r_assumptions": "Assumptions",
        "r_provenance": "Provenance",
        "r_run": "{n} paired runs × {years}, root seed {seed}; policies: {policies}",
        "r_ci": "95% CI {lo} to {hi}",
        "r_npv_diff": "NPV difference, {a} − {b}",
        "r_p_beats": "Runs where {a} beats {b} (NPV)",
        "r_crossover": "Crossover of cumulative profit: the month from which {a} stays ahead of {b}, median of the runs where it ends ahead",
        "r_npv_of": "NPV,",
        "r_never": "Never",
        "r_month": "Month {m}",
        "r_mean_ci": "Mean [95% CI]",
        "r_pair": "Pair (A − B)",
        "r_npv_diff_col": "NPV difference",
        "r_profit_diff_col": "Cumulative profit difference",
        "r_p_col": "P(A beats B)",
        "r_crossover_col": "Crossover (median)",
        "r_assumptions_intro": "Every value of the scenario as the run used it, with where it comes from. Model defaults and their sources, ranges and references are documented in {link}.",
        "r_sources": "Scenario sources",
        "r_values": "Scenario values",
        "r_key": "Key",
        "r_value": "Value",
        "r_source": "Source",
        "r_src_default": "model default (docs/calibration.md)",
        "r_src_scenario": "scenario",
        "r_src_preset": "jurisdiction preset '{preset}' (docs/calibration.md)",
        "r_src_override": "command line: --set {set}",
        "r_src_file": "scenario file {file}",
        "r_version": "Project version",
        "r_command": "Command line",
        "r_seed": "Root seed",
        "r_date": "Date (UTC)",
        "r_scenario_path": "Scenario file",
        "r_overrides": "Overrides",
        "r_replicates": "Replicates × years",
        "r_versions": "Software versions",
        "r_results": "Results directory",
    },
    "fr": {
        "month": "Mois",
        "k_eur": "k EUR",
        "hours_month": "heures par mois",
        "median_band": "Ligne : médiane ; bande : 50 % central de {n} simulations",
        "median_bands": "Ligne : médiane ; bande : 50 % central de {n} simulations ; l'écart apparié aussi avec la bande de 90 % des simulations",
        "overtakes_title": "{A} dépasse {b} au mois {m}",
        "leads_title": "{A} devance {b} dès le départ",
        "ahead_share_title": "{A} est devant dans {k} futurs simulés sur 100 au mois {T} ; croisement au plus tard au mois {m} dans la moitié d'entre eux",
        "no_pair_title": "{policy} : {total} de profit cumulé sur {years}",
        "level_title": "{A} et {b} finissent à égalité",
        "cumulative_profit": "Profit cumulé",
        "cash": "Trésorerie",
        "difference_axis": "{a} − {b}",
        "difference_panel": "Écart apparié : {a} − {b}",
        "for_good_label": "Dès le mois {m} : devant dans au moins 95 futurs sur 100",
        "crossover_label": "Croisement au plus tard au mois {m} dans la moitié des simulations qui finissent devant",
        "crossover_range": "moitié centrale de ces simulations : mois {lo} à {hi}",
        "crossover_never": "jamais de croisement dans {k} futurs sur 100",
        "before_tool": "Avant l'outil",
        "at_horizon": "{policy}, mois {m}",
        "hours_title": "{h} h de travail routinier libérées par mois : où vont-elles ?",
        "hours_title_plain": "Où vont les heures",
        "hours_subtitle": "Heures payées par mois par catégorie de tâche, avant l'outil et au mois {m} ; moyenne de {n} simulations ; chaque panneau à sa propre échelle",
        "automated": "L'outil automatise : {tasks}",
        "people_title": "Démissions sur {years} : {quits}",
        "people_subtitle": "Engagement et effectif initial : médiane et bande de 50 % ; effectif et cumuls : moyenne ; {n} simulations",
        "headcount": "Effectif",
        "engagement": "Engagement (%)",
        "initial_staff": "Effectif initial encore là (%)",
        "cum_hires": "Embauches, cumul",
        "cum_quits": "Démissions, cumul",
        "cum_layoffs": "Licenciements, cumul",
        "customers_title": "Clients conservés après {years} : {kept}",
        "customers_subtitle": "Médiane et bande de 50 % de {n} simulations",
        "customers": "Clients",
        "customer_retention": "Clients initiaux encore là (%)",
        "waterfall_more": "{A} fait {total} de profit de plus que {b} sur {years} (moyenne, non actualisée)",
        "waterfall_less": "{A} fait {total} de profit de moins que {b} sur {years} (moyenne, non actualisée)",
        "on_road": "{v} sur {road}",
        "waterfall_subtitle": "Effet de chaque poste sur l'écart de profit cumulé ({a} − {b}), moyenne de {n} simulations appariées ; barre montante : en faveur de {a}",
        "difference_title": "{A} bat {b} en VAN dans {k} futurs simulés sur 100",
        "verdict_few": "{n} futurs simulés sur {years} : trop peu pour un verdict",
        "difference_title_few": "{A} face à {b} : {n} simulations appariées, trop peu pour une proportion",
        "verdict_clear": "{A} paie : {money} de plus que {b} sur {years}, devant dans {k} futurs simulés sur 100",
        "verdict_mostly": "{A} rapporte {money} de plus que {b} sur {years} en moyenne, mais {b} gagne dans {k} futurs simulés sur 100",
        "verdict_unclear": "Pas de gagnant net sur {years} : {x} est devant dans {k} futurs simulés sur 100",
        "h_subtitle": "{scenario} · {n} futurs simulés sur {years}, le même aléa pour les deux voies",
        "h_money": "ARGENT",
        "h_people": "PERSONNES",
        "h_customers": "CLIENTS",
        "h_money_what": "valeur actuelle nette sur {years}, {a} moins {b}",
        "h_people_what": "personnes employées après {years} : {va} contre {vb}",
        "h_customers_what": "clients après {years} : {va} contre {vb}",
        "h_staff_kept": "salariés d'aujourd'hui encore là : {va} contre {vb}",
        "h_customers_kept": "clients d'aujourd'hui encore là : {va} contre {vb}",
        "h_ahead_heading": "Devant en valeur actuelle nette, sur 100 futurs simulés",
        "h_ahead": "{road} : {k}",
        "drivers_subtitle": "<br>Couleur : ce qui a décidé chaque simulation, hachuré du côté de {b} (règles dans le rapport)",
        "driver_reskilling_failed": "Reconversion ratée",
        "driver_reskilled_left": "Personnes reconverties parties",
        "driver_work_undone": "Travail requis laissé en plan",
        "driver_customers_left": "Clients partis",
        "driver_none": "Aucun de ces cas",
        "driver_count": "{n} simulations, moyenne {mean}",
        "driver_of_road": "{what} ({road})",
        "difference_subtitle": "Écart de VAN ({a} − {b}) dans chacune des {n} simulations appariées (même aléa) ; moyenne {mean} [IC 95 % {lo} ; {hi}]",
        "npv_difference": "Écart de VAN (k EUR)",
        "runs": "Simulations",
        "a_wins": "{a} devant",
        "b_wins": "{b} devant",
        "mean": "moyenne {v}",
        "frontier_title": "Où {a} bat {b}",
        "frontier_subtitle": "{value} selon deux leviers ; la ligne marque l'égalité",
        "frontier_value": "Écart de VAN (k EUR)",
        "no_difference": "Égalité",
        "tornado_title": "Ce qui fait le plus bouger le résultat",
        "tornado_subtitle": "{value} avec chaque paramètre au bas et au haut de sa plage ; centre {base}",
        "low_end": "Paramètre au bas de sa plage",
        "high_end": "Paramètre au haut de sa plage",
        "sobol_title": "Quels paramètres expliquent la dispersion",
        "sobol_subtitle": "Indices de Sobol avec intervalles à 95 % : premier ordre (seul) et total (avec interactions)",
        "first_order": "Premier ordre (S1)",
        "total_order": "Total (ST)",
        "sensitivity_index": "Indice de sensibilité",
        "h": "h",
        "r_summary": "Synthèse",
        "r_drivers": "Ce qui a fait l'écart",
        "r_drivers_intro": "Chaque simulation appariée (le même aléa sur les deux voies) est nommée par la première de ces règles qui s'y vérifie, pour la voie A puis pour la voie B ; celles qu'aucune n'explique sont « aucun de ces cas ». Le graphique de l'écart colore les simulations de la même façon.",
        "r_drivers_rules": "Reconversion ratée : sur cette voie, au moins une personne a échoué sa reconversion, et pas plus n'y ont réussi (au plus fort, en même temps dans l'effectif).|Personnes reconverties parties : la voie avait reconverti des personnes et au moins la moitié étaient parties à l'horizon.|Travail requis laissé en plan : la voie a licencié et laissé plus de travail requis non fait que l'autre voie, d'au moins un mois de poste à temps plein ({h} h) par personne licenciée.|Clients partis : la voie a fini avec moins de clients que l'autre, d'au moins {share} de la base initiale ({n} clients).",
        "r_drivers_missing": "Cette simulation a été enregistrée avant que les indicateurs de ces règles soient relevés ; relancez la comparaison pour les voir.",
        "r_driver": "Ce qui a décidé la simulation",
        "r_runs": "Simulations",
        "r_p_beats_col": "{a} devant",
        "r_charts": "Graphiques",
        "r_assumptions": "Hypothèses",
        "r_provenance": "Provenance",
        "r_run": "{n} simulations appariées × {years}, graine racine {seed} ; politiques : {policies}",
        "r_ci": "IC 95 % {lo} à {hi}",
        "r_npv_diff": "Écart de VAN, {a} − {b}",
        "r_p_beats": "Simulations où {a} bat {b} (VAN)",
        "r_crossover": "Croisement du profit cumulé : le mois à partir duquel {a} reste devant {b}, médiane des simulations où elle finit devant",
        "r_npv_of": "VAN,",
        "r_never": "Jamais",
        "r_month": "Mois {m}",
        "r_mean_ci": "Moyenne [IC 95 %]",
        "r_pair": "Paire (A − B)",
        "r_npv_diff_col": "Écart de VAN",
        "r_profit_diff_col": "Écart de profit cumulé",
        "r_p_col": "P(A bat B)",
        "r_crossover_col": "Croisement (médiane)",
        "r_assumptions_intro": "Chaque valeur du scénario telle que la simulation l'a utilisée, avec son origine. Les valeurs par défaut du modèle, leurs sources, plages et références sont documentées dans {link}.",
        "r_sources": "Sources du scénario",
        "r_values": "Valeurs du scénario",
        "r_key": "Clé",
        "r_value": "Valeur",
        "r_source": "Source",
        "r_src_default": "valeur par défaut du modèle (docs/calibration.md)",
        "r_src_scenario": "scénario",
        "r_src_preset": "préréglage juridique « {preset} » (docs/calibration.md)",
        "r_src_override": "ligne de commande : --set {set}",
        "r_src_file": "fichier de scénario {file}",
        "r_version": "Version du projet",
        "r_command": "Ligne de commande",
        "r_seed": "Graine racine",
        "r_date": "Date (UTC)",
        "r_scenario_path": "Fichier de scénario",
        "r_overrides": "Modifications",
        "r_replicates": "Simulations × années",
        "r_versions": "Versions des logiciels",
        "r_results": "Dossier de résultats",
    },
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise ValueError naming the allowed values."""
    if lang not in LANGS:
        raise ValueError(f"--lang {lang}: unknown language; allowed: {', '.join(LANGS)}")
    return lang


def t(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    return STRINGS[check_lang(lang)][key].format(**values)


def category_label(category: str, lang: str) -> str:
    return CATEGORY_LABELS[category][check_lang(lang)]


def lever_label(name: str, lang: str) -> str:
    """A lever's display name (``levers.X`` or ``X``); other parameters humanised: ``a.b_c`` -> ``B c (a)``."""
    key = name.removeprefix("levers.")
    if key in LEVER_LABELS:
        return LEVER_LABELS[key][check_lang(lang)]
    *parents, last = key.split(".")
    text = last.replace("_", " ")
    text = text[:1].upper() + text[1:]
    return f"{text} ({'.'.join(parents)})" if parents else text


def channel_label(channel: str, lang: str) -> str:
    return CHANNEL_LABELS[channel][check_lang(lang)]


def separators(lang: str) -> str:
    """Plotly's ``layout.separators``: decimal mark then thousands separator."""
    return ".," if check_lang(lang) == "en" else "," + NNBSP


def number(x: float, lang: str, decimals: int = 0, sign: bool = False) -> str:
    """``12,300.5`` (en) or ``12 300,5`` (fr); a true minus sign; ``+`` in front when ``sign``."""
    if not math.isfinite(x):
        return "–"
    text = f"{abs(x):,.{decimals}f}"
    if check_lang(lang) == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
    if round(x, decimals) < 0:
        return MINUS + text
    return ("+" + text) if sign and round(x, decimals) > 0 else text


def unit(value: str, unit_name: str, lang: str) -> str:
    """Join a number and its unit: a space in English, a narrow no-break space in French."""
    return f"{value}{' ' if lang == 'en' else NNBSP}{unit_name}"


def money(x: float, lang: str, sign: bool = False) -> str:
    """Whole euros: ``12,300 EUR`` / ``12 300 EUR``."""
    return unit(number(x, lang, 0, sign), "EUR", lang)


def money_short(x: float, lang: str, sign: bool = False) -> str:
    """Rounded for a headline: ``1.5M EUR``, ``154k EUR``, ``850 EUR`` (fr: ``1,5 M EUR``, ``154 k EUR``)."""
    size = abs(x)
    if size >= 999_500:
        value, suffix = x / 1e6, "M"
        decimals = 2 if size < 9_995_000 else 1 if size < 99_950_000 else 0
    elif size >= 9_999.5:
        value, suffix, decimals = x / 1e3, "k", 0
    else:
        return money(significant(x, 2), lang, sign)
    text = number(value, lang, decimals, sign)
    return f"{text}{suffix} EUR" if lang == "en" else f"{text}{NNBSP}{suffix}{NNBSP}EUR"


def significant(x: float, digits: int) -> float:
    """``x`` rounded to ``digits`` significant figures (4,135 -> 4,100 for 2)."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


def money_k(x: float, lang: str, sign: bool = False) -> str:
    """Thousands of euros for tables: ``1,259k EUR`` / ``1 259 k EUR``."""
    text = number(x / 1e3, lang, 0, sign)
    return f"{text}k EUR" if lang == "en" else f"{text}{NNBSP}k{NNBSP}EUR"


def percent(share: float | None, lang: str, decimals: int = 0) -> str:
    """A share 0..1 as ``98%`` (en) or ``98 %`` (fr); ``n/a`` when there is none (too few replicates)."""
    if share is None:
        return "n/a"
    text = number(100 * share, lang, decimals)
    return f"{text}%" if lang == "en" else f"{text}{NNBSP}%"


def percent_suffix(lang: str) -> str:
    """Axis tick suffix for values already in percent."""
    return "%" if check_lang(lang) == "en" else NNBSP + "%"


def metric_value(key: str, x: float, lang: str) -> str:
    """Format a summary metric by its kind (money, share, count)."""
    kind = METRIC_LABELS[key][0] if key in METRIC_LABELS else "num"
    if kind == "eur":
        return money_k(x, lang)
    if kind == "pct":
        return percent(x, lang, 1)
    return count(x, lang)


def compact(x: float, lang: str, sign: bool = False) -> str:
    """A number for a small label: ``2,484``, ``20.4k`` (fr: ``2 484``, ``20,4 k``)."""
    if abs(x) < 9_999.5:
        return number(x, lang, 0, sign)
    return f"{number(x / 1e3, lang, 1, sign)}{'' if lang == 'en' else NNBSP}k"


def count(x: float, lang: str) -> str:
    """A mean count: one decimal below 100 (10.9 quits), none above (593 quits)."""
    return number(x, lang, 1 if abs(x) < 100 else 0)


def metric_label(key: str, lang: str) -> str:
    return METRIC_LABELS[key][1][check_lang(lang)] if key in METRIC_LABELS else key.replace("_", " ")


def years_text(n: int, lang: str) -> str:
    """``1 year``, ``5 years`` / ``1 an``, ``5 ans``."""
    word = ("year", "years") if check_lang(lang) == "en" else ("an", "ans")
    return f"{n} {word[n != 1]}"


def join_words(items: list[str], lang: str) -> str:
    """``a, b and c`` / ``a, b et c``."""
    if len(items) <= 1:
        return "".join(items)
    last = " and " if lang == "en" else " et "
    return ", ".join(items[:-1]) + last + items[-1]
