"""Pieces of the page as Dash components: translatable words, lever blocks, headline, pinned table, the firm's
people and customers, messages. Functions of their inputs only (no state); ``workshop.app`` places them."""

from __future__ import annotations

import json
import math
from itertools import count
from typing import Any

from dash import dcc, html

from charts.i18n import category_label, money_short, number, percent
from charts.theme import OKABE_ITO
from model.scenario import Scenario
from workshop.breakeven_marks import slider_marks
from workshop.headline import Headline
from workshop.i18n import lever_name, policy_name, t
from workshop.inside import CATEGORY_ORDER, Snapshot
from workshop.levers import format_value, slider_range, spec
from workshop.state import Pin

CATEGORY_COLOURS = {  # Okabe-Ito, as the charts
    "routine": OKABE_ITO["vermillion"],
    "interpersonal": OKABE_ITO["blue"],
    "analytic": OKABE_ITO["bluish_green"],
    "project": OKABE_ITO["reddish_purple"],
    "idle": "#D9D9D9",
}
STATUS_KEYS = {"working": "w_status_working", "training": "w_status_training", "leaving": "w_status_leaving",
               "notice": "w_status_notice"}  # fmt: skip
MAX_CARDS = 60  # people drawn inside the firm; a larger firm shows the first ones and a count of the others
MAX_DOTS = 400  # customer dots


def translate(key: str, lang: str, values: dict[str, Any] | None = None) -> str:
    """A word of the page: ``lever:NAME`` is a lever's label, ``category:NAME`` a kind of work, else a key."""
    kind, _, name = key.partition(":")
    if kind == "lever":
        return lever_name(name, lang)
    if kind == "category":
        return category_label(name, lang)
    return t(key, lang, **(values or {}))


class Words:
    """Translatable text of the layout: each piece is a span that the language callback rewrites
    (ids ``{"type": "tr", "key": KEY, "n": N, "v": JSON of the placeholders}``)."""

    def __init__(self, lang: str):
        self.lang = lang
        self._numbers = count()

    def __call__(self, key: str, **values: Any) -> html.Span:
        ident = {"type": "tr", "key": key, "n": next(self._numbers), "v": json.dumps(values)}
        return html.Span(translate(key, self.lang, values), id=ident)


def lever_block(name: str, value: float, words: Words) -> html.Div:
    """One lever: name, a tooltip with what it means and its source, the slider, its unit, its break-even mark."""
    lever = spec(name)
    low, high = slider_range(name, value)
    lang = words.lang
    plausible = {"lo": format_value(name, lever.plausible[0], lang), "hi": format_value(name, lever.plausible[1], lang)}
    tip = html.Span(
        [
            "i",
            html.Span(
                [
                    html.Span(words(f"tip_{name}"), className="tip-what"),
                    html.Span(words("w_plausible", **plausible), className="tip-range"),
                    html.Span([words("w_source"), ": ", words(f"src_{name}")], className="tip-source"),
                ],
                className="tip-text",
            ),
        ],
        className="tip",
        tabIndex=0,
    )
    return html.Div(
        [
            html.Div([html.Label(words(f"lever:{name}"), htmlFor=f"lever-{name}"), tip], className="lever-head"),
            dcc.Slider(
                id=f"lever-{name}",
                min=low,
                max=high,
                step=lever.step,
                value=value,
                marks=slider_marks(low, high, name, lang, None),  # the break-even joins them once computed
                updatemode="mouseup",
            ),  # fmt: skip
            html.Div(words(f"w_unit_{lever.kind}"), className="lever-unit"),
            html.Div(
                [
                    html.Span(id=f"mark-{name}", className="mark-text"),
                    html.Span(words("w_computing"), className="mark-pending"),
                ],
                className="mark",
            ),
        ],
        className="lever",
        id=f"block-{name}",
    )


def messages(problems: list[str], kind: str = "error") -> list[html.Div]:
    """One line per problem (as a scenario file's errors read)."""
    return [html.Div(line, className=f"message {kind}") for line in problems]


def headline_parts(headline: Headline) -> tuple[str, list[html.Div], str]:
    cards = [
        html.Div(
            [html.Div(card.value, className="value"), html.Div(card.label, className="label")],
            className=f"card card-{card.key}",
        )  # fmt: skip
        for card in headline.cards
    ]
    return headline.sentence, cards, headline.note


def policy_options(scenario: Scenario, lang: str) -> list[dict[str, str]]:
    return [{"label": policy_name(scenario, name, lang), "value": name} for name in scenario.policy_names()]


# --- side by side ---------------------------------------------------------------------------------------------


def settings_text(pin: Pin, defaults: dict[str, float], lang: str) -> str:
    """The levers a pinned comparison moved from its scenario's values (``Reskilling success 0.30``)."""
    moved = [
        f"{lever_name(name, lang)} {format_value(name, value, lang)}"
        for name, value in pin.controls.levers.items()
        if name in defaults and not math.isclose(value, defaults[name], abs_tol=1e-9)
    ]
    return "; ".join(moved) or t("w_as_file", lang)


def pinned_table(pins: list[Pin], titles: list[str], defaults: list[dict[str, float]], scenario: Scenario, lang: str):
    """The pinned comparisons, one row each, with the headline numbers and restore / unpin buttons."""
    head = ["w_pinned_name", "w_scenario", "w_pinned_settings", "npv_difference", "r_p_col", "r_crossover_col"]
    header = html.Tr([html.Th(translate(k, lang)) for k in head] + [html.Th("")])
    rows = []
    for index, (pin, title, default) in enumerate(zip(pins, titles, defaults)):
        n = pin.numbers
        pair = t("w_pair", lang, a=policy_name(scenario, n.a, lang), b=policy_name(scenario, n.b, lang))
        if n.npv_diff_ci95 is not None:
            lo, hi = (money_short(x, lang, True) for x in n.npv_diff_ci95)
            pair += f"; [{lo}, {hi}]"
        crossover = t("w_never", lang) if n.crossover_month is None or n.share_never >= 0.5 else t(
            "w_month", lang, m=round(n.crossover_month))  # fmt: skip
        cells = [
            html.Td(html.B(pin.label)),
            html.Td(title),
            html.Td(settings_text(pin, default, lang)),
            html.Td(
                [
                    money_short(n.npv_diff, lang, sign=True),
                    html.Br(),
                    html.Small(pair),
                ],
                className="num",
            ),  # fmt: skip
            html.Td(percent(n.p_a_beats_b, lang), className="num"),
            html.Td(crossover, className="num"),
            html.Td(
                [
                    html.Button(t("w_restore", lang), id={"type": "restore", "i": index}, className="small"),
                    html.Button(t("w_unpin", lang), id={"type": "unpin", "i": index}, className="small quiet"),
                ]
            ),
        ]
        rows.append(html.Tr(cells))
    return html.Table([html.Thead(header), html.Tbody(rows)], className="pinned")


# --- inside the firm ---------------------------------------------------------------------------------------


def person_card(person, role_labels: dict[str, str], lang: str) -> html.Div:
    """A person: role, status, time by kind of work (a stacked bar), engagement (a gauge)."""
    total = sum(person.hours.values()) or 1.0
    segments = [
        html.Span(className="seg", style={"width": f"{100 * person.hours[c] / total:.1f}%",
                                          "background": CATEGORY_COLOURS[c]},
                  title=f"{translate('category:' + c, lang)}: {number(person.hours[c], lang)} h")
        for c in CATEGORY_ORDER
        if person.hours[c] > 0
    ]  # fmt: skip
    engagement = percent(person.engagement, lang)
    return html.Div(
        [
            html.Div(role_labels.get(person.role, person.role), className="who"),
            html.Div(
                t(STATUS_KEYS[person.status], lang) if person.status in STATUS_KEYS else person.status,
                className="status",
            ),  # fmt: skip
            html.Div(segments, className="mix"),
            html.Div(
                html.Span(style={"width": f"{100 * person.engagement:.0f}%"}),
                className="gauge",
                title=t("w_engagement", lang, v=engagement),
            ),  # fmt: skip
            html.Div(t("w_engagement", lang, v=engagement), className="small-print"),
        ],
        className=f"person status-{person.status}",
    )


def customer_dots(snap: Snapshot, lang: str) -> html.Div:
    """The customer base as dots: today's customers still there, those gone, the new ones."""
    per_dot = max(1, math.ceil(max(snap.initial_customers, snap.customers) / MAX_DOTS))
    kept = round(snap.kept_customers / per_dot)
    lost = max(round(snap.initial_customers / per_dot) - kept, 0)
    new = round(snap.new_customers / per_dot)
    dots = (
        [html.Span(className="dot kept")] * kept + [html.Span(className="dot new")] * new
        + [html.Span(className="dot lost")] * lost
    )  # fmt: skip
    legend = html.Div(
        [
            html.Span([html.Span(className="dot kept"), t("w_kept", lang)]),
            html.Span([html.Span(className="dot new"), t("w_new", lang)]),
            html.Span([html.Span(className="dot lost"), t("w_lost", lang)]),
            html.Span(t("w_inside_dot", lang, n=per_dot)) if per_dot > 1 else None,
        ],
        className="dots-legend",
    )
    return html.Div([html.Div(dots, className="dots"), legend])


def inside_view(snap: Snapshot, scenario: Scenario, lang: str) -> list:
    role_labels = {role.id: getattr(role.label, lang) for role in scenario.roles}
    people = [person_card(p, role_labels, lang) for p in snap.people[:MAX_CARDS]]
    if len(snap.people) > MAX_CARDS:
        people.append(html.Div(t("w_more_people", lang, n=len(snap.people) - MAX_CARDS), className="person more"))
    if snap.vacancies:
        people.append(html.Div(t("w_inside_vacant", lang, n=snap.vacancies), className="person vacant"))
    legend = html.Div(
        [html.Span([html.Span(className="swatch", style={"background": CATEGORY_COLOURS[c]}),
                    translate("category:" + c, lang)]) for c in CATEGORY_ORDER],
        className="mix-legend",
    )  # fmt: skip
    facts = [
        html.Div(t("w_inside_month", lang, m=snap.month, n=snap.months), className="inside-month", id="inside-month"),
        html.Div(
            t(
                "w_inside_people",
                lang,
                n=len(snap.people),
                h=number(snap.hires, lang),
                q=number(snap.quits, lang),
                l=number(snap.layoffs, lang),
            )
        ),  # fmt: skip
        html.Div(t("w_inside_profit", lang, v=money_short(snap.cumulative_profit, lang))),
    ]
    now, kept = round(snap.customers), round(snap.kept_customers)  # customers are fractional: whole ones add up
    customers = t(
        "w_inside_customers", lang, now=number(now, lang), kept=number(kept, lang),
        initial=number(snap.initial_customers, lang), new=number(max(now - kept, 0), lang),
    )  # fmt: skip
    return [
        html.Div(facts, className="inside-facts"),
        legend,
        html.Div(people, className="people"),
        html.H4(customers),
        customer_dots(snap, lang),
    ]
