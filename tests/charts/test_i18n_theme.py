"""Number formats, labels and the palette: the parts every chart shares."""

from __future__ import annotations

import itertools

import pytest

from charts.i18n import (
    NNBSP,
    check_lang,
    money,
    money_k,
    money_short,
    number,
    percent,
    separators,
)
from charts.theme import (
    DRIVER_COLOURS,
    FREE_COLOURS,
    INK,
    OKABE_ITO,
    POLICY_COLOURS,
    THEMES,
    colour_distance,
    deuteranopia,
    get_theme,
    policy_colours,
)


def test_french_numbers_use_a_decimal_comma_and_a_narrow_space_for_thousands():
    assert number(12300, "fr") == f"12{NNBSP}300"
    assert number(1234.5, "fr", 1) == f"1{NNBSP}234,5"
    assert money(12300, "fr") == f"12{NNBSP}300{NNBSP}EUR"
    assert money_short(154_000, "fr", sign=True) == f"+154{NNBSP}k{NNBSP}EUR"
    assert money_short(1_259_000, "fr") == f"1,26{NNBSP}M{NNBSP}EUR"
    assert money_k(1_259_000, "fr") == f"1{NNBSP}259{NNBSP}k{NNBSP}EUR"
    assert percent(0.98, "fr") == f"98{NNBSP}%"
    assert separators("fr") == "," + NNBSP


def test_english_numbers():
    assert money(12300, "en") == "12,300 EUR"
    assert money_short(-167_000, "en") == "\u2212167k EUR"
    assert money_short(4135, "en", sign=True) == "+4,100 EUR"  # two significant figures, no false precision
    assert money_short(1_259_000, "en") == "1.26M EUR"
    assert percent(0.125, "en", 1) == "12.5%"
    assert separators("en") == ".,"


def test_unknown_language_is_a_one_line_value_error():
    with pytest.raises(ValueError, match="--lang de: unknown language; allowed: en, fr"):
        check_lang("de")


def test_each_known_policy_keeps_its_colour_whatever_the_comparison():
    assert policy_colours(["reinvest", "cost_cutting"]) == policy_colours(["cost_cutting", "reinvest"])
    assert policy_colours(["cost_cutting"])["cost_cutting"] == OKABE_ITO["vermillion"]
    assert policy_colours(["status_quo", "reinvest"])["reinvest"] == OKABE_ITO["blue"]
    assert len(set(POLICY_COLOURS.values())) == len(POLICY_COLOURS)


def test_unknown_policies_take_the_next_free_colours_in_order():
    colours = policy_colours(["cost_cutting", "mine", "reinvest", "yours"])
    assert (colours["mine"], colours["yours"]) == FREE_COLOURS[:2]
    assert policy_colours(["cost_cutting", "mine", "reinvest", "yours"]) == colours
    assert len(set(colours.values())) == 4
    many = policy_colours([f"p{i}" for i in range(9)])  # more unknown names than free colours: cycles, no error
    assert len(many) == 9


def test_themes():
    talk = get_theme("talk")
    assert (talk.width, talk.height) == (1920, 1080)
    assert min(talk.title_size, talk.subtitle_size, talk.text_size, talk.tick_size, talk.min_font) >= 18
    assert THEMES["paper"].dashes and not talk.dashes
    with pytest.raises(ValueError, match="--theme poster: unknown theme; allowed: talk, paper"):
        get_theme("poster")


def test_every_string_exists_in_both_languages_with_the_same_placeholders():
    from string import Formatter

    from charts.i18n import STRINGS

    assert STRINGS["en"].keys() == STRINGS["fr"].keys()
    fields = lambda text: {name for _, name, _, _ in Formatter().parse(text) if name}  # noqa: E731
    assert all(fields(STRINGS["en"][key]) == fields(STRINGS["fr"][key]) for key in STRINGS["en"])


MIN_DISTANCE = 12.0  # CAM02-UCS delta E: clearly apart for lines and bars (1 is just noticeable)


@pytest.mark.parametrize(
    "palette",
    [
        {**POLICY_COLOURS, "crossover marker": INK},  # lines of a chart, and the marked month
        DRIVER_COLOURS,  # the stacked groups of the difference chart
    ],
    ids=["roads", "drivers"],
)
def test_colours_drawn_together_stay_apart_under_a_simulated_deuteranopia(palette):
    pairs = list(itertools.combinations(palette.items(), 2))
    seen = {f"{a} / {b}": colour_distance(deuteranopia(x), deuteranopia(y)) for (a, x), (b, y) in pairs}
    assert min(seen.values()) >= MIN_DISTANCE, seen


def test_deuteranopia_simulation_keeps_greys_and_merges_red_with_green():
    assert deuteranopia("#808080") == "#808080"
    red, green = "#C83232", "#32A032"  # a red and a green a deuteranope can confuse
    assert colour_distance(deuteranopia(red), deuteranopia(green)) < colour_distance(red, green) / 2
